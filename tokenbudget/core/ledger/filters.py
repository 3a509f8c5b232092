"""The filter compiler: a ``HistoryFilter`` as SQL conditions on the entries or the rollup.

Everything a filter keeps can be asked of ``entries``; all but a text search and a project can
also be asked of ``daily_rollup`` for whole UTC days (the rollup has no project column: a
project's entries are read through the ``entries_project_at`` index). ``FilterSql.pieces``
splits a period into the whole days the rollup answers and the partial days at its edges that
are read from the entries.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tokenbudget.core.history_filter import HistoryFilter
from tokenbudget.core.ledger.connection import translated
from tokenbudget.core.ledger.rows import to_us
from tokenbudget.core.ledger.schema import DAY_US
from tokenbudget.core.ledger.text import text_condition
from tokenbudget.core.plans import Plan

#: A condition with its parameters.
Sql = tuple[str, list[Any]]


class FilterSql:
    """``flt`` compiled for one connection.

    Args:
        db: The connection (a short text search looks up the index's vocabulary).
        flt: The filter.
        plan: The plan of ``flt.plan_id`` (None when it has none).
        indexed: Whether text searches may use the FTS5 index.
        path: The ledger file (for error messages).
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        flt: HistoryFilter,
        plan: Plan | None,
        *,
        indexed: bool,
        path: Path,
    ) -> None:
        self._db = db
        self._path = path
        self.flt = flt
        self._plan = plan
        self._indexed = indexed

    def _conditions(self, *, period: bool, rollup: bool) -> tuple[list[str], list[Any]]:
        flt = self.flt
        clauses: list[str] = []
        params: list[Any] = []
        if period and flt.since is not None:
            clauses.append("at_us >= ?")
            params.append(to_us(flt.since))
        if period and flt.until is not None:
            clauses.append("at_us < ?")
            params.append(to_us(flt.until))
        for column, values in (
            ("provider", flt.providers),
            ("model", flt.models),
            ("source", flt.sources),
            ("project", () if rollup else flt.projects),
            ("COALESCE(device, '')", () if rollup else flt.devices),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self._plan is not None:
            clause, plan_params = plan_clause(self._plan, rollup=rollup)
            clauses.append(clause)
            params.extend(plan_params)
        if flt.text and not rollup:
            with translated(self._path, "search"):  # a short query reads the index
                clause, text_params = text_condition(self._db, flt.text, indexed=self._indexed)
            clauses.append(clause)
            params.extend(text_params)
        return clauses, params

    def where(self) -> Sql:
        """`` WHERE ...`` for the entries (empty when the filter keeps everything)."""
        clauses, params = self._conditions(period=True, rollup=False)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def entries(self, *, period: bool = True) -> Sql:
        """The condition on ``entries`` (``1`` when it keeps everything).

        Args:
            period: False to leave out ``since`` and ``until`` (the caller bounds ``at_us``).
        """
        clauses, params = self._conditions(period=period, rollup=False)
        return " AND ".join(clauses) or "1", params

    @property
    def rolls_up(self) -> bool:
        """Whether ``daily_rollup`` can answer the filter (no text search, project or device)."""
        return not self.flt.text and not self.flt.projects and not self.flt.devices

    def rollup(self) -> Sql | None:
        """The condition on ``daily_rollup`` without the period; None when it cannot answer."""
        if not self.rolls_up:
            return None
        clauses, params = self._conditions(period=False, rollup=True)
        return " AND ".join(clauses) or "1", params

    def pieces(self) -> tuple[Sql | None, list[Sql]]:
        """Where the rows are: a rollup condition for whole days, and entry conditions.

        Returns ``(rollup, entries)``: ``rollup`` is None when no whole day can come from the
        rollup; each of ``entries`` is a condition on ``entries`` for a part read directly.
        """
        flt = self.flt
        rollup = self.rollup()
        since = None if flt.since is None else to_us(flt.since)
        until = None if flt.until is None else to_us(flt.until)
        days, pieces = day_split(since, until) if rollup is not None else (None, [])
        if rollup is None or days is None:
            return None, [self.entries()]
        condition, params = rollup
        first, end = days
        day_clause = "day >= ?" + ("" if end is None else " AND day < ?")
        day_params = [first] if end is None else [first, end]
        bare, bare_params = self.entries(period=False)
        parts = []
        for low, high in pieces:
            bounds, values = bounds_sql(low, high)
            parts.append((f"{bounds} AND {bare}", [*values, *bare_params]))
        return (f"{day_clause} AND {condition}", [*day_params, *params]), parts


def bounds_sql(low: int | None, high: int | None) -> tuple[str, list[int]]:
    """``low <= at_us < high`` (either end open when None)."""
    clauses = [c for c, v in (("at_us >= ?", low), ("at_us < ?", high)) if v is not None]
    return " AND ".join(clauses) or "1", [v for v in (low, high) if v is not None]


def day_split(
    since_us: int | None, until_us: int | None
) -> tuple[tuple[int, int | None] | None, list[tuple[int | None, int | None]]]:
    """Split a period into whole UTC days and the pieces around them.

    Args:
        since_us: Start (inclusive), or None for no start.
        until_us: End (exclusive), or None for no end.

    Returns:
        ``(days, pieces)``: ``days`` is ``(first, end)``, the whole days to read from the
        rollup (``end`` exclusive, None for no end), or None when there are none; ``pieces``
        are the ``(low, high)`` microsecond ranges left over (None for open), for the
        entries. Day 0 is always a piece: the rollup's integer division is exact only for
        times after the epoch.
    """
    first = 1 if since_us is None else max(1, -(-since_us // DAY_US))
    end = None if until_us is None else until_us // DAY_US
    if end is not None and end <= first:
        return None, [(since_us, until_us)]
    pieces: list[tuple[int | None, int | None]] = []
    if since_us is None or since_us < first * DAY_US:
        pieces.append((since_us, first * DAY_US))
    if end is not None and until_us is not None and until_us > end * DAY_US:
        pieces.append((end * DAY_US, until_us))
    return (first, end), pieces


def plan_clauses(plan: Plan, *, rollup: bool = False) -> list[Sql]:
    """SQL conditions (with parameters) for the two kinds of rows that count toward ``plan``.

    An entry assigned to a plan counts only there (the first condition); an unassigned entry
    counts toward every plan whose providers and model patterns match it (the second). Kept
    apart so each can use its own index. With ``rollup`` they are for ``daily_totals``, where
    an unassigned row has ``plan_key`` 0. Providers are stored lower-case.
    """
    match: list[str] = []
    params: list[Any] = []
    if plan.providers:
        match.append(f"provider IN ({', '.join('?' * len(plan.providers))})")
        params.extend(p.lower() for p in plan.providers)
    if plan.models:
        match.append("(" + " OR ".join("LOWER(model) GLOB ?" for _ in plan.models) + ")")
        params.extend(m.lower() for m in plan.models)
    unassigned = "plan_key = 0" if rollup else "plan_id IS NULL"
    assigned = "plan_key = ?" if rollup else "plan_id = ?"
    return [(assigned, [plan.id]), (" AND ".join([unassigned, *match]), params)]


def plan_clause(plan: Plan, *, rollup: bool = False) -> Sql:
    """One SQL condition for every row that counts toward ``plan`` (see ``plan_clauses``)."""
    (assigned, a_params), (matched, m_params) = plan_clauses(plan, rollup=rollup)
    return f"({assigned} OR ({matched}))", [*a_params, *m_params]
