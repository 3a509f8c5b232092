"""``Ledger``: one open ledger database; opening, recovery and every write.

* WAL journal, a busy timeout and foreign keys on, so the command line and a running window
  can use the database at the same time; every write is one ``BEGIN IMMEDIATE`` transaction.
* A file that SQLite says is no database is never deleted or overwritten: it is moved aside
  to a timestamped backup and a fresh one is started, or, with ``recover=False``, refused.
  A database with damaged pages is rebuilt from what still reads (``recovery``). Nothing
  else (busy, read-only, a full disk) ever moves a file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tokenbudget.core import message_texts as texts
from tokenbudget.core.entries import Entry, NewEntry
from tokenbudget.core.errors import (
    LedgerCorruptError,
    LedgerDamagedError,
    LedgerError,
    LedgerInputError,
)
from tokenbudget.core.ledger.connection import (
    confirmed_damaged,
    connect,
    move_aside,
    rollback,
    translated,
)
from tokenbudget.core.ledger.limits import read_limits, store_limits
from tokenbudget.core.ledger.recovery import RecoveryReport, recover
from tokenbudget.core.ledger.reports import LedgerReports
from tokenbudget.core.ledger.rows import entry_params, plan_values, to_us
from tokenbudget.core.ledger.runs import (
    ImportRun,
    SourceTotals,
    read_runs,
    source_totals,
    store_run,
)
from tokenbudget.core.ledger.schema import ENTRY_COLUMNS, UPSERT
from tokenbudget.core.ledger.sync_side import LedgerSync
from tokenbudget.core.ledger.sync_store import edit_fields, note_edit, set_context
from tokenbudget.core.ledger.text import fts5_available, text_index_current
from tokenbudget.core.messages import message
from tokenbudget.core.official_limits import LimitSnapshot
from tokenbudget.core.plans import Plan


class Ledger(LedgerReports):
    """One open ledger database. Not shared between threads: open one per thread."""

    def __init__(
        self, connection: sqlite3.Connection, path: Path, recovered_from: Path | None
    ) -> None:
        self._db = connection
        self.path = path
        #: Whether text searches use the FTS5 index (else ``LIKE`` over the entries).
        self.text_index = fts5_available(connection) and text_index_current(connection)
        #: Where an unusable database was moved to when this one was started, if it was.
        self.recovered_from = recovered_from

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, recover: bool = True, now: datetime | None = None) -> Ledger:
        """Open (creating and migrating as needed) the ledger at ``path``.

        With ``recover``, a file that is not a database is moved aside and a fresh ledger
        started; one with damaged pages (confirmed by ``quick_check``) is rebuilt from what
        still reads (``recover``). Either way ``recovered_from`` names the backup.

        Raises:
            LedgerCorruptError: when the file is not a usable database and ``recover`` is
                False (the file is left exactly as it was).
            LedgerError: when the file cannot be used for another reason (busy, read-only,
                disk full, newer schema); the file is left exactly as it was.
        """
        with translated(path, "create the folder of"):
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return cls(connect(path), path, None)
        except LedgerDamagedError:
            if not recover or not confirmed_damaged(path):
                raise
            report = cls.recover(path, now=now)
            return cls(connect(path), path, report.backup)
        except LedgerCorruptError as exc:
            if not recover:
                raise
            backup = move_aside(path, now or datetime.now(UTC))
            try:
                connection = connect(path)
            except LedgerCorruptError:
                raise LedgerError(f"cannot start a fresh ledger at {path}: {exc}") from exc
            return cls(connection, path, backup)

    @staticmethod
    def recover(path: Path, *, now: datetime | None = None) -> RecoveryReport:
        """Move a damaged ledger aside and rebuild it from what SQLite can still read.

        See ``recovery.recover``; no connection to ``path`` may be open meanwhile.
        """
        return recover(path, now=now or datetime.now(UTC))

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: all of it is committed, or none of it.

        ``BEGIN IMMEDIATE`` waits up to the busy timeout for another writer. SQLite's errors
        become ``LedgerError``s (a full disk says so, not "cannot rollback"); integrity
        errors pass through for the caller to explain.
        """
        with translated(self.path, "write to"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                rollback(self._db)
                raise

    def sync_side(self) -> LedgerSync:
        """This ledger's sync operations (``core.devices`` uses them)."""
        return LedgerSync(self._db, self._write)

    # -- plans ---------------------------------------------------------------------------

    def add_plan(self, plan: Plan, *, now: datetime) -> Plan:
        """Store a new plan; returns it with its id.

        Raises:
            LedgerError: if a plan of that name exists.
        """
        values = plan_values(plan)
        values["created_us"] = to_us(now)
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        try:
            with self._write() as db:
                cursor = db.execute(f"INSERT INTO plans ({columns}) VALUES ({marks})", values)
        except sqlite3.IntegrityError:
            raise LedgerInputError(message(texts.PLAN_NAME_TAKEN, name=plan.name)) from None
        return self.plan(int(cursor.lastrowid or 0))

    def update_plan(self, plan: Plan) -> Plan:
        """Replace a stored plan's fields (by id).

        Raises:
            LedgerError: for an unknown id or a name clash.
        """
        values = plan_values(plan)
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        values["id"] = plan.id
        try:
            with self._write() as db:
                cursor = db.execute(f"UPDATE plans SET {assignments} WHERE id = :id", values)
        except sqlite3.IntegrityError:
            raise LedgerInputError(message(texts.PLAN_NAME_TAKEN, name=plan.name)) from None
        if cursor.rowcount == 0:
            raise LedgerInputError(message(texts.NO_PLAN_WITH_ID, id=str(plan.id)))
        return self.plan(plan.id)

    def remove_plan(self, plan_id: int) -> None:
        """Delete a plan; its entries stay (unassigned).

        Raises:
            LedgerError: for an unknown id.
        """
        with self._write() as db:
            cursor = db.execute("DELETE FROM plans WHERE id = ?", (plan_id,))
        if cursor.rowcount == 0:
            raise LedgerInputError(message(texts.NO_PLAN_WITH_ID, id=str(plan_id)))

    # -- entries -------------------------------------------------------------------------

    def add_entry(self, entry: NewEntry) -> Entry:
        """Record one entry; returns it with its id (an upsert when it has a source_ref)."""
        ids = self.add_entries([entry])
        return self.entry(ids[0])

    def add_entries(
        self,
        entries: Iterable[NewEntry],
        *,
        state: tuple[str, dict[str, Any]] | None = None,
        now: datetime | None = None,
        want_ids: bool = True,
    ) -> list[int]:
        """Record many entries (and optionally an importer's state) in one transaction.

        An entry whose ``(source, source_ref)`` is already recorded replaces the stored one
        by the rule of ``entries.DUPLICATE_WINNERS`` (see ``UPSERT``): importing twice adds
        nothing.

        Returns:
            The ids of the stored rows, in order (empty when ``want_ids`` is False, which
            lets a bulk import use one ``executemany``).
        """
        ids: list[int] = []
        with self._write() as db:
            if not want_ids:
                db.executemany(UPSERT, (entry_params(e) for e in entries))
            for entry in entries if want_ids else ():
                row = db.execute(UPSERT + " RETURNING id", entry_params(entry)).fetchone()
                if row is None:  # a conflict that kept the stored row
                    row = db.execute(
                        "SELECT id FROM entries WHERE source = ? AND source_ref = ?",
                        (entry.source, entry.source_ref),
                    ).fetchone()
                ids.append(int(row[0]))
            if state is not None:
                importer, value = state
                db.execute(
                    "INSERT INTO import_state (importer, state, updated_us) VALUES (?, ?, ?) "
                    "ON CONFLICT (importer) DO UPDATE SET state = excluded.state, "
                    "updated_us = excluded.updated_us",
                    (importer, json.dumps(value), to_us(now or datetime.now(UTC))),
                )
        return ids

    def fill_projects(self, entries: Iterable[NewEntry]) -> int:
        """Give stored entries that have no project the project of these records.

        Matched by ``(source, source_ref)``; nothing else changes (an entry recorded before
        projects were, whose record is read again: ``import --rescan``). Returns how many
        entries got a project.
        """
        rows = [
            (e.project, e.source, e.source_ref)
            for e in entries
            if e.project is not None and e.source_ref is not None
        ]
        with self._write() as db:
            before = db.total_changes
            db.executemany(
                "UPDATE entries SET project = ? WHERE source = ? AND source_ref = ? "
                "AND project IS NULL",
                rows,
            )
            return db.total_changes - before

    # -- official limits -----------------------------------------------------------------

    def record_limits(self, snapshots: Sequence[LimitSnapshot]) -> None:
        """Store official limit snapshots; an older one never replaces a newer one."""
        if snapshots:
            with self._write() as db:
                store_limits(db, snapshots)

    # -- import runs ---------------------------------------------------------------------

    def record_run(self, run: ImportRun) -> None:
        """Keep what an importer's run saw, replacing its previous run (``runs``)."""
        with self._write() as db:
            store_run(db, run)

    def import_runs(self) -> dict[str, ImportRun]:
        """Each importer's last run, by name."""
        with translated(self.path, "read"):
            return read_runs(self._db)

    def source_totals(self) -> dict[str, SourceTotals]:
        """What the ledger holds from each source, by name."""
        with translated(self.path, "read"):
            return source_totals(self._db)

    def official_limits(self, source: str | None = None) -> list[LimitSnapshot]:
        """The newest official snapshot per source, limit family and window."""
        with translated(self.path, "read"):
            return read_limits(self._db, source)

    def update_entry(self, entry: Entry) -> Entry:
        """Replace a stored entry's fields (by id).

        While a sync folder is set, the fields that changed are noted for the other devices
        (``sync_store.note_edit``): only they travel, so an edit made elsewhere to another
        field of the same entry is kept too.

        Raises:
            LedgerInputError: for an unknown id, or a source reference another entry has.
        """
        assignments = ", ".join(f"{c.strip()} = ?" for c in ENTRY_COLUMNS.split(","))
        try:
            with self._write() as db:
                before = edit_fields(db, entry.id)
                set_context(db, "edit")
                cursor = db.execute(
                    f"UPDATE entries SET {assignments} WHERE id = ?",
                    (*entry_params(entry), entry.id),
                )
                set_context(db, None)
                after = edit_fields(db, entry.id)
                if before is not None and after is not None:
                    note_edit(db, entry.id, {k: v for k, v in after.items() if before[k] != v})
        except sqlite3.IntegrityError as exc:
            if "FOREIGN KEY" in str(exc):
                why = message(texts.ENTRY_PLAN_GONE, id=str(entry.id), plan=str(entry.plan_id))
            else:
                why = message(texts.ENTRY_REF_TAKEN, id=str(entry.id))
            raise LedgerInputError(why) from None
        if cursor.rowcount == 0:
            raise LedgerInputError(message(texts.NO_ENTRY_WITH_ID, id=str(entry.id)))
        return self.entry(entry.id)

    def delete_entries(self, entry_ids: Sequence[int]) -> list[Entry]:
        """Delete entries; returns what was deleted (so it can be restored: undo)."""
        removed = [self.entry(i) for i in entry_ids]
        with self._write() as db:
            db.executemany("DELETE FROM entries WHERE id = ?", [(i,) for i in entry_ids])
        return removed

    def restore_entries(self, entries: Sequence[Entry]) -> None:
        """Put deleted entries back with their original ids (all of them, or none).

        An entry whose plan was removed meanwhile comes back unassigned, as it would be had
        it stayed (plans are removed with ``ON DELETE SET NULL``).

        Raises:
            LedgerInputError: if an entry recorded since took one of their ids or source
                references.
        """
        try:
            with self._write() as db:
                set_context(db, "restore")
                plans = {r[0] for r in db.execute("SELECT id FROM plans")}
                db.executemany(
                    f"INSERT INTO entries (id, {ENTRY_COLUMNS}, uid, device) "
                    f"VALUES ({', '.join('?' * 21)})",
                    [
                        (
                            e.id,
                            *entry_params(e if e.plan_id in plans else replace(e, plan_id=None)),
                            e.uid,
                            e.device,
                        )
                        for e in entries
                    ],
                )
                set_context(db, None)
        except sqlite3.IntegrityError:
            raise LedgerInputError(
                "the entries cannot be put back: an entry recorded since has the id or "
                "source reference of one of them"
            ) from None

    def mark_alert_sent(
        self, plan_id: int, period_start: datetime, threshold: int, now: datetime
    ) -> bool:
        """Remember an alert; returns False if it had been sent already."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO alerts_sent (plan_id, period_start_us, threshold, sent_us) "
                "VALUES (?, ?, ?, ?)",
                (plan_id, to_us(period_start), threshold, to_us(now)),
            )
        return cursor.rowcount == 1
