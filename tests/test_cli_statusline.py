"""``tokenbudget statusline``: Claude Code's status line, fed the JSON Claude Code sends."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tokenbudget import cli
from tokenbudget.core import paths

ROOT = Path(__file__).resolve().parents[1]
SEP = " │ "

# The shape Claude Code 2.1.9x hands its status-line command (see IMPORT_FORMATS.md 2.4).
BASE: dict[str, Any] = {
    "hook_event_name": "Status",
    "session_id": "3f2a9c1e-7a0b-4c1d-9e5f-0a1b2c3d4e5f",
    "transcript_path": "/home/u/.claude/projects/-home-u-app/3f2a.jsonl",
    "cwd": "/home/u/app",
    "model": {"id": "claude-opus-4-6", "display_name": "Opus 4.6"},
    "workspace": {"current_dir": "/home/u/app", "project_dir": "/home/u/app"},
    "version": "2.1.96",
    "output_style": {"name": "default"},
    "cost": {"total_cost_usd": 0.53, "total_duration_ms": 61000, "total_lines_added": 3},
    "context_window": {
        "total_input_tokens": 83010,
        "total_output_tokens": 7900,
        "context_window_size": 200000,
        "used_percentage": 42.4,
        "remaining_percentage": 57.6,
        "current_usage": {
            "input_tokens": 10,
            "output_tokens": 300,
            "cache_creation_input_tokens": 2000,
            "cache_read_input_tokens": 81000,
        },
    },
    "exceeds_200k_tokens": False,
}


def payload(**extra: Any) -> bytes:
    return json.dumps({**BASE, **extra}).encode()


def limits_in(hours: float = 3, days: float = 5, five: float = 23.5, week: float = 41.2) -> Any:
    now = time.time()
    return {
        "five_hour": {"used_percentage": five, "resets_at": int(now + hours * 3600)},
        "seven_day": {"used_percentage": week, "resets_at": int(now + days * 86400)},
    }


def run(stdin: bytes, *argv: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["statusline", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def line(stdin: bytes, *argv: str, monkeypatch: pytest.MonkeyPatch) -> str:
    code, out, err = run(stdin, *argv, monkeypatch=monkeypatch)
    assert code == 0
    assert err == ""
    assert out.endswith("\n") and out.count("\n") == 1
    return out.rstrip("\n")


def cli_out(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(list(argv), out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


def test_a_real_input_with_rate_limits_is_shown_and_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = line(payload(rate_limits=limits_in()), monkeypatch=monkeypatch)
    assert shown.split(SEP) == ["Opus 4.6", "ctx 42%", "today $0.00", "5h 24% · 7d 41%"]
    stored = json.loads(cli_out("limits", "--json"))
    assert [(s["source"], s["window"], s["used_percent"]) for s in stored] == [
        ("claude-code", "5h", "23.5"),
        ("claude-code", "7d", "41.2"),
    ]
    assert stored[0]["window_minutes"] == 300 and stored[1]["window_minutes"] == 10080
    assert stored[0]["resets_at"].endswith("Z") and stored[0]["observed_at"].endswith("Z")


def test_resets_as_iso_text_and_use_past_100_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    resets = (datetime.now(UTC) + timedelta(minutes=30)).replace(microsecond=0)
    rate = {
        "five_hour": {"used_percentage": 105, "resets_at": resets.isoformat()},
        "seven_day": {"used_percentage": 12, "resets_at": int(time.time()) + 6 * 86400},
    }
    shown = line(payload(rate_limits=rate), monkeypatch=monkeypatch)
    local = resets.astimezone().strftime("%H:%M")
    assert f"5h 105% (resets {local}) · 7d 12%" in shown
    stored = json.loads(cli_out("limits", "--json"))
    assert stored[0]["used_percent"] == "105"
    assert stored[0]["resets_at"] == resets.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_absent_rate_limits_are_unknown_not_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = line(payload(), monkeypatch=monkeypatch)
    assert shown == "Opus 4.6 │ ctx 42% │ today $0.00"
    assert json.loads(cli_out("limits", "--json")) == []


def test_without_rate_limits_the_last_fresh_official_figures_show(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line(payload(rate_limits=limits_in(five=10, week=20)), monkeypatch=monkeypatch)
    assert line(payload(), monkeypatch=monkeypatch).endswith("5h 10% · 7d 20%")


def test_context_from_counts_when_claude_gives_no_percentage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = dict(BASE["context_window"], used_percentage=None)
    assert "ctx 42%" in line(payload(context_window=window), monkeypatch=monkeypatch)


def test_todays_spend_in_the_display_currency_and_the_plans_most_used_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli_out(
        "plan", "add", "Claude Max", "--kind", "subscription", "--amount", "200",
        "--providers", "anthropic", "--windows", "5h:requests=10; 7d:requests=100",
    )  # fmt: skip
    for _ in range(3):
        cli_out(
            "log",
            "-m",
            "claude-x",
            "--provider",
            "anthropic",
            "-i",
            "10",
            "--cost",
            "0.5",
            "--currency",
            "USD",
        )
    yesterday = (datetime.now().astimezone() - timedelta(days=1, hours=1)).isoformat()
    cli_out(
        "log",
        "-m",
        "claude-x",
        "--provider",
        "anthropic",
        "--cost",
        "9",
        "--currency",
        "USD",
        "--at",
        yesterday,
    )
    cli_out("rates", "set", "CNY", "7")
    cli_out("currency", "CNY")
    parts = line(payload(), monkeypatch=monkeypatch).split(SEP)
    assert parts[2] == "today ≈¥10.50"
    assert parts[3] == "Claude Max 5h requests 30%"


def test_no_plan_for_anthropic_shows_no_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_out("plan", "add", "OpenAI", "--amount", "50", "--providers", "openai")
    assert "OpenAI" not in line(payload(), monkeypatch=monkeypatch)


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        (b"", "tokenbudget: no status input"),
        (b"  \n", "tokenbudget: no status input"),
        (b"{not json", "tokenbudget: status input is not JSON"),
        (bytes(range(256)) * 10, "tokenbudget: status input is not JSON"),
        (b"[1, 2]", "tokenbudget: status input is not a JSON object"),
        (b"[" * 100_000, "tokenbudget: status input is not JSON"),
    ],
)
def test_bad_input_prints_a_plain_line(
    stdin: bytes, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert line(stdin, monkeypatch=monkeypatch) == expected


def test_huge_input(monkeypatch: pytest.MonkeyPatch) -> None:
    big = payload(padding="x" * 3_000_000, rate_limits=limits_in())
    assert line(big, monkeypatch=monkeypatch).startswith("Opus 4.6 │ ctx 42%")
    too_big = payload(padding="x" * 9_000_000)
    assert line(too_big, monkeypatch=monkeypatch) == "tokenbudget: status input too large"


def test_odd_values_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    odd = payload(
        model={"display_name": "\x1b[31mEvil\x07"},
        context_window={"used_percentage": "lots"},
        rate_limits={"five_hour": {"used_percentage": -5}, "seven_day": "x"},
    )
    assert line(odd, monkeypatch=monkeypatch) == "[31mEvil │ today $0.00"
    assert json.loads(cli_out("limits", "--json")) == []


def test_a_broken_ledger_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = paths.ledger_file()
    ledger.parent.mkdir(parents=True, exist_ok=True)
    ledger.write_bytes(b"this is not a database" * 100)
    shown = line(payload(rate_limits=limits_in()), monkeypatch=monkeypatch)
    assert shown == "Opus 4.6 │ ctx 42% │ 5h 24% · 7d 41% │ ledger unavailable"
    assert ledger.read_bytes() == b"this is not a database" * 100


def test_then_runs_the_previous_command_with_the_same_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen.json"
    script = tmp_path / "previous.sh"
    script.write_text(f'#!/bin/sh\ncat > "{seen}"\necho\necho "main ⎇ 2 files"\necho second\n')
    script.chmod(0o755)
    data = payload()
    shown = line(data, "--then", f"{script} --flag", monkeypatch=monkeypatch)
    assert shown == "Opus 4.6 │ ctx 42% │ today $0.00 │ main ⎇ 2 files"
    assert seen.read_bytes() == data


def test_then_failing_or_slow_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert line(payload(), "--then", "exit 3", monkeypatch=monkeypatch).endswith("today $0.00")
    assert line(b"", "--then", "echo still", monkeypatch=monkeypatch) == (
        "tokenbudget: no status input │ still"
    )
    started = time.monotonic()
    shown = line(payload(), "--then", "sleep 10; echo late", monkeypatch=monkeypatch)
    assert time.monotonic() - started < 6
    assert "late" not in shown


def _process(stdin: bytes, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tokenbudget", "statusline", *argv],
        input=stdin,
        capture_output=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("stdin", [b"", b"\xff\xfe garbage", b'{"model": 5}', payload()])
def test_the_process_always_exits_0_without_a_traceback(stdin: bytes, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "HOME"}  # no HOME at all
    done = _process(stdin, env)
    assert done.returncode == 0
    assert done.stderr == b""
    assert done.stdout.count(b"\n") == 1 and done.stdout.strip()


def test_an_unusable_home_still_prints_a_line(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    done = _process(payload(), {**os.environ, "TOKENBUDGET_HOME": str(not_a_folder)})
    assert done.returncode == 0
    assert done.stdout.decode() == "Opus 4.6 │ ctx 42% │ ledger unavailable\n"


def test_the_status_line_loads_no_tokenizer_catalogue_file_keyring_or_qt(tmp_path: Path) -> None:
    code = (
        "import io, sys\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(sys.argv[1].encode()))\n"
        "from tokenbudget.app import main\n"
        "main(['statusline'])\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'keyring', 'tiktoken',"
        " 'tokenizers') or m in ('tokenbudget.core.tokenizers', 'tokenbudget.core.catalog_files',"
        " 'tokenbudget.cli.parser', 'tokenbudget.core.services.counting')]\n"
        "print(bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, payload(rate_limits=limits_in()).decode()],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert done.stdout.decode().splitlines()[-1] == "[]", done.stderr


def test_the_full_parser_runs_it_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload())))
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["--no-recover", "statusline"], out=out, err=err) == 0
    assert out.getvalue() == "Opus 4.6 │ ctx 42% │ today $0.00\n"
    assert "statusline" in cli.build_parser().format_help()


_MODULES = (
    "import io, sys\n"
    "sys.stdin = io.TextIOWrapper(io.BytesIO(sys.argv[1].encode()))\n"
    "from tokenbudget.app import main\n"
    "main(['statusline'])\n"
    "print('tokenbudget.core.ledger' in sys.modules)\n"
    "print(sorted({'dataclasses', 'tokenbudget.core.official_limits'} & set(sys.modules)))\n"
)


def test_a_second_run_reuses_the_ledger_parts_and_leaves_its_limits_for_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli_out("plan", "add", "Claude Pro", "--kind", "subscription", "--amount", "20")

    def fresh_process(data: bytes) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", _MODULES, data.decode()],
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.decode().splitlines()

    first = fresh_process(payload(rate_limits=limits_in(five=10)))
    # The subscription's headline is its most-used cap: here the official weekly figure.
    plan = "Claude Pro 7d official 41%"
    assert first[:2] == [f"Opus 4.6 │ ctx 42% │ today $0.00 │ 5h 10% · 7d 41% │ {plan}", "True"]
    second = fresh_process(payload(rate_limits=limits_in(five=11)))
    assert second == [
        f"Opus 4.6 │ ctx 42% │ today $0.00 │ 5h 11% · 7d 41% │ {plan}",
        "False",
        "[]",  # nor any dataclass module
    ]
    # The ledger takes the left figures as soon as limits are read: by the plans too.
    (status,) = json.loads(cli_out("status", "--json"))
    assert [w["used_percent"] for w in status["official_limits"]] == ["11", "41.2"]
    stored = json.loads(cli_out("limits", "--json"))
    assert [s["used_percent"] for s in stored] == ["11", "41.2"]
    # Anything written to the ledger shows at once.
    cli_out("log", "-m", "claude-x", "--provider", "anthropic", "--cost", "1", "--currency", "USD")
    assert "today $1.00" in line(payload(), monkeypatch=monkeypatch)


def test_an_unknown_option_still_prints_a_line_and_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(payload(), "--colour", monkeypatch=monkeypatch)
    assert (code, out) == (
        0,
        "tokenbudget: unknown statusline option (see tokenbudget statusline -h)\n",
    )
    code, out, _ = run(b"", "--install", "--bogus", monkeypatch=monkeypatch)
    assert (code, out) == (2, "")


def test_after_a_ledger_change_the_plan_part_follows_the_plans_and_official_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli_out("plan", "add", "Claude Pro", "--kind", "subscription", "--amount", "20")
    first = line(payload(rate_limits=limits_in(week=41)), monkeypatch=monkeypatch)
    assert first.endswith("│ Claude Pro 7d official 41%")

    def log() -> None:  # a change to the ledger, as live sync makes after each response
        cli_out("log", "-m", "claude-x", "--provider", "anthropic", "-i", "5")

    log()
    shown = line(payload(rate_limits=limits_in(week=55)), monkeypatch=monkeypatch)
    assert shown.endswith("│ 5h 24% · 7d 55% │ Claude Pro 7d official 55%")
    cli_out("plan", "add", "Claude Max", "--kind", "subscription", "--amount", "200")
    cli_out("plan", "remove", "Claude Pro")
    assert line(payload(), monkeypatch=monkeypatch).endswith("│ Claude Max 7d official 55%")


_COLD = (
    "import io, sys\n"
    "sys.stdin = io.TextIOWrapper(io.BytesIO(sys.argv[1].encode()))\n"
    "from tokenbudget.app import main\n"
    "main(['statusline'])\n"
    "heavy = ('tokenbudget.core.ledger.store', 'tokenbudget.core.ledger.reports',"
    " 'tokenbudget.core.ledger.filters', 'tokenbudget.core.history_filter',"
    " 'tokenbudget.core.services._parts', 'tokenbudget.core.plans', 'tokenbudget.core.budget')\n"
    "print([m for m in heavy if m in sys.modules])\n"
)


def test_a_run_after_a_ledger_change_loads_no_ledger_store_or_plans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli_out("plan", "add", "Claude Pro", "--kind", "subscription", "--amount", "20")
    line(payload(rate_limits=limits_in()), monkeypatch=monkeypatch)  # keeps the plan part
    first_seen = json.loads(cli_out("limits", "--json"))[0]["observed_at"]
    time.sleep(1.1)  # observed_at is shown to the second
    cli_out("log", "-m", "claude-x", "--provider", "anthropic", "--cost", "2", "--currency", "USD")
    done = subprocess.run(
        [sys.executable, "-c", _COLD, payload(rate_limits=limits_in(five=12, week=45)).decode()],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # New official figures need no plan status: they are added to the kept plan part.
    plan = "Claude Pro 7d official 45%"
    assert done.stdout.decode().splitlines() == [
        f"Opus 4.6 │ ctx 42% │ today $2.00 │ 5h 12% · 7d 45% │ {plan}",
        "[]",
    ]
    stored = json.loads(cli_out("limits", "--json"))
    assert stored[0]["observed_at"] > first_seen  # the input's snapshots were stored


_PLANS = {
    "anthropic subscription": [
        "Claude Max", "--kind", "subscription", "--amount", "200", "--providers", "anthropic",
        "--windows", "5h:requests=4; 7d:requests=100",
    ],
    "subscription of every provider": [
        "All", "--kind", "subscription", "--amount", "20", "--windows", "5h:requests=3",
    ],
    "subscription without caps": [
        "Claude Pro", "--kind", "subscription", "--amount", "20", "--providers", "anthropic",
    ],
    "budget": ["Budget", "--amount", "1", "--providers", "anthropic"],
    "no plan for anthropic": ["OpenAI", "--amount", "1", "--providers", "openai"],
}  # fmt: skip


@pytest.mark.parametrize("plan", sorted(_PLANS))
def test_the_kept_plan_with_new_official_figures_equals_the_full_headline(plan: str) -> None:
    from tokenbudget.cli import statusline
    from tokenbudget.core.official_limits import from_claude_code, from_codex
    from tokenbudget.core.services import LimitsService, Service

    cli_out("plan", "add", *_PLANS[plan])
    for _ in range(2):
        cli_out(
            "log", "-m", "claude-x", "--provider", "anthropic", "--cost", ".4", "--currency", "USD"
        )
    now = datetime.now(UTC)
    soon, past = int(now.timestamp()) + 3600, int(now.timestamp()) - 60
    seen = now - timedelta(hours=10)
    service = Service()
    try:
        base = json.loads(json.dumps(statusline._plan_base(statusline._best(service, now))))
        found = []
        official: list[Any] = [
            {"five_hour": {"used_percentage": 2, "resets_at": soon}},  # ties our 7d cap
            {"five_hour": {"used_percentage": 49.99}, "seven_day": {"used_percentage": 41}},
            {"five_hour": {"used_percentage": 99, "resets_at": past}},  # stale: reset since
            {"seven_day": {"used_percentage": 0.5, "resets_at": soon}},
            {"five_hour": {"used_percentage": 41}, "seven_day": {"used_percentage": 41}},
            {"five_hour": {"used_percentage": 0.5}, "seven_day": {"used_percentage": 0.5}},
        ]
        codex: list[Any] = [  # of two families, Codex's own shows even when older
            {"limit_id": "codex", "primary": {"used_percent": 70, "window_minutes": 300}},
            {"limit_id": "other", "primary": {"used_percent": 90, "window_minutes": 300}},
            {"limit_id": "codex", "secondary": {"used_percent": 99, "window_minutes": 10080}},
        ]
        for i, rate in enumerate(official + codex):
            at = seen + timedelta(minutes=i)
            snaps = from_claude_code(rate, at) if i < len(official) else from_codex(rate, at)
            service.limits.record(snaps)
            full = statusline._plan_text(statusline._best(service, now))
            assert LimitsService.plan_line(base, service.limits.latest(), now) == full
            found.append(full)
    finally:
        service.close()
    assert len(set(found)) > 1 or "caps" not in base  # the figures did move the line


def test_a_busy_ledger_leaves_the_inputs_limits_pending_and_still_shows_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    from tokenbudget.core.ledger import quick

    cli_out("plan", "add", "Claude Pro", "--kind", "subscription", "--amount", "20")
    line(payload(rate_limits=limits_in(week=30)), monkeypatch=monkeypatch)
    cli_out("log", "-m", "claude-x", "--provider", "anthropic", "-i", "5")  # a ledger change
    monkeypatch.setattr(quick, "_BUSY_MS", 50)
    writer = sqlite3.connect(paths.ledger_file(), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an import writing at the same moment
    try:
        shown = line(payload(rate_limits=limits_in(week=52)), monkeypatch=monkeypatch)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert shown.endswith("│ 5h 24% · 7d 52% │ Claude Pro 7d official 52%")
    assert (paths.data_dir() / "limits-pending.jsonl").stat().st_size > 0
    stored = json.loads(cli_out("limits", "--json"))  # taken from pending now
    assert [s["used_percent"] for s in stored] == ["23.5", "52"]
