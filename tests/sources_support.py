"""Fake homes holding coding tools' logs, made of the importers' committed fixtures.

``fake_home`` gives a test the logs of some of the JSONL tools; ``every_tool_home`` builds a
home where all nine tools tokenbudget reads are present (the databases built from their
``.sql`` fixtures), which ``python -m tests.sources_support HOME`` also makes by hand, for
``HOME=HOME tokenbudget sources --json``.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "core" / "importers" / "fixtures"
#: The tools' own environment overrides, cleared so that the defaults under HOME are used.
TOOL_ENV = (
    "CLAUDE_CONFIG_DIR",
    "CODEX_HOME",
    "GEMINI_CLI_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "KIMI_SHARE_DIR",
    "KIMI_CODE_HOME",
    "OPENCODE_DB",
    "COPILOT_HOME",
    "DROID_SESSIONS_DIR",
    "GOOSE_PATH_ROOT",
)


def fake_home(monkeypatch: pytest.MonkeyPatch, home: Path, *tools: str) -> Path:
    """Make ``home`` the user's home, with the logs of ``tools`` (claude, codex, gemini)."""
    for name in TOOL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    home.mkdir(parents=True, exist_ok=True)
    for tool in tools:
        shutil.copytree(FIXTURES / tool, home / f".{tool}", dirs_exist_ok=True)
    return home


def every_tool_home(home: Path) -> Path:
    """Fill ``home`` with the logs of every tool, each where it keeps them on Linux."""
    home.mkdir(parents=True, exist_ok=True)
    for tool in ("claude", "codex", "gemini", "copilot"):
        shutil.copytree(FIXTURES / tool, home / f".{tool}", dirs_exist_ok=True)
    for tool in ("qwen", "kimi"):
        shutil.copytree(FIXTURES / tool / "home", home, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "droid", home / ".factory", dirs_exist_ok=True)
    share = home / ".local" / "share"
    shutil.copytree(FIXTURES / "opencode" / "storage", share / "opencode" / "storage")
    _build_db(FIXTURES / "opencode" / "opencode.sql", share / "opencode" / "opencode.db")
    _build_db(FIXTURES / "goose" / "sessions.sql", share / "goose" / "sessions" / "sessions.db")
    return home


def every_tool(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Make ``home`` the user's home, with every tool's logs (see ``every_tool_home``)."""
    fake_home(monkeypatch, home)
    return every_tool_home(home)


def _build_db(sql: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(target)
    try:
        connection.executescript(sql.read_text(encoding="utf-8"))
        connection.commit()
    finally:
        connection.close()


if __name__ == "__main__":
    if len(sys.argv) != 2 or Path(sys.argv[1]).exists():
        sys.exit("usage: python -m tests.sources_support NEW_FOLDER")
    print(every_tool_home(Path(sys.argv[1])))
