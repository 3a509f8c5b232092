"""Plan status: totals, caps, rolling windows, burn rate and projections. Pure: takes ``now``.

The rules (what counts, how rates extrapolate, what ``reached_at`` means) are in the
docstring of :mod:`tokenbudget.core.plans`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from tokenbudget.core import message_texts as texts
from tokenbudget.core.messages import message
from tokenbudget.core.plans.model import (
    FAR_FUTURE,
    CapStatus,
    Measure,
    Period,
    Plan,
    PlanKind,
    PlanStatus,
    UsagePoint,
    window_label,
)
from tokenbudget.core.plans.periods import check_windows, current_period, require_aware

#: The shortest elapsed time a rate is averaged over, so that a reset does not produce
#: absurd rates from the first few entries.
MIN_ELAPSED = timedelta(hours=1)
#: Enough history to project from: this much of the period elapsed, with entries in it ...
PROJECT_AFTER = timedelta(days=1)
#: ... or this many entries, the oldest at least ``PROJECT_SPREAD`` before ``now``.
PROJECT_ENTRIES = 5
PROJECT_SPREAD = timedelta(hours=2)

_MICROSECOND = timedelta(microseconds=1)
_DAY_MICROS = 86_400 * 1_000_000
_FULL = 10_000  # basis points in 100 %


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
    require_aware(now, "now")
    check_windows(plan)
    if plan.start is not None:
        require_aware(plan.start, "plan.start")
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
    projectable = enough_history(counted, floor, now)
    projected = None
    if plan.kind != PlanKind.PREPAID and projectable:
        projected = rated + rated * _micros(period.end - now) // _micros(elapsed)

    caps = _caps(
        plan,
        points,
        counted=counted,
        now=now,
        period=period,
        elapsed=elapsed,
        project=projectable,
    )
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
        projectable=projectable,
    )


def enough_history(counted: Sequence[UsagePoint], floor: datetime, now: datetime) -> bool:
    """Whether ``counted`` (the period's points, oldest first) is enough to project from.

    See :mod:`tokenbudget.core.plans`: a day of the period elapsed, or at least 5 entries
    the oldest of which is at least 2 hours old.
    """
    if now - floor >= PROJECT_AFTER:
        return True
    entries = sum(p.entries for p in counted)
    return entries >= PROJECT_ENTRIES and now - counted[0].at >= PROJECT_SPREAD


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
    project: bool,
) -> tuple[CapStatus, ...]:
    """Every cap of ``plan``; ``counted`` are the period's points, oldest first.

    Without ``project`` no cap projects a future ``reached_at`` (a past one stays).
    """
    if plan.kind == PlanKind.BUDGET:
        return (
            _cap(
                message(texts.CAP_BUDGET),
                counted,
                _cost,
                plan.amount_micros,
                now,
                span=elapsed,
                resets_at=period.end,
                project=project,
            ),
        )
    if plan.kind == PlanKind.PREPAID:
        return (
            _cap(
                message(texts.CAP_BALANCE),
                counted,
                _cost,
                plan.amount_micros,
                now,
                span=elapsed,
                resets_at=None,
                project=project,
            ),
        )
    caps: list[CapStatus] = []
    if plan.monthly_token_cap is not None:
        limit = plan.monthly_token_cap
        caps.append(
            _cap(
                message(texts.CAP_MONTHLY_TOKENS),
                counted,
                _tokens,
                limit,
                now,
                span=elapsed,
                resets_at=period.end,
                measure=Measure.TOKENS,
                project=project,
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
                    message(
                        texts.CAP_WINDOW_TOKENS
                        if kind is Measure.TOKENS
                        else texts.CAP_WINDOW_REQUESTS,
                        window=label,
                    ),
                    inside,
                    count,
                    limit_or_none,
                    now,
                    span=length,
                    resets_at=resets_at,
                    measure=kind,
                    window_hours=window.hours,
                    project=project,
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
    project: bool = True,
) -> CapStatus:
    """One cap over ``ordered`` (oldest first), extrapolated at ``total / span``.

    ``count`` reads what a point adds; ``measure`` and ``window_hours`` describe the cap.
    Without ``project`` only a cap already reached has a ``reached_at``.
    """
    used = sum(count(p) for p in ordered)
    horizon = FAR_FUTURE if resets_at is None else resets_at
    reached = _reached_at(ordered, count, used, limit, now, span=span, horizon=horizon)
    if not project and reached is not None and reached > now:
        reached = None
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
    """When a cap is (or was) reached; see :mod:`tokenbudget.core.plans`.

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


def _micros(span: timedelta) -> int:
    return span // _MICROSECOND
