"""A fake home holding Claude Code, Codex and Gemini CLI logs (the importers' fixtures)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "core" / "importers" / "fixtures"
#: The tools' own environment overrides, cleared so that the defaults under HOME are used.
TOOL_ENV = ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "XDG_CONFIG_HOME")


def fake_home(monkeypatch: pytest.MonkeyPatch, home: Path, *tools: str) -> Path:
    """Make ``home`` the user's home, with the logs of ``tools`` (claude, codex, gemini)."""
    for name in TOOL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    home.mkdir(parents=True, exist_ok=True)
    for tool in tools:
        shutil.copytree(FIXTURES / tool, home / f".{tool}", dirs_exist_ok=True)
    return home
