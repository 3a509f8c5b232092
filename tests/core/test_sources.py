"""The coding tools, found or not: ``service.imports.sources``, ``run_all`` and the switch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.sources_support import fake_home
from tokenbudget.core.importers import IMPORTERS
from tokenbudget.core.importers.base import ImportResult
from tokenbudget.core.services import Service
from tokenbudget.core.settings import LIVE_SYNC_OFF
from tokenbudget.core.sources import describe, source_json

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


class FakeImporter:
    """An importer no tool has yet: it must appear without any change elsewhere."""

    name = "fake-tool"
    per_session = True

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        base = env.get("FAKE_TOOL_HOME") or str(home / ".fake")
        return [Path(base) / "logs", Path(base) / "old"]

    def reads(self, path: Path) -> bool:
        return path.suffix == ".log"

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Any = None
    ) -> ImportResult:
        return ImportResult([], [], {})


def test_every_importer_but_csv_is_a_source_with_its_env_override(tmp_path: Path) -> None:
    custom = tmp_path / "elsewhere"
    (custom / "logs").mkdir(parents=True)
    found = describe(
        [*IMPORTERS, FakeImporter()],
        {"FAKE_TOOL_HOME": str(custom)},
        tmp_path / "home",
        runs={},
        totals={},
        live_sync_off={"codex"},
    )
    names = [s.name for s in found]
    assert names == [i.name for i in IMPORTERS if i.name != "csv"] + ["fake-tool"]
    fake = found[-1]
    assert fake.label == "fake-tool"  # no label of ours: its name
    assert fake.roots == (custom / "logs", custom / "old")
    assert fake.found == (custom / "logs",)
    assert fake.is_found and fake.per_session
    claude = found[0]
    assert claude.label == "Claude Code" and not claude.is_found and not claude.per_session
    assert [s.live_sync for s in found[:2]] == [True, False]
    assert claude.last_import is None and claude.entries == 0


def test_sources_after_importing_a_fake_home(
    service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = fake_home(monkeypatch, tmp_path / "home", "claude", "codex")
    before = {s.name: s for s in service.imports.sources()}
    assert before["claude-code"].found == (home / ".claude" / "projects",)
    assert not before["gemini-cli"].is_found

    done = dict(service.imports.run_all(now=NOW))
    assert done["gemini-cli"] is None
    claude_report, codex_report = done["claude-code"], done["codex"]
    assert claude_report is not None and codex_report is not None
    after = {s.name: s for s in service.imports.sources()}

    claude = after["claude-code"]
    assert claude.last_import == NOW
    assert claude.last_records == claude_report.records > 0
    assert claude.files_read == claude_report.files_read
    assert claude.problem_count == len(claude_report.problems)
    assert claude.problems == claude_report.problems[:100]
    history = [e for e in service.entries.iter_entries() if e.source == "claude-code"]
    assert claude.entries == len(history)
    assert claude.tokens == sum(e.tokens.total_tokens for e in history)
    assert claude.unpriced == sum(e.cost_micros is None for e in history)
    assert after["gemini-cli"].last_import is None

    # A second run adds nothing and says so (its problems are those of what it read: none).
    again = dict(service.imports.run_all(now=NOW))
    report = again["claude-code"]
    assert report is not None and report.records == 0
    assert {s.name: s for s in service.imports.sources()}["claude-code"].entries == claude.entries


def test_the_skipped_lines_of_the_last_import_are_kept(
    service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = fake_home(monkeypatch, tmp_path / "home")
    log = home / ".claude" / "projects" / "-home-dev" / "s.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text('{"type": "assistant"\nnot json\n')
    service.imports.run("claude-code", now=NOW)
    claude = service.imports.sources()[0]
    assert claude.problem_count == 2
    assert [(p.path, p.line) for p in claude.problems] == [(str(log), 1), (str(log), 2)]
    data = source_json(claude)
    assert data["problems"][0]["line"] == 1
    assert data["found"] is True and data["last_import"] == NOW.isoformat()


def test_cost_per_currency_and_unpriced_entries_are_apart(
    service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_home(monkeypatch, tmp_path / "home", "codex")
    service.imports.run("codex", now=NOW)
    codex = {s.name: s for s in service.imports.sources()}["codex"]
    history = [e for e in service.entries.iter_entries() if e.source == "codex"]
    priced = [e for e in history if e.cost_micros is not None]
    assert codex.unpriced == len(history) - len(priced)
    if priced:
        assert set(codex.cost) == {e.currency for e in priced}
    else:
        assert codex.cost == {}
    assert source_json(codex)["unpriced_entries"] == codex.unpriced


def test_live_sync_switch_is_saved_and_leaves_the_tool_unwatched(
    service: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_home(monkeypatch, tmp_path / "home", "claude", "codex")
    assert {r.importer for r in service.imports.watch_roots()} == {"claude-code", "codex"}
    roots = service.imports.watch_roots()
    service.imports.set_live_sync("codex", False)
    assert service.settings.value(LIVE_SYNC_OFF) == ["codex"]
    assert {r.importer for r in service.imports.watch_roots()} == {"claude-code"}
    assert not {s.name: s for s in service.imports.sources()}["codex"].live_sync
    # roots handed over before the switch are not imported either
    report = service.imports.sync([r.path for r in roots], roots, now=NOW)
    assert {e.source for e in service.entries.iter_entries()} == {"claude-code"}
    assert report.records > 0
    service.imports.set_live_sync("codex", True)
    assert service.settings.value(LIVE_SYNC_OFF) == []
    reloaded = Service()
    try:
        assert reloaded.settings.value(LIVE_SYNC_OFF) == []
    finally:
        reloaded.close()


def test_switching_an_unknown_tool_is_refused(service: Service) -> None:
    from tokenbudget.core.errors import UserInputError

    with pytest.raises(UserInputError, match="known: claude-code"):
        service.imports.set_live_sync("nope", False)
