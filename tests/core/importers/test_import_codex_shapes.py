"""Codex log shapes from real bug reports, imported through the service into a ledger.

Each folder of ``fixtures/codex_shapes`` is a ``$CODEX_HOME`` holding one shape. Every
expected figure below was worked out by hand from the rows' cumulative totals; a token
count adds (input - cached, cached, output) of the difference to the previous total, so
each comment shows the difference. Figures are (input, cache read, output) per (model,
UTC day).
"""

from __future__ import annotations

import itertools
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from importer_support import FIXTURES

from tokenbudget.core.importers.codex import CodexImporter
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry

SHAPES = FIXTURES / "codex_shapes"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

Totals = dict[tuple[str, str], tuple[int, int, int]]

EXPECTED: dict[str, Totals] = {
    # P: 12000/0/500 -> 27000/11000/1100 (re-emitted) -> 45000/25000/1600: (20000, 25000,
    # 1600). Fork F replays P at its creation second, then adds 60000/38000/2000 (+15000/
    # +13000/+400 on gpt-5.1-codex) and, after midnight, 71000/46000/2300 (+11000/+8000/
    # +300 on gpt-5.1-codex-mini, re-emitted once).
    "fork": {
        ("gpt-5.1-codex", "2026-03-09"): (20000 + 2000, 25000 + 13000, 1600 + 400),
        ("gpt-5.1-codex-mini", "2026-03-10"): (3000, 8000, 300),
    },
    # Q: 20000/0/800 -> 42000/19000/1500 -> 70000/40000/2100 = (30000, 40000, 2100).
    # Three sub-agents replay Q up to 42000/19000/1500, then add their own:
    # S1 49000/24000/1900 (+2000, +5000, +400), 58000/31000/2200 (+2000, +7000, +300);
    # S2 50000/25000/1800 (+2000, +6000, +300), 61000/33000/2150 (+3000, +8000, +350);
    # S3 47000/23000/1700 (+1000, +4000, +200).
    "subagents": {
        ("gpt-5.2-codex", "2026-04-14"): (30000 + 1000, 40000 + 4000, 2100 + 200),
        ("gpt-5.1-codex-mini", "2026-04-14"): (4000 + 5000, 12000 + 14000, 700 + 650),
    },
    # D: 30000/0/1200 -> 65000/28000/2500 -> 101000/60000/3400 = (41000, 60000, 3400).
    # Branch B repeats D's first two rows with their times, then 90000/50000/3000:
    # (+25000 - 22000 cached, +22000, +500).
    "desktop_branch": {("gpt-5.1-codex-max", "2026-05-20"): (41000 + 3000, 60000 + 22000, 3900)},
    # R before its first record (token counts): 8000/0/400, 18000/7000/900 -> (11000, 7000,
    # 900). Then records only: resp ...58 12000/2000/600 and ...59 15000/11000/700 on
    # gpt-5.2-codex, the compaction call ...60 26000/20000/1500 on gpt-5.1-codex-mini (its
    # copy in `compacted` and the synthetic token count add nothing), ...61 9500/4000/400
    # with no attribution, after the model became gpt-5.2. Branch RB copies ...58 and ...59
    # (counted once) and adds 20000/15000/800 on gpt-5.2-codex.
    "records": {
        ("gpt-5.1-codex", "2026-06-02"): (11000, 7000, 900),
        ("gpt-5.2-codex", "2026-06-02"): (10000 + 4000 + 5000, 2000 + 11000 + 15000, 2100),
        ("gpt-5.1-codex-mini", "2026-06-02"): (6000, 20000, 1500),
        ("gpt-5.2", "2026-06-02"): (5500, 4000, 400),
    },
    # 10000/0/300 (re-emitted by a rate-limit refresh, then the same line again), 25000/
    # 9000/800, a stale 20000/8000/700, then after midnight 41000/22000/1300 without
    # total_tokens: (10000, 0, 300) + (6000, 9000, 500); then (3000, 13000, 500).
    "re_emits": {
        ("gpt-5-codex", "2026-02-11"): (16000, 9000, 800),
        ("gpt-5-codex", "2026-02-12"): (3000, 13000, 500),
    },
    # Z1 (.zst only): 9000/0/350 -> 20000/8000/700 = (9000, 0, 350) + (3000, 8000, 350).
    # Z2 is both .jsonl.zst (cold, first turn) and .jsonl (resumed a week later):
    # 7000/0/200, then 16000/6000/500 a week later (+9000 of which 6000 cached, +300).
    "zst": {
        ("gpt-5", "2026-01-05"): (12000, 8000, 700),
        ("gpt-5-codex", "2026-01-06"): (7000, 0, 200),
        ("gpt-5-codex", "2026-01-13"): (3000, 6000, 300),
    },
    # A1 in archived_sessions (two rows) and, resumed, in sessions (three rows):
    # 11000/0/450, 24000/10000/900, 38000/21000/1300 = (11000, 0, 450) + (3000, 10000,
    # 450) + (3000, 11000, 400). A2 only archived: 5000/0/200, 13000/4000/600.
    "archived": {
        ("gpt-5.1-codex", "2025-12-01"): (17000, 21000, 1300),
        ("gpt-5", "2025-11-20"): (9000, 4000, 600),
    },
    # L1: 6000/0/250, 14000/5000/600 = (9000, 5000, 600); its fork L3 replays L1 and adds
    # 22000/12000/900 (+1000, +7000, +300). L2 (2025, UUIDv4 id): 4000/0/100.
    "rate_limits": {
        ("gpt-5.2-codex", "2026-07-01"): (10000, 12000, 900),
        ("gpt-5", "2025-09-15"): (4000, 0, 100),
    },
}


