"""Helpers for the ledger tests: ledgers as older versions of tokenbudget left them, raw SQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tokenbudget.core.entries import NewEntry
from tokenbudget.core.ledger import MIGRATIONS, Ledger, to_us


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


def v3_file(path: Path, entries: list[NewEntry]) -> None:
    """A schema-3 ledger as tokenbudget 3 wrote it (its own migrations, its own inserts)."""
    db = sqlite3.connect(path)
    script = ";".join(MIGRATIONS[:3])
    db.executescript(f"{script};PRAGMA user_version = 3;")
    db.execute(
        "INSERT INTO plans (id, name, kind, currency, amount_micros, created_us) VALUES "
        "(1, 'Claude Max', 'subscription', 'USD', 200000000, 0)"
    )
    db.executemany(
        "INSERT INTO entries (at_us, provider, model, input_tokens, cache_read_tokens, "
        "cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, cost_micros, currency, "
        "source, source_ref, note, plan_id, requests, prompt_text) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                to_us(e.at),
                e.provider,
                e.model,
                e.tokens.input_tokens,
                e.tokens.cache_read_tokens,
                e.tokens.cache_write_5m_tokens,
                e.tokens.cache_write_1h_tokens,
                e.tokens.output_tokens,
                e.cost_micros,
                e.currency,
                e.source,
                e.source_ref,
                e.note,
                e.plan_id,
                e.requests,
                e.prompt_text,
            )
            for e in entries
        ],
    )
    db.commit()
    db.close()


def raw_sql(ledger: Ledger, sql: str) -> list[sqlite3.Row]:
    """Raw SQL on the ledger's own connection, for checks the ledger has no method for."""
    return ledger._db.execute(sql).fetchall()
