"""The ledger's side of sync: its outbox, the records it holds, and applying settled states.

Every function here runs inside the caller's write transaction (``Ledger.sync_write``), so a
sync step is all done or not at all. Bodies are plain JSON values: an entry's columns, its
plan by uid (plan ids differ from device to device), a plan's columns, a limit's row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from tokenbudget.core.sync.clock import Stamp
from tokenbudget.core.sync.journal import Cursor, Record
from tokenbudget.core.sync.merge import EntryState, LatestState

#: The columns of an entry that travel in its records (``prompt_text`` only when shared).
ENTRY_FIELDS: Final = (
    "at_us",
    "provider",
    "model",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "cost_micros",
    "currency",
    "source",
    "source_ref",
    "note",
    "requests",
    "project",
    "precedence",
)
PLAN_FIELDS: Final = (
    "name",
    "kind",
    "currency",
    "amount_micros",
    "providers",
    "models",
    "reset_day",
    "timezone",
    "monthly_token_cap",
    "windows",
    "thresholds",
    "low_balance_micros",
    "start_us",
    "active",
    "created_us",
)
LIMIT_FIELDS: Final = (
    "source",
    "limit_id",
    "window",
    "window_minutes",
    "used_percent",
    "resets_us",
    "observed_us",
    "plan_type",
)
_NOT_NULL_ENTRY = frozenset(
    {"at_us", "provider", "model", "input_tokens", "output_tokens", "source", "requests"}
)


@dataclass(frozen=True)
class Change:
    """One local change noted by the ledger's triggers (a row of ``sync_outbox``)."""

    seq: int
    kind: str
    row_id: int | None
    uid: str | None
    op: str
    detail: str | None


def set_context(db: sqlite3.Connection, what: str | None) -> None:
    """Say what the transaction's changes are (``apply``, ``edit``, ``restore``), or clear it."""
    db.execute("DELETE FROM sync_context")
    if what is not None:
        db.execute("INSERT INTO sync_context (what) VALUES (?)", (what,))


