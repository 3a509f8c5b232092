"""The plans service: the plans a user pays under, their status and their alerts.

**When a cap was passed.** The status maths reads a cap's crossing moment from the point
that took the total past the limit; the ledger sums whole days (and segments) into one
point dated at its start, so that moment can be early. For every cap already passed the
service finds the exact entry from the ledger (a galloping, then binary, search over
``(from, t]`` sums from the crossing point on) and states that entry's time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tokenbudget.core.plans import CapStatus, Measure, Plan, PlanKind, PlanStatus

if TYPE_CHECKING:
    from tokenbudget.core.alerts import Alert
    from tokenbudget.core.balances import BalanceResult
    from tokenbudget.core.money import ExchangeRates
    from tokenbudget.core.plan_cards import PlanCard
    from tokenbudget.core.services._parts import Parts

_US_PER_HOUR = 3_600_000_000


class PlansService:
    """Plans (budgets, subscriptions, prepaid balances): stored, measured and alerted on."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts
        #: Exact crossing moments found, by (plan, cap, coarse moment, limit, used).
        self._crossings: dict[tuple[Plan, str, datetime, int, int], datetime] = {}

    def all(self, *, active_only: bool = False) -> list[Plan]:
        """Every plan, by name."""
        return self._parts.ledger.plans(active_only=active_only)

    def get(self, plan_id: int) -> Plan:
        """The plan with ``plan_id`` (``LedgerInputError`` if there is none)."""
        return self._parts.ledger.plan(plan_id)

    def find(self, name_or_id: str) -> Plan:
        """A plan by exact name (any case) or numeric id (``LedgerInputError`` if none)."""
        return self._parts.ledger.find_plan(name_or_id)

    def add(self, plan: Plan, *, now: datetime) -> Plan:
        """Store a new plan; a prepaid balance with no start date starts now."""
        if plan.kind is PlanKind.PREPAID and plan.start is None:
            plan = replace(plan, start=now)
        return self._parts.ledger.add_plan(plan, now=now)

    def update(self, plan: Plan) -> Plan:
        """Replace a stored plan's fields (by id)."""
        return self._parts.ledger.update_plan(plan)

    def remove(self, plan_id: int) -> None:
        """Delete a plan; its entries stay (unassigned)."""
        self._parts.ledger.remove_plan(plan_id)

    def status(self, now: datetime) -> list[PlanStatus]:
        """Status of every active plan at ``now``, with its official limits (subscriptions)."""
        from tokenbudget.core.budget import all_status

        rates = self._parts.settings.exchange_rates()
        statuses = all_status(self._parts.ledger, now, rates)
        return self._with_official([self._exact_crossings(s, rates) for s in statuses])

    def _with_official(self, statuses: list[PlanStatus]) -> list[PlanStatus]:
        """Each status with the official windows of its provider (``plans.with_official``)."""
        from tokenbudget.core.plans import with_official

        if not any(s.plan.kind is PlanKind.SUBSCRIPTION for s in statuses):
            return statuses
        from tokenbudget.core.services.limits import LimitsService

        # Through the limits service: it first takes what the status line left pending.
        snapshots = LimitsService(self._parts).latest()
        return [with_official(s, snapshots) for s in statuses]

    def _exact_crossings(self, status: PlanStatus, rates: ExchangeRates) -> PlanStatus:
        """``status`` with each passed cap's ``reached_at`` at the entry that passed it."""
        caps = tuple(
            self._exact_crossing(status, cap, rates)
            if cap.reached_at is not None and cap.reached_at <= status.now and cap.limit > 0
            else cap
            for cap in status.caps
        )
        return status if caps == status.caps else replace(status, caps=caps)

    def _exact_crossing(
        self, status: PlanStatus, cap: CapStatus, rates: ExchangeRates
    ) -> CapStatus:
        if cap.reached_at is None:
            return cap
        key = (status.plan, cap.label, cap.reached_at, cap.limit, cap.used)
        found = self._crossings.get(key)
        if found is None:
            found = self._search_crossing(status, cap, cap.reached_at, rates)
            if len(self._crossings) >= 256:  # a long session: forget the old ones
                self._crossings.clear()
            self._crossings[key] = found
        return replace(cap, reached_at=found)

    def _search_crossing(
        self, status: PlanStatus, cap: CapStatus, coarse: datetime, rates: ExchangeRates
    ) -> datetime:
        """The moment of the entry that took ``cap`` to its limit (``coarse`` if none).

        ``coarse`` is the status maths' answer. Every entry before it is in a point dated
        before it, so the total there is under the limit, and the crossing entry is at or
        after it.
        """
        from tokenbudget.core.budget import _point  # the ledger's sums as the maths reads them
        from tokenbudget.core.ledger import from_us, to_us

        plan, ledger = status.plan, self._parts.ledger
        now_us, first_us = to_us(status.now), to_us(coarse)
        if cap.window_hours is not None:
            low_us = to_us(status.now - timedelta(hours=cap.window_hours))  # (now - h, now]
        else:
            start = status.period.start
            if plan.start is not None:
                start = max(start, plan.start)
            low_us = to_us(start) - 1  # [start, now]
        if plan.start is not None:
            low_us = max(low_us, to_us(plan.start) - 1)

        def total(low: int, high: int) -> int:
            if high <= low:
                return 0
            points = [_point(plan, rates, s) for s in ledger.plan_segment_sums(plan, low, high, [])]
            if cap.measure is Measure.MONEY:
                return sum(p.cost_micros or 0 for p in points)
            if cap.measure is Measure.REQUESTS:
                return sum(p.requests for p in points)
            return sum(p.tokens for p in points)

        base = total(low_us, first_us - 1)
        if base >= cap.limit:  # not as the maths saw it: keep its answer
            return coarse
        lo, step = first_us - 1, _US_PER_HOUR
        hi = min(lo + step, now_us)
        while base + total(first_us - 1, hi) < cap.limit:
            if hi >= now_us:
                return coarse
            lo, step = hi, step * 2
            hi = min(lo + step, now_us)
        while hi - lo > 1:  # the total at hi reaches the limit, at lo it does not
            mid = (lo + hi) // 2
            if base + total(first_us - 1, mid) >= cap.limit:
                hi = mid
            else:
                lo = mid
        return from_us(hi)

    def due_alerts(self, statuses: Sequence[PlanStatus]) -> list[Alert]:
        """Thresholds passed and not yet notified in their period (see ``core.alerts``)."""
        from tokenbudget.core.alerts import due_alerts

        return due_alerts(statuses, self._parts.ledger.alert_sent)

    def mark_alerts_sent(self, alerts: Sequence[Alert], now: datetime) -> None:
        """Remember that ``alerts`` were shown (every threshold each one passed)."""
        ledger = self._parts.ledger
        for alert in alerts:
            for threshold in alert.passed:
                ledger.mark_alert_sent(alert.plan_id, alert.period_start, threshold, now)

    # -- the budgets view ------------------------------------------------------------------

    def cards(self, now: datetime) -> list[PlanCard]:
        """Every plan's card at ``now``, paused ones too (see ``core.plan_cards``)."""
        from tokenbudget.core.budget import all_status
        from tokenbudget.core.plan_cards import plan_cards

        rates = self._parts.settings.exchange_rates()
        statuses = all_status(self._parts.ledger, now, rates, include_paused=True)
        return plan_cards(self._with_official([self._exact_crossings(s, rates) for s in statuses]))

    def assigned_entries(self, plan_id: int) -> int:
        """How many entries are recorded for the plan ``plan_id`` itself."""
        from tokenbudget.core.budget import assigned_entries

        return assigned_entries(self._parts.ledger, plan_id)

    def balance_providers(self, plan: Plan) -> list[str]:
        """The providers of a prepaid ``plan`` whose balance is checked (none for others)."""
        from tokenbudget.core.balances import PROVIDERS, enabled

        if plan.kind is not PlanKind.PREPAID:
            return []
        checks = self._parts.settings.get("balance_check")
        wanted = dict.fromkeys(p.lower() for p in plan.providers)
        return [p for p in wanted if p in PROVIDERS and enabled(checks, p)]

    def balance_check(
        self, providers: tuple[str, ...], now: datetime
    ) -> Callable[[], dict[str, BalanceResult]]:
        """A job that asks the providers for their balances (blocking: for a worker thread).

        The settings are read now; the job reads the keys and goes on the network when it
        runs, and holds no ledger.
        """
        from tokenbudget.core.balances import check_balances

        settings = self._parts.settings
        checks, urls = settings.get("balance_check"), settings.get("base_urls")
        key_of = self._parts.secrets.get
        return lambda: check_balances(
            providers, checks=checks, base_urls=urls, key_of=key_of, now=now
        )
