"""Reading the ledger: plans, entries, filtered history, totals, importer state, alerts.

Every read goes through ``LedgerReads._rows`` (or ``_stream``), which turns SQLite's errors
into ``LedgerError``s: a damaged page met by any query is a ``LedgerDamagedError`` that says
how to recover, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tokenbudget.core import message_texts as texts
from tokenbudget.core.entries import Entry, TokenCounts
from tokenbudget.core.errors import LedgerInputError
from tokenbudget.core.history_filter import HistoryFilter, Totals
from tokenbudget.core.ledger.connection import translated
from tokenbudget.core.ledger.filters import FilterSql
from tokenbudget.core.ledger.rows import entry_from_row, plan_from_row, to_us
from tokenbudget.core.ledger.schema import ENTRY_READ, ENTRY_SELECT, SUMMED
from tokenbudget.core.messages import message
from tokenbudget.core.plans import Plan

#: The filter that keeps every entry (the default).
EVERYTHING = HistoryFilter()


class LedgerReads:
    """The read side of ``Ledger`` (see there)."""

    _db: sqlite3.Connection
    path: Path
    text_index: bool

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """All rows of one query; SQLite's errors become ``LedgerError``s."""
        with translated(self.path, "read"):
            return self._db.execute(sql, params).fetchall()

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[sqlite3.Row]:
        """The rows of one query as they come (for exports of any size)."""
        with translated(self.path, "read"):
            yield from self._db.execute(sql, params)

    def _compile(self, flt: HistoryFilter) -> FilterSql:
        plan = None if flt.plan_id is None else self.plan(flt.plan_id)
        return FilterSql(self._db, flt, plan, indexed=self.text_index, path=self.path)

    @property
    def schema_version(self) -> int:
        """The database's ``user_version``."""
        return int(self._rows("PRAGMA user_version")[0][0])

    # -- plans ---------------------------------------------------------------------------

    def plan(self, plan_id: int) -> Plan:
        """The plan with ``plan_id``.

        Raises:
            LedgerInputError: for an unknown id.
        """
        rows = self._rows("SELECT * FROM plans WHERE id = ?", (plan_id,))
        if not rows:
            raise LedgerInputError(message(texts.NO_PLAN_WITH_ID, id=str(plan_id)))
        return plan_from_row(rows[0])

    def plans(self, *, active_only: bool = False) -> list[Plan]:
        """Every plan, by name."""
        where = "WHERE active = 1" if active_only else ""
        rows = self._rows(f"SELECT * FROM plans {where} ORDER BY name COLLATE NOCASE")
        return [plan_from_row(r) for r in rows]

    def find_plan(self, name_or_id: str) -> Plan:
        """A plan by exact name (case-insensitive) or numeric id.

        Raises:
            LedgerInputError: if there is none.
        """
        if name_or_id.isdigit():
            return self.plan(int(name_or_id))
        rows = self._rows("SELECT * FROM plans WHERE name = ? COLLATE NOCASE", (name_or_id,))
        if not rows:
            names = ", ".join(p.name for p in self.plans()) or message(texts.NO_PLANS_YET)
            raise LedgerInputError(message(texts.NO_PLAN_NAMED, name=name_or_id, names=names))
        return plan_from_row(rows[0])

    # -- entries -------------------------------------------------------------------------

    def entry(self, entry_id: int) -> Entry:
        """The entry with ``entry_id``.

        Raises:
            LedgerInputError: for an unknown id.
        """
        rows = self._rows(f"{ENTRY_SELECT} WHERE id = ?", (entry_id,))
        if not rows:
            raise LedgerInputError(message(texts.NO_ENTRY_WITH_ID, id=str(entry_id)))
        return entry_from_row(rows[0])

    def history(
        self,
        flt: HistoryFilter = EVERYTHING,
        *,
        limit: int = 200,
        before: tuple[int, int] | None = None,
    ) -> list[Entry]:
        """Entries matching ``flt``, newest first, a page at a time.

        Args:
            flt: The filter.
            limit: Page size.
            before: Keyset cursor ``(at_us, id)`` of the last row of the previous page.
        """
        where, params = self._compile(flt).where()
        if before is not None:
            where += (" AND " if where else " WHERE ") + "(at_us, id) < (?, ?)"
            params.extend(before)
        rows = self._rows(
            f"SELECT id, {ENTRY_READ} FROM entries{where} ORDER BY at_us DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        return [entry_from_row(r) for r in rows]

    def count(self, flt: HistoryFilter = EVERYTHING) -> int:
        """How many entries match ``flt`` (whole days from the rollup, unless searching)."""
        rollup, parts = self._compile(flt).pieces()
        total = 0
        if rollup is not None:
            rows = self._rows(f"SELECT SUM(entries) FROM daily_rollup WHERE {rollup[0]}", rollup[1])
            total += int(rows[0][0] or 0)
        for condition, params in parts:
            rows = self._rows(f"SELECT COUNT(*) FROM entries WHERE {condition}", params)
            total += int(rows[0][0])
        return total

    def totals(self, flt: HistoryFilter = EVERYTHING) -> Totals:
        """Sums of the entries matching ``flt`` (whole days from the rollup, unless searching)."""
        rollup, parts = self._compile(flt).pieces()
        rows: list[Sequence[Any]] = []
        if rollup is not None:
            rows += self._rows(
                "SELECT NULLIF(currency, ''), "
                + ", ".join(f"SUM({c})" for c in SUMMED)
                + f" FROM daily_rollup WHERE {rollup[0]} GROUP BY currency",
                rollup[1],
            )
        for condition, params in parts:
            rows += self._rows(
                "SELECT currency, COUNT(*), "
                + ", ".join(f"SUM({c})" for c in SUMMED[1:])
                + f" FROM entries WHERE {condition} GROUP BY currency",
                params,
            )
        counts = [0] * 7
        cost: dict[str, int] = {}
        unpriced = 0
        for row in rows:
            for i in range(7):
                counts[i] += int(row[i + 1] or 0)
            if row[0] is None:
                unpriced += int(row[1] or 0)
            elif row[1]:
                cost[row[0]] = cost.get(row[0], 0) + int(row[8] or 0)
        return Totals(counts[0], counts[1], TokenCounts(*counts[2:7]), cost, unpriced)

    def iter_entries(self, flt: HistoryFilter = EVERYTHING) -> Iterator[Entry]:
        """Every matching entry, oldest first, streamed (for export)."""
        where, params = self._compile(flt).where()
        for row in self._stream(
            f"SELECT id, {ENTRY_READ} FROM entries{where} ORDER BY at_us, id", params
        ):
            yield entry_from_row(row)

    def distinct(self, column: str) -> list[str]:
        """Distinct values of ``provider``, ``model`` or ``source`` (for filter pickers).

        Read from the rollup: a few thousand rows instead of every entry.
        """
        if column not in ("provider", "model", "source"):
            raise ValueError(column)
        rows = self._rows(
            f"SELECT {column} FROM daily_rollup GROUP BY 1 HAVING SUM(entries) > 0 ORDER BY 1"
        )
        return [r[0] for r in rows]

    def time_range(self) -> tuple[int, int] | None:
        """The oldest and the newest entry's time (UTC microseconds); None when empty."""
        row = self._rows("SELECT MIN(at_us), MAX(at_us) FROM entries")[0]
        return None if row[0] is None else (int(row[0]), int(row[1]))

    def projects(self) -> list[str]:
        """Every project an entry names, sorted (for the project picker and ``--project``).

        A loose scan of the ``entries_project_at`` index: one seek per project, however
        many entries each has.
        """
        rows = self._rows(
            "WITH RECURSIVE found(project) AS ("
            "SELECT MIN(project) FROM entries WHERE project IS NOT NULL "
            "UNION ALL SELECT (SELECT MIN(project) FROM entries WHERE project > found.project) "
            "FROM found WHERE found.project IS NOT NULL) "
            "SELECT project FROM found WHERE project IS NOT NULL"
        )
        return [r[0] for r in rows]

    # -- importer state and alerts ----------------------------------------------------

    def import_state(self, importer: str) -> dict[str, Any]:
        """The state an importer left last time (empty at first, or when it is unreadable).

        A state that is not a JSON object (damaged by hand or by a tool) reads as empty: the
        importer then reads its logs from the start, and the upsert keeps that idempotent.
        """
        rows = self._rows("SELECT state FROM import_state WHERE importer = ?", (importer,))
        if not rows:
            return {}
        try:
            value = json.loads(rows[0][0])
        except (TypeError, ValueError):  # not text, or not JSON
            return {}
        return dict(value) if isinstance(value, dict) else {}

    def alert_sent(self, plan_id: int, period_start: datetime, threshold: int) -> bool:
        """Whether the alert for this plan, period and threshold was already sent."""
        rows = self._rows(
            "SELECT 1 FROM alerts_sent WHERE plan_id = ? AND period_start_us = ? AND threshold = ?",
            (plan_id, to_us(period_start), threshold),
        )
        return bool(rows)
