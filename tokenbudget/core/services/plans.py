"""The plans service: the plans a user pays under, their status and their alerts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from tokenbudget.core.plans import Plan, PlanKind

if TYPE_CHECKING:
    from tokenbudget.core.alerts import Alert
    from tokenbudget.core.balances import BalanceResult
    from tokenbudget.core.plan_cards import PlanCard
    from tokenbudget.core.plans import PlanStatus
    from tokenbudget.core.services._parts import Parts


class PlansService:
    """Plans (budgets, subscriptions, prepaid balances): stored, measured and alerted on."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

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

        statuses = all_status(self._parts.ledger, now, self._parts.settings.exchange_rates())
        return self._with_official(statuses)

    def _with_official(self, statuses: list[PlanStatus]) -> list[PlanStatus]:
        """Each status with the official windows of its provider (``plans.with_official``)."""
        from tokenbudget.core.plans import with_official

        if not any(s.plan.kind is PlanKind.SUBSCRIPTION for s in statuses):
            return statuses
        snapshots = self._parts.ledger.official_limits(None)
        return [with_official(s, snapshots) for s in statuses]

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
        return plan_cards(self._with_official(statuses))

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
