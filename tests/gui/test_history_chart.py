"""The history charts, drawn with QPainter: round ticks, stacked bars where they belong, tooltips."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from tokenbudget.core.types import SpendSeries
from tokenbudget.gui.history_chart import HistoryChart, SpendChart, colour, nice_ticks


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0.0, [0.0, 1.0]),
        (6.3, [0.0, 2.0, 4.0, 6.0, 8.0]),
        (80.0, [0.0, 20.0, 40.0, 60.0, 80.0]),
        (0.0042, [0.0, 0.002, 0.004, 0.006]),
    ],
)
def test_ticks_are_round_and_reach_the_top(top: float, ticks: list[float]) -> None:
    got = nice_ticks(top)
    assert got == pytest.approx(ticks)
    assert got[-1] >= top


def series() -> SpendSeries:
    return SpendSeries(
        currency="USD",
        starts=(date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)),
        providers=("openai", "deepseek"),
        values={
            "openai": (Decimal("2.50"), Decimal(0), Decimal("1.25")),
            "deepseek": (Decimal("0.50"), Decimal(0), Decimal(0)),
        },
        converted=frozenset({"deepseek"}),
        left_out={},
        unpriced=0,
    )


@pytest.fixture
def chart(qtbot: QtBot) -> SpendChart:
    made = SpendChart("Spend")
    qtbot.addWidget(made)
    made.resize(420, 260)
    made.set_series(series(), ["1", "", "3"], "Spend per day")
    made.show()
    qtbot.waitExposed(made)
    return made


def test_bars_stack_each_provider_on_the_ones_below(chart: SpendChart) -> None:
    assert chart.heights() == {"OpenAI": [2.5, 0.0, 1.25], "DeepSeek": [0.5, 0.0, 0.0]}
    image = chart.grab().toImage()
    rect = chart.plot_rect()
    slot = rect.width() / 3
    x = int(rect.left() + 0.5 * slot)
    scale = rect.height() / nice_ticks(3.0)[-1]
    in_openai = int(rect.bottom() - 1.25 * scale)  # the middle of the bottom part
    in_deepseek = int(rect.bottom() - 2.75 * scale)  # above it
    assert QColor(image.pixel(x, in_openai)) == colour("openai")
    assert QColor(image.pixel(x, in_deepseek)) == colour("deepseek")
    empty = int(rect.left() + 1.5 * slot)  # the day without spend draws no bar
    assert QColor(image.pixel(empty, in_openai)) not in (colour("openai"), colour("deepseek"))


def test_the_bar_under_the_pointer_gives_its_exact_amounts(chart: SpendChart) -> None:
    rect = chart.plot_rect()
    slot = rect.width() / 3
    middle = int(rect.bottom() - 5)
    assert chart.bar_at(QPoint(int(rect.left() + 0.5 * slot), middle)) == 0
    assert chart.bar_at(QPoint(int(rect.left() + 2.5 * slot), middle)) == 2
    assert chart.bar_at(QPoint(int(rect.left() + 1.0 * slot), middle)) is None  # between bars
    assert chart.bar_at(QPoint(2, middle)) is None  # on the axis labels
    lines = chart.bar_text(0).splitlines()
    assert lines[0].startswith("OpenAI: ") and "2.50" in lines[0]
    assert lines[1].startswith("DeepSeek: ≈") and lines[2].startswith("Total: ≈")


def test_both_charts_draw_with_labels_of_two_lines(qtbot: QtBot) -> None:
    both = HistoryChart()
    qtbot.addWidget(both)
    both.resize(900, 320)
    both.set_series(series(), series(), "a note")
    both.show()
    qtbot.waitExposed(both)
    assert not both.grab().isNull()
    assert both.note.text() == "a note"
    assert both.monthly.heights() == both.daily.heights()


def _twelve_months() -> SpendSeries:
    starts = [date(2025, m, 1) for m in range(1, 13)]
    return SpendSeries(
        starts=starts,
        currency="USD",
        providers=["openai"],
        values={"openai": [Decimal(m) for m in range(1, 13)]},
        converted=frozenset(),
        left_out={},
        unpriced=0,
    )


@pytest.mark.parametrize("width", [240, 320, 480, 1400])
def test_period_labels_never_run_together(qtbot: QtBot, width: int) -> None:
    made = SpendChart("Spend", legend=False)
    qtbot.addWidget(made)
    made.resize(width, 200)
    labels = [f"September\n{2025}" if i % 2 else f"Sep\n{2025}" for i in range(12)]
    made.set_series(_twelve_months(), labels, "Spend per month")
    boxes = [box for _label, box in made.label_boxes()]
    assert boxes, "at least one label is drawn"
    for left, right in itertools.pairwise(boxes):
        assert left.right() < right.left(), (width, left, right)
    for box in boxes:
        assert box.left() >= 0 and box.right() <= made.width()
    # Wide enough for all of them, nothing is skipped.
    if width >= 1400:
        assert len(boxes) == 12


def test_narrow_chart_skips_labels_instead_of_overlapping(qtbot: QtBot) -> None:
    made = SpendChart("Spend", legend=False)
    qtbot.addWidget(made)
    made.resize(240, 200)
    made.set_series(_twelve_months(), [f"Month {i}" for i in range(12)], "Spend per month")
    assert 1 <= len(made.label_boxes()) < 12


def test_bar_colours_stand_out_on_a_dark_base() -> None:
    from PySide6.QtGui import QColor

    from tokenbudget.gui.history_chart import colour, visible_on
    from tokenbudget.gui.palette import contrast_ratio

    dark = QColor("#2a2a2a")
    assert contrast_ratio(colour("moonshot"), dark) < 1.8  # the fixed colour alone does not
    assert contrast_ratio(visible_on(colour("moonshot"), dark), dark) >= 1.8
