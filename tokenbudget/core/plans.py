"""Plans, caps, periods, rolling windows, status and projections. Pure: no clock, no I/O.

Every function takes ``now`` (timezone-aware); period boundaries are computed in the plan's
own time zone, so a month starts at local midnight on the reset day even across DST changes.

Three kinds of plan:

* ``budget``: pay-as-you-go with a monthly money budget that resets on ``reset_day``.
* ``subscription``: a monthly ``fee`` with caps: tokens per month, and tokens or requests
  per rolling window (5 hours, 7 days). Status also shows the API-equivalent value.
* ``prepaid``: a ``balance`` topped up at ``start`` that spend draws down, with a low-balance
  warning.

Decisions worth knowing (each is tested in ``tests/core/test_plans.py``):

* **Period boundaries.** A month starts at the first instant of the reset day in the plan's
  zone. When local midnight is ambiguous (clocks turned back across it) the earlier instant
  is taken (``fold=0``). When it does not exist (clocks jumped over it, as in
  America/Santiago every September) the period starts at the transition itself: the first
  instant whose local date is the reset day, found exactly, not by guessing an offset.
* **Counting.** Points count when ``period.start <= at <= now`` (and ``at >= plan.start``
  when the plan has a start); points after ``now`` are ignored everywhere.
* **Rolling windows** ignore the period: a window cap covers ``now - hours < at <= now``.
  Its ``resets_at`` is when usage in the window first drops, i.e. when the oldest point
  that contributes to it leaves the window (``at + hours``); None when nothing contributes.
* **Rates.** Period caps and the burn rate extrapolate the period-to-date average over the
  elapsed time (at least one hour, so a reset does not produce absurd rates); window caps
  extrapolate over the window length. The period projection is
  ``spent + spent * time_left / elapsed``. All maths is integer (micro-units,
  microseconds), rounded down, except ``reached_at``, which is rounded up.
* **reached_at** is the projected moment a cap is reached at that rate, or None when the
  rate is zero or the cap resets first (at or before that moment). A cap that is
  already reached reports the past moment it was crossed: the ``at`` of the point that took
  the running total to the limit, or ``now`` when no point did (a limit of zero or less).
  So ``reached_at <= now`` means "reached".
"""

from __future__ import annotations

import calendar
import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.limits import check_window


class PlanKind(StrEnum):
    """The three kinds of plan people pay under."""

    BUDGET = "budget"
    SUBSCRIPTION = "subscription"
    PREPAID = "prepaid"


@dataclass(frozen=True)
class WindowCap:
    """A cap over a rolling window, e.g. 5 hours or 7 days.

    Attributes:
        hours: Window length in hours (5 for five hours, 168 for a week).
        max_tokens: Token cap in the window (prompt + output), or None.
        max_requests: Request cap in the window, or None.
    """

    hours: int
    max_tokens: int | None = None
    max_requests: int | None = None


DEFAULT_THRESHOLDS: tuple[int, ...] = (50, 80, 100)


@dataclass(frozen=True)
class Plan:
    """What the user pays under.

    Attributes:
        id: Ledger id (0 before it is stored).
        name: Unique display name.
        kind: Budget, subscription or prepaid.
        currency: ISO code of ``amount_micros`` and of the plan's spend.
        amount_micros: Budget per month (budget), fee per month (subscription), or the
            top-up amount (prepaid), in micro-units of ``currency``.
        providers: Provider keys it covers; empty means every provider.
        models: Model patterns it covers (``fnmatch``, e.g. ``claude-*``); empty means all.
        reset_day: Day of the month the period starts (1-31; in shorter months the last day).
        timezone: IANA name of the zone the period boundaries are in.
        monthly_token_cap: Tokens per period (subscription), or None.
        windows: Rolling-window caps (subscription).
        thresholds: Alert thresholds in percent, ascending.
        low_balance_micros: Warn when a prepaid balance falls below this.
        start: When the plan starts counting (prepaid: when the balance was topped up).
        active: Inactive plans are kept but not shown in status.
    """

    name: str
    kind: PlanKind
    currency: str
    amount_micros: int
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    reset_day: int = 1
    timezone: str = "UTC"
    monthly_token_cap: int | None = None
    windows: tuple[WindowCap, ...] = ()
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    low_balance_micros: int | None = None
    start: datetime | None = None
    active: bool = True
    id: int = 0

    def covers(self, provider: str, model: str) -> bool:
        """True if an entry of ``provider``/``model`` counts toward this plan by matching."""
        if self.providers and provider.lower() not in {p.lower() for p in self.providers}:
            return False
        return not self.models or any(
            fnmatch.fnmatch(model.lower(), pattern.lower()) for pattern in self.models
        )


