"""The history view's projects: the project picker, the Project column and spend per project.

On the seven entries of ``project_entries`` (CNY at 7 per USD), in an en_US locale, so that
every figure is checked as the exact text the user reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from project_entries import ENTRIES, A, B, C
from PySide6.QtCore import QLocale, Qt
from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service
from tokenbudget.core.types import ExchangeRate
from tokenbudget.gui.history_model import ENTRY_ROLE, Column
from tokenbudget.gui.history_view import HistoryView, inline_runner

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def service() -> Iterator[Service]:
    made = Service()
    made.entries.record_many(ENTRIES)
    made.settings.set_exchange_rate(ExchangeRate("CNY", Decimal(7), date(2026, 11, 1)))
    yield made
    made.close()


@pytest.fixture
def view(qtbot: QtBot, service: Service) -> HistoryView:
    made = HistoryView(service, runner=inline_runner, delay_ms=0, tz=UTC, now=lambda: NOW)
    qtbot.addWidget(made)
    made.resize(1200, 800)
    return made


def models(view: HistoryView) -> list[str]:
    return [view.model.index(r, 0).data(ENTRY_ROLE).model for r in range(view.model.rowCount())]


def choose_project(view: HistoryView, project: str | None) -> None:
    index = view.project.findData(project)
    assert index >= 0
    view.project.setCurrentIndex(index)


def test_the_picker_lists_every_project_by_short_name_with_its_path_on_hover(
    view: HistoryView,
) -> None:
    box = view.project
    assert box.isVisibleTo(view)
    assert [box.itemText(i) for i in range(box.count())] == [
        "All projects",
        "商城",
        "/srv/other/api",  # two projects are called "api": their paths tell them apart
        "/work/api",
    ]
    assert [box.itemData(i) for i in range(box.count())] == [None, A, C, B]
    assert box.itemData(1, Qt.ItemDataRole.ToolTipRole) == A


def test_choosing_a_project_filters_the_table_and_the_totals(view: HistoryView) -> None:
    assert view.totals.text() == "7 entries · 790 tokens · ≈$11.75 · 1 unpriced"
    choose_project(view, A)
    assert models(view) == ["deepseek-v4-flash", "claude-sonnet-4-6", "gpt-5.5"]
    assert view.totals.text() == "3 entries · 712 tokens · ≈$4.50"
    choose_project(view, B)
    assert models(view) == ["my-model", "gpt-5.5"]
    assert view.totals.text() == "2 entries · 66 tokens · $4.00 · 1 unpriced"
    choose_project(view, None)
    assert view.model.rowCount() == 7


def test_the_table_names_each_entrys_project(view: HistoryView) -> None:
    cells = [
        (
            view.model.index(r, Column.PROJECT).data(),
            view.model.index(r, Column.PROJECT).data(Qt.ItemDataRole.ToolTipRole),
        )
        for r in range(view.model.rowCount())
    ]
    assert cells == [
        ("api", C),
        ("", None),
        ("api", B),
        ("api", B),
        ("商城", A),
        ("商城", A),
        ("商城", A),
    ]


def test_spend_per_project_largest_first_with_shares(view: HistoryView) -> None:
    assert view.breakdown.isVisibleTo(view)
    # $11.75 in all: 4.50 / 11.75 is 38 %, 4.00 is 34 %, 3.00 is 26 %, 0.25 is 2 %.
    assert view.breakdown.rows() == [
        ("商城", "≈$4.50", "38", "3"),
        ("/work/api", "$4.00 + 1 unpriced", "34", "2"),
        ("/srv/other/api", "$3.00", "26", "1"),
        ("(no project)", "$0.25", "2", "1"),
    ]
    first = view.breakdown.tree.topLevelItem(0)
    assert first is not None and first.toolTip(0) == A


def test_spend_per_project_follows_the_other_filters(view: HistoryView) -> None:
    view.provider.setCurrentIndex(view.provider.findData("openai"))
    assert view.breakdown.rows() == [
        ("/work/api", "$4.00", "48", "1"),
        ("/srv/other/api", "$3.00", "36", "1"),
        ("商城", "$1.00", "12", "1"),
        ("(no project)", "$0.25", "3", "1"),
    ]
    view.search.setText("checkout")
    view.apply_filter()
    assert view.breakdown.rows() == []
    view.provider.setCurrentIndex(0)
    assert view.breakdown.rows() == [("商城", "$2.50", "100", "1")]


def test_activating_a_project_in_the_breakdown_filters_on_it(
    qtbot: QtBot, view: HistoryView
) -> None:
    item = view.breakdown.tree.topLevelItem(2)
    assert item is not None
    with qtbot.waitSignal(view.loaded):
        view.breakdown.tree.itemActivated.emit(item, 0)
    assert view.project.currentData() == C
    assert models(view) == ["gpt-5.4-mini"]
    one = view.tr("%Ln entries", "", 1)  # "1 entry" once an English plural file ships
    assert view.totals.text() == f"{one} · 10 tokens · $3.00"
    assert view.breakdown.rows() == [("api", "$3.00", "100", "1")]


def test_the_charts_follow_the_project(qtbot: QtBot, view: HistoryView) -> None:
    view.start_charts()
    assert view.chart is not None
    with qtbot.waitSignal(view.charts_loaded):
        choose_project(view, A)
    heights = {name: h[:3] for name, h in view.chart.daily.heights().items() if any(h)}
    assert heights == {
        "Anthropic": [2.5, 0.0, 0.0],
        "OpenAI": [1.0, 0.0, 0.0],
        "DeepSeek": [0.0, 1.0, 0.0],
    }


def test_without_projects_neither_the_picker_nor_the_breakdown_shows(
    qtbot: QtBot, isolated_home: object
) -> None:
    plain = Service()
    plain.entries.record_many([replace(e, project=None) for e in ENTRIES[:2]])
    view = HistoryView(plain, runner=inline_runner, delay_ms=0, tz=UTC, now=lambda: NOW)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 2
    assert not view.project.isVisibleTo(view)
    assert not view.breakdown.isVisibleTo(view)
    plain.close()
