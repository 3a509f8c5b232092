"""Row maps give every row of a filtered history in place; pages are cached; period presets."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.history_query import (
    PageCache,
    Period,
    build_row_map,
    month_start,
    period_bounds,
)
from tokenbudget.core.ledger import HistoryFilter, Ledger

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PROVIDERS = [
    ("openai", "gpt-5.5"),
    ("anthropic", "claude-sonnet-4-6"),
    ("deepseek", "deepseek-v4-flash"),
]


def make_entries(count: int) -> list[NewEntry]:
    rng = random.Random(5)
    entries = []
    for i in range(count):
        provider, model = rng.choice(PROVIDERS)
        # Many share a time: the order must still be exact (newest first, then by id).
        at = T0 - timedelta(hours=rng.randrange(0, 24 * 9), minutes=rng.choice([0, 30]))
        entries.append(
            NewEntry(
                at=at,
                provider=provider,
                model=model,
                tokens=TokenCounts(10, 0, 0, 0, 5),
                cost_micros=100,
                currency="USD",
                source="codex" if i % 3 else "manual",
                note="会议纪要" if i % 7 == 0 else None,
            )
        )
    return entries


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with Ledger.open(tmp_path_factory.mktemp("rows") / "ledger.sqlite3") as opened:
        opened.add_entries(make_entries(700), want_ids=False)
        yield opened


def expected_ids(entries: list[Entry], flt: HistoryFilter) -> list[int]:
    kept = [
        e
        for e in entries
        if (flt.since is None or e.at >= flt.since)
        and (flt.until is None or e.at < flt.until)
        and (not flt.providers or e.provider in flt.providers)
        and (not flt.sources or e.source in flt.sources)
        and (not flt.text or (e.note is not None and flt.text in e.note))
    ]
    kept.sort(key=lambda e: (e.at, e.id), reverse=True)
    return [e.id for e in kept]


FILTERS = [
    HistoryFilter(),
    HistoryFilter(providers=("openai",)),
    HistoryFilter(sources=("manual",)),
    HistoryFilter(since=T0 - timedelta(days=3, hours=5, minutes=7)),
    HistoryFilter(until=T0 - timedelta(days=2, minutes=13)),
    HistoryFilter(
        since=T0 - timedelta(days=6, hours=1),
        until=T0 - timedelta(days=1, hours=22),
        providers=("anthropic",),
    ),
    HistoryFilter(since=T0 - timedelta(hours=5), until=T0 - timedelta(hours=1)),  # within a day
    HistoryFilter(text="会议"),
    HistoryFilter(text="会议", providers=("deepseek",)),
    HistoryFilter(providers=("nobody",)),
]


@pytest.mark.parametrize("flt", FILTERS)
@pytest.mark.parametrize("page", [1, 7, 100])
def test_every_row_is_where_the_order_puts_it(
    ledger: Ledger, flt: HistoryFilter, page: int
) -> None:
    want = expected_ids(list(ledger.iter_entries()), flt)
    row_map = build_row_map(ledger, flt)
    assert row_map.total == len(want)
    got: list[int] = []
    for start in range(0, row_map.total, page):
        rows = row_map.fetch(ledger, start, page)
        assert len(rows) == min(page, row_map.total - start)
        got.extend(e.id for e in rows if e is not None)
    assert got == want
    assert row_map.fetch(ledger, row_map.total, 10) == []


def test_random_access_matches_the_full_order(ledger: Ledger) -> None:
    want = expected_ids(list(ledger.iter_entries()), HistoryFilter())
    row_map = build_row_map(ledger, HistoryFilter())
    rng = random.Random(1)
    for _ in range(50):
        start = rng.randrange(row_map.total)
        rows = row_map.fetch(ledger, start, 13)
        assert [e.id for e in rows if e is not None] == want[start : start + 13]


def test_rows_gone_since_the_map_was_built_leave_one_gap_and_the_rest_in_order(
    tmp_path: Path,
) -> None:
    with Ledger.open(tmp_path / "l.sqlite3") as ledger:
        ledger.add_entries(make_entries(50), want_ids=False)
        for flt in (HistoryFilter(), HistoryFilter(text="会议")):
            row_map = build_row_map(ledger, flt)
            before = row_map.fetch(ledger, 0, row_map.total)
            assert all(e is not None for e in before)
            gone = before[1]
            assert gone is not None
            removed = ledger.delete_entries([gone.id])
            after = row_map.fetch(ledger, 0, row_map.total)
            assert len(after) == len(before)
            assert after.count(None) == 1
            assert [e for e in after if e is not None] == [e for e in before if e is not gone]
            if flt.text:  # a search's rows keep their places: the gap is where the row was
                assert after[1] is None
            ledger.restore_entries(removed)


def test_the_page_cache_reads_each_page_once_and_keeps_the_recent_ones() -> None:
    reads: list[tuple[int, int]] = []

    def fetch(start: int, count: int) -> list[Entry | None]:
        reads.append((start, count))
        return [None] * count

    cache = PageCache(fetch, page_size=10, pages=2)
    for row in (0, 5, 9):
        cache.entry(row)
    assert reads == [(0, 10)]
    cache.entry(15)
    cache.entry(3)  # page 0 used again: page 1 is now the oldest
    cache.entry(25)  # evicts page 1
    assert cache.cached(3) is None and 0 in cache._pages and 1 not in cache._pages
    cache.entry(12)
    assert reads == [(0, 10), (10, 10), (20, 10), (10, 10)]
    assert cache.loads == 4
    cache.clear()
    cache.entry(0)
    assert reads[-1] == (0, 10)


SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("period", "today", "tz", "since", "until"),
    [
        (Period.ALL, date(2026, 11, 27), UTC, None, None),
        (
            Period.TODAY,
            date(2026, 11, 27),
            SHANGHAI,
            datetime(2026, 11, 27, tzinfo=SHANGHAI),
            datetime(2026, 11, 28, tzinfo=SHANGHAI),
        ),
        (
            Period.LAST_7_DAYS,
            date(2026, 3, 2),
            UTC,
            datetime(2026, 2, 24, tzinfo=UTC),
            datetime(2026, 3, 3, tzinfo=UTC),
        ),
        (
            Period.THIS_MONTH,
            date(2026, 3, 27),
            NEW_YORK,  # summer time starts on 8 March: the month is an hour short
            datetime(2026, 3, 1, 5, tzinfo=UTC),
            datetime(2026, 4, 1, 4, tzinfo=UTC),
        ),
        (
            Period.LAST_MONTH,
            date(2026, 1, 15),
            UTC,
            datetime(2025, 12, 1, tzinfo=UTC),
            datetime(2026, 1, 1, tzinfo=UTC),
        ),
        (
            Period.LAST_30_DAYS,
            date(2026, 11, 27),
            UTC,
            datetime(2026, 10, 29, tzinfo=UTC),
            datetime(2026, 11, 28, tzinfo=UTC),
        ),
        (
            Period.THIS_YEAR,
            date(2026, 12, 31),
            SHANGHAI,
            datetime(2025, 12, 31, 16, tzinfo=UTC),
            datetime(2026, 12, 31, 16, tzinfo=UTC),
        ),
    ],
)
def test_period_presets_are_whole_local_days(
    period: Period,
    today: date,
    tz: ZoneInfo,
    since: datetime | None,
    until: datetime | None,
) -> None:
    assert period_bounds(period, today, tz=tz) == (since, until)


def test_a_custom_period_includes_its_last_day() -> None:
    since, until = period_bounds(
        Period.CUSTOM, date(2026, 11, 27), tz=UTC, first=date(2026, 2, 27), last=date(2026, 2, 28)
    )
    assert (since, until) == (datetime(2026, 2, 27, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert period_bounds(Period.CUSTOM, date(2026, 11, 27), tz=UTC) == (None, None)


def test_month_start_goes_back_and_forward_across_years() -> None:
    assert month_start(date(2026, 1, 31), 1) == date(2025, 12, 1)
    assert month_start(date(2026, 12, 5), -1) == date(2027, 1, 1)
    assert month_start(date(2026, 3, 9), 14) == date(2025, 1, 1)
