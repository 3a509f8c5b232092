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
from tokenbudget.core.sync.journal import Cursor, Record, parse_trusted
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
_ENTRY_FIELD_SET = frozenset(ENTRY_FIELDS)
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
    line = record.line()[:-1].decode()
    return record.device, record.number, record.stamp.text(), record.type, record.key, line


def _record(row: Sequence[Any]) -> Record:
    record = parse_trusted(str(row[5]).encode())
    if record is None:  # pragma: no cover - only checked lines are stored
        raise ValueError(f"a stored sync record of {row[0]} is malformed")
    return record


def _greater(one: Record, other: Record) -> bool:
    """The order two different records under one identity are settled by (``merge.dedupe``)."""
    return (one.stamp, one.line()) > (other.stamp, other.line())


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
            if _greater(record, held):
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
        if _greater(record, other):
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
        "SELECT r.device, r.number, r.stamp, r.type, r.key, r.line FROM sync_records r "
        "JOIN temp.wanted w ON w.key = r.key"
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


def records_for(db: sqlite3.Connection, key: str) -> list[Record]:
    """Every record held about ``key``."""
    rows = db.execute(
        "SELECT device, number, stamp, type, key, line FROM sync_records WHERE key = ?", (key,)
    ).fetchall()
    return [_record(row) for row in rows]


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
    names = dict(
        db.execute(
            "SELECT r.device, json_extract(r.line, '$.b.name') FROM sync_records r "
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


def apply_entries(db: sqlite3.Connection, states: Sequence[EntryState], this_device: str) -> None:
    """Make each entry what its records settled to (in an ``apply`` context), in bulk.

    Deleted entries go; the others are inserted or updated by uid with the columns their
    records carry, so a column a record leaves out (prompt text not shared) keeps its local
    value. States of edits whose entry has not arrived change nothing yet.
    """
    plan_ids = {str(uid): int(i) for uid, i in db.execute("SELECT uid, id FROM plans")}
    gone = [(s.key,) for s in states if s.deleted]
    if gone:
        db.executemany("DELETE FROM entries WHERE uid = ?", gone)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for state in states:
        if state.deleted or state.fields is None:
            continue
        values: dict[str, Any] = {k: v for k, v in state.fields.items() if k in _ENTRY_FIELD_SET}
        if "prompt_text" in state.fields:
            values["prompt_text"] = state.fields["prompt_text"]
        if "plan" in state.fields:
            plan = state.fields["plan"]
            values["plan_id"] = plan_ids.get(plan) if isinstance(plan, str) else None
        values["device"] = None if state.device == this_device else state.device
        values["uid"] = state.key
        groups.setdefault(tuple(sorted(values)), []).append(values)
    for columns, rows in groups.items():
        if not set(columns) >= _NOT_NULL_ENTRY:
            for values in rows:  # edits over an entry held here with fewer columns: update
                sets = ", ".join(f"{c} = :{c}" for c in columns if c != "uid")
                db.execute(f"UPDATE entries SET {sets} WHERE uid = :uid", values)
            continue
        names = ", ".join(columns)
        marks = ", ".join(f":{c}" for c in columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "uid")
        sql = (
            f"INSERT INTO entries ({names}) VALUES ({marks}) "
            f"ON CONFLICT (uid) DO UPDATE SET {updates}"
        )
        try:
            db.executemany(sql, rows)
        except sqlite3.IntegrityError:
            for values in rows:  # one row held here under another uid (from before uids)
                _insert_one(db, sql, values)


def _insert_one(db: sqlite3.Connection, sql: str, values: dict[str, Any]) -> None:
    try:
        db.execute(sql, values)
    except sqlite3.IntegrityError:
        if values.get("source_ref") is None:
            raise
        db.execute(
            "DELETE FROM entries WHERE source = :source AND source_ref = :source_ref",
            values,
        )
        db.execute(sql, values)


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
