"""Applying what other devices' records settled to: entries, plans, limits.

Part of the ledger's side of sync (``sync_side``); every function runs inside the caller's
write transaction, in the ``apply`` context (so the triggers do not note the changes again).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from tokenbudget.core.ledger.sync_store import (
    LIMIT_FIELDS,
    PLAN_FIELDS,
    entry_field_set,
    not_null_entry_fields,
)
from tokenbudget.core.sync.merge import EntryState, LatestState

# -- applying -------------------------------------------------------------------------


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
        values: dict[str, Any] = {k: v for k, v in state.fields.items() if k in entry_field_set}
        if "prompt_text" in state.fields:
            values["prompt_text"] = state.fields["prompt_text"]
        if "plan" in state.fields:
            plan = state.fields["plan"]
            values["plan_id"] = plan_ids.get(plan) if isinstance(plan, str) else None
        values["device"] = None if state.device == this_device else state.device
        values["uid"] = state.key
        groups.setdefault(tuple(sorted(values)), []).append(values)
    for columns, rows in groups.items():
        if not set(columns) >= not_null_entry_fields:
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
