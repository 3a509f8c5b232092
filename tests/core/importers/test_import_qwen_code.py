"""Qwen Code chat recordings, imported through the service into a ledger.

The fixture ``qwen/home/.qwen/projects`` holds:

* ``-home-dev-shop/chats/<S1>.jsonl``: a user record, assistant u-a1, a tool result,
  assistant u-a2, a ``chat_compression`` record holding a copy with usage, a ``ui_telemetry``
  record, a truncated line (7) and assistant u-a3;
* ``-home-dev-shop/chats/<S2>.jsonl``: ``/branch`` of S1 at u-a2: verbatim copies of its
  first four records (same uuids, ``forkedFrom`` set), then a user record and u-b1;
* ``-home-dev-blog/chats/<S3>.jsonl``: records without ``cwd``: u-c1 (deepseek-v3, at
  23:30 +08:00, so 15:30 UTC on 2026-10-01), u-c2 and u-c3 (no usage).

Token rule (module doc): input = prompt - cached + toolUsePrompt, cache read = cached,
output = candidates + thoughts. Every total below is worked out by hand from the files.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from importer_support import FIXTURES

from tokenbudget.core.entries import PRECEDENCE_COPY, PRECEDENCE_ORIGINAL, Entry, TokenCounts
from tokenbudget.core.importers.qwen_code import QwenCodeImporter
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry

PROJECTS = FIXTURES / "qwen" / "home" / ".qwen" / "projects"
S1 = "5f0c1a2b-1111-4a2b-8c3d-000000000001"
S2 = "5f0c1a2b-2222-4a2b-8c3d-000000000002"
S3 = "5f0c1a2b-3333-4a2b-8c3d-000000000003"
ORIGINAL = PROJECTS / "-home-dev-shop" / "chats" / f"{S1}.jsonl"
BRANCH = PROJECTS / "-home-dev-shop" / "chats" / f"{S2}.jsonl"
BLOG = PROJECTS / "-home-dev-blog" / "chats" / f"{S3}.jsonl"
FILES = (ORIGINAL, BRANCH, BLOG)
NOW = datetime(2026, 10, 3, tzinfo=UTC)
PLUS, FLASH, DEEPSEEK = "qwen3-coder-plus", "qwen3-coder-flash", "deepseek-v3"

Parts = tuple[int, int, int, int, int]

#: (model, UTC day) -> (input, cache read, cache write 5m, cache write 1h, output), by hand:
EXPECTED: dict[tuple[str, str], Parts] = {
    # u-a1 {prompt 10000, candidates 500, cached 4000, thoughts 100} -> (6000, 4000, 600)
    # u-a2 {12000, 300, cached 10000, toolUse 200} -> (2200, 10000, 300); the branch's
    # copies of both count once
    (PLUS, "2026-10-01"): (6000 + 2200, 4000 + 10000, 0, 0, 600 + 300),
    # u-a3 {8000, 1000, thoughts 500} -> (8000, 0, 1500); u-b1 {9000, 200, cached 7000}
    # -> (2000, 7000, 200)
    (PLUS, "2026-10-02"): (8000 + 2000, 7000, 0, 0, 1500 + 200),
    # u-c1 {3000, 400, cached 1000} -> (2000, 1000, 400)
    (DEEPSEEK, "2026-10-01"): (2000, 1000, 0, 0, 400),
    # u-c2 {5000, 100} -> (5000, 0, 100)
    (FLASH, "2026-10-02"): (5000, 0, 0, 0, 100),
}


def by_model_and_day(entries: Iterable[Entry]) -> dict[tuple[str, str], Parts]:
    """The entries summed per model and UTC day."""
    sums: dict[tuple[str, str], list[int]] = {}
    for entry in entries:
        key = (entry.model, entry.at.astimezone(UTC).date().isoformat())
        t = entry.tokens
        parts = sums.setdefault(key, [0, 0, 0, 0, 0])
        for i, value in enumerate(
            (
                t.input_tokens,
                t.cache_read_tokens,
                t.cache_write_5m_tokens,
                t.cache_write_1h_tokens,
                t.output_tokens,
            )
        ):
            parts[i] += value
    return {key: (p[0], p[1], p[2], p[3], p[4]) for key, p in sums.items()}


def ledger(service: Service) -> list[Entry]:
    return list(service.entries.iter_entries())


def test_totals_per_model_and_day_are_what_was_billed(service: Service) -> None:
    report = service.imports.run(QwenCodeImporter(), [PROJECTS], now=NOW)
    entries = ledger(service)
    assert by_model_and_day(entries) == EXPECTED
    assert sorted(e.source_ref or "" for e in entries) == [
        "u-a1",
        "u-a2",
        "u-a3",
        "u-b1",
        "u-c1",
        "u-c2",
    ]
    assert {e.provider for e in entries if e.model == DEEPSEEK} == {"deepseek"}
    assert {e.provider for e in entries if e.model != DEEPSEEK} == {"dashscope"}
    assert [(Path(p.path).name, p.line) for p in report.problems] == [(ORIGINAL.name, 7)]
    assert report.files_read == len(FILES)


def test_projects_from_the_cwd_else_the_folder(service: Service) -> None:
    service.imports.run(QwenCodeImporter(), [PROJECTS], now=NOW)
    projects = {e.source_ref: e.project for e in ledger(service)}
    assert projects == {
        "u-a1": "/home/dev/shop",
        "u-a2": "/home/dev/shop",
        "u-a3": "/home/dev/shop",
        "u-b1": "/home/dev/shop",
        "u-c1": "/home/dev/blog",
        "u-c2": "/home/dev/blog",
    }


def test_importing_again_adds_nothing(service: Service) -> None:
    service.imports.run(QwenCodeImporter(), [PROJECTS], now=NOW)
    before = ledger(service)
    service.imports.run(QwenCodeImporter(), [PROJECTS], now=NOW)
    assert ledger(service) == before
    for path in reversed(FILES):
        service.imports.run(QwenCodeImporter(), [path], now=NOW, rescan=True)
    assert ledger(service) == before


def test_one_file_per_run_in_every_order_gives_the_same_totals(
    registry: TokenizerRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = set()
    for number, order in enumerate(itertools.permutations(FILES)):
        monkeypatch.setenv("TOKENBUDGET_HOME", str(tmp_path / f"home{number}"))
        service = Service(registry)
        try:
            for path in order:
                service.imports.run(QwenCodeImporter(), [path], now=NOW)
            entries = ledger(service)
        finally:
            service.close()
        assert by_model_and_day(entries) == EXPECTED, [p.name for p in order]
        # the branch's copies never replace the originals
        assert {e.source_ref: e.precedence for e in entries}["u-a1"] == PRECEDENCE_ORIGINAL
        seen.add(tuple(sorted((e.source_ref or "", e.tokens, e.at, e.project) for e in entries)))
    assert len(seen) == 1


def test_the_branch_alone_counts_its_copies_as_copies() -> None:
    records = {r.source_ref: r for r in QwenCodeImporter().scan([BRANCH], {}).records}
    assert sorted(records) == ["u-a1", "u-a2", "u-b1"]
    assert records["u-a1"].precedence == PRECEDENCE_COPY
    assert records["u-b1"].precedence == PRECEDENCE_ORIGINAL


def assistant(uuid: str, prompt: int, **extra: Any) -> dict[str, Any]:
    row = {
        "uuid": uuid,
        "sessionId": "s",
        "timestamp": "2026-10-05T10:00:00Z",
        "type": "assistant",
        "cwd": "/home/dev/x",
        "model": PLUS,
        "usageMetadata": {"promptTokenCount": prompt, "candidatesTokenCount": 1},
    }
    row.update(extra)
    return row


def write_chat(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_a_copy_never_wins_over_its_original(service: Service, tmp_path: Path) -> None:
    chats = tmp_path / "p" / "chats"
    copy = assistant("u-1", 999, forkedFrom={"sessionId": "s", "messageUuid": "u-1"})
    original = write_chat(chats / "a.jsonl", [assistant("u-1", 10)])
    branch = write_chat(chats / "b.jsonl", [copy])
    for path in (original, branch):  # the copy is read last, yet the original stays
        service.imports.run(QwenCodeImporter(), [path], now=NOW)
    (entry,) = ledger(service)
    assert entry.tokens == TokenCounts(input_tokens=10, output_tokens=1)


def test_a_grown_file_adds_only_its_new_records(tmp_path: Path) -> None:
    path = write_chat(tmp_path / "p" / "chats" / "s.jsonl", [assistant("u-1", 10)])
    importer = QwenCodeImporter()
    first = importer.scan([path], {})
    with path.open("a") as fh:
        fh.write(json.dumps(assistant("u-2", 20)) + "\n")
    second = importer.scan([path], first.state)
    assert [r.source_ref for r in second.records] == ["u-2"]
    assert second.bytes_read == len(json.dumps(assistant("u-2", 20))) + 1
    assert importer.scan([path], second.state).records == []


def test_a_record_without_a_uuid_is_keyed_by_its_content(tmp_path: Path) -> None:
    row = assistant("", 10)
    del row["uuid"]
    path = write_chat(tmp_path / "p" / "chats" / "s.jsonl", [row, row])
    (record,) = QwenCodeImporter().scan([path], {}).records
    assert record.source_ref == f"s:2026-10-05T10:00:00+00:00:{PLUS}:10/0/1"


def test_bad_usage_is_a_problem_on_its_line(tmp_path: Path) -> None:
    bad = assistant("u-1", 10)
    bad["usageMetadata"]["promptTokenCount"] = -5
    path = write_chat(tmp_path / "p" / "chats" / "s.jsonl", [assistant("u-0", 1), bad])
    result = QwenCodeImporter().scan([path], {})
    assert [r.source_ref for r in result.records] == ["u-0"]
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "'promptTokenCount' is negative: -5")
    ]


def test_roots_and_reads(tmp_path: Path) -> None:
    importer = QwenCodeImporter()
    assert importer.default_roots({}, tmp_path) == [tmp_path / ".qwen" / "projects"]
    assert importer.reads(BRANCH)
    assert not importer.reads(PROJECTS / "-home-dev-shop" / "settings.json")