@dataclass(frozen=True)
class Period:
    """A billing period ``[start, end)`` in UTC-aware datetimes."""

    start: datetime
    end: datetime

    def contains(self, at: datetime) -> bool:
        """True if ``start <= at < end``."""
        return self.start <= at < self.end


@dataclass(frozen=True)
class UsagePoint:
    """What the status maths needs of one entry (the ledger supplies these).

    Attributes:
        at: When (timezone-aware).
        tokens: Prompt + output tokens.
        input_tokens, cache_read_tokens, cache_write_tokens, output_tokens: The parts.
        requests: Requests it stands for.
        cost_micros: Cost in the plan's currency (micro-units), already converted by the
            caller when the entry was in another currency; None when unpriced or when no
            exchange rate was available.
        converted: True when ``cost_micros`` was converted from another currency.
        entries: How many ledger entries the point stands for. A caller may sum entries
            that lie on the same side of every boundary (period start, window starts) into
            one point dated at the oldest of them; totals stay exact, and the point's
            ``at`` is then what a window's reset and a cap's crossing time are read from.
    """

    at: datetime
    tokens: int
    input_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    output_tokens: int
    requests: int
    cost_micros: int | None
    converted: bool = False
    entries: int = 1


class Measure(StrEnum):
    """What a cap counts."""

    MONEY = "money"
    TOKENS = "tokens"
    REQUESTS = "requests"


@dataclass(frozen=True)
class CapStatus:
    """Use of one cap.

    Attributes:
        label: ``budget``, ``balance``, ``monthly tokens``, ``5h tokens``, ``7d requests`` ...
        used: Amount used (micro-units for money, else tokens or requests).
        limit: The cap.
        basis_points: ``used / limit`` in hundredths of a percent, rounded down (exact
            integer maths; 10000 = 100 %).
        resets_at: When the window or period next resets (None for prepaid balances).
        reached_at: Projected moment the cap is reached at the current rate, or None.
        measure: What ``used`` and ``limit`` count: money (micro-units of the plan's
            currency), tokens or requests.
        window_hours: The rolling window's length, or None for a period or balance cap.
    """

    label: str
    used: int
    limit: int
    basis_points: int
    resets_at: datetime | None
    reached_at: datetime | None
    measure: Measure = Measure.MONEY
    window_hours: int | None = None


@dataclass(frozen=True)
class PlanStatus:
    """Everything the status line, the budgets view and alerts need for one plan at ``now``.

    Money is in micro-units of ``plan.currency``. ``spent_micros`` is the sum of entry
    costs for budgets and prepaid plans, and the fee for subscriptions (whose entry costs
    are their ``api_equivalent_micros`` instead). ``remaining_micros`` is budget or balance
    left (None for subscriptions). ``burn_micros_per_day`` is the average daily spend so far
    this period (API-equivalent for subscriptions). ``crossed_thresholds`` are the plan's
    thresholds that the most-used cap has reached.
    """

    plan: Plan
    now: datetime
    period: Period
    spent_micros: int
    remaining_micros: int | None
    input_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    output_tokens: int
    requests: int
    unpriced_entries: int
    converted_entries: int
    caps: tuple[CapStatus, ...]
    burn_micros_per_day: int
    projected_period_micros: int | None
    api_equivalent_micros: int | None
    crossed_thresholds: tuple[int, ...]
    low_balance: bool


#: End of a prepaid plan's period: a balance does not reset.
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)

#: The shortest elapsed time a rate is averaged over, so that a reset does not produce
#: absurd rates from the first few entries.
MIN_ELAPSED = timedelta(hours=1)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_MICROSECOND = timedelta(microseconds=1)
_DAY_MICROS = 86_400 * 1_000_000
_FULL = 10_000  # basis points in 100 %


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
    _require_aware(now, "now")
    check_windows(plan)
    if plan.kind == PlanKind.PREPAID:
        start = now if plan.start is None else plan.start
        _require_aware(start, "plan.start")
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


