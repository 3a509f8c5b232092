"""Claude Code transcripts: exact totals, duplicates, sub-agents, damage and incremental runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

from importer_support import FIXTURES, totals

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.entries import replaces as prefer_new
from tokenbudget.core.importers import get_importer
from tokenbudget.core.importers.claude_code import ClaudeCodeImporter
from tokenbudget.core.importers.streaming import HUGE_LINE

PROJECTS = FIXTURES / "claude" / "projects"
SESSION = "1f0c2a4e-8b3d-4c71-9e55-2a6f0d9b7c13"
STREAMED = "msg_01A7pQx3vKzF2mN8bR4tY6wE"
REPLAYED = "msg_01F1sTu7vWx9yZ1aB3cD5eF7"


def by_ref(records: list[NewEntry]) -> dict[str, NewEntry]:
    refs = [r.source_ref for r in records]
    assert len(refs) == len(set(refs)), "one record per reference"
    return {r.source_ref: r for r in records}


def test_fixture_totals_are_exact() -> None:
    result = ClaudeCodeImporter().scan([PROJECTS], {})
    assert len(result.records) == 8
    # input, cache read, cache write 5m, cache write 1h, output (worked out by hand)
    assert totals(result.records) == (4248, 77440, 3584, 8000, 2307)
    assert result.files_read == 3
    assert {r.source for r in result.records} == {"claude-code"}
    assert all(r.requests == 1 and r.cost_micros is None for r in result.records)


def test_streamed_rows_of_one_response_count_once_with_the_final_output() -> None:
    records = by_ref(ClaudeCodeImporter().scan([PROJECTS], {}).records)
    # three rows share message id and request id, with output 1, 50 and 120
    assert records[STREAMED].tokens == TokenCounts(
        input_tokens=4, cache_read_tokens=15872, cache_write_5m_tokens=2048, output_tokens=120
    )
    assert records[STREAMED].at.isoformat() == "2025-10-02T09:14:06.881000+00:00"


def test_sidechain_replay_counts_once_and_a_smaller_replayed_row_never_wins() -> None:
    parent = PROJECTS / "-home-dev-shop" / f"{SESSION}.jsonl"
    subagent = PROJECTS / "-home-dev-shop" / SESSION / "subagents" / "agent-7d3e9a01.jsonl"
    together = by_ref(ClaudeCodeImporter().scan([PROJECTS], {}).records)
    alone = by_ref(ClaudeCodeImporter().scan([parent], {}).records)
    assert together[REPLAYED] == alone[REPLAYED]
    # the sub-agent file also replays an earlier streamed row of msg_01B (output 100 < 310)
    assert together["msg_01B3kLm9nPq2rS4tU6vW8xY0"].tokens == (TokenCounts(6, 17920, 0, 3000, 310))
    # the sub-agent's own response (two streamed rows) is there once
    own = together["msg_01G3uVw9xYz1aB3cD5eF7gH9"]
    assert own.tokens == TokenCounts(input_tokens=1200, output_tokens=530)
    # imported in separate runs, sub-agent first, the ledger's upsert rule gives the same
    ledger: dict[str, NewEntry] = {}
    for path in (subagent, parent):
        for record in ClaudeCodeImporter().scan([path], {}).records:
            old = ledger.get(record.source_ref)
            if old is None or prefer_new(old, record):
                ledger[record.source_ref] = record
    shop = by_ref(ClaudeCodeImporter().scan([PROJECTS / "-home-dev-shop"], {}).records)
    assert ledger == shop
    assert len(shop) == len(alone) + 1


def test_cache_writes_split_by_lifetime() -> None:
    records = by_ref(ClaudeCodeImporter().scan([PROJECTS], {}).records)
    one_hour = records["msg_01B3kLm9nPq2rS4tU6vW8xY0"].tokens
    assert (one_hour.cache_write_5m_tokens, one_hour.cache_write_1h_tokens) == (0, 3000)
    # only cache_creation_input_tokens, no split: a 5-minute write
    total_only = records["msg_01C5mNo1pQr3sT5uV7wX9yZ1"].tokens
    assert (total_only.cache_write_5m_tokens, total_only.cache_write_1h_tokens) == (512, 0)


def test_split_that_does_not_cover_the_total_puts_the_rest_in_5_minutes(tmp_path: Path) -> None:
    row = assistant_row("msg_x", "req_x", output=9)
    row["message"]["usage"].update(
        cache_creation_input_tokens=5000,
        cache_creation={"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 3000},
    )
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(row) + "\n")
    (record,) = ClaudeCodeImporter().scan([path], {}).records
    assert (record.tokens.cache_write_5m_tokens, record.tokens.cache_write_1h_tokens) == (
        2000,
        3000,
    )


def test_synthetic_rows_and_rows_without_usage_are_skipped_silently() -> None:
    result = ClaudeCodeImporter().scan([PROJECTS], {})
    assert all(r.model != "<synthetic>" for r in result.records)
    # only the two damaged lines are problems: not the summary, user, snapshot or synthetic rows
    assert [(Path(p.path).name, p.line) for p in result.problems] == [
        (f"{SESSION}.jsonl", 9),
        (f"{SESSION}.jsonl", 12),
    ]
    assert "truncated" in result.problems[0].message


def test_provider_follows_the_model_name() -> None:
    records = ClaudeCodeImporter().scan([PROJECTS], {}).records
    assert {(r.provider, r.model) for r in records} == {
        ("anthropic", "claude-sonnet-4-5-20250929"),
        ("anthropic", "claude-haiku-4-5-20251001"),
        ("anthropic", "claude-opus-4-1-20250805"),
        ("zai", "glm-4.6"),  # GLM through the Anthropic-compatible endpoint
    }


def test_message_id_alone_is_the_key_without_request_id() -> None:
    records = by_ref(ClaudeCodeImporter().scan([PROJECTS], {}).records)
    assert records["msg_01E9qRs5tUv7wX9yZ1aB3cD5"].tokens == TokenCounts(10, 0, 0, 0, 42)


def test_default_roots_respect_claude_config_dir(tmp_path: Path) -> None:
    importer = get_importer("claude-code")
    home = tmp_path
    assert importer.default_roots({}, home) == [
        home / ".config" / "claude" / "projects",
        home / ".claude" / "projects",
    ]
    assert importer.default_roots({"XDG_CONFIG_HOME": "/x/cfg"}, home)[0] == Path(
        "/x/cfg/claude/projects"
    )
    assert importer.default_roots({"CLAUDE_CONFIG_DIR": "/a, ~/b ,"}, home) == [
        Path("/a/projects"),
        home / "b" / "projects",
    ]


# --- incremental runs ----------------------------------------------------------------------


def assistant_row(message_id: str, request_id: str | None, *, output: int) -> dict:  # type: ignore[type-arg]
    row = {
        "parentUuid": None,
        "isSidechain": False,
        "type": "assistant",
        "timestamp": "2025-10-09T12:00:00.000Z",
        "uuid": f"uuid-{message_id}-{output}",
        "message": {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5-20250929",
            "content": [{"type": "text", "text": "ok"}],
            "usage": {
                "input_tokens": 3,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 100,
                "output_tokens": output,
            },
        },
    }
    if request_id:
        row["requestId"] = request_id
    return row


def line(row: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(row, separators=(",", ":")).encode() + b"\n"


def test_second_run_reads_only_appended_lines(fixture_copy: Path) -> None:
    projects = fixture_copy / "claude" / "projects"
    importer = ClaudeCodeImporter()
    first = importer.scan([projects], {})
    json.dumps(first.state)  # the ledger stores it as JSON
    again = importer.scan([projects], json.loads(json.dumps(first.state)))
    assert again.records == [] and again.files_read == 0 and again.problems == []

    transcript = projects / "-home-dev-api" / "9c2d7b10-4e6f-4a81-b2c3-5d6e7f8091a2.jsonl"
    with transcript.open("ab") as fh:
        fh.write(line(assistant_row("msg_new", "req_new", output=77)))
    second = importer.scan([projects], first.state)
    assert [r.source_ref for r in second.records] == ["msg_new"]
    assert second.files_read == 1
    assert second.bytes_read == len(line(assistant_row("msg_new", "req_new", output=77)))


def test_partial_last_line_waits_until_it_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    whole = line(assistant_row("msg_p", "req_p", output=5))
    path.write_bytes(line(assistant_row("msg_a", "req_a", output=1)) + whole[:40])
    importer = ClaudeCodeImporter()
    first = importer.scan([path], {})
    assert [r.source_ref for r in first.records] == ["msg_a"]
    assert first.problems == []  # an unfinished line is not damage
    (entry,) = first.state["files"].values()
    assert entry["offset"] == len(line(assistant_row("msg_a", "req_a", output=1)))
    with path.open("ab") as fh:
        fh.write(whole[40:])
    second = importer.scan([path], first.state)
    assert [r.source_ref for r in second.records] == ["msg_p"]
    assert second.state["files"][str(path.resolve())]["line"] == 2


def test_streamed_response_split_across_runs_upserts_to_the_largest_output(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(line(assistant_row("msg_s", "req_s", output=1)))
    importer = ClaudeCodeImporter()
    first = importer.scan([path], {})
    with path.open("ab") as fh:
        fh.write(line(assistant_row("msg_s", "req_s", output=50)))
        fh.write(line(assistant_row("msg_s", "req_s", output=120)))
    second = importer.scan([path], first.state)
    (old,), (new,) = first.records, second.records
    assert old.source_ref == new.source_ref
    assert prefer_new(old, new)
    assert not prefer_new(new, old)
    assert new.tokens.output_tokens == 120


def test_truncated_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    rows = [line(assistant_row(f"msg_{i}", f"req_{i}", output=i + 1)) for i in range(3)]
    path.write_bytes(b"".join(rows))
    importer = ClaudeCodeImporter()
    first = importer.scan([path], {})
    path.write_bytes(rows[0])  # the tool rewrote it shorter
    second = importer.scan([path], first.state)
    assert [r.source_ref for r in second.records] == ["msg_0"]


def test_replaced_file_is_read_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(line(assistant_row("msg_a", "req_a", output=1)))
    importer = ClaudeCodeImporter()
    first = importer.scan([path], {})
    replacement = tmp_path / "new.jsonl"
    replacement.write_bytes(
        line(assistant_row("msg_b", "req_b", output=2))
        + line(assistant_row("msg_c", "req_c", output=3))
    )
    os.replace(replacement, path)  # a new inode (and different content) at the same path
    second = importer.scan([path], first.state)
    assert [r.source_ref for r in second.records] == ["msg_b", "msg_c"]


def test_same_inode_rewritten_with_other_content_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(line(assistant_row("msg_a", "req_a", output=1)))
    importer = ClaudeCodeImporter()
    first = importer.scan([path], {})
    with path.open("r+b") as fh:  # same inode, longer, different first bytes
        fh.write(
            line(assistant_row("msg_b", "req_b", output=2))
            + line(assistant_row("msg_c", "req_c", output=3))
        )
    second = importer.scan([path], first.state)
    assert [r.source_ref for r in second.records] == ["msg_b", "msg_c"]


def test_deleted_file_leaves_the_state_and_others_are_kept(fixture_copy: Path) -> None:
    projects = fixture_copy / "claude" / "projects"
    elsewhere = fixture_copy / "elsewhere.jsonl"
    elsewhere.write_bytes(line(assistant_row("msg_e", "req_e", output=1)))
    importer = ClaudeCodeImporter()
    state = importer.scan([projects, elsewhere], {}).state
    gone = projects / "-home-dev-api" / "9c2d7b10-4e6f-4a81-b2c3-5d6e7f8091a2.jsonl"
    gone.unlink()
    after = importer.scan([projects], state).state
    assert str(gone.resolve()) not in after["files"]
    assert str(elsewhere.resolve()) in after["files"]  # not scanned this time: kept


def test_huge_rows_without_the_marker_are_skipped_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    tool_result = {
        "type": "user",
        "message": {"role": "user", "content": [{"type": "tool_result", "content": "x" * 64}]},
        "toolUseResult": {"stdout": "y" * (HUGE_LINE + 1_000_000)},
        "note": '"usage" "assistant" only far past the probe',
    }
    path.write_bytes(
        json.dumps(tool_result).encode()
        + b"\n"
        + line(assistant_row("msg_after", "req_after", output=7))
    )
    result = ClaudeCodeImporter().scan([path], {})
    assert [r.source_ref for r in result.records] == ["msg_after"]
    assert result.problems == []
    assert result.state["files"][str(path.resolve())]["line"] == 2


def test_huge_assistant_row_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    row = assistant_row("msg_big", "req_big", output=64000)
    row["message"]["content"] = [{"type": "text", "text": "z" * (HUGE_LINE + 10)}]
    path.write_bytes(line(row))
    (record,) = ClaudeCodeImporter().scan([path], {}).records
    assert record.tokens.output_tokens == 64000


def test_bad_fields_are_problems_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    no_model = assistant_row("msg_1", "req_1", output=1)
    del no_model["message"]["model"]
    negative = assistant_row("msg_2", "req_2", output=1)
    negative["message"]["usage"]["output_tokens"] = -4
    no_time = assistant_row("msg_3", "req_3", output=1)
    no_time["timestamp"] = "yesterday"
    path.write_bytes(
        line(no_model) + b"\n" + line(negative) + line(no_time) + b"\xff\xfe garbage\n"
    )
    result = ClaudeCodeImporter().scan([path], {})
    assert result.records == []
    assert [(p.line, p.message) for p in result.problems] == [
        (1, "assistant row without a model"),
        (3, "'output_tokens' is negative: -4"),
        (4, "assistant row without a valid timestamp"),
        (5, "not a JSON object (truncated or damaged line)"),
    ]
