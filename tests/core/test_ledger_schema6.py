"""Schema 6: what each importer's last run saw, and the totals per source."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import Problem
from tokenbudget.core.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger
from tokenbudget.core.ledger.runs import MAX_STORED_PROBLEMS, ImportRun

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def _entry(source: str, ref: str, cost: int | None, currency: str | None) -> NewEntry:
    return NewEntry(
        at=AT,
        provider="anthropic",
        model="m",
        tokens=TokenCounts(input_tokens=10, output_tokens=5, cache_read_tokens=100),
        cost_micros=cost,
        currency=currency,
        source=source,
        source_ref=ref,
    )


def test_a_schema5_ledger_gains_the_runs_table_and_keeps_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(";".join(MIGRATIONS[:5]) + ";PRAGMA user_version = 5;")
    db.execute(
        "INSERT INTO entries (at_us, provider, model, input_tokens, output_tokens, source, "
        "source_ref) VALUES (1, 'openai', 'm', 1, 2, 'codex', 'r1')"
    )
    db.commit()
    db.close()
    with Ledger.open(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION >= 6
        assert ledger.count() == 1
        assert ledger.import_runs() == {}


def test_the_last_run_replaces_the_one_before_and_its_problems_are_capped(
    tmp_path: Path,
) -> None:
    problems = tuple(Problem(f"/logs/a{i}.jsonl", i + 1, "not JSON") for i in range(150))
    with Ledger.open(tmp_path / "l.sqlite3") as ledger:
        ledger.record_run(ImportRun("codex", AT, 3, 7, 1, (Problem("/x", None, "gone"),)))
        ledger.record_run(ImportRun("codex", AT, 2, 9, 150, problems))
        ledger.record_run(ImportRun("claude-code", AT, 0, 0, 0, ()))
        runs = ledger.import_runs()
    assert set(runs) == {"codex", "claude-code"}
    codex = runs["codex"]
    assert (codex.at, codex.files_read, codex.records, codex.problem_count) == (AT, 2, 9, 150)
    assert codex.problems == problems[:MAX_STORED_PROBLEMS]
    assert runs["claude-code"].problems == ()


def test_source_totals_keep_currencies_apart_and_count_unpriced_entries(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite3") as ledger:
        ledger.add_entries(
            [
                _entry("codex", "a", 1_500_000, "USD"),
                _entry("codex", "b", 250_000, "USD"),
                _entry("codex", "c", 2_000_000, "EUR"),
                _entry("codex", "d", None, None),
                _entry("claude-code", "e", None, None),
            ]
        )
        totals = ledger.source_totals()
    codex = totals["codex"]
    assert codex.entries == 4
    assert codex.tokens == 4 * 115
    assert codex.cost == {"USD": Decimal("1.75"), "EUR": Decimal("2")}
    assert codex.unpriced == 1
    claude = totals["claude-code"]
    assert (claude.entries, claude.cost, claude.unpriced) == (1, {}, 1)
