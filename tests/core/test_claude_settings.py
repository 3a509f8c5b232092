"""Installing tokenbudget as Claude Code's status line, and putting the user's back."""

from __future__ import annotations

import io
import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tokenbudget import cli
from tokenbudget.core import claude_settings as cs
from tokenbudget.core.errors import UserInputError

NOW = datetime(2026, 12, 3, 18, 30, 5, tzinfo=UTC)
PROGRAM = "/opt/my tools/bin/tokenbudget"
THEIRS = {"type": "command", "command": "~/.claude/status.sh 'a b' \"$HOME\"", "padding": 2}
ORIGINAL = (
    "{\n"
    '  "model": "opus",\n'
    '  "permissions": {"allow": ["Bash(ls:*)"], "deny": []},\n'
    f'  "statusLine": {json.dumps(THEIRS)},\n'
    '  "env": {"A": "1"}\n'
    "}\n"
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    settings = tmp_path / "claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(ORIGINAL, encoding="utf-8")
    return settings, tmp_path / "tb-config" / "claude_statusline.json"


def backups(settings: Path) -> list[Path]:
    return sorted(settings.parent.glob("settings.json.tokenbudget-*.bak"))


def test_install_keeps_the_previous_command_and_every_other_key(files: tuple[Path, Path]) -> None:
    settings, record = files
    plan = cs.plan_install(settings, PROGRAM, record)
    assert (plan.exists, plan.installed, plan.previous_command) == (True, False, THEIRS["command"])

    done = cs.install(settings, PROGRAM, record, now=NOW)
    data = json.loads(settings.read_text(encoding="utf-8"))
    assert list(data) == ["model", "permissions", "statusLine", "env"]
    assert data["permissions"] == {"allow": ["Bash(ls:*)"], "deny": []}
    assert data["statusLine"] == {"type": "command", "command": done.command, "padding": 0}
    assert shlex.split(done.command) == [PROGRAM, "statusline", "--then", THEIRS["command"]]
    assert settings.read_text(encoding="utf-8").startswith('{\n  "model": "opus",\n')
    assert [b.name for b in backups(settings)] == ["settings.json.tokenbudget-20261203T183005.bak"]
    assert backups(settings)[0].read_text(encoding="utf-8") == ORIGINAL
    assert cs.plan_install(settings, PROGRAM, record).installed


def test_uninstall_restores_exactly_the_previous_status_line(files: tuple[Path, Path]) -> None:
    settings, record = files
    cs.install(settings, PROGRAM, record, now=NOW)
    cs.install(settings, PROGRAM, record, now=NOW)  # twice: no --then of ourselves
    assert (
        shlex.split(json.loads(settings.read_text())["statusLine"]["command"])[-1]
        == (THEIRS["command"])
    )
    assert cs.uninstall(settings, record, now=NOW)
    assert json.loads(settings.read_text()) == json.loads(ORIGINAL)
    assert not cs.uninstall(settings, record, now=NOW)  # nothing of ours left


def test_uninstall_without_a_record_uses_the_then_argument(files: tuple[Path, Path]) -> None:
    settings, record = files
    cs.install(settings, PROGRAM, record, now=NOW)
    record.unlink()
    assert cs.uninstall(settings, record, now=NOW)
    assert json.loads(settings.read_text())["statusLine"] == {
        "type": "command",
        "command": THEIRS["command"],
    }


def test_with_no_status_line_before_uninstall_removes_ours(tmp_path: Path) -> None:
    settings, record = tmp_path / "settings.json", tmp_path / "record.json"
    settings.write_text('{"theme": "dark"}', encoding="utf-8")
    done = cs.install(settings, PROGRAM, record, now=NOW)
    assert done.previous_command is None
    assert shlex.split(done.command) == [PROGRAM, "statusline"]
    assert cs.uninstall(settings, record, now=NOW)
    assert json.loads(settings.read_text()) == {"theme": "dark"}


def test_a_missing_file_is_created_without_a_backup(tmp_path: Path) -> None:
    settings, record = tmp_path / "new" / "settings.json", tmp_path / "record.json"
    assert not cs.plan_install(settings, PROGRAM, record).exists
    cs.install(settings, PROGRAM, record, now=NOW)
    assert json.loads(settings.read_text())["statusLine"]["type"] == "command"
    assert backups(settings) == []


@pytest.mark.parametrize("text", ['{"model": "opus",}', "[1, 2]", "\xff\xfe"])
def test_a_file_that_is_not_a_json_object_is_refused_untouched(tmp_path: Path, text: str) -> None:
    settings, record = tmp_path / "settings.json", tmp_path / "record.json"
    settings.write_bytes(text.encode("latin-1"))
    with pytest.raises(UserInputError, match=str(settings)):
        cs.install(settings, PROGRAM, record, now=NOW)
    with pytest.raises(UserInputError):
        cs.uninstall(settings, record, now=NOW)
    assert settings.read_bytes() == text.encode("latin-1")
    assert backups(settings) == [] and not record.exists()


def test_a_status_line_changed_by_the_user_is_not_removed(files: tuple[Path, Path]) -> None:
    settings, record = files
    cs.install(settings, PROGRAM, record, now=NOW)
    data = json.loads(settings.read_text())
    data["statusLine"] = {"type": "command", "command": "mine"}
    settings.write_text(json.dumps(data))
    assert not cs.uninstall(settings, record, now=NOW)
    assert json.loads(settings.read_text())["statusLine"]["command"] == "mine"


def test_where_the_settings_are(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cs.settings_file({"CLAUDE_CONFIG_DIR": str(tmp_path)}) == tmp_path / "settings.json"
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert cs.settings_file({}) == tmp_path / "h" / ".claude" / "settings.json"


def test_is_ours() -> None:
    assert cs.is_ours("/usr/bin/tokenbudget statusline --then 'x'")
    assert cs.is_ours(f"{shlex.quote(sys.executable)} -m tokenbudget statusline")
    assert not cs.is_ours("~/.claude/status.sh")
    assert not cs.is_ours("echo 'unclosed")
    assert not cs.is_ours(None)


def cli_run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_installs_and_uninstalls(files: tuple[Path, Path]) -> None:
    settings, _ = files
    code, out, err = cli_run("statusline", "--install", "--settings", str(settings))
    assert (code, err) == (0, "")
    assert f"Installed in {settings}" in out and THEIRS["command"] in out
    command = json.loads(settings.read_text())["statusLine"]["command"]
    assert shlex.split(command)[-3:] == ["statusline", "--then", THEIRS["command"]]
    code, out, err = cli_run("statusline", "--uninstall", "--settings", str(settings))
    assert (code, err) == (0, "")
    assert json.loads(settings.read_text()) == json.loads(ORIGINAL)


def test_the_command_line_refuses_a_broken_file(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text("{oops", encoding="utf-8")
    code, out, err = cli_run("statusline", "--install", "--settings", str(settings))
    assert code == 2 and out == ""
    assert err.startswith(f"tokenbudget: {settings} is not valid JSON")
    assert settings.read_text(encoding="utf-8") == "{oops"


def test_the_default_file_follows_claude_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "cc"))
    code, _, err = cli_run("statusline", "--install")
    assert (code, err) == (0, "")
    assert (
        "statusline"
        in json.loads((tmp_path / "cc" / "settings.json").read_text())["statusLine"]["command"]
    )
