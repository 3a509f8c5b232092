"""Small screens and keyboard use: 800×600 (the offscreen platform's screen), menus, shortcuts.

The offscreen platform's one screen is 800×600, a small laptop panel: every window must fit
it with its cost columns and buttons on screen, and be reachable from the keyboard.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.estimate_model import Column
from tokenbudget.gui.geometry import WindowMemory, fitted_size
from tokenbudget.gui.history_model import Column as HistoryColumn
from tokenbudget.gui.history_table import NUMERIC_COLUMNS
from tokenbudget.gui.jobs import inline_runner
from tokenbudget.gui.main_window import MainWindow
from tokenbudget.gui.shell import Shell
from tokenbudget.gui.view_window import ViewWindow, budgets_window

MODELS = ["gpt-5.5", "gpt-5.4-mini", "claude-sonnet-4-6", "deepseek-v4-flash", "qwen-plus"]
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


def screen_area() -> QRect:
    return QGuiApplication.primaryScreen().availableGeometry()


def test_the_test_screen_is_800_by_600(qapp: object) -> None:
    assert screen_area().size().toTuple() == (800, 600)


def on_screen(widget: QWidget) -> QRect:
    """``widget``'s rectangle in screen coordinates."""
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return QRect(top_left, widget.size())


def assert_visible_in(widget: QWidget, window: QWidget) -> None:
    inner = on_screen(widget)
    assert on_screen(window).contains(inner), (widget, inner, on_screen(window))
    assert screen_area().contains(inner), (widget, inner, screen_area())


@pytest.fixture
def window(qtbot: QtBot, registry: TokenizerRegistry) -> MainWindow:
    service = Service(registry)
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    win.set_shown_models([service.counting.model(m) for m in MODELS], save=False)
    win.show()
    qtbot.waitExposed(win)
    win.editor.setPlainText("What does this cost on a small screen? " * 40)
    win.coordinator.flush()
    qtbot.waitUntil(lambda: win.coordinator.idle)
    qtbot.waitUntil(lambda: all(r.estimate is not None for r in win.model.rows()))
    return win


def test_fitted_size_never_exceeds_the_screen() -> None:
    from PySide6.QtCore import QSize

    size = fitted_size(QSize(1240, 720), QRect(0, 0, 800, 600))
    assert size.width() <= 800 and size.height() <= 600
    assert fitted_size(QSize(600, 400), QRect(0, 0, 1920, 1080)) == QSize(600, 400)


def test_main_window_fits_800x600_with_its_cost_columns_visible(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert screen_area().contains(window.frameGeometry())
    header = window.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(Column.TOTAL) > 0)
    for column in (Column.INPUT, Column.OUTPUT, Column.TOTAL):
        left = header.sectionViewportPosition(column)
        right = left + header.sectionSize(column)
        assert left >= 0 and right <= header.viewport().width(), (column, left, right)
    assert_visible_in(window.table, window)
    # Narrow: the prompt goes above the table, so the table has the window's width.
    assert window.splitter.orientation() == Qt.Orientation.Vertical


def test_wide_window_puts_the_prompt_beside_the_table(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1200, 560)
    qtbot.waitUntil(lambda: window.splitter.orientation() == Qt.Orientation.Horizontal)


def test_status_bar_texts_do_not_overlap_when_narrow(qtbot: QtBot, window: MainWindow) -> None:
    window.select_model("claude-sonnet-4-6")
    window.resize(520, 500)
    qtbot.waitUntil(lambda: window.width() <= 560)
    window.statusBar().layout().activate()
    stats, selected = window.stats_label, window.selected_label
    assert stats.text() and selected.text()
    assert not stats.geometry().intersects(selected.geometry())
    bar = window.statusBar().rect()
    assert bar.contains(stats.geometry()) and bar.contains(selected.geometry())
    assert stats.toolTip() == stats.text()  # the whole text, however much is shown


def test_geometry_is_remembered_only_when_it_fits(qtbot: QtBot, tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    memory = WindowMemory(tmp_path / "window.ini")
    first = QMainWindow()
    qtbot.addWidget(first)
    first.setGeometry(40, 50, 500, 400)
    memory.save(first, "history")
    second = QMainWindow()
    qtbot.addWidget(second)
    assert memory.restore(second, "history", first.size())
    assert second.size() == first.size()
    # Saved on a bigger screen: not put back at a size this one cannot hold.
    big = QMainWindow()
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 1900, 1000)
    memory.save(big, "budgets")
    third = QMainWindow()
    qtbot.addWidget(third)
    from PySide6.QtCore import QSize

    memory.restore(third, "budgets", QSize(1000, 700))
    assert third.width() <= 800 and third.height() <= 600


def test_budgets_window_fits_with_add_plan_on_screen(qtbot: QtBot) -> None:
    host = budgets_window(Service())
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    assert screen_area().contains(host.frameGeometry())
    view = host.view
    add = view.add_button  # type: ignore[attr-defined]
    assert add.isVisible() and add.text() == "Add plan…"
    assert_visible_in(add, host)


