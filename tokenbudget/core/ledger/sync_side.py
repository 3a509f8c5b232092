"""``LedgerSync``: the ledger's sync operations, each one transaction, records in and out.

The sync engine (``core.devices``) talks to the ledger only through this class: it hands in
records read from other devices' journals and gets back this device's records to append to
its own. Numbers and clock stamps are issued here, inside the transaction that takes the
change they record, so a crash never numbers a record twice.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokenbudget.core.ledger import sync_apply as apply
from tokenbudget.core.ledger import sync_records as held
from tokenbudget.core.ledger import sync_store as store
from tokenbudget.core.sync.clock import Clock, Stamp
from tokenbudget.core.sync.journal import Cursor, Record
from tokenbudget.core.sync.merge import EventType, resolve_entry, resolve_limit, resolve_plan

#: A transaction on the ledger's connection (``Ledger._write``).
Transaction = Callable[[], AbstractContextManager[sqlite3.Connection]]


def _clock(db: sqlite3.Connection, device: str) -> Clock:
    """This device's clock, from the last stamp it issued or observed."""
    last = store.meta(db, "clock")
    return Clock(device, Stamp.parse(last) if last else None)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class TakeIn:
    """What one take-in of records did.

    Attributes:
        new_records: Records that were not held before.
        clashes: Records whose number was held with other content (a cloned device).
        entries_changed: Entry keys whose settled state was applied.
        foreign_own: Records under this device's id that this device never wrote, or wrote
            otherwise: another machine is writing under this id (a clone).
    """

    new_records: int
    clashes: int
    entries_changed: int
    foreign_own: int


