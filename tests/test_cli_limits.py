"""``tokenbudget limits``: the newest official snapshot per source and window."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from tokenbudget import cli
from tokenbudget.core.official_limits import from_claude_code, from_codex
from tokenbudget.core.services import Service


def run(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(list(argv), out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


def _store() -> datetime:
    """Store snapshots seen shortly before now; returns that now (whole seconds)."""
    NOW = datetime.now(UTC).replace(microsecond=0)  # noqa: N806
    codex = {
        "limit_id": "codex",
        "plan_type": "Plus",
        "primary": {
            "used_percent": 12.5,
            "window_minutes": 300,
            "resets_at": NOW.timestamp() + 600,
        },
        "secondary": {
            "used_percent": 40,
            "window_minutes": 10080,
            "resets_at": (NOW - timedelta(hours=1)).timestamp(),  # reset since it was seen
        },
    }
    claude = {"five_hour": {"used_percentage": 105, "resets_at": NOW.timestamp() + 3600}}
    service = Service()
    try:
        service.limits.record(from_codex(codex, NOW - timedelta(hours=2)))
        service.limits.record(from_claude_code(claude, NOW - timedelta(minutes=3)))
        # An older figure of the same window never wins over the newer one.
        service.limits.record(
            from_claude_code({"five_hour": {"used_percentage": 1}}, NOW - timedelta(hours=5))
        )
    finally:
        service.close()
    return NOW


def test_nothing_seen_yet() -> None:
    assert run("limits") == (
        "No official limits seen yet: they come from Codex logs (tokenbudget import) and "
        "Claude Code's status line (tokenbudget statusline --install).\n"
    )
    assert json.loads(run("limits", "--json")) == []


def test_json_is_the_newest_snapshot_per_source_and_window() -> None:
    NOW = _store()  # noqa: N806
    found = json.loads(run("limits", "--json"))
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    assert found == [
        {
            "source": "claude-code",
            "window": "5h",
            "window_minutes": 300,
            "used_percent": "105",
            "resets_at": (NOW + timedelta(hours=1)).strftime(stamp),
            "observed_at": (NOW - timedelta(minutes=3)).strftime(stamp),
        },
        {
            "source": "codex",
            "window": "5h",
            "window_minutes": 300,
            "used_percent": "12.5",
            "resets_at": (NOW + timedelta(minutes=10)).strftime(stamp),
            "observed_at": (NOW - timedelta(hours=2)).strftime(stamp),
            "plan_type": "plus",
            "limit_id": "codex",
        },
        {
            "source": "codex",
            "window": "7d",
            "window_minutes": 10080,
            "used_percent": "40",
            "resets_at": (NOW - timedelta(hours=1)).strftime(stamp),
            "observed_at": (NOW - timedelta(hours=2)).strftime(stamp),
            "plan_type": "plus",
            "limit_id": "codex",
        },
    ]


def test_table_says_when_seen_and_what_is_stale() -> None:
    NOW = _store()  # noqa: N806
    lines = run("limits").splitlines()
    assert lines[0].split() == ["source", "window", "used", "resets", "at", "seen", "plan", "note"]
    claude, codex_5h, codex_7d = lines[2:]
    local = (NOW + timedelta(hours=1)).astimezone().strftime("%Y-%m-%d %H:%M")
    assert claude.split("  ")[0] == "claude-code"
    assert "105 %" in claude and local in claude and "3 min ago" in claude
    assert "stale" not in claude
    assert "codex (codex)" in codex_5h and "12.5 %" in codex_5h and "2 h ago" in codex_5h
    assert "plus" in codex_5h and "stale" not in codex_5h
    assert codex_7d.endswith("stale: window reset since")
