"""Gemini CLI chats: JSON documents, JSONL updates (last wins), thoughts and tool tokens."""

from __future__ import annotations

import json
import os
from pathlib import Path

from importer_support import FIXTURES, totals

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers import get_importer
from tokenbudget.core.importers.gemini_cli import GeminiCliImporter

TMP = FIXTURES / "gemini" / "tmp"
H1 = "79b6fa86e3c0d31765c7e3c6de511a7b96342a2e947135d5db396e49e27020cd"
H2 = "a33c3345ed592a7d6c2eb32b6ad11a280e0cafc473b2669402655b56894f5391"
DOC = TMP / H1 / "chats" / "session-2025-10-05T10-00-3b7c9e2a.json"
JSONL = TMP / H2 / "chats" / "session-2025-10-06T08-15-7e1d0c44.jsonl"
S1 = "3b7c9e2a-5d41-4f0e-9a63-1c2b8d7e6f50"
S2 = "7e1d0c44-2b9a-4f61-8d3e-5a7c9b1d3f20"


def by_ref(records: list[NewEntry]) -> dict[str, NewEntry]:
    return {r.source_ref: r for r in records}


def test_fixture_totals_are_exact() -> None:
    result = GeminiCliImporter().scan([TMP], {})
    assert len(result.records) == 5
    assert totals(result.records) == (24297, 24576, 0, 0, 2332)
    assert result.files_read == 3  # logs.json next to chats/ is not a chat
    assert {r.provider for r in result.records} == {"gemini"}


def test_thoughts_are_output_and_tool_tokens_are_input() -> None:
    records = by_ref(GeminiCliImporter().scan([DOC], {}).records)
    # input 12850, output 420, cached 0, thoughts 610, tool 0
    assert records[f"{S1}:5f0e8c1a-0a1b-4c2d-8e3f-000000000002"].tokens == TokenCounts(
        input_tokens=12850, output_tokens=1030
    )
    # input 14100 (12288 of them cached), output 96, thoughts 240, tool 355
    assert records[f"{S1}:5f0e8c1a-0a1b-4c2d-8e3f-000000000003"].tokens == TokenCounts(
        input_tokens=2167, cache_read_tokens=12288, output_tokens=336
    )
    # info messages and a gemini message without tokens carry no usage
    assert len(records) == 2


def test_jsonl_keeps_the_last_version_of_a_message() -> None:
    result = GeminiCliImporter().scan([JSONL], {})
    records = by_ref(result.records)
    assert records[f"{S2}:c81f2e07-6d4b-4a3c-9e1f-000000000002"].tokens == TokenCounts(
        input_tokens=5024, cache_read_tokens=4096, output_tokens=390
    )
    assert len(records) == 2
    # the last line is cut short: reported with its number
    assert [(p.line, "truncated" in p.message) for p in result.problems] == [(9, True)]


def test_a_list_document_uses_the_file_name_as_session() -> None:
    (record,) = (
        GeminiCliImporter()
        .scan([TMP / "0e5b1c7d9a2f4e6b8c0d2f4a6b8c0e2d4f6a8b0c2e4f6a8b0d2e4f6a8c0e2d4f"], {})
        .records
    )
    assert (
        record.source_ref
        == "session-2025-10-07T17-30-e2d4f6a8:e2d4f6a8-1357-4b9d-8f0e-000000000002"
    )
    assert record.model == "gemini-2.5-flash-lite"
    assert record.tokens == TokenCounts(input_tokens=2048, output_tokens=512)


def test_appended_update_upserts_the_same_reference(fixture_copy: Path) -> None:
    path = fixture_copy / "gemini" / "tmp" / H2 / "chats" / JSONL.name
    importer = GeminiCliImporter()
    first = importer.scan([path], {})
    update = {
        "id": "c81f2e07-6d4b-4a3c-9e1f-000000000004",
        "timestamp": "2025-10-06T08:16:07.450Z",
        "type": "gemini",
        "content": "Fixed, and the test passes.",
        "tokens": {
            "input": 10400,
            "output": 90,
            "cached": 8192,
            "thoughts": 12,
            "tool": 40,
            "total": 10542,
        },
        "model": "gemini-2.5-flash",
    }
    with path.open("ab") as fh:
        fh.write(json.dumps(update).encode() + b"\n")
    second = importer.scan([path], first.state)
    (record,) = second.records
    assert record.source_ref == f"{S2}:c81f2e07-6d4b-4a3c-9e1f-000000000004"
    assert record.tokens == TokenCounts(
        input_tokens=2248, cache_read_tokens=8192, output_tokens=102
    )
    # the session id came from the header line of the first run, kept in the state
    assert second.problems == []


def test_rewritten_document_is_read_again(fixture_copy: Path) -> None:
    path = fixture_copy / "gemini" / "tmp" / H1 / "chats" / DOC.name
    importer = GeminiCliImporter()
    first = importer.scan([path], {})
    assert importer.scan([path], first.state).records == []  # unchanged: not read
    document = json.loads(path.read_text())
    document["messages"][-1]["tokens"] = {
        "input": 15000,
        "output": 20,
        "cached": 14000,
        "thoughts": 0,
        "tool": 0,
        "total": 15020,
    }
    path.write_text(json.dumps(document))
    os.utime(path, ns=(1, 1_900_000_000_000_000_000))
    second = importer.scan([path], first.state)
    assert len(second.records) == 3  # the whole document again; refs upsert
    assert by_ref(second.records)[f"{S1}:5f0e8c1a-0a1b-4c2d-8e3f-000000000005"].tokens == (
        TokenCounts(input_tokens=1000, cache_read_tokens=14000, output_tokens=20)
    )


def test_damaged_document_is_one_problem(tmp_path: Path) -> None:
    chats = tmp_path / "proj" / "chats"
    chats.mkdir(parents=True)
    (chats / "session-a.json").write_text('{"sessionId": "a",\n "messages": [\n')
    (chats / "session-b.json").write_text('{"sessionId": "b"}')
    (chats / "session-c.json").write_text(
        json.dumps({"messages": [{"type": "gemini", "tokens": {"input": 1}}]})
    )
    result = GeminiCliImporter().scan([tmp_path], {})
    assert result.records == []
    assert [(Path(p.path).name, p.line, p.message) for p in result.problems] == [
        ("session-a.json", 3, "not valid JSON: the text ends early (truncated?)"),
        ("session-b.json", None, "not a Gemini CLI chat (no list of messages)"),
        ("session-c.json", None, "message 1: gemini message without an id"),
    ]


def test_a_chats_directory_can_be_the_root_and_overlaps_are_read_once() -> None:
    result = GeminiCliImporter().scan([TMP / H2 / "chats"], {})
    assert len(result.records) == 2
    both = GeminiCliImporter().scan([TMP, TMP / H2 / "chats", JSONL], {})
    assert both.files_read == 3


def test_default_roots(tmp_path: Path) -> None:
    importer = get_importer("gemini-cli")
    assert importer.default_roots({}, tmp_path) == [tmp_path / ".gemini" / "tmp"]
    assert importer.default_roots({"GEMINI_CLI_HOME": "/srv/g"}, tmp_path) == [
        Path("/srv/g/.gemini/tmp")
    ]
