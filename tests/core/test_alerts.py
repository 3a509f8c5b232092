"""Alerts: once per threshold per period, remembered in the ledger across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tokenbudget.core import alerts
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.plans import Plan, PlanKind, WindowCap
from tokenbudget.core.services import Service

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def spend(service: Service, dollars: str, at: datetime, tokens: int = 1000) -> None:
    micros = int(dollars.replace(".", "")) * 10_000  # "8.50" -> 8_500_000
    service.entries.record(
        NewEntry(
            at=at,
            provider="openai",
            model="gpt-5.5",
            tokens=TokenCounts(input_tokens=tokens, output_tokens=0),
            cost_micros=micros,
            currency="USD",
            source="manual",
        )
    )


def budget(service: Service) -> Plan:
    return service.plans.add(
        Plan(name="Main", kind=PlanKind.BUDGET, currency="USD", amount_micros=10_000_000),
        now=NOW,
    )


def test_each_threshold_alerts_once_per_period() -> None:
    service = Service()
    plan = budget(service)
    spend(service, "4.00", NOW - timedelta(days=3))
    assert service.plans.due_alerts(service.plans.status(NOW)) == []  # 40 %: nothing yet
    spend(service, "4.50", NOW - timedelta(days=1))
    (alert,) = service.plans.due_alerts(service.plans.status(NOW))  # 85 %: past 50 and 80 at once
    assert (alert.plan_id, alert.threshold, alert.passed, alert.basis_points) == (
        plan.id,
        80,
        (50, 80),
        8500,
    )
    service.plans.mark_alerts_sent([alert], NOW)
    assert service.plans.due_alerts(service.plans.status(NOW)) == []  # not twice
    service.close()
    again = Service()  # a restart: the ledger remembers
    assert again.plans.due_alerts(again.plans.status(NOW)) == []
    spend(again, "2.50", NOW - timedelta(hours=2))  # 110 %
    (over,) = again.plans.due_alerts(again.plans.status(NOW))
    assert (over.threshold, over.passed) == (100, (100,))
    again.plans.mark_alerts_sent([over], NOW)
    # Next month is a new period: the thresholds can alert again.
    next_month = datetime(2026, 12, 10, tzinfo=UTC)
    spend(again, "9.00", next_month - timedelta(days=1))
    (fresh,) = again.plans.due_alerts(again.plans.status(next_month))
    assert fresh.threshold == 80 and fresh.passed == (50, 80)  # 90 %: one alert for both
    assert fresh.period_start == datetime(2026, 12, 1, tzinfo=UTC)


def test_a_rolling_window_alerts_per_window() -> None:
    service = Service()
    service.plans.add(
        Plan(
            name="Pro",
            kind=PlanKind.SUBSCRIPTION,
            currency="USD",
            amount_micros=20_000_000,
            providers=("openai",),
            windows=(WindowCap(5, max_tokens=10_000),),
        ),
        now=NOW,
    )
    spend(service, "0.01", NOW - timedelta(hours=1), tokens=9_000)  # 90 % of the 5 h window
    due = service.plans.due_alerts(service.plans.status(NOW))
    window = next(a for a in due if a.cap.startswith("5h"))
    assert window.threshold == 80
    assert window.resets_at is not None
    assert window.period_start == window.resets_at - timedelta(hours=5)


def test_state_and_main_plan() -> None:
    service = Service()
    assert alerts.state(service.plans.status(NOW)) == alerts.OK
    assert alerts.main_status(service.plans.status(NOW), None) is None
    plan = budget(service)
    spend(service, "8.00", NOW - timedelta(days=1))
    assert alerts.state(service.plans.status(NOW)) == alerts.WARNING
    spend(service, "2.00", NOW - timedelta(days=1))
    statuses = service.plans.status(NOW)
    assert alerts.state(statuses) == alerts.OVER
    main = alerts.main_status(statuses, None)
    assert main is not None and main.plan.id == plan.id