def test_history_numbers_are_not_cut(qtbot: QtBot) -> None:
    from tokenbudget.gui.history_view import HistoryView

    service = Service()
    service.entries.record_many(
        [
            NewEntry(
                at=NOW - timedelta(hours=i),
                provider="openai",
                model="gpt-5.5",
                tokens=TokenCounts(2_000_000 * (i + 1), 1_234_567, 0, 0, 987_654),
                cost_micros=1_234_567_890,
                currency="USD",
                source="manual",
            )
            for i in range(3)
        ]
    )
    view = HistoryView(service, runner=inline_runner, delay_ms=0, tz=UTC, now=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(780, 560)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    table = view.table
    metrics = table.fontMetrics()
    margin = 2 * (table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    seen = 0
    for row in range(view.model.rowCount()):
        for column in NUMERIC_COLUMNS:
            text = view.model.index(row, column).data()
            if not text:
                continue
            seen += 1
            needed = metrics.horizontalAdvance(str(text)) + margin
            assert needed <= table.columnWidth(column), (HistoryColumn(column), text)
    assert seen >= 9
    # The cost comes right after the model, and on this screen it is in view unscrolled.
    header = table.horizontalHeader()
    assert header.visualIndex(HistoryColumn.COST) == header.visualIndex(HistoryColumn.MODEL) + 1
    right = header.sectionViewportPosition(HistoryColumn.COST) + header.sectionSize(
        HistoryColumn.COST
    )
    assert table.horizontalScrollBar().value() == 0
    assert right <= table.viewport().width()


# -- keyboard ------------------------------------------------------------------------------


@pytest.fixture
def shell(qtbot: QtBot, registry: TokenizerRegistry) -> Iterator[Shell]:
    made = Shell(Service(registry), tray_available=False, delay_ms=0, now=lambda: NOW)
    qtbot.addWidget(made.window)
    made.sources_runner = inline_runner
    yield made
    made.close()
    for key in ("budgets", "history", "sources"):
        view = made.view(key)
        if view is not None:
            view.window().close()


def press(qtbot: QtBot, widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    widget.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None)
    QTest.keyClick(widget, key, modifier)


def host(shell: Shell, key: str) -> ViewWindow:
    view = shell.view(key)
    assert view is not None
    window = view.window()
    assert isinstance(window, ViewWindow)
    return window


def test_ctrl_b_and_ctrl_h_work_from_every_window(qtbot: QtBot, shell: Shell) -> None:
    shell.window.show()
    qtbot.waitExposed(shell.window)
    press(qtbot, shell.window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shell.view("budgets") is not None)
    budgets = host(shell, "budgets")
    qtbot.waitExposed(budgets)
    press(qtbot, budgets, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shell.view("history") is not None)
    history = host(shell, "history")
    qtbot.waitExposed(history)
    budgets.hide()
    press(qtbot, history, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(budgets.isVisible)
    assert {a.shortcut().toString() for a in history.go_actions.values()} >= {"Ctrl+B", "Ctrl+H"}


def test_ctrl_b_and_ctrl_h_work_from_the_token_view_and_the_popup(
    qtbot: QtBot, shell: Shell
) -> None:
    from tokenbudget.gui.token_view import TokenViewDialog

    shell.window.show()
    qtbot.waitExposed(shell.window)
    shell.window.show_tokens()
    dialog = shell.window.findChild(TokenViewDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    press(qtbot, dialog, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shell.view("history") is not None)
    dialog.close()
    popup = shell.popup
    qtbot.addWidget(popup)
    popup.show()
    qtbot.waitExposed(popup)
    press(qtbot, popup, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shell.view("budgets") is not None)
    popup.hide()


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    ],
)
@pytest.mark.parametrize("name", ["budgets", "history"])
def test_ctrl_w_and_escape_close_the_views(
    qtbot: QtBot, shell: Shell, name: str, key: Qt.Key, modifier: Qt.KeyboardModifier
) -> None:
    {"budgets": shell.show_budgets, "history": shell.show_history}[name]()
    window = host(shell, name)
    qtbot.waitExposed(window)
    press(qtbot, window, key, modifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_views_have_a_menu_bar_with_file_and_go(qtbot: QtBot, shell: Shell) -> None:
    shell.show_history()
    window = host(shell, "history")
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:2] == ["&File", "&Go"]
    file_texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Close" in file_texts and "E&xport CSV…" in file_texts


def test_main_window_puts_back_a_saved_geometry_only_if_it_fits(
    qtbot: QtBot, registry: TokenizerRegistry
) -> None:
    from PySide6.QtCore import QSettings

    service = Service(registry)
    first = MainWindow(service, delay_ms=0)
    qtbot.addWidget(first)
    first.setGeometry(30, 40, 600, 450)
    first.save_window_state()
    second = MainWindow(service, delay_ms=0)
    qtbot.addWidget(second)
    assert second.size() == first.size()
    # A geometry saved on a bigger screen is not used here.
    state = QSettings(str(service.settings.window_state_file()), QSettings.Format.IniFormat)
    big = QMainWindow()
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 1900, 1000)
    state.setValue("geometry", big.saveGeometry())
    state.sync()
    third = MainWindow(service, delay_ms=0)
    qtbot.addWidget(third)
    assert third.width() <= 800 and third.height() <= 600


def test_a_narrow_model_column_elides_names_in_the_middle(window: MainWindow) -> None:
    table = window.table
    assert not table.wordWrap()
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    name = "mistral-small-latest  ★ cheapest"
    shown = table.fontMetrics().elidedText(name, table.textElideMode(), 120)
    assert shown.endswith("cheapest") and "…" in shown  # the tag survives
