"""The records the ledger holds for sync, and how far each journal file has been read.

Part of the ledger's side of sync (``sync_side``); every function runs inside the caller's
write transaction. A record is kept with its checked journal line (``sync_records.line``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tokenbudget.core.sync.clock import Stamp
from tokenbudget.core.sync.journal import Cursor, Record, parse_trusted
from tokenbudget.core.sync.merge import supersedes

# -- records --------------------------------------------------------------------------


def _row(record: Record) -> tuple[str, int, str, str, str, str]:
    line = record.line()[:-1].decode()
    return record.device, record.number, record.stamp.text(), record.type, record.key, line


def _record(row: Sequence[Any]) -> Record:
    record = parse_trusted(str(row[5]).encode())
    if record is None:  # pragma: no cover - only checked lines are stored
        raise ValueError(f"a stored sync record of {row[0]} is malformed")
    return record


_TEMP_RECORDS = (
    "CREATE TEMP TABLE IF NOT EXISTS incoming (device TEXT, number INTEGER, stamp TEXT, "
    "type TEXT, key TEXT, line TEXT, PRIMARY KEY (device, number)) WITHOUT ROWID"
)
_HELD = "EXISTS (SELECT 1 FROM sync_records s WHERE s.device = i.device AND s.number = i.number)"


def store_records(db: sqlite3.Connection, records: Iterable[Record]) -> tuple[set[str], int, int]:
    """Keep records not held yet; returns the keys touched, how many were new, how many clashed.

    A record whose ``(device, number)`` is held (or arrives twice) with other content is a
    clash (a cloned device): the greater of the two by ``merge.dedupe``'s order is kept, on
    every device. Done in bulk through a temporary table: a first read takes in millions.
    """
    batch: dict[tuple[str, int], Record] = {}
    clashes = 0
    for record in records:
        identity = (record.device, record.number)
        held = batch.get(identity)
        if held is None:
            batch[identity] = record
        elif held != record:
            clashes += 1
            if supersedes(record, held):
                batch[identity] = record
    db.execute(_TEMP_RECORDS)
    db.execute("DELETE FROM temp.incoming")
    db.executemany("INSERT INTO temp.incoming VALUES (?, ?, ?, ?, ?, ?)", map(_row, batch.values()))
    touched = {
        str(row[0]) for row in db.execute(f"SELECT i.key FROM temp.incoming i WHERE NOT {_HELD}")
    }
    before = db.total_changes
    db.execute(f"INSERT INTO sync_records SELECT * FROM temp.incoming i WHERE NOT {_HELD}")
    new = db.total_changes - before
    differing = db.execute(
        "SELECT i.device, i.number, i.stamp, i.type, i.key, i.line, "
        "s.device, s.number, s.stamp, s.type, s.key, s.line "
        "FROM temp.incoming i JOIN sync_records s ON s.device = i.device AND s.number = i.number "
        "WHERE s.line <> i.line"
    ).fetchall()
    for row in differing:
        clashes += 1
        record, other = _record(row[:6]), _record(row[6:])
        if supersedes(record, other):
            db.execute(
                "UPDATE sync_records SET stamp = ?, type = ?, key = ?, line = ? "
                "WHERE device = ? AND number = ?",
                (row[2], row[3], row[4], row[5], record.device, record.number),
            )
            touched.update((record.key, other.key))
    db.execute("DELETE FROM temp.incoming")
    return touched, new, clashes


def records_for_keys(
    db: sqlite3.Connection,
    keys: Iterable[str],
    known: Mapping[tuple[str, int], Record] | None = None,
) -> dict[str, list[Record]]:
    """Every record held about each of ``keys`` (one query, through a temporary table).

    Records in ``known`` (just read from a journal) are not parsed again.
    """
    known = known or {}
    db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("DELETE FROM temp.wanted")
    db.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?)", ((k,) for k in keys))
    found: dict[str, list[Record]] = {}
    for row in db.execute(
        # CROSS JOIN keeps the wanted keys as the outer loop: each looks up its records through
        # the key index, instead of a scan of every record held (a large folder).
        "SELECT r.device, r.number, r.stamp, r.type, r.key, r.line FROM temp.wanted w "
        "CROSS JOIN sync_records r ON r.key = w.key"
    ):
        held = known.get((row[0], row[1]))
        if held is None or held.raw is None or held.raw.decode() != row[5]:
            held = _record(row)
        found.setdefault(row[4], []).append(held)
    db.execute("DELETE FROM temp.wanted")
    return found


def held_differently(db: sqlite3.Connection, records: Iterable[Record]) -> int:
    """How many of ``records`` are held under their number with other content, or not at all."""
    count = 0
    for record in records:
        held = db.execute(
            "SELECT device, number, stamp, type, key, line FROM sync_records "
            "WHERE device = ? AND number = ?",
            (record.device, record.number),
        ).fetchone()
        if held is None or tuple(held) != _row(record):
            count += 1
    return count


def holds_records_of(db: sqlite3.Connection, device: str) -> bool:
    """Whether any record of ``device`` is held."""
    found = db.execute("SELECT 1 FROM sync_records WHERE device = ? LIMIT 1", (device,))
    return found.fetchone() is not None


def own_records(db: sqlite3.Connection, device: str, after: int) -> list[Record]:
    """This device's records numbered after ``after``, in order (to write to the journal)."""
    rows = db.execute(
        "SELECT device, number, stamp, type, key, line FROM sync_records "
        "WHERE device = ? AND number > ? ORDER BY number",
        (device, after),
    ).fetchall()
    return [_record(row) for row in rows]


