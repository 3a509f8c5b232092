"""Codex rollouts: cumulative deltas, re-emits, model switches, archives and fork replays.

The fixture tree holds one parent session P (two turns, a model switch, re-emitted totals), a
fork F of P taken after P's first turn (it replays P's header and first turn with timestamps
rewritten to the fork, then adds its own turn), a sub-agent S spawned by P during its second
turn (it replays P's history without P's header), and in ``archived_sessions`` an old session
A without turn ids (with one damaged line) and a fork AF of A whose replay kept A's original
timestamps. Every expected number below was worked out by hand from the rows.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from importer_support import FIXTURES, totals

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers import get_importer
from tokenbudget.core.importers.codex import CodexImporter

CODEX = FIXTURES / "codex"
DAY = CODEX / "sessions" / "2025" / "10" / "03"
P = "0199a958-24a6-752e-b651-3270269e0d37"
F = "0199a988-367c-70ed-b36f-675c81e74ef5"
S = "0199a960-156b-711e-88d1-16ec1738f7d9"
A = "f28c1fb1-7c23-4392-a953-f48fa09f76b5"
AF = "0fd6f29d-0da9-493b-a0cb-1e29658cda14"
PARENT = DAY / f"rollout-2025-10-03T09-12-30-{P}.jsonl"
FORK = DAY / f"rollout-2025-10-03T10-05-00-{F}.jsonl"
SUBAGENT = DAY / f"rollout-2025-10-03T09-21-10-{S}.jsonl"
ARCHIVED = CODEX / "archived_sessions" / f"rollout-2025-09-28T14-02-11-{A}.jsonl"
ARCHIVED_FORK = CODEX / "archived_sessions" / f"rollout-2025-09-29T08-30-00-{AF}.jsonl"

# (input, cache read, 5m, 1h, output) of what each session itself added
OWN = {
    P: (15048, 29952, 0, 0, 2300),
    F: (4088, 19712, 0, 0, 950),
    S: (3572, 9728, 0, 0, 470),
    A: (6136, 4864, 0, 0, 700),
    AF: (2624, 5376, 0, 0, 300),
}


def scan(*paths: Path, state: dict[str, Any] | None = None) -> list[NewEntry]:
    return CodexImporter().scan(list(paths), state or {}).records


def ref(at: str, total: int) -> str:
    """A token count's reference: ``t<unix ms of its row>:<cumulative total_tokens>``."""
    ms = round(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() * 1000)
    return f"t{ms}:{total}"


@cache
def sessions_by_ref() -> dict[str, str]:
    files = {PARENT: P, FORK: F, SUBAGENT: S, ARCHIVED: A, ARCHIVED_FORK: AF}
    return {r.source_ref: session for path, session in files.items() for r in scan(path)}


def session_of(record: NewEntry) -> str:
    """The session whose file, read alone, yields the record's reference."""
    return sessions_by_ref()[record.source_ref]


def add(*parts: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sum(values) for values in zip(*parts, strict=True))


def test_everything_together_is_each_session_once() -> None:
    importer = get_importer("codex")
    result = importer.scan(importer.default_roots({"CODEX_HOME": str(CODEX)}, Path("/nowhere")), {})
    assert len(result.records) == 11
    assert totals(result.records) == (31468, 69632, 0, 0, 4720) == add(*OWN.values())
    for session, own in OWN.items():
        assert totals(r for r in result.records if session_of(r) == session) == own
    assert {r.provider for r in result.records} == {"openai"}
    assert result.files_read == 5


def test_each_file_alone_counts_only_its_own_session() -> None:
    for path, session in [
        (PARENT, P),
        (FORK, F),
        (SUBAGENT, S),
        (ARCHIVED, A),
        (ARCHIVED_FORK, AF),
    ]:
        records = scan(path)
        assert totals(records) == OWN[session], path.name
    # and no two files yield the same reference
    assert len(sessions_by_ref()) == 11


