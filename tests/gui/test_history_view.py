"""The history view on the offscreen platform: filters, search, totals, edit, undo, export, charts.

Expected rows, counts and sums are computed here from the stored entries, in plain Python.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelection, QItemSelectionModel, QLocale, Qt
from PySide6.QtWidgets import QComboBox, QDialog
from pytestqt.qtbot import QtBot

from tokenbudget.core import history_jobs
from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.history_query import Period
from tokenbudget.core.ledger import HistoryFilter
from tokenbudget.core.money import ExchangeRate, Money, from_micros
from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.core.services import Service
from tokenbudget.gui import history_charts_panel, history_edits
from tokenbudget.gui.entry_dialog import EntryDialog
from tokenbudget.gui.formatting import format_int, format_money
from tokenbudget.gui.history_model import ENTRY_ROLE, Column
from tokenbudget.gui.history_view import HistoryView, inline_runner

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MIX = [
    ("openai", "gpt-5.5", "USD", "codex"),
    ("anthropic", "claude-sonnet-4-6", "USD", "claude-code"),
    ("deepseek", "deepseek-v4-flash", "CNY", "manual"),
    # TWD: the one shown currency the ECB publishes no rate for (and none is set here).
    ("mistral", "mistral-large", "TWD", "estimate"),
]
CNY_PER_USD = Decimal("8")


def seed(service: Service) -> Plan:
    ledger = service._parts.ledger
    plan = ledger.add_plan(
        Plan(
            name="Claude Max",
            kind=PlanKind.SUBSCRIPTION,
            currency="USD",
            amount_micros=200_000_000,
            providers=("anthropic",),
        ),
        now=NOW,
    )
    rows = []
    for i in range(120):
        provider, model, currency, source = MIX[i % 4]
        unpriced = i % 25 == 24
        rows.append(
            NewEntry(
                at=NOW - timedelta(hours=7 * i, minutes=1),
                provider=provider,
                model=model,
                tokens=TokenCounts(100 + i, 10, 1, 2, 30),
                cost_micros=None if unpriced else 10_000 * (i + 1),
                currency=None if unpriced else currency,
                source=source,
                note="refactor the parser"
                if i % 10 == 0
                else "总结会议记录"
                if i % 10 == 5
                else None,
                prompt_text="请翻译这段话" if i % 7 == 0 else None,
                plan_id=plan.id if provider == "anthropic" and i % 2 else None,
            )
        )
    ledger.add_entries(rows)
    service.settings.set_exchange_rate(ExchangeRate("CNY", CNY_PER_USD, date(2026, 11, 1)))
    return plan


@pytest.fixture
def service() -> Service:
    made = Service()
    seed(made)
    return made


def make_view(qtbot: QtBot, service: Service, **kw: object) -> HistoryView:
    options: dict[str, object] = {"runner": inline_runner, "delay_ms": 0, "tz": UTC}
    options.update(kw)
    view = HistoryView(service, now=lambda: NOW, **options)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1100, 700)
    return view


@pytest.fixture
def view(qtbot: QtBot, service: Service) -> HistoryView:
    return make_view(qtbot, service)


def stored(service: Service) -> list[Entry]:
    return list(service.entries.iter_entries())


def shown_ids(view: HistoryView) -> list[int]:
    return [view.model.index(row, 0).data(ENTRY_ROLE).id for row in range(view.model.rowCount())]


def newest_first(entries: list[Entry]) -> list[int]:
    return [e.id for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True)]


def choose(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    assert index >= 0, (value, [box.itemData(i) for i in range(box.count())])
    box.setCurrentIndex(index)


def in_usd(entries: list[Entry]) -> tuple[Decimal, Decimal, int]:
    """Convertible spend in USD, TWD spend (no rate), unpriced count."""
    usd = Decimal(0)
    eur = Decimal(0)
    for e in entries:
        if e.cost_micros is None:
            continue
        amount = from_micros(e.cost_micros)
        if e.currency == "USD":
            usd += amount
        elif e.currency == "CNY":
            usd += amount / CNY_PER_USD
        else:
            eur += amount
    return usd, eur, sum(1 for e in entries if e.cost_micros is None)


# -- opening and totals ---------------------------------------------------------------------


def test_opens_with_every_entry_newest_first_and_totals_in_the_display_currency(
    view: HistoryView, service: Service
) -> None:
    entries = stored(service)
    assert view.model.rowCount() == 120
    assert shown_ids(view) == newest_first(entries)
    usd, eur, unpriced = in_usd(entries)
    locale = QLocale()
    tokens = sum(e.tokens.total_tokens for e in entries)
    assert view.totals.text() == " · ".join(
        [
            f"{locale.toString(120)} entries",
            f"{format_int(locale, tokens)} tokens",
            format_money(locale, Money(usd, "USD", converted=True), 2),
            f"{format_money(locale, Money(eur, 'TWD'), 2)} (no exchange rate)",
            f"{locale.toString(unpriced)} unpriced",
        ]
    )
    assert not view.message.isVisibleTo(view)
    assert [view.provider.itemData(i) for i in range(view.provider.count())] == [
        None,
        "anthropic",
        "deepseek",
        "mistral",
        "openai",
    ]
    assert view.provider.itemText(1) == "Anthropic"  # display names
    assert view.plan.itemText(1) == "Claude Max"


# -- filtering -------------------------------------------------------------------------------


def expected(service: Service, keep: Callable[[Entry], bool]) -> list[int]:
    return newest_first([e for e in stored(service) if keep(e)])


def test_provider_model_source_and_plan_filters(view: HistoryView, service: Service) -> None:
    choose(view.provider, "deepseek")
    assert shown_ids(view) == expected(service, lambda e: e.provider == "deepseek")
    choose(view.provider, None)
    choose(view.model_box, "gpt-5.5")
    assert shown_ids(view) == expected(service, lambda e: e.model == "gpt-5.5")
    choose(view.model_box, None)
    choose(view.source, "estimate")
    assert shown_ids(view) == expected(service, lambda e: e.source == "estimate")
    choose(view.source, None)
    plan = service.plans.all()[0]
    choose(view.plan, plan.id)
    # Assigned entries, and unassigned ones of the plan's providers.
    assert shown_ids(view) == expected(
        service, lambda e: e.plan_id == plan.id or (e.plan_id is None and e.provider == "anthropic")
    )
    assert f"{QLocale().toString(view.model.rowCount())} entries" in view.totals.text()


@pytest.mark.parametrize(
    ("period", "since", "until"),
    [
        (Period.TODAY, datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC)),
        (
            Period.LAST_7_DAYS,
            datetime(2026, 11, 14, tzinfo=UTC),
            datetime(2026, 11, 21, tzinfo=UTC),
        ),
        (Period.THIS_MONTH, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
        (Period.LAST_MONTH, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)),
    ],
)
def test_period_presets(
    view: HistoryView, service: Service, period: Period, since: datetime, until: datetime
) -> None:
    choose(view.period, period.value)
    want = expected(service, lambda e: since <= e.at < until)
    assert want  # the seed covers each of them
    assert shown_ids(view) == want
    kept = [e for e in stored(service) if since <= e.at < until]
    usd, _, _ = in_usd(kept)
    converted = any(e.currency == "CNY" for e in kept)  # converted amounts are marked "~"
    assert format_money(QLocale(), Money(usd, "USD", converted), 2) in view.totals.text()


def test_a_custom_period_takes_whole_days(view: HistoryView, service: Service) -> None:
    choose(view.period, Period.CUSTOM.value)
    assert view.first_day.isVisibleTo(view)
    view.first_day.setDate(QDate(2026, 11, 3))
    view.last_day.setDate(QDate(2026, 11, 5))
    start, end = datetime(2026, 11, 3, tzinfo=UTC), datetime(2026, 11, 6, tzinfo=UTC)
    assert shown_ids(view) == expected(service, lambda e: start <= e.at < end)


def test_search_notes_and_prompts_as_typed(
    qtbot: QtBot, view: HistoryView, service: Service
) -> None:
    with qtbot.waitSignal(view.loaded):
        qtbot.keyClicks(view.search, "PARSER")  # debounced: one search after the typing
    assert shown_ids(view) == expected(service, lambda e: "parser" in (e.note or ""))
    with qtbot.waitSignal(view.loaded):
        view.search.setText("会议")  # CJK through setText, never keyClicks
    assert shown_ids(view) == expected(service, lambda e: "会议" in (e.note or ""))
    with qtbot.waitSignal(view.loaded):
        view.search.setText("翻译")  # prompt text too
    assert shown_ids(view) == expected(service, lambda e: "翻译" in (e.prompt_text or ""))
    choose(view.provider, "openai")  # with another filter
    assert shown_ids(view) == expected(
        service, lambda e: "翻译" in (e.prompt_text or "") and e.provider == "openai"
    )
    with qtbot.waitSignal(view.loaded):
        view.search.setText("nothing like this")
    assert view.model.rowCount() == 0
    assert view.totals.text() == "No entries match."
    with qtbot.waitSignal(view.loaded):
        view.search.clear()
    assert view.model.rowCount() == sum(1 for e in stored(service) if e.provider == "openai")


# -- edit, delete, undo ----------------------------------------------------------------------


def select_rows(view: HistoryView, first: int, last: int) -> None:
    selection = QItemSelection(view.model.index(first, 0), view.model.index(last, len(Column) - 1))
    view.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_delete_then_undo_and_redo_with_the_keys_and_the_button(
    qtbot: QtBot, view: HistoryView, service: Service
) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)  # shortcuts go to the active window
    before = stored(service)
    select_rows(view, 1, 3)
    doomed = view.selected_entries()
    assert [e.id for e in doomed] == shown_ids(view)[1:4]
    view.table.setFocus()
    changed: list[int] = []
    view.changed.connect(lambda: changed.append(1))
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.model.rowCount() == 117
    assert service.entries.count() == 117
    assert not {e.id for e in doomed} & set(shown_ids(view))
    assert "Deleted 3 entries" in view.message.text()
    assert view.undo_button.isEnabled()
    assert f"{QLocale().toString(117)} entries" in view.totals.text()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(service) == before  # the same entries, ids and all
    assert view.model.rowCount() == 120
    assert view.message.text().startswith("Undone")
    qtbot.keyClick(
        view.table,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert service.entries.count() == 117
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert stored(service) == before
    assert len(changed) == 4  # the delete, two undos and the redo each told the app


def test_edit_shows_at_once_and_undoes(view: HistoryView, service: Service) -> None:
    select_rows(view, 0, 0)
    original = view.selected_entries()[0]
    edited = replace(original, note="moved", cost_micros=2_500_000, currency="USD")
    view.save_edit(original, edited)
    assert service.entries.entry(original.id) == edited
    assert view.model.index(0, Column.NOTE).data() == "moved"
    assert view.model.index(0, Column.COST).data() == format_money(
        QLocale(), Money(Decimal("2.5"), "USD"), 4
    )
    assert view.table.selectionModel().isRowSelected(0)  # the selection stays
    view.undo_action.trigger()
    assert service.entries.entry(original.id) == original
    assert view.model.index(0, Column.NOTE).data() == (original.note or original.prompt_text or "")
    view.redo_action.trigger()
    assert service.entries.entry(original.id) == edited


def test_edit_through_the_dialog(
    monkeypatch: pytest.MonkeyPatch, view: HistoryView, service: Service
) -> None:
    def accept_with_changes(dialog: EntryDialog) -> int:
        dialog.note.setText("会议纪要，已修改")
        dialog.tokens["output_tokens"].setText("777")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(EntryDialog, "exec", accept_with_changes)
    select_rows(view, 2, 2)
    original = view.selected_entries()[0]
    view.edit_action.trigger()
    saved = service.entries.entry(original.id)
    assert saved.note == "会议纪要，已修改"
    assert saved.tokens.output_tokens == 777
    assert saved.at == original.at  # untouched time keeps its microseconds
    assert view.undo_stack.count() == 1


def test_the_dialog_says_what_is_wrong_next_to_the_field(qtbot: QtBot, service: Service) -> None:
    entry = stored(service)[0]
    dialog = EntryDialog(entry, plans=service.plans.all(), entries=service.entries)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled() and dialog.edited() == entry
    dialog.tokens["input_tokens"].setText("12x")
    assert dialog.error("input_tokens") == "A whole number, 0 or more"
    assert not ok.isEnabled() and dialog.edited() is None
    dialog.tokens["input_tokens"].setText("-5")
    assert dialog.error("input_tokens") == "A whole number, 0 or more"
    dialog.tokens["input_tokens"].setText("1,000")
    assert dialog.error("input_tokens") == ""
    dialog.cost.setText("-0.5")
    assert dialog.error("cost") == "A number, 0 or more (empty: unpriced)"
    dialog.cost.setText("abc")
    assert dialog.error("cost") == "A number, 0 or more (empty: unpriced)"
    dialog.cost.setText("")
    dialog.model.setCurrentText("  ")
    assert dialog.error("model") == "Enter a model"
    assert not ok.isEnabled()
    dialog.model.setCurrentText("gpt-5.5")
    assert ok.isEnabled()
    result = dialog.edited()
    assert result is not None
    assert (result.cost_micros, result.currency) == (None, None)  # empty cost: unpriced
    assert result.tokens.input_tokens == 1000
    assert result.provider == "openai"
    assert dialog.provider.text() == "OpenAI"
    dialog.time.setDateTime(dialog.time.dateTime().addYears(2))
    assert dialog.error("time") == "This is in the future"


def test_the_dialog_prices_from_the_catalogue(qtbot: QtBot, service: Service) -> None:
    entry = stored(service)[0]
    dialog = EntryDialog(entry, plans=[], entries=service.entries)
    qtbot.addWidget(dialog)
    dialog.model.setCurrentText("gpt-5.5")
    for name, value in (
        ("input_tokens", "1000"),
        ("cache_read_tokens", "0"),
        ("cache_write_5m_tokens", "0"),
        ("cache_write_1h_tokens", "0"),
        ("output_tokens", "100"),
    ):
        dialog.tokens[name].setText(value)
    dialog.reprice.click()
    rates = service._parts.catalog.get("gpt-5.5").pricing.base  # type: ignore[union-attr]
    assert Decimal(dialog.cost.text()) == 1000 * rates.input + 100 * rates.output
    assert dialog.currency.currentText() == "USD"
    dialog.model.setCurrentText("no-such-model")
    dialog.reprice.click()
    assert dialog.error("cost") == "The catalogue has no price for this model"


def test_an_undo_the_ledger_refuses_says_why(view: HistoryView, service: Service) -> None:
    last = max(e.id for e in stored(service))
    row = shown_ids(view).index(last)
    select_rows(view, row, row)
    view.delete_action.trigger()
    taken = service._parts.ledger.add_entry(replace(stored(service)[0], note="took its id"))
    assert taken.id == last
    view.undo_action.trigger()  # no traceback: a message, and the step is gone
    assert "Could not undo" in view.message.text()
    assert "cannot be put back" in view.message.text()
    assert view.undo_stack.count() == 0
    assert service.entries.entry(last).note == "took its id"
    assert view.model.rowCount() == 120


def test_deleting_too_many_at_once_is_refused(
    monkeypatch: pytest.MonkeyPatch, view: HistoryView, service: Service
) -> None:
    monkeypatch.setattr(history_edits, "MAX_DELETE", 2)
    select_rows(view, 0, 2)
    view.delete_action.trigger()
    assert service.entries.count() == 120
    assert "at most 2 entries" in view.message.text()


def test_edit_needs_exactly_one_row(view: HistoryView) -> None:
    assert not view.edit_action.isEnabled() and not view.delete_action.isEnabled()
    select_rows(view, 0, 1)
    assert not view.edit_action.isEnabled() and view.delete_action.isEnabled()
    assert not view.edit_button.isEnabled() and view.delete_button.isEnabled()
    select_rows(view, 4, 4)
    assert view.edit_action.isEnabled()


# -- export ----------------------------------------------------------------------------------


def test_export_writes_what_is_shown(
    qtbot: QtBot, view: HistoryView, service: Service, tmp_path: Path
) -> None:
    choose(view.period, Period.THIS_MONTH.value)
    with qtbot.waitSignal(view.loaded):
        view.search.setText("会议")
    target = tmp_path / "shown.csv"
    view.export_csv(target)
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    start = datetime(2026, 11, 1, tzinfo=UTC)
    want = sorted(
        (e for e in stored(service) if e.at >= start and "会议" in (e.note or "")),
        key=lambda e: (e.at, e.id),
    )
    assert [int(r["id"]) for r in rows] == [e.id for e in want]
    assert [r["note"] for r in rows] == ["总结会议记录"] * len(want)
    assert [r["cost"] for r in rows] == [
        "" if e.cost_micros is None else f"{from_micros(e.cost_micros):.6f}" for e in want
    ]
    assert view.message.text() == f"Exported {QLocale().toString(len(want))} entries to {target}."
    assert not (tmp_path / "shown.csv.part").exists()


def test_export_that_cannot_be_written_is_a_message(view: HistoryView, tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "out.csv"
    view.export_csv(target)
    assert view.message.text().startswith("Not exported:")
    assert view.message.property("tokenbudgetTint") == "error"  # the theme's error colour
    assert not target.parent.exists()


def test_the_export_button_asks_where(
    monkeypatch: pytest.MonkeyPatch, view: HistoryView, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "asked.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV files (*.csv)")
    )
    view.export_button.click()
    assert target.read_text(encoding="utf-8").count("\n") == 121  # header and every entry


# -- errors, refresh, the real worker ------------------------------------------------------------


def test_a_ledger_that_cannot_be_opened_is_a_message(qtbot: QtBot, isolated_home: Path) -> None:
    from tokenbudget.core import paths

    paths.ledger_file().mkdir(parents=True)  # a folder where the database should be
    view = make_view(qtbot, Service())
    assert view.model.rowCount() == 0
    assert view.message.text().startswith("The ledger cannot be opened:")


def test_a_read_that_fails_is_a_message(monkeypatch: pytest.MonkeyPatch, view: HistoryView) -> None:
    def broken(*args: object) -> None:
        raise TokenbudgetError("disk I/O error")

    monkeypatch.setattr(history_jobs, "load_snapshot", broken)
    view.refresh()
    assert view.message.text() == "The ledger could not be read: disk I/O error"
    assert view.model.rowCount() == 120  # what was shown stays


def test_refresh_shows_new_entries_and_keeps_the_place(
    qtbot: QtBot, view: HistoryView, service: Service
) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.table.verticalScrollBar().setValue(30)
    select_rows(view, 31, 31)
    chosen = view.selected_entries()[0]
    service._parts.ledger.add_entry(
        NewEntry(
            at=NOW - timedelta(days=400),
            provider="zai",
            model="glm-5.3",
            tokens=TokenCounts(1, 0, 0, 0, 1),
            cost_micros=1,
            currency="CNY",
            source="csv",
        )
    )
    view.refresh()
    assert view.model.rowCount() == 121
    assert view.provider.findData("zai") >= 0
    assert view.table.verticalScrollBar().value() == 30
    assert [e.id for e in view.selected_entries()] == [chosen.id]


def test_with_the_real_worker_thread(qtbot: QtBot, service: Service) -> None:
    view = HistoryView(service, delay_ms=0, tz=UTC, now=lambda: NOW)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 120, timeout=10_000)
    # Two filters in quick succession: only the second one's result is shown.
    choose(view.provider, "openai")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        choose(view.provider, "deepseek")
    qtbot.wait(50)
    assert shown_ids(view) == expected(service, lambda e: e.provider == "deepseek")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.search.setText("会议")
    assert shown_ids(view) == expected(
        service, lambda e: e.provider == "deepseek" and "会议" in (e.note or "")
    )


# -- charts ----------------------------------------------------------------------------------


def bars(chart: object) -> dict[str, list[float]]:
    heights: dict[str, list[float]] = chart.heights()  # type: ignore[attr-defined]
    return {name: h for name, h in heights.items() if any(h)}


def test_charts_stack_spend_per_provider_in_the_display_currency(
    qtbot: QtBot, view: HistoryView, service: Service
) -> None:
    view.show()
    qtbot.waitExposed(view)
    assert view.chart is not None  # imported and built on first show
    daily = bars(view.chart.daily)
    this_month = [e for e in stored(service) if e.at >= datetime(2026, 11, 1, tzinfo=UTC)]
    assert set(daily) == {"OpenAI", "Anthropic", "DeepSeek"}  # TWD has no rate: not drawn
    for name, key in (("OpenAI", "openai"), ("Anthropic", "anthropic"), ("DeepSeek", "deepseek")):
        per_day = [Decimal(0)] * 30
        for e in this_month:
            if e.provider == key and e.cost_micros is not None:
                per_day[e.at.day - 1] += in_usd([e])[0]
        assert daily[name] == pytest.approx([float(v) for v in per_day])
    monthly = bars(view.chart.monthly)
    assert len(monthly["OpenAI"]) == 12
    october = [e for e in stored(service) if e.at.month == 10 and e.provider == "openai"]
    assert monthly["OpenAI"][10] == pytest.approx(float(in_usd(october)[0]))
    note = view.chart.note.text()
    assert "has no exchange rate to USD" in note and "TWD" in note
    assert "unpriced" in note
    # The charts follow the provider filter, not the period or the search.
    with qtbot.waitSignal(view.charts_loaded):
        choose(view.provider, "deepseek")
    assert set(bars(view.chart.daily)) == {"DeepSeek"}
    with qtbot.assertNotEmitted(view.charts_loaded):
        view.search.setText("会议")
        view.apply_filter()


def test_a_bar_tooltip_gives_exact_amounts(view: HistoryView, service: Service) -> None:
    view.start_charts()
    assert view.chart is not None
    locale = view.chart.daily.money_locale
    for day in (19, 18):  # 20 November (USD only), 19 November (with CNY)
        on_day = [e for e in stored(service) if e.at.date() == date(2026, 11, day + 1)]
        lines = []
        for name, key, converted in (
            ("OpenAI", "openai", False),
            ("Anthropic", "anthropic", False),
            ("DeepSeek", "deepseek", True),
        ):
            amount = in_usd([e for e in on_day if e.provider == key])[0]
            if amount:
                lines.append(
                    (amount, f"{name}: {format_money(locale, Money(amount, 'USD', converted))}")
                )
        lines.sort(key=lambda pair: -pair[0])
        total = Money(in_usd(on_day)[0], "USD", any(e.currency == "CNY" for e in on_day))
        want = [line for _, line in lines] + [f"Total: {format_money(locale, total)}"]
        assert view.chart.daily.bar_text(day).splitlines() == want
    assert view.chart.daily.bar_text(99) == ""


def test_charts_say_so_when_they_cannot_be_built(
    monkeypatch: pytest.MonkeyPatch, view: HistoryView
) -> None:
    def missing() -> None:
        raise ImportError("No module named 'tokenbudget.gui.history_chart'")

    monkeypatch.setattr(history_charts_panel, "import_charts", missing)
    view.start_charts()
    assert view.chart is None
    assert "not available" in view.chart_status.text()


def test_export_takes_the_rows_shown_not_a_search_still_being_typed(
    qtbot: QtBot, service: Service, tmp_path: Path
) -> None:
    view = make_view(qtbot, service, delay_ms=60_000)  # the search would run a minute later
    view.search.setText("parser")
    target = tmp_path / "all.csv"
    view.export_csv(target)
    with target.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 120


def test_a_plan_removed_while_chosen_shows_every_plan_again(
    view: HistoryView, service: Service
) -> None:
    plan = service.plans.all()[0]
    choose(view.plan, plan.id)
    service.plans.remove(plan.id)
    view.refresh()
    assert view.plan.currentData() is None
    assert view.model.rowCount() == 120
    assert not view.message.isVisibleTo(view)


def test_a_custom_period_given_backwards_still_works(view: HistoryView, service: Service) -> None:
    choose(view.period, Period.CUSTOM.value)
    view.first_day.setDate(QDate(2026, 11, 5))
    view.last_day.setDate(QDate(2026, 11, 3))
    start, end = datetime(2026, 11, 3, tzinfo=UTC), datetime(2026, 11, 6, tzinfo=UTC)
    assert shown_ids(view) == expected(service, lambda e: start <= e.at < end)


def test_a_slow_search_says_so_and_a_failed_one_puts_the_totals_back(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, service: Service
) -> None:
    held: list[Callable[[], None]] = []
    view = make_view(qtbot, service, runner=held.append)
    for job in list(held):  # the first load
        held.remove(job)
        job()
    qtbot.waitUntil(lambda: view.model.rowCount() == 120)
    shown = view.totals.text()
    view.search.setText("parser")
    view.apply_filter()
    qtbot.waitUntil(lambda: view.totals.text() == "Searching…")
    assert view.model.rowCount() == 120  # the rows stay until the new ones are in

    def broken(*args: object) -> None:
        raise TokenbudgetError("database is locked")

    monkeypatch.setattr(history_jobs, "load_snapshot", broken)
    view.apply_filter()  # the held search is now stale: its result will be dropped
    for job in list(held):
        held.remove(job)
        job()
    qtbot.waitUntil(lambda: view.message.isVisibleTo(view))
    assert view.totals.text() == shown
    assert view.message.text() == "The ledger could not be read: database is locked"
    monkeypatch.undo()
    view.apply_filter()
    for job in list(held):
        held.remove(job)
        job()
    qtbot.waitUntil(lambda: view.model.rowCount() == 12)  # "parser" is in every tenth
    assert not view.message.isVisibleTo(view)  # the read error is over


def test_a_long_export_reports_its_progress(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, view: HistoryView, tmp_path: Path
) -> None:
    import threading

    release = threading.Event()
    real = history_jobs.export_csv_file

    def slow(
        path: Path,
        flt: HistoryFilter,
        target: Path,
        progress: Callable[[int], None],
        *,
        device_file: Path | None = None,
    ) -> int:
        progress(60)  # a long export, part way
        release.wait(10)
        return real(path, flt, target, progress, device_file=device_file)

    monkeypatch.setattr(history_jobs, "export_csv_file", slow)
    threads: list[threading.Thread] = []

    def on_a_thread(job: Callable[[], None]) -> None:
        threads.append(threading.Thread(target=job))
        threads[-1].start()

    view._export_runner = on_a_thread
    target = tmp_path / "slow.csv"
    view.export_csv(target)
    qtbot.waitUntil(lambda: view.message.text() == f"Exporting to {target}… 60 of 120")
    release.set()
    qtbot.waitUntil(lambda: view.message.text().startswith("Exported"))
    assert view.message.text() == f"Exported {QLocale().toString(120)} entries to {target}."
    assert not view.exporting
    threads[0].join(5)


def test_the_plan_column_names_the_plan_an_unassigned_entry_counts_toward(
    view: HistoryView, service: Service
) -> None:
    plan = service.plans.all()[0]
    service.entries.record(
        NewEntry(
            at=NOW - timedelta(minutes=5),
            provider="anthropic",
            model="claude-sonnet-4-6",
            tokens=TokenCounts(10, 0, 0, 0, 5),
            cost_micros=None,
            currency=None,
            source="manual",
        )
    )
    view.refresh()
    rows = {view.model.index(r, 0).data(ENTRY_ROLE).id: r for r in range(view.model.rowCount())}
    for entry in stored(service):
        shown = view.model.index(rows[entry.id], Column.PLAN).data()
        counts = entry.plan_id == plan.id or (
            entry.plan_id is None and entry.provider in plan.providers
        )
        assert shown == (plan.name if counts else ""), entry
    assert any(e.plan_id is None and e.provider in plan.providers for e in stored(service))
