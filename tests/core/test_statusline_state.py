"""What the status line keeps between runs: pending limits and its last ledger parts."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import astuple
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import SCHEMA_VERSION, HistoryFilter, Ledger, quick, to_us
from tokenbudget.core.ledger import limits as ledger_limits
from tokenbudget.core.official_limits import from_claude_code, from_codex
from tokenbudget.core.services import limits as limits_service
from tokenbudget.core.statusline_state import (
    add_pending,
    claude_windows,
    read_parts,
    take_pending,
    write_parts,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_pending_snapshots_round_trip_and_are_taken_once(tmp_path: Path) -> None:
    pending = tmp_path / "data" / "pending.jsonl"
    claude = from_claude_code(
        {"five_hour": {"used_percentage": 105.5, "resets_at": 1_800_000_000}}, NOW
    )
    codex = from_codex(
        {"limit_id": "codex", "plan_type": "pro", "primary": {"used_percent": 3}}, NOW
    )
    add_pending(pending, claude)
    with pending.open("a", encoding="utf-8") as handle:
        handle.write('{"source": "claude-code"}\nnot json\n')
    add_pending(pending, codex)
    add_pending(pending, [])
    assert take_pending(pending) == claude + codex
    assert claude[0].used_percent == Decimal("105.5")
    assert take_pending(pending) == []
    assert not pending.exists()


def test_kept_parts_last_while_nothing_changed(tmp_path: Path) -> None:
    cache, source = tmp_path / "cache" / "line.json", tmp_path / "ledger"
    source.write_bytes(b"one")
    parts = {"today": "today $1.00", "plan": "Claude Pro"}
    write_parts(cache, [source, tmp_path / "missing"], NOW, parts)
    assert read_parts(cache, [source, tmp_path / "missing"], NOW + timedelta(seconds=59)) == parts
    assert read_parts(cache, [source, tmp_path / "missing"], NOW + timedelta(seconds=61)) is None
    assert read_parts(cache, [source, tmp_path / "missing"], NOW - timedelta(seconds=1)) is None
    (tmp_path / "missing").write_text("now here")
    assert read_parts(cache, [source, tmp_path / "missing"], NOW) is None


def test_kept_parts_are_dropped_when_a_file_changes_or_the_day_ends(tmp_path: Path) -> None:
    cache, source = tmp_path / "line.json", tmp_path / "ledger"
    source.write_bytes(b"one")
    late = datetime.now().astimezone().replace(hour=23, minute=59, second=50, microsecond=0)
    write_parts(cache, [source], late, {"today": "x"})
    assert read_parts(cache, [source], late + timedelta(seconds=5)) == {"today": "x"}
    assert read_parts(cache, [source], late + timedelta(seconds=15)) is None  # the next day
    source.write_bytes(b"two!")
    assert read_parts(cache, [source], late) is None
    cache.write_text("{broken")
    assert read_parts(cache, [source], late) is None


# -- the status line's lean ledger reads (core.ledger.quick) equal the full Ledger's ---------


def _ledger_with(path: Path, seed: int, now: datetime) -> Ledger:
    rng = random.Random(seed)
    ledger = Ledger.open(path)
    entries = []
    for i in range(300):
        currency = rng.choice(["USD", "USD", "EUR", "CNY", None])
        entries.append(
            NewEntry(
                at=now - timedelta(minutes=rng.randint(-120, 3 * 24 * 60)),
                provider=rng.choice(["anthropic", "openai"]),
                model="m",
                tokens=TokenCounts(input_tokens=rng.randint(0, 999)),
                cost_micros=None if currency is None else rng.choice([0, rng.randint(1, 10**6)]),
                currency=currency,
                source="claude-code",
                source_ref=f"{seed}-{i}",
            )
        )
    ledger.add_entries(entries)
    return ledger


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_today_costs_equal_the_ledgers_totals(tmp_path: Path, seed: int) -> None:
    now = datetime.now().astimezone()
    ledger = _ledger_with(tmp_path / "ledger.db", seed, now)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for since in (midnight, midnight - timedelta(days=1, hours=5), now + timedelta(hours=1)):
        full = ledger.totals(HistoryFilter(since=since))
        db = quick.open_current(tmp_path / "ledger.db")
        assert db is not None
        assert quick.today_costs(db, to_us(since)) == (full.entries, full.cost_micros)
        db.close()
    ledger.close()


def test_limit_rows_round_trip_as_the_ledger_stores_and_reads_them(tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path / "ledger.db")
    codex = from_codex(
        {"limit_id": "codex", "plan_type": "pro", "primary": {"used_percent": 3.5}}, NOW
    )
    ledger.record_limits(codex)
    claude = from_claude_code(
        {
            "five_hour": {"used_percentage": 12.25, "resets_at": 1_800_000_000},
            "seven_day": {"used_percentage": 7},
        },
        NOW + timedelta(microseconds=7),
    )
    db = quick.open_current(tmp_path / "ledger.db")
    assert db is not None
    quick.store_limit_rows(db, [limits_service._row(s) for s in claude])
    rows = quick.limit_rows(db)
    db.close()
    assert [tuple(limits_service._snapshot(r)) for r in rows] == [
        astuple(s) for s in ledger.official_limits()
    ]
    assert ledger.official_limits("claude-code") == claude
    ledger.close()


def test_quick_reads_only_a_current_ledger_and_changes_no_other(tmp_path: Path) -> None:
    assert quick.SCHEMA == SCHEMA_VERSION
    assert quick._UPSERT == ledger_limits._UPSERT
    assert quick.open_current(tmp_path / "missing.db") is None
    assert not (tmp_path / "missing.db").exists()
    old = tmp_path / "old.db"
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE entries (x)")
    db.execute("PRAGMA user_version = 4")
    db.close()
    before = old.read_bytes()
    assert quick.open_current(old) is None
    assert old.read_bytes() == before
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    assert quick.open_current(junk) is None
    assert junk.read_bytes() == b"not a database" * 100


def test_microseconds_as_the_ledger_counts_them() -> None:
    for at in (NOW, NOW + timedelta(microseconds=1), datetime(1969, 12, 31, 23, 59, tzinfo=UTC)):
        assert limits_service._us(at) == to_us(at)
        assert limits_service._us(at.astimezone()) == to_us(at)


@pytest.mark.parametrize(
    "window",
    [
        {"used_percentage": 23.5, "resets_at": 1_800_000_000},
        {"used_percentage": 12.499999999, "resets_at": 1_800_000_000_000},  # milliseconds
        {"used_percentage": "105", "resets_at": "2026-12-03T18:00:00Z"},
        {"used_percentage": 0, "resets_at": "2026-12-03T18:00:00"},  # no zone: UTC
        {"used_percentage": 7, "resets_at": " 1800000000.5 "},
        {"used_percentage": 7, "resets_at": "soon"},
        {"used_percentage": 7, "resets_at": True},
        {"used_percentage": 7, "resets_at": 99_999_999_999_999},
        {"used_percentage": 100_001},
        {"used_percentage": -1},
        {"used_percentage": "NaN"},
        {"used_percentage": "lots"},
        {"used_percentage": True},
        {"used_percentage": None},
        {},
        "x",
    ],
)
def test_claude_windows_equal_the_official_snapshots(window: object) -> None:
    seen = datetime(2026, 12, 3, 13, 0, 0, 5).astimezone()
    for rate in ({"five_hour": window}, {"seven_day": window, "five_hour": window}):
        lean = claude_windows(rate, seen)
        full = from_claude_code(rate, seen)
        assert [tuple(w) for w in lean] == [astuple(s) for s in full]
        assert [w.provider for w in lean] == [s.provider for s in full]
        for now in (NOW, NOW + timedelta(days=3000)):
            assert [w.is_stale(now) for w in lean] == [s.is_stale(now) for s in full]
    assert claude_windows(None, seen) == [] == claude_windows([window], seen)


def test_pending_windows_read_back_as_the_ledger_takes_them(tmp_path: Path) -> None:
    pending = tmp_path / "pending.jsonl"
    rate = {"five_hour": {"used_percentage": 3.25, "resets_at": 1_800_000_000}}
    add_pending(pending, claude_windows(rate, NOW + timedelta(microseconds=3)))
    assert take_pending(pending) == from_claude_code(rate, NOW + timedelta(microseconds=3))
