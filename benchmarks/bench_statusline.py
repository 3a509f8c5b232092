"""How long ``tokenbudget statusline`` takes, as Claude Code runs it (a whole new process).

Seeds a ledger with ``--entries`` entries (default 50,000, over the last 30 days), then runs
the status line ``--runs`` times (default 50) with Claude Code-shaped input on stdin, through
the installed console script and through ``python -m tokenbudget``, and prints the median and
p95 wall time of each:

* ``bare``: no stored limits and no plans, input without ``rate_limits``;
* ``full``: input with ``rate_limits`` (stored on every run) and two plans, one a
  subscription covering Anthropic with rolling caps;

each warm (as Claude Code runs it: the ledger parts of the line an earlier run kept are
reused) and ``cold`` (what was kept is deleted before each run, so every run opens the ledger,
as after any change to it, such as live sync importing each response, and once a minute);
``full`` also ``cold+plan`` (the kept plan part is deleted too, so the plans' status is
computed in full, as when the plans or the official figures changed, or every 30 s).

First compiles the package's bytecode (``compileall``), as an installed wheel has it: this
machine sets ``PYTHONDONTWRITEBYTECODE``, so imports would otherwise compile on every run.

Prints figures; asserts nothing. Run: ``python benchmarks/bench_statusline.py [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seeding import add_timed, report_seeded, use_home

_BARE = {
    "session_id": "bench",
    "transcript_path": "/tmp/none.jsonl",
    "cwd": "/tmp",
    "model": {"id": "claude-opus-4-6", "display_name": "Opus 4.6"},
    "workspace": {"current_dir": "/tmp", "project_dir": "/tmp"},
    "version": "2.1.90",
    "cost": {"total_cost_usd": 1.23, "total_duration_ms": 60000},
    "context_window": {
        "total_input_tokens": 80000,
        "total_output_tokens": 4000,
        "context_window_size": 200000,
        "used_percentage": 41.5,
        "remaining_percentage": 58.5,
        "current_usage": {
            "input_tokens": 10,
            "output_tokens": 300,
            "cache_creation_input_tokens": 2000,
            "cache_read_input_tokens": 81000,
        },
    },
}


def _seed(count: int) -> None:
    from tokenbudget.core.entries import NewEntry, TokenCounts
    from tokenbudget.core.ledger import Ledger
    from tokenbudget.core.paths import ledger_file

    ledger = Ledger.open(ledger_file())
    now = datetime.now(UTC)
    models = [("anthropic", "claude-opus-4-6"), ("openai", "gpt-5"), ("anthropic", "claude-x")]

    def entries():  # type: ignore[no-untyped-def]
        for i in range(count):
            provider, model = models[i % 3]
            yield NewEntry(
                at=now - timedelta(seconds=i * 30 * 86400 // count),
                provider=provider,
                model=model,
                tokens=TokenCounts(
                    input_tokens=1000 + i % 500, output_tokens=200, cache_read_tokens=5000
                ),
                cost_micros=12_345 + i % 1000,
                currency="USD",
                source="claude-code" if provider == "anthropic" else "codex",
                source_ref=f"bench-{i}",
            )

    seconds = add_timed(ledger, entries())
    ledger.close()
    report_seeded(count, seconds, ledger_file())


def _time(
    cmd: list[str], payload: bytes, runs: int, cold: tuple[Path, ...] = ()
) -> tuple[float, float, str]:
    times = []
    line = ""
    for _ in range(runs):
        for kept in cold:  # drop what the last run kept: every run opens the ledger
            kept.unlink(missing_ok=True)
        start = time.perf_counter()
        done = subprocess.run(cmd, input=payload, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
        line = done.stdout.decode("utf-8", "replace").strip()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, line


def main() -> None:
    """Seed, then time both ways of starting the status line, bare and full."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="reuse (or keep) the seeded home here")
    args = parser.parse_args()
    import tokenbudget

    compileall.compile_dir(Path(tokenbudget.__file__).parent, quiet=1)
    work = use_home(args.keep, "tb-bench-statusline-")
    from tokenbudget.core.paths import ledger_file

    if not ledger_file().exists():
        _seed(args.entries)
    script = shutil.which("tokenbudget") or str(Path(sys.executable).parent / "tokenbudget")
    ways = {"console script": [script, "statusline"]}
    ways["python -m"] = [sys.executable, "-m", "tokenbudget", "statusline"]
    env_home = os.environ["TOKENBUDGET_HOME"]
    print(f"home {env_home}; {args.runs} runs each")

    resets = int(time.time()) + 3600
    full = dict(_BARE)
    full["rate_limits"] = {
        "five_hour": {"used_percentage": 23.5, "resets_at": resets},
        "seven_day": {"used_percentage": 41.2, "resets_at": resets + 5 * 86400},
    }
    for case, payload in (("bare", _BARE), ("full", full)):
        if case == "full":
            tb = [sys.executable, "-m", "tokenbudget"]
            plan = ["Claude Max", "--kind", "subscription", "--amount", "100"]
            caps = ["--providers", "anthropic", "--windows", "5h:tokens=5000000; 7d:requests=900"]
            subprocess.run(
                [*tb, "plan", "add", *plan, *caps],
                check=False,
                capture_output=True,
            )
            subprocess.run(
                [*tb, "plan", "add", "Monthly", "--amount", "200"], check=False, capture_output=True
            )
        data = json.dumps(payload).encode()
        for way, cmd in ways.items():
            median, p95, line = _time(cmd, data, args.runs)
            print(f"{case:5} {way:24} median {median:6.1f} ms  p95 {p95:6.1f} ms   {line[:90]}")
        kept = Path(env_home) / "cache" / "statusline.json"
        plan = Path(env_home) / "cache" / "statusline-plan.json"
        colds = (
            {"cold": (kept,), "cold+plan": (kept, plan)} if case == "full" else {"cold": (kept,)}
        )
        for name, files in colds.items():
            for way, cmd in ways.items():
                median, p95, line = _time(cmd, data, args.runs, cold=files)
                label = f"{way} {name}"
                print(f"{case:5} {label:24} median {median:6.1f} ms  p95 {p95:6.1f} ms")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
