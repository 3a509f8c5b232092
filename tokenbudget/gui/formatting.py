"""Locale-aware display of counts and money, without ever turning money into a float.

``QLocale.toCurrencyString`` takes a double; money here is a ``Decimal``. So the digits are
produced exactly by ``Decimal`` and only the separators come from the locale.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime

from tokenbudget.core.messages import Message, text_of

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


def format_percent(locale: QLocale, percent: Decimal | int, places: int = 0) -> str:
    """A percentage, one style everywhere: ``89%``, ``0.2%`` (``0,2%`` in German).

    ``percent`` is already in percent (``89`` for 89 %). No space before the sign, as English
    and Chinese write it; the sign is the locale's.
    """
    return format_decimal(locale, Decimal(percent), places) + locale.percent()


def column_places(amounts: Iterable[Money | None]) -> int:
    """Decimals for a column of amounts: the most any of them needs, so the column aligns.

    ``$0.4800`` above ``$2.0000`` rather than ``$0.4800`` above ``$2.00``.
    """
    return max((money_places(m) for m in amounts if m is not None), default=2)


def ledger_places(currency: str) -> int:
    """Decimals of a column of recorded costs (History, Sources): the currency's, plus two.

    Every row of the column has the same (``$0.0245``, ``$2.0000``), whichever page of the
    ledger is on screen; the tooltip has the exact amount.
    """
    from tokenbudget.core.types import CURRENCIES

    return CURRENCIES.get(currency, 2) + 2


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


def format_date(locale: QLocale, day: date) -> str:
    """A day in the locale's short form (``12/3/26``, ``2026/12/3``)."""
    return str(locale.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat))


def format_datetime(locale: QLocale, at: datetime) -> str:
    """A moment in local time, the locale's short form (``12/3/26 5:36 PM``, ``2026/12/3 17:36``).

    A naive ``at`` is taken as local time already.
    """
    local = at.astimezone() if at.tzinfo is not None else at
    moment = QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second)
    )
    return str(locale.toString(moment, QLocale.FormatType.ShortFormat))


def _param(value: object, locale: QLocale) -> str:
    """A message's field, written the locale's way."""
    from tokenbudget.core.types import Money

    if isinstance(value, Message):
        return render(value, locale)
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int):
        return format_int(locale, value)
    if isinstance(value, Money):
        return format_money(locale, value)
    if isinstance(value, datetime):
        return format_datetime(locale, value)
    if isinstance(value, date):
        return format_date(locale, value)
    return str(value)


#: Languages whose sentences follow each other with no space (their full stop is wide).
_NO_SPACE_BETWEEN_SENTENCES = frozenset(
    {QLocale.Language.Chinese, QLocale.Language.Japanese, QLocale.Language.Korean}
)


def sentences(parts: Iterable[str], locale: QLocale | None = None) -> str:
    """Sentences one after another as the interface's language writes them.

    ``"Synced. Nothing new."``, but ``"已同步。没有新内容。"``: no space after a wide full stop.
    """
    language = (locale or QLocale()).language()
    glue = "" if language in _NO_SPACE_BETWEEN_SENTENCES else " "
    return glue.join(part.strip() for part in parts if part.strip())


def render(text: str, locale: QLocale | None = None) -> str:
    """A core message in the interface's language; any other text as it is.

    A ``Message`` is looked up by its template (``QCoreApplication.translate``) and its
    fields are filled with numbers, money and dates formatted for ``locale``.
    """
    if not isinstance(text, Message):
        return text
    locale = locale or QLocale()
    template = QCoreApplication.translate(text.context, text.template)
    values = {key: _param(value, locale) for key, value in text.params.items()}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):  # a broken translation: the English text
        return str(text)


def error_text(error: BaseException, locale: QLocale | None = None) -> str:
    """An error's message in the interface's language (``str(error)`` is English)."""
    return render(text_of(error), locale)
