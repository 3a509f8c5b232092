"""The tooltip line of a converted amount: which rates, from whom, of which day."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from tokenbudget.gui.formatting import format_decimal

if TYPE_CHECKING:
    from tokenbudget.core.types import Money


def _tr(text: str) -> str:
    return QCoreApplication.translate("Conversion", text)


def conversion_note(money: Money, locale: QLocale) -> str:
    """Which rates a converted amount used, e.g. "Converted at 7.1234 CNY per USD (ECB, …)"."""
    parts = []
    for rate in money.rates:
        value = format_decimal(locale, rate.per_usd, 4)
        day = locale.toString(
            QDate(rate.as_of.year, rate.as_of.month, rate.as_of.day), QLocale.FormatType.ShortFormat
        )
        if rate.origin == "user":
            parts.append(
                _tr("{rate} {code} per USD (your rate, set {date})").format(
                    rate=value, code=rate.currency, date=day
                )
            )
        else:
            parts.append(
                _tr("{rate} {code} per USD ({source} reference rate, {date})").format(
                    rate=value, code=rate.currency, source=rate.source, date=day
                )
            )
    if not parts:
        return _tr("Converted from the price's own currency.")
    return _tr("Converted at {rates}.").format(rates="; ".join(parts))
