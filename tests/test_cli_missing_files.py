"""A missing file is exit code 2 with one line, for every command that takes a file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tokenbudget import cli

COMMANDS = [
    ("count", "{missing}"),
    ("count", "{missing}", "-m", "gpt-5.5", "--record"),
    ("import", "csv", "{missing}"),
    ("import", "claude-code", "{missing}"),
    ("import", "codex", "{missing}"),
    ("import", "gemini-cli", "{missing}"),
    ("import", "opencode", "{missing}"),
    ("prices", "update", "--from", "{missing}"),
    ("prices", "update", "--from", "file://{missing}"),
    ("export", "{missing}/out.csv"),
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[:2]))
def test_a_missing_file_is_exit_2(tmp_path: Path, argv: tuple[str, ...]) -> None:
    missing = str(tmp_path / "no-such-thing")
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([a.format(missing=missing) for a in argv], out, err)
    assert code == 2, err.getvalue()
    assert out.getvalue() == ""
    assert "no-such-thing" in err.getvalue() and err.getvalue().count("\n") == 1
