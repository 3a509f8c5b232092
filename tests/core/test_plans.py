"""Caps, rolling windows, status and projections of tokenbudget.core.plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plan_support import US, USD, budget, point, prepaid, subscription, utc

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.plans import (
    FAR_FUTURE,
    Measure,
    Period,
    Plan,
    PlanKind,
    UsagePoint,
    WindowCap,
    basis_points,
    current_period,
    plan_status,
    window_label,
)

# --- basis_points ---------------------------------------------------------------------------


@given(
    used=st.lists(st.integers(0, 10**15), min_size=2, max_size=2),
    limit=st.integers(-10, 10**12),
)
def test_basis_points_are_floored_and_monotonic(used: list[int], limit: int) -> None:
    low, high = sorted(used)
    assert basis_points(low, limit) <= basis_points(high, limit)
    assert basis_points(low, limit) == int(Fraction(low * 10_000, max(limit, 1)))


# --- plan_status: budgets -----------------------------------------------------------------

APRIL = budget(100 * USD, reset_day=1)  # April 2026 has 30 days


def test_budget_with_no_entries() -> None:
    now = utc(2026, 4, 11)
    status = plan_status(APRIL, [], now)
    assert status.period == Period(utc(2026, 4, 1), utc(2026, 5, 1))
    assert status.spent_micros == 0
    assert status.remaining_micros == 100 * USD
    assert status.burn_micros_per_day == 0
    assert status.projected_period_micros == 0
    assert status.api_equivalent_micros is None
    assert status.unpriced_entries == status.converted_entries == 0
    assert status.requests == status.input_tokens == status.output_tokens == 0
    (cap,) = status.caps
    assert (cap.label, cap.used, cap.limit, cap.basis_points) == ("budget", 0, 100 * USD, 0)
    assert cap.resets_at == utc(2026, 5, 1)
    assert cap.reached_at is None
    assert status.crossed_thresholds == ()
    assert not status.low_balance


def test_budget_counts_only_the_period_up_to_now() -> None:
    now = utc(2026, 4, 11)
    points = [
        point(utc(2026, 3, 31, 23, 59), 7 * USD, tokens=1000),  # last period
        point(utc(2026, 4, 1), 2 * USD, tokens=100, converted=True),  # at the start: counts
        point(utc(2026, 4, 5), None, tokens=50),  # unpriced: counted, adds nothing
        point(utc(2026, 4, 10), 8 * USD, tokens=10, requests=3),
        point(now, 0, tokens=1, requests=1),  # exactly now: counts
        point(now + US, 50 * USD, tokens=9999),  # after now: ignored
        point(utc(2026, 5, 2), 50 * USD, tokens=9999),  # next period: ignored
    ]
    status = plan_status(APRIL, points, now)
    assert status.spent_micros == 10 * USD
    assert status.remaining_micros == 90 * USD
    assert status.unpriced_entries == 1
    assert status.converted_entries == 1
    assert status.input_tokens == 50 + 25 + 5 + 0
    assert status.output_tokens == 50 + 25 + 5 + 1
    assert status.cache_read_tokens == status.cache_write_tokens == 0
    assert status.requests == 1 + 1 + 3 + 1


def test_a_point_may_stand_for_several_entries() -> None:
    points = [
        point(utc(2026, 4, 2), None, tokens=10, requests=7, entries=7),
        point(utc(2026, 4, 3), 3 * USD, converted=True, requests=4, entries=4),
    ]
    status = plan_status(APRIL, points, utc(2026, 4, 11))
    assert status.unpriced_entries == 7
    assert status.converted_entries == 4
    assert status.requests == 11
    assert status.spent_micros == 3 * USD


def test_budget_burn_rate_and_projection() -> None:
    now = utc(2026, 4, 11)  # 10 of 30 days elapsed
    status = plan_status(APRIL, [point(utc(2026, 4, 3), 10 * USD)], now)
    assert status.burn_micros_per_day == 1 * USD
    assert status.projected_period_micros == 30 * USD
    # 90 dollars to go at one a day is past the reset: not reached this period
    assert status.caps[0].reached_at is None

    tight = budget(25 * USD, reset_day=1)
    cap = plan_status(tight, [point(utc(2026, 4, 3), 10 * USD)], now).caps[0]
    assert cap.reached_at == utc(2026, 4, 26)  # 15 dollars to go at one a day


def test_burn_rate_is_averaged_over_at_least_an_hour() -> None:
    now = utc(2026, 4, 1, 0, 1)  # a minute after the reset
    status = plan_status(APRIL, [point(utc(2026, 4, 1), 1 * USD)], now)
    assert status.burn_micros_per_day == 24 * USD  # one dollar per hour, not per minute


def test_now_exactly_at_the_reset_starts_from_zero() -> None:
    now = utc(2026, 5, 1)
    points = [point(utc(2026, 4, 30, 23), 60 * USD), point(now, 1 * USD)]
    status = plan_status(APRIL, points, now)
    assert status.period.start == now
    assert status.spent_micros == 1 * USD
    assert status.burn_micros_per_day == 24 * USD
    # One entry at the very start of the period is too little to project from (issue 11:
    # this used to claim 1 + 24 * 31 = 745 dollars by the end of May).
    assert not status.projectable
    assert status.projected_period_micros is None


def test_over_budget() -> None:
    plan = budget(10 * USD, reset_day=1)
    crossing = utc(2026, 4, 8)
    points = [
        point(utc(2026, 4, 2), 6 * USD),
        point(crossing, 4 * USD),  # the total reaches 10 here
        point(utc(2026, 4, 9), 1 * USD),
    ]
    status = plan_status(plan, list(reversed(points)), utc(2026, 4, 11))
    assert status.spent_micros == 11 * USD
    assert status.remaining_micros == -1 * USD
    (cap,) = status.caps
    assert cap.basis_points == 11_000
    assert cap.reached_at == crossing
    assert status.crossed_thresholds == (50, 80, 100)


@pytest.mark.parametrize(
    ("spent", "crossed"),
    [
        (0, ()),
        (30 * USD, ()),
        (50 * USD - 1, ()),
        (50 * USD, (50,)),
        (80 * USD, (50, 80)),
        (85 * USD, (50, 80)),
        (100 * USD, (50, 80, 100)),
        (110 * USD, (50, 80, 100)),
    ],
)
def test_crossed_thresholds(spent: int, crossed: tuple[int, ...]) -> None:
    status = plan_status(APRIL, [point(utc(2026, 4, 2), spent)], utc(2026, 4, 11))
    assert status.crossed_thresholds == crossed


def test_thresholds_are_reported_ascending_whatever_their_order() -> None:
    plan = budget(100 * USD, thresholds=(100, 25, 75))
    status = plan_status(plan, [point(utc(2026, 4, 2), 80 * USD)], utc(2026, 4, 11))
    assert status.crossed_thresholds == (25, 75)


def test_a_budget_plan_start_inside_the_period_limits_counting() -> None:
    plan = budget(100 * USD, start=utc(2026, 4, 6))
    points = [point(utc(2026, 4, 2), 50 * USD), point(utc(2026, 4, 7), 5 * USD)]
    status = plan_status(plan, points, utc(2026, 4, 11))
    assert status.period == Period(utc(2026, 4, 1), utc(2026, 5, 1))
    assert status.spent_micros == 5 * USD
    assert status.burn_micros_per_day == 1 * USD  # over the 5 days since the start


def test_the_last_hour_before_a_dst_reset_belongs_to_the_old_period() -> None:
    plan = budget(100 * USD, reset_day=8, timezone="America/New_York")
    late = point(utc(2026, 3, 8, 4, 30), 3 * USD)  # 23:30 EST on 7 March
    before = plan_status(plan, [late], utc(2026, 3, 8, 4, 59))
    after = plan_status(plan, [late], utc(2026, 3, 8, 5))
    assert before.spent_micros == 3 * USD
    assert after.spent_micros == 0


# --- plan_status: prepaid -----------------------------------------------------------------


def test_prepaid_balance() -> None:
    plan = prepaid(50 * USD, start=utc(2026, 1, 1), low_balance_micros=10 * USD)
    points = [
        point(utc(2025, 12, 31), 30 * USD),  # before the top-up
        point(utc(2026, 1, 5), 45 * USD),
        point(utc(2026, 3, 1), 1 * USD),  # after now
    ]
    status = plan_status(plan, points, utc(2026, 1, 11))
    assert status.period == Period(utc(2026, 1, 1), FAR_FUTURE)
    assert status.spent_micros == 45 * USD
    assert status.remaining_micros == 5 * USD
    assert status.low_balance
    assert status.projected_period_micros is None
    assert status.burn_micros_per_day == 4_500_000
    (cap,) = status.caps
    assert (cap.label, cap.used, cap.limit, cap.basis_points) == (
        "balance",
        45 * USD,
        50 * USD,
        9000,
    )
    assert cap.resets_at is None
    # 5 dollars to go at 4.50 a day
    assert cap.reached_at == utc(2026, 1, 11) + timedelta(days=10) / 9
    assert status.crossed_thresholds == (50, 80)


@pytest.mark.parametrize(
    ("low", "expected"), [(None, False), (5 * USD, False), (5 * USD + 1, True)]
)
def test_low_balance_is_strictly_below_the_warning(low: int | None, expected: bool) -> None:
    plan = prepaid(50 * USD, start=utc(2026, 1, 1), low_balance_micros=low)
    status = plan_status(plan, [point(utc(2026, 1, 5), 45 * USD)], utc(2026, 1, 11))
    assert status.low_balance is expected


def test_prepaid_without_start_begins_at_the_earliest_point() -> None:
    points = [point(utc(2026, 2, 1), 2 * USD), point(utc(2026, 1, 2), 1 * USD)]
    later = point(utc(2027, 1, 1), 9 * USD)  # after now: neither counted nor the start
    status = plan_status(prepaid(), [*points, later], utc(2026, 2, 2))
    assert status.period.start == utc(2026, 1, 2)
    assert status.spent_micros == 3 * USD
    empty = plan_status(prepaid(), [], utc(2026, 2, 2))
    assert empty.period.start == utc(2026, 2, 2)
    assert empty.burn_micros_per_day == 0
    assert empty.remaining_micros == 50 * USD


def test_prepaid_not_yet_started_counts_nothing() -> None:
    plan = prepaid(start=utc(2026, 6, 1))
    status = plan_status(plan, [point(utc(2026, 5, 1), 5 * USD)], utc(2026, 5, 2))
    assert status.spent_micros == 0
    assert status.burn_micros_per_day == 0


# --- plan_status: subscriptions and rolling windows ---------------------------------------


def test_subscription_spend_is_the_fee_and_costs_are_api_equivalent() -> None:
    plan = subscription(20 * USD, monthly_token_cap=1_000_000)
    points = [
        point(utc(2026, 4, 2), 10 * USD, tokens=400_000),
        point(utc(2026, 4, 3), None, tokens=100_000),
    ]
    status = plan_status(plan, points, utc(2026, 4, 11))
    assert status.spent_micros == 20 * USD
    assert status.remaining_micros is None
    assert status.api_equivalent_micros == 10 * USD
    assert status.unpriced_entries == 1
    assert status.burn_micros_per_day == 1 * USD
    assert status.projected_period_micros == 30 * USD
    (cap,) = status.caps
    assert (cap.label, cap.used, cap.basis_points) == ("monthly tokens", 500_000, 5000)
    assert cap.resets_at == utc(2026, 5, 1)
    assert cap.reached_at == utc(2026, 4, 21)  # 50 000 a day: 10 more days
    assert status.crossed_thresholds == (50,)


def test_subscription_without_caps_crosses_nothing() -> None:
    status = plan_status(subscription(), [point(utc(2026, 4, 2), 10 * USD)], utc(2026, 4, 11))
    assert status.caps == ()
    assert status.crossed_thresholds == ()


@pytest.mark.parametrize(("hours", "label"), [(5, "5h"), (168, "7d"), (3, "3h"), (24, "24h")])
def test_window_labels(hours: int, label: str) -> None:
    assert window_label(hours) == label


def test_windows_straddle_the_period_boundary() -> None:
    plan = subscription(
        monthly_token_cap=10_000,
        windows=(WindowCap(5, max_tokens=1000, max_requests=10), WindowCap(168, max_tokens=5000)),
    )
    now = utc(2026, 5, 1, 2)  # two hours into May
    points = [
        point(utc(2026, 4, 27), 0, tokens=2000),  # in the 7-day window only
        point(utc(2026, 4, 30, 21), 0, tokens=300),  # exactly 5 h ago: outside the 5h window
        point(utc(2026, 4, 30, 22), 0, tokens=200, requests=2),  # April, inside the window
        point(utc(2026, 5, 1, 1), 0, tokens=100, requests=1),
        point(utc(2026, 5, 1, 3), 0, tokens=5000, requests=5),  # after now
    ]
    caps = {cap.label: cap for cap in plan_status(plan, points, now).caps}
    assert list(caps) == ["monthly tokens", "5h tokens", "5h requests", "7d tokens"]
    assert caps["monthly tokens"].used == 100
    assert caps["5h tokens"].used == 300
    assert caps["5h requests"].used == 3
    assert caps["5h tokens"].resets_at == utc(2026, 5, 1, 3)  # when the 22:00 point leaves
    assert caps["7d tokens"].used == 2600
    assert caps["7d tokens"].basis_points == 5200
    assert caps["7d tokens"].resets_at == utc(2026, 5, 4)
    described = [(c.measure, c.window_hours) for c in caps.values()]
    assert described == [
        (Measure.TOKENS, None),
        (Measure.TOKENS, 5),
        (Measure.REQUESTS, 5),
        (Measure.TOKENS, 168),
    ]


@pytest.mark.parametrize("plan", [budget(), prepaid()])
def test_money_caps_say_so(plan: Plan) -> None:
    (cap,) = plan_status(plan, [], utc(2026, 5, 1)).caps
    assert (cap.measure, cap.window_hours) == (Measure.MONEY, None)


def test_window_resets_when_its_oldest_contributing_point_leaves() -> None:
    plan = subscription(windows=(WindowCap(5, max_tokens=1000, max_requests=10),))
    now = utc(2026, 4, 10, 12)
    points = [
        point(utc(2026, 4, 10, 8), tokens=0, requests=1),  # a request without tokens
        point(utc(2026, 4, 10, 10), tokens=100, requests=1),
    ]
    tokens, requests = plan_status(plan, points, now).caps
    assert tokens.resets_at == utc(2026, 4, 10, 15)
    assert requests.resets_at == utc(2026, 4, 10, 13)
    empty = plan_status(plan, [], now).caps
    assert [cap.resets_at for cap in empty] == [None, None]
    assert [cap.reached_at for cap in empty] == [None, None]


def test_window_reached_at_uses_the_rate_over_the_window() -> None:
    plan = subscription(windows=(WindowCap(5, max_tokens=100),))
    now = utc(2026, 4, 10, 12)
    # 80 tokens in a 5-hour window is 16 an hour: 20 more take 1 h 15 min, before the
    # point leaves the window at 17:00
    (cap,) = plan_status(plan, [point(now, tokens=80)], now).caps
    assert cap.reached_at == utc(2026, 4, 10, 13, 15)
    # 50 tokens: 50 more take 5 hours, but the window drops at 16:00 first
    (cap,) = plan_status(plan, [point(now - timedelta(hours=1), tokens=50)], now).caps
    assert cap.resets_at == utc(2026, 4, 10, 16)
    assert cap.reached_at is None


def test_a_reached_window_reports_when_it_was_crossed() -> None:
    plan = subscription(windows=(WindowCap(5, max_requests=2),))
    now = utc(2026, 4, 10, 12)
    points = [point(now - timedelta(hours=h), requests=1) for h in (6, 3, 2, 1)]
    (cap,) = plan_status(plan, points, now).caps
    assert cap.used == 3
    assert cap.basis_points == 15_000
    assert cap.reached_at == now - timedelta(hours=2)  # the second point still inside


def test_a_zero_limit_is_reached_from_the_start() -> None:
    plan = budget(0)
    now = utc(2026, 4, 11)
    (cap,) = plan_status(plan, [], now).caps
    assert cap.basis_points == 0
    assert cap.reached_at == now
    (cap,) = plan_status(plan, [point(utc(2026, 4, 2), 1)], now).caps
    assert cap.basis_points == 10_000  # as if the limit were one micro-unit
    assert cap.reached_at == now  # no point was needed to reach it


# --- property tests of status ---------------------------------------------------------------

points_strategy = st.lists(
    st.builds(
        point,
        at=st.datetimes(
            min_value=datetime(2026, 3, 1),
            max_value=datetime(2026, 6, 1),
            timezones=st.just(UTC),
        ),
        cost=st.none() | st.integers(0, 10 * USD),
        tokens=st.integers(0, 100_000),
        requests=st.integers(0, 5),
        converted=st.booleans(),
    ),
    max_size=30,
)
april_instants = st.datetimes(
    min_value=datetime(2026, 4, 1),
    max_value=datetime(2026, 5, 1),
    timezones=st.just(UTC),
)


@given(points=points_strategy, now=april_instants, extra=st.integers(0, 10 * USD))
def test_more_spend_never_lowers_the_percentage(
    points: list[UsagePoint], now: datetime, extra: int
) -> None:
    plan = budget(50 * USD, reset_day=1)
    status = plan_status(plan, points, now)
    more = plan_status(plan, [*points, point(now, extra)], now)
    assert more.caps[0].basis_points >= status.caps[0].basis_points
    assert more.spent_micros == status.spent_micros + extra
    assert set(status.crossed_thresholds) <= set(more.crossed_thresholds)


@given(points=points_strategy, now=april_instants)
def test_subscription_status_matches_a_direct_count(
    points: list[UsagePoint], now: datetime
) -> None:
    plan = subscription(
        monthly_token_cap=500_000,
        windows=(WindowCap(5, max_tokens=200_000, max_requests=20), WindowCap(168, 1_000_000)),
    )
    status = plan_status(plan, points, now)
    period = current_period(plan, now)
    counted = [p for p in points if period.start <= p.at <= now]
    assert status.api_equivalent_micros == sum(p.cost_micros or 0 for p in counted)
    assert status.unpriced_entries == sum(p.cost_micros is None for p in counted)
    assert status.converted_entries == sum(p.converted for p in counted)
    assert status.requests == sum(p.requests for p in counted)
    assert status.burn_micros_per_day >= 0
    if status.projectable:
        assert status.projected_period_micros is not None
        assert status.projected_period_micros >= status.api_equivalent_micros
    else:
        assert status.projected_period_micros is None
        assert all(c.reached_at is None or c.reached_at <= now for c in status.caps)
    for cap in status.caps:
        hours = {"5h": 5, "7d": 168}.get(cap.label.split()[0])
        if hours is not None:
            inside = [p for p in points if now - timedelta(hours=hours) < p.at <= now]
            measure = "requests" if cap.label.endswith("requests") else "tokens"
            assert cap.used == sum(getattr(p, measure) for p in inside)
        if cap.reached_at is not None and cap.used < cap.limit:
            assert now < cap.reached_at
            assert cap.resets_at is not None
            assert cap.reached_at < cap.resets_at
        if cap.used >= cap.limit:
            assert cap.reached_at is not None
            assert cap.reached_at <= now


def test_a_stored_window_too_long_to_compute_gives_one_clear_error() -> None:
    """Older versions stored any length; status must not fail with OverflowError."""
    plan = Plan(
        "Old", PlanKind.SUBSCRIPTION, "USD", 1, windows=(WindowCap(99_999_999_999, 1, None),)
    )
    now = datetime(2026, 5, 1, tzinfo=UTC)
    for call in (lambda: current_period(plan, now), lambda: plan_status(plan, [], now)):
        with pytest.raises(UserInputError, match="plan 'Old' has a window of 99,999,999,999"):
            call()
