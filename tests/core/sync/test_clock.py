"""Hybrid logical clock: stamps only grow, and an edit made after seeing another sorts after
it even when this device's wall clock is behind."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenbudget.core.sync.clock import MAX_LEAD_MS, Clock, Stamp

MINUTE = 60_000


def test_ticks_grow_even_when_the_wall_clock_goes_back() -> None:
    clock = Clock("a")
    first = clock.tick(1_000_000)
    second = clock.tick(1_000_000)
    third = clock.tick(999_000)  # NTP stepped the clock back
    assert first < second < third
    assert third.wall_ms == 1_000_000 and third.counter == 2


def test_an_edit_after_seeing_a_remote_one_sorts_after_it_despite_skew() -> None:
    ahead, behind = Clock("a"), Clock("b")
    remote = ahead.tick(10_000_000 + 5 * MINUTE)  # device a's clock is 5 minutes fast
    behind.observe(remote, 10_000_000)
    local = behind.tick(10_000_000 + 1_000)  # b edits a second later by its own clock
    assert local > remote
    assert local.device == "b"


def test_a_stamp_from_far_in_the_future_moves_the_clock_at_most_a_day() -> None:
    clock = Clock("a")
    clock.observe(Stamp(10_000_000 + 365 * 86_400_000, 0, "z"), 10_000_000)
    assert clock.tick(10_000_000).wall_ms == 10_000_000 + MAX_LEAD_MS


def test_equal_wall_times_are_settled_by_counter_then_device() -> None:
    assert Stamp(5, 1, "a") < Stamp(5, 2, "a") < Stamp(5, 2, "b") < Stamp(6, 0, "a")


@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 10**13 - MAX_LEAD_MS - 1), st.integers(0, 999)),
        max_size=40,
    )
)
def test_stamps_issued_are_strictly_increasing_and_above_all_observed(
    steps: list[tuple[bool, int, int]],
) -> None:
    clock = Clock("me")
    issued: list[Stamp] = []
    seen: list[Stamp] = []
    for is_tick, wall, counter in steps:
        if is_tick:
            issued.append(clock.tick(wall))
            assert all(issued[-1] > s for s in seen if s.wall_ms <= wall + MAX_LEAD_MS)
        else:
            remote = Stamp(wall, counter, "other")
            seen.append(remote)
            clock.observe(remote, wall)
    assert issued == sorted(issued) and len(set(issued)) == len(issued)


@pytest.mark.parametrize("text", ["", "1.2.a", "0000000000001.000001.A", "x" * 30])
def test_malformed_stamp_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a stamp"):
        Stamp.parse(text)


def test_stamp_text_round_trips_and_sorts_as_the_stamp() -> None:
    stamps = [Stamp(9, 0, "b"), Stamp(10, 0, "a"), Stamp(10, 1, "a")]
    assert [Stamp.parse(s.text()) for s in stamps] == stamps
    assert sorted(s.text() for s in stamps) == [s.text() for s in sorted(stamps)]
