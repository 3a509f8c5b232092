"""Ledger performance with 1,000,000 entries, and a 100 MB Claude Code import.

    python benchmarks/bench_ledger.py [--entries 1000000] [--import-mb 100] [--keep DIR]

Prints figures; asserts nothing. Targets (issue 3): a full ``status`` over all plans under
50 ms, a page of 200 history rows with a filter under 20 ms, and importing Claude Code logs
faster than 20 MB/s with flat memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from seeding import add_timed, report_seeded, use_home

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
MODELS = [
    ("anthropic", "claude-sonnet-4-6"),
    ("anthropic", "claude-opus-4-7"),
    ("openai", "gpt-5.5"),
    ("openai", "gpt-5.4-mini"),
    ("deepseek", "deepseek-v4-flash"),
    ("gemini", "gemini-2.5-flash"),
    ("dashscope", "qwen-plus"),
    ("zai", "glm-5.3"),
]


def seed(ledger, count: int) -> float:  # type: ignore[no-untyped-def]
    from tokenbudget.core.entries import NewEntry, TokenCounts

    rng = random.Random(42)
    span = 365 * 86_400

    def rows():  # type: ignore[no-untyped-def]
        for i in range(count):
            provider, model = MODELS[i % len(MODELS)]
            at = NOW - timedelta(seconds=rng.randrange(span))
            tokens = TokenCounts(
                rng.randrange(20_000),
                rng.randrange(50_000),
                rng.randrange(2_000),
                0,
                rng.randrange(4_000),
            )
            currency = "CNY" if provider in ("deepseek", "zai") else "USD"
            yield NewEntry(
                at=at,
                provider=provider,
                model=model,
                tokens=tokens,
                cost_micros=rng.randrange(200_000),
                currency=currency,
                source="claude-code" if provider == "anthropic" else "manual",
                source_ref=f"r{i}" if provider == "anthropic" else None,
                note="refactor the parser" if i % 997 == 0 else None,
            )

    return add_timed(ledger, rows())


def add_plans(ledger) -> None:  # type: ignore[no-untyped-def]
    from tokenbudget.core.plan_input import parse_plan

    plans = [
        {"name": "OpenAI API", "kind": "budget", "amount": "300", "providers": "openai"},
        {
            "name": "Claude Max",
            "kind": "subscription",
            "amount": "200",
            "providers": "anthropic",
            "monthly_tokens": "2000000000",
            "windows": "5h:tokens=50000000,requests=900; 7d:requests=20000",
            "timezone": "America/New_York",
            "reset_day": "15",
        },
        {
            "name": "DeepSeek top-up",
            "kind": "prepaid",
            "amount": "500",
            "currency": "CNY",
            "providers": "deepseek",
            "low_balance": "50",
            "start": "2026-09-01",
        },
        {"name": "Everything", "kind": "budget", "amount": "1000", "timezone": "Asia/Shanghai"},
    ]
    for fields in plans:
        ledger.add_plan(parse_plan(fields), now=NOW)


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}, n={len(times)})"


def claude_logs(root: Path, megabytes: int, tool_every: int = 10) -> int:
    """Realistic Claude Code project logs: user rows, streamed assistant rows, big tool output."""
    rng = random.Random(7)
    project = root / "projects" / "-home-dev-app"
    project.mkdir(parents=True)
    target = megabytes * 1_000_000
    written = 0
    session = 0
    while written < target:
        session += 1
        path = project / f"session-{session:05d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for turn in range(200):
                ts = (NOW - timedelta(minutes=rng.randrange(60 * 24 * 20))).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"
                )
                user = {
                    "type": "user",
                    "timestamp": ts,
                    "sessionId": f"s{session}",
                    "message": {
                        "role": "user",
                        "content": "Please fix the failing test in parser.py "
                        * rng.randrange(1, 20),
                    },
                }
                handle.write(json.dumps(user) + "\n")
                if tool_every and turn % tool_every == 0:  # a large tool result row without usage
                    big = {
                        "type": "user",
                        "timestamp": ts,
                        "toolUseResult": {"stdout": "x" * rng.randrange(20_000, 200_000)},
                    }
                    handle.write(json.dumps(big) + "\n")
                msg_id = f"msg_{session}_{turn}"
                for output in (
                    1,
                    rng.randrange(10, 200),
                    rng.randrange(200, 4000),
                ):  # streamed rows
                    row = {
                        "type": "assistant",
                        "timestamp": ts,
                        "requestId": f"req_{session}_{turn}",
                        "sessionId": f"s{session}",
                        "isSidechain": False,
                        "message": {
                            "id": msg_id,
                            "role": "assistant",
                            "model": "claude-sonnet-4-6",
                            "content": [
                                {"type": "text", "text": "Here is the fix. " * rng.randrange(1, 40)}
                            ],
                            "usage": {
                                "input_tokens": rng.randrange(1, 50),
                                "cache_read_input_tokens": rng.randrange(10_000, 90_000),
                                "cache_creation_input_tokens": 1200,
                                "cache_creation": {
                                    "ephemeral_5m_input_tokens": 1000,
                                    "ephemeral_1h_input_tokens": 200,
                                },
                                "output_tokens": output,
                            },
                        },
                    }
                    handle.write(json.dumps(row) + "\n")
        written += path.stat().st_size
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--import-mb", type=int, default=100)
    parser.add_argument(
        "--tool-every",
        type=int,
        default=10,
        help="a big tool-output row every N turns (0: none, a log dense with usage)",
    )
    parser.add_argument("--keep", type=Path, help="reuse/keep the seeded database in this folder")
    args = parser.parse_args()

    work = use_home(args.keep, "tb-bench-")
    from tokenbudget.core import paths
    from tokenbudget.core.ledger import HistoryFilter, Ledger
    from tokenbudget.core.services import Service

    db_path = paths.ledger_file()
    fresh = not db_path.exists()
    ledger = Ledger.open(db_path)
    if fresh:
        seconds = seed(ledger, args.entries)
        add_plans(ledger)
        report_seeded(args.entries, seconds, db_path)
    print(f"ledger: {ledger.count():,} entries, {len(ledger.plans())} plans")

    service = Service()
    service._ledger = ledger
    service.plans.status(NOW)  # warm the page cache once, as a running app would be
    print("status over all plans:      " + summary(timed(lambda: service.plans.status(NOW), 21)))
    flt = HistoryFilter(providers=("openai",))
    print(
        "history page (200, provider):" + summary(timed(lambda: ledger.history(flt, limit=200), 21))
    )
    flt2 = HistoryFilter(models=("claude-opus-4-7",), since=NOW - timedelta(days=90))
    print(
        "history page (200, model+90d):"
        + summary(timed(lambda: ledger.history(flt2, limit=200), 21))
    )
    last = ledger.history(flt, limit=200)[-1]
    from tokenbudget.core.ledger import to_us

    print(
        "history next page (keyset): "
        + summary(
            timed(lambda: ledger.history(flt, limit=200, before=(to_us(last.at), last.id)), 21)
        )
    )
    print(
        "history text search page:   "
        + summary(timed(lambda: ledger.history(HistoryFilter(text="parser"), limit=200), 5))
    )
    print("history totals (filtered):  " + summary(timed(lambda: ledger.totals(flt), 5)))

    if args.import_mb:
        logs = work / f"claude-{args.tool_every}"
        if not logs.exists():
            size = claude_logs(logs, args.import_mb, args.tool_every)
        else:
            size = sum(p.stat().st_size for p in logs.rglob("*.jsonl"))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        report = service.imports.run("claude-code", [logs / "projects"], now=NOW)
        seconds = time.perf_counter() - start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"import {size / 1e6:.0f} MB of Claude Code logs: {seconds:.1f} s = {size / 1e6 / seconds:.1f} MB/s, "
            f"{report.records:,} entries, peak RSS grew {(rss_after - rss_before) / 1024:.0f} MB"
        )
        start = time.perf_counter()
        again = service.imports.run("claude-code", [logs / "projects"], now=NOW)
        print(
            f"re-import (nothing new): {time.perf_counter() - start:.2f} s, {again.records} entries"
        )
    ledger.close()


if __name__ == "__main__":
    main()
