"""The sums and id lists behind plan status, the spend charts, reports and the history table.

``budget``, ``charts_data`` and ``history_query`` keep the logic (which days, which
segments, which periods, which groups); these methods are the SQL it needs, returning plain
data.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from tokenbudget.core.entries import Entry
from tokenbudget.core.history_filter import HistoryFilter
from tokenbudget.core.ledger.filters import FilterSql, bounds_sql, plan_clause
from tokenbudget.core.ledger.filters import plan_clauses as _plan_clauses
from tokenbudget.core.ledger.queries import LedgerReads
from tokenbudget.core.ledger.rows import entry_from_row
from tokenbudget.core.ledger.schema import DAY_US, ENTRY_SELECT
from tokenbudget.core.plans import Plan

_SUMS = (
    "COUNT(*), SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), "
    "SUM(cache_write_5m_tokens + cache_write_1h_tokens), SUM(output_tokens), SUM(cost_micros)"
)
#: Every sum of a report group, from the entries and from the rollup (same order).
_GROUP_SUMS = (
    "COUNT(*), SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), "
    "SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens), SUM(output_tokens), "
    "SUM(cost_micros)"
)
_ROLLUP_GROUP_SUMS = (
    "SUM(entries), SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), "
    "SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens), SUM(output_tokens), "
    "SUM(cost_micros)"
)
#: What ``group_sums`` can group by, as SQL on ``entries``.
_GROUP_COLUMNS = {
    "project": "project",
    "model": "model",
    "provider": "provider",
    "device": "COALESCE(device, '')",
}
#: The day number of ``at_us`` shifted by an offset, rounded down (also before 1970).
_LOCAL_DAY = (
    f"CASE WHEN at_us + {{offset}} >= 0 THEN (at_us + {{offset}}) / {DAY_US} "
    f"ELSE -((-(at_us + {{offset}}) + {DAY_US - 1}) / {DAY_US}) END"
)
_ROLLUP_SUMS = (
    "SUM(entries), SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), "
    "SUM(cache_write_tokens), SUM(output_tokens), SUM(cost_micros)"
)


class UsageSums(NamedTuple):
    """Sums of a group of entries that count toward a plan.

    A named tuple rather than a frozen dataclass: status builds one per day and segment of
    every plan, and a frozen dataclass costs twice as much to make (it sets each field
    through ``object.__setattr__``), which showed in the status benchmark.

    Attributes:
        at_us: The start of the day (from the rollup) or the oldest entry's time.
        currency: The entries' currency (None: unpriced).
        cost_micros: The sum of their costs (0 when none has one).
    """

    at_us: int
    currency: str | None
    entries: int
    requests: int
    input_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    output_tokens: int
    cost_micros: int


class GroupSums(NamedTuple):
    """Sums of one group of entries in one currency (``group_sums``).

    Attributes:
        key: The group: a project (None: no project), a model, a provider, or a local day
            number.
        currency: The entries' currency (None: unpriced).
        cost_micros: The sum of their costs (0 when unpriced).
    """

    key: str | int | None
    currency: str | None
    entries: int
    requests: int
    input_tokens: int
    cache_read_tokens: int
    cache_write_5m_tokens: int
    cache_write_1h_tokens: int
    output_tokens: int
    cost_micros: int


@dataclass(frozen=True)
class ProviderSums:
    """Cost and count of one provider's entries in one currency, in the group ``key``.

    ``key`` is a UTC day number (``rollup_provider_days``) or a period index
    (``provider_period_sums``); ``currency`` is None for unpriced entries.
    """

    key: int
    provider: str
    currency: str | None
    cost_micros: int
    entries: int


def _usage(at_us: int, currency: str | None, sums: Sequence[Any]) -> UsageSums:
    entries, requests, inp, read, write, out, cost = sums
    return UsageSums(
        at_us,
        currency or None,
        int(entries or 0),
        int(requests or 0),
        int(inp or 0),
        int(read or 0),
        int(write or 0),
        int(out or 0),
        int(cost or 0),
    )


class LedgerReports(LedgerReads):
    """Typed aggregate queries (see the module docstring)."""

    # -- plan status (budget.py) ---------------------------------------------------------

    def plan_day_sums(self, plan: Plan, first_day: int, end_day: int) -> list[UsageSums]:
        """Per UTC day ``[first_day, end_day)`` and currency, the sums counting toward ``plan``.

        Days without entries are left out; ``at_us`` is the day's start.
        """
        clause, params = plan_clause(plan, rollup=True)
        rows = self._rows(
            f"SELECT day, currency, {_ROLLUP_SUMS} FROM daily_totals "
            f"WHERE day >= ? AND day < ? AND {clause} GROUP BY day, currency",
            [first_day, end_day, *params],
        )
        return [_usage(r[0] * DAY_US, r[1], r[2:]) for r in rows if r[2]]

    def plan_segment_sums(
        self, plan: Plan, low_us: int, high_us: int, boundaries: Sequence[int]
    ) -> list[UsageSums]:
        """Sums of ``plan``'s entries in ``(low_us, high_us]``, cut at every boundary.

        One group per segment between ``boundaries`` and currency, dated at its oldest entry.
        Assigned and matching entries are summed apart (each through its own index), so one
        segment may come twice: the caller adds them up.
        """
        segment = " + ".join(f"(at_us > {int(b)})" for b in boundaries) or "0"
        found: list[UsageSums] = []
        for clause, params in _plan_clauses(plan):
            rows = self._rows(
                f"SELECT {segment} AS seg, currency, MIN(at_us), {_SUMS} FROM entries "
                f"WHERE at_us > ? AND at_us <= ? AND {clause} GROUP BY seg, currency",
                [low_us, high_us, *params],
            )
            found.extend(_usage(r[2], r[1], r[3:]) for r in rows)
        return found

    def assigned_count(self, plan_id: int) -> int:
        """How many entries were recorded against the plan ``plan_id`` explicitly."""
        return int(self._rows("SELECT COUNT(*) FROM entries WHERE plan_id = ?", [plan_id])[0][0])

    # -- spend charts (charts_data.py) ---------------------------------------------------

    def _rollup_condition(self, flt: HistoryFilter) -> tuple[FilterSql, str, list[object]]:
        compiled = self._compile(flt)
        rollup = compiled.rollup()
        if rollup is None:
            raise ValueError("a search, a project or a device cannot be summed from the rollup")
        return compiled, rollup[0], rollup[1]

    def rollup_provider_days(
        self, flt: HistoryFilter, first_day: int, end_day: int
    ) -> list[ProviderSums]:
        """Per UTC day ``[first_day, end_day)``, provider and currency: cost and entries.

        ``flt``'s period is ignored; it must have no text search.
        """
        _, condition, params = self._rollup_condition(flt)
        rows = self._rows(
            "SELECT day, provider, NULLIF(currency, ''), SUM(cost_micros), SUM(entries) "
            f"FROM daily_rollup WHERE day >= ? AND day < ? AND {condition} "
            "GROUP BY day, provider, currency",
            [first_day, end_day, *params],
        )
        return [ProviderSums(r[0], r[1], r[2], int(r[3] or 0), int(r[4] or 0)) for r in rows]

    def providers_between_days(self, first_day: int, last_day: int) -> list[str]:
        """Providers with rollup rows on UTC days ``first_day`` to ``last_day`` (inclusive)."""
        rows = self._rows(
            "SELECT DISTINCT provider FROM daily_rollup WHERE day >= ? AND day <= ?",
            [first_day, last_day],
        )
        return [r[0] for r in rows]

    def provider_period_sums(
        self, flt: HistoryFilter, low_us: int, high_us: int, base: int, cuts: Sequence[int]
    ) -> list[ProviderSums]:
        """Cost and entries in ``[low_us, high_us)`` per period, provider and currency.

        The period index (``key``) is ``base`` plus the number of ``cuts`` at or before the
        entry. ``flt``'s period and text are ignored.
        """
        bare, params = self._compile(flt).entries(period=False)
        which = " + ".join([str(int(base)), *(f"(at_us >= {int(b)})" for b in cuts)])
        rows = self._rows(
            f"SELECT {which}, provider, currency, SUM(cost_micros), COUNT(*) FROM entries "
            f"WHERE at_us >= ? AND at_us < ? AND {bare} GROUP BY 1, 2, 3",
            [low_us, high_us, *params],
        )
        return [ProviderSums(r[0], r[1], r[2], int(r[3] or 0), int(r[4])) for r in rows]

    # -- reports (charts_data.spend_report) -----------------------------------------------

    def group_sums(self, flt: HistoryFilter, by: str) -> list[GroupSums]:
        """Sums of ``flt``'s entries per group and currency.

        ``by`` is ``project``, ``model`` or ``provider``. Whole UTC days come from the rollup
        when it can answer (models and providers); a group may then come twice (rollup and
        entries): the caller adds them.

        Raises:
            ValueError: for another ``by``.
        """
        column = _GROUP_COLUMNS[by]
        compiled = self._compile(flt)
        rollup, parts = compiled.pieces() if by in ("model", "provider") else (None, [])
        if rollup is None:
            parts = [compiled.entries()]
        rows: list[Sequence[Any]] = []
        if rollup is not None:
            rows += self._rows(
                f"SELECT {column}, NULLIF(currency, ''), {_ROLLUP_GROUP_SUMS} "
                f"FROM daily_rollup WHERE {rollup[0]} GROUP BY 1, 2",
                rollup[1],
            )
        for condition, params in parts:
            rows += self._rows(
                f"SELECT {column}, currency, {_GROUP_SUMS} FROM entries WHERE {condition} "
                "GROUP BY 1, 2",
                params,
            )
        return [
            GroupSums(r[0], r[1], *(int(v or 0) for v in r[2:]))
            for r in rows
            if r[2]  # the rollup keeps a group whose entries were all removed, at 0
        ]

    def local_day_sums(
        self, flt: HistoryFilter, spans: Sequence[tuple[int | None, int | None, int]]
    ) -> list[GroupSums]:
        """Sums of ``flt``'s entries per local day and currency.

        ``spans`` are ``(low, high, offset)``: between ``low`` and ``high`` (UTC
        microseconds, None for open) the local time is UTC plus ``offset`` microseconds
        (``history_query.offset_spans``). A key is a local day number (days since 1970-01-01
        in local time); a day cut by a change of offset comes twice: the caller adds them.
        """
        condition, params = self._compile(flt).entries()
        found: list[GroupSums] = []
        for low, high, offset in spans:
            bounds, values = bounds_sql(low, high)
            day = _LOCAL_DAY.format(offset=int(offset))
            rows = self._rows(
                f"SELECT {day}, currency, {_GROUP_SUMS} FROM entries "
                f"WHERE {bounds} AND {condition} GROUP BY 1, 2",
                [*values, *params],
            )
            found.extend(GroupSums(r[0], r[1], *(int(v or 0) for v in r[2:])) for r in rows)
        return found

    # -- the history table (history_query.py) --------------------------------------------

    def ids_between(
        self, flt: HistoryFilter, low_us: int | None, high_us: int | None, limit: int, offset: int
    ) -> list[int]:
        """Ids of ``flt``'s entries in ``[low_us, high_us)``, newest first, one slice.

        ``flt``'s own period is ignored (the range replaces it).
        """
        condition, params = self._compile(flt).entries(period=False)
        bounds, values = bounds_sql(low_us, high_us)
        rows = self._rows(
            f"SELECT id FROM entries WHERE {bounds} AND {condition} "
            "ORDER BY at_us DESC, id DESC LIMIT ? OFFSET ?",
            [*values, *params, limit, offset],
        )
        return [int(r[0]) for r in rows]

    def count_between(self, flt: HistoryFilter, low_us: int | None, high_us: int | None) -> int:
        """How many of ``flt``'s entries are in ``[low_us, high_us)`` (its period ignored)."""
        condition, params = self._compile(flt).entries(period=False)
        bounds, values = bounds_sql(low_us, high_us)
        rows = self._rows(
            f"SELECT COUNT(*) FROM entries WHERE {bounds} AND {condition}", [*values, *params]
        )
        return int(rows[0][0])

    def matching_ids(self, flt: HistoryFilter) -> array[int]:
        """Ids of every entry matching ``flt``, newest first."""
        condition, params = self._compile(flt).entries()
        rows = self._stream(
            f"SELECT id FROM entries WHERE {condition} ORDER BY at_us DESC, id DESC", params
        )
        return array("q", (r[0] for r in rows))

    def day_counts(
        self, flt: HistoryFilter, first_day: int, end_day: int | None
    ) -> list[tuple[int, int]]:
        """``(day, entries)`` for UTC days from ``first_day`` (to ``end_day``, exclusive).

        Only days with entries; ``flt``'s period is ignored. Read from the rollup when it can
        answer; else (a project, a text search) from the entries.
        """
        compiled = self._compile(flt)
        if not compiled.rolls_up:
            bare, bare_params = compiled.entries(period=False)
            bounds, values = bounds_sql(
                first_day * DAY_US, None if end_day is None else end_day * DAY_US
            )
            rows = self._rows(
                f"SELECT at_us / {DAY_US}, COUNT(*) FROM entries WHERE {bounds} AND {bare} "
                "GROUP BY 1",
                [*values, *bare_params],
            )
            return [(int(r[0]), int(r[1])) for r in rows]
        _, condition, params = self._rollup_condition(flt)
        rows = self._rows(
            "SELECT day, SUM(entries) FROM daily_rollup WHERE day >= ? "
            + ("" if end_day is None else "AND day < ? ")
            + f"AND {condition} GROUP BY day HAVING SUM(entries) > 0",
            [first_day, *([] if end_day is None else [end_day]), *params],
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def entries_by_id(self, ids: Sequence[int]) -> dict[int, Entry]:
        """The entries with these ids that still exist, by id."""
        if not ids:
            return {}
        rows = self._rows(f"{ENTRY_SELECT} WHERE id IN ({', '.join('?' * len(ids))})", ids)
        return {r["id"]: entry_from_row(r) for r in rows}