def test_parent_and_fork_together_are_parent_plus_the_forks_own_additions() -> None:
    assert totals(scan(PARENT, FORK)) == add(OWN[P], OWN[F])
    assert totals(scan(PARENT, SUBAGENT)) == add(OWN[P], OWN[S])
    assert totals(scan(ARCHIVED, ARCHIVED_FORK)) == add(OWN[A], OWN[AF])


def test_cumulative_deltas_and_re_emits() -> None:
    records = scan(PARENT)
    # 6 token_count rows: one with null info, one re-emitting 18150 -> 4 steps
    assert [r.source_ref for r in records] == [
        ref("2025-10-03T09:12:47.240Z", 8400),
        ref("2025-10-03T09:12:55.020Z", 18150),
        ref("2025-10-03T09:20:30.010Z", 32200),
        ref("2025-10-03T09:22:10.010Z", 47300),
    ]
    assert [r.tokens for r in records] == [
        TokenCounts(input_tokens=8000, output_tokens=400),
        TokenCounts(input_tokens=1264, cache_read_tokens=7936, output_tokens=550),
        TokenCounts(input_tokens=4240, cache_read_tokens=8960, output_tokens=850),
        TokenCounts(input_tokens=1544, cache_read_tokens=13056, output_tokens=500),
    ]
    # reasoning is inside output_tokens: the last step's output is 2300 - 1800, not + 200
    assert records[-1].at.isoformat() == "2025-10-03T09:22:10.010000+00:00"


def test_model_follows_the_latest_turn_context() -> None:
    assert [r.model for r in scan(PARENT)] == ["gpt-5-codex", "gpt-5-codex", "gpt-5", "gpt-5"]
    assert {r.model for r in scan(FORK)} == {"gpt-5-codex"}
    assert {r.model for r in scan(SUBAGENT)} == {"gpt-5-mini"}


def test_fork_counts_from_the_parents_total_at_the_fork_point() -> None:
    records = scan(FORK)
    # baseline is P's total after its first turn (18150), not P's final total; the total
    # re-emitted right after the replay adds nothing
    assert [r.source_ref for r in records] == [
        ref("2025-10-03T10:05:50.010Z", 31000),
        ref("2025-10-03T10:06:20.010Z", 42900),
    ]
    assert records[0].tokens == TokenCounts(
        input_tokens=3852, cache_read_tokens=8448, output_tokens=550
    )


def test_archived_sessions_and_a_damaged_line() -> None:
    result = CodexImporter().scan([CODEX / "archived_sessions"], {})
    assert [(Path(p.path).name, p.line) for p in result.problems] == [(ARCHIVED.name, 7)]
    # the damaged row is lost but its step is not: the next cumulative total covers it
    assert totals(r for r in result.records if session_of(r) == A) == OWN[A]


def test_same_session_in_sessions_and_archive_counts_once(tmp_path: Path) -> None:
    shutil.copy(PARENT, tmp_path / PARENT.name)
    both = scan(PARENT, tmp_path / PARENT.name)
    assert both == scan(PARENT)


def test_lost_state_re_import_gives_the_same_references() -> None:
    first = CodexImporter().scan([CODEX], {})
    again = CodexImporter().scan([CODEX], {})
    assert first.records == again.records


# --- incremental runs ----------------------------------------------------------------------


def import_in_pieces(source: Path, target: Path, cuts: list[int]) -> dict[str, NewEntry]:
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
        assert result.problems == []
        state = result.state
        for record in result.records:
            assert record.source_ref not in seen, "a step was counted twice"
            seen[record.source_ref] = record
    return seen


def test_split_at_every_line_gives_the_same_records(tmp_path: Path) -> None:
    for source in (PARENT, FORK, SUBAGENT, ARCHIVED_FORK):
        whole = {r.source_ref: r for r in scan(source)}
        data = source.read_bytes()
        ends = [i + 1 for i, byte in enumerate(data) if byte == 10]
        for end in ends:
            target = tmp_path / source.name
            assert import_in_pieces(source, target, [end]) == whole, (source.name, end)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_split_anywhere_gives_the_same_records(tmp_path_factory: Any, data: st.DataObject) -> None:
    source = data.draw(st.sampled_from([FORK, SUBAGENT, ARCHIVED_FORK]))
    size = source.stat().st_size
    cuts = data.draw(st.lists(st.integers(0, size), max_size=5))
    target = tmp_path_factory.mktemp("split") / source.name
    assert import_in_pieces(source, target, cuts) == {r.source_ref: r for r in scan(source)}