def meta(db: sqlite3.Connection, key: str) -> str | None:
    """A value of ``sync_meta``."""
    row = db.execute("SELECT value FROM sync_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(db: sqlite3.Connection, key: str, value: str | None) -> None:
    """Set (or, with None, remove) a value of ``sync_meta``."""
    if value is None:
        db.execute("DELETE FROM sync_meta WHERE key = ?", (key,))
    else:
        db.execute(
            "INSERT INTO sync_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def take_changes(db: sqlite3.Connection) -> list[Change]:
    """The changes noted since the last take, oldest first; they are removed."""
    rows = db.execute(
        "SELECT seq, kind, row_id, uid, op, detail FROM sync_outbox ORDER BY seq"
    ).fetchall()
    db.execute("DELETE FROM sync_outbox")
    return [Change(*row) for row in rows]


def note_edit(db: sqlite3.Connection, entry_id: int, changed: Mapping[str, Any]) -> None:
    """Note a user's edit of an entry: only the fields that changed travel."""
    if changed and meta(db, "folder") is not None:
        db.execute(
            "INSERT INTO sync_outbox (kind, row_id, op, detail) VALUES ('entry', ?, 'edit', ?)",
            (entry_id, json.dumps(dict(changed), sort_keys=True)),
        )


def edit_fields(db: sqlite3.Connection, entry_id: int) -> dict[str, Any] | None:
    """The travelling fields of one entry (plan by uid, prompt text too), or None."""
    rows = list(entry_fields(db, "e.id = ?", (entry_id,), prompts=True))
    return rows[0][1] if rows else None


def entry_fields(
    db: sqlite3.Connection, where: str, params: Sequence[Any], *, prompts: bool
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(uid, body)`` of the entries matching ``where``, their plan named by uid."""
    columns = ", ".join(f"e.{c}" for c in ENTRY_FIELDS)
    text = ", e.prompt_text" if prompts else ""
    cursor = db.execute(
        f"SELECT e.uid, {columns}, p.uid{text} FROM entries e "
        f"LEFT JOIN plans p ON p.id = e.plan_id WHERE {where}",
        params,
    )
    for row in cursor:
        body = dict(zip(ENTRY_FIELDS, row[1 : 1 + len(ENTRY_FIELDS)], strict=True))
        body["plan"] = row[1 + len(ENTRY_FIELDS)]
        if prompts:
            body["prompt_text"] = row[-1]
        yield row[0], body


def plan_fields(
    db: sqlite3.Connection, where: str, params: Sequence[Any]
) -> list[tuple[str, dict[str, Any]]]:
    """``(uid, body)`` of the plans matching ``where``."""
    columns = ", ".join(PLAN_FIELDS)
    rows = db.execute(f"SELECT uid, {columns} FROM plans WHERE {where}", params).fetchall()
    return [(row[0], dict(zip(PLAN_FIELDS, row[1:], strict=True))) for row in rows]


def limit_fields(
    db: sqlite3.Connection, key: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """``(key, body)`` of the official limit snapshots (one, or all)."""
    columns = ", ".join(LIMIT_FIELDS)
    sql = f"SELECT source || '|' || limit_id || '|' || window, {columns} FROM official_limits"
    rows = (
        db.execute(sql + " WHERE source || '|' || limit_id || '|' || window = ?", (key,))
        if key is not None
        else db.execute(sql)
    ).fetchall()
    return [(row[0], dict(zip(LIMIT_FIELDS, row[1:], strict=True))) for row in rows]


# -- records --------------------------------------------------------------------------


def _row(record: Record) -> tuple[str, int, str, str, str, str]:
    body = json.dumps(dict(record.body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return record.device, record.number, record.stamp.text(), record.type, record.key, body


def _record(row: Sequence[Any]) -> Record:
    return Record(row[0], row[1], Stamp.parse(row[2]), row[3], row[4], json.loads(row[5]))


def store_records(db: sqlite3.Connection, records: Iterable[Record]) -> tuple[set[str], int, int]:
    """Keep records not held yet; returns the keys touched, how many were new, how many clashed.

    A record whose ``(device, number)`` is held with other content is a clash (a cloned
    device): the greater of the two by ``merge.dedupe``'s order is kept, on every device.
    """
    touched: set[str] = set()
    clashes = new = 0
    for record in records:
        row = _row(record)
        held = db.execute(
            "SELECT device, number, stamp, type, key, body FROM sync_records "
            "WHERE device = ? AND number = ?",
            (record.device, record.number),
        ).fetchone()
        if held is None:
            db.execute("INSERT INTO sync_records VALUES (?, ?, ?, ?, ?, ?)", row)
            touched.add(record.key)
            new += 1
            continue
        if tuple(held) == row:
            continue
        clashes += 1
        other = _record(held)
        if (record.stamp, record.line()) > (other.stamp, other.line()):
            db.execute(
                "UPDATE sync_records SET stamp = ?, type = ?, key = ?, body = ? "
                "WHERE device = ? AND number = ?",
                (row[2], row[3], row[4], row[5], record.device, record.number),
            )
            touched.update((record.key, other.key))
    return touched, new, clashes


def held_differently(db: sqlite3.Connection, records: Iterable[Record]) -> int:
    """How many of ``records`` are held under their number with other content, or not at all."""
    count = 0
    for record in records:
        held = db.execute(
            "SELECT device, number, stamp, type, key, body FROM sync_records "
            "WHERE device = ? AND number = ?",
            (record.device, record.number),
        ).fetchone()
        if held is None or tuple(held) != _row(record):
            count += 1
    return count


def records_for(db: sqlite3.Connection, key: str) -> list[Record]:
    """Every record held about ``key``."""
    rows = db.execute(
        "SELECT device, number, stamp, type, key, body FROM sync_records WHERE key = ?", (key,)
    ).fetchall()
    return [_record(row) for row in rows]


def own_records(db: sqlite3.Connection, device: str, after: int) -> list[Record]:
    """This device's records numbered after ``after``, in order (to write to the journal)."""
    rows = db.execute(
        "SELECT device, number, stamp, type, key, body FROM sync_records "
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
    names = dict(
        db.execute(
            "SELECT r.device, json_extract(r.body, '$.name') FROM sync_records r "
            "WHERE r.type = 'device' AND r.stamp = (SELECT MAX(stamp) FROM sync_records s "
            "WHERE s.device = r.device AND s.type = 'device')"
        ).fetchall()
    )
    return [DeviceSummary(d, n, Stamp.parse(s), names.get(d)) for d, n, s in rows]


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


# -- applying -------------------------------------------------------------------------


def _plan_id(db: sqlite3.Connection, uid: object) -> int | None:
    if not isinstance(uid, str):
        return None
    row = db.execute("SELECT id FROM plans WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else int(row[0])


def apply_entry(db: sqlite3.Connection, state: EntryState, this_device: str) -> None:
    """Make the entry ``state.key`` what its records settled to (in an ``apply`` context)."""
    if state.deleted:
        db.execute("DELETE FROM entries WHERE uid = ?", (state.key,))
        return
    if state.fields is None:
        return  # edits whose entry has not arrived yet
    values: dict[str, Any] = {k: v for k, v in state.fields.items() if k in ENTRY_FIELDS}
    if "prompt_text" in state.fields:
        values["prompt_text"] = state.fields["prompt_text"]
    if "plan" in state.fields:
        values["plan_id"] = _plan_id(db, state.fields["plan"])
    values["device"] = None if state.device == this_device else state.device
    held = db.execute("SELECT id FROM entries WHERE uid = ?", (state.key,)).fetchone()
    if held is not None:
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        db.execute(f"UPDATE entries SET {assignments} WHERE id = :id", {**values, "id": held[0]})
        return
    if not values.keys() >= _NOT_NULL_ENTRY:
        return  # a base record without the columns an entry needs: not trusted
    values["uid"] = state.key
    if values.get("source_ref") is not None:
        # The same row imported here before uids existed for it, under another uid.
        db.execute(
            "DELETE FROM entries WHERE source = :source AND source_ref = :source_ref",
            values,
        )
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    db.execute(f"INSERT INTO entries ({columns}) VALUES ({marks})", values)


def apply_plan(db: sqlite3.Connection, state: LatestState) -> None:
    """Make the plan ``state.key`` its latest record, or remove it."""
    if state.record is None:
        if state.deleted:
            db.execute("DELETE FROM plans WHERE uid = ?", (state.key,))
        return
    values = {k: v for k, v in state.record.body.items() if k in PLAN_FIELDS}
    if not {"name", "kind", "currency", "amount_micros", "created_us"} <= values.keys():
        return
    values["name"] = _free_name(db, str(values["name"]), state.key)
    held = db.execute("SELECT id FROM plans WHERE uid = ?", (state.key,)).fetchone()
    if held is not None:
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        db.execute(f"UPDATE plans SET {assignments} WHERE id = :id", {**values, "id": held[0]})
    else:
        values["uid"] = state.key
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        db.execute(f"INSERT INTO plans ({columns}) VALUES ({marks})", values)


def _free_name(db: sqlite3.Connection, name: str, uid: str) -> str:
    """``name``, or ``name (2)`` ... if another plan has it.

    Two devices that each made a plan of the same name keep both; the plan with the smaller
    uid keeps the name on every device, since both sides rename the same one.
    """
    candidate, number = name, 1
    while True:
        row = db.execute(
            "SELECT uid FROM plans WHERE name = ? COLLATE NOCASE AND uid <> ?", (candidate, uid)
        ).fetchone()
        if row is None:
            return candidate
        if str(row[0]) > uid:  # ours has the smaller uid: the other one gives way
            number_other = 2
            while db.execute(
                "SELECT 1 FROM plans WHERE name = ? COLLATE NOCASE",
                (f"{candidate} ({number_other})",),
            ).fetchone():
                number_other += 1
            db.execute(
                "UPDATE plans SET name = ? WHERE uid = ?",
                (f"{candidate} ({number_other})", row[0]),
            )
            return candidate
        number += 1
        candidate = f"{name} ({number})"


def apply_limit(db: sqlite3.Connection, state: LatestState) -> None:
    """Keep the newest observation of an official limit."""
    if state.record is None:
        return
    body = state.record.body
    if not set(LIMIT_FIELDS) - {"window_minutes", "resets_us", "plan_type"} <= body.keys():
        return
    db.execute(
        "INSERT INTO official_limits (source, limit_id, window, window_minutes, used_percent, "
        "resets_us, observed_us, plan_type) VALUES (:source, :limit_id, :window, "
        ":window_minutes, :used_percent, :resets_us, :observed_us, :plan_type) "
        "ON CONFLICT (source, limit_id, window) DO UPDATE SET "
        "window_minutes = excluded.window_minutes, used_percent = excluded.used_percent, "
        "resets_us = excluded.resets_us, observed_us = excluded.observed_us, "
        "plan_type = excluded.plan_type WHERE excluded.observed_us > official_limits.observed_us",
        {k: body.get(k) for k in LIMIT_FIELDS},
    )
