"""Random access to a filtered history of any size, a page at a time, and period presets.

A table view asks for row *n* of a million without reading the rows before it. A ``RowMap``
makes that cheap, in one of two ways:

* without a text search, the rollup gives how many matching entries each UTC day has (the
  partial days at the ends of the period are counted from the entries). Row *n* is then
  "the k-th entry of day d", a range query on ``at_us`` with an ``OFFSET`` of at most one
  day's entries. Building the map reads a few hundred rollup rows. The rollup knows no
  projects: for a project the days are counted from the ``entries_project_at`` index.
* with a text search, the map holds the ids of every match, newest first (the search has
  to visit each match once anyway); a page is a lookup by id.

Rows are ordered newest first by ``(at_us, id)``, like ``Ledger.history``. A map is a
snapshot: after the ledger changes, build a new one.

``offset_spans`` splits time where a zone's UTC offset changes, so that reports can sum local
days in SQL.
"""

from __future__ import annotations

import bisect
from array import array
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import Enum

from tokenbudget.core.entries import Entry
from tokenbudget.core.ledger import DAY_US, HistoryFilter, Ledger, day_split, from_us, to_us


@dataclass(frozen=True)
class Bucket:
    """The matching entries in ``[low_us, high_us)``: rows ``first`` to ``first + rows``."""

    low_us: int | None
    high_us: int | None
    first: int
    rows: int


@dataclass(frozen=True)
class RowMap:
    """Where each row of a filtered history is (see the module docstring).

    Attributes:
        filter: The filter it was built for.
        total: How many rows there are.
        buckets: Time ranges newest first, when there is no text search.
        ids: Entry ids newest first, for a text search (None otherwise).
    """

    filter: HistoryFilter
    total: int
    buckets: tuple[Bucket, ...] = ()
    ids: array[int] | None = field(default=None, compare=False)

    def fetch(self, ledger: Ledger, start: int, count: int) -> list[Entry | None]:
        """Rows ``start`` to ``start + count`` (fewer past the end).

        A row the ledger no longer has (it changed since the map was built) is None, so the
        rows after it keep their places.
        """
        start = max(0, start)
        end = min(self.total, start + count)
        if start >= end:
            return []
        if self.ids is not None:
            return _by_ids(ledger, list(self.ids[start:end]))
        # Ids first, from a covering index (the sort and the OFFSET then touch no table
        # row), then the rows themselves by id.
        starts = [b.first for b in self.buckets]
        index = bisect.bisect_right(starts, start) - 1
        ids: list[int | None] = []
        while start + len(ids) < end:
            bucket = self.buckets[index]
            offset = start + len(ids) - bucket.first
            want = min(end - start - len(ids), bucket.rows - offset)
            found = ledger.ids_between(self.filter, bucket.low_us, bucket.high_us, want, offset)
            ids.extend(found)
            ids.extend([None] * (want - len(found)))
            index += 1
        return _by_ids(ledger, ids)


def _by_ids(ledger: Ledger, ids: list[int | None]) -> list[Entry | None]:
    found = ledger.entries_by_id([i for i in ids if i is not None])
    return [None if i is None else found.get(i) for i in ids]


def build_row_map(ledger: Ledger, flt: HistoryFilter) -> RowMap:
    """The row map of ``flt`` (see the module docstring for what it costs)."""
    if flt.text:  # the rollup cannot answer a text search: every match's id, once
        ids = ledger.matching_ids(flt)
        return RowMap(flt, len(ids), ids=ids)
    since = None if flt.since is None else to_us(flt.since)
    until = None if flt.until is None else to_us(flt.until)
    days, pieces = day_split(since, until)
    ranges: list[tuple[int | None, int | None, int]] = []  # oldest first
    for low, high in pieces:
        ranges.append((low, high, ledger.count_between(flt, low, high)))
    if days is not None:
        first, end = days
        day_rows = ledger.day_counts(flt, first, end)
        ranges.extend((d * DAY_US, (d + 1) * DAY_US, n) for d, n in day_rows)
    ranges.sort(key=lambda r: -1 if r[0] is None else r[0], reverse=True)
    buckets: list[Bucket] = []
    total = 0
    for low, high, size in ranges:
        if size:
            buckets.append(Bucket(low, high, total, size))
            total += size
    return RowMap(flt, total, tuple(buckets))