def test_appended_turn_yields_only_new_records(tmp_path: Path) -> None:
    target = tmp_path / PARENT.name
    lines = PARENT.read_bytes().splitlines(keepends=True)
    target.write_bytes(b"".join(lines[:18]))  # up to the first step of turn two
    first = CodexImporter().scan([target], {})
    assert [r.source_ref for r in first.records] == [
        ref("2025-10-03T09:12:47.240Z", 8400),
        ref("2025-10-03T09:12:55.020Z", 18150),
    ]
    assert first.state["files"][str(target.resolve())]["extra"]["model"] == "gpt-5"
    with target.open("ab") as fh:
        fh.write(b"".join(lines[18:]))
    second = CodexImporter().scan([target], first.state)
    assert [r.source_ref for r in second.records] == [
        ref("2025-10-03T09:20:30.010Z", 32200),
        ref("2025-10-03T09:22:10.010Z", 47300),
    ]


def test_truncated_rollout_is_read_again(tmp_path: Path) -> None:
    target = tmp_path / PARENT.name
    shutil.copy(PARENT, target)
    first = CodexImporter().scan([target], {})
    lines = PARENT.read_bytes().splitlines(keepends=True)
    target.write_bytes(b"".join(lines[:12]))
    second = CodexImporter().scan([target], first.state)
    assert [r.source_ref for r in second.records] == [ref("2025-10-03T09:12:47.240Z", 8400)]


# --- replay detection without the usual evidence -------------------------------------------


def rows_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def strip_turn_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["payload"].pop("turn_id", None)
        row["payload"].pop("started_at", None)
    return rows


def test_without_turn_ids_the_forks_second_marks_the_replay(tmp_path: Path) -> None:
    # F's replay carries timestamps rewritten into the fork's second; its own turn is later
    fork = write_rows(tmp_path / FORK.name, strip_turn_ids(rows_of(FORK)))
    assert totals(scan(fork)) == OWN[F]
    assert totals(scan(PARENT, fork)) == add(OWN[P], OWN[F])


def test_an_embedded_header_of_another_session_starts_a_replay(tmp_path: Path) -> None:
    rows = rows_of(FORK)
    del rows[0]["payload"]["forked_from_id"]  # a fork that does not name its parent
    fork = write_rows(tmp_path / FORK.name, rows)
    assert totals(scan(fork)) == OWN[F]
    assert totals(scan(PARENT, fork)) == add(OWN[P], OWN[F])


def test_without_any_evidence_the_replay_is_never_counted(tmp_path: Path) -> None:
    rows = strip_turn_ids(rows_of(FORK))
    for row in rows[1:]:
        if row["type"] in ("turn_context", "event_msg"):
            row["timestamp"] = rows[0]["timestamp"]  # everything in the fork's second
    fork = write_rows(tmp_path / FORK.name, rows)
    # the fork's own step is missed rather than the parent's history counted twice
    assert scan(fork) == []
    assert totals(scan(PARENT, fork)) == OWN[P]


