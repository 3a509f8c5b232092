"""The plans service: the plans a user pays under, their status and their alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from tokenbudget.core.plans import Plan, PlanKind

if TYPE_CHECKING:
    from tokenbudget.core.alerts import Alert
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
        """Status of every active plan at ``now``."""
        from tokenbudget.core.budget import all_status

        return all_status(self._parts.ledger, now, self._parts.settings.exchange_rates())

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