def basis_points(used: int, limit: int) -> int:
    """``used / limit`` in hundredths of a percent, rounded down (10000 = 100 %).

    A limit of zero or less counts as one micro-unit, so any use of it is far over.
    """
    return used * _FULL // max(limit, 1)


def plan_status(plan: Plan, points: Sequence[UsagePoint], now: datetime) -> PlanStatus:
    """Status of ``plan`` at ``now`` from the usage points that count toward it.

    Args:
        plan: The plan.
        points: Entries the caller has matched to the plan, with costs already in the
            plan's currency. Points after ``now``, before the period, or before
            ``plan.start`` are ignored (rolling windows look back past the period start).
        now: The moment of the status (timezone-aware).

    Returns:
        Totals for the period, one :class:`CapStatus` per cap, burn rate and projections.

    Raises:
        UserInputError: The plan's time zone is unknown, its reset day is out of range or
            a window is too long (see ``check_windows``).
        ValueError: ``now`` or ``plan.start`` is naive.
    """
    _require_aware(now, "now")
    check_windows(plan)
    if plan.start is not None:
        _require_aware(plan.start, "plan.start")
    if plan.kind == PlanKind.PREPAID and plan.start is None:
        earliest = min((p.at for p in points if p.at <= now), default=now)
        period = Period(earliest.astimezone(UTC), FAR_FUTURE)
    else:
        period = current_period(plan, now)
    floor = period.start if plan.start is None else max(period.start, plan.start)
    counted = sorted((p for p in points if floor <= p.at <= now), key=lambda p: p.at)
    elapsed = max(now - floor, MIN_ELAPSED)
    costs = sum(p.cost_micros for p in counted if p.cost_micros is not None)

    if plan.kind == PlanKind.SUBSCRIPTION:
        spent, remaining, api_equivalent = plan.amount_micros, None, costs
        rated = costs
    else:
        spent, remaining, api_equivalent = costs, plan.amount_micros - costs, None
        rated = spent
    burn = rated * _DAY_MICROS // _micros(elapsed)
    projected = None
    if plan.kind != PlanKind.PREPAID:
        projected = rated + rated * _micros(period.end - now) // _micros(elapsed)

    caps = _caps(plan, points, counted=counted, now=now, period=period, elapsed=elapsed)
    top = max((cap.basis_points for cap in caps), default=None)
    crossed = () if top is None else tuple(sorted(t for t in plan.thresholds if top >= t * 100))
    low = (
        plan.kind == PlanKind.PREPAID
        and plan.low_balance_micros is not None
        and remaining is not None
        and remaining < plan.low_balance_micros
    )
    return PlanStatus(
        plan=plan,
        now=now,
        period=period,
        spent_micros=spent,
        remaining_micros=remaining,
        input_tokens=sum(p.input_tokens for p in counted),
        cache_read_tokens=sum(p.cache_read_tokens for p in counted),
        cache_write_tokens=sum(p.cache_write_tokens for p in counted),
        output_tokens=sum(p.output_tokens for p in counted),
        requests=sum(p.requests for p in counted),
        unpriced_entries=sum(p.entries for p in counted if p.cost_micros is None),
        converted_entries=sum(p.entries for p in counted if p.converted),
        caps=caps,
        burn_micros_per_day=burn,
        projected_period_micros=projected,
        api_equivalent_micros=api_equivalent,
        crossed_thresholds=crossed,
        low_balance=low,
    )


def window_label(hours: int) -> str:
    """``5h`` for 5 hours, ``7d`` for 168 hours, else ``{hours}h``."""
    return {5: "5h", 168: "7d"}.get(hours, f"{hours}h")


_Measure = Callable[[UsagePoint], int]


def _cost(point: UsagePoint) -> int:
    return point.cost_micros or 0


def _tokens(point: UsagePoint) -> int:
    return point.tokens


def _requests(point: UsagePoint) -> int:
    return point.requests


