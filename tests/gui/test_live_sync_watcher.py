"""Live usage sync in the GUI: the watcher, the worker thread, the signal and the shell."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tokenbudget.core.entries import TokenCounts
from tokenbudget.core.ledger import HistoryFilter
from tokenbudget.core.live_sync import SyncReport, WatchRoot
from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.core.services import Service
from tokenbudget.core.settings import Settings
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.jobs import inline_runner
from tokenbudget.gui.live_sync import LiveSync
from tokenbudget.gui.shell import Shell

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def claude_row(n: int) -> str:
    return json.dumps(
        {
            "type": "assistant",
            "timestamp": (NOW - timedelta(minutes=n)).isoformat(),
            "requestId": f"req_{n}",
            "message": {
                "id": f"msg_{n}",
                "model": "claude-sonnet-4-5-20250929",
                "usage": {"input_tokens": 1000, "output_tokens": 100 * n},
            },
        }
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "projects" / "-home-dev-app"
    folder.mkdir(parents=True)
    return folder


def roots_of(project: Path) -> list[WatchRoot]:
    return [WatchRoot("claude-code", project.parent.resolve())]


def refs(service: Service) -> list[str]:
    return sorted(e.source_ref or "" for e in service.entries.iter_entries(HistoryFilter()))


def test_a_line_written_to_a_watched_log_reaches_the_ledger(
    qtbot: QtBot, service: Service, project: Path
) -> None:
    log = project / "session.jsonl"
    log.write_text(claude_row(1) + "\n")
    sync = LiveSync(service, roots=lambda: roots_of(project), debounce_ms=10, now=lambda: NOW)
    try:
        with qtbot.waitSignal(sync.imported, timeout=10_000) as caught:
            sync.start()  # what was written before the start is imported first
        assert caught.args == [1]
        assert str(log.resolve()) in sync.watched()

        with (
            qtbot.waitSignal(sync.imported, timeout=10_000) as caught,
            log.open("a", encoding="utf-8") as fh,
        ):
            fh.write(claude_row(2) + "\n" + claude_row(3)[:30])  # and a partial line
        assert caught.args == [1]
        assert refs(service) == ["msg_1", "msg_2"]

        # a new file in a new folder (the watcher adds the folder, then sees the file)
        sub = project / "sess" / "subagents"
        with qtbot.waitSignal(sync.imported, timeout=10_000):
            sub.mkdir(parents=True)
            qtbot.waitUntil(lambda: str(sub.parent.resolve()) in sync.watched(), timeout=10_000)
            (sub / "agent.jsonl").write_text(claude_row(4) + "\n")
        assert refs(service) == ["msg_1", "msg_2", "msg_4"]
    finally:
        sync.stop()
    assert sync.watched() == []
    assert not sync.running


def test_malformed_lines_are_reported_and_syncing_goes_on(
    qtbot: QtBot, service: Service, project: Path
) -> None:
    log = project / "session.jsonl"
    log.write_text("{not json, no\n" + claude_row(1) + "\n")
    reports: list[SyncReport] = []
    sync = LiveSync(
        service,
        roots=lambda: roots_of(project),
        debounce_ms=0,
        runner=inline_runner,
        now=lambda: NOW,
    )
    sync.reported.connect(reports.append)
    with qtbot.waitSignal(sync.imported, timeout=5000):
        sync.start()
    sync.stop()
    assert reports[-1].records == 1
    assert [p.line for p in reports[-1].problems] == [1]


def test_no_roots_means_no_work(qtbot: QtBot, service: Service) -> None:
    sync = LiveSync(service, roots=list, debounce_ms=0, runner=inline_runner)
    with qtbot.assertNotEmitted(sync.imported, wait=100):
        sync.start()
    assert sync.watched() == []
    sync.stop()


def test_the_shell_refreshes_the_tray_and_budgets_after_an_import(
    qtbot: QtBot, registry: TokenizerRegistry, project: Path, isolated_home: Path
) -> None:
    service = Service(registry)
    service.plans.add(
        Plan(name="Claude", kind=PlanKind.BUDGET, currency="USD", amount_micros=100_000_000),
        now=NOW - timedelta(days=3),
    )
    shell = Shell(
        service,
        tray_available=True,
        delay_ms=0,
        now=lambda: NOW,
        sync_roots=lambda: roots_of(project),
    )
    qtbot.addWidget(shell.window)
    assert shell.live_sync is not None
    try:
        shell.show_budgets()
        shell.show_history()
        refreshed: list[str] = []
        for key in ("budgets", "history"):
            view = shell.view(key)
            view.refresh = lambda key=key: refreshed.append(key)  # type: ignore[union-attr,method-assign,misc]
        shell.start(in_tray=True)
        with qtbot.waitSignal(shell.live_sync.imported, timeout=10_000):
            (project / "s.jsonl").write_text(claude_row(1) + "\n")
        assert sorted(refreshed) == ["budgets", "history"]
        assert shell.tray is not None
        assert "Claude" in shell.tray.icon.toolTip()
        assert service.entries.count() == 1
        entry = next(service.entries.iter_entries(HistoryFilter()))
        assert entry.tokens == TokenCounts(input_tokens=1000, output_tokens=100)
    finally:
        shell.close()
        shell.view("budgets").window().close()  # type: ignore[union-attr]
        shell.view("history").window().close()  # type: ignore[union-attr]
        service.close()
    assert shell.live_sync.watched() == []


def test_the_setting_turns_live_sync_off(
    qtbot: QtBot, registry: TokenizerRegistry, isolated_home: Path
) -> None:
    settings = Settings(isolated_home / "settings.json", {"live_sync": False})
    shell = Shell(
        Service(registry, settings=settings),
        tray_available=False,
        delay_ms=0,
    )
    qtbot.addWidget(shell.window)
    assert shell.live_sync is None
    shell.close()
    shell.service.close()
