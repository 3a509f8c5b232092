"""Money: ``Decimal`` in code, integer micro-units plus an ISO 4217 code in storage.

Nothing here ever touches a float. Conversions between currencies use the user's own rates
when set, else the bundled (or refreshed) ECB reference rates (``core.rates``); every rate has
its source and date, and a converted amount says so (``Money.converted``) and carries the rates
it was converted with (``Money.rates``).

Two marks, defined once here: ``ESTIMATED_MARK`` before a token count that is an estimate, and
``CONVERTED_MARK`` before an amount converted from another currency.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Final, Protocol

from tokenbudget.core import message_texts as texts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.messages import message

MICROS_PER_UNIT = 1_000_000
_ONE = Decimal(1)

#: Before a token count that is estimated, not exact (``~12,345``).
ESTIMATED_MARK: Final = "~"
#: Before an amount converted from another currency (``≈$0.0123``).
CONVERTED_MARK: Final = "≈"

#: Where a rate comes from: the user, the ECB file shipped with the app, or a refreshed one.
USER, BUNDLED, REFRESHED = "user", "bundled", "refreshed"

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


def locale_currency(environ: Mapping[str, str] | None = None) -> str:
    """The display currency a user of this locale expects: CNY for mainland China, else USD.

    Reads ``LC_ALL``, ``LC_MONETARY`` and ``LANG`` as the C library does (the first one set
    wins): ``zh_CN.UTF-8``, ``zh_Hans_CN`` and ``zh-CN`` give CNY.
    """
    env = os.environ if environ is None else environ
    name = next((env[k] for k in ("LC_ALL", "LC_MONETARY", "LANG") if env.get(k)), "")
    parts = name.split(".")[0].split("@")[0].replace("-", "_").split("_")
    return "CNY" if parts[0].lower() == "zh" and parts[-1].upper() == "CN" else "USD"


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
        converted: True when the amount was converted from another currency (and so is only
            as good as the rate).
        rates: The rates a converted amount was converted with (not part of equality).
    """

    amount: Decimal
    currency: str
    converted: bool = False
    rates: tuple[ExchangeRate, ...] = field(default=(), compare=False)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        rates = self.rates + tuple(r for r in other.rates if r not in self.rates)
        return Money(
            self.amount + other.amount, self.currency, self.converted or other.converted, rates
        )

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
        prefix = CONVERTED_MARK if self.converted else ""
        return f"{prefix}{symbol}{text}" if symbol else f"{prefix}{text} {self.currency}"


@dataclass(frozen=True)
class ExchangeRate:
    """How many units of ``currency`` one US dollar buys, as of a date.

    Attributes:
        currency: ISO 4217 code (never USD).
        per_usd: Units of ``currency`` per 1 USD, exact.
        as_of: The day the rate is for (the user's date, or the ECB's publication day).
        source: Who published it, for display ("set by user", "ECB").
        origin: ``USER``, ``BUNDLED`` or ``REFRESHED``.
    """

    currency: str
    per_usd: Decimal
    as_of: date
    source: str = "set by user"
    origin: str = USER

    def describe(self) -> str:
        """One line for plain-text output: ``7.4326 CNY per USD, ECB 2026-10-30``."""
        who = "your rate, set" if self.origin == USER else self.source
        return f"{_plain(self.per_usd)} {self.currency} per USD, {who} {self.as_of.isoformat()}"


def _plain(value: Decimal) -> str:
    """A rate without exponent or trailing zeros, at most 6 decimals (``7.4326``)."""
    text = f"{value.quantize(Decimal('0.000001'), rounding=ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class RateSource(Protocol):
    """Reference rates by day (``core.rates.ReferenceRates``)."""

    def rate(self, currency: str, day: date | None = None) -> ExchangeRate | None:
        """The rate of ``currency`` on ``day`` (the latest before it), or the latest one."""

    def currencies(self) -> tuple[str, ...]:
        """The currencies it has rates for."""


@dataclass(frozen=True)
class ExchangeRates:
    """The user's own rates, and reference rates for the rest, all against USD.

    The user's rate for a currency always wins. Otherwise an amount of a given day (a ledger
    entry) is converted with the reference rate of that day, and an amount with no day (an
    estimate) with the latest reference rate.
    """

    rates: Mapping[str, ExchangeRate] = field(default_factory=dict)
    reference: RateSource | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls, rates: Iterable[ExchangeRate], reference: RateSource | None = None
    ) -> ExchangeRates:
        """Build from a list of the user's rates (later ones win) and reference rates."""
        return cls({r.currency: r for r in rates}, reference)

    def rate(self, currency: str, day: date | None = None) -> ExchangeRate | None:
        """The rate used for ``currency`` (on ``day``), or None when there is none (or USD)."""
        mine = self.rates.get(currency)
        if mine is not None or currency == "USD" or self.reference is None:
            return mine
        return self.reference.rate(currency, day)

    def per_usd(self, currency: str, day: date | None = None) -> Decimal | None:
        """Units of ``currency`` per USD, or None if no rate is known."""
        if currency == "USD":
            return _ONE
        rate = self.rate(currency, day)
        return rate.per_usd if rate else None

    def in_use(self) -> list[ExchangeRate]:
        """The latest rate of every currency that has one, the user's first, then by code."""
        codes = set(self.rates) | set(self.reference.currencies() if self.reference else ())
        found = [r for r in (self.rate(c) for c in sorted(codes - {"USD"})) if r is not None]
        return sorted(found, key=lambda r: (r.origin != USER, r.currency))

    def can_convert(self, source: str, target: str) -> bool:
        """True if ``source`` amounts can be shown in ``target``."""
        return source == target or (
            self.per_usd(source) is not None and self.per_usd(target) is not None
        )

    def convert(self, money: Money, target: str, day: date | None = None) -> Money:
        """Convert ``money`` to ``target``; the result is marked ``converted``.

        Args:
            money: The amount.
            target: The currency wanted.
            day: The day the amount is of (a ledger entry's); None for the latest rates.

        Raises:
            UserInputError: if a rate needed for the conversion is not known.
        """
        if money.currency == target:
            return money
        used = []
        amount = money.amount
        for code, divide in ((money.currency, True), (target, False)):
            if code == "USD":
                continue
            rate = self.rate(code, day)
            if rate is None:
                raise UserInputError(
                    f"no exchange rate for {code}; set one with "
                    f"'tokenbudget rates set {code} RATE' (units per 1 USD)"
                )
            amount = amount / rate.per_usd if divide else amount * rate.per_usd
            used.append(rate)
        return Money(amount, target, converted=True, rates=tuple(used))
