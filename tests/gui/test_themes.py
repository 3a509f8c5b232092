"""Colours under light and dark palettes: contrast (WCAG) and run-time palette changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyleFactory
from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui import palette
from tokenbudget.gui.dark_theme import dark_palette
from tokenbudget.gui.estimate_model import CHEAPEST_ROLE, MODEL_ID_ROLE, Column
from tokenbudget.gui.main_window import MainWindow
from tokenbudget.gui.widgets import OVER_MARK, ContextBarDelegate

MODELS = ["gpt-5.5", "gpt-5.4-mini", "claude-sonnet-4-6", "deepseek-v4-flash"]


def _light() -> QPalette:
    return QStyleFactory.create("Fusion").standardPalette()


PALETTES = {
    "fusion-light": _light,
    "fusion-dark": lambda: dark_palette("fusion"),
    "breeze-dark": lambda: dark_palette("breeze"),
}


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """Restore the application's palette after a test changed it."""
    before = QPalette(qapp.palette())
    yield
    qapp.setPalette(before)


def test_contrast_ratio_matches_wcag() -> None:
    black, white = QColor("black"), QColor("white")
    assert palette.contrast_ratio(black, white) == pytest.approx(21.0)
    assert palette.contrast_ratio(white, white) == pytest.approx(1.0)
    # WCAG's worked example: #777777 on white is 4.48:1.
    assert palette.contrast_ratio(QColor("#777777"), white) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", list(PALETTES))
def test_every_text_colour_reads_on_its_background(qapp: QApplication, name: str) -> None:
    colours = palette.colours_for(PALETTES[name]())
    assert colours.dark == (name != "fusion-light")
    for role, (text, ground) in colours.text_pairs().items():
        ratio = palette.contrast_ratio(text, ground)
        assert ratio >= palette.MIN_CONTRAST, f"{name} {role}: {ratio:.2f}"


def test_the_old_fixed_highlight_is_unreadable_under_dark() -> None:
    """The check can fail: white text on the former light-green highlight does."""
    dark = dark_palette()
    text = dark.color(QPalette.ColorRole.Text)
    assert palette.contrast_ratio(text, QColor(214, 245, 221)) < palette.MIN_CONTRAST


@pytest.fixture
def window(qtbot: QtBot, themed: None) -> MainWindow:
    service = Service(TokenizerRegistry.bundled())
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    win.set_shown_models([service.counting.model(m) for m in MODELS], save=False)
    win.editor.setPlainText("Which model is cheapest for this? " * 40)
    win.coordinator.flush()
    qtbot.waitUntil(lambda: win.coordinator.idle)
    qtbot.waitUntil(lambda: all(r.estimate is not None for r in win.model.rows()))
    return win


def _cheapest_row(win: MainWindow) -> int:
    rows = [r for r in range(win.model.rowCount()) if win.model.index(r, 0).data(CHEAPEST_ROLE)]
    assert len(rows) == 1
    return rows[0]


@pytest.mark.parametrize("name", list(PALETTES))
def test_cheapest_row_reads_in_the_window_under_each_palette(
    qapp: QApplication, window: MainWindow, name: str
) -> None:
    qapp.setPalette(PALETTES[name]())
    row = _cheapest_row(window)
    for column in Column:
        index = window.model.index(row, column)
        background = index.data(int(Qt.ItemDataRole.BackgroundRole))
        foreground = index.data(int(Qt.ItemDataRole.ForegroundRole))
        assert isinstance(background, QBrush) and isinstance(foreground, QBrush)
        ratio = palette.contrast_ratio(foreground.color(), background.color())
        assert ratio >= palette.MIN_CONTRAST, (name, column, ratio)


def test_highlight_follows_a_palette_change_at_run_time(
    qapp: QApplication, window: MainWindow, qtbot: QtBot
) -> None:
    qapp.setPalette(_light())
    row = _cheapest_row(window)
    light = window.model.index(row, 0).data(int(Qt.ItemDataRole.BackgroundRole)).color()
    with qtbot.waitSignal(window.model.dataChanged, timeout=2000):
        qapp.setPalette(dark_palette())
    dark = window.model.index(row, 0).data(int(Qt.ItemDataRole.BackgroundRole)).color()
    assert light.lightness() > 128 > dark.lightness()


def test_cheapest_is_marked_by_text_not_colour_alone(window: MainWindow) -> None:
    row = _cheapest_row(window)
    model_id = window.model.index(row, 0).data(MODEL_ID_ROLE)
    name = window.model.index(row, Column.MODEL).data()
    assert name.startswith(model_id) and "★" in name and "cheapest" in name
    access = window.model.index(row, Column.TOTAL).data(
        int(Qt.ItemDataRole.AccessibleDescriptionRole)
    )
    assert access and "Cheapest" in access
    others = [r for r in range(window.model.rowCount()) if r != row]
    for other in others:
        assert "★" not in window.model.index(other, Column.MODEL).data()
        assert (
            window.model.index(other, Column.TOTAL).data(
                int(Qt.ItemDataRole.AccessibleDescriptionRole)
            )
            is None
        )


def test_over_window_share_is_marked_and_readable(
    qapp: QApplication, window: MainWindow, themed: None
) -> None:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QStyleOptionViewItem

    from tokenbudget.gui.estimate_model import CONTEXT_ROLE

    delegate = ContextBarDelegate(window.table)
    cells = QStandardItemModel(2, 1)
    for row, (text, share) in enumerate((("202.0%", 2.02), ("12.0%", 0.12))):
        item = QStandardItem(text)
        item.setData(share, CONTEXT_ROLE)
        cells.setItem(row, 0, item)
    for make in PALETTES.values():
        qapp.setPalette(make())
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, cells.index(0, 0))
        assert option.text == f"{OVER_MARK} 202.0%" and option.font.bold()
        text = option.palette.color(QPalette.ColorRole.Text)
        base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
        assert palette.contrast_ratio(text, base) >= palette.MIN_CONTRAST
        within = QStyleOptionViewItem()
        delegate.initStyleOption(within, cells.index(1, 0))
        assert within.text == "12.0%"


def test_tinted_labels_follow_the_palette(qapp: QApplication, qtbot: QtBot, themed: None) -> None:
    qapp.setPalette(_light())
    palette.watcher()
    label = QLabel("Not recorded")
    qtbot.addWidget(label)
    palette.tint(label, palette.Tone.ERROR)
    light = label.palette().color(QPalette.ColorRole.WindowText)
    qapp.setPalette(dark_palette("breeze"))  # the change events are posted
    qtbot.waitUntil(lambda: label.palette().color(QPalette.ColorRole.WindowText) != light)
    dark = label.palette().color(QPalette.ColorRole.WindowText)
    ground = qapp.palette().color(QPalette.ColorRole.Window)
    assert palette.contrast_ratio(dark, ground) >= palette.MIN_CONTRAST
