"""Importing a large mix of all three tools' logs, end to end, with memory sampled throughout.

Run from the repository root with the project installed (``pip install -e .``):

    python benchmarks/bench_import_mixed.py [--mb 1024] [--keep DIR]

It writes about ``--mb`` megabytes of logs the shape the tools write them, spread over many
files (Claude Code: sessions with sub-agent files and streamed rows; Codex: rollouts with
token counts, rate limits and re-emits, some forks; Gemini CLI: chats with re-appended
messages and ``$set`` checkpoints), then runs the real import (the service: scan, price,
store in a fresh ledger) for each tool in one fresh interpreter, while this process samples
that interpreter's resident memory every 0.2 s. It prints MB/s per tool and overall, and the
resident memory at each quarter of the run next to its peak: memory is flat when those
figures do not climb with the amount read. It asserts nothing. Target (issue 11): at least
50 MB/s over 1 GB of mixed logs, with memory flat.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

MB = 1024 * 1024
WORDS = ("orders", "export", "def", "return", "self", "csv", "row", "refund", "total", "=", "商城")

CHILD = """
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path
from tokenbudget.core.services import Service

service = Service()
out = {}
for name, root in json.loads(sys.argv[1]).items():
    start = time.perf_counter()
    report = service.imports.run(name, [Path(root)], now=datetime.now(UTC))
    out[name] = {"seconds": time.perf_counter() - start, "records": report.records,
                 "problems": len(report.problems)}
    print("done " + name, flush=True)
