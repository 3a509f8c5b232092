"""Odd arguments to every command: an exit code of 0, 1 or 2 and at most one line on stderr.

A small deterministic fuzz: each command template gets several odd values in turn (empty,
huge, negative, not finite, far dates, paths that are folders or devices, control
characters), so every value meets several commands. None may reach the catch-all for bugs.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tokenbudget import cli

ODD = [
    *["", " ", "-1", "0", "1e400", "-1e400", "NaN", "inf", "9" * 30, "1_000", "1,5", "0x10"],
    *["中文", "a" * 5000, "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "T", "--"],
    *["-", "\t", "'", '"', "%s", "{}", "/dev/zero", "/nonexistent/x", "/", ";", "5h:"],
    *["0h:tokens=1", "5h:tokens=0", "7d:requests=-1", "5x:tokens=1", "Asia/Nowhere", "\u202e"],
]
TEMPLATES = [
    ["count", "-m", "{}"],
    ["count", "-t", "{}"],
    ["count", "-o", "{}", "README.md"],
    ["count", "--currency", "{}", "-m", "gpt-5.5", "README.md"],
    ["count", "-m", "gpt-5.5", "{}"],
    ["models", "--provider", "{}"],
    ["rates", "set", "{}", "1"],
    ["rates", "set", "EUR", "{}"],
    ["rates", "set", "EUR", "1", "--date", "{}"],
    ["currency", "{}"],
    ["privacy", "{}"],
    ["plan", "add", "{}", "--amount", "5"],
    ["plan", "add", "X", "--amount", "{}"],
    ["plan", "add", "X", "--kind", "subscription", "--amount", "1", "--windows", "{}"],
    ["plan", "add", "X", "--amount", "1", "--reset-day", "{}"],
    ["plan", "add", "X", "--amount", "1", "--timezone", "{}"],
    ["plan", "add", "X", "--amount", "1", "--thresholds", "{}"],
    ["plan", "add", "X", "--kind", "prepaid", "--amount", "1", "--start", "{}"],
    ["plan", "add", "X", "--kind", "prepaid", "--amount", "1", "--low-balance", "{}"],
    ["plan", "edit", "{}", "--amount", "3"],
    ["plan", "remove", "{}"],
    ["log", "-m", "{}"],
    ["log", "-m", "gpt-5.5", "-i", "{}"],
    ["log", "-m", "gpt-5.5", "--at", "{}"],
    ["log", "-m", "gpt-5.5", "--cost", "{}", "--currency", "USD"],
    ["log", "-m", "gpt-5.5", "--plan", "{}"],
    ["history", "--since", "{}"],
    ["history", "--limit", "{}"],
    ["history", "--search", "{}"],
    ["import", "csv", "{}"],
    ["import", "csv", "--map", "{}", "README.md"],
    ["import", "{}"],
    ["export", "{}"],
    ["export", "out.csv", "--until", "{}"],
    ["keys", "set", "{}"],
    ["{}"],
    ["prices", "{}"],
]
PER_TEMPLATE = 5


def _cases() -> list[list[str]]:
    cases = []
    for n, template in enumerate(TEMPLATES):
        for k in range(PER_TEMPLATE):
            value = ODD[(n * PER_TEMPLATE + k) % len(ODD)]
            cases.append([value if a == "{}" else a for a in template])
    return cases


def test_odd_arguments_never_reach_the_catch_all(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # exports with odd names land here
    (tmp_path / "README.md").write_text("A prompt to count.\n", encoding="utf-8")
    (tmp_path / "out.csv").touch()
    bad = []
    for case in _cases():
        argv = [str(tmp_path / a) if a == "out.csv" else a for a in case]
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello")))
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(argv, out=out, err=err)
        text = err.getvalue()
        if code not in (0, 1, 2) or "unexpected error" in text or text.count("\n") > 1:
            bad.append((argv, code, text))
    assert not bad, bad[:5]
    assert len(_cases()) >= 180
