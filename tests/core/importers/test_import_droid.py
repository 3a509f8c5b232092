"""Factory Droid: one entry per session total (settings.json), replaced as the session grows."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from db_support import per_day, per_model
from importer_support import FIXTURES, totals

from tokenbudget.core.entries import Entry, TokenCounts
from tokenbudget.core.importers import get_importer
from tokenbudget.core.importers.droid import NOTE, DroidImporter
from tokenbudget.core.services import Service

OPUS = "9b1e6f0a-3c2d-4e5f-8a7b-1c2d3e4f5a6b"
CODEX = "2c4d6e8f-0a1b-4c3d-9e5f-7a8b9c0d1e2f"
GLM = "6f1b3d5e-7a9c-4b1d-8e2f-4a6c8e0b2d4f"
NOW = datetime(2026, 3, 10, tzinfo=UTC)
# Each file's last update (its mtime), set by the fixture.
UPDATED = {
    OPUS: datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    CODEX: datetime(2026, 3, 3, 15, 30, tzinfo=UTC),
    GLM: datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
}

# Worked out by hand from the fixture files: output = outputTokens + thinkingTokens.
MODELS = {
    "custom:Claude-Opus-4.5-Thinking-[Anthropic]-0": (5000, 40000, 3000, 0, 2000),
    "gpt-5-codex": (20000, 60000, 0, 0, 3000),
    "glm-4.6": (1000, 0, 0, 0, 100),
}
DAYS = {"2026-03-02": (5000, 40000, 3000, 0, 2000), "2026-03-03": (21000, 60000, 0, 0, 3100)}
ALL = (26000, 100000, 3000, 0, 5100)
GROWN = (27000, 112000, 3000, 0, 5500)


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    """A copy of ``~/.factory/sessions`` with each session's last update as its mtime."""
    root = tmp_path / "sessions"
    shutil.copytree(FIXTURES / "droid" / "sessions", root)
    for path in root.rglob("*.json"):
        at = UPDATED.get(path.name.removesuffix(".settings.json"), NOW)
        os.utime(path, (at.timestamp(), at.timestamp()))
    return root


def settings(root: Path, session: str) -> Path:
    return next(root.rglob(f"{session}.settings.json"))


def grow(root: Path) -> None:
    """Droid rewrites the settings file with the session's new running total."""
    path = settings(root, OPUS)
    data = json.loads(path.read_text())
    data["tokenUsage"] = {
        "inputTokens": 6000,
        "outputTokens": 1500,
        "cacheCreationTokens": 3000,
        "cacheReadTokens": 52000,
        "thinkingTokens": 900,
    }
    path.write_text(json.dumps(data, indent=2))
    at = datetime(2026, 3, 4, 8, 0, tzinfo=UTC).timestamp()
    os.utime(path, (at, at))


def stored(service: Service) -> list[Entry]:
    return list(service.entries.iter_entries())


def test_totals_per_model_and_day_are_exact(sessions: Path) -> None:
    result = DroidImporter().scan([sessions], {})
    assert per_model(result.records) == MODELS
    assert per_day(result.records) == DAYS
    assert totals(result.records) == ALL
    by_id = {r.source_ref: r for r in result.records}
    assert set(by_id) == {OPUS, CODEX, GLM}  # the new session without usage adds nothing
    assert by_id[OPUS].tokens == TokenCounts(
        input_tokens=5000, cache_read_tokens=40000, cache_write_5m_tokens=3000, output_tokens=2000
    )
    assert {k: r.provider for k, r in by_id.items()} == {
        OPUS: "anthropic",
        CODEX: "openai",
        GLM: "zai",
    }
    assert {k: r.at for k, r in by_id.items()} == UPDATED
    assert all(r.note == NOTE and r.requests == 1 for r in result.records)
    assert result.files_read == 6  # the settings files; the .jsonl transcript is not read


def test_damaged_files_are_problems_and_the_rest_counts(sessions: Path) -> None:
    problems = DroidImporter().scan([sessions], {}).problems
    found = sorted((Path(p.path).name[:8], p.line, p.message) for p in problems)
    assert found == [
        ("0d9c8b7a", 5, "not valid JSON: the text ends early (truncated?)"),
        ("5e2a4c6e", None, "'inputTokens' is not a whole number: 'lots'"),
    ]


def test_a_grown_session_replaces_its_entry(service: Service, sessions: Path) -> None:
    service.imports.run(DroidImporter(), [sessions], now=NOW)
    grow(sessions)
    report = service.imports.run(DroidImporter(), [sessions], now=NOW)
    assert report.files_read == 1  # only the rewritten file
    entries = stored(service)
    assert totals(entries) == GROWN
    (opus,) = [e for e in entries if e.source_ref == OPUS]
    assert opus.at == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    assert len(entries) == 3


def test_twice_in_any_order_and_a_full_rescan_give_the_same(
    service: Service, sessions: Path
) -> None:
    service.imports.run(DroidImporter(), [sessions], now=NOW)
    assert service.imports.run(DroidImporter(), [sessions], now=NOW).records == 0
    assert totals(stored(service)) == ALL
    grow(sessions)
    service.imports.run(DroidImporter(), [sessions], now=NOW, rescan=True)
    assert totals(stored(service)) == GROWN
    # one file per run, newest first: the same
    files = sorted(sessions.rglob("*.settings.json"), reverse=True)
    merged = {r.source_ref: r for p in files for r in DroidImporter().scan([p], {}).records}
    assert totals(merged.values()) == GROWN


def test_default_roots_and_what_it_reads(tmp_path: Path) -> None:
    importer = get_importer("droid")
    assert importer.per_session is True
    assert importer.default_roots({}, tmp_path) == [tmp_path / ".factory" / "sessions"]
    assert importer.default_roots({"DROID_SESSIONS_DIR": "~/droid"}, tmp_path) == [
        tmp_path / "droid"
    ]
    assert importer.reads(tmp_path / "x" / f"{OPUS}.settings.json")
    assert not importer.reads(tmp_path / "x" / f"{OPUS}.jsonl")
    assert not importer.reads(tmp_path / ".settings.json")
