"""Record spend shows its cost first; every dialog's labels are tied to their fields."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.core.types import Money, from_micros
from tokenbudget.gui.a11y import form_pairs
from tokenbudget.gui.formatting import format_money
from tokenbudget.gui.main_window import MainWindow

MODELS = ["gpt-5.5", "gpt-5.4-mini", "claude-sonnet-4-6", "deepseek-v4-flash"]
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


@pytest.fixture
def window(qtbot: QtBot, registry: TokenizerRegistry) -> MainWindow:
    service = Service(registry)
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    win.set_shown_models([service.counting.model(m) for m in MODELS], save=False)
    win.editor.setPlainText("Record what this costs, please. " * 30)
    win.coordinator.flush()
    qtbot.waitUntil(lambda: win.coordinator.idle)
    qtbot.waitUntil(lambda: all(r.estimate is not None for r in win.model.rows()))
    return win


def test_record_defaults_to_the_cheapest_row_when_nothing_is_selected(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.table.clearSelection()
    cheapest = window.model.cheapest_model_id()
    assert cheapest is not None and window.selected_model_id() is None
    dialog = window._record_dialog()
    qtbot.addWidget(dialog)
    assert dialog.model_box.currentData() == cheapest


def test_record_defaults_to_the_selected_row(qtbot: QtBot, window: MainWindow) -> None:
    window.select_model("claude-sonnet-4-6")
    dialog = window._record_dialog()
    qtbot.addWidget(dialog)
    assert dialog.model_box.currentData() == "claude-sonnet-4-6"


def test_record_shows_the_cost_it_will_record_and_says_it_after(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.select_model("gpt-5.5")
    dialog = window._record_dialog()
    qtbot.addWidget(dialog)
    shown = dialog.cost()
    assert isinstance(shown, Money) and shown.amount > 0
    amount = format_money(QLocale(), shown)
    assert dialog.cost_label.text() == amount
    assert amount in dialog.record_button.text()
    # More output costs more, and the preview follows.
    dialog.output.setValue(dialog.output.value() + 100_000)
    more = dialog.cost()
    assert more is not None and more.amount > shown.amount
    assert dialog.cost_label.text() == format_money(QLocale(), more)
    # Another model: its own price.
    dialog.model_box.setCurrentIndex(dialog.model_box.findData("deepseek-v4-flash"))
    other = dialog.cost()
    assert other is not None and other != more
    entry_id = window.record_choice(dialog)
    entry = window.service.entries.entry(entry_id or 0)
    assert entry.cost_micros is not None and entry.currency is not None
    stored = Money(from_micros(entry.cost_micros), entry.currency)
    assert stored == other  # what was shown is what was stored
    message = window.statusBar().currentMessage()
    assert format_money(QLocale(), stored) in message and "deepseek-v4-flash" in message


def test_record_before_counts_are_in_says_so(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("changed text, not counted yet")  # dirty until counted
    dialog = window._record_dialog()
    qtbot.addWidget(dialog)
    assert dialog.cost() is None
    assert dialog.cost_label.text() == "counted when recorded"
    assert dialog.record_button.text() == "Record"


# -- labels and accessible names ----------------------------------------------------------


def _dialogs(window: MainWindow) -> Iterator[QWidget]:
    from tokenbudget.core.types import Entry, TokenCounts
    from tokenbudget.gui.dialogs import SettingsDialog
    from tokenbudget.gui.entry_dialog import EntryDialog
    from tokenbudget.gui.plan_dialog import PlanDialog
    from tokenbudget.gui.statusline_dialog import StatusLineDialog

    service = window.service
    yield window._record_dialog()
    yield SettingsDialog(window.settings_values(), providers=service.providers, devices=service)
    yield PlanDialog(now=NOW)
    yield StatusLineDialog(service.limits)
    entry = Entry(
        id=1,
        at=NOW,
        provider="openai",
        model="gpt-5.5",
        tokens=TokenCounts(input_tokens=10, output_tokens=5),
        cost_micros=100,
        currency="USD",
        source="manual",
    )
    yield EntryDialog(entry, plans=[], entries=service.entries)
    yield window


def test_every_label_next_to_a_field_has_it_as_buddy(qtbot: QtBot, window: MainWindow) -> None:
    checked = 0
    for dialog in _dialogs(window):
        if isinstance(dialog, QDialog):
            qtbot.addWidget(dialog)
        pairs = form_pairs(dialog)
        for label, field in pairs:
            assert label.buddy() is field, (type(dialog).__name__, label.text())
            assert field.focusPolicy() != Qt.FocusPolicy.NoFocus
            checked += 1
    assert checked >= 15


def test_main_window_labels_have_buddies(window: MainWindow) -> None:
    labels = {
        label.text(): label.buddy()
        for label in window.findChildren(QLabel)
        if label.text().endswith(":")
    }
    assert labels["Expected output:"] is window.output_tokens
    assert labels["Cached prefix:"] is window.cached


def test_tables_and_cards_have_accessible_names(qtbot: QtBot, window: MainWindow) -> None:
    assert window.table.accessibleName()
    assert window.table.accessibleDescription()
    from tokenbudget.gui.history_view import HistoryView
    from tokenbudget.gui.jobs import inline_runner

    history = HistoryView(window.service, runner=inline_runner, delay_ms=0, tz=UTC)
    qtbot.addWidget(history)
    assert history.table.accessibleName()


def test_plan_cards_are_named_focusable_and_show_focus(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt as QtCore_Qt
    from PySide6.QtTest import QTest

    from tokenbudget.core.plans import Plan, PlanKind
    from tokenbudget.gui.budgets_view import BudgetsView

    service = Service()
    plan = service.plans.add(
        Plan(name="API budget", kind=PlanKind.BUDGET, currency="USD", amount_micros=50_000_000),
        now=NOW,
    )
    view = BudgetsView(service, refresh_ms=0, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.refresh(NOW)
    card = view._cards[plan.id]
    assert card.accessibleName() == "Plan API budget"
    assert "Monthly budget" in card.accessibleDescription()
    assert card.edit_button.accessibleName() == "Edit “API budget”"
    assert card.focusPolicy() & QtCore_Qt.FocusPolicy.TabFocus
    assert ":focus" in card.styleSheet() and "palette(highlight)" in card.styleSheet()
    with qtbot.waitSignal(card.edit_requested) as signal:
        QTest.keyClick(card, QtCore_Qt.Key.Key_Return)
    assert signal.args == [plan.id]


def test_every_view_table_has_an_accessible_name(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    from tokenbudget.gui.history_view import HistoryView
    from tokenbudget.gui.jobs import inline_runner
    from tokenbudget.gui.model_picker import ModelPickerDialog
    from tokenbudget.gui.sources_view import SourcesView

    service = window.service
    history = HistoryView(service, runner=inline_runner, delay_ms=0, tz=UTC)
    picker = ModelPickerDialog(service.counting.models(), ["gpt-5.5"], [])
    sources = SourcesView(service, runner=inline_runner)
    named = []
    for widget in (window, history, picker, sources):
        qtbot.addWidget(widget)
        views = [v for v in widget.findChildren(QAbstractItemView) if v.window() is widget]
        for view in views:
            if type(view).__name__ in ("QListView", "QComboBoxListView", "QCalendarView"):
                continue  # a combo box's or calendar's own list
            if isinstance(view, QHeaderView):
                continue  # a table's header: part of its table
            assert view.accessibleName(), (type(widget).__name__, type(view).__name__)
            named.append(view.accessibleName())
    assert len(named) >= 5, named  # the estimate, history, projects, models, sources tables
    sources.close_worker()