class LedgerSync:
    """Sync operations on one open ledger (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection, write: Transaction) -> None:
        self._db = db
        self._write = write
        self.now_ms: Callable[[], int] = _now_ms

    # -- settings of this ledger ---------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value this ledger keeps for sync (``folder``, ``device``, ``written`` ...)."""
        return store.meta(self._db, key)

    def folder(self) -> Path | None:
        """The sync folder this ledger shares through, if one is set."""
        value = self.meta("folder")
        return Path(value) if value else None

    def set_meta(self, **values: str | None) -> None:
        """Set values of ``meta`` in one transaction (None removes one)."""
        with self._write() as db:
            for key, value in values.items():
                store.set_meta(db, key, value)

    # -- this device's records -----------------------------------------------------------

    def _issue(
        self, db: sqlite3.Connection, device: str, items: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> list[Record]:
        """Number and stamp ``(type, key, body)`` items as this device's next records."""
        number = int(store.meta(db, "number") or 0)
        clock = _clock(db, device)
        records = []
        for kind, key, body in items:
            number += 1
            records.append(Record(device, number, clock.tick(self.now_ms()), kind, key, body))
        if records:
            held.store_records(db, records)
            store.set_meta(db, "number", str(number))
            store.set_meta(db, "clock", clock.last.text())
        return records

    def _changes_as_items(
        self, db: sqlite3.Connection, prompts: bool
    ) -> list[tuple[str, str, dict[str, Any]]]:
        items: list[tuple[str, str, dict[str, Any]]] = []
        for change in store.take_changes(db):
            items.extend(self._items_of(db, change, prompts))
        return items

    def _items_of(
        self, db: sqlite3.Connection, change: store.Change, prompts: bool
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        if change.kind == "entry":
            if change.op == "delete":
                if change.uid:
                    yield EventType.DELETE, change.uid, {}
                return
            rows = list(store.entry_fields(db, "e.id = ?", (change.row_id,), prompts=prompts))
            if not rows:
                return  # deleted since: its delete follows
            uid, body = rows[0]
            if change.op == "edit" and change.detail:
                changed = json.loads(change.detail)
                if not prompts:
                    changed.pop("prompt_text", None)
                yield EventType.EDIT, uid, {"set": changed}
                return
            kind = EventType.IMPORT if uid.startswith("src:") else EventType.ENTRY
            yield kind, uid, body
            if change.op == "restore":
                yield EventType.RESTORE, uid, {}
        elif change.kind == "plan":
            if change.op == "delete":
                if change.uid:
                    yield EventType.PLAN_DELETE, change.uid, {}
                return
            for uid, body in store.plan_fields(db, "id = ?", (change.row_id,)):
                yield EventType.PLAN, uid, body
        elif change.kind == "limit" and change.uid:
            for key, body in store.limit_fields(db, change.uid):
                yield EventType.LIMIT, key, body

    def take_changes(self, device: str, *, prompts: bool) -> list[Record]:
        """Turn the changes noted since the last call into this device's next records."""
        with self._write() as db:
            return self._issue(db, device, self._changes_as_items(db, prompts))

    def export_all(self, device: str, name: str, *, prompts: bool) -> list[Record]:
        """Records of everything this device holds of its own, and of the device itself.

        Used when sharing starts, and when this device takes a new id (its records under the
        old one may have lost to a clone's: ``store_records``). Entries other devices recorded
        stay theirs.
        """
        with self._write() as db:
            store.take_changes(db)  # all of it is in the export
            items: list[tuple[str, str, dict[str, Any]]] = [
                (EventType.DEVICE, device, {"name": name})
            ]
            items += [(EventType.PLAN, uid, body) for uid, body in store.plan_fields(db, "1", ())]
            for uid, body in store.entry_fields(db, "e.device IS NULL", (), prompts=prompts):
                kind = EventType.IMPORT if uid.startswith("src:") else EventType.ENTRY
                items.append((kind, uid, body))
            items += [(EventType.LIMIT, key, body) for key, body in store.limit_fields(db)]
            return self._issue(db, device, items)

    def describe(self, device: str, name: str) -> list[Record]:
        """A record of this device's name (when it is set or changed)."""
        with self._write() as db:
            return self._issue(db, device, [(EventType.DEVICE, device, {"name": name})])

    def unwritten(self, device: str) -> list[Record]:
        """This device's records not yet written to its journal."""
        written = int(self.meta("written") or 0)
        return held.own_records(self._db, device, written)

    def holds_differently(self, records: Sequence[Record]) -> int:
        """How many of ``records`` this ledger does not hold as they are (0: all of them)."""
        return held.held_differently(self._db, records)

    def holds_own(self, device: str) -> bool:
        """Whether this ledger has issued any record as ``device``."""
        return held.holds_records_of(self._db, device)

    # -- other devices' records ----------------------------------------------------------

    def take_in(self, records: Sequence[Record], device: str, *, prompts: bool) -> TakeIn:
        """Keep ``records`` and settle every key they touch, in one transaction.

        This device's own noted changes are taken first, in the same transaction, so a local
        change made meanwhile is never overwritten by an older settled state.
        """
        with self._write() as db:
            self._issue(db, device, self._changes_as_items(db, prompts))
            foreign_own = held.held_differently(db, [r for r in records if r.device == device])
            theirs = [r for r in records if r.device != device]
            touched, new, clashes = held.store_records(db, theirs)
            clock = _clock(db, device)
            now = self.now_ms()
            for record in theirs:
                clock.observe(record.stamp, now)
            store.set_meta(db, "clock", clock.last.text())
            known = {(r.device, r.number): r for r in theirs}
            changed = self._settle(db, touched, device, known)
        return TakeIn(new, clashes, changed, foreign_own)

    def _settle(
        self,
        db: sqlite3.Connection,
        keys: set[str],
        device: str,
        known: Mapping[tuple[str, int], Record] | None = None,
    ) -> int:
        store.set_context(db, "apply")
        try:
            grouped = held.records_for_keys(db, keys, known)
            plans, entries, limits = [], [], []
            for key in sorted(grouped):
                records = grouped[key]
                kind = records[0].type
                if kind in (EventType.PLAN, EventType.PLAN_DELETE):
                    plans.append(resolve_plan(key, records))
                elif kind == EventType.LIMIT:
                    limits.append(resolve_limit(key, records))
                elif kind != EventType.DEVICE:  # a device's name is read from its records
                    entries.append(resolve_entry(key, records))
            for plan in plans:  # first: entries name their plan by uid
                apply.apply_plan(db, plan)
            apply.apply_entries(db, entries, device)
            for limit in limits:
                apply.apply_limit(db, limit)
        finally:
            store.set_context(db, None)
        return len(entries)

    # -- journal cursors -----------------------------------------------------------------

    def cursor(self, path: str, size: int, mtime_ns: int) -> Cursor | None:
        """Where to read ``path`` from, or None if it has not changed since."""
        return held.cursor_of(self._db, path, size, mtime_ns)

    def save_cursors(self, reads: Sequence[held.FileRead]) -> None:
        """Remember how far each of these files was read."""
        with self._write() as db:
            for read in reads:
                held.save_cursor(db, read)

    def forget_cursors(self) -> None:
        """Read every journal from the start next time (a new folder)."""
        with self._write() as db:
            db.execute("DELETE FROM sync_files")

    # -- what is known of devices --------------------------------------------------------

    def devices(self) -> list[held.DeviceSummary]:
        """Every device that has written records."""
        return held.device_summaries(self._db)

    def device_names(self) -> dict[str, str | None]:
        """Every device that has written records, by id, with its latest name (if any).

        Cheap (no count of records): for the history view's device picker.
        """
        return held.device_names(self._db)

    def entries_by_device(self, device: str) -> dict[str, int]:
        """Entries per device (this one's under ``device``)."""
        return held.entries_by_device(self._db, device)
