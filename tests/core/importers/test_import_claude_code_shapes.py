"""Claude Code log shapes from real bug reports, imported through the service into a ledger.

The fixture ``claude_shapes`` holds one session of ``/home/dev/shop`` (a main transcript, a
``/btw`` side question that re-logs two parent messages under new request ids with larger
cache reads, and a Task sub-agent with its own messages) and one session of
``/home/dev/api`` run in an agent worktree. Every total below is worked out by hand from the
numbers in the files.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from importer_support import FIXTURES

from tokenbudget.core.entries import PRECEDENCE_COPY, PRECEDENCE_ORIGINAL, Entry, NewEntry
from tokenbudget.core.importers.base import ImportResult
from tokenbudget.core.importers.claude_code import ClaudeCodeImporter
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry

PROJECTS = FIXTURES / "claude_shapes" / "projects"
S1 = "5b1e0c3a-7d2f-4e81-9a64-0c3b2d1e4f50"
PARENT = PROJECTS / "-home-dev-shop" / f"{S1}.jsonl"
ASIDE = PROJECTS / "-home-dev-shop" / S1 / "subagents" / "agent-aside_question-3f9c1d2e.jsonl"
TASK = PROJECTS / "-home-dev-shop" / S1 / "subagents" / "agent-a71c4e9b.jsonl"
API = PROJECTS / "-home-dev-api" / "8e2f4a6c-1b3d-4c5e-9f70-2a4b6c8d0e1f.jsonl"
FILES = (PARENT, ASIDE, TASK, API)
NOW = datetime(2026, 9, 8, tzinfo=UTC)

SONNET = "claude-sonnet-4-5-20250929"
HAIKU = "claude-haiku-4-5-20251001"
OPUS = "claude-opus-4-1-20250805"

Parts = tuple[int, int, int, int, int]

#: (model, UTC day) -> (input, cache read, cache write 5m, cache write 1h, output), by hand:
EXPECTED: dict[tuple[str, str], Parts] = {
    # msg_01S1 (3, 12000, 4200, 0, 245: the final of its two streamed rows; the /btw copy
    # with 31000 cache reads loses), msg_01S2 (5, 16200, 0, 3000, 410: the parent field reads
    # 0, the split 3000 1h; its /btw copy with 40000 cache reads loses), msg_01S3 (2, 19000,
    # 500 + (2500 - 500 - 1500) = 1000, 1500, 120), the side question's own answer msg_01B9
    # (6, 22000, 0, 0, 180: the final of two rows)
    (SONNET, "2026-09-06"): (3 + 5 + 2 + 6, 12000 + 16200 + 19000 + 22000, 4200 + 1000, 3000 + 1500, 245 + 410 + 120 + 180),
    # msg_01S4 after midnight UTC: 800 written without a split is a 5-minute write
    (SONNET, "2026-09-07"): (4, 20500, 800, 0, 95),
    # the Task sub-agent: msg_01T1 (1200, 0, 0, 0, 530: final of two rows), msg_01T2
    # (300, 1200, 2048, 0, 260)
    (HAIKU, "2026-09-06"): (1200 + 300, 1200, 2048, 0, 530 + 260),
    # msg_01A1 (10, 0, 0, 6000, 700); msg_01A2 the last of three streamed rows
    (OPUS, "2026-09-06"): (10, 0, 0, 6000, 700),
    (OPUS, "2026-09-07"): (7, 6000, 120, 0, 333),
}  # fmt: skip


class Forgetful(ClaudeCodeImporter):
    """The importer with its state lost: every run reads every file from the start."""

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Any = None
    ) -> ImportResult:
        return super().scan(roots, {}, sink=sink)


def by_model_and_day(entries: Iterable[Entry]) -> dict[tuple[str, str], Parts]:
    """The ledger's entries summed per model and UTC day."""
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
    report = service.imports.run(ClaudeCodeImporter(), [PROJECTS], now=NOW)
    entries = ledger(service)
    assert by_model_and_day(entries) == EXPECTED
    assert len(entries) == 9  # 5 sonnet responses, 2 haiku, 2 opus
    # the one damaged line (a truncated row) is reported with its number; the synthetic
    # API-error rows, summaries, snapshots, user and system rows are not problems
    assert [(Path(p.path).name, p.line) for p in report.problems] == [(PARENT.name, 10)]
    assert all(e.model != "<synthetic>" for e in entries)


