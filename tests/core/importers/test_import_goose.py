"""Goose: one entry per session total in sessions.db, replaced as the session grows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db_support import build_db, per_day, per_model, run_sql
from importer_support import FIXTURES, totals

from tokenbudget.core.entries import Entry, TokenCounts
from tokenbudget.core.importers import foreign_db, get_importer
from tokenbudget.core.importers.goose import NOTE, GooseImporter
from tokenbudget.core.importers.values import project_value
from tokenbudget.core.services import Service

SQL = FIXTURES / "goose" / "sessions.sql"
NOW = datetime(2026, 3, 10, tzinfo=UTC)

# Worked out by hand from sessions.sql (see its comments):
MODELS = {
    "claude-sonnet-4-5": (20000, 90000, 10000, 0, 8000),
    "gpt-5": (50000, 0, 0, 0, 9000),
    "gemini-2.5-pro": (30000, 40000, 0, 0, 2000),
    "claude-haiku-4-5": (8000, 0, 0, 0, 500),
    "unknown": (5000, 0, 0, 0, 400),  # the legacy session and the damaged model config
}
DAYS = {
    "2026-03-01": (4000, 0, 0, 0, 300),
    "2026-03-02": (70000, 90000, 10000, 0, 17000),
    "2026-03-03": (39000, 40000, 0, 0, 2600),
}
ALL = (113000, 130000, 10000, 0, 19900)
GROWN = (123000, 150000, 10000, 0, 21400)  # 20260302_1 grew to 30000 / 110000 / 10000 / 9500


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    """Goose's sessions folder with its database (the tool is not running: no -wal)."""
    build_db(SQL, tmp_path / "goose" / "sessions" / "sessions.db", wal=True)
    return tmp_path / "goose" / "sessions"


def grow(db: Path) -> None:
    run_sql(
        db,
        "UPDATE sessions SET accumulated_input_tokens = 150000, accumulated_output_tokens = 9500,"
        " accumulated_total_tokens = 159500, accumulated_cache_read_tokens = 110000,"
        " updated_at = '2026-03-04 09:00:00.000001+00:00' WHERE id = '20260302_1';"
        "INSERT INTO messages (message_id, session_id, role, content_json, created_timestamp)"
        " VALUES ('m9', '20260302_1', 'assistant', '[]', 1772614800);",
    )


def stored(service: Service) -> list[Entry]:
    return list(service.entries.iter_entries())


def test_totals_per_model_and_day_are_exact(sessions: Path) -> None:
    result = GooseImporter().scan([sessions], {})
    assert per_model(result.records) == MODELS
    assert per_day(result.records) == DAYS
    assert totals(result.records) == ALL
    assert len(result.records) == 6  # one per session with a total
    assert all(r.note == NOTE and r.cost_micros is None for r in result.records)
    by_id = {r.source_ref: r for r in result.records}
    assert by_id["20260302_1"].tokens == TokenCounts(
        input_tokens=20000, cache_read_tokens=90000, cache_write_5m_tokens=10000, output_tokens=8000
    )
    assert by_id["20260302_1"].requests == 3 and by_id["20260302_2"].requests == 2
    assert by_id["20260303_1"].requests == 1  # no messages kept: at least the one
    assert by_id["20260302_1"].at == datetime(2026, 3, 2, 18, 20, 11, 482913, tzinfo=UTC)
    assert by_id["20260302_1"].project == project_value("/home/dev/shop")
    assert {r.source_ref: r.provider for r in result.records} == {
        "20260302_1": "anthropic",
        "20260302_2": "openai",
        "20260303_1": "gemini",
        "20260303_2": "anthropic",
        "20260301_101500": "unknown",
        "20260303_6": "unknown",
    }


def test_damaged_rows_are_problems_and_the_rest_counts(sessions: Path) -> None:
    problems = GooseImporter().scan([sessions], {}).problems
    assert sorted(p.message.split(":")[0] for p in problems) == [
        "session 20260303_4",
        "session 20260303_5",
        "session 20260303_6",
    ]
    assert all(p.line is None and p.path.endswith("sessions.db") for p in problems)


def test_a_grown_session_replaces_its_entry(service: Service, sessions: Path) -> None:
    service.imports.run(GooseImporter(), [sessions], now=NOW)
    grow(sessions / "sessions.db")
    service.imports.run(GooseImporter(), [sessions], now=NOW)
    entries = stored(service)
    assert totals(entries) == GROWN
    (grown,) = [e for e in entries if e.source_ref == "20260302_1"]
    assert grown.at == datetime(2026, 3, 4, 9, 0, 0, 1, tzinfo=UTC)  # its last update
    assert grown.requests == 4
    assert len(entries) == 6


def test_twice_and_a_full_rescan_give_the_same_totals(service: Service, sessions: Path) -> None:
    service.imports.run(GooseImporter(), [sessions], now=NOW)
    again = service.imports.run(GooseImporter(), [sessions], now=NOW)
    assert again.records == 0 and again.files_read == 0
    assert totals(stored(service)) == ALL
    grow(sessions / "sessions.db")
    service.imports.run(GooseImporter(), [sessions], now=NOW, rescan=True)
    assert totals(stored(service)) == GROWN


def test_importing_only_the_grown_database_needs_no_state(sessions: Path) -> None:
    grow(sessions / "sessions.db")
    assert totals(GooseImporter().scan([sessions], {}).records) == GROWN


def test_a_database_held_by_a_writer_never_hangs(
    sessions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foreign_db, "BUSY_TIMEOUT", 0.2)
    db = sessions / "sessions.db"
    writer = sqlite3.connect(db, isolation_level=None)  # WAL: Goose itself uses WAL
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("DELETE FROM sessions")
        result = GooseImporter().scan([sessions], {})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert totals(result.records) == ALL  # what is committed
    assert [p for p in result.problems if "locked" in p.message] == []


def test_a_locked_rollback_journal_database_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foreign_db, "BUSY_TIMEOUT", 0.1)
    db = build_db(SQL, tmp_path / "sessions.db")
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        result = GooseImporter().scan([db], {})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.records == []
    assert [p.message for p in result.problems] == [
        "the database is locked by its tool (waited 0.1 s); try again later"
    ]
    assert totals(GooseImporter().scan([db], result.state).records) == ALL


def test_no_wal_or_shm_is_left_behind(sessions: Path) -> None:
    GooseImporter().scan([sessions], {})
    assert sorted(p.name for p in sessions.iterdir()) == ["sessions.db"]


def test_a_missing_or_foreign_file_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "sessions.db").write_text("this is a note, not a database\n" * 8)
    result = GooseImporter().scan([tmp_path], {})
    assert result.records == []
    assert [p.message for p in result.problems] == ["not an SQLite database"]
    assert GooseImporter().scan([tmp_path / "nowhere"], {}).problems == []


def test_default_roots_and_what_it_reads(tmp_path: Path) -> None:
    importer = get_importer("goose")
    assert importer.per_session is True
    roots = importer.default_roots({}, tmp_path)
    assert roots[0] == tmp_path / ".local" / "share" / "goose" / "sessions"
    assert tmp_path / "Library" / "Application Support" / "Block" / "goose" / "sessions" in roots
    assert importer.default_roots({"GOOSE_PATH_ROOT": "/srv/goose"}, tmp_path) == [
        Path("/srv/goose/data/sessions")
    ]
    assert importer.default_roots({"GOOSE_PATH_ROOT": "relative"}, tmp_path) == roots
    assert importer.reads(tmp_path / "sessions.db")
    assert importer.reads(tmp_path / "sessions.db-wal")
    assert not importer.reads(tmp_path / "sessions.db-shm")
