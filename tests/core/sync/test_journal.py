"""Journal files: half-synced tails, conflict copies, foreign and damaged records."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenbudget.core.sync import journal
from tokenbudget.core.sync.clock import Stamp
from tokenbudget.core.sync.journal import (
    Cursor,
    FileKind,
    JournalWriter,
    Record,
    classify,
    parse_line,
    read_from,
)


def rec(number: int, device: str = "dev-a", body: dict[str, object] | None = None) -> Record:
    return Record(
        device,
        number,
        Stamp(1_000 + number, 0, device),
        "entry",
        f"k{number}",
        body if body is not None else {"note": f"n{number} 你好"},
    )


def test_written_records_read_back_whole(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path, "dev-a")
    writer.append([rec(1), rec(2)])
    writer.append([rec(3)])
    [segment] = writer.segments()
    chunk = read_from(segment, "dev-a", Cursor())
    assert [r.number for r in chunk.records] == [1, 2, 3]
    assert chunk.records[0] == rec(1)
    assert (chunk.skipped, chunk.pending, chunk.restarted) == (0, 0, False)
    again = read_from(segment, "dev-a", chunk.cursor)
    assert again.records == [] and again.cursor == chunk.cursor


def test_a_truncated_last_record_is_read_when_the_rest_arrives(tmp_path: Path) -> None:
    path = tmp_path / "journal-000001.jsonl"
    whole = rec(1).line() + rec(2).line()
    cut = len(rec(1).line()) + 17
    path.write_bytes(whole[:cut])  # the sync engine has delivered part of record 2
    first = read_from(path, "dev-a", Cursor())
    assert [r.number for r in first.records] == [1]
    assert first.pending == 17 and first.skipped == 0
    path.write_bytes(whole)
    second = read_from(path, "dev-a", first.cursor)
    assert [r.number for r in second.records] == [2] and not second.restarted


def test_a_record_cut_before_its_newline_is_not_taken(tmp_path: Path) -> None:
    path = tmp_path / "journal-000001.jsonl"
    path.write_bytes(rec(1).line()[:-1])  # complete JSON, but no newline yet
    assert read_from(path, "dev-a", Cursor()).records == []


def test_a_replaced_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "journal-000001.jsonl"
    path.write_bytes(rec(1).line() + rec(2).line())
    cursor = read_from(path, "dev-a", Cursor()).cursor
    path.write_bytes(rec(1, body={"note": "other"}).line() + rec(2).line() + rec(3).line())
    chunk = read_from(path, "dev-a", cursor)
    assert chunk.restarted and [r.number for r in chunk.records] == [1, 2, 3]
    path.write_bytes(rec(1).line())  # shorter than what was read
    assert read_from(path, "dev-a", chunk.cursor).restarted


def test_damaged_and_foreign_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "journal-000001.jsonl"
    good = rec(1).line()
    flipped = good.replace(b"n1", b"n9")  # the check no longer holds
    foreign = rec(2, device="dev-b").line()  # another device's record in a's folder
    path.write_bytes(good + flipped + b"\x00\xff garbage\n" + foreign + b"[1, 2]\n" + rec(3).line())
    chunk = read_from(path, "dev-a", Cursor())
    assert [r.number for r in chunk.records] == [1, 3]
    assert chunk.skipped == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [("n", 0), ("n", True), ("n", "1"), ("s", "1.2.x"), ("b", [1]), ("k", 5), ("t", None)],
)
def test_records_with_wrong_field_types_are_refused(field: str, value: object) -> None:
    fields = rec(1)._fields()
    fields[field] = value
    assert parse_line(journal.seal(fields), "dev-a") is None
    assert parse_line(journal.seal(rec(1)._fields()), "dev-a") == rec(1)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("journal-000001.jsonl", FileKind.SEGMENT),
        ("journal-000001.sync-conflict-20261205-101112-ABCDEFG.jsonl", FileKind.CONFLICT),
        ("journal-000001 (conflicted copy 2026-12-05).jsonl", FileKind.CONFLICT),
        ("journal-000001 (Ann's conflicted copy 2026-12-05).jsonl", FileKind.CONFLICT),
        ("journal-000001 (conflicted copy 2026-12-05 101112).jsonl", FileKind.CONFLICT),
        ("journal-000001-LAPTOP.jsonl", FileKind.CONFLICT),
        ("journal-000001 2.jsonl", FileKind.CONFLICT),
        (".syncthing.journal-000001.jsonl.tmp", FileKind.SKIP),
        ("~syncthing~journal-000001.jsonl.tmp", FileKind.SKIP),
        (".~lock.journal", FileKind.SKIP),
        ("journal-000001.jsonl.part", FileKind.SKIP),
        ("desktop.ini", FileKind.SKIP),
    ],
)
def test_files_are_told_apart_by_name(name: str, kind: FileKind) -> None:
    assert classify(name) is kind


def test_segments_roll_over_and_a_torn_write_is_fenced_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "SEGMENT_BYTES", 300)
    writer = JournalWriter(tmp_path, "dev-a")
    writer.append([rec(1), rec(2), rec(3)])
    [first] = writer.segments()
    with open(first, "ab") as handle:
        handle.write(rec(4).line()[:30])  # a crash in the middle of a write
    writer.append([rec(4)])
    segments = writer.segments()
    assert [p.name for p in segments] == ["journal-000001.jsonl", "journal-000002.jsonl"]
    numbers = [r.number for p in segments for r in read_from(p, "dev-a", Cursor()).records]
    assert numbers == [1, 2, 3, 4]


def test_a_torn_write_in_the_open_segment_is_fenced_off(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path, "dev-a")
    writer.append([rec(1)])
    [segment] = writer.segments()
    with open(segment, "ab") as handle:
        handle.write(rec(2).line()[:30])
    writer.append([rec(2)])
    chunk = read_from(segment, "dev-a", Cursor())
    assert [r.number for r in chunk.records] == [1, 2] and chunk.skipped == 1


def test_the_writer_takes_only_its_own_devices_records(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path, "dev-a")
    with pytest.raises(ValueError, match="given to dev-a"):
        writer.append([rec(1, device="dev-b")])
    with pytest.raises(ValueError, match="not a device id"):
        JournalWriter(tmp_path, "../escape")


def test_device_folders_are_listed_and_odd_names_ignored(tmp_path: Path) -> None:
    JournalWriter(tmp_path, "dev-b").append([rec(1, device="dev-b")])
    JournalWriter(tmp_path, "dev-a").append([rec(1)])
    (tmp_path / journal.ROOT / ".stfolder").mkdir()
    (tmp_path / journal.ROOT / "Not A Device").mkdir()
    assert [d for d, _ in journal.device_dirs(tmp_path)] == ["dev-a", "dev-b"]
    assert list(journal.device_dirs(tmp_path / "missing")) == []
