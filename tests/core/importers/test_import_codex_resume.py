"""Codex: resuming mid-file, states from older versions, compressed rollouts, line filtering."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_import_codex_shapes import EXPECTED, NOW, SHAPES, files, ledger_totals, roots

from tokenbudget.core.entries import PRECEDENCE_COPY, PRECEDENCE_ORIGINAL, NewEntry
from tokenbudget.core.importers.codex import CodexImporter
from tokenbudget.core.importers.codex_rows import wanted
from tokenbudget.core.ledger import MIGRATIONS
from tokenbudget.core.ledger.rows import to_us
from tokenbudget.core.paths import ledger_file
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry


def one(shape: str, part: str) -> Path:
    (path,) = (p for p in files(shape) if part in p.name)
    return path


RESUMED = [
    one("records", "019e87bd"),  # token counts, then records and a compaction
    one("records", "019e87fd"),  # a Desktop branch of it (copied records)
    one("subagents", "019d8b39-2054"),  # replay without a turn id
    one("fork", "019cd509"),
    one("desktop_branch", "019e4638"),
]


def by_ref(records: list[NewEntry]) -> dict[str, NewEntry]:
    return {r.source_ref or "": r for r in records}


def grow(source: Path, target: Path, cuts: list[int]) -> dict[str, NewEntry]:
    """Grow ``target`` to each cut of ``source``'s bytes, importing after every step."""
    data = source.read_bytes()
    target.write_bytes(b"")
    state: dict[str, Any] = {}
    seen: dict[str, NewEntry] = {}
    for cut in [*sorted(cuts), len(data)]:
        with target.open("r+b") as fh:
            fh.seek(0, 2)
            fh.write(data[fh.tell() : cut])
        result = CodexImporter().scan([target], json.loads(json.dumps(state)))
        state = result.state
        for record in result.records:
            assert record.source_ref not in seen, "a record was produced twice"
            seen[record.source_ref or ""] = record
    return seen


@pytest.mark.parametrize("source", RESUMED, ids=lambda p: p.name[-17:-6])
def test_split_at_every_line_gives_the_same_records(tmp_path: Path, source: Path) -> None:
    whole = by_ref(CodexImporter().scan([source], {}).records)
    ends = [i + 1 for i, byte in enumerate(source.read_bytes()) if byte == 10]
    for end in ends:
        assert grow(source, tmp_path / source.name, [end]) == whole, end


def cut_state(source: Path, target: Path, lines: int) -> tuple[dict[str, Any], str]:
    """Import the first ``lines`` lines of ``source`` as ``target``; (state, its file key)."""
    data = source.read_bytes().splitlines(keepends=True)
    target.write_bytes(b"".join(data[:lines]))
    state = CodexImporter().scan([target], {}).state
    target.write_bytes(b"".join(data))
    return state, str(target.resolve())


def test_a_state_of_the_old_importer_counts_nothing_before_its_offset(tmp_path: Path) -> None:
    source = one("records", "019e87bd")
    target = tmp_path / source.name
    state, key = cut_state(source, target, 29)  # in the records part
    expected = CodexImporter().scan([target], state).records
    assert expected  # records after the cut
    # what the importer before issue 11 stored: no version, its own fields
    state["files"][key]["extra"] = {
        "session": "019e87bd-7140-751a-88be-60d6f8723ef7",
        "parent": None,
        "fork_ms": 1780393800000,
        "replay": False,
        "total": {"input": 30000, "cached": 9000, "output": 1500, "reasoning": 500, "total": 31500},
        "model": "gpt-5.2-codex",
    }
    assert CodexImporter().scan([target], state).records == expected


def test_a_damaged_state_reads_the_file_again(tmp_path: Path) -> None:
    source = one("subagents", "019d8b39-2054")
    target = tmp_path / source.name
    state, key = cut_state(source, target, 24)
    state["files"][key]["extra"] = {"v": 2, "total": [1, 2, "x"], "replay": False}
    again = CodexImporter().scan([target], state).records
    assert again == CodexImporter().scan([source], {}).records


def test_copied_records_lose_to_their_originals() -> None:
    branch = CodexImporter().scan([one("records", "019e87fd")], {}).records
    assert {r.source_ref: r.precedence for r in branch} == {
        "r:019e87bd-7140-751a-88be-60d6f8723ef7:resp_0a1f6c2e9b7d4a58": PRECEDENCE_COPY,
        "r:019e87bd-7140-751a-88be-60d6f8723ef7:resp_0a1f6c2e9b7d4a59": PRECEDENCE_COPY,
        "r:019e87fd-8780-736b-99b4-1240d42d52bf:resp_7c30b1d4e8f2a915": PRECEDENCE_ORIGINAL,
    }


# --- compressed rollouts -------------------------------------------------------------------