@dataclass(frozen=True)
class DeviceSummary:
    """What the held records say about one device."""

    device: str
    records: int
    last_stamp: Stamp
    name: str | None


def device_summaries(db: sqlite3.Connection) -> list[DeviceSummary]:
    """Every device that has written records, with its latest name."""
    rows = db.execute(
        "SELECT device, COUNT(*), MAX(stamp) FROM sync_records GROUP BY device ORDER BY device"
    ).fetchall()
    names = device_names(db)
    return [DeviceSummary(d, n, Stamp.parse(s), names.get(d)) for d, n, s in rows]


#: Each device that has written records, one index seek per device (not a scan of them all:
#: a ledger can hold millions), and the name its latest ``device`` record gives (a device
#: record's key is the device's id, so ``sync_records_key`` finds them).
_DEVICE_NAMES = """
WITH RECURSIVE held(device) AS (
    SELECT MIN(device) FROM sync_records
    UNION ALL
    SELECT (SELECT MIN(device) FROM sync_records WHERE device > held.device)
    FROM held WHERE held.device IS NOT NULL
)
SELECT held.device, (
    SELECT json_extract(r.line, '$.b.name') FROM sync_records r
    WHERE r.key = held.device AND r.type = 'device' AND r.device = held.device
    ORDER BY r.stamp DESC LIMIT 1
) FROM held WHERE held.device IS NOT NULL
"""


def device_names(db: sqlite3.Connection) -> dict[str, str | None]:
    """Every device that has written records, and its latest name (None: it gave none).

    What ``device_summaries`` says of names, without counting records: cheap enough for
    every read of the history view.
    """
    return {str(d): None if n is None else str(n) for d, n in db.execute(_DEVICE_NAMES)}


def entries_by_device(db: sqlite3.Connection, this_device: str) -> dict[str, int]:
    """How many entries each device recorded or imported (this one's are ``device`` NULL)."""
    rows = db.execute(
        "SELECT COALESCE(device, ?), COUNT(*) FROM entries GROUP BY 1", (this_device,)
    )
    return {str(d): int(n) for d, n in rows}


# -- cursors --------------------------------------------------------------------------


def cursor_of(db: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> Cursor | None:
    """The cursor of a journal file, or None if it is unchanged since it was last read."""
    row = db.execute(
        "SELECT offset, tail, size, mtime_ns FROM sync_files WHERE path = ?", (path,)
    ).fetchone()
    if row is None:
        return Cursor()
    if row[2] == size and row[3] == mtime_ns:
        return None
    return Cursor(row[0], row[1])


@dataclass(frozen=True)
class FileRead:
    """How far one journal file was read, and the size and time it had then."""

    path: str
    device: str
    cursor: Cursor
    size: int
    mtime_ns: int


def save_cursor(db: sqlite3.Connection, read: FileRead) -> None:
    """Remember how far a journal file was read."""
    db.execute(
        "INSERT INTO sync_files VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET "
        "device = excluded.device, offset = excluded.offset, tail = excluded.tail, "
        "size = excluded.size, mtime_ns = excluded.mtime_ns",
        (read.path, read.device, read.cursor.offset, read.cursor.tail, read.size, read.mtime_ns),
    )
