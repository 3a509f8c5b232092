"""Schema 5: projects, precedence, official limits, and the re-keyed import references."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger
from tokenbudget.core.ledger.rows import to_us
from tokenbudget.core.official_limits import LimitSnapshot

AT = datetime(2026, 11, 2, 9, 30, 1, 250_000, tzinfo=UTC)


def _v4(path: Path, rows: list[tuple[str, str, int, int]]) -> None:
    """A schema-4 ledger holding (source, source_ref, at_us, cache_read) entries."""
    db = sqlite3.connect(path)
    db.executescript(";".join(MIGRATIONS[:4]) + ";PRAGMA user_version = 4;")
    db.executemany(
        "INSERT INTO entries (at_us, provider, model, input_tokens, cache_read_tokens, "
        "output_tokens, source, source_ref) VALUES (?, 'anthropic', 'm', 1, ?, 1, ?, ?)",
        [(at, cache, source, ref) for source, ref, at, cache in rows],
    )
    db.commit()
    db.close()


def test_old_references_are_rewritten_and_replayed_copies_dropped(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    t = to_us(AT)
    _v4(
        path,
        [
            ("claude-code", "msg_1:req_a", t, 100),  # the parent's response
            ("claude-code", "msg_1:req_b", t + 60_000_000, 90_000),  # its /btw replay
            ("claude-code", "msg_2:req_c", t, 5),
            ("claude-code", "row:u-1", t, 7),
            ("codex", "019a-thread:1500", t, 0),
            ("codex", "019b-branch:1500", t, 0),  # a Desktop branch's byte copy
            ("codex", "019a-thread:2500", t + 1_000, 0),
            ("gemini-cli", "s:m1", t, 3),
        ],
    )
    with Ledger.open(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        refs = {(e.source, e.source_ref): e for e in ledger.history()}
    ms = t // 1000
    assert set(refs) == {
        ("claude-code", "msg_1"),
        ("claude-code", "msg_2"),
        ("claude-code", "row:u-1"),
        ("codex", f"t{ms}:1500"),
        ("codex", f"t{ms + 1}:2500"),
        ("gemini-cli", "s:m1"),
    }
    assert refs["claude-code", "msg_1"].tokens.cache_read_tokens == 100
    assert all(e.project is None and e.precedence == 1 for e in refs.values())


def test_project_and_precedence_round_trip(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db") as ledger:
        copy = NewEntry(
            AT,
            "anthropic",
            "m",
            TokenCounts(1, 900, 0, 0, 5),
            None,
            None,
            "claude-code",
            "msg_9",
            project="/src/shop",
            precedence=0,
        )
        original = NewEntry(
            AT,
            "anthropic",
            "m",
            TokenCounts(1, 10, 0, 0, 5),
            None,
            None,
            "claude-code",
            "msg_9",
            precedence=1,
        )
        ledger.add_entries([copy])
        ledger.add_entries([original])
        ledger.add_entries([copy])  # a copy read again never takes over
        (stored,) = ledger.history()
    assert stored.tokens.cache_read_tokens == 10
    assert stored.precedence == 1
    assert stored.project == "/src/shop"  # kept: the original named no project


def test_official_limits_keep_the_newest_per_window(tmp_path: Path) -> None:
    def snap(pct: str, minute: int) -> LimitSnapshot:
        return LimitSnapshot(
            "codex",
            "5h",
            300,
            Decimal(pct),
            AT.replace(hour=14),
            AT.replace(minute=minute),
            plan_type="plus",
            limit_id="codex",
        )

    with Ledger.open(tmp_path / "l.db") as ledger:
        ledger.record_limits([snap("40", 40)])
        ledger.record_limits([snap("12.5", 10)])  # older: ignored
        (kept,) = ledger.official_limits()
        assert kept.used_percent == Decimal("40")
        ledger.record_limits([snap("42", 45)])
        assert [s.used_percent for s in ledger.official_limits("codex")] == [Decimal("42")]
        assert ledger.official_limits("claude-code") == []
