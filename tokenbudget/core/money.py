"""Money: ``Decimal`` in code, integer micro-units plus an ISO 4217 code in storage.

Nothing here ever touches a float. Conversions between currencies use rates the user set,
each with the date it is valid for; a converted amount says so (``Money.converted``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from tokenbudget.core import message_texts as texts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.messages import message

MICROS_PER_UNIT = 1_000_000
_ONE = Decimal(1)

#: Currencies the app knows how to show, with their usual number of minor digits.
CURRENCIES: Mapping[str, int] = {
    "USD": 2,
    "CNY": 2,
    "EUR": 2,
    "GBP": 2,
    "JPY": 0,
    "KRW": 0,
    "HKD": 2,
    "TWD": 2,
    "SGD": 2,
    "INR": 2,
    "CAD": 2,
    "AUD": 2,
    "CHF": 2,
}

#: Symbols for compact display; the GUI formats with QLocale instead.
SYMBOLS: Mapping[str, str] = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£", "JPY": "¥"}


def check_currency(code: str) -> str:
    """Return ``code`` upper-cased if it is a known ISO 4217 currency.

    Raises:
        UserInputError: for an unknown code.
    """
    upper = code.strip().upper()
    if upper not in CURRENCIES:
        known = ", ".join(sorted(CURRENCIES))
        raise UserInputError(f"unknown currency '{code}' (known: {known})")
    return upper


def to_micros(amount: Decimal) -> int:
    """Round an amount to integer micro-units (banker's rounding), for storage."""
    return int((amount * MICROS_PER_UNIT).quantize(_ONE, rounding=ROUND_HALF_EVEN))


def from_micros(micros: int) -> Decimal:
    """Turn stored micro-units back into an exact ``Decimal``."""
    return Decimal(micros) / MICROS_PER_UNIT


def parse_decimal(text: str | int | Decimal, what: str = "amount") -> Decimal:
    """Parse a user-supplied number into a finite ``Decimal``.

    Raises:
        UserInputError: if ``text`` is not a finite number.
    """
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise UserInputError(message(texts.NOT_A_NUMBER, what=what, text=str(text))) from None
    if not value.is_finite():
        raise UserInputError(message(texts.NOT_FINITE, what=what, text=str(text)))
    return value


@dataclass(frozen=True)
class Money:
    """An exact amount in one currency.

    Attributes:
        amount: The amount, exact.
        currency: ISO 4217 code.
        converted: True when the amount was converted from another currency with a
            user-set exchange rate (and so is only as good as that rate).
    """

    amount: Decimal
    currency: str
    converted: bool = False

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency, self.converted or other.converted)

    def format(self, places: int | None = None) -> str:
        """Format for plain-text output, e.g. ``$0.0123`` or ``¥1.20``.

        Small amounts keep enough significant digits to be meaningful: a prompt often costs
        a fraction of a cent.
        """
        digits = CURRENCIES.get(self.currency, 2) if places is None else places
        amount = self.amount
        if places is None and amount != 0 and abs(amount) < 1:
            digits = max(digits, 6)
        quantum = Decimal(1).scaleb(-digits)
        text = f"{amount.quantize(quantum, rounding=ROUND_HALF_EVEN):f}"
        symbol = SYMBOLS.get(self.currency)
        prefix = "~" if self.converted else ""
        return f"{prefix}{symbol}{text}" if symbol else f"{prefix}{text} {self.currency}"


@dataclass(frozen=True)
class ExchangeRate:
    """How many units of ``currency`` one US dollar buys, as of a date the user gave."""

    currency: str
    per_usd: Decimal
    as_of: date
    source: str = "set by user"


@dataclass(frozen=True)
class ExchangeRates:
    """A set of user-set rates, all expressed against USD (so any pair can be converted)."""

    rates: Mapping[str, ExchangeRate] = field(default_factory=dict)

    @classmethod
    def of(cls, rates: Iterable[ExchangeRate]) -> ExchangeRates:
        """Build from a list of rates (later ones win)."""
        return cls({r.currency: r for r in rates})

    def per_usd(self, currency: str) -> Decimal | None:
        """Units of ``currency`` per USD, or None if no rate is set."""
        if currency == "USD":
            return _ONE
        rate = self.rates.get(currency)
        return rate.per_usd if rate else None

    def can_convert(self, source: str, target: str) -> bool:
        """True if ``source`` amounts can be shown in ``target``."""
        return source == target or (
            self.per_usd(source) is not None and self.per_usd(target) is not None
        )

    def convert(self, money: Money, target: str) -> Money:
        """Convert ``money`` to ``target``; the result is marked ``converted``.

        Raises:
            UserInputError: if a rate needed for the conversion is not set.
        """
        if money.currency == target:
            return money
        src = self.per_usd(money.currency)
        dst = self.per_usd(target)
        missing = money.currency if src is None else target
        if src is None or dst is None:
            raise UserInputError(
                f"no exchange rate set for {missing}; set one with "
                f"'tokenbudget rates set {missing} RATE' (units per 1 USD)"
            )
        return Money(money.amount / src * dst, target, converted=True)
