"""One formatting style, through QLocale: numbers, money, percentages and dates.

The rules (``tokenbudget/gui/formatting.py``):

* percentages: ``format_percent``, no space before the locale's sign (``89%``, ``0.2%``);
* dates and times: the locale's short format (``12/3/26 5:36 PM``, ``2026/12/3 17:36``);
* money: one number of decimals per column (the estimate table: the most any row needs;
  History: the currency's digits plus two);
* whole numbers: grouped the locale's way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale

from tokenbudget.core.types import Money
from tokenbudget.gui.formatting import (
    column_places,
    format_date,
    format_datetime,
    format_int,
    format_money,
    format_percent,
    ledger_places,
)

US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
CHINA = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


@pytest.mark.parametrize("locale", [US, CHINA], ids=["en_US", "zh_CN"])
def test_percentages_have_one_style(locale: QLocale) -> None:
    assert format_percent(locale, 89) == "89%"
    assert format_percent(locale, Decimal("0.2"), 1) == "0.2%"
    assert format_percent(locale, Decimal("0.25"), 1) == "0.2%"  # half-even
    assert format_percent(locale, 110) == "110%"


def test_percentages_follow_the_locale_separators() -> None:
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert format_percent(german, Decimal("0.2"), 1) == "0,2%"


@pytest.mark.parametrize(
    ("locale", "day", "moment"),
    [(US, "12/3/26", "12/3/26 5:36\u202fPM"), (CHINA, "2026/12/3", "2026/12/3 17:36")],
    ids=["en_US", "zh_CN"],
)
def test_dates_use_the_locale_short_format(locale: QLocale, day: str, moment: str) -> None:
    assert format_date(locale, date(2026, 12, 3)) == day
    shown = format_datetime(locale, datetime(2026, 12, 3, 17, 36))  # naive: local already
    assert shown.replace(" ", "\u202f") == moment.replace(" ", "\u202f")


@pytest.mark.parametrize("locale", [US, CHINA], ids=["en_US", "zh_CN"])
def test_money_in_a_column_has_one_number_of_decimals(locale: QLocale) -> None:
    column = [Money(Decimal("0.48"), "USD"), Money(Decimal("2"), "USD"), None]
    places = column_places(column)
    assert places == 4
    assert [format_money(locale, m, places) for m in column if m] == ["$0.4800", "$2.0000"]
    assert column_places([Money(Decimal("2"), "USD"), Money(Decimal("12.5"), "USD")]) == 2
    assert ledger_places("USD") == 4
    assert ledger_places("JPY") == 2


def test_whole_numbers_are_grouped_by_the_locale() -> None:
    assert format_int(US, 2_000_000) == "2,000,000"
    assert format_int(CHINA, 2_000_000) == "2,000,000"
    assert format_int(QLocale(QLocale.Language.German, QLocale.Country.Germany), 2_000) == "2.000"


def test_the_estimate_table_aligns_each_money_column(qtbot, registry) -> None:  # type: ignore[no-untyped-def]
    from tokenbudget.core.services import Service
    from tokenbudget.gui.estimate_model import Column
    from tokenbudget.gui.main_window import MainWindow

    window = MainWindow(Service(registry), delay_ms=0)
    qtbot.addWidget(window)
    window.editor.setPlainText("Hello there, how much does this cost? " * 20)
    window.coordinator.flush()
    qtbot.waitUntil(lambda: all(r.estimate is not None for r in window.model.rows()))
    model = window.model
    for column in (Column.INPUT, Column.OUTPUT, Column.TOTAL):
        texts = [model.index(row, column).data() for row in range(model.rowCount())]
        decimals = {len(t.rpartition(".")[2]) for t in texts if "." in t}
        assert len(decimals) == 1, (column, texts)
    context = [model.index(row, Column.CONTEXT).data() for row in range(model.rowCount())]
    assert all(t.endswith("%") and " " not in t for t in context if t)
