"""OpenCode: step-finish parts from opencode.db and the legacy JSON storage, counted once."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from db_support import build_db, per_day, per_model, run_sql
from importer_support import FIXTURES, totals

from tokenbudget.core.entries import TokenCounts
from tokenbudget.core.importers import foreign_db, get_importer
from tokenbudget.core.importers.opencode import OpenCodeImporter
from tokenbudget.core.importers.values import project_value

SQL = FIXTURES / "opencode" / "opencode.sql"
STORAGE = FIXTURES / "opencode" / "storage"

# Worked out by hand from opencode.sql and storage/ (see the comments in them):
# the database's step-finish parts b004, b005 (claude-sonnet-4-5), b006 (gpt-5: total 5000 =
# 1000 + 3500 + 200 + 300, so reasoning 300 is apart from output 200), b007 (gpt-5: total
# 2700 = 400 + 2000 + 300, reasoning inside output 300), b008 (gemini-2.5-pro: no total,
# output 50 < reasoning 120, so apart), b012 (its message is damaged: unknown model, the
# part row's time); b009 is all zeros, b010 and b011 are damaged. The legacy storage adds
# a1001 (claude-opus-4-1) and repeats b004 and b005 (a migrated install).
MODELS = {
    "claude-sonnet-4-5": (1500, 17500, 500, 0, 240),
    "gpt-5": (1400, 5500, 0, 0, 800),
    "gemini-2.5-pro": (700, 0, 0, 0, 170),
    "unknown": (100, 0, 0, 0, 10),
    "claude-opus-4-1": (2000, 10000, 1000, 0, 400),
}
DAYS = {
    "2026-03-01": (2000, 10000, 1000, 0, 400),
    # gpt-5's second step finished at 00:00:40 on the 3rd; its message began on the 2nd
    "2026-03-02": (2900, 23000, 500, 0, 1040),
    "2026-03-03": (800, 0, 0, 0, 180),
}
ALL = (5700, 33000, 1500, 0, 1620)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An OpenCode data folder: opencode.db and the legacy storage left by the migration."""
    root = tmp_path / "opencode"
    build_db(SQL, root / "opencode.db")
    shutil.copytree(STORAGE, root / "storage")
    return root


def test_totals_per_model_and_day_are_exact(data_dir: Path) -> None:
    result = OpenCodeImporter().scan([data_dir], {})
    assert per_model(result.records) == {k: v for k, v in MODELS.items()}
    assert per_day(result.records) == DAYS
    assert totals(result.records) == ALL
    assert len(result.records) == 7
    assert all(r.cost_micros is None for r in result.records)  # OpenCode's cost is not taken
    providers = {r.model: r.provider for r in result.records}
    assert providers == {
        "claude-sonnet-4-5": "anthropic",
        "gpt-5": "openai",
        "gemini-2.5-pro": "gemini",
        "unknown": "unknown",
        "claude-opus-4-1": "anthropic",
    }


def test_the_last_step_overwrite_is_not_what_counts(data_dir: Path) -> None:
    records = {r.source_ref: r for r in OpenCodeImporter().scan([data_dir], {}).records}
    # message.tokens of msg ...a002 says 300 in / 90 out (its last step); both steps count
    assert records["prt_c0a1e2f3b004"].tokens == TokenCounts(
        input_tokens=1200, cache_read_tokens=8000, cache_write_5m_tokens=500, output_tokens=150
    )
    assert records["prt_c0a1e2f3b005"].tokens == TokenCounts(
        input_tokens=300, cache_read_tokens=9500, output_tokens=90
    )


def test_projects_come_from_the_session_directory(data_dir: Path) -> None:
    records = {r.source_ref: r for r in OpenCodeImporter().scan([data_dir], {}).records}
    assert records["prt_c0a1e2f3b004"].project == project_value("/home/dev/shop")
    assert records["prt_c0a1e2f3b008"].project == project_value("/home/dev/shop/api")
    assert records["prt_b7e4400a1001"].project == project_value("/home/dev/legacy-blog")


