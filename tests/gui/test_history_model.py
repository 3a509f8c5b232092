"""The lazy history model: what it shows, what it reads (and when), and Qt's model rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.errors import LedgerDiskError
from tokenbudget.core.history_query import RowMap, build_row_map
from tokenbudget.core.ledger import HistoryFilter, Ledger
from tokenbudget.core.money import ExchangeRate, ExchangeRates
from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.gui.history_model import (
    ENTRY_ID_ROLE,
    ENTRY_ROLE,
    SORT_ROLE,
    Column,
    HistoryModel,
)

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
RATES = ExchangeRates.of([ExchangeRate("CNY", Decimal("8"), date(2026, 11, 1))])
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def entries(count: int) -> list[NewEntry]:
    made = []
    for i in range(count):
        made.append(
            NewEntry(
                at=T0 - timedelta(minutes=i),
                provider=("openai", "deepseek", "mistral")[i % 3],
                model=("gpt-5.5", "deepseek-v4-flash", "mistral-large")[i % 3],
                tokens=TokenCounts(1000 + i, 20, 3, 4, 50),
                cost_micros=(1_500_000, 8_000_000, 2_000_000)[i % 3] if i != 4 else None,
                currency=("USD", "CNY", "EUR")[i % 3] if i != 4 else None,
                source="manual",
                note="总结会议" if i == 0 else None,
                prompt_text="Summarise   this\narticle" if i == 1 else None,
                plan_id=None,
            )
        )
    return made


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.sqlite3") as opened:
        opened.add_entries(entries(250), want_ids=False)
        yield opened


@pytest.fixture
def model(qtbot: QtBot, ledger: Ledger) -> HistoryModel:
    shown = HistoryModel(lambda rows, start, count: rows.fetch(ledger, start, count), page_size=40)
    shown.locale = ENGLISH
    shown.set_display("USD", RATES, [])
    shown.set_row_map(build_row_map(ledger, HistoryFilter()))
    return shown


def text(
    model: HistoryModel, row: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    return model.index(row, column).data(role)


def test_the_model_follows_qts_rules(qtmodeltester: ModelTester, model: HistoryModel) -> None:
    qtmodeltester.check(model, force_py=True)


def test_knowing_the_row_count_reads_no_row(ledger: Ledger) -> None:
    model = HistoryModel(lambda rows, start, count: rows.fetch(ledger, start, count), page_size=40)
    model.set_row_map(build_row_map(ledger, HistoryFilter()))
    assert model.rowCount() == 250
    assert model.columnCount() == len(Column)
    assert model.page_loads == 0
    model.index(0, Column.TIME).data(Qt.ItemDataRole.TextAlignmentRole)
    assert model.page_loads == 0  # roles without data need no row
    assert text(model, 0, Column.MODEL) == "gpt-5.5"
    assert text(model, 39, Column.MODEL) is not None
    assert model.page_loads == 1
    assert text(model, 245, Column.MODEL) is not None
    assert model.page_loads == 2  # only the page of row 245, not the ones before it


def test_cells_show_the_entry_in_the_display_currency(model: HistoryModel) -> None:
    assert text(model, 0, Column.PROVIDER) == "OpenAI"
    assert text(model, 0, Column.INPUT) == "1,000"
    assert text(model, 0, Column.CACHE_READ) == "20"
    assert text(model, 0, Column.CACHE_WRITE) == "7"  # 5-minute and 1-hour writes together
    assert text(model, 0, Column.OUTPUT) == "50"
    assert text(model, 0, Column.COST) == "$1.5000"  # every row: the currency's digits and two more
    assert text(model, 0, Column.NOTE) == "总结会议"
    # CNY has a rate: 8 CNY are 1 USD, shown as converted (≈).
    assert text(model, 1, Column.COST) == "≈$1.0000"
    assert "Recorded as ¥8.00" in str(text(model, 1, Column.COST, Qt.ItemDataRole.ToolTipRole))
    # EUR has none: shown in EUR, and said so.
    assert text(model, 2, Column.COST) == "€2.0000"
    assert "No exchange rate for EUR" in str(
        text(model, 2, Column.COST, Qt.ItemDataRole.ToolTipRole)
    )
    assert text(model, 4, Column.COST) == "unpriced"
    assert text(model, 4, Column.COST, Qt.ItemDataRole.ForegroundRole) is not None
    # No note: the prompt preview, on one line, in grey.
    assert text(model, 1, Column.NOTE) == "Summarise this article"
    assert text(model, 1, Column.NOTE, Qt.ItemDataRole.ForegroundRole) is not None
    assert text(model, 0, Column.TIME, Qt.ItemDataRole.ToolTipRole) == "2026-11-20T09:30:00Z"
    assert str(text(model, 0, Column.CACHE_WRITE, Qt.ItemDataRole.ToolTipRole)) == (
        "3 for 5 minutes, 4 for 1 hour"
    )


def test_sort_role_and_entry_roles_give_raw_values(model: HistoryModel, ledger: Ledger) -> None:
    newest = ledger.history(limit=1)[0]
    assert text(model, 0, Column.TIME, SORT_ROLE) == int(T0.timestamp()) * 1_000_000
    assert text(model, 0, Column.COST, SORT_ROLE) == 1_500_000
    assert text(model, 4, Column.COST, SORT_ROLE) == -1
    assert text(model, 3, Column.INPUT, SORT_ROLE) == 1003
    assert text(model, 0, Column.TIME, ENTRY_ROLE) == newest
    assert text(model, 0, Column.NOTE, ENTRY_ID_ROLE) == newest.id


def test_the_display_currency_can_change(model: HistoryModel) -> None:
    model.set_display("CNY", RATES, [])
    assert text(model, 0, Column.COST) == "≈¥12.0000"
    assert text(model, 1, Column.COST) == "¥8.0000"


def test_plan_names_show_by_id_and_edits_are_read_again(
    ledger: Ledger, model: HistoryModel
) -> None:
    plan = ledger.add_plan(
        Plan(name="Claude Max", kind=PlanKind.SUBSCRIPTION, currency="USD", amount_micros=1),
        now=T0,
    )
    assert text(model, 0, Column.NOTE) == "总结会议"  # now in the page cache
    first = ledger.history(limit=1)[0]
    ledger.update_entry(replace(first, plan_id=plan.id, note="moved to a plan"))
    model.set_display("USD", RATES, [plan])
    model.reread()
    assert text(model, 0, Column.NOTE) == "moved to a plan"
    assert text(model, 0, Column.PLAN) == "Claude Max"
    assert "no other" in text(model, 0, Column.PLAN, Qt.ItemDataRole.ToolTipRole)


def test_a_row_gone_since_the_map_was_built_shows_a_dash(
    ledger: Ledger, model: HistoryModel
) -> None:
    last = model.rowCount() - 1
    gone = text(model, last, Column.TIME, ENTRY_ROLE)
    assert gone is not None
    ledger.delete_entries([gone.id])  # type: ignore[attr-defined]
    model.reread()
    assert text(model, last, Column.TIME) == "—"
    assert text(model, last, Column.COST) is None


def test_a_read_error_is_reported_once_not_raised(qtbot: QtBot, ledger: Ledger) -> None:
    def unreadable(rows: RowMap, start: int, count: int) -> list[Entry | None]:
        # What ``service.entries.page`` raises when the disk fails under the ledger.
        raise LedgerDiskError(f"cannot read the ledger {ledger.path}: the database is closed")

    model = HistoryModel(unreadable, page_size=40)
    model.set_row_map(build_row_map(ledger, HistoryFilter()))
    with qtbot.waitSignal(model.load_failed) as failed:
        assert text(model, 0, Column.MODEL) is None
    assert "closed" in str(failed.args[0])
    with qtbot.assertNotEmitted(model.load_failed):
        assert text(model, 100, Column.MODEL) is None


def test_headers(model: HistoryModel) -> None:
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert titles[Column.TIME] == "Time" and titles[Column.COST] == "Cost"
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_the_plan_column_shows_every_plan_an_unassigned_entry_counts_toward(
    ledger: Ledger, model: HistoryModel
) -> None:
    def add(name: str, **kw: object) -> Plan:
        plan = Plan(name=name, kind=PlanKind.BUDGET, currency="USD", amount_micros=1, **kw)  # type: ignore[arg-type]
        return ledger.add_plan(plan, now=T0)

    plans = [
        add("OpenAI API", providers=("openai",)),
        add("Everything"),
        add("Old", active=False),
        add("DeepSeek", providers=("deepseek",), models=("deepseek-*",)),
        add("Later", start=T0 + timedelta(days=1)),
    ]
    first = ledger.history(limit=1)[0]
    ledger.update_entry(replace(first, plan_id=plans[2].id))  # assigned, even to a paused plan
    model.set_display("USD", RATES, plans)
    model.reread()
    for row in range(12):
        entry = text(model, row, Column.TIME, ENTRY_ROLE)
        assert isinstance(entry, Entry)
        if entry.plan_id is not None:
            wanted = [p.name for p in plans if p.id == entry.plan_id]
        else:
            wanted = [
                p.name
                for p in plans
                if p.active
                and (not p.providers or entry.provider in p.providers)
                and (p.start is None or p.start <= entry.at)
                and (not p.models or entry.model.startswith(p.models[0].rstrip("*")))
            ]
        assert text(model, row, Column.PLAN) == ", ".join(wanted), entry
    assert text(model, 0, Column.PLAN) == "Old"
    assert "," in str(text(model, 1, Column.PLAN))  # an unassigned entry, more than one plan


def test_sources_are_named_for_people_not_by_id(qapp: object) -> None:
    from tokenbudget.gui.history_model import source_label

    assert source_label("manual") == "By hand"
    assert source_label("estimate") == "Estimate"
    assert source_label("claude-code") == "Claude Code"  # a tool's name is its brand
    assert source_label("copilot-cli") == "GitHub Copilot CLI"
    assert source_label("some-new-tool") == "some-new-tool"