def test_importing_again_adds_nothing(service: Service) -> None:
    service.imports.run(ClaudeCodeImporter(), [PROJECTS], now=NOW)
    before = ledger(service)
    service.imports.run(ClaudeCodeImporter(), [PROJECTS], now=NOW)
    assert ledger(service) == before
    # every file read again from its start, in another order: the references upsert in place
    for path in reversed(FILES):
        service.imports.run(Forgetful(), [path], now=NOW)
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
                service.imports.run(ClaudeCodeImporter(), [path], now=NOW)
            entries = ledger(service)
        finally:
            service.close()
        assert by_model_and_day(entries) == EXPECTED, [p.name for p in order]
        seen.add(tuple(sorted((e.source_ref or "", e.tokens, e.at, e.project) for e in entries)))
    assert len(seen) == 1  # not only the sums: the very same records, whatever the order


def test_a_side_question_copy_never_wins_over_the_parent(service: Service) -> None:
    service.imports.run(ClaudeCodeImporter(), [ASIDE], now=NOW)
    copies = {e.source_ref: e for e in ledger(service)}
    # alone, the side question's copies are all there is: counted, as copies
    assert copies["msg_01S1aaaaaaaaaaaaaaaaaaaa"].tokens.cache_read_tokens == 31000
    assert copies["msg_01S1aaaaaaaaaaaaaaaaaaaa"].precedence == PRECEDENCE_COPY
    service.imports.run(ClaudeCodeImporter(), [PARENT], now=NOW)
    entries = {e.source_ref: e for e in ledger(service)}
    assert entries["msg_01S1aaaaaaaaaaaaaaaaaaaa"].tokens.cache_read_tokens == 12000
    assert entries["msg_01S2bbbbbbbbbbbbbbbbbbbb"].tokens.cache_read_tokens == 16200
    assert entries["msg_01S2bbbbbbbbbbbbbbbbbbbb"].precedence == PRECEDENCE_ORIGINAL
    # the side question's own answer still counts
    assert entries["msg_01B9gggggggggggggggggggg"].tokens.output_tokens == 180
    assert len(entries) == 5  # the parent's 4 responses (2 of them also copied) and B9
    # the copies, read again from the start, change nothing
    service.imports.run(Forgetful(), [ASIDE], now=NOW)
    assert {e.source_ref: e for e in ledger(service)} == entries


def test_references_are_message_ids() -> None:
    records = ClaudeCodeImporter().scan([PROJECTS], {}).records
    assert sorted(r.source_ref or "" for r in records) == [
        "msg_01A1jjjjjjjjjjjjjjjjjjjj",
        "msg_01A2kkkkkkkkkkkkkkkkkkkk",
        "msg_01B9gggggggggggggggggggg",
        "msg_01S1aaaaaaaaaaaaaaaaaaaa",
        "msg_01S2bbbbbbbbbbbbbbbbbbbb",
        "msg_01S3cccccccccccccccccccc",
        "msg_01S4dddddddddddddddddddd",
        "msg_01T1hhhhhhhhhhhhhhhhhhhh",
        "msg_01T2iiiiiiiiiiiiiiiiiiii",
    ]


def test_records_carry_their_project_with_worktrees_folded(service: Service) -> None:
    service.imports.run(ClaudeCodeImporter(), [PROJECTS], now=NOW)
    projects = {(e.model, e.project) for e in ledger(service)}
    assert projects == {
        (SONNET, "/home/dev/shop"),
        (HAIKU, "/home/dev/shop"),
        # logged in /home/dev/api/.claude/worktrees/fix-tz: an agent worktree of the repo
        (OPUS, "/home/dev/api"),
    }


def test_sidechain_rows_are_copies_and_main_rows_originals() -> None:
    records = {r.source_ref: r for r in ClaudeCodeImporter().scan([TASK, API], {}).records}
    assert records["msg_01T2iiiiiiiiiiiiiiiiiiii"].precedence == PRECEDENCE_COPY
    assert records["msg_01A1jjjjjjjjjjjjjjjjjjjj"].precedence == PRECEDENCE_ORIGINAL


def test_a_scan_that_hands_records_over_in_batches_stores_the_same(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays flat on big imports: records are stored as they are found, same result.

    With a batch of one record, every duplicate (streamed rows, the side question's copies
    of parent messages) is settled by the ledger instead of within the scan.
    """
    from tokenbudget.core.importers import scan

    handed: list[int] = []
    real = scan.Found.__init__

    def counting(self: scan.Found, sink: scan.Sink | None = None) -> None:
        def counted(records: list[NewEntry]) -> None:
            handed.append(len(records))
            assert sink is not None
            sink(records)

        real(self, counted if sink is not None else None)

    monkeypatch.setattr(scan, "SPILL_AT", 1)
    monkeypatch.setattr(scan.Found, "__init__", counting)
    report = service.imports.run(ClaudeCodeImporter(), [PROJECTS], now=NOW)
    assert len(handed) > 9 and set(handed) == {1}  # every record handed over alone
    assert report.records == sum(handed)  # each counted once in the report
    assert by_model_and_day(ledger(service)) == EXPECTED
    assert len(ledger(service)) == 9
