"""Currency in the GUI: cheapest highlight, the two marks, rate tooltips, the rates editor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QValidator
from pytestqt.qtbot import QtBot

from tokenbudget.core import paths
from tokenbudget.core.catalog import Counting, ModelInfo
from tokenbudget.core.count_report import ModelEstimate
from tokenbudget.core.money import ExchangeRate, ExchangeRates, Money
from tokenbudget.core.rates import ReferenceRates
from tokenbudget.core.services import Service
from tokenbudget.gui.dialogs import SettingsDialog, SettingsValues
from tokenbudget.gui.estimate_model import (
    CHEAPEST_MARK,
    CHEAPEST_ROLE,
    Column,
    EstimateModel,
    Row,
)
from tokenbudget.gui.formatting import format_money
from tokenbudget.gui.rates_editor import RatesEditor

REFERENCE = ReferenceRates(paths.resources_dir() / "rates", None)
ECB = ExchangeRates.of([], REFERENCE)


def model(model_id: str, window: int | None = 1_000_000, exact: bool = True) -> ModelInfo:
    counting = Counting(True, "o200k_base") if exact else Counting(False, "o200k_base", "claude")
    return ModelInfo(model_id, "p", "P", counting, window, None, None)


def estimate(m: ModelInfo, tokens: int, total: Money) -> ModelEstimate:
    zero = Money(D(0), total.currency, total.converted, total.rates)
    return ModelEstimate(
        m.id, "P", "t", tokens, m.counting.exact, "how", m.context_window, total, zero
    )


def cheapest(em: EstimateModel) -> list[str]:
    """The models of the rows marked cheapest (their names without the "★ cheapest" tag)."""
    marked = [
        str(em.index(r, Column.MODEL).data())
        for r in range(em.rowCount())
        if em.index(r, 0).data(CHEAPEST_ROLE)
    ]
    assert all(CHEAPEST_MARK in name for name in marked)
    return [name.split(CHEAPEST_MARK)[0].strip() for name in marked]


def test_cheapest_waits_for_counts_and_never_overflows(qtbot: QtBot) -> None:
    em = EstimateModel()
    small, big, other = model("small", 256_000), model("big"), model("other")
    usd = lambda amount: Money(D(amount), "USD")  # noqa: E731
    # A 2 MB prompt: 517,000 tokens are 202 % of mistral-small's window.
    rows = [
        Row(small, estimate(small, 517_000, usd("0.05"))),
        Row(big, estimate(big, 517_000, usd("0.20"))),
        Row(other, None),  # still loading ("~0" before its count is in)
    ]
    em.set_rows(rows)
    assert cheapest(em) == []  # waits for every count
    rows[2] = Row(other, estimate(other, 517_000, usd("0.40")))
    em.set_rows(rows)
    assert cheapest(em) == ["big"]  # not "small" at 202 %
    assert em.index(0, Column.CONTEXT).data() == "202.0%"
    em.set_rows([*rows[:2], Row(other, rows[2].estimate, updating=True)])
    assert cheapest(em) == []


def test_converted_cny_model_competes_and_tooltip_gives_the_rate(qtbot: QtBot) -> None:
    em = EstimateModel()
    em.locale = QLocale("en_US")
    deepseek, gpt = model("deepseek"), model("gpt", exact=False)
    converted = ECB.convert(Money(D("1"), "CNY"), "USD")
    em.set_rows(
        [
            Row(deepseek, estimate(deepseek, 10, converted)),
            Row(gpt, estimate(gpt, 10, Money(D("0.20"), "USD"))),
        ]
    )
    assert cheapest(em) == ["deepseek"]
    total = str(em.index(0, Column.TOTAL).data())
    assert total.startswith("≈$") and "~" not in total
    tokens = str(em.index(1, Column.TOKENS).data())
    assert tokens == "~10"  # the estimated count keeps "~"
    tip = str(em.index(0, Column.TOTAL).data(Qt.ItemDataRole.ToolTipRole))
    assert "6.6529 CNY per USD (ECB reference rate, 10/30/26)" in tip


def test_users_rate_tooltip() -> None:
    mine = ExchangeRates.of([ExchangeRate("CNY", D("7.1"), date(2026, 11, 1))], REFERENCE)
    from tokenbudget.gui.conversion import conversion_note

    locale = QLocale("en_US")
    note = conversion_note(mine.convert(Money(D("7.1"), "CNY"), "USD"), locale)
    assert note == "Converted at 7.1000 CNY per USD (your rate, set 11/1/26)."


def test_format_money_marks_conversion_with_the_core_mark() -> None:
    locale = QLocale("en_US")
    assert format_money(locale, Money(D("3"), "EUR", converted=True)) == "≈€3.00"
    assert format_money(locale, Money(D("3"), "EUR")) == "€3.00"


def test_history_converts_at_the_entry_day(qtbot: QtBot) -> None:
    from tokenbudget.core.types import Entry
    from tokenbudget.gui.history_model import HistoryModel

    fields = Entry.__dataclass_fields__
    assert "at" in fields and "cost_micros" in fields and "currency" in fields
    hm = HistoryModel(lambda rows, start, count: [])
    hm.set_display("USD", ECB, [])

    class Fake:
        at = datetime(2024, 5, 4, 12, tzinfo=UTC)  # a Saturday: Friday's rate
        cost_micros = 100_000_000
        currency = "CNY"

    shown = hm.shown_cost(Fake())  # type: ignore[arg-type]
    assert shown is not None and shown.converted
    (rate,) = shown.rates
    assert rate.as_of == date(2024, 5, 3)
    assert shown.amount == D(100) / rate.per_usd


def test_rates_editor_header_validation_and_errors(qtbot: QtBot) -> None:
    editor = RatesEditor((ExchangeRate("GBP", D("0.8"), date(2026, 11, 1)),), tuple(ECB.in_use()))
    qtbot.addWidget(editor)
    labels = [editor.fields[c].accessibleName() for c in ("CNY", "EUR")]
    assert labels == ["Your rate: CNY per 1 USD", "Your rate: EUR per 1 USD"]
    assert editor.fields["GBP"].text() == "0.8"
    assert "ECB" in editor.reference_labels["CNY"].text()
    assert "6.6529" in editor.reference_labels["CNY"].text()
    assert "none" in editor.reference_labels["TWD"].text()
    validator = editor.fields["CNY"].validator()
    assert validator is not None
    assert validator.validate("abc", 0)[0] == QValidator.State.Invalid
    assert validator.validate("7.25", 0)[0] == QValidator.State.Acceptable
    editor.fields["CNY"].setText("7,25")
    editor.fields["JPY"].setText("0")
    assert editor.rates() is None
    assert editor.errors["JPY"].text() == "Enter a number above 0."
    assert not editor.errors["JPY"].isHidden() and editor.errors["CNY"].isHidden()
    editor.fields["JPY"].setText("")
    found = editor.rates()
    assert found is not None
    assert {r.currency: r.per_usd for r in found} == {"CNY": D("7.25"), "GBP": D("0.8")}
    assert editor.errors["JPY"].isHidden()


@pytest.fixture
def service() -> Service:
    return Service()


def test_settings_refuses_a_currency_with_no_rate(qtbot: QtBot, service: Service) -> None:
    values = SettingsValues("USD", (), "preview", 0, reference=tuple(ECB.in_use()))
    dialog = SettingsDialog(values, providers=service.providers, devices=service)
    qtbot.addWidget(dialog)
    dialog.currency.setCurrentText("TWD")
    dialog._accept()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert "No rate for TWD" in dialog.currency_error.text()
    assert not dialog.currency_error.isHidden()
    dialog.rates.fields["TWD"].setText("32.5")
    dialog._accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert dialog.values().display_currency == "TWD"
    assert dialog.values().rates[0].per_usd == D("32.5")


def test_off_peak_note_in_the_tooltip_and_the_setting(qtbot: QtBot, service: Service) -> None:
    em = EstimateModel()
    em.locale = QLocale("en_US")
    ds = service.counting.model("deepseek-v4-pro")
    noted = service.counting.price_tokens(ds, 1000, output_tokens=1000, currency="CNY")
    em.set_rows([Row(ds, noted)])
    tip = str(em.index(0, Column.TOTAL).data(Qt.ItemDataRole.ToolTipRole))
    assert "Off-peak, outside the provider's peak hours: ¥0.0180 in all." in tip
    applied = service.counting.price_tokens(ds, 1000, output_tokens=1000, off_peak=True)
    em.set_rows([Row(ds, applied)])
    tip = str(em.index(0, Column.TOTAL).data(Qt.ItemDataRole.ToolTipRole))
    assert "Off-peak price applied" in tip and "ECB reference rate" in tip

    values = SettingsValues("USD", (), "preview", 0, reference=tuple(ECB.in_use()))
    dialog = SettingsDialog(values, providers=service.providers, devices=service)
    qtbot.addWidget(dialog)
    assert not dialog.off_peak.isChecked()
    dialog.off_peak.setChecked(True)
    dialog._accept()
    assert dialog.values().off_peak is True


def test_the_tray_popup_uses_the_same_marks_and_cheapest_rule(qtbot: QtBot) -> None:
    from PySide6.QtGui import QGuiApplication

    from tokenbudget.core.tokenizers import TokenizerRegistry
    from tokenbudget.gui.jobs import inline_runner
    from tokenbudget.gui.shell import Shell

    shell = Shell(Service(TokenizerRegistry.bundled()), tray_available=True, delay_ms=0)
    qtbot.addWidget(shell.window)
    shell.sources_runner = inline_runner
    try:
        QGuiApplication.clipboard().setText("Summarise this thread. 请用中文回答。")
        favourites = ["gpt-5.5", "deepseek-v4-flash", "claude-opus-4-7"]
        shell.service.settings.set("favourite_models", favourites)
        shell.service.settings.set("display_currency", "USD")
        shell.tray.quick_action.trigger()  # type: ignore[union-attr]
        popup = shell.popup
        qtbot.waitUntil(lambda: popup.coordinator.idle)
        qtbot.waitUntil(lambda: all(r.estimate is not None for r in popup.model.rows()))
        qtbot.waitUntil(lambda: bool(cheapest(popup.model)))
        assert cheapest(popup.model) == ["deepseek-v4-flash"]
        texts = {
            str(popup.model.index(r, Column.MODEL).data()).split(CHEAPEST_MARK)[0].strip(): (
                str(popup.model.index(r, Column.TOKENS).data()),
                str(popup.model.index(r, Column.TOTAL).data()),
            )
            for r in range(popup.model.rowCount())
        }
        assert texts["deepseek-v4-flash"][1].startswith("≈$")
        assert not texts["deepseek-v4-flash"][0].startswith("~")
        assert texts["claude-opus-4-7"][0].startswith("~")
        assert texts["claude-opus-4-7"][1].startswith("$")
        popup.hide()
    finally:
        shell.close()


def test_a_retired_model_shown_in_the_window_is_marked_and_never_cheapest(
    qtbot: QtBot,
) -> None:
    from dataclasses import replace

    em = EstimateModel()
    em.locale = QLocale("en_US")
    old = replace(model("old-model"), deprecated=date(2025, 9, 29))
    new = model("new-model")
    usd = lambda amount: Money(D(amount), "USD")  # noqa: E731
    em.set_rows(
        [Row(old, estimate(old, 1000, usd("0.01"))), Row(new, estimate(new, 1000, usd("0.02")))]
    )
    names = [str(em.index(r, Column.MODEL).data()) for r in range(em.rowCount())]
    assert "old-model (retired)" in names
    assert cheapest(em) == []  # the only usable model has nothing cheaper to beat: no tie, one left
    tip = str(
        em.index(names.index("old-model (retired)"), Column.MODEL).data(Qt.ItemDataRole.ToolTipRole)
    )
    assert "9/29/25" in tip and "Retired" in tip
    third = model("third-model")
    em.set_rows(
        [
            Row(old, estimate(old, 1000, usd("0.01"))),
            Row(new, estimate(new, 1000, usd("0.02"))),
            Row(third, estimate(third, 1000, usd("0.03"))),
        ]
    )
    assert cheapest(em) == ["new-model"]


def test_a_row_needing_more_decimals_rewrites_the_whole_column(qtbot: QtBot) -> None:
    em = EstimateModel()
    fits, small = model("fits"), model("small", 100)  # "small": the prompt overflows its window
    usd = lambda amount: Money(D(amount), "USD")  # noqa: E731
    em.set_rows(
        [Row(fits, estimate(fits, 500, usd("2.50"))), Row(small, estimate(small, 500, usd("4")))]
    )
    assert [em.index(r, Column.TOTAL).data() for r in range(2)] == ["$2.50", "$4.00"]
    marked = cheapest(em)
    # Only the second row's numbers change (no row's mark changes), but the column now
    # needs six decimals: the first row is written again too, so the column stays aligned.
    em.set_rows(
        [
            Row(fits, estimate(fits, 500, usd("2.50"))),
            Row(small, estimate(small, 500, usd("0.000125"))),
        ]
    )
    assert cheapest(em) == marked
    assert [em.index(r, Column.TOTAL).data() for r in range(2)] == ["$2.500000", "$0.000125"]
