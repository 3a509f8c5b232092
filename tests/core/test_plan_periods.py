"""Billing periods of tokenbudget.core.plans: month boundaries, time zones, DST."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plan_support import US, budget, prepaid, utc

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.plans import (
    FAR_FUTURE,
    Period,
    current_period,
    local_day_start,
    period_start_date,
    plan_status,
)

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
