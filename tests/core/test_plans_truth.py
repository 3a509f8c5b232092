"""Issue 11: plans that tell the truth, and official limits beside our estimates (core).

Every figure is worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from plan_support import point, utc

from tokenbudget.core.alerts import due_alerts, main_status, state
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.official_limits import LimitSnapshot
from tokenbudget.core.plan_cards import Level, headline, plan_card
from tokenbudget.core.plans import (
    Measure,
    Plan,
    PlanKind,
    WindowCap,
    plan_snapshots,
    plan_status,
    rated_caps,
)
from tokenbudget.core.services import Service

UNIT = 1_000_000
NOW = datetime(2026, 12, 3, 15, 57, tzinfo=UTC)


@pytest.fixture
def service() -> Iterator[Service]:
    svc = Service()
    yield svc
    svc.close()


def entry(
    at: datetime, provider: str, cost: int, *, tokens: int = 0, requests: int = 1
) -> NewEntry:
    currency = "CNY" if provider == "deepseek" else "USD"
    return NewEntry(
        at=at,
        provider=provider,
        model="m",
        tokens=TokenCounts(input_tokens=tokens),
        cost_micros=cost,
        currency=currency,
        source="test",
        requests=requests,
    )


def claude_pro(service: Service) -> Plan:
    """$20 a month; 5h: 1,000 tokens; 7d: 100 requests. 143 requests and 370 tokens used."""
    plan = service.plans.add(
        Plan(
            "Claude Pro",
            PlanKind.SUBSCRIPTION,
            "USD",
            20 * UNIT,
            providers=("anthropic",),
            windows=(WindowCap(5, max_tokens=1_000), WindowCap(168, max_requests=100)),
        ),
        now=NOW - timedelta(days=10),
    )
    service.entries.record_many(
        [
            entry(datetime(2026, 11, 30, 12, tzinfo=UTC), "anthropic", UNIT, requests=100),
            entry(NOW - timedelta(hours=1), "anthropic", UNIT, tokens=370, requests=43),
        ]
    )
    return plan


def snap(window: str, used: str, resets: datetime, seen: datetime, **kw: str) -> LimitSnapshot:
    minutes = {"5h": 300, "7d": 10080}[window]
    source = kw.pop("source", "claude-code")
    return LimitSnapshot(source, window, minutes, Decimal(used), resets, seen, **kw)


# --- official limits beside our estimates ----------------------------------------------------


def test_a_subscription_shows_its_providers_official_windows_beside_our_estimate(
    service: Service,
) -> None:
    claude_pro(service)
    seen = NOW - timedelta(minutes=3)
    five = snap("5h", "42", datetime(2026, 12, 3, 18, tzinfo=UTC), seen)
    week = snap("7d", "60", datetime(2026, 12, 6, tzinfo=UTC), seen)
    codex = snap("5h", "99", datetime(2026, 12, 3, 18, tzinfo=UTC), seen, source="codex")
    service.limits.record([five, week, codex])
    (status,) = service.plans.status(NOW)
    assert [w.snapshot for w in status.official] == [five, week]  # not Codex's: openai's
    five_row, week_row = plan_card(status).official
    assert (five_row.basis_points, five_row.stale, five_row.seen_ago.total_minutes) == (
        4_200,
        False,
        3,
    )
    assert five_row.estimate is not None and five_row.estimate.basis_points == 3_700  # 370/1000
    assert week_row.estimate is not None and week_row.estimate.basis_points == 14_300
    # Fresh official figures outrank our estimates of the same windows: 60 %, not 143 %.
    assert [(c.label, c.basis_points) for c in rated_caps(status)] == [
        ("5h official", 4_200),
        ("7d official", 6_000),
    ]
    assert plan_card(status).level is Level.NORMAL
    assert status.crossed_thresholds == (50,)
    assert state([status]) == "ok"


def test_a_stale_official_figure_says_so_and_rates_nothing(service: Service) -> None:
    claude_pro(service)
    # Seen at 12:00, its window reset at 14:00: it says nothing about the window now.
    old = snap(
        "5h", "42", datetime(2026, 12, 3, 14, tzinfo=UTC), datetime(2026, 12, 3, 12, tzinfo=UTC)
    )
    service.limits.record([old])
    (status,) = service.plans.status(NOW)
    (row,) = plan_card(status).official
    assert row.stale and row.level is Level.NORMAL
    assert row.seen_ago.total_minutes == 3 * 60 + 57
    # Our estimates stand: 7d requests at 143 % make the plan over.
    assert {c.label: c.basis_points for c in rated_caps(status)} == {
        "5h tokens": 3_700,
        "7d requests": 14_300,
    }
    assert plan_card(status).level is Level.OVER
    assert state([status]) == "over"


def test_thresholds_and_alerts_follow_a_fresh_official_figure(service: Service) -> None:
    plan = service.plans.add(
        Plan(
            "Claude Max",
            PlanKind.SUBSCRIPTION,
            "USD",
            100 * UNIT,
            providers=("anthropic",),
            windows=(WindowCap(168, max_requests=100),),
        ),
        now=NOW - timedelta(days=10),
    )
    service.entries.record(entry(NOW - timedelta(hours=2), "anthropic", UNIT, requests=20))
    resets = datetime(2026, 12, 8, 9, tzinfo=UTC)
    service.limits.record([snap("7d", "85.5", resets, NOW - timedelta(minutes=1))])
    statuses = service.plans.status(NOW)
    assert statuses[0].caps[0].basis_points == 2_000  # our estimate: 20 of 100
    assert statuses[0].crossed_thresholds == (50, 80)  # the official 85.5 %
    assert state(statuses) == "warning"
    (alert,) = due_alerts(statuses, lambda *_: False)
    assert (alert.plan_id, alert.cap, alert.threshold, alert.passed) == (
        plan.id,
        "7d official",
        80,
        (50, 80),
    )
    assert alert.basis_points == 8_550
    assert alert.period_start == resets - timedelta(days=7)
    assert main_status(statuses, None) is statuses[0]


def test_codex_limits_prefer_the_codex_family() -> None:
    plan = Plan("ChatGPT Plus", PlanKind.SUBSCRIPTION, "USD", 20 * UNIT, providers=("openai",))
    at = NOW - timedelta(minutes=5)
    resets = NOW + timedelta(hours=2)
    mine = snap("5h", "10", resets, at, source="codex", limit_id="codex")
    other = snap("5h", "90", resets, at, source="codex", limit_id="codex_other")
    claude = snap("5h", "50", resets, at)
    assert plan_snapshots(plan, [other, mine, claude]) == [mine]
    assert plan_snapshots(plan, [other]) == [other]  # a lone family is shown as it is
    budget = Plan("OpenAI API", PlanKind.BUDGET, "USD", 20 * UNIT, providers=("openai",))
    assert plan_snapshots(budget, [mine]) == []  # plan limits are a subscription's


# --- the headline ----------------------------------------------------------------------------


def test_a_subscriptions_headline_is_its_most_used_cap_not_its_fee(service: Service) -> None:
    claude_pro(service)
    (status,) = service.plans.status(NOW)
    top = headline(status)
    assert top.cap is not None and (top.cap.label, top.basis_points) == ("7d requests", 14_300)
    assert not top.official and top.level is Level.OVER
    service.limits.record(
        [snap("7d", "143", datetime(2026, 12, 6, tzinfo=UTC), NOW - timedelta(minutes=3))]
    )
    (status,) = service.plans.status(NOW)
    top = headline(status)
    assert top.cap is not None and top.cap.measure is Measure.PERCENT
    assert (top.cap.label, top.basis_points, top.official) == ("7d official", 14_300, True)
    assert top.level is Level.OVER and state([status]) == "over"  # the icon says the same


# --- too early to project --------------------------------------------------------------------


def prepaid(start: datetime) -> Plan:
    return Plan("DeepSeek 充值", PlanKind.PREPAID, "CNY", 50 * UNIT, start=start)


def test_one_entry_minutes_old_is_too_early_to_project() -> None:
    plan = prepaid(NOW - timedelta(minutes=5))
    status = plan_status(plan, [point(NOW - timedelta(minutes=3), 6_400_000)], NOW)
    # It used to average ¥6.40 over the one-hour minimum: ¥153.60 a day, and the remaining
    # ¥43.60 gone 6 h 49 min later.
    assert status.burn_micros_per_day == 153_600_000
    assert not status.projectable
    assert status.caps[0].reached_at is None
    assert status.remaining_micros == 43_600_000
    card = plan_card(status)
    assert card.too_early and card.reach is None


def test_five_entries_over_two_hours_are_enough() -> None:
    plan = prepaid(NOW - timedelta(hours=3))
    points = [point(NOW - timedelta(minutes=m), UNIT) for m in (120, 90, 60, 30, 0)]
    status = plan_status(plan, points, NOW)
    assert status.projectable
    assert status.burn_micros_per_day == 40 * UNIT  # ¥5 in 3 hours
    # ¥45 left at ¥5 per 3 hours: 27 hours.
    assert status.caps[0].reached_at == NOW + timedelta(hours=27)
    four = plan_status(plan, points[1:], NOW)
    assert not four.projectable  # four entries: not enough
    recent = plan_status(plan, [point(NOW - timedelta(minutes=m), UNIT) for m in range(5)], NOW)
    assert not recent.projectable  # five, but all in the last 5 minutes


def test_a_day_into_the_period_is_enough_even_with_one_entry() -> None:
    plan = prepaid(NOW - timedelta(days=1))
    status = plan_status(plan, [point(NOW - timedelta(minutes=3), 6_400_000)], NOW)
    assert status.projectable and status.burn_micros_per_day == 6_400_000
    # ¥6.40 a day; ¥43.60 left lasts 43.6 / 6.4 = 6.8125 days = 6 d 19 h 30 min.
    assert status.caps[0].reached_at == NOW + timedelta(days=6, hours=19, minutes=30)


def test_a_cap_passed_is_kept_when_too_early_to_project() -> None:
    plan = prepaid(NOW - timedelta(minutes=30))
    crossing = NOW - timedelta(minutes=10)
    points = [point(NOW - timedelta(minutes=20), 30 * UNIT), point(crossing, 25 * UNIT)]
    status = plan_status(plan, points, NOW)
    assert not status.projectable
    assert status.caps[0].reached_at == crossing  # a fact, not a projection


def test_a_subscription_without_caps_has_a_plain_headline() -> None:
    plan = Plan("Kimi", PlanKind.SUBSCRIPTION, "CNY", 49 * UNIT, providers=("moonshot",))
    status = plan_status(plan, [], utc(2026, 12, 3))
    top = headline(status)
    assert (top.cap, top.basis_points, top.level) == (None, None, Level.NORMAL)
