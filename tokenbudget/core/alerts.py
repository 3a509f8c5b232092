"""Which plan thresholds deserve a notification now: once per threshold per period.

A cap's *period* is the plan's period (month, or since a prepaid top-up) for money and
monthly token caps, and the current window for a rolling window cap (its reset time less
its length). The ledger remembers which (plan, period start, threshold) was notified, so a
restart never repeats an alert, and a new period or window starts afresh.

When a cap jumps past several thresholds at once (0 % to 110 % in one import), one alert for
the highest is due and every threshold it passed is marked as sent.

The caps rated are :func:`~tokenbudget.core.plans.rated_caps`: a fresh official figure for a
window replaces our estimate of that window (its period is the official window: its reset
time less its length).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tokenbudget.core.plans import CapStatus, Measure, PlanStatus, rated_caps, window_label

#: ``sent(plan_id, period_start, threshold)``: was this alert sent before?
SentCheck = Callable[[int, datetime, int], bool]


@dataclass(frozen=True)
class Alert:
    """A plan cap that has passed a threshold not yet notified in its period.

    Attributes:
        plan_id: The plan.
        plan_name: Its name.
        cap: The cap's label (``budget``, ``monthly tokens``, ``5h tokens`` ...).
        threshold: The highest threshold passed, in percent.
        passed: Every threshold passed and not yet notified (all are marked as sent).
        basis_points: How much of the cap is used (10000 = 100 %).
        period_start: Start of the cap's period or window.
        resets_at: When the cap resets (None for a prepaid balance).
    """

    plan_id: int
    plan_name: str
    cap: str
    threshold: int
    passed: tuple[int, ...]
    basis_points: int
    period_start: datetime
    resets_at: datetime | None


def cap_period_start(status: PlanStatus, cap: CapStatus) -> datetime:
    """Start of ``cap``'s period: its window for rolling windows, else the plan's period."""
    if cap.measure is Measure.PERCENT:
        if cap.resets_at is not None and cap.window_hours is not None:
            return cap.resets_at - timedelta(hours=cap.window_hours)
        return status.period.start
    for window in status.plan.windows:
        if cap.resets_at is not None and cap.label.startswith(_window_prefix(window.hours)):
            return cap.resets_at - timedelta(hours=window.hours)
    return status.period.start


def _window_prefix(hours: int) -> str:
    return window_label(hours) + " "


def due_alerts(statuses: Sequence[PlanStatus], sent: SentCheck) -> list[Alert]:
    """The alerts to show now, most used cap first."""
    alerts: list[Alert] = []
    for status in statuses:
        plan = status.plan
        if not plan.active:
            continue
        seen: set[datetime] = set()
        for cap in sorted(rated_caps(status), key=lambda c: -c.basis_points):
            start = cap_period_start(status, cap)
            passed = tuple(
                t
                for t in sorted(plan.thresholds)
                if cap.basis_points >= t * 100 and not sent(plan.id, start, t)
            )
            if not passed or start in seen:
                continue
            seen.add(start)  # one alert per period, for its most used cap
            alerts.append(
                Alert(
                    plan_id=plan.id,
                    plan_name=plan.name,
                    cap=cap.label,
                    threshold=passed[-1],
                    passed=passed,
                    basis_points=cap.basis_points,
                    period_start=start,
                    resets_at=cap.resets_at,
                )
            )
    alerts.sort(key=lambda a: -a.basis_points)
    return alerts


#: Tray states: nothing passed, a plan passed its warning threshold, a plan is at its cap.
OK, WARNING, OVER = "ok", "warning", "over"
#: From here on the tray icon is amber.
WARNING_BASIS_POINTS = 8_000


def state(statuses: Sequence[PlanStatus]) -> str:
    """The tray's state for these plans.

    ``over`` if an active plan's cap is at 100 % or more; ``warning`` if one is at 80 % or
    more or a prepaid balance is low; else ``ok``. (Notifications follow each plan's own
    thresholds; the icon only tells these three states apart.) Caps are rated as
    :func:`~tokenbudget.core.plans.rated_caps` says, so a fresh official figure counts.
    """
    result = OK
    for status in statuses:
        if not status.plan.active:
            continue
        top = _top(status)
        if top >= 10_000:
            return OVER
        if top >= WARNING_BASIS_POINTS or status.low_balance:
            result = WARNING
    return result


def main_status(statuses: Sequence[PlanStatus], main_plan_id: int | None) -> PlanStatus | None:
    """The plan the tray reports on: the chosen main plan, else the most used active one."""
    active = [s for s in statuses if s.plan.active]
    for status in active:
        if status.plan.id == main_plan_id:
            return status
    return max(active, key=_top, default=None)


def _top(status: PlanStatus) -> int:
    return max((cap.basis_points for cap in rated_caps(status)), default=0)
