"""Importer throughput and memory on large generated logs.

Run from the repository root with the project installed (``pip install -e .``):

    python benchmarks/bench_import.py [--mb 100] [--keep DIR]

It writes a Claude Code transcript and a Codex rollout of about ``--mb`` megabytes each, with
the mix of rows the real tools write (prompts, streamed assistant rows, tool results from a
few hundred bytes to several megabytes, snapshots, reasoning, token counts), then imports each
in a fresh interpreter and prints MB/s and that interpreter's peak RSS, next to the peak RSS of
an interpreter that only imports the package. It asserts nothing. Target (issue): more than
20 MB/s on a 100 MB log, in memory that does not grow with the file.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

MB = 1024 * 1024

CHILD = """
import json, resource, sys, time
from pathlib import Path
from tokenbudget.core.importers import get_importer


def peak_kb():
    # VmHWM belongs to this address space; ru_maxrss on Linux keeps the parent's peak across exec
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


name, path = sys.argv[1], sys.argv[2]
importer = get_importer(name)
before = peak_kb()
if path != "-":
    start = time.perf_counter()
    result = importer.scan([Path(path)], {})
    seconds = time.perf_counter() - start
else:
    result, seconds = None, 0.0
print(json.dumps({
    "seconds": seconds,
    "bytes": result.bytes_read if result else 0,
    "records": len(result.records) if result else 0,
    "problems": len(result.problems) if result else 0,
    "rss_before_kb": before,
    "peak_kb": peak_kb(),
}))
"""


def dump(row: object) -> bytes:
    return json.dumps(row, separators=(",", ":")).encode() + b"\n"


def text(rng: random.Random, size: int) -> str:
    words = ("orders", "export", "def", "return", "self", "csv", "row", "refund", "total", "=")
    out: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(words)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)


def claude_transcript(path: Path, target: int, rng: random.Random) -> None:
    base = {
        "isSidechain": False,
        "userType": "external",
        "cwd": "/home/dev/shop",
        "sessionId": "bench",
        "version": "2.0.14",
        "gitBranch": "main",
    }
    written = n = 0
    with path.open("wb") as fh:
        while written < target:
            n += 1
            rows = [
                {
                    **base,
                    "type": "user",
                    "uuid": f"u{n}",
                    "timestamp": "2025-10-02T09:14:00.000Z",
                    "message": {"role": "user", "content": text(rng, 400)},
                }
            ]
            for chunk, output in enumerate((1, 60, rng.randint(100, 2000))):
                content = [{"type": "text", "text": text(rng, rng.randint(200, 3000))}]
                rows.append(
                    {
                        **base,
                        "message": {
                            "id": f"msg_{n}",
                            "type": "message",
                            "role": "assistant",
                            "model": "claude-sonnet-4-5-20250929",
                            "content": content,
                            "stop_reason": None,
                            "stop_sequence": None,
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
                        "requestId": f"req_{n}",
                        "type": "assistant",
                        "uuid": f"a{n}.{chunk}",
                        "timestamp": "2025-10-02T09:14:03.000Z",
                    }
                )
            size = rng.choice((300, 2000, 8000, 40000, 200000))
            if n % 400 == 0:
                size = 6 * MB  # an image or a huge file read: skipped without being held
            rows.append(
                {
                    **base,
                    "type": "user",
                    "uuid": f"t{n}",
                    "timestamp": "2025-10-02T09:14:05.000Z",
                    "message": {
                        "role": "user",
                        "content": [
                            {"type": "tool_result", "tool_use_id": f"toolu_{n}", "content": "x"}
                        ],
                    },
                    "toolUseResult": {"stdout": text(rng, size) if size < MB else "A" * size},
                }
            )
            if n % 10 == 0:
                rows.append(
                    {
                        "type": "file-history-snapshot",
                        "messageId": f"u{n}",
                        "snapshot": {"trackedFileBackups": {}},
                        "isSnapshotUpdate": False,
                    }
                )
            for row in rows:
                data = dump(row)
                fh.write(data)
                written += len(data)


def codex_rollout(path: Path, target: int, rng: random.Random) -> None:
    def row(kind: str, payload: dict[str, object]) -> bytes:
        return dump({"timestamp": "2025-10-03T09:12:41.503Z", "type": kind, "payload": payload})

    written = 0
    total = [0, 0, 0, 0]
    with path.open("wb") as fh:
        fh.write(
            row(
                "session_meta",
                {
                    "id": "0199a958-24a6-752e-b651-3270269e0d37",
                    "timestamp": "2025-10-03T09:12:30.118Z",
                    "instructions": text(rng, 12000),
                },
            )
        )
        n = 0
        while written < target:
            n += 1
            lines = [
                row("turn_context", {"turn_id": None, "model": "gpt-5-codex", "effort": "medium"})
            ]
            for _ in range(rng.randint(2, 8)):
                size = rng.choice((500, 4000, 30000, 120000))
                lines += [
                    row("response_item", {"type": "reasoning", "encrypted_content": "g" * 3000}),
                    row(
                        "response_item",
                        {
                            "type": "function_call",
                            "name": "shell",
                            "arguments": json.dumps({"command": ["rg", "x"]}),
                            "call_id": f"c{n}",
                        },
                    ),
                    row(
                        "response_item",
                        {
                            "type": "function_call_output",
                            "call_id": f"c{n}",
                            "output": text(rng, size),
                        },
                    ),
                ]
                step = [rng.randint(2000, 9000), 0, rng.randint(50, 900), 0]
                step[1] = step[0] * 3 // 4
                step[3] = step[2] // 3
                total = [a + b for a, b in zip(total, step, strict=True)]

                def usage(v: list[int]) -> dict[str, int]:
                    return {
                        "input_tokens": v[0],
                        "cached_input_tokens": v[1],
                        "output_tokens": v[2],
                        "reasoning_output_tokens": v[3],
                        "total_tokens": v[0] + v[2],
                    }

                lines.append(
                    row(
                        "event_msg",
                        {
                            "type": "token_count",
                            "info": {
                                "total_token_usage": usage(total),
                                "last_token_usage": usage(step),
                            },
                        },
                    )
                )
            for data in lines:
                fh.write(data)
                written += len(data)


def measure(name: str, path: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name, path], check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of each generated log")
    parser.add_argument("--keep", type=Path, help="write the logs here and keep them")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        logs = {"claude-code": where / "claude.jsonl", "codex": where / "codex.jsonl"}
        claude_transcript(logs["claude-code"], args.mb * MB, rng)
        codex_rollout(logs["codex"], args.mb * MB, rng)
        idle = measure("codex", "-")
        print(f"interpreter + importers, nothing read: peak RSS {idle['peak_kb'] / 1024:.1f} MB")
        for name, path in logs.items():
            fig = measure(name, str(path))
            size = fig["bytes"] / MB
            print(
                f"{name:12s} {size:6.1f} MB in {fig['seconds']:5.2f} s = "
                f"{size / fig['seconds']:6.1f} MB/s, {int(fig['records'])} records, "
                f"peak RSS {fig['peak_kb'] / 1024:.1f} MB "
                f"(+{(fig['peak_kb'] - fig['rss_before_kb']) / 1024:.1f} MB while scanning)"
            )


if __name__ == "__main__":
    main()