def test_damaged_rows_and_files_are_problems_and_the_rest_counts(data_dir: Path) -> None:
    problems = OpenCodeImporter().scan([data_dir], {}).problems
    messages = sorted((Path(p.path).name, p.line, p.message.split(":")[0]) for p in problems)
    assert messages == [
        ("opencode.db", None, "message msg_c0a1e2f3a005"),
        ("opencode.db", None, "part prt_c0a1e2f3b010"),
        ("opencode.db", None, "part prt_c0a1e2f3b011"),
        ("prt_b7e4400a1003.json", 7, "not valid JSON"),
    ]
    assert any("negative" in p.message for p in problems)


def test_twice_and_in_any_order_gives_the_same(data_dir: Path) -> None:
    importer = OpenCodeImporter()
    first = importer.scan([data_dir], {})
    again = importer.scan([data_dir], first.state)
    assert again.records == [] and again.files_read == 0
    db_first = importer.scan([data_dir / "opencode.db"], {}).records
    legacy_then = importer.scan([data_dir / "storage"], {}).records
    legacy_first = importer.scan([data_dir / "storage", data_dir / "opencode.db"], {})
    for records in (db_first + legacy_then, legacy_first.records):
        merged = {r.source_ref: r for r in records}  # what the ledger keeps (one per reference)
        assert totals(merged.values()) == ALL


def test_the_same_message_in_the_database_and_the_legacy_json_counts_once(
    data_dir: Path,
) -> None:
    db = {r.source_ref: r for r in OpenCodeImporter().scan([data_dir / "opencode.db"], {}).records}
    legacy = {r.source_ref: r for r in OpenCodeImporter().scan([data_dir / "storage"], {}).records}
    assert set(db) & set(legacy) == {"prt_c0a1e2f3b004", "prt_c0a1e2f3b005"}
    for ref in ("prt_c0a1e2f3b004", "prt_c0a1e2f3b005"):
        assert db[ref] == legacy[ref]  # same time, model, tokens and project


def test_a_grown_database_adds_only_the_new_step(data_dir: Path) -> None:
    importer = OpenCodeImporter()
    first = importer.scan([data_dir], {})
    db = data_dir / "opencode.db"
    # the user resumed the gpt-5 message's session later (rows are stamped when written)
    run_sql(
        db,
        "INSERT INTO part VALUES ('prt_c0a1e2f3b013', 'msg_c0a1e2f3a003', 'ses_3f1a9c2e7ffe', "
        '1772539200000, 1772539200000, \'{"reason":"stop","type":"step-finish",'
        '"tokens":{"total":1250,"input":50,"output":200,"reasoning":0,'
        '"cache":{"read":1000,"write":0}},"cost":0}\');'
        "UPDATE message SET time_updated = 1772539200000 WHERE id = 'msg_c0a1e2f3a003';",
    )
    second = importer.scan([data_dir], first.state)
    refs = {r.source_ref for r in second.records}
    assert "prt_c0a1e2f3b013" in refs
    assert "prt_c0a1e2f3b004" not in refs  # only the parts near the newest are read again
    merged = {r.source_ref: r for r in [*first.records, *second.records]}
    assert totals(merged.values()) == (5750, 34000, 1500, 0, 1820)
    assert merged["prt_c0a1e2f3b013"].model == "gpt-5"
    # a full rescan (no state) gives the same
    assert totals(importer.scan([data_dir], {}).records) == (5750, 34000, 1500, 0, 1820)