def test_fork_of_a_fork_counts_only_its_own_steps(tmp_path: Path) -> None:
    ff = "0199a9c4-a210-7c3e-8f00-0123456789ab"  # UUIDv7 of 2025-10-03T11:11:00.112Z
    own_turn = "0199a9c4-b78c-7111-9222-333344445555"  # 5.5 s later
    fork_rows = rows_of(FORK)
    header = {
        "timestamp": "2025-10-03T11:11:00.112Z",
        "type": "session_meta",
        "payload": {"id": ff, "timestamp": "2025-10-03T11:11:00.112Z", "forked_from_id": F},
    }
    replay = [dict(row, timestamp="2025-10-03T11:11:00.120Z") for row in fork_rows]
    own = [
        {
            "timestamp": "2025-10-03T11:11:05.700Z",
            "type": "turn_context",
            "payload": {"turn_id": own_turn, "model": "gpt-5"},
        },
        token_count("2025-10-03T11:11:20.000Z", total=(50000, 36000, 2200, 900)),
    ]
    nested = write_rows(
        tmp_path / f"rollout-2025-10-03T11-11-00-{ff}.jsonl", [header, *replay, *own]
    )
    (record,) = scan(nested)
    assert record.source_ref == ref("2025-10-03T11:11:20.000Z", 52200)
    # the baseline is F's last total (41000 in, 27648 cached, 1900 out): nothing of P or F again
    assert record.tokens == TokenCounts(input_tokens=648, cache_read_tokens=8352, output_tokens=300)
    assert totals(scan(PARENT, FORK, nested)) == add(OWN[P], OWN[F], totals([record]))


def token_count(at: str, *, total: tuple[int, int, int, int] | None) -> dict[str, Any]:
    info = None
    if total is not None:
        usage = dict(
            zip(
                ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens"),
                total,
                strict=True,
            )
        )
        usage["total_tokens"] = total[0] + total[2]
        info = {"total_token_usage": usage, "last_token_usage": usage}
    return {"timestamp": at, "type": "event_msg", "payload": {"type": "token_count", "info": info}}


def test_odd_rows(tmp_path: Path) -> None:
    session = "0199b000-0000-7000-8000-000000000001"
    rows = [
        {"timestamp": "2025-10-10T08:00:00Z", "type": "session_meta", "payload": {"id": session}},
        token_count("2025-10-10T08:00:01Z", total=None),
        token_count("2025-10-10T08:00:02Z", total=(100, 0, 10, 0)),  # before any turn_context
        {"timestamp": "2025-10-10T08:00:03Z", "type": "turn_context", "payload": {"model": "o3"}},
        token_count("2025-10-10T08:00:04Z", total=(300, 100, 30, 5)),
        token_count("2025-10-10T08:00:05Z", total=(250, 100, 30, 5)),  # went down: stale
        {
            "timestamp": "2025-10-10T08:00:06Z",
            "type": "event_msg",
            "payload": {"type": "token_count", "info": {}},
        },
        token_count("2025-10-10T08:00:07Z", total=(400, 100, 40, 5)),
    ]
    path = write_rows(tmp_path / "rollout-2025-10-10T08-00-00-x.jsonl", rows)
    result = CodexImporter().scan([path], {})
    assert [(r.model, r.source_ref) for r in result.records] == [
        ("unknown", ref("2025-10-10T08:00:02Z", 110)),
        ("o3", ref("2025-10-10T08:00:04Z", 330)),
        ("o3", ref("2025-10-10T08:00:07Z", 440)),
    ]
    assert [r.tokens for r in result.records] == [
        TokenCounts(input_tokens=100, output_tokens=10),
        TokenCounts(input_tokens=100, cache_read_tokens=100, output_tokens=20),
        TokenCounts(input_tokens=100, output_tokens=10),
    ]
    assert [(p.line, p.message) for p in result.problems] == [
        (7, "token count without total_token_usage")
    ]


def test_a_rollout_without_a_header_still_counts(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "rollout-2025-10-10T08-00-00-0199B000-0000-7000-8000-0000000000AA.jsonl",
        [token_count("2025-10-10T08:00:02Z", total=(100, 0, 10, 0))],
    )
    (record,) = scan(path)
    assert record.source_ref == ref("2025-10-10T08:00:02Z", 110)


def test_default_roots(tmp_path: Path) -> None:
    importer = CodexImporter()
    assert importer.default_roots({}, tmp_path) == [
        tmp_path / ".codex" / "sessions",
        tmp_path / ".codex" / "archived_sessions",
    ]
    assert importer.default_roots({"CODEX_HOME": "~/work/codex"}, tmp_path)[1] == (
        tmp_path / "work" / "codex" / "archived_sessions"
    )