def roots(shape: str | Path) -> list[Path]:
    home = shape if isinstance(shape, Path) else SHAPES / shape
    return CodexImporter().default_roots({"CODEX_HOME": str(home)}, Path("/nowhere"))


def files(shape: str) -> list[Path]:
    return sorted(p for p in (SHAPES / shape).rglob("*") if p.is_file())


def ledger_totals(service: Service) -> Totals:
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for entry in service.entries.iter_entries():
        assert entry.source == "codex"
        tokens = entry.tokens
        assert tokens.cache_write_5m_tokens == tokens.cache_write_1h_tokens == 0
        key = (entry.model, entry.at.astimezone(UTC).date().isoformat())
        for i, value in enumerate(
            (tokens.input_tokens, tokens.cache_read_tokens, tokens.output_tokens)
        ):
            sums[key][i] += value
    return {key: (v[0], v[1], v[2]) for key, v in sums.items()}


@pytest.fixture
def fresh_service(
    registry: TokenizerRegistry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Service]]:
    """Builds services, each over its own empty ledger."""
    made: list[Service] = []

    def make() -> Service:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TOKENBUDGET_HOME", str(tmp_path_factory.mktemp("ledger")))
            service = Service(registry)
            service.entries.count()  # open the ledger while the home points there
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_totals_per_model_and_day(service: Service, shape: str) -> None:
    report = service.imports.run("codex", roots(shape), now=NOW)
    assert ledger_totals(service) == EXPECTED[shape]
    assert len([p for p in report.problems if "truncated" not in p.message]) == 0
    # importing again adds nothing, whether the files are unchanged or read afresh
    again = service.imports.run("codex", roots(shape), now=NOW)
    assert (again.records, again.files_read) == (0, 0)
    count = service.entries.count()
    assert ledger_totals(service) == EXPECTED[shape]
    assert service.entries.count() == count


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_a_copy_elsewhere_adds_nothing(service: Service, shape: str, tmp_path: Path) -> None:
    service.imports.run("codex", roots(shape), now=NOW)
    count = service.entries.count()
    copy = tmp_path / "elsewhere"
    shutil.copytree(SHAPES / shape, copy)
    report = service.imports.run("codex", roots(copy), now=NOW)
    assert report.files_read > 0
    assert service.entries.count() == count
    assert ledger_totals(service) == EXPECTED[shape]


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_one_file_per_run_in_every_order(fresh_service: Callable[[], Service], shape: str) -> None:
    for order in itertools.permutations(files(shape)):
        service = fresh_service()
        assert service.entries.count() == 0
        for path in order:
            service.imports.run("codex", [path], now=NOW)
        assert ledger_totals(service) == EXPECTED[shape], [p.name for p in order]


def test_sub_agents_alone_count_only_their_own_usage() -> None:
    own = {
        "019d8b38-0e80-7071-85dc-1ac1a27df871": (30000, 40000, 2100),  # the parent
        "019d8b39-2054-7866-9c3a-98faec234345": (4000, 12000, 700),  # no turn id
        "019d8b39-2248-7e09-b790-a52eec4b7190": (5000, 14000, 650),  # the parent's turn id
        "019d8b39-24a0-7798-937d-e27b9a615c1a": (1000, 4000, 200),  # replay spills a second
    }
    for path in files("subagents"):
        (session,) = (s for s in own if s in path.name)
        records = CodexImporter().scan([path], {}).records
        got = tuple(
            sum(getattr(r.tokens, f) for r in records)
            for f in ("input_tokens", "cache_read_tokens", "output_tokens")
        )
        assert got == own[session], path.name