def _caps(
    plan: Plan,
    points: Sequence[UsagePoint],
    *,
    counted: list[UsagePoint],
    now: datetime,
    period: Period,
    elapsed: timedelta,
) -> tuple[CapStatus, ...]:
    """Every cap of ``plan``; ``counted`` are the period's points, oldest first."""
    if plan.kind == PlanKind.BUDGET:
        return (
            _cap(
                "budget",
                counted,
                _cost,
                plan.amount_micros,
                now,
                span=elapsed,
                resets_at=period.end,
            ),
        )
    if plan.kind == PlanKind.PREPAID:
        return (
            _cap("balance", counted, _cost, plan.amount_micros, now, span=elapsed, resets_at=None),
        )
    caps: list[CapStatus] = []
    if plan.monthly_token_cap is not None:
        limit = plan.monthly_token_cap
        caps.append(
            _cap(
                "monthly tokens",
                counted,
                _tokens,
                limit,
                now,
                span=elapsed,
                resets_at=period.end,
                measure=Measure.TOKENS,
            )
        )
    for window in plan.windows:
        length = timedelta(hours=window.hours)
        inside = sorted(
            (
                p
                for p in points
                if now - length < p.at <= now and (plan.start is None or p.at >= plan.start)
            ),
            key=lambda p: p.at,
        )
        label = window_label(window.hours)
        for kind, count, limit_or_none in (
            (Measure.TOKENS, _tokens, window.max_tokens),
            (Measure.REQUESTS, _requests, window.max_requests),
        ):
            if limit_or_none is None:
                continue
            # The window's total first drops when its oldest contributing point leaves it.
            oldest = next((p.at for p in inside if count(p) > 0), None)
            resets_at = None if oldest is None else (oldest + length).astimezone(UTC)
            caps.append(
                _cap(
                    f"{label} {kind.value}",
                    inside,
                    count,
                    limit_or_none,
                    now,
                    span=length,
                    resets_at=resets_at,
                    measure=kind,
                    window_hours=window.hours,
                )
            )
    return tuple(caps)


def _cap(
    label: str,
    ordered: list[UsagePoint],
    count: _Measure,
    limit: int,
    now: datetime,
    *,
    span: timedelta,
    resets_at: datetime | None,
    measure: Measure = Measure.MONEY,
    window_hours: int | None = None,
) -> CapStatus:
    """One cap over ``ordered`` (oldest first), extrapolated at ``total / span``.

    ``count`` reads what a point adds; ``measure`` and ``window_hours`` describe the cap.
    """
    used = sum(count(p) for p in ordered)
    horizon = FAR_FUTURE if resets_at is None else resets_at
    reached = _reached_at(ordered, count, used, limit, now, span=span, horizon=horizon)
    return CapStatus(
        label,
        used,
        limit,
        basis_points(used, limit),
        resets_at,
        reached,
        measure=measure,
        window_hours=window_hours,
    )


def _reached_at(
    ordered: list[UsagePoint],
    measure: _Measure,
    used: int,
    limit: int,
    now: datetime,
    *,
    span: timedelta,
    horizon: datetime,
) -> datetime | None:
    """When a cap is (or was) reached; see the module docstring.

    Args:
        ordered: The points ``used`` sums, oldest first.
        measure: What one point adds to the cap.
        used: The current total.
        limit: The cap.
        now: The moment of the status.
        span: The time ``used`` accrued over; the rate is ``used / span``.
        horizon: When the cap resets; a projection at or after it is None.
    """
    if used >= limit:
        total = 0
        for point in ordered if limit > 0 else ():
            total += measure(point)
            if total >= limit:
                return point.at.astimezone(UTC)
        return now.astimezone(UTC)
    if used <= 0:
        return None
    wait = -(-(limit - used) * _micros(span) // used)  # ceiling: the cap is reached, not nearly
    if wait >= _micros(horizon - now):
        return None
    return (now + wait * _MICROSECOND).astimezone(UTC)


def _month_start(month: int, reset_day: int, zone: ZoneInfo) -> datetime:
    """Start of the period in ``month`` (counted from year 0, January = 0)."""
    year, index = divmod(month, 12)
    return local_day_start(period_start_date(year, index + 1, reset_day), zone)


def _wall_time(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of ``instant`` in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _micros(span: timedelta) -> int:
    return span // _MICROSECOND


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as err:
        raise UserInputError(f"unknown time zone '{name}'") from err


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, not {moment!r}")