def test_the_plain_rollout_wins_over_its_compressed_copy() -> None:
    result = CodexImporter().scan(roots("zst"), {})
    assert sorted(Path(k).name for k in result.state["files"]) == [
        "rollout-2026-01-05T12-00-00-019b8e07-4600-7681-9208-ee4df7c7d124.jsonl.zst",
        "rollout-2026-01-06T09-00-00-019b9288-d680-785a-8301-9c8c5df17886.jsonl",
    ]
    cold = one("zst", "9c8c5df17886.jsonl.zst")
    alone = CodexImporter().scan([cold], {})
    assert (alone.files_read, alone.records) == (0, [])


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "corrupt":  # a damaged block header (damage inside a block may decode as garbage)
        path.write_bytes(data[:8] + bytes([data[8] ^ 0xFF]) + data[9:])
    elif how == "truncated":
        path.write_bytes(data[: len(data) * 2 // 3])
    else:
        path.write_bytes(b"this was never zstd\n")


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("corrupt", "damaged compressed data"),
        ("truncated", "the compressed file ends early (truncated?)"),
        ("not zstd", "not zstd-compressed data (damaged?)"),
    ],
)
def test_a_damaged_compressed_rollout_is_a_problem(
    service: Service, tmp_path: Path, how: str, message: str
) -> None:
    home = tmp_path / "codex"
    shutil.copytree(SHAPES / "zst", home)
    cold = one("zst", "ee4df7c7d124.jsonl.zst")
    damage(home / cold.relative_to(SHAPES / "zst"), how)
    report = service.imports.run("codex", roots(home), now=NOW)
    assert [(Path(p.path).name, p.message[: len(message)]) for p in report.problems] == [
        (cold.name, message)
    ]
    totals = ledger_totals(service)
    # the other rollout is whole; of the damaged one at most what was readable is kept
    assert totals[("gpt-5-codex", "2026-01-13")] == EXPECTED["zst"][("gpt-5-codex", "2026-01-13")]
    assert (
        totals.get(("gpt-5", "2026-01-05"), (0, 0, 0)) <= EXPECTED["zst"][("gpt-5", "2026-01-05")]
    )


# --- which lines are parsed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"timestamp":"2026-01-01T00:00:00.000Z","type":"session_meta","payload":{}}', True),
        (b'{"timestamp":"2026-01-01T00:00:00.000Z","ordinal":7,"type":"token_usage_record"}', True),
        (
            b'{"timestamp":"x","type":"event_msg","payload":{"type":"token_count","info":null}}',
            True,
        ),
        (
            b'{"timestamp":"x","type":"event_msg","payload":{"type":"thread_settings_applied"}}',
            True,
        ),
        (
            b'{"timestamp":"x","type":"event_msg","payload":{"type":"agent_message","x":"token_count"}}',
            False,
        ),
        (b'{"timestamp":"x","type":"compacted","payload":{"latest_token_usage_record":{}}}', False),
        (
            b'{"timestamp":"x","type":"response_item","payload":{"text":"\\"turn_context\\""}}',
            False,
        ),
        # any other layout is searched for the names
        (b'{"payload": {"type": "token_count"}, "type": "event_msg"}', True),
        (
            b'{"timestamp":"x","type":"event_msg","payload":{"info":null,"type":"token_count"}}',
            True,
        ),
    ],
)
def test_which_lines_are_parsed(line: bytes, expected: bool) -> None:
    assert wanted(line) is expected


# --- a ledger from before the new references -----------------------------------------------


def test_a_schema_4_ledger_upgraded_then_re_imported_adds_nothing(
    registry: TokenizerRegistry, tmp_path: Path
) -> None:
    # what the importer before issue 11 recorded for these logs: the same steps, keyed by
    # "<session>:<cumulative total>" (the migration rewrites them to "t<ms>:<total>")
    old: list[tuple[Any, ...]] = []
    for shape in ("fork", "re_emits", "archived"):
        for path in files(shape):
            if (
                "archived_sessions" in path.parts
                and shape == "archived"
                and "019ada6d" in path.name
            ):
                continue
            session = path.name.removesuffix(".jsonl")[-36:]
            for r in CodexImporter().scan([path], {}).records:
                total = (r.source_ref or "").split(":")[1]
                t = r.tokens
                old.append(
                    (to_us(r.at), "openai", r.model, t.input_tokens, t.cache_read_tokens,
                     t.output_tokens, "codex", f"{session}:{total}")
                )  # fmt: skip
    path = ledger_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(";".join(MIGRATIONS[:4]) + ";PRAGMA user_version = 4;")
    db.executemany(
        "INSERT INTO entries (at_us, provider, model, input_tokens, cache_read_tokens, "
        "output_tokens, source, source_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        old,
    )
    db.commit()
    db.close()
    service = Service(registry)
    try:
        before = service.entries.count()
        assert before == len(old)
        for shape in ("fork", "re_emits", "archived"):
            service.imports.run("codex", roots(shape), now=NOW)
        assert service.entries.count() == before
        expected = {k: v for s in ("fork", "re_emits", "archived") for k, v in EXPECTED[s].items()}
        assert ledger_totals(service) == expected
    finally:
        service.close()


