"""The ranges a typed value must fall in: one table, checked where the value comes in.

A value outside these ranges is refused with one line saying the range, before it is stored:
a number that fits Python but not SQLite's 64-bit integers, a window longer than the calendar,
or a date in year 1 would otherwise be accepted and then break every later command.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tokenbudget.core import message_texts as texts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.messages import message

#: Money amounts (budgets, balances, costs), in units of their currency.
MAX_AMOUNT = Decimal(10) ** 12
#: Exchange rates, in units of a currency per US dollar.
MIN_RATE = Decimal("0.000001")
MAX_RATE = Decimal(10) ** 6
#: Token counts of one entry or one count request, and token caps.
MAX_TOKENS = 10**12
#: Requests that one entry stands for, and request caps.
MAX_REQUESTS = 10**9
#: Rolling-window length in hours (a year; subscriptions use 5 hours and 7 days).
MAX_WINDOW_HOURS = 366 * 24
#: Rows ``history`` shows at most.
MAX_ROWS = 1_000_000
#: Dates and times a user may give: spend is not recorded before 2000 or after 2100.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def check_int(value: int, what: str, *, low: int, high: int) -> int:
    """Return ``value`` if ``low <= value <= high``.

    Raises:
        UserInputError: naming ``what`` and the range.
    """
    if not low <= value <= high:
        raise UserInputError(f"{what} must be between {low:,} and {high:,}, not {value:,}")
    return value


def check_amount(value: Decimal, what: str, *, allow_zero: bool = True) -> Decimal:
    """Return a money amount if it is between 0 (or just above) and ``MAX_AMOUNT``.

    Raises:
        UserInputError: for a negative, zero (unless allowed) or absurdly large amount.
    """
    if value < 0 or (value == 0 and not allow_zero):
        raise UserInputError(
            message(texts.NOT_ZERO_OR_MORE if allow_zero else texts.NOT_ABOVE_ZERO, what=what)
        )
    if value > MAX_AMOUNT:
        raise UserInputError(message(texts.AT_MOST, what=what, high=MAX_AMOUNT))
    return value


def check_rate(value: Decimal) -> Decimal:
    """Return an exchange rate (units per USD) if it is within ``MIN_RATE``..``MAX_RATE``.

    Raises:
        UserInputError: for a rate outside the range.
    """
    if not MIN_RATE <= value <= MAX_RATE:
        raise UserInputError(
            f"rate must be between {MIN_RATE:f} and {MAX_RATE:,f} units per 1 USD, not {value}"
        )
    return value


def check_moment(value: datetime, what: str) -> datetime:
    """Return a timezone-aware moment if it lies in ``EARLIEST``..``LATEST``.

    Raises:
        UserInputError: for a moment before 2000 or from 2100 on.
    """
    if not EARLIEST <= value < LATEST:
        raise UserInputError(
            message(
                texts.MOMENT_OUT_OF_RANGE,
                what=what,
                first=str(EARLIEST.year),
                last=str(LATEST.year - 1),
                value=value.date(),
            )
        )
    return value


def check_date(value: date, what: str) -> date:
    """Return a calendar date if it lies in ``EARLIEST``..``LATEST`` (see ``check_moment``)."""
    if not EARLIEST.date() <= value < LATEST.date():
        raise UserInputError(
            f"{what} must be between {EARLIEST.year} and {LATEST.year - 1}, not {value}"
        )
    return value


def check_window(plan: str, hours: int) -> None:
    """Refuse a stored window that is not 1 to ``MAX_WINDOW_HOURS`` long.

    Older versions stored any window length; one of 99999999999 hours reaches before year 1
    (OverflowError in every status). Such a plan gets one clear line instead.

    Raises:
        UserInputError: naming the plan, the window and how to fix it.
    """
    if not 0 < hours <= MAX_WINDOW_HOURS:
        raise UserInputError(
            f"plan '{plan}' has a window of {hours:,} hours; windows are 1 to "
            f"{MAX_WINDOW_HOURS:,} hours long: change it with "
            f"tokenbudget plan edit '{plan}' --windows ..."
        )
