"""Rebuilding a damaged ledger from what SQLite can still read.

A database can have a valid header and damaged pages behind it: some queries work, those
that touch a damaged page fail with ``SQLITE_CORRUPT``. ``recover`` moves the file aside
(with its WAL) and builds a fresh ledger from the readable rows of each table, read in
rowid order. Where a read fails, it looks for the next rowid from which reading works
again (doubling the step, then halving it), so one damaged page costs the rows on it, not
the rest of the table. Triggers rebuild the rollup and the text index as the rows go in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tokenbudget.core.ledger.connection import connect, move_aside, rollback, translated

_MIN_ROWID = -(2**63)
_MAX_ROWID = 2**63 - 1
#: Tables copied, parents first (foreign keys). Tables a damaged ledger's schema lacks copy
#: nothing.
_TABLES = ("plans", "entries", "import_state", "alerts_sent", "import_runs", "official_limits")


@dataclass(frozen=True)
class RecoveryReport:
    """What ``recover`` kept.

    Attributes:
        backup: Where the damaged file was moved.
        salvaged: Rows copied into the new ledger, per table.
        skipped: Damaged stretches of rows that could not be read, over all tables.
        entries_expected: How many entries the damaged ledger's daily totals count (None
            when they could not be read either).
    """

    backup: Path
    salvaged: dict[str, int]
    skipped: int
    entries_expected: int | None

    @property
    def entries_lost(self) -> int | None:
        """Entries the damaged ledger had that the new one lacks (None: unknown)."""
        if self.entries_expected is None:
            return None
        return max(0, self.entries_expected - self.salvaged.get("entries", 0))


def _probe(db: sqlite3.Connection, select: str, after: int) -> bool:
    """Whether the first row after rowid ``after`` reads (or there is none)."""
    try:
        db.execute(f"{select} LIMIT 1", (after,)).fetchall()
    except sqlite3.DatabaseError:
        return False
    return True


def _resume_point(db: sqlite3.Connection, select: str, after: int) -> int | None:
    """The smallest rowid found past ``after`` from which reading works (None: none)."""
    step = 1
    while not _probe(db, select, min(after + step, _MAX_ROWID)):
        if after + step >= _MAX_ROWID:
            return None
        step *= 2
    low, high = after + step // 2, min(after + step, _MAX_ROWID)  # low fails, high reads
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if _probe(db, select, middle) else (middle, high)
    return high


def read_table(
    db: sqlite3.Connection, table: str, columns: Sequence[str]
) -> tuple[list[tuple[Any, ...]], int]:
    """The readable rows of ``table`` (``columns`` after the rowid), and stretches skipped."""
    select = f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid > ? ORDER BY rowid"
    rows: list[tuple[Any, ...]] = []
    skipped = 0
    after = _MIN_ROWID
    while True:
        try:
            for row in db.execute(select, (after,)):
                rows.append(tuple(row))
                after = row[0]
            return rows, skipped
        except sqlite3.DatabaseError:
            skipped += 1
            resume = _resume_point(db, select, after)
            if resume is None:
                return rows, skipped
            after = resume


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    except sqlite3.DatabaseError:
        return []


def _expected_entries(db: sqlite3.Connection) -> int | None:
    try:
        row = db.execute("SELECT SUM(entries) FROM daily_totals").fetchone()
    except sqlite3.DatabaseError:
        return None
    return int(row[0] or 0)


def recover(path: Path, *, now: datetime) -> RecoveryReport:
    """Move the ledger at ``path`` aside and rebuild it from what can still be read.

    Plans, entries (with their ids), importer state and sent alerts are copied; an entry
    whose plan was lost comes back unassigned. Close every connection to ``path`` first
    (the window, live sync): one kept open would go on writing to the moved file.

    Returns:
        What was kept, and where the damaged file went.

    Raises:
        LedgerError: the new ledger could not be written (the damaged file is put back).
    """
    backup = move_aside(path, now)
    try:
        return _rebuild(backup, path)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
            moved = Path(str(backup) + suffix)
            if moved.exists():
                moved.rename(Path(str(path) + suffix))
        raise


def _rebuild(backup: Path, path: Path) -> RecoveryReport:
    with translated(backup, "read"):
        old = sqlite3.connect(backup, isolation_level=None)
    try:
        new = connect(path)
        try:
            salvaged, skipped = _copy(old, new, path)
        finally:
            new.close()
        expected = _expected_entries(old)
    finally:
        old.close()
    return RecoveryReport(backup, salvaged, skipped, expected)


def _copy(
    old: sqlite3.Connection, new: sqlite3.Connection, path: Path
) -> tuple[dict[str, int], int]:
    salvaged: dict[str, int] = {}
    skipped = 0
    with translated(path, "rebuild"):
        new.execute("BEGIN IMMEDIATE")
        try:
            plan_ids: set[int] = set()
            for table in _TABLES:
                wanted = {r[1] for r in new.execute(f"PRAGMA table_info({table})")}
                columns = [c for c in _columns(old, table) if c in wanted]
                if not columns:
                    salvaged[table] = 0
                    continue
                rows, gaps = read_table(old, table, columns)
                skipped += gaps
                values = [_fixed(table, columns, row[1:], plan_ids) for row in rows]
                cursor = new.executemany(
                    f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    [v for v in values if v is not None],
                )
                salvaged[table] = max(0, cursor.rowcount)
                if table == "plans":
                    plan_ids = {int(r[0]) for r in new.execute("SELECT id FROM plans")}
            folder = _sync_folder(old)
            if folder:  # after the copies: they are no changes for the other devices
                new.execute("INSERT INTO sync_meta (key, value) VALUES ('folder', ?)", (folder,))
            new.execute("COMMIT")
        except BaseException:
            rollback(new)
            raise
    return salvaged, skipped


def _sync_folder(old: sqlite3.Connection) -> str | None:
    """The sync folder the damaged ledger shared through, if it can be read.

    Only the folder: the rebuilt ledger has none of the records it wrote there, so its first
    sync finds the journal under its id not its own and takes a new id (``core.devices``).
    """
    try:
        row = old.execute("SELECT value FROM sync_meta WHERE key = 'folder'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row and row[0] else None


def _fixed(
    table: str, columns: list[str], row: tuple[Any, ...], plan_ids: set[int]
) -> tuple[Any, ...] | None:
    """``row`` as it may go into the new ledger (a lost plan unassigned), or None to drop."""
    if "plan_id" not in columns:
        return row
    index = columns.index("plan_id")
    if row[index] is None or row[index] in plan_ids:
        return row
    if table == "entries":
        return (*row[:index], None, *row[index + 1 :])
    return None  # an alert of a plan that is gone
