"""Helpers for the ledger tests: ledgers as older versions of tokenbudget left them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tokenbudget.core.ledger import MIGRATIONS


def v3_ledger(path: Path, count: int, *, wal: bool = False) -> None:
    """A schema-3 ledger with ``count`` codex entries (source refs ``v3-0``, ``v3-1`` ...).

    Args:
        path: Where to create it (the file must not exist).
        count: How many entries it holds.
        wal: Leave it in WAL mode, as a tokenbudget 3 that was still open left it; else in
            SQLite's default rollback-journal mode, as one that closed cleanly did.
    """
    db = sqlite3.connect(path)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    db.executescript(";".join(MIGRATIONS[:3]) + ";PRAGMA user_version = 3;")
    db.executemany(
        "INSERT INTO entries (at_us, provider, model, input_tokens, output_tokens, "
        "cost_micros, currency, source, source_ref) VALUES (?, 'openai', 'm', 1, 2, 3, 'USD', "
        "'codex', ?)",
        [(1_800_000_000_000_000 + i, f"v3-{i}") for i in range(count)],
    )
    db.commit()
    db.close()
