"""Periods, caps, rolling windows and projections of tokenbudget.core.plans."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    local_day_start,
    period_start_date,
    plan_status,
    window_label,
)

USD = 1_000_000  # one dollar in micro-units
US = timedelta(microseconds=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def point(
    at: datetime,
    cost: int | None = 0,
    *,
    tokens: int = 0,
    requests: int = 1,
    converted: bool = False,
    entries: int = 1,
) -> UsagePoint:
    """A point whose token parts add up to ``tokens`` (input 1/2, output the rest)."""
    return UsagePoint(
        at=at,
        tokens=tokens,
        input_tokens=tokens // 2,
        cache_read_tokens=0,
        cache_write_tokens=0,
        output_tokens=tokens - tokens // 2,
        requests=requests,
        cost_micros=cost,
        converted=converted,
        entries=entries,
    )


def budget(amount: int = 100 * USD, **kw: object) -> Plan:
    return Plan("budget", PlanKind.BUDGET, "USD", amount, **kw)  # type: ignore[arg-type]


def subscription(fee: int = 20 * USD, **kw: object) -> Plan:
    return Plan("sub", PlanKind.SUBSCRIPTION, "USD", fee, **kw)  # type: ignore[arg-type]


def prepaid(amount: int = 50 * USD, **kw: object) -> Plan:
    return Plan("prepaid", PlanKind.PREPAID, "USD", amount, **kw)  # type: ignore[arg-type]


# --- period_start_date --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "reset_day", "expected"),
    [
        (2026, 1, 1, date(2026, 1, 1)),
        (2026, 1, 31, date(2026, 1, 31)),
        (2026, 2, 28, date(2026, 2, 28)),
        (2026, 2, 29, date(2026, 2, 28)),  # non-leap February
        (2026, 2, 30, date(2026, 2, 28)),
        (2026, 2, 31, date(2026, 2, 28)),
        (2028, 2, 29, date(2028, 2, 29)),  # leap February
        (2028, 2, 30, date(2028, 2, 29)),
        (2028, 2, 31, date(2028, 2, 29)),
        (2100, 2, 29, date(2100, 2, 28)),  # century, not a leap year
        (2000, 2, 31, date(2000, 2, 29)),  # 400-year rule, a leap year
        (2026, 4, 30, date(2026, 4, 30)),
        (2026, 4, 31, date(2026, 4, 30)),
        (2026, 12, 31, date(2026, 12, 31)),
    ],
)
def test_period_start_date_clamps_to_the_month(
    year: int, month: int, reset_day: int, expected: date
) -> None:
    assert period_start_date(year, month, reset_day) == expected


@pytest.mark.parametrize("reset_day", [0, 32, -1])
def test_period_start_date_refuses_impossible_days(reset_day: int) -> None:
    with pytest.raises(UserInputError, match="reset day"):
        period_start_date(2026, 1, reset_day)


# --- current_period -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "reset_day", "now", "start", "end"),
    [
        # month ends and short months, UTC
        ("UTC", 1, utc(2026, 1, 15), utc(2026, 1, 1), utc(2026, 2, 1)),
        ("UTC", 15, utc(2026, 1, 10), utc(2025, 12, 15), utc(2026, 1, 15)),  # across the year
        ("UTC", 31, utc(2026, 2, 15), utc(2026, 1, 31), utc(2026, 2, 28)),
        ("UTC", 31, utc(2026, 3, 1), utc(2026, 2, 28), utc(2026, 3, 31)),
        ("UTC", 31, utc(2026, 4, 30, 0, 0), utc(2026, 4, 30), utc(2026, 5, 31)),
        ("UTC", 31, utc(2026, 4, 29, 23, 59), utc(2026, 3, 31), utc(2026, 4, 30)),
        ("UTC", 30, utc(2026, 3, 1), utc(2026, 2, 28), utc(2026, 3, 30)),
        ("UTC", 30, utc(2026, 4, 30, 12), utc(2026, 4, 30), utc(2026, 5, 30)),
        ("UTC", 29, utc(2026, 3, 15), utc(2026, 2, 28), utc(2026, 3, 29)),
        # leap year: 29 February 2028
        ("UTC", 29, utc(2028, 2, 29, 12), utc(2028, 2, 29), utc(2028, 3, 29)),
        ("UTC", 31, utc(2028, 2, 29), utc(2028, 2, 29), utc(2028, 3, 31)),
        ("UTC", 31, utc(2028, 2, 28, 23, 59), utc(2028, 1, 31), utc(2028, 2, 29)),
        ("UTC", 30, utc(2028, 2, 29), utc(2028, 2, 29), utc(2028, 3, 30)),
        # Asia/Shanghai, UTC+8 all year: midnight is 16:00 UTC the day before
        ("Asia/Shanghai", 1, utc(2026, 5, 31, 16), utc(2026, 5, 31, 16), utc(2026, 6, 30, 16)),
        ("Asia/Shanghai", 1, utc(2026, 5, 31, 15, 59), utc(2026, 4, 30, 16), utc(2026, 5, 31, 16)),
        # America/New_York: boundaries on the DST-change days of 2026
        ("America/New_York", 8, utc(2026, 3, 20), utc(2026, 3, 8, 5), utc(2026, 4, 8, 4)),
        ("America/New_York", 8, utc(2026, 3, 8, 4, 59), utc(2026, 2, 8, 5), utc(2026, 3, 8, 5)),
        ("America/New_York", 1, utc(2026, 11, 15), utc(2026, 11, 1, 4), utc(2026, 12, 1, 5)),
        ("America/New_York", 1, utc(2026, 11, 1, 3, 59), utc(2026, 10, 1, 4), utc(2026, 11, 1, 4)),
        # Europe/London: GMT in winter, BST (UTC+1) in summer; BST starts 29 March 2026
        ("Europe/London", 1, utc(2026, 1, 10), utc(2026, 1, 1), utc(2026, 2, 1)),
        ("Europe/London", 1, utc(2026, 3, 10), utc(2026, 3, 1), utc(2026, 3, 31, 23)),
        ("Europe/London", 1, utc(2026, 7, 10), utc(2026, 6, 30, 23), utc(2026, 7, 31, 23)),
        # Australia/Lord_Howe: +11 in summer, +10:30 in winter (a 30-minute DST);
        # DST ends 5 April 2026
        ("Australia/Lord_Howe", 1, utc(2026, 1, 10), utc(2025, 12, 31, 13), utc(2026, 1, 31, 13)),
        (
            "Australia/Lord_Howe",
            1,
            utc(2026, 4, 10),
            utc(2026, 3, 31, 13),
            utc(2026, 4, 30, 13, 30),
        ),
        (
            "Australia/Lord_Howe",
            1,
            utc(2026, 7, 10),
            utc(2026, 6, 30, 13, 30),
            utc(2026, 7, 31, 13, 30),
        ),
        # Pacific/Chatham: +13:45 in summer, +12:45 in winter
        (
            "Pacific/Chatham",
            1,
            utc(2026, 1, 10),
            utc(2025, 12, 31, 10, 15),
            utc(2026, 1, 31, 10, 15),
        ),
        (
            "Pacific/Chatham",
            1,
            utc(2026, 7, 10),
            utc(2026, 6, 30, 11, 15),
            utc(2026, 7, 31, 11, 15),
        ),
        # America/Santiago skips midnight on 6 September 2026 (00:00 -04 -> 01:00 -03):
        # the period starts at the jump, 01:00 local
        ("America/Santiago", 6, utc(2026, 9, 20), utc(2026, 9, 6, 4), utc(2026, 10, 6, 3)),
        # and repeats 23:00-24:00 on 4 April 2026: 5 April begins once, at 00:00 -04
        ("America/Santiago", 5, utc(2026, 4, 20), utc(2026, 4, 5, 4), utc(2026, 5, 5, 4)),
        # America/Havana repeats 00:00-01:00 on 1 November 2026: the earlier midnight
        ("America/Havana", 1, utc(2026, 11, 15), utc(2026, 11, 1, 4), utc(2026, 12, 1, 5)),
    ],
)
def test_current_period(
    zone: str, reset_day: int, now: datetime, start: datetime, end: datetime
) -> None:
    period = current_period(budget(reset_day=reset_day, timezone=zone), now)
    assert period == Period(start, end)
    assert period.start.tzinfo is UTC
    assert period.end.tzinfo is UTC
    assert period.contains(now)


def test_dst_change_days_make_periods_an_hour_shorter_or_longer() -> None:
    spring = current_period(budget(reset_day=8, timezone="America/New_York"), utc(2026, 3, 9))
    assert spring.end - spring.start == timedelta(days=31, hours=-1)
    autumn = current_period(budget(reset_day=1, timezone="America/New_York"), utc(2026, 11, 2))
    assert autumn.end - autumn.start == timedelta(days=30, hours=1)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Australia/Lord_Howe"])
def test_now_exactly_at_a_boundary_belongs_to_the_new_period(zone: str) -> None:
    plan = budget(reset_day=31, timezone=zone)
    old = current_period(plan, utc(2026, 2, 10))
    new = current_period(plan, old.end)
    assert new.start == old.end
    assert current_period(plan, old.end - US) == old


def test_now_in_any_zone_gives_the_same_period() -> None:
    plan = budget(reset_day=1, timezone="Asia/Shanghai")
    instant = utc(2026, 5, 31, 16)
    assert current_period(plan, instant.astimezone(ZoneInfo("America/New_York"))) == (
        current_period(plan, instant)
    )


def test_prepaid_period_runs_from_start_to_far_future() -> None:
    start = datetime(2026, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    period = current_period(prepaid(start=start), utc(2026, 5, 1))
    assert period == Period(utc(2026, 3, 1, 1), FAR_FUTURE)
    assert period.start.tzinfo is UTC
    assert current_period(prepaid(), utc(2026, 5, 1)) == Period(utc(2026, 5, 1), FAR_FUTURE)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        current_period(budget(), datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        plan_status(budget(), [], datetime(2026, 1, 1))
    with pytest.raises(ValueError, match=r"plan\.start must be timezone-aware"):
        plan_status(budget(start=datetime(2026, 1, 1)), [], utc(2026, 1, 2))
    with pytest.raises(UserInputError, match="unknown time zone 'Mars/Olympus'"):
        current_period(budget(timezone="Mars/Olympus"), utc(2026, 1, 1))
    with pytest.raises(UserInputError, match="reset day"):
        plan_status(budget(reset_day=32), [], utc(2026, 1, 1))


# --- local_day_start ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "expected", "local_time"),
    [
        ("America/Santiago", date(2026, 9, 6), utc(2026, 9, 6, 4), "01:00"),  # skipped
        ("Asia/Beirut", date(2010, 3, 28), utc(2010, 3, 27, 22), "01:00"),  # skipped
        ("America/Havana", date(2026, 3, 8), utc(2026, 3, 8, 5), "01:00"),  # skipped
        ("America/Havana", date(2026, 11, 1), utc(2026, 11, 1, 4), "00:00"),  # twice
        ("Europe/London", date(2026, 3, 29), utc(2026, 3, 29), "00:00"),  # change at 01:00
    ],
)
def test_local_day_start(zone: str, day: date, expected: datetime, local_time: str) -> None:
    start = local_day_start(day, ZoneInfo(zone))
    assert start == expected
    local = start.astimezone(ZoneInfo(zone))
    assert local.date() == day
    assert f"{local:%H:%M}" == local_time
    assert (start - US).astimezone(ZoneInfo(zone)).date() < day


def _zone_with_gap_across_midnight() -> ZoneInfo:
    """A made-up zone whose clocks jump from 23:30 to 00:30 on 14/15 March 2026 (TZif v1)."""
    jump = int(utc(2026, 3, 14, 23, 30).timestamp())
    data = (
        b"TZif"
        + bytes(16)
        + struct.pack(">6l", 0, 0, 0, 1, 2, 8)
        + struct.pack(">l", jump)
        + bytes([1])
        + struct.pack(">lBB", 0, 0, 0)
        + struct.pack(">lBB", 3600, 1, 4)
        + b"AAA\0BBB\0"
    )
    return ZoneInfo.from_file(io.BytesIO(data), key="Test/Gap")


def test_a_gap_that_starts_before_midnight_starts_the_day_at_the_jump() -> None:
    zone = _zone_with_gap_across_midnight()
    # Reading 00:00 with the old offset would give 00:00 UTC (01:00 local) and lose half an
    # hour of the new day; the day really begins at the jump, 00:30 local.
    start = local_day_start(date(2026, 3, 15), zone)
    assert start == utc(2026, 3, 14, 23, 30)
    assert f"{start.astimezone(zone):%d %H:%M}" == "15 00:30"
    assert local_day_start(date(2026, 3, 16), zone) == utc(2026, 3, 15, 23)


# --- property tests of periods ------------------------------------------------------------

ZONES = [
    "UTC",
    "Asia/Shanghai",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "America/Havana",
    "Asia/Kolkata",
    "America/St_Johns",
]

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.just(UTC),
)


@given(now=instants, reset_day=st.integers(1, 31), zone=st.sampled_from(ZONES))
def test_periods_contain_now_and_tile_time(now: datetime, reset_day: int, zone: str) -> None:
    plan = budget(reset_day=reset_day, timezone=zone)
    period = current_period(plan, now)
    assert period.start <= now < period.end
    assert timedelta(days=27) < period.end - period.start < timedelta(days=32)
    # consecutive periods meet exactly: no gap, no overlap
    following = current_period(plan, period.end)
    assert following.start == period.end
    assert current_period(plan, period.end - US) == period
    assert current_period(plan, period.start) == period
    assert current_period(plan, period.start - US).end == period.start
    # each starts on the (clamped) reset day, local time, and the instant before is earlier
    tz = ZoneInfo(zone)
    local = period.start.astimezone(tz)
    assert local.date() == period_start_date(local.year, local.month, reset_day)
    assert (period.start - US).astimezone(tz).date() < local.date()


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
    # 31 days remain in May: 1 + 24 * 31 = 745 dollars projected
    assert status.projected_period_micros == 745 * USD


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
    assert status.projected_period_micros is not None
    assert status.projected_period_micros >= status.api_equivalent_micros
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
