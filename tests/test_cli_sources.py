"""``tokenbudget sources`` and ``tokenbudget import`` with no tool, on a home with every tool."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.sources_support import every_tool, fake_home
from tokenbudget import cli

TOOLS = [
    "claude-code",
    "codex",
    "gemini-cli",
    "qwen-code",
    "kimi-cli",
    "opencode",
    "copilot-cli",
    "droid",
    "goose",
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 0, err
    return out


def sources() -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in json.loads(ok("sources", "--json"))}


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return every_tool(monkeypatch, tmp_path / "home")


def test_every_tool_is_found_where_it_keeps_its_logs(home: Path) -> None:
    listed = sources()
    assert list(listed) == TOOLS
    for name, source in listed.items():
        assert source["found"], name
        assert source["found_roots"], name
        assert all(Path(root).is_relative_to(home) for root in source["found_roots"]), name
        assert source["last_import"] is None and source["entries"] == 0
        assert source["live_sync"] is True
    assert [n for n, s in listed.items() if s["per_session"]] == ["copilot-cli", "droid", "goose"]


def test_import_without_a_tool_imports_each_tool_as_its_own_import_would(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = ok("import")
    assert out.count("Imported ") == len(TOOLS)
    assert "from 9 tools" in out
    together = sources()
    for name in TOOLS:
        # The same tool alone, into a ledger of its own.
        monkeypatch.setenv("TOKENBUDGET_HOME", str(tmp_path / f"alone-{name}"))
        ok("import", name)
        alone = sources()[name]
        for key in ("entries", "tokens", "cost", "unpriced_entries", "problem_count"):
            assert together[name][key] == alone[key], (name, key)
        assert together[name]["entries"] > 0, name
        assert together[name]["last_import"] is not None


def test_a_second_import_adds_nothing(home: Path) -> None:
    ok("import")
    first = sources()
    out = ok("import")
    assert "In all: 0 new or updated entries from 9 tools." in out
    second = sources()
    for name in TOOLS:
        for key in ("entries", "tokens", "cost", "unpriced_entries"):
            assert second[name][key] == first[name][key], (name, key)


def test_skipped_lines_are_listed_as_file_and_line(home: Path) -> None:
    ok("import")
    listed = sources()
    claude = listed["claude-code"]
    assert claude["problem_count"] == len(claude["problems"]) > 0
    for problem in claude["problems"]:
        assert Path(problem["path"]).is_file()
        assert isinstance(problem["line"], int) and problem["line"] > 0
    text = ok("sources")
    first = claude["problems"][0]
    assert f"{first['path']}:{first['line']}: {first['message']}" in text


def test_the_table_names_every_tool_and_marks_session_totals(home: Path) -> None:
    ok("import")
    text = ok("sources")
    for label in ("Claude Code", "Qwen Code", "Kimi CLI / Kimi Code", "OpenCode", "Goose"):
        assert label in text
    assert "Goose *" in text and "Factory Droid *" in text
    assert "each of its entries is a whole session" in text
    assert "unpriced" in text  # fixtures with models the catalogue lacks: never shown as $0


def test_nothing_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_home(monkeypatch, tmp_path / "empty")
    assert "No coding tool's logs were found" in ok("import")
    listed = sources()
    assert not any(s["found"] for s in listed.values())
    assert "No coding tool's logs were found" in ok("sources")


def test_an_unknown_tool_names_the_known_ones(home: Path) -> None:
    code, _out, err = run("import", "cursor")
    assert code != 0
    assert "unknown importer 'cursor'" in err and "qwen-code" in err and "goose" in err
    assert "Traceback" not in err


def test_one_new_tool_by_name(home: Path) -> None:
    out = ok("import", "qwen-code")
    assert "from qwen-code" in out
    listed = sources()
    assert listed["qwen-code"]["entries"] > 0
    assert listed["codex"]["entries"] == 0


def test_a_folder_the_user_may_not_enter_is_said_and_the_rest_imports(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``~/.kimi`` made by ``sudo kimi``: stat of anything inside raises PermissionError."""
    locked = home / ".kimi"
    real_stat = Path.stat

    def stat(self: Path, *, follow_symlinks: bool = True) -> Any:
        if self != locked and locked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, follow_symlinks=follow_symlinks)

    monkeypatch.setattr(Path, "stat", stat)
    kimi = sources()["kimi-cli"]
    assert kimi["unreadable_roots"] == [str(locked / "sessions")]
    assert kimi["found_roots"] == [str(home / ".kimi-code" / "sessions")]
    out = ok("import")
    assert "Traceback" not in out and "from 9 tools" in out
    assert sources()["codex"]["entries"] > 0
    text = ok("sources")
    assert "~/.kimi/sessions exists but cannot be read (permission denied)" in text
    from tokenbudget.core.services import Service

    roots = Service().imports.watch_roots()
    assert all(locked not in root.path.parents for root in roots)