def test_times_are_kept_to_the_millisecond() -> None:
    (record, *_) = CodexImporter().scan([one("re_emits", "019c4f23")], {}).records
    assert record.at == datetime(2026, 2, 11, 23, 58, 20, tzinfo=UTC)
    assert record.source_ref == f"t{to_us(record.at) // 1000}:10300"


def test_a_replay_spilling_into_the_next_second_is_still_a_replay(tmp_path: Path) -> None:
    fork = one("fork", "019cd509")
    rows = [json.loads(line) for line in fork.read_text().splitlines()]
    own = next(i for i, row in enumerate(rows) if row["timestamp"] >= "2026-03-09T23:58:41")
    for row in rows:
        row["payload"].pop("turn_id", None)
        row["payload"].pop("started_at", None)
    for row in rows[1:own]:  # replayed rows written 1.3 s after the fork: the next second
        row["timestamp"] = "2026-03-09T23:58:31.550Z"
    target = tmp_path / fork.name
    target.write_text("".join(json.dumps(row) + "\n" for row in rows))
    records = CodexImporter().scan([target], {}).records
    assert [
        (r.tokens.input_tokens, r.tokens.cache_read_tokens, r.tokens.output_tokens) for r in records
    ] == [
        (2000, 13000, 400),
        (3000, 8000, 300),
    ]


def test_odd_records(tmp_path: Path) -> None:
    thread = "019e9000-0000-7000-8000-000000000001"
    at = "2026-06-10T08:00:0%d.000Z"
    rows = [
        {"timestamp": at % 0, "type": "session_meta", "payload": {"id": thread}},
        {"timestamp": at % 1, "type": "token_usage_record", "payload": {"usage": None}},
        {
            "timestamp": at % 2,
            "type": "token_usage_record",
            "payload": {"usage": {"input_tokens": 900, "cached_input_tokens": 1000}},
        },
        {"timestamp": "soon", "type": "token_usage_record", "payload": {"usage": {}}},
    ]
    path = tmp_path / f"rollout-2026-06-10T08-00-00-{thread}.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = CodexImporter().scan([path], {})
    (record,) = result.records
    # no thread or response id: keyed by the file's thread, the time and the size; cached
    # tokens never exceed the input they are part of; no model named anywhere
    assert record.source_ref == f"r:{thread}:t{to_us(record.at) // 1000}:900"
    assert (record.model, record.tokens.input_tokens, record.tokens.cache_read_tokens) == (
        "unknown",
        0,
        900,
    )
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "token usage record without usage"),
        (4, "token usage record without a valid timestamp"),
    ]


# --- a rollout archived after it was read ------------------------------------------------------


def archive(home: Path, source: Path, cut: int) -> tuple[Path, Path]:
    """``source``'s first ``cut`` lines in ``home/sessions``, and where archiving moves it."""
    live = home / "sessions" / "2026" / "06" / "02" / source.name
    live.parent.mkdir(parents=True)
    live.write_bytes(b"".join(source.read_bytes().splitlines(keepends=True)[:cut]))
    return live, home / "archived_sessions" / source.name


def test_an_archived_rollout_is_read_on_from_where_it_was(tmp_path: Path) -> None:
    source = one("records", "019e87bd")
    live, archived = archive(tmp_path, source, 29)
    first = CodexImporter().scan(roots(tmp_path), {})
    archived.parent.mkdir()
    live.rename(archived)
    archived.write_bytes(source.read_bytes())  # and resumed there
    second = CodexImporter().scan(roots(tmp_path), first.state)
    whole = CodexImporter().scan([source], {}).records
    assert first.records + second.records == whole
    assert len(second.records) == 3  # the three records after the cut, nothing again


def test_an_archived_rollout_read_by_the_old_importer_is_not_counted_again(
    tmp_path: Path,
) -> None:
    source = one("records", "019e87bd")
    live, archived = archive(tmp_path, source, 29)
    state = CodexImporter().scan(roots(tmp_path), {}).state
    (entry,) = state["files"].values()
    entry["extra"] = {"session": "019e87bd-7140-751a-88be-60d6f8723ef7", "replay": False}
    archived.parent.mkdir()
    live.rename(archived)
    again = CodexImporter().scan(roots(tmp_path), state)
    assert again.records == []  # the old importer counted these token counts already


def test_a_different_file_of_the_same_name_is_read_afresh(tmp_path: Path) -> None:
    source = one("records", "019e87bd")
    live, archived = archive(tmp_path, source, 29)
    state = CodexImporter().scan(roots(tmp_path), {}).state
    archived.parent.mkdir()
    live.unlink()
    archived.write_bytes(b"{}\n" + source.read_bytes())  # another first line
    again = CodexImporter().scan(roots(tmp_path), state)
    assert by_ref(again.records) == by_ref(CodexImporter().scan([source], {}).records)
