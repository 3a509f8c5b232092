"""Locale-aware display of counts and money, without ever turning money into a float.

``QLocale.toCurrencyString`` takes a double; money here is a ``Decimal``. So the digits are
produced exactly by ``Decimal`` and only the separators come from the locale.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale

if TYPE_CHECKING:  # the currency tables are read with the first amount, after the first paint
    from tokenbudget.core.types import Money


def group_digits(locale: QLocale, digits: str) -> str:
    """Insert the locale's group separator every three digits of an unsigned integer string."""
    separator = locale.groupSeparator()
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def format_int(locale: QLocale, value: int) -> str:
    """An integer with the locale's grouping."""
    sign = "-" if value < 0 else ""
    return sign + group_digits(locale, str(abs(value)))


def format_decimal(locale: QLocale, value: Decimal, places: int) -> str:
    """A decimal rounded (half-even) to ``places`` digits, with the locale's separators."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{abs(value.quantize(quantum, rounding=ROUND_HALF_EVEN)):f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 and text.strip("0.") else ""
    body = group_digits(locale, whole)
    return sign + body + (locale.decimalPoint() + fraction if fraction else "")


def money_places(money: Money) -> int:
    """Digits worth showing: the currency's usual ones, more for sub-unit amounts."""
    from tokenbudget.core.types import CURRENCIES

    digits = CURRENCIES.get(money.currency, 2)
    amount = abs(money.amount)
    if amount == 0 or amount >= 1:
        return digits
    if amount >= Decimal("0.01"):
        return max(digits, 4)
    return max(digits, 6)


def format_money(locale: QLocale, money: Money, places: int | None = None) -> str:
    """E.g. ``$0.0123``, ``¥1,234.50``, ``≈€3.00`` (``CONVERTED_MARK`` marks a converted amount)."""
    text = format_decimal(locale, money.amount, money_places(money) if places is None else places)
    from tokenbudget.core.types import CONVERTED_MARK, SYMBOLS

    symbol = SYMBOLS.get(money.currency)
    body = f"{symbol}{text}" if symbol else f"{text} {money.currency}"
    return (CONVERTED_MARK if money.converted else "") + body


def format_money_micros(micros: int, currency: str, locale: QLocale | None = None) -> str:
    """Stored micro-units of ``currency``, formatted as ``format_money`` does."""
    from tokenbudget.core.types import Money, from_micros

    return format_money(locale or QLocale(), Money(from_micros(micros), currency))