service.close()
print(json.dumps(out), flush=True)
"""


def dump(row: object) -> bytes:
    return json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def text(rng: random.Random, size: int) -> str:
    out: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def uuid7(at: datetime, rng: random.Random) -> str:
    ms = int(at.timestamp() * 1000)
    raw = f"{ms:012x}7{rng.getrandbits(12):03x}{8 | rng.getrandbits(2):x}{rng.getrandbits(60):015x}"
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"


def claude_session(path: Path, target: int, rng: random.Random, start: datetime, n0: int) -> int:
    """One transcript of about ``target`` bytes; returns the bytes written."""
    session = f"s{n0}"
    base = {
        "isSidechain": path.parent.name == "subagents",
        "userType": "external",
        "cwd": f"/home/dev/project{n0 % 7}",
        "sessionId": session,
        "version": "2.1.120",
        "gitBranch": "main",
    }
    written, n, at = 0, 0, start
    with path.open("wb") as fh:
        while written < target:
            n += 1
            at += timedelta(seconds=rng.randint(5, 90))
            rows: list[object] = [
                {
                    **base,
                    "type": "user",
                    "uuid": f"{session}u{n}",
                    "timestamp": stamp(at),
                    "message": {"role": "user", "content": text(rng, 300)},
                }
            ]
            for chunk, output in enumerate((1, rng.randint(100, 2000))):
                rows.append(
                    {
                        **base,
                        "type": "assistant",
                        "uuid": f"{session}a{n}.{chunk}",
                        "timestamp": stamp(at + timedelta(seconds=3)),
                        "requestId": f"req_{session}_{n}",
                        "message": {
                            "id": f"msg_{session}_{n}",
                            "type": "message",
                            "role": "assistant",
                            "model": "claude-sonnet-4-5-20250929",
                            "content": [
                                {"type": "text", "text": text(rng, rng.randint(200, 2500))}
                            ],
                            "usage": {
                                "input_tokens": 4,
                                "cache_creation_input_tokens": 900,
                                "cache_read_input_tokens": 30000 + n,
                                "output_tokens": output,
                                "cache_creation": {
                                    "ephemeral_5m_input_tokens": 900,
                                    "ephemeral_1h_input_tokens": 0,
                                },
                            },
                        },
                    }
                )
            size = rng.choice((300, 2000, 8000, 40000, 150000))
            rows.append(
                {
                    **base,
                    "type": "user",
                    "uuid": f"{session}t{n}",
                    "timestamp": stamp(at + timedelta(seconds=5)),
                    "message": {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": f"toolu_{n}",
                                "content": text(rng, size),
                            }
                        ],
                    },
                }
            )
            for row in rows:
                data = dump(row)
                fh.write(data)
                written += len(data)
    return written


def codex_rollout(path: Path, target: int, rng: random.Random, start: datetime) -> int:
    thread = uuid7(start, rng)
    written, at = 0, start
    total = [0, 0, 0, 0]

    def row(kind: str, payload: dict[str, object]) -> bytes:
        return dump({"timestamp": stamp(at), "type": kind, "payload": payload})

    def usage(v: list[int]) -> dict[str, int]:
        return {
            "input_tokens": v[0],
            "cached_input_tokens": v[1],
            "output_tokens": v[2],
            "reasoning_output_tokens": v[3],
            "total_tokens": v[0] + v[2],
        }

    with path.open("wb") as fh:
        head = row(
            "session_meta",
            {
                "id": thread,
                "timestamp": stamp(at),
                "cwd": "/home/dev/api",
                "originator": "codex_cli_rs",
                "cli_version": "0.150.0",
                "instructions": text(rng, 8000),
            },
        )
        fh.write(head)
        written += len(head)
        while written < target:
            at += timedelta(seconds=rng.randint(10, 120))
            lines = [
                row(
                    "turn_context",
                    {"turn_id": uuid7(at, rng), "model": "gpt-5-codex", "effort": "medium"},
                )
            ]
            for _ in range(rng.randint(2, 8)):
                at += timedelta(seconds=rng.randint(2, 20))
                size = rng.choice((500, 4000, 30000, 100000))
                lines += [
                    row("response_item", {"type": "reasoning", "encrypted_content": "g" * 3000}),
                    row(
                        "response_item",
                        {
                            "type": "function_call",
                            "name": "shell",
                            "arguments": '{"command":["rg","x"]}',
                            "call_id": "c",
                        },
                    ),
                    row(
                        "response_item",
                        {"type": "function_call_output", "call_id": "c", "output": text(rng, size)},
                    ),
                ]
                step = [rng.randint(2000, 9000), 0, rng.randint(50, 900), 0]
                step[1], step[3] = step[0] * 3 // 4, step[2] // 3
                total = [a + b for a, b in zip(total, step, strict=True)]
                limits = {
                    "limit_id": "codex",
                    "plan_type": "plus",
                    "primary": {
                        "used_percent": 12.0,
                        "window_minutes": 300,
                        "resets_at": int(at.timestamp()) + 3600,
                    },
                    "secondary": {
                        "used_percent": 30.0,
                        "window_minutes": 10080,
                        "resets_at": int(at.timestamp()) + 86400,
                    },
                }
                count = row(
                    "event_msg",
                    {
                        "type": "token_count",
                        "rate_limits": limits,
                        "info": {
                            "total_token_usage": usage(total),
                            "last_token_usage": usage(step),
                            "model_context_window": 272000,
                        },
                    },
                )
                lines.append(count)
                if rng.random() < 0.3:
                    lines.append(count)  # a rate-limit refresh re-emits the same total
            for data in lines:
                fh.write(data)
                written += len(data)
    return written


def gemini_chat(path: Path, target: int, rng: random.Random, start: datetime, n0: int) -> int:
    session = f"g{n0:04d}-1111-4222-8333-444455556666"
    written, n, at = 0, 0, start
    with path.open("wb") as fh:
        first = dump(
            {
                "sessionId": session,
                "projectHash": "ab" * 32,
                "startTime": stamp(at),
                "lastUpdated": stamp(at),
                "kind": "main",
            }
        )
        fh.write(first)
        written += len(first)
        while written < target:
            n += 1
            at += timedelta(seconds=rng.randint(5, 60))
            body = [{"text": text(rng, rng.randint(300, 6000))}]
            message = {
                "id": f"m{n}",
                "timestamp": stamp(at),
                "type": "gemini",
                "model": "gemini-2.5-pro",
                "content": body,
                "thoughts": [],
            }
            rows: list[object] = [
                {
                    "id": f"u{n}",
                    "timestamp": stamp(at),
                    "type": "user",
                    "content": [{"text": text(rng, 400)}],
                },
                {**message, "tokens": None},
                {
                    **message,
                    "tokens": {
                        "input": 12000 + n,
                        "output": rng.randint(50, 900),
                        "cached": 8000,
                        "thoughts": 120,
                        "tool": 0,
                        "total": 20000,
                    },
                },
            ]
            if n % 25 == 0:
                rows.append({"$set": {"lastUpdated": stamp(at)}})
            for row in rows:
                data = dump(row)
                fh.write(data)
                written += len(data)
    return written


def generate(where: Path, total: int, rng: random.Random) -> dict[str, Path]:
    """Logs of about ``total`` bytes: 40 % Claude Code, 40 % Codex, 20 % Gemini CLI."""
    day = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    claude, codex, gemini = where / "claude", where / "codex", where / "gemini"
    per_file = 12 * MB
    for i in range(max(1, int(total * 0.4) // per_file)):
        start = day + timedelta(hours=7 * i)
        folder = claude / f"-home-dev-project{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        claude_session(folder / f"s{i}.jsonl", per_file, rng, start, i)
    for i in range(max(1, int(total * 0.4) // per_file)):
        start = day + timedelta(hours=5 * i)
        folder = codex / "sessions" / start.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"rollout-{start.strftime('%Y-%m-%dT%H-%M-%S')}-{i:08d}.jsonl"
        codex_rollout(folder / name, per_file, rng, start)
    for i in range(max(1, int(total * 0.2) // per_file)):
        folder = gemini / f"project{i % 5}" / "chats"
        folder.mkdir(parents=True, exist_ok=True)
        start = day + timedelta(hours=9 * i)
        gemini_chat(folder / f"session-{i:04d}.jsonl", per_file, rng, start, i)
    return {"claude-code": claude, "codex": codex / "sessions", "gemini-cli": gemini}


def rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def size_of(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="total size of the logs")
    parser.add_argument("--keep", type=Path, help="write the logs here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp) / "logs"
        if not where.exists() or not any(where.iterdir()):
            where.mkdir(parents=True, exist_ok=True)
            roots = generate(where, args.mb * MB, random.Random(11))
        else:
            roots = {
                "claude-code": where / "claude",
                "codex": where / "codex" / "sessions",
                "gemini-cli": where / "gemini",
            }
        sizes = {name: size_of(root) for name, root in roots.items()}
        env = {**os.environ, "TOKENBUDGET_HOME": str(Path(tmp) / "home")}
        spec = json.dumps({name: str(root) for name, root in roots.items()})
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, spec], env=env, stdout=subprocess.PIPE, text=True
        )
        samples: list[tuple[float, int]] = []
        while child.poll() is None:
            kb = rss_kb(child.pid)
            if kb is not None:
                samples.append((time.perf_counter() - start, kb))
            time.sleep(0.2)
        wall = time.perf_counter() - start
        out = child.stdout.read().splitlines() if child.stdout else []
        figures = json.loads(out[-1])
        total_mb = sum(sizes.values()) / MB
        print(
            f"{total_mb:.0f} MB of logs in {sum(1 for r in roots.values() for p in r.rglob('*.json*'))} files"
        )
        seconds = 0.0
        for name, fig in figures.items():
            mb = sizes[name] / MB
            seconds += fig["seconds"]
            print(
                f"  {name:12s} {mb:7.1f} MB in {fig['seconds']:6.2f} s = {mb / fig['seconds']:6.1f}"
                f" MB/s, {fig['records']} records, {fig['problems']} problems"
            )
        print(
            f"  all          {total_mb:7.1f} MB in {seconds:6.2f} s = {total_mb / seconds:6.1f} MB/s"
            f" (whole process {wall:.1f} s)"
        )
        if samples:
            peak = max(kb for _, kb in samples)
            quarters = []
            for q in (0.25, 0.5, 0.75, 1.0):
                upto = [kb for t, kb in samples if t <= wall * q]
                quarters.append(max(upto) if upto else 0)
            print(
                "  resident memory, highest by each quarter of the run: "
                + ", ".join(f"{kb / 1024:.0f} MB" for kb in quarters)
                + f"; peak {peak / 1024:.0f} MB"
            )


if __name__ == "__main__":
    main()
