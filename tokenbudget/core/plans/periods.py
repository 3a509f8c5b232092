"""Billing periods: month boundaries in the plan's own zone, across DST. Pure: takes ``now``.

See :mod:`tokenbudget.core.plans` for how ambiguous and skipped midnights are handled.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.limits import check_window
from tokenbudget.core.plans.model import FAR_FUTURE, Period, Plan, PlanKind

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def period_start_date(year: int, month: int, reset_day: int) -> date:
    """The date a period starts in the given month (clamped to the month's last day).

    Args:
        year: Calendar year.
        month: Calendar month, 1-12.
        reset_day: Day of the month the plan resets on, 1-31.

    Returns:
        ``reset_day`` of that month, or the month's last day when the month is shorter
        (reset day 31 gives 30 April and 28 or 29 February).

    Raises:
        UserInputError: ``reset_day`` is not between 1 and 31.
    """
    if not 1 <= reset_day <= 31:
        raise UserInputError(f"reset day must be between 1 and 31, not {reset_day}")
    return date(year, month, min(reset_day, calendar.monthrange(year, month)[1]))


def local_day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of ``day`` in ``zone``, as a UTC-aware datetime.

    Usually local midnight. An ambiguous midnight (clocks turned back across it) gives the
    earlier instant. A midnight that does not exist (clocks jumped over it) gives the
    transition instant: the first moment whose local date is ``day``, e.g. 01:00 local in
    America/Santiago on the September change.

    Args:
        day: The local calendar date.
        zone: The time zone ``day`` is in.

    Returns:
        The instant in UTC.
    """
    wall = datetime(day.year, day.month, day.day)
    earlier = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the earlier of two
    if _wall_time(earlier, zone) == wall:
        return earlier
    # In a gap, fold=0 reads the wall time with the offset before the transition and
    # fold=1 with the offset after it; the two instants bracket the transition. Search it
    # to the second (tz transitions are whole seconds), so a gap that starts before
    # midnight (23:30 -> 00:30) still yields the jump itself, not an offset-shifted guess.
    after = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = sorted(((earlier - _EPOCH) // _SECOND, (after - _EPOCH) // _SECOND))
    if _wall_time(_EPOCH + hi * _SECOND, zone) < wall:  # pragma: no cover - no such zone
        return earlier
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _wall_time(_EPOCH + mid * _SECOND, zone) >= wall:
            hi = mid
        else:
            lo = mid
    return _EPOCH + hi * _SECOND


def current_period(plan: Plan, now: datetime) -> Period:
    """The period containing ``now`` (prepaid: from ``plan.start`` to far future).

    Months start at local midnight of ``reset_day`` in ``plan.timezone``; a reset day past
    the end of a short month falls on that month's last day. ``now`` exactly at a boundary
    belongs to the period that starts there. See :func:`local_day_start` for midnights
    that DST makes ambiguous or skips.

    A prepaid plan's period is ``[plan.start, FAR_FUTURE)``; without a start it begins at
    ``now`` (:func:`plan_status` uses the earliest point instead).

    Args:
        plan: The plan.
        now: The moment to find the period of (timezone-aware).

    Returns:
        The period, in UTC.

    Raises:
        UserInputError: The plan's time zone is unknown, its reset day is out of range or
            a window is longer than ``limits.MAX_WINDOW_HOURS`` (see ``check_windows``).
        ValueError: ``now`` or ``plan.start`` is naive.
    """
    require_aware(now, "now")
    check_windows(plan)
    if plan.kind == PlanKind.PREPAID:
        start = now if plan.start is None else plan.start
        require_aware(start, "plan.start")
        return Period(start.astimezone(UTC), FAR_FUTURE)
    zone = _zone(plan.timezone)
    local = now.astimezone(zone)
    month = local.year * 12 + local.month - 1  # months since year 0, to step across years
    start = _month_start(month, plan.reset_day, zone)
    while now < start:  # before this month's reset day: the period began last month
        month -= 1
        start = _month_start(month, plan.reset_day, zone)
    end = _month_start(month + 1, plan.reset_day, zone)
    while now >= end:  # only where a day starts before its local date does (odd DST)
        month += 1
        start, end = end, _month_start(month + 1, plan.reset_day, zone)
    return Period(start, end)


def check_windows(plan: Plan) -> None:
    """Refuse windows the status maths cannot compute with (see ``limits.check_window``).

    Raises:
        UserInputError: naming the plan, the window and how to fix it.
    """
    for window in plan.windows:
        check_window(plan.name, window.hours)


def _month_start(month: int, reset_day: int, zone: ZoneInfo) -> datetime:
    """Start of the period in ``month`` (counted from year 0, January = 0)."""
    year, index = divmod(month, 12)
    return local_day_start(period_start_date(year, index + 1, reset_day), zone)


def _wall_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of ``instant`` in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as err:
        raise UserInputError(f"unknown time zone '{name}'") from err


def require_aware(moment: datetime, name: str) -> None:
    """Refuse a naive ``moment``: the maths compares instants, never wall-clock times.

    Raises:
        ValueError: ``moment`` has no time zone; the message names it as ``name``.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, not {moment!r}")