def test_project_is_the_files_own_working_folder(service: Service) -> None:
    service.imports.run("codex", roots("fork"), now=NOW)
    by_day = {
        (e.at.date().isoformat(), e.project)
        for e in service.entries.iter_entries()
        if e.tokens.output_tokens in (400, 300)
    }
    # the fork's own records carry its own folder, not the parent's (replayed) one
    assert by_day == {
        ("2026-03-09", "/home/dev/shop-export"),
        ("2026-03-10", "/home/dev/shop-export"),
    }
    assert {e.project for e in service.entries.iter_entries()} == {
        "/home/dev/shop",
        "/home/dev/shop-export",
    }


def test_damaged_lines_are_reported_with_their_numbers(service: Service) -> None:
    report = service.imports.run("codex", roots("fork") + roots("re_emits"), now=NOW)
    assert sorted((Path(p.path).name, p.line, p.message) for p in report.problems) == [
        (
            "rollout-2026-02-11T23-58-00-019c4f23-eb40-7468-9ef7-a5788059729a.jsonl",
            20,
            "not a JSON object (truncated or damaged line)",
        ),
        (
            "rollout-2026-03-09T22-40-00-019cd4c1-da00-7eee-865f-53e9421ce502.jsonl",
            13,
            "not a JSON object (truncated or damaged line)",
        ),
    ]


# --- official limits -------------------------------------------------------------------------


def limits(service: Service) -> dict[tuple[str, str], tuple[Decimal, datetime | None, datetime]]:
    return {
        (s.limit_id, s.window): (s.used_percent, s.resets_at, s.observed_at)
        for s in service.limits.latest("codex")
    }


def test_limits_are_the_newest_window_figures(service: Service) -> None:
    service.imports.run("codex", roots("rate_limits"), now=NOW)
    got = limits(service)
    # the newest is an `info: null` row of L1 at 08:10; L3's replay (08:20, old figures)
    # never counts, and its own row has no rate limits
    seen = datetime(2026, 7, 1, 8, 10, tzinfo=UTC)
    assert got["codex", "5h"] == (Decimal(15), datetime(2026, 7, 1, 11, tzinfo=UTC), seen)
    assert got["codex", "7d"] == (Decimal(41), datetime(2026, 7, 7, 11, tzinfo=UTC), seen)
    assert {s.plan_type for s in service.limits.latest("codex") if s.limit_id} == {"plus"}


def test_limits_with_relative_resets(service: Service) -> None:
    (old,) = (p for p in files("rate_limits") if "5f0c8a51" in p.name)
    service.imports.run("codex", [old], now=NOW)
    seen = datetime(2025, 9, 15, 10, 0, 30, tzinfo=UTC)
    assert limits(service) == {
        ("codex", "5h"): (Decimal(30), datetime(2025, 9, 15, 12, 0, 30, tzinfo=UTC), seen),
        ("codex", "7d"): (Decimal(55), datetime(2025, 9, 18, 22, 0, 30, tzinfo=UTC), seen),
    }


def test_a_replay_gives_no_limits(tmp_path: Path) -> None:
    (fork,) = (p for p in files("fork") if "019cd509" in p.name)
    lines = fork.read_bytes().splitlines(keepends=True)
    own_turn = next(i for i, line in enumerate(lines) if b"23:58:41" in line)
    cut = tmp_path / fork.name
    cut.write_bytes(b"".join(lines[:own_turn]))
    assert CodexImporter().scan([cut], {}).limits == []  # only the parent's old figures
    whole = CodexImporter().scan([fork], {}).limits
    assert {(s.window, s.used_percent) for s in whole} == {("5h", 42), ("7d", Decimal("10.5"))}


def test_an_incremental_run_returns_the_limits_of_the_new_part(tmp_path: Path) -> None:
    (source,) = (p for p in files("rate_limits") if "019f1cb1" in p.name)
    lines = source.read_bytes().splitlines(keepends=True)
    target = tmp_path / source.name
    target.write_bytes(b"".join(lines[:-1]))
    first = CodexImporter().scan([target], {})
    assert {s.used_percent for s in first.limits} == {Decimal(13), Decimal("40.5")}
    target.write_bytes(b"".join(lines))
    second = CodexImporter().scan([target], first.state)
    assert second.records == []
    assert {s.used_percent for s in second.limits} == {Decimal(15), Decimal(41)}
