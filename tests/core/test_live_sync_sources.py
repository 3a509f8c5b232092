"""Live sync covers every tool: each one's new usage is imported from the file that changed.

A home holding all nine tools' logs (``tests.sources_support``) is caught up at start, then
each tool writes one more request the way it does (a JSONL line appended, a settings file
written, a database row inserted or updated) and only that file is handed to ``sync``, as the
watcher would.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.sources_support import every_tool
from tokenbudget.core.live_sync import sync_all, watch_targets
from tokenbudget.core.services import Service

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def _append(path: Path, row: dict[str, object]) -> Path:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
    return path


def _sql(path: Path, script: str) -> Path:
    connection = sqlite3.connect(path)
    try:
        connection.executescript(script)
        connection.commit()
    finally:
        connection.close()
    return path


def qwen(home: Path) -> Path:
    chats = home / ".qwen" / "projects" / "-home-dev-shop" / "chats"
    return _append(
        next(chats.glob("*-000000000002.jsonl")),
        {
            "uuid": "u-live-1",
            "parentUuid": "u-b1",
            "sessionId": "5f0c1a2b-2222-4a2b-8c3d-000000000002",
            "timestamp": "2026-12-04T11:00:00.000Z",
            "type": "assistant",
            "cwd": "/home/dev/shop",
            "message": {"role": "model", "parts": [{"text": "ok"}]},
            "model": "qwen3-coder-plus",
            "usageMetadata": {
                "promptTokenCount": 1000,
                "candidatesTokenCount": 100,
                "totalTokenCount": 1100,
            },
        },
    )


def kimi(home: Path) -> Path:
    wire = next((home / ".kimi" / "sessions").glob("*/*-000000000002/wire.jsonl"))
    usage = {"input_other": 1000, "output": 100, "input_cache_read": 0, "input_cache_creation": 0}
    payload = {"context_usage": 0.2, "token_usage": usage, "message_id": "chatcmpl-live"}
    return _append(
        wire, {"timestamp": 1796382000.0, "message": {"type": "StatusUpdate", "payload": payload}}
    )


def copilot(home: Path) -> Path:
    events = home / ".copilot" / "session-state" / "5b2e9c41-7d3a-4f10-9b6e-2c8d1a0f3e71"
    usage = {"inputTokens": 1000, "outputTokens": 100, "cacheReadTokens": 0, "cacheWriteTokens": 0}
    return _append(
        events / "events.jsonl",
        {
            "type": "session.shutdown",
            "data": {
                "shutdownType": "routine",
                "modelMetrics": {"gpt-5": {"requests": {"count": 1}, "usage": usage}},
            },
            "id": "c0a1e5f2-0099-4c3b-9e7d-1a2b3c4d5e01",
            "timestamp": "2026-12-04T11:00:00.000Z",
            "parentId": None,
        },
    )


def droid(home: Path) -> Path:
    path = home / ".factory" / "sessions" / "-home-dev-shop" / "7f7f7f7f-live.settings.json"
    usage = {"inputTokens": 1000, "outputTokens": 100, "cacheCreationTokens": 0}
    settings = {
        "model": "claude-sonnet-4-5-20250929",
        "providerLockTimestamp": "2026-12-04T11:00:00.000Z",
        "tokenUsage": {**usage, "cacheReadTokens": 0, "thinkingTokens": 0},
    }
    path.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return path


def goose(home: Path) -> Path:
    return _sql(
        home / ".local" / "share" / "goose" / "sessions" / "sessions.db",
        "UPDATE sessions SET accumulated_input_tokens = accumulated_input_tokens + 1000,"
        " accumulated_output_tokens = accumulated_output_tokens + 100,"
        " accumulated_total_tokens = accumulated_total_tokens + 1100,"
        " updated_at = '2026-12-04 11:00:00.000001+00:00' WHERE id = '20260302_1';",
    )


def opencode(home: Path) -> Path:
    return _sql(
        home / ".local" / "share" / "opencode" / "opencode.db",
        "INSERT INTO part VALUES ('prt_live', 'msg_c0a1e2f3a003', 'ses_3f1a9c2e7ffe', "
        '1796382000000, 1796382000000, \'{"reason":"stop","type":"step-finish",'
        '"tokens":{"total":1100,"input":1000,"output":100,"reasoning":0,'
        '"cache":{"read":0,"write":0}},"cost":0}\');'
        "UPDATE message SET time_updated = 1796382000000 WHERE id = 'msg_c0a1e2f3a003';",
    )


GROWTH: dict[str, Callable[[Path], Path]] = {
    "qwen-code": qwen,
    "kimi-cli": kimi,
    "copilot-cli": copilot,
    "droid": droid,
    "goose": goose,
    "opencode": opencode,
}


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return every_tool(monkeypatch, tmp_path / "home")


def tokens(service: Service) -> dict[str, int]:
    return {info.name: info.tokens for info in service.imports.sources()}


def test_every_tool_has_a_watched_root_and_recent_files_watched(home: Path) -> None:
    roots = Service().imports.watch_roots()
    assert {root.importer for root in roots} == {
        "claude-code",
        "codex",
        "gemini-cli",
        *GROWTH,
    }
    _dirs, files = watch_targets(roots, datetime.now(UTC))  # the fixtures were just written
    watched = {root.importer for root in roots for f in files if root.path in f.parents}
    assert watched == {root.importer for root in roots}


def test_catching_up_at_start_equals_importing_each_tool(home: Path) -> None:
    service = Service()
    report = sync_all(service, service.imports.watch_roots(), now=NOW)
    assert not report.errors
    caught_up = tokens(service)
    for name in caught_up:
        assert service.imports.run(name, now=NOW).records == 0, name  # nothing left behind
    assert tokens(service) == caught_up
    assert all(caught_up.values())


@pytest.mark.parametrize("tool", sorted(GROWTH))
def test_a_new_request_is_synced_from_the_file_that_changed(home: Path, tool: str) -> None:
    service = Service()
    roots = service.imports.watch_roots()
    sync_all(service, roots, now=NOW)
    before = tokens(service)
    changed = GROWTH[tool](home)
    os.utime(changed)
    report = service.imports.sync([changed], roots, now=NOW)
    assert not report.errors
    after = tokens(service)
    assert after[tool] - before[tool] == 1100
    assert {n: t for n, t in after.items() if n != tool} == {
        n: t for n, t in before.items() if n != tool
    }
    again = service.imports.sync([changed], roots, now=NOW)  # the watcher fires twice
    assert again.records == 0 and tokens(service) == after


@pytest.mark.parametrize("tool", sorted(GROWTH))
def test_a_tool_switched_off_is_not_synced(home: Path, tool: str) -> None:
    service = Service()
    roots = service.imports.watch_roots()
    sync_all(service, roots, now=NOW)
    before = tokens(service)
    service.imports.set_live_sync(tool, False)
    assert tool not in {root.importer for root in service.imports.watch_roots()}
    changed = GROWTH[tool](home)
    service.imports.sync([changed], roots, now=NOW)
    assert tokens(service) == before
