"""Plans, caps, periods, rolling windows, status and projections. Pure: no clock, no I/O.

Every function takes ``now`` (timezone-aware); period boundaries are computed in the plan's
own time zone, so a month starts at local midnight on the reset day even across DST changes.

Three kinds of plan:

* ``budget``: pay-as-you-go with a monthly money budget that resets on ``reset_day``.
* ``subscription``: a monthly ``fee`` with caps: tokens per month, and tokens or requests
  per rolling window (5 hours, 7 days). Status also shows the API-equivalent value.
* ``prepaid``: a ``balance`` topped up at ``start`` that spend draws down, with a low-balance
  warning.

Decisions worth knowing (each is tested in ``tests/core/test_plans.py`` and
``tests/core/test_plan_periods.py``):

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
* **Enough history to project.** Burn rates, period projections and future ``reached_at``
  moments come only from enough history; otherwise status says ``projectable=False`` and
  the user reads "too early to project". Enough is either (a) at least one day elapsed
  since the period's counting start (``plan.start`` or the period start; for a prepaid
  plan without a start, its first entry; a day with no entries projects zero, which is
  true), or (b) at least 5 entries counted, the oldest of them at least 2 hours before
  ``now``. One entry a few minutes old would otherwise be averaged over the one-hour
  minimum and claim that a balance runs out tomorrow. A cap already reached is a fact, not
  a projection, and is kept.
* **reached_at** is the projected moment a cap is reached at that rate, or None when the
  rate is zero or the cap resets first (at or before that moment). A cap that is
  already reached reports the past moment it was crossed: the ``at`` of the point that took
  the running total to the limit, or ``now`` when no point did (a limit of zero or less).
  So ``reached_at <= now`` means "reached".

The parts: :mod:`~tokenbudget.core.plans.model` (the data), :mod:`~tokenbudget.core.plans.periods`
(period boundaries) and :mod:`~tokenbudget.core.plans.status` (totals, caps, projections).
Import from this package; the names below are its interface.
"""

from tokenbudget.core.plans.model import (
    DEFAULT_THRESHOLDS,
    FAR_FUTURE,
    CapStatus,
    Measure,
    OfficialWindow,
    Period,
    Plan,
    PlanKind,
    PlanStatus,
    UsagePoint,
    WindowCap,
    counting_plans,
    window_label,
)
from tokenbudget.core.plans.official import (
    crossed,
    plan_snapshots,
    rated_caps,
    top_cap,
    with_official,
)
from tokenbudget.core.plans.periods import (
    check_windows,
    current_period,
    local_day_start,
    period_start_date,
)
from tokenbudget.core.plans.status import (
    MIN_ELAPSED,
    basis_points,
    enough_history,
    plan_status,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FAR_FUTURE",
    "MIN_ELAPSED",
    "CapStatus",
    "Measure",
    "OfficialWindow",
    "Period",
    "Plan",
    "PlanKind",
    "PlanStatus",
    "UsagePoint",
    "WindowCap",
    "basis_points",
    "check_windows",
    "counting_plans",
    "crossed",
    "current_period",
    "enough_history",
    "local_day_start",
    "period_start_date",
    "plan_snapshots",
    "plan_status",
    "rated_caps",
    "top_cap",
    "window_label",
    "with_official",
]
