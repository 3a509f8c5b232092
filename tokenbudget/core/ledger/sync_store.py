"""The ledger's side of sync: what travels, the outbox of local changes, and sync settings.

Every function here runs inside the caller's write transaction (``sync_side``), so a sync step
is all done or not at all. Bodies are plain JSON values: an entry's columns, its plan by uid
(plan ids differ from device to device), a plan's columns, a limit's row. ``sync_records``
keeps the records and read positions, ``sync_apply`` applies settled states.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from tokenbudget.core.ledger.schema import ENTRY_COLUMNS

#: The columns of an entry that travel in its records (``prompt_text`` only when shared).
ENTRY_FIELDS: Final = tuple(
    name
    for name in (c.strip() for c in ENTRY_COLUMNS.split(","))
    if name not in ("plan_id", "prompt_text")  # the plan travels by uid, as ``plan``
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
entry_field_set = frozenset(ENTRY_FIELDS)
not_null_entry_fields = frozenset(
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
