"""Plan status from the ledger: the ledger's sums feeding the pure maths in ``plans``.

A month of a heavy user's entries is tens of thousands of rows, and status must take
milliseconds. So:

* whole UTC days that lie inside the period and before every rolling window come from
  ``daily_totals`` (kept exact by triggers), one ``UsagePoint`` per day dated at its start;
* the rest (the partial first day, and everything from the day the earliest window starts
  up to ``now``) is summed from the entries themselves into *segments* cut at every boundary
  the maths looks at: the period start and the start of each window. Within a segment every
  entry is on the same side of every boundary, so period and window totals are exact; each
  segment becomes one point dated at its oldest entry, which is what a window's reset time
  depends on.

Costs in another currency than the plan's are converted with the user's rates and marked.
"""

from __future__ import annotations

from datetime import datetime

from tokenbudget.core.ledger import DAY_US, Ledger, UsageSums, from_us, to_us
from tokenbudget.core.money import ExchangeRates, Money, from_micros, to_micros
from tokenbudget.core.plans import Plan, PlanStatus, UsagePoint, current_period, plan_status


def _point(plan: Plan, rates: ExchangeRates, sums: UsageSums) -> UsagePoint:
    at_us, currency, entries, requests, inp, read, write, out, cost = sums
    cost_micros: int | None = None
    converted = False
    if currency:
        if currency == plan.currency:
            cost_micros = cost
        elif rates.can_convert(currency, plan.currency):
            # At the rate of the day the entries are of (the user's own rate wins).
            day = from_us(at_us).date()
            money = rates.convert(Money(from_micros(cost), currency), plan.currency, day)
            cost_micros, converted = to_micros(money.amount), True
    return UsagePoint(
        at=from_us(at_us),
        tokens=inp + read + write + out,
        input_tokens=inp,
        cache_read_tokens=read,
        cache_write_tokens=write,
        output_tokens=out,
        requests=requests,
        cost_micros=cost_micros,
        converted=converted,
        entries=entries,
    )


def plan_points(
    ledger: Ledger, plan: Plan, now: datetime, rates: ExchangeRates
) -> list[UsagePoint]:
    """The plan's usage up to ``now``, summed by day and segment, in few points."""
    period = current_period(plan, now)
    now_us = to_us(now)
    start_us = to_us(period.start)
    window_starts = [now_us - w.hours * 3_600_000_000 for w in plan.windows]
    # Whole days [first_day, last_day) come from the rollup: after the period starts and
    # before the earliest window (and today) begins.
    first_day = -(-start_us // DAY_US)
    last_day = min([now_us, *window_starts]) // DAY_US
    points: list[UsagePoint] = []
    raw_ranges: list[tuple[int, int]] = []
    horizon = min([start_us - 1, *window_starts])
    if first_day < last_day:
        points.extend(
            _point(plan, rates, s) for s in ledger.plan_day_sums(plan, first_day, last_day)
        )
        raw_ranges = [(horizon, first_day * DAY_US - 1), (last_day * DAY_US - 1, now_us)]
    else:
        raw_ranges = [(horizon, now_us)]
    boundaries = [start_us - 1, *window_starts]
    for low, high in raw_ranges:
        if high <= low:
            continue
        # Assigned and matching rows are summed apart (each through its own index) and may
        # both fall in one segment: they stay separate points, the maths adds them up.
        sums = ledger.plan_segment_sums(plan, low, high, boundaries)
        points.extend(_point(plan, rates, s) for s in sums)
    return points


def status(ledger: Ledger, plan: Plan, now: datetime, rates: ExchangeRates) -> PlanStatus:
    """The plan's status at ``now``."""
    return plan_status(plan, plan_points(ledger, plan, now, rates), now)


def all_status(
    ledger: Ledger, now: datetime, rates: ExchangeRates, *, include_paused: bool = False
) -> list[PlanStatus]:
    """Status of every active plan, by name; with ``include_paused``, of inactive ones too."""
    plans = ledger.plans(active_only=not include_paused)
    return [status(ledger, plan, now, rates) for plan in plans]


def assigned_entries(ledger: Ledger, plan_id: int) -> int:
    """How many entries were recorded against the plan ``plan_id`` explicitly.

    Removing the plan keeps them: they become unassigned, and then count toward every plan
    whose providers and model patterns match them (the ledger's ``ON DELETE SET NULL``).
    """
    return ledger.assigned_count(plan_id)
