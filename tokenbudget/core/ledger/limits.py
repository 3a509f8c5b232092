"""The official limit snapshots table: the newest snapshot per source, family and window."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from decimal import Decimal

from tokenbudget.core.ledger.rows import from_us, to_us
from tokenbudget.core.official_limits import LimitSnapshot

_UPSERT = (
    "INSERT INTO official_limits (source, limit_id, window, window_minutes, used_percent, "
    "resets_us, observed_us, plan_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (source, limit_id, window) DO UPDATE SET "
    "window_minutes = excluded.window_minutes, used_percent = excluded.used_percent, "
    "resets_us = excluded.resets_us, observed_us = excluded.observed_us, "
    "plan_type = COALESCE(excluded.plan_type, official_limits.plan_type) "
    "WHERE excluded.observed_us >= official_limits.observed_us"
)
_SELECT = (
    "SELECT source, limit_id, window, window_minutes, used_percent, resets_us, observed_us, "
    "plan_type FROM official_limits"
)


def store_limits(db: sqlite3.Connection, snapshots: Iterable[LimitSnapshot]) -> None:
    """Keep each snapshot unless a newer one of its window is stored (in the caller's txn)."""
    db.executemany(
        _UPSERT,
        (
            (
                s.source,
                s.limit_id,
                s.window,
                s.window_minutes,
                str(s.used_percent),
                None if s.resets_at is None else to_us(s.resets_at),
                to_us(s.observed_at),
                s.plan_type,
            )
            for s in snapshots
        ),
    )


def read_limits(db: sqlite3.Connection, source: str | None = None) -> list[LimitSnapshot]:
    """The stored snapshots (of one source), ordered by source, family and window length."""
    sql: str = _SELECT
    params: tuple[str, ...] = ()
    if source is not None:
        sql, params = sql + " WHERE source = ?", (source,)
    rows = db.execute(sql + " ORDER BY source, limit_id, window_minutes, window", params)
    return [
        LimitSnapshot(
            source=r[0],
            limit_id=r[1],
            window=r[2],
            window_minutes=r[3],
            used_percent=Decimal(r[4]),
            resets_at=None if r[5] is None else from_us(r[5]),
            observed_at=from_us(r[6]),
            plan_type=r[7],
        )
        for r in rows
    ]
