"""Gemini CLI log shapes, imported through the service into a ledger.

The fixture ``gemini_shapes/home/.gemini`` holds a ``projects.json`` (``/home/dev/webshop`` ->
``webshop``, ``/home/dev/blog`` -> ``blog``) and:

* ``tmp/webshop/chats/session-...-4a1b2c3d.json``: a legacy chat (messages a1, a2);
* ``tmp/webshop/chats/session-...-4a1b2c3d.jsonl``: the same session resumed: the whole
  legacy record on its first line, then a4 (appended twice, tokens arriving later), a
  ``$set.messages`` checkpoint with copies of a1, a2 and a4, a truncated line, a
  ``$rewindTo`` a4, and a5;
* ``tmp/webshop/chats/<session>/<sub-agent session>.jsonl``: a sub-agent's chat (b1, b2);
* ``tmp/<sha256 of /home/dev/blog>/chats/session-...-9e8d7c6b.json``: a legacy hash folder,
  and ``tmp/blog/chats/`` the copy Gemini CLI's slug migration made of it (c1, c2).

Token rule (module doc): input = input - cached + tool, cache read = cached, output =
output + thoughts. Every total below is worked out by hand from the numbers in the files.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from importer_support import FIXTURES

from tokenbudget.core.entries import Entry, TokenCounts
from tokenbudget.core.importers.base import ImportResult
from tokenbudget.core.importers.gemini_cli import GeminiCliImporter
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry

GEMINI = FIXTURES / "gemini_shapes" / "home" / ".gemini"
TMP = GEMINI / "tmp"
SA = "4a1b2c3d-1111-4a2b-8c3d-5e6f7a8b9c0d"
SB = "7c9d0e1f-2222-4b3c-9d4e-6f7a8b9c0d1e"
SC = "9e8d7c6b-3333-4c4d-8e5f-7a8b9c0d1e2f"
BLOG_HASH = hashlib.sha256(b"/home/dev/blog").hexdigest()
LEGACY = TMP / "webshop" / "chats" / "session-2026-09-06T09-00-4a1b2c3d.json"
RESUMED = LEGACY.with_suffix(".jsonl")
SUBAGENT = TMP / "webshop" / "chats" / SA / f"{SB}.jsonl"
BLOG_OLD = TMP / BLOG_HASH / "chats" / "session-2026-09-07T07-45-9e8d7c6b.json"
BLOG_NEW = TMP / "blog" / "chats" / BLOG_OLD.name
FILES = (LEGACY, RESUMED, SUBAGENT, BLOG_OLD, BLOG_NEW)
NOW = datetime(2026, 9, 8, tzinfo=UTC)
PRO, FLASH = "gemini-2.5-pro", "gemini-2.5-flash"

Parts = tuple[int, int, int, int, int]

#: (model, UTC day) -> (input, cache read, cache write 5m, cache write 1h, output), by hand:
EXPECTED: dict[tuple[str, str], Parts] = {
    # a1 {input 8000, output 300, cached 0, thoughts 200, tool 0} -> (8000, 0, 500)
    # a2 {9500, 150, cached 6000, thoughts 50, tool 100} -> (9500 - 6000 + 100, 6000, 200)
    # a4 {12000, 400, cached 9000, 0, 0} -> (3000, 9000, 400), rewound but billed
    (PRO, "2026-09-06"): (8000 + 3600 + 3000, 6000 + 9000, 0, 0, 500 + 200 + 400),
    # a5 {12500, 250, cached 11000, thoughts 30, 0} -> (1500, 11000, 280)
    (PRO, "2026-09-07"): (1500, 11000, 0, 0, 280),
    # the sub-agent: b1 {3000, 120, 0, thoughts 40, 0} -> (3000, 0, 160);
    # b2 {4200, 90, cached 2048, 0, tool 64} -> (4200 - 2048 + 64, 2048, 90)
    (FLASH, "2026-09-06"): (3000 + 2216, 2048, 0, 0, 160 + 90),
    # blog: c1 {5000, 600, cached 1024, thoughts 100, 0} -> (3976, 1024, 700);
    # c2 {6000, 200, cached 4096, 0, 0} -> (1904, 4096, 200); its two copies count once
    (FLASH, "2026-09-07"): (3976 + 1904, 1024 + 4096, 0, 0, 700 + 200),
}


class Forgetful(GeminiCliImporter):
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


def mid(session: str, n: int) -> str:
    return f"{session[:8]}-0000-4000-8000-{n:012d}"


def test_totals_per_model_and_day_are_what_was_billed(service: Service) -> None:
    report = service.imports.run(GeminiCliImporter(), [TMP], now=NOW)
    entries = ledger(service)
    assert by_model_and_day(entries) == EXPECTED
    assert sorted(e.source_ref or "" for e in entries) == sorted(
        [f"{SA}:{mid(SA, n)}" for n in (2, 4, 7, 9)]
        + [f"{SB}:{mid(SB, n)}" for n in (2, 3)]
        + [f"{SC}:{mid(SC, n)}" for n in (2, 4)]
    )
    # the truncated line is the one problem; logs.json and projects.json are not chats
    assert [(Path(p.path).name, p.line) for p in report.problems] == [(RESUMED.name, 8)]
    assert report.files_read == len(FILES)


def test_importing_again_adds_nothing(service: Service) -> None:
    service.imports.run(GeminiCliImporter(), [TMP], now=NOW)
    before = ledger(service)
    service.imports.run(GeminiCliImporter(), [TMP], now=NOW)
    assert ledger(service) == before
    for path in reversed(FILES):  # every file again from its start: upserts in place
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
                service.imports.run(GeminiCliImporter(), [path], now=NOW)
            entries = ledger(service)
        finally:
            service.close()
        assert by_model_and_day(entries) == EXPECTED, [p.name for p in order]
        seen.add(tuple(sorted((e.source_ref or "", e.tokens, e.at, e.project) for e in entries)))
    assert len(seen) == 1


def test_records_carry_their_project(service: Service) -> None:
    service.imports.run(GeminiCliImporter(), [TMP], now=NOW)
    projects = {(e.source_ref or "").split(":")[0]: e.project for e in ledger(service)}
    assert projects == {SA: "/home/dev/webshop", SB: "/home/dev/webshop", SC: "/home/dev/blog"}


def test_the_legacy_hash_folder_alone_is_named_through_the_registry(service: Service) -> None:
    service.imports.run(GeminiCliImporter(), [BLOG_OLD], now=NOW)
    assert {e.project for e in ledger(service)} == {"/home/dev/blog"}


def test_a_resumed_legacy_record_on_the_first_line_counts_alone(service: Service) -> None:
    service.imports.run(GeminiCliImporter(), [RESUMED], now=NOW)
    entries = {e.source_ref: e for e in ledger(service)}
    assert sorted(entries) == [f"{SA}:{mid(SA, n)}" for n in (2, 4, 7, 9)]
    assert entries[f"{SA}:{mid(SA, 4)}"].tokens == TokenCounts(
        input_tokens=3600, cache_read_tokens=6000, output_tokens=200
    )


def test_sub_agent_chats_are_found_below_their_parent_session() -> None:
    importer = GeminiCliImporter()
    assert importer.reads(SUBAGENT)
    assert not importer.reads(TMP / "webshop" / "logs.json")
    records = importer.scan([TMP / "webshop" / "chats"], {}).records
    assert {r.source_ref for r in records} >= {f"{SB}:{mid(SB, 2)}", f"{SB}:{mid(SB, 3)}"}
    # live sync scans the folder that changed: a session's sub-agent folder is one
    records = importer.scan([SUBAGENT.parent], {}).records
    assert {(r.source_ref, r.project) for r in records} == {
        (f"{SB}:{mid(SB, 2)}", "/home/dev/webshop"),
        (f"{SB}:{mid(SB, 3)}", "/home/dev/webshop"),
    }


def write_chat(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def message(mid_: str, tokens: dict[str, int]) -> dict[str, Any]:
    return {
        "id": mid_,
        "timestamp": "2026-09-06T10:00:00.000Z",
        "type": "gemini",
        "content": "ok",
        "model": FLASH,
        "tokens": tokens,
    }


def test_set_messages_never_count_and_a_rewind_removes_nothing(tmp_path: Path) -> None:
    big = {"input": 90000, "output": 9000, "cached": 0, "thoughts": 0, "tool": 0, "total": 99000}
    small = {"input": 100, "output": 10, "cached": 0, "thoughts": 0, "tool": 0, "total": 110}
    path = write_chat(
        tmp_path / "p" / "chats" / "session-x.jsonl",
        [
            {"sessionId": "s", "projectHash": "0" * 64, "startTime": "2026-09-06T10:00:00Z"},
            message("m1", small),
            # a checkpoint: were its copies read, the larger m1 would win and m0 would count
            {"$set": {"messages": [message("m0", big), message("m1", big)]}},
            {"$rewindTo": "m1"},
        ],
    )
    (record,) = GeminiCliImporter().scan([path], {}).records
    assert record.source_ref == "s:m1"
    assert record.tokens == TokenCounts(input_tokens=100, output_tokens=10)


def test_project_from_marker_then_metadata_else_unknown(tmp_path: Path) -> None:
    tmp = tmp_path / ".gemini" / "tmp"
    tokens = {"input": 10, "output": 1}
    write_chat(
        tmp / "notes" / "chats" / "session-a.jsonl",
        [{"sessionId": "a", "projectHash": "1" * 64}, message("m", tokens)],
    )
    (tmp / "notes" / ".project_root").write_text("/home/dev/notes\n")
    write_chat(
        tmp / "odd" / "chats" / "session-b.jsonl",
        [
            {"sessionId": "b", "kind": "subagent", "directories": ["/home/dev/odd"]},
            message("m", tokens),
        ],
    )
    write_chat(
        tmp / "lost" / "chats" / "session-c.jsonl",
        [{"sessionId": "c", "projectHash": "2" * 64}, message("m", tokens)],
    )
    records = {r.source_ref: r for r in GeminiCliImporter().scan([tmp], {}).records}
    assert records["a:m"].project == "/home/dev/notes"
    assert records["b:m"].project == "/home/dev/odd"
    assert records["c:m"].project is None


def test_metadata_hash_is_matched_against_the_registry(tmp_path: Path) -> None:
    gemini = tmp_path / ".gemini"
    root = "/home/dev/shop"
    write_chat(
        gemini / "tmp" / "renamed-slug" / "chats" / "session-a.jsonl",
        [
            {"sessionId": "a", "projectHash": hashlib.sha256(root.encode()).hexdigest()},
            message("m", {"input": 10, "output": 1}),
        ],
    )
    (gemini / "projects.json").write_text(json.dumps({"projects": {root: "shop"}}))
    (record,) = GeminiCliImporter().scan([gemini / "tmp"], {}).records
    assert record.project == root


def test_project_named_by_the_metadata_line_survives_a_resumed_run(tmp_path: Path) -> None:
    path = write_chat(
        tmp_path / ".gemini" / "tmp" / "x" / "chats" / "session-a.jsonl",
        [{"sessionId": "a", "directories": ["/home/dev/x"]}, message("m1", {"input": 1})],
    )
    importer = GeminiCliImporter()
    first = importer.scan([path], {})
    with path.open("a") as fh:
        fh.write(json.dumps(message("m2", {"input": 2})) + "\n")
    (record,) = importer.scan([path], first.state).records
    assert (record.source_ref, record.project) == ("a:m2", "/home/dev/x")


def test_a_sub_agent_chat_of_the_json_era_is_read(tmp_path: Path) -> None:
    # chats/<parent>/<session>.json: sub-agent nesting came before JSONL recording
    path = tmp_path / "p" / "chats" / "parent-id" / "sub-id.json"
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {"sessionId": "sub-id", "kind": "subagent", "messages": [message("m", {"input": 5})]}
        )
    )
    importer = GeminiCliImporter()
    assert importer.reads(path)
    for root in (tmp_path, tmp_path / "p" / "chats", path.parent):
        assert [r.source_ref for r in importer.scan([root], {}).records] == ["sub-id:m"]