def test_a_grown_legacy_folder_adds_only_the_new_part(data_dir: Path) -> None:
    importer = OpenCodeImporter()
    first = importer.scan([data_dir / "storage"], {})
    folder = data_dir / "storage" / "part" / "msg_b7e4400a0001"
    (folder / "prt_b7e4400a1004.json").write_text(
        '{"id":"prt_b7e4400a1004","sessionID":"ses_2e0d11aa5ffe","messageID":"msg_b7e4400a0001",'
        '"type":"step-finish","tokens":{"input":10,"output":5,"reasoning":0,'
        '"cache":{"read":0,"write":0}},"cost":0}'
    )
    os.utime(folder, ns=(1, folder.stat().st_mtime_ns + 1_000_000_000))
    second = importer.scan([data_dir / "storage"], first.state)
    refs = {r.source_ref for r in second.records}
    assert "prt_b7e4400a1004" in refs
    assert "prt_c0a1e2f3b004" not in refs  # the unchanged folder was not read again
    merged = {r.source_ref: r for r in [*first.records, *second.records]}
    assert totals(merged.values()) == (3510, 27500, 1500, 0, 645)


def test_a_database_held_by_a_writer_is_a_clear_problem_never_a_hang(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(foreign_db, "BUSY_TIMEOUT", 0.2)
    db = data_dir / "opencode.db"  # rollback-journal mode: an exclusive writer blocks readers
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("DELETE FROM part")
        result = OpenCodeImporter().scan([db], {})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.records == []
    assert [p.message for p in result.problems] == [
        "the database is locked by its tool (waited 0.2 s); try again later"
    ]
    assert result.state["databases"] == {}  # nothing marked as read: the next run reads it
    assert totals(OpenCodeImporter().scan([db], result.state).records) == (
        3700,
        23000,
        500,
        0,
        1220,
    )


def test_a_wal_database_with_a_writer_reads_what_is_committed(tmp_path: Path) -> None:
    db = build_db(SQL, tmp_path / "opencode.db", wal=True)
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM part")  # not committed: readers still see every part
        result = OpenCodeImporter().scan([db], {})
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert totals(result.records) == (3700, 23000, 500, 0, 1220)
    assert [p for p in result.problems if "locked" in p.message] == []


def test_reading_leaves_no_wal_or_shm_behind(tmp_path: Path) -> None:
    db = build_db(SQL, tmp_path / "opencode.db", wal=True)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert before == ["opencode.db"]  # the tool is not running: no -wal, no -shm
    result = OpenCodeImporter().scan([tmp_path], {})
    assert totals(result.records) == (3700, 23000, 500, 0, 1220)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with sqlite3.connect(db) as check:  # and nothing was written
        assert check.execute("SELECT count(*) FROM part").fetchone() == (12,)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", None),
        (b"not a database at all, just text" * 10, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "the database is damaged"),
    ],
)
def test_a_damaged_database_is_a_problem(tmp_path: Path, content: bytes, message: str) -> None:
    db = tmp_path / "opencode.db"
    db.write_bytes(content)
    result = OpenCodeImporter().scan([tmp_path], {})
    assert result.records == []
    found = [p.message for p in result.problems]
    if message is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(message)


def test_default_roots_and_what_it_reads(tmp_path: Path) -> None:
    importer = get_importer("opencode")
    home = tmp_path
    assert importer.default_roots({}, home) == [home / ".local" / "share" / "opencode"]
    env = {"XDG_DATA_HOME": "/data", "OPENCODE_DB": "custom.db"}
    assert importer.default_roots(env, home) == [
        Path("/data/opencode"),
        Path("/data/opencode/custom.db"),
    ]
    assert importer.default_roots({"OPENCODE_DB": ":memory:"}, home) == [
        home / ".local" / "share" / "opencode"
    ]
    assert importer.per_session is False
    for name, expected in (
        ("opencode.db", True),
        ("opencode-beta.db", True),
        ("opencode.db-wal", True),
        ("opencode.db-shm", False),
        ("other.db", False),
    ):
        assert importer.reads(tmp_path / name) is expected
    assert importer.reads(tmp_path / "storage" / "part" / "msg_1" / "prt_1.json")
    assert not importer.reads(tmp_path / "storage" / "message" / "ses_1" / "msg_1.json")


def test_a_changed_wal_file_scans_its_database(data_dir: Path) -> None:
    result = OpenCodeImporter().scan([data_dir / "opencode.db-wal"], {})
    assert totals(result.records) == (3700, 23000, 500, 0, 1220)
