"""Kimi CLI and Kimi Code wires, imported through the service into a ledger.

The fixture ``kimi/home`` holds:

* ``.kimi/config.toml``: ``default_model = "kimi-for-coding"`` (the CLI's wires name no model);
* ``.kimi/sessions/<md5>/<C1>/wire.jsonl``: metadata, a turn, status updates a1 and a2, a
  content part, a sub-agent's forwarded status updates s1 and one without a message id, a
  status update with no usage, a truncated line (8), the turn's end;
* ``.kimi/sessions/<md5>/<C1>/subagents/agent-1/wire.jsonl``: the sub-agent's own wire: s1,
  the one without a message id (at its own time), s2;
* ``.kimi/sessions/<md5>/<C2>/wire.jsonl``: a ``/fork`` of C1: its first five lines verbatim
  (a1 and the forwarded s1 among them), then f1 on the next day;
* ``.kimi-code/sessions/<bucket>/sess_01/agents/main/wire.jsonl``: usage records u1, u2, a
  message, a truncated line (5);
* ``.kimi-code/sessions/<bucket>/sess_01/agents/task-1/wire.jsonl``: a sub-agent's record
  (kimi-k2-turbo-preview);
* ``.kimi-code/sessions/<bucket>/sess_02/agents/main/wire.jsonl``: a fork of sess_01's main
  agent: u1 and u2 copied, the ``forked`` marker, then u3 on the next day.

Token rule (module doc): input = input other, cache read = cache read, cache write 5m =
cache creation, output = output. Every total below is worked out by hand from the files.
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

from tokenbudget.core.entries import PRECEDENCE_COPY, PRECEDENCE_ORIGINAL, Entry
from tokenbudget.core.importers.kimi import KimiImporter
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry

HOME = FIXTURES / "kimi" / "home"
CLI = HOME / ".kimi" / "sessions"
CODE = HOME / ".kimi-code" / "sessions"
BUCKET = CLI / "11e9fe063b91149eb10c6daf331adfaa"
C1 = BUCKET / "3c1d2e3f-aaaa-4b5c-9d6e-000000000001"
PARENT = C1 / "wire.jsonl"
SUBAGENT = C1 / "subagents" / "agent-1" / "wire.jsonl"
FORK = BUCKET / "3c1d2e3f-bbbb-4b5c-9d6e-000000000002" / "wire.jsonl"
WD = CODE / "wd_shop_0a1b2c3d4e5f"
MAIN = WD / "sess_01" / "agents" / "main" / "wire.jsonl"
TASK = WD / "sess_01" / "agents" / "task-1" / "wire.jsonl"
CODE_FORK = WD / "sess_02" / "agents" / "main" / "wire.jsonl"
FILES = (PARENT, SUBAGENT, FORK, MAIN, TASK, CODE_FORK)
NOW = datetime(2026, 10, 3, tzinfo=UTC)
K4C, TURBO = "kimi-for-coding", "kimi-k2-turbo-preview"

Parts = tuple[int, int, int, int, int]

#: (model, UTC day) -> (input, cache read, cache write 5m, cache write 1h, output), by hand:
EXPECTED: dict[tuple[str, str], Parts] = {
    # CLI: a1 (1200, 8000, 0, 300); s1 (500, 2000, 0, 80), in the parent and the sub-agent's
    # wire and the fork, once; the id-less step (100, 0, 0, 10), once (its own wire);
    # s2 (700, 0, 0, 60); a2 (900, 9000, 1000, 150).
    # Code: u1 (3000, 12000, 0, 400), u2 (1000, 15000, 500, 200), each also in the fork.
    (K4C, "2026-10-01"): (
        1200 + 500 + 100 + 700 + 900 + 3000 + 1000,
        8000 + 2000 + 9000 + 12000 + 15000,
        1000 + 500,
        0,
        300 + 80 + 10 + 60 + 150 + 400 + 200,
    ),
    # CLI f1 (400, 10000, 0, 90); Code u3 (2000, 16000, 0, 100)
    (K4C, "2026-10-02"): (400 + 2000, 10000 + 16000, 0, 0, 90 + 100),
    # the Code sub-agent (800, 0, 0, 120)
    (TURBO, "2026-10-01"): (800, 0, 0, 0, 120),
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
    report = service.imports.run(KimiImporter(), [CLI, CODE], now=NOW)
    entries = ledger(service)
    assert by_model_and_day(entries) == EXPECTED
    refs = sorted(e.source_ref or "" for e in entries)
    assert [r for r in refs if r.startswith("cli:chatcmpl")] == [
        "cli:chatcmpl-a1",
        "cli:chatcmpl-a2",
        "cli:chatcmpl-f1",
        "cli:chatcmpl-s1",
        "cli:chatcmpl-s2",
    ]
    assert len(refs) == 10  # and the id-less step, u1, u2, u3 and the Code sub-agent's
    assert {e.provider for e in entries} == {"moonshot"}
    assert sorted((Path(p.path).parent.name, p.line) for p in report.problems) == [
        ("3c1d2e3f-aaaa-4b5c-9d6e-000000000001", 8),
        ("main", 5),
    ]
    assert report.files_read == len(FILES)


def test_importing_again_adds_nothing(service: Service) -> None:
    service.imports.run(KimiImporter(), [CLI, CODE], now=NOW)
    before = ledger(service)
    service.imports.run(KimiImporter(), [CLI, CODE], now=NOW)
    assert ledger(service) == before
    for path in reversed(FILES):
        service.imports.run(KimiImporter(), [path], now=NOW, rescan=True)
    assert ledger(service) == before


def orders() -> Iterable[tuple[Path, ...]]:
    """Every rotation of the files forwards and backwards, and a few shuffles."""
    for files in (FILES, tuple(reversed(FILES))):
        for start in range(len(files)):
            yield files[start:] + files[:start]
    yield from itertools.islice(itertools.permutations(FILES), 7, None, 97)


def test_one_file_per_run_in_any_order_gives_the_same_totals(
    registry: TokenizerRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = set()
    for number, order in enumerate(orders()):
        monkeypatch.setenv("TOKENBUDGET_HOME", str(tmp_path / f"home{number}"))
        service = Service(registry)
        try:
            for path in order:
                service.imports.run(KimiImporter(), [path], now=NOW)
            entries = ledger(service)
        finally:
            service.close()
        assert by_model_and_day(entries) == EXPECTED, [str(p) for p in order]
        # the Kimi Code fork's copies never replace the originals
        assert {e.precedence for e in entries} == {PRECEDENCE_ORIGINAL}
        seen.add(tuple(sorted((e.source_ref or "", e.tokens, e.at) for e in entries)))
    assert len(seen) == 1


def test_a_kimi_code_fork_alone_marks_what_it_copied() -> None:
    records = KimiImporter().scan([CODE_FORK], {}).records
    assert [(r.tokens.output_tokens, r.precedence) for r in records] == [
        (400, PRECEDENCE_COPY),
        (200, PRECEDENCE_COPY),
        (100, PRECEDENCE_ORIGINAL),
    ]


def test_forwarded_sub_agent_steps_count_once_from_either_wire() -> None:
    importer = KimiImporter()
    parent = {r.source_ref for r in importer.scan([PARENT], {}).records}
    own = {r.source_ref for r in importer.scan([SUBAGENT], {}).records}
    assert "cli:chatcmpl-s1" in parent & own
    # the id-less step is read only from the sub-agent's own wire
    assert len(own - parent) == 2  # s2 and the id-less step
    assert not any(ref.startswith("cli:chatcmpl") is False for ref in parent)


def status(at: float, message_id: str | None, other: int) -> dict[str, Any]:
    payload: dict[str, Any] = {"token_usage": {"input_other": other, "output": 1}}
    if message_id is not None:
        payload["message_id"] = message_id
    return {"timestamp": at, "message": {"type": "StatusUpdate", "payload": payload}}


def usage_record(at_ms: int, other: int) -> dict[str, Any]:
    return {
        "type": "usage.record",
        "agentId": "main",
        "model": K4C,
        "usage": {"inputOther": other, "output": 1},
        "usageScope": "turn",
        "time": at_ms,
    }


def write_wire(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_a_grown_wire_adds_only_its_new_records(tmp_path: Path) -> None:
    meta = {"type": "metadata", "protocol_version": "1.5"}
    cli = write_wire(tmp_path / ".kimi" / "sessions" / "b" / "s" / "wire.jsonl", [meta])
    code = write_wire(
        tmp_path / ".kimi-code" / "sessions" / "b" / "s" / "agents" / "main" / "wire.jsonl",
        [meta, usage_record(1_790_000_000_000, 5), {"type": "forked", "agentId": "main"}],
    )
    importer = KimiImporter()
    roots = [cli.parent.parent.parent, code.parents[4]]
    first = importer.scan(roots, {})
    assert [r.precedence for r in first.records] == [PRECEDENCE_COPY]
    with cli.open("a") as fh:
        fh.write(json.dumps(status(1_790_000_100.0, "m-1", 7)) + "\n")
    with code.open("a") as fh:
        fh.write(json.dumps(usage_record(1_790_000_200_000, 9)) + "\n")
    second = importer.scan(roots, first.state)
    assert [(r.source_ref, r.tokens.input_tokens, r.precedence) for r in second.records] == [
        ("cli:m-1", 7, PRECEDENCE_ORIGINAL),
        (f"code:main:1790000200000:{K4C}:9/0/0/1", 9, PRECEDENCE_ORIGINAL),
    ]
    assert second.records[0].model == K4C  # no config: the default name, as written
    assert importer.scan(roots, second.state).records == []


def test_the_model_comes_from_the_config_models_table(tmp_path: Path) -> None:
    kimi = tmp_path / ".kimi"
    wire = write_wire(kimi / "sessions" / "b" / "s" / "wire.jsonl", [status(1.79e9, "m", 1)])
    (kimi / "config.toml").write_text(
        'default_model = "k2"\n[models.k2]\nprovider = "moonshot"\nmodel = "kimi-k2-0905"\n'
    )
    (record,) = KimiImporter().scan([wire], {}).records
    assert (record.model, record.provider) == ("kimi-k2-0905", "moonshot")


def test_the_model_comes_from_the_older_json_config(tmp_path: Path) -> None:
    kimi = tmp_path / ".kimi"
    wire = write_wire(kimi / "sessions" / "b" / "s" / "wire.jsonl", [status(1.79e9, "m", 1)])
    (kimi / "config.json").write_text(json.dumps({"default_model": "kimi-k2-turbo-preview"}))
    (record,) = KimiImporter().scan([wire], {}).records
    assert record.model == "kimi-k2-turbo-preview"


def test_bad_usage_is_a_problem_on_its_line(tmp_path: Path) -> None:
    bad = status(1.79e9, "m-2", -1)
    wire = write_wire(tmp_path / "wire.jsonl", [status(1.79e9, "m-1", 1), bad])
    result = KimiImporter().scan([wire], {})
    assert [r.source_ref for r in result.records] == ["cli:m-1"]
    assert [(p.line, p.message) for p in result.problems] == [(2, "'input_other' is negative: -1")]


def test_roots_and_env_overrides(tmp_path: Path) -> None:
    importer = KimiImporter()
    assert importer.default_roots({}, tmp_path) == [
        tmp_path / ".kimi" / "sessions",
        tmp_path / ".kimi-code" / "sessions",
    ]
    env = {"KIMI_SHARE_DIR": str(tmp_path / "share"), "KIMI_CODE_HOME": str(tmp_path / "kc")}
    assert importer.default_roots(env, tmp_path) == [
        tmp_path / "share" / "sessions",
        tmp_path / "kc" / "sessions",
    ]
    assert importer.reads(SUBAGENT)
    assert not importer.reads(C1 / "state.json")
