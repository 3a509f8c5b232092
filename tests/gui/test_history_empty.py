"""History with nothing to show: an empty ledger's first steps, and a filter that hides all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.sources_support import fake_home
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.services import Service
from tokenbudget.gui.entry_dialog import EntryDialog
from tokenbudget.gui.history_view import HistoryView, inline_runner
from tokenbudget.gui.shell import Shell
from tokenbudget.gui.sources_view import SourcesView

NOW = datetime.now(UTC).replace(microsecond=0)


def make_view(qtbot: QtBot, service: Service) -> HistoryView:
    view = HistoryView(service, runner=inline_runner, delay_ms=0, tz=UTC, now=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    return view


def add(service: Service, note: str) -> None:
    service.entries.record(
        NewEntry(
            at=NOW - timedelta(hours=1),
            provider="openai",
            model="gpt-5.5",
            tokens=TokenCounts(1000, 0, 0, 0, 100),
            cost_micros=None,
            currency=None,
            source="manual",
            note=note,
        )
    )


@pytest.fixture
def shell(qtbot: QtBot, service: Service) -> Iterator[Shell]:
    made = Shell(service, tray_available=False, delay_ms=0, live_sync=False)
    made.sources_runner = inline_runner
    qtbot.addWidget(made.window)
    yield made
    made.close()
    for key in ("history", "sources"):
        view = made.view(key)
        if view is not None:
            view.window().close()


def test_an_empty_ledger_offers_to_import_and_the_shell_opens_sources(
    qtbot: QtBot, shell: Shell, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_home(monkeypatch, tmp_path / "home", "codex")
    shell.show_history()
    view = shell.view("history")
    assert isinstance(view, HistoryView)
    qtbot.waitUntil(view.ledger_is_empty)  # the shell's view reads on its own thread
    assert view.empty.isVisibleTo(view) and not view.table.isVisibleTo(view)
    view.empty.import_button.click()
    sources = shell.view("sources")
    assert isinstance(sources, SourcesView) and sources.window().isVisible()
    sources.import_all()  # the history follows what the sources view imported
    qtbot.waitUntil(lambda: not view.ledger_is_empty())
    qtbot.waitUntil(lambda: view.model.rowCount() == shell.service.entries.count() > 0)


def test_go_sources_opens_one_window(shell: Shell) -> None:
    shell.window.sources_action.trigger()
    first = shell.view("sources")
    assert isinstance(first, SourcesView) and first.window().isVisible()
    shell.window.sources_action.trigger()
    assert shell.view("sources") is first
    shell.handle("sources")
    assert shell.view("sources") is first


def test_add_an_entry_records_it_priced_and_undo_takes_it_back(
    qtbot: QtBot, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = make_view(qtbot, service)
    assert view.ledger_is_empty()
    seen: list[EntryDialog] = []

    def fill_in(dialog: EntryDialog) -> int:
        seen.append(dialog)
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.model.setCurrentText("gpt-5.5")
        dialog.tokens["input_tokens"].setText("1200")
        dialog.tokens["output_tokens"].setText("300")
        dialog.note.setText("写周报")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EntryDialog, "exec", fill_in)
    with qtbot.waitSignal(view.changed):
        view.empty.add_button.click()
    assert seen and seen[0].windowTitle() == "Add an entry"
    stored = list(service.entries.iter_entries())
    assert len(stored) == 1
    entry = stored[0]
    assert (entry.model, entry.source, entry.note) == ("gpt-5.5", "manual", "写周报")
    assert (entry.tokens.input_tokens, entry.tokens.output_tokens) == (1200, 300)
    assert (entry.cost_micros, entry.currency) == service.entries.price("gpt-5.5", entry.tokens)
    assert entry.provider == service.entries.find_model("gpt-5.5").provider  # type: ignore[union-attr]
    assert not view.ledger_is_empty() and view.model.rowCount() == 1
    view.undo_action.trigger()
    assert service.entries.count() == 0
    assert view.ledger_is_empty()
    view.redo_action.trigger()
    assert [e.id for e in service.entries.iter_entries()] == [entry.id]


def test_a_cancelled_dialog_adds_nothing(
    qtbot: QtBot, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = make_view(qtbot, service)
    monkeypatch.setattr(EntryDialog, "exec", lambda _d: QDialog.DialogCode.Rejected)
    view.empty.add_button.click()
    assert service.entries.count() == 0 and view.ledger_is_empty()


def test_a_filter_that_hides_everything_offers_to_clear_it(qtbot: QtBot, service: Service) -> None:
    add(service, "weekly report")
    add(service, "translate the manual")
    view = make_view(qtbot, service)
    assert not view.ledger_is_empty()
    assert view.table.isVisibleTo(view) and not view.no_match.isVisibleTo(view)
    with qtbot.waitSignal(view.loaded):
        view.search.setText("nothing like this")
    assert view.model.rowCount() == 0
    assert view.no_match.isVisibleTo(view) and not view.table.isVisibleTo(view)
    assert not view.ledger_is_empty()  # entries exist: this is the filter's doing
    with qtbot.waitSignal(view.loaded):
        view.no_match.clear_button.click()
    assert view.filter_bar.is_cleared() and view.search.text() == ""
    assert view.model.rowCount() == service.entries.count()
    assert view.table.isVisibleTo(view) and not view.no_match.isVisibleTo(view)


def test_add_stays_at_hand_once_there_are_entries(
    qtbot: QtBot, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(service, "weekly report")
    view = make_view(qtbot, service)
    assert view.add_button.isVisibleTo(view) and view.add_button.isEnabled()
    assert view.add_action in view.table.actions()  # the table's context menu too

    def fill_in(dialog: EntryDialog) -> int:
        dialog.model.setCurrentText("deepseek-v4-flash")
        dialog.tokens["input_tokens"].setText("5000")
        dialog.tokens["output_tokens"].setText("700")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EntryDialog, "exec", fill_in)
    with qtbot.waitSignal(view.changed):
        view.add_button.click()
    models = sorted(e.model for e in service.entries.iter_entries())
    assert models == ["deepseek-v4-flash", "gpt-5.5"]
    assert view.model.rowCount() == 2
