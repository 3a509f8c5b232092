"""What the status line keeps between runs: pending limits and its last ledger parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tokenbudget.core.official_limits import from_claude_code, from_codex
from tokenbudget.core.statusline_state import add_pending, read_parts, take_pending, write_parts

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_pending_snapshots_round_trip_and_are_taken_once(tmp_path: Path) -> None:
    pending = tmp_path / "data" / "pending.jsonl"
    claude = from_claude_code(
        {"five_hour": {"used_percentage": 105.5, "resets_at": 1_800_000_000}}, NOW
    )
    codex = from_codex(
        {"limit_id": "codex", "plan_type": "pro", "primary": {"used_percent": 3}}, NOW
    )
    add_pending(pending, claude)
    with pending.open("a", encoding="utf-8") as handle:
        handle.write('{"source": "claude-code"}\nnot json\n')
    add_pending(pending, codex)
    add_pending(pending, [])
    assert take_pending(pending) == claude + codex
    assert claude[0].used_percent == Decimal("105.5")
    assert take_pending(pending) == []
    assert not pending.exists()


def test_kept_parts_last_while_nothing_changed(tmp_path: Path) -> None:
    cache, source = tmp_path / "cache" / "line.json", tmp_path / "ledger"
    source.write_bytes(b"one")
    parts = {"today": "today $1.00", "plan": "Claude Pro"}
    write_parts(cache, [source, tmp_path / "missing"], NOW, parts)
    assert read_parts(cache, [source, tmp_path / "missing"], NOW + timedelta(seconds=59)) == parts
    assert read_parts(cache, [source, tmp_path / "missing"], NOW + timedelta(seconds=61)) is None
    assert read_parts(cache, [source, tmp_path / "missing"], NOW - timedelta(seconds=1)) is None
    (tmp_path / "missing").write_text("now here")
    assert read_parts(cache, [source, tmp_path / "missing"], NOW) is None


def test_kept_parts_are_dropped_when_a_file_changes_or_the_day_ends(tmp_path: Path) -> None:
    cache, source = tmp_path / "line.json", tmp_path / "ledger"
    source.write_bytes(b"one")
    late = datetime.now().astimezone().replace(hour=23, minute=59, second=50, microsecond=0)
    write_parts(cache, [source], late, {"today": "x"})
    assert read_parts(cache, [source], late + timedelta(seconds=5)) == {"today": "x"}
    assert read_parts(cache, [source], late + timedelta(seconds=15)) is None  # the next day
    source.write_bytes(b"two!")
    assert read_parts(cache, [source], late) is None
    cache.write_text("{broken")
    assert read_parts(cache, [source], late) is None
