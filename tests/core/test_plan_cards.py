"""The budgets view's cards, from plan status (expected values worked out by hand)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from tokenbudget.core.money import Money
from tokenbudget.core.plan_cards import (
    Countdown,
    Level,
    countdown,
    level_of,
    plan_card,
    plan_cards,
)
from tokenbudget.core.plans import Measure, Plan, PlanKind, UsagePoint, WindowCap, plan_status

USD = 1_000_000
NOW = datetime(2026, 11, 11, tzinfo=UTC)  # 10 days into November, 20 days left


def point(at: datetime, cost: int | None = 0, *, tokens: int = 0, requests: int = 1) -> UsagePoint:
    return UsagePoint(
        at=at,
        tokens=tokens,
        input_tokens=tokens,
        cache_read_tokens=0,
        cache_write_tokens=0,
        output_tokens=0,
        requests=requests,
        cost_micros=cost,
    )


def budget(**kw: object) -> Plan:
    return Plan("API", PlanKind.BUDGET, "USD", 100 * USD, **kw)  # type: ignore[arg-type]


# --- pure helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(seconds=30), Countdown(0, 0, 1)),  # rounded up: never "0 min" too early
        (timedelta(hours=2, minutes=14), Countdown(0, 2, 14)),
        (timedelta(hours=2, minutes=14, microseconds=1), Countdown(0, 2, 15)),
        (timedelta(days=3, hours=4, minutes=5), Countdown(3, 4, 5)),
        (timedelta(hours=23, minutes=59, seconds=1), Countdown(1, 0, 0)),
        (timedelta(0), Countdown(0, 0, 0)),
        (timedelta(minutes=-5), Countdown(0, 0, 0)),
    ],
)
def test_countdown_rounds_up_to_whole_minutes(left: timedelta, expected: Countdown) -> None:
    assert countdown(NOW, NOW + left) == expected


def test_countdown_total_minutes() -> None:
    assert Countdown(1, 2, 3).total_minutes == 24 * 60 + 2 * 60 + 3


@pytest.mark.parametrize(
    ("bp", "level"),
    [
        (0, Level.NORMAL),
        (7_999, Level.NORMAL),
        (8_000, Level.WARNING),
        (9_999, Level.WARNING),
        (10_000, Level.OVER),
        (25_000, Level.OVER),
    ],
)
def test_levels_at_80_and_100_percent(bp: int, level: Level) -> None:
    assert level_of(bp) is level


# --- budgets ------------------------------------------------------------------------------


def test_budget_at_30_percent() -> None:
    points = [
        point(datetime(2026, 11, 2, tzinfo=UTC), 10 * USD),
        point(datetime(2026, 11, 5, tzinfo=UTC), 20 * USD),
    ]
    card = plan_card(plan_status(budget(), points, NOW))
    assert card.level is Level.NORMAL
    assert card.spent == Money(D(30), "USD")
    assert card.limit == Money(D(100), "USD")
    assert card.remaining == Money(D(70), "USD")
    # $30 over 10 days is $3 a day; 20 more days at that rate: 30 + 60 = $90, 90 % of $100.
    assert card.burn_per_day == Money(D(3), "USD")
    assert card.projected == Money(D(90), "USD")
    assert card.projected_basis_points == 9_000
    # $70 more at $3/day takes 23 days and a third: after the period ends, so never.
    assert card.reach is None
    (bar,) = card.bars
    assert (bar.cap.basis_points, bar.fill, bar.level) == (3_000, 3_000, Level.NORMAL)
    assert bar.remaining == 70 * USD
    assert bar.cap.measure is Measure.MONEY
    assert bar.cap.window_hours is None
    assert card.period_resets_in == Countdown(20, 0, 0)
    assert (card.first_day, card.last_day) == (date(2026, 11, 1), date(2026, 11, 30))
    assert card.value is None
    assert not card.paused


def test_budget_at_85_percent_warns_and_projects_the_day_the_cap_is_reached() -> None:
    points = [point(datetime(2026, 11, 3, tzinfo=UTC), 85 * USD)]
    card = plan_card(plan_status(budget(), points, NOW))
    assert card.level is Level.WARNING
    assert card.top_basis_points == 8_500
    # $15 left at $8.50/day: 15/85 of 10 days = 152,470.588235... s, rounded up to the µs
    # = 1 day 18:21:10.588236 after now.
    assert card.reach is not None
    assert card.reach.at == datetime(2026, 11, 12, 18, 21, 10, 588_236, tzinfo=UTC)
    assert not card.reach.already
    assert card.reach.cap.label == "budget"


def test_budget_at_110_percent_is_over_since_the_entry_that_crossed_it() -> None:
    crossing = datetime(2026, 11, 8, 9, 30, tzinfo=UTC)
    points = [point(datetime(2026, 11, 3, tzinfo=UTC), 60 * USD), point(crossing, 50 * USD)]
    card = plan_card(plan_status(budget(), points, NOW))
    assert card.level is Level.OVER
    (bar,) = card.bars
    assert bar.cap.basis_points == 11_000
    assert bar.fill == 10_000  # the bar is full; the text says 110 %
    assert bar.remaining == -10 * USD
    assert card.remaining == Money(D(-10), "USD")
    assert card.reach is not None
    assert (card.reach.at, card.reach.already) == (crossing, True)
    assert bar.already_reached
    # $110 in 10 days, 20 days to go: 110 + 220 = $330, 330 %.
    assert card.projected == Money(D(330), "USD")
    assert card.projected_basis_points == 33_000


def test_period_days_are_in_the_plans_time_zone() -> None:
    plan = budget(timezone="Asia/Shanghai", reset_day=15)
    # 11 Nov 00:00 UTC is 08:00 in Shanghai: the period began on 15 Oct, ends 14 Nov.
    card = plan_card(plan_status(plan, [], NOW))
    assert (card.first_day, card.last_day) == (date(2026, 10, 15), date(2026, 11, 14))
    # It ends at 15 Nov 00:00 Shanghai = 14 Nov 16:00 UTC: 3 days 16 hours from now.
    assert card.period_resets_in == Countdown(3, 16, 0)


def test_converted_costs_are_marked_approximate() -> None:
    converted = UsagePoint(
        at=datetime(2026, 11, 2, tzinfo=UTC),
        tokens=0,
        input_tokens=0,
        cache_read_tokens=0,
        cache_write_tokens=0,
        output_tokens=0,
        requests=1,
        cost_micros=5 * USD,
        converted=True,
    )
    card = plan_card(plan_status(budget(), [converted], NOW))
    assert card.spent == Money(D(5), "USD", converted=True)
    assert card.remaining == Money(D(95), "USD", converted=True)
    assert card.limit == Money(D(100), "USD")  # the budget itself is exact


# --- subscriptions ------------------------------------------------------------------------


def claude_max(**kw: object) -> Plan:
    return Plan(
        "Max",
        PlanKind.SUBSCRIPTION,
        "USD",
        20 * USD,
        monthly_token_cap=10_000,
        windows=(WindowCap(5, max_tokens=1_000), WindowCap(168, max_requests=100)),
        **kw,  # type: ignore[arg-type]
    )


def test_subscription_windows_countdowns_and_value() -> None:
    now = datetime(2026, 11, 11, 12, tzinfo=UTC)
    points = [
        point(datetime(2026, 11, 6, 12, tzinfo=UTC), 6 * USD, tokens=100, requests=15),
        point(datetime(2026, 11, 11, 9, 14, tzinfo=UTC), 4 * USD, tokens=850, requests=5),
    ]
    card = plan_card(plan_status(claude_max(), points, now))
    monthly, five, week = card.bars
    assert (monthly.cap.measure, monthly.cap.window_hours) == (Measure.TOKENS, None)
    assert (five.cap.measure, five.cap.window_hours) == (Measure.TOKENS, 5)
    assert (week.cap.measure, week.cap.window_hours) == (Measure.REQUESTS, 168)
    assert monthly.cap.basis_points == 950  # 950 of 10,000 tokens
    assert five.cap.basis_points == 8_500  # 850 of 1,000 tokens in the last 5 hours
    assert week.cap.basis_points == 2_000  # 20 of 100 requests this week
    assert card.level is Level.WARNING
    # The 09:14 point leaves the 5-hour window at 14:14: 2 h 14 min from noon.
    assert five.resets_in == Countdown(0, 2, 14)
    # The 6 Nov noon point leaves the week at 13 Nov noon.
    assert week.resets_in == Countdown(2, 0, 0)
    # 150 more tokens at 850 per 5 hours: 150/850 * 5 h = 3,176.470588... s, rounded up
    # to the µs, from noon: 12:52:56.470589, before the window resets at 14:14.
    assert card.reach is not None
    assert card.reach.at == datetime(2026, 11, 11, 12, 52, 56, 470_589, tzinfo=UTC)
    assert card.reach.cap.window_hours == 5
    # The fee is what was spent; the entries' API prices are the value: $10 against $20.
    assert card.spent == Money(D(20), "USD")
    assert card.remaining is None
    assert card.value is not None
    assert card.value.api_equivalent == Money(D(10), "USD")
    assert card.value.fee == Money(D(20), "USD")
    assert card.value.ratio == D("0.5")
    # $10 over 10.5 days = $0.952380.../day, rounded down to the micro-unit.
    assert card.burn_per_day == Money(D("0.952380"), "USD")
    # 10 + 10 * 19.5 / 10.5 = 28.571428... rounded down.
    assert card.projected == Money(D("28.571428"), "USD")
    assert card.projected_basis_points is None  # a fee is not a budget


def test_subscription_without_caps_is_normal_and_never_reached() -> None:
    plan = Plan("Pro", PlanKind.SUBSCRIPTION, "USD", 20 * USD)
    card = plan_card(plan_status(plan, [point(datetime(2026, 11, 2, tzinfo=UTC), 50 * USD)], NOW))
    assert card.bars == ()
    assert card.top_basis_points is None
    assert card.level is Level.NORMAL
    assert card.reach is None
    assert card.value is not None
    assert card.value.ratio == D("2.5")


def test_a_free_subscription_has_no_ratio() -> None:
    plan = Plan("Free", PlanKind.SUBSCRIPTION, "USD", 0)
    card = plan_card(plan_status(plan, [point(datetime(2026, 11, 2, tzinfo=UTC), USD)], NOW))
    assert card.value is not None
    assert card.value.ratio is None


# --- prepaid ------------------------------------------------------------------------------


def prepaid(**kw: object) -> Plan:
    return Plan(
        "DeepSeek 充值",
        PlanKind.PREPAID,
        "CNY",
        200 * USD,
        start=datetime(2026, 11, 1, tzinfo=UTC),
        **kw,  # type: ignore[arg-type]
    )


def test_prepaid_balance_runs_down_with_no_period_end() -> None:
    card = plan_card(
        plan_status(prepaid(), [point(datetime(2026, 11, 3, tzinfo=UTC), 60 * USD)], NOW)
    )
    assert card.level is Level.NORMAL
    assert card.spent == Money(D(60), "CNY")
    assert card.remaining == Money(D(140), "CNY")
    assert card.bars[0].cap.basis_points == 3_000
    assert card.bars[0].resets_in is None
    assert card.projected is None
    assert card.period_resets_in is None
    assert (card.first_day, card.last_day) == (date(2026, 11, 1), None)
    # ¥60 in 10 days is ¥6/day; ¥140 more takes 23 days and 8 hours: 4 Dec 08:00.
    assert card.burn_per_day == Money(D(6), "CNY")
    assert card.reach is not None
    assert card.reach.at == datetime(2026, 12, 4, 8, tzinfo=UTC)


def test_a_low_balance_warns_before_80_percent() -> None:
    plan = prepaid(low_balance_micros=120 * USD)
    card = plan_card(plan_status(plan, [point(datetime(2026, 11, 3, tzinfo=UTC), 100 * USD)], NOW))
    assert card.bars[0].cap.basis_points == 5_000
    assert card.bars[0].level is Level.NORMAL
    assert card.level is Level.WARNING  # ¥100 left is below the ¥120 mark


def test_paused_plans_come_last() -> None:
    statuses = [
        plan_status(replace(budget(), name="A", active=False), [], NOW),
        plan_status(replace(budget(), name="B"), [], NOW),
        plan_status(replace(budget(), name="C"), [], NOW),
    ]
    cards = plan_cards(statuses)
    assert [c.status.plan.name for c in cards] == ["B", "C", "A"]
    assert [c.paused for c in cards] == [False, False, True]
