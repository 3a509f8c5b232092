"""The few reads and one write the status line needs, on a current ledger, with ``sqlite3`` only.

Claude Code runs ``tokenbudget statusline`` after every response, and with live sync every
response also changes the ledger, so the status line opens it on most runs. Importing the
``Ledger`` class (the store, its reports and filters and every dataclass they make) costs
more than the whole line may take; this module is what the line needs instead:

* ``open_current``: the ledger, opened for reading and writing but never created, migrated,
  moved or repaired; None unless it already has the current schema (then the caller takes
  the full path, which migrates or reports).
* ``today_costs``: entries since a moment, their count and cost per currency (the same
  figures as ``Ledger.totals(HistoryFilter(since=...))``, read from ``entries`` alone through
  the ``entries_at_cover`` index: one day is a few thousand rows at most).
* ``limit_rows`` / ``store_limit_rows``: the ``official_limits`` table as plain tuples.
* ``plans_key``: the plans table as text (the status line keeps its plan part while
  it is unchanged).

Nothing here imports the rest of the ledger package or any dataclass module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

#: The schema this module reads (``schema.SCHEMA_VERSION``; a test keeps them equal).
SCHEMA = 7
#: How long a write waits for another writer (the importer's transactions are short; the
#: status line leaves its snapshots pending rather than wait longer).
_BUSY_MS = 1000

#: One stored snapshot: source, limit_id, window, window_minutes, used_percent (text),
#: resets_us (or None), observed_us, plan_type (or None): ``official_limits``' columns.
LimitRow = tuple[str, str, str, int | None, str, int | None, int, str | None]

# The same statement as ``ledger.limits`` (a test keeps them equal): the newest one wins.
_UPSERT = (
    "INSERT INTO official_limits (source, limit_id, window, window_minutes, used_percent, "
    "resets_us, observed_us, plan_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (source, limit_id, window) DO UPDATE SET "
    "window_minutes = excluded.window_minutes, used_percent = excluded.used_percent, "
    "resets_us = excluded.resets_us, observed_us = excluded.observed_us, "
    "plan_type = COALESCE(excluded.plan_type, official_limits.plan_type) "
    "WHERE excluded.observed_us >= official_limits.observed_us"
)
_SELECT_LIMITS = (
    "SELECT source, limit_id, window, window_minutes, used_percent, resets_us, observed_us, "
    "plan_type FROM official_limits"
)


def open_current(path: Path) -> sqlite3.Connection | None:
    """The ledger at ``path`` if it exists with the current schema, else None.

    Opens without creating (``mode=rw``) and changes nothing about the file: no migration,
    no journal-mode change (a current ledger is already in WAL mode), no recovery. Any
    SQLite error (not a database, damaged, locked, read-only) also gives None: the caller's
    full path knows what each means.
    """
    try:
        if not path.is_file():
            return None
        db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None, timeout=2.0
        )
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        (version,) = db.execute("PRAGMA user_version").fetchone()
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
        if version == SCHEMA and str(mode).lower() == "wal":
            return db
    except sqlite3.Error:
        pass
    db.close()
    return None


def today_costs(db: sqlite3.Connection, since_us: int) -> tuple[int, dict[str, int]]:
    """Entries at or after ``since_us``: their count, and cost micros per currency.

    A currency appears when priced entries in it exist (its sum may be 0); unpriced entries
    (no currency) count but cost nothing, as in ``Ledger.totals``.
    """
    count = 0
    cost: dict[str, int] = {}
    rows = db.execute(
        "SELECT currency, COUNT(*), SUM(cost_micros) FROM entries WHERE at_us >= ? "
        "GROUP BY currency",
        (since_us,),
    )
    for currency, entries, micros in rows:
        count += int(entries or 0)
        if currency is not None and entries:
            cost[currency] = cost.get(currency, 0) + int(micros or 0)
    return count, cost


def limit_rows(db: sqlite3.Connection, source: str | None = None) -> list[LimitRow]:
    """The stored snapshots (of one source), ordered as ``Ledger.official_limits``."""
    sql: str = _SELECT_LIMITS
    params: tuple[str, ...] = ()
    if source is not None:
        sql, params = sql + " WHERE source = ?", (source,)
    order = " ORDER BY source, limit_id, window_minutes, window"
    rows: list[LimitRow] = [tuple(r) for r in db.execute(sql + order, params)]
    return rows


def store_limit_rows(db: sqlite3.Connection, rows: Sequence[LimitRow]) -> None:
    """Keep each snapshot unless a newer one of its window is stored (one transaction)."""
    if not rows:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(_UPSERT, rows)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def plans_key(db: sqlite3.Connection) -> str:
    """Every plan row as text, in id order ("" when there are no plans): equal iff unchanged."""
    return "\n".join(repr(tuple(row)) for row in db.execute("SELECT * FROM plans ORDER BY id"))
