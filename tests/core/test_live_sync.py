"""Live usage sync without Qt: what is watched, and importing only what is new."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tokenbudget.core.importers import IMPORTERS
from tokenbudget.core.live_sync import (
    WatchRoot,
    plan_imports,
    sync_all,
    sync_paths,
    watch_roots,
    watch_targets,
)
from tokenbudget.core.services import Service

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def claude_row(n: int, output: int = 10) -> str:
    """One Claude Code assistant row (a line without its newline)."""
    return json.dumps(
        {
            "type": "assistant",
            "timestamp": f"2026-11-20T09:00:{n:02d}.000Z",
            "requestId": f"req_{n}",
            "message": {
                "id": f"msg_{n}",
                "model": "claude-sonnet-4-5-20250929",
                "usage": {"input_tokens": 100 + n, "output_tokens": output},
            },
        }
    )


@pytest.fixture
def claude_root(tmp_path: Path) -> WatchRoot:
    projects = tmp_path / ".claude" / "projects"
    (projects / "-home-dev-app").mkdir(parents=True)
    return WatchRoot("claude-code", projects.resolve())


def refs(service: Service) -> list[str]:
    """The references of every entry in the ledger, sorted (duplicates stay)."""
    return sorted(e.source_ref or "" for e in service.entries.iter_entries())


def test_watch_roots_are_the_importers_existing_default_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".claude" / "projects").mkdir(parents=True)
    (home / ".codex" / "sessions").mkdir(parents=True)
    roots = watch_roots({}, home, IMPORTERS)
    assert roots == [
        WatchRoot("claude-code", (home / ".claude" / "projects").resolve()),
        WatchRoot("codex", (home / ".codex" / "sessions").resolve()),
    ]
    # the tools' own environment variables move their folders
    elsewhere = tmp_path / "gem"
    (elsewhere / ".gemini" / "tmp").mkdir(parents=True)
    roots = watch_roots({"GEMINI_CLI_HOME": str(elsewhere)}, home, IMPORTERS)
    assert WatchRoot("gemini-cli", (elsewhere / ".gemini" / "tmp").resolve()) in roots
    assert watch_roots({}, tmp_path / "nobody", IMPORTERS) == []


def test_watch_targets_are_every_folder_and_recent_log_files(claude_root: WatchRoot) -> None:
    project = claude_root.path / "-home-dev-app"
    (project / "sess" / "subagents").mkdir(parents=True)
    fresh = project / "new.jsonl"
    fresh.write_text("")
    old = project / "old.jsonl"
    old.write_text("")
    week_ago = (NOW - timedelta(days=7)).timestamp()
    os.utime(old, (week_ago, week_ago))
    os.utime(fresh, (NOW.timestamp(), NOW.timestamp()))
    (project / "notes.txt").write_text("not a log")
    dirs, files = watch_targets([claude_root], NOW)
    assert set(dirs) == {
        claude_root.path,
        project,
        project / "sess",
        project / "sess" / "subagents",
    }
    assert files == [fresh]


def test_plan_imports_keeps_what_each_importer_reads(tmp_path: Path) -> None:
    gem = tmp_path / "tmp"
    chats = gem / "proj" / "chats"
    chats.mkdir(parents=True)
    (chats / "session-1.json").write_text("{}")
    (gem / "proj" / "logs.json").write_text("[]")
    codex = tmp_path / "sessions"
    (codex / "2026" / "11").mkdir(parents=True)
    (codex / "2026" / "11" / "r.jsonl").write_text("")
    roots = [WatchRoot("gemini-cli", gem), WatchRoot("codex", codex)]
    plan = plan_imports(
        [
            chats / "session-1.json",
            gem / "proj" / "logs.json",  # not a chat
            tmp_path / "elsewhere.jsonl",  # outside every root
            codex / "2026" / "11" / "r.jsonl",  # covered by its changed folder
            codex / "2026",
            chats / "gone.json",  # deleted by now
        ],
        roots,
    )
    assert plan == {"gemini-cli": [chats / "session-1.json"], "codex": [codex / "2026"]}


def test_appended_lines_are_imported_once_and_a_partial_line_waits(
    service: Service, claude_root: WatchRoot
) -> None:
    log = claude_root.path / "-home-dev-app" / "s1.jsonl"
    log.write_text(claude_row(1) + "\n" + claude_row(2) + "\n")
    first = sync_paths(service, [log], [claude_root], now=NOW)
    assert (first.records, first.problems, first.errors) == (2, (), ())
    assert refs(service) == ["msg_1", "msg_2"]

    # nothing new: nothing imported, nothing counted twice
    assert sync_paths(service, [log], [claude_root], now=NOW).records == 0

    # one complete line and half of the next one
    third = claude_row(3)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(third + "\n" + claude_row(4)[:40])
    assert sync_paths(service, [log], [claude_root], now=NOW).records == 1
    assert refs(service) == ["msg_1", "msg_2", "msg_3"]

    # the rest of the line arrives
    with log.open("a", encoding="utf-8") as fh:
        fh.write(claude_row(4)[40:] + "\n")
    assert sync_paths(service, [log.parent], [claude_root], now=NOW).records == 1
    assert refs(service) == ["msg_1", "msg_2", "msg_3", "msg_4"]
    assert service.entries.count() == 4


def test_malformed_lines_are_reported_once_and_never_stop_the_sync(
    service: Service, claude_root: WatchRoot
) -> None:
    log = claude_root.path / "-home-dev-app" / "s1.jsonl"
    log.write_text(claude_row(1) + "\n" + '{"type": "assistant", "usage": {,}\n')
    report = sync_all(service, [claude_root], now=NOW)
    assert report.records == 1
    assert [(p.line, p.path) for p in report.problems] == [(2, str(log))]
    with log.open("a", encoding="utf-8") as fh:
        fh.write(claude_row(2) + "\n")
    again = sync_all(service, [claude_root], now=NOW)
    assert (again.records, again.problems) == (1, ())


def test_a_failed_import_is_a_short_error_not_an_exception(
    service: Service, claude_root: WatchRoot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenbudget.core.errors import TokenbudgetError

    def broken(*_args: object, **_kwargs: object) -> None:
        raise TokenbudgetError("ledger is locked")

    monkeypatch.setattr(service.imports, "run", broken)
    log = claude_root.path / "-home-dev-app" / "s1.jsonl"
    log.write_text(claude_row(1) + "\n")
    report = sync_paths(service, [log], [claude_root], now=NOW)
    assert report.records == 0
    assert report.errors == ("claude-code: ledger is locked",)


def test_one_failing_importer_does_not_skip_the_others(
    service: Service, claude_root: WatchRoot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = tmp_path / ".codex" / "sessions" / "2026" / "11" / "20"
    day.mkdir(parents=True)
    (day / "rollout-2026-11-20T09-00-00-0199a958-24a6-752e-b651-3270269e0d37.jsonl").write_text(
        '{"timestamp":"2026-11-20T09:00:00.000Z","type":"turn_context","payload":'
        '{"model":"gpt-5-codex"}}\n'
        '{"timestamp":"2026-11-20T09:00:05.000Z","type":"event_msg","payload":{"type":'
        '"token_count","info":{"total_token_usage":{"input_tokens":5000,'
        '"cached_input_tokens":0,"output_tokens":300,"reasoning_output_tokens":0,'
        '"total_tokens":5300}},"rate_limits":null}}\n'
    )
    codex_root = WatchRoot("codex", (tmp_path / ".codex" / "sessions").resolve())
    (claude_root.path / "-home-dev-app" / "s1.jsonl").write_text(claude_row(1) + "\n")
    real = service.imports.run

    def claude_breaks(importer: object, *args: object, **kwargs: object) -> object:
        if getattr(importer, "name", importer) == "claude-code":
            raise RuntimeError("unexpected\nfailure")
        return real(importer, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service.imports, "run", claude_breaks)
    report = sync_all(service, [claude_root, codex_root], now=NOW)
    assert report.records == 1
    assert refs(service) == ["t1795165205000:5300"]  # 2026-11-20T09:00:05Z, total 5300
    assert len(report.errors) == 1 and report.errors[0].startswith("claude-code: ")
    assert "\n" not in report.errors[0] and "failure" in report.errors[0]