class PageCache:
    """The rows of a ``RowMap`` a page at a time, the most recently used pages kept.

    Args:
        fetch: Reads ``count`` rows from ``start`` (``RowMap.fetch`` bound to a ledger).
        page_size: Rows per page.
        pages: How many pages to keep.
    """

    def __init__(
        self, fetch: Callable[[int, int], list[Entry | None]], page_size: int = 100, pages: int = 32
    ) -> None:
        self._fetch = fetch
        self.page_size = page_size
        self.capacity = pages
        self._pages: OrderedDict[int, list[Entry | None]] = OrderedDict()
        #: How many pages were read from the ledger (for tests and the benchmark).
        self.loads = 0

    def entry(self, row: int) -> Entry | None:
        """The entry at ``row``, reading its page if needed (None if the ledger lacks it).

        Raises:
            Whatever ``fetch`` raises; the page is then not cached.
        """
        number, offset = divmod(row, self.page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number * self.page_size, self.page_size)
            self.loads += 1
            self._pages[number] = page
            if len(self._pages) > self.capacity:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def cached(self, row: int) -> Entry | None:
        """The entry at ``row`` if its page is in memory (never reads)."""
        number, offset = divmod(row, self.page_size)
        page = self._pages.get(number)
        return page[offset] if page is not None and offset < len(page) else None

    def clear(self) -> None:
        """Forget every page (after the ledger changed)."""
        self._pages.clear()


class Period(Enum):
    """The period presets of the history view."""

    ALL = "all"
    TODAY = "today"
    LAST_7_DAYS = "last_7_days"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    LAST_30_DAYS = "last_30_days"
    THIS_YEAR = "this_year"
    CUSTOM = "custom"


def local_midnight(day: date, tz: tzinfo | None = None) -> datetime:
    """The start of ``day`` in ``tz`` (None: the system's zone, with its DST rules)."""
    naive = datetime.combine(day, time())
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of ``day``'s month, ``months_back`` months earlier."""
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def period_bounds(
    period: Period,
    today: date,
    *,
    tz: tzinfo | None = None,
    first: date | None = None,
    last: date | None = None,
) -> tuple[datetime | None, datetime | None]:
    """``(since, until)`` of a preset, whole local days; ``until`` is exclusive.

    Args:
        period: The preset.
        today: The local date now.
        tz: The time zone (None: the system's).
        first: First day of a custom period (inclusive; None for no start).
        last: Last day of a custom period (inclusive; None for no end).
    """
    tomorrow = today + timedelta(days=1)
    spans: dict[Period, tuple[date | None, date | None]] = {
        Period.ALL: (None, None),
        Period.TODAY: (today, tomorrow),
        Period.LAST_7_DAYS: (today - timedelta(days=6), tomorrow),
        Period.THIS_MONTH: (month_start(today), month_start(today, -1)),
        Period.LAST_MONTH: (month_start(today, 1), month_start(today)),
        Period.LAST_30_DAYS: (today - timedelta(days=29), tomorrow),
        Period.THIS_YEAR: (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        Period.CUSTOM: (first, None if last is None else last + timedelta(days=1)),
    }
    start, end = spans[period]
    return (
        None if start is None else local_midnight(start, tz),
        None if end is None else local_midnight(end, tz),
    )


#: Where ``offset_spans`` looks for changes of a zone's offset; outside, it stays as at the
#: nearer end (a log's year 1 or 9999 is a broken clock, not a time zone question).
_SPAN_LIMITS = (to_us(datetime(1971, 1, 1, tzinfo=UTC)), to_us(datetime(2100, 1, 1, tzinfo=UTC)))
_WEEK_US = 7 * DAY_US
_SECOND_US = 1_000_000


def utc_offset_us(at_us: int, tz: tzinfo | None) -> int:
    """``tz``'s offset from UTC at ``at_us``, in microseconds (None: the system's zone)."""
    at = from_us(at_us)
    offset = (at.astimezone(tz) if tz is not None else at.astimezone()).utcoffset()
    return 0 if offset is None else offset // timedelta(microseconds=1)


def offset_spans(
    first_us: int, last_us: int, tz: tzinfo | None
) -> list[tuple[int | None, int | None, int]]:
    """``(low, high, offset)``: the times between which ``tz``'s UTC offset stays the same.

    The spans cover every time (the first starts and the last ends open: None); the changes
    between ``first_us`` and ``last_us`` are found week by week, then to the second (the
    time zone database's precision). Two changes within a week that cancel out are missed;
    no zone in use has them.
    """
    low_limit, high_limit = _SPAN_LIMITS
    at = min(max(first_us, low_limit), high_limit)
    end = min(max(last_us, low_limit), high_limit)
    offset = utc_offset_us(at, tz)
    spans: list[tuple[int | None, int | None, int]] = []
    low: int | None = None
    while at < end:
        step = min(at + _WEEK_US, end)
        if utc_offset_us(step, tz) == offset:
            at = step
            continue
        # The first whole second with another offset, after ``at`` and by ``step``.
        before, after = at // _SECOND_US, -(-step // _SECOND_US)
        while after - before > 1:
            middle = (before + after) // 2
            if utc_offset_us(middle * _SECOND_US, tz) == offset:
                before = middle
            else:
                after = middle
        cut = after * _SECOND_US
        spans.append((low, cut, offset))
        low, at, offset = cut, cut, utc_offset_us(cut, tz)
    spans.append((low, None, offset))
    return spans
