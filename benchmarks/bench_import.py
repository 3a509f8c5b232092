"""Importer throughput and memory on large generated logs.

Run from the repository root with the project installed (``pip install -e .``):

    python benchmarks/bench_import.py [--mb 100] [--keep DIR]

It writes a Claude Code transcript and a Codex rollout of about ``--mb`` megabytes each, with
the mix of rows the real tools write (prompts, streamed assistant rows, tool results from a
few hundred bytes to several megabytes, snapshots, reasoning, token counts), then imports each
in a fresh interpreter and prints MB/s and that interpreter's peak RSS, next to the peak RSS of
an interpreter that only imports the package. It asserts nothing. Target (issue): more than
20 MB/s on a 100 MB log, in memory that does not grow with the file.

It writes a Qwen Code chat, a Kimi CLI wire and a GitHub Copilot CLI event log of the same size
the same way. It also writes an OpenCode ``opencode.db`` and a Goose ``sessions.db`` of about ``--mb``
megabytes (their MB/s are megabytes of database read per second), and ``--mb``/20 megabytes of
Factory Droid session files (``*.settings.json`` beside ``*.jsonl`` transcripts it does not
read; its MB/s counts the settings files).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
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


def _db_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def opencode_db(path: Path, target: int, rng: random.Random) -> None:
    """An ``opencode.db`` (1.2+ tables) of about ``target`` bytes: tool loops, big outputs."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(
        """
        CREATE TABLE session (id text PRIMARY KEY, project_id text NOT NULL, parent_id text,
          slug text NOT NULL, directory text NOT NULL, title text NOT NULL, version text NOT NULL,
          time_created integer NOT NULL, time_updated integer NOT NULL);
        CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL,
          time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
        CREATE TABLE part (id text PRIMARY KEY, message_id text NOT NULL,
          session_id text NOT NULL, time_created integer NOT NULL,
          time_updated integer NOT NULL, data text NOT NULL);
        CREATE INDEX part_message_id_id_idx ON part (message_id, id);
        CREATE INDEX part_session_idx ON part (session_id);
        """
    )
    at = 1772442000000
    n = 0
    while _db_size(path) < target:
        session = f"ses_{n:08d}"
        db.execute(
            "INSERT INTO session VALUES (?, 'prj_1', NULL, 'bench', '/home/dev/shop', 't', "
            "'1.2.4', ?, ?)",
            (session, at, at),
        )
        parts: list[tuple[object, ...]] = []
        messages: list[tuple[object, ...]] = []
        for _ in range(40):
            n += 1
            at += 30_000
            message = f"msg_{n:010d}"
            info = {
                "role": "assistant",
                "time": {"created": at, "completed": at + 20_000},
                "parentID": f"msg_u{n}",
                "modelID": "claude-sonnet-4-5",
                "providerID": "anthropic",
                "mode": "build",
                "agent": "build",
                "path": {"cwd": "/home/dev/shop", "root": "/home/dev/shop"},
                "cost": 0,
                "tokens": {
                    "input": 5,
                    "output": 90,
                    "reasoning": 0,
                    "cache": {"read": 9, "write": 0},
                },
            }
            messages.append((message, session, at, at + 20_000, json.dumps(info)))
            for step in range(rng.randint(1, 6)):
                size = rng.choice((300, 2000, 8000, 40000))
                rows = [
                    {"type": "step-start", "snapshot": "4b825dc6"},
                    {"type": "text", "text": text(rng, rng.randint(100, 1500))},
                    {
                        "type": "tool",
                        "callID": f"toolu_{n}_{step}",
                        "tool": "bash",
                        "state": {
                            "status": "completed",
                            "input": {"command": "rg x"},
                            "output": text(rng, size),
                            "title": "rg x",
                            "metadata": {},
                            "time": {"start": at, "end": at + 900},
                        },
                    },
                    {
                        "reason": "tool-calls",
                        "type": "step-finish",
                        "tokens": {
                            "total": 41000,
                            "input": rng.randint(2, 2000),
                            "output": rng.randint(50, 900),
                            "reasoning": 0,
                            "cache": {"read": 30000 + n, "write": 900},
                        },
                        "cost": 0,
                    },
                ]
                for k, row in enumerate(rows):
                    parts.append(
                        (f"prt_{n:010d}_{step}_{k}", message, session, at, at, json.dumps(row))
                    )
        db.executemany("INSERT INTO message VALUES (?, ?, ?, ?, ?)", messages)
        db.executemany("INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)", parts)
        db.commit()
    db.close()  # the tool is not running: no -wal, no -shm


def goose_db(path: Path, target: int, rng: random.Random) -> None:
    """A Goose ``sessions.db`` of about ``target`` bytes: sessions and their conversations."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(
        """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '',
          session_type TEXT NOT NULL DEFAULT 'user', working_dir TEXT NOT NULL,
          created_at TIMESTAMP, updated_at TIMESTAMP, total_tokens INTEGER,
          input_tokens INTEGER, output_tokens INTEGER, accumulated_total_tokens INTEGER,
          accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,
          accumulated_cache_read_tokens INTEGER, accumulated_cache_write_tokens INTEGER,
          provider_name TEXT, model_config_json TEXT);
        CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT,
          session_id TEXT NOT NULL, role TEXT NOT NULL, content_json TEXT NOT NULL,
          created_timestamp INTEGER NOT NULL, tokens INTEGER, metadata_json TEXT);
        CREATE INDEX idx_messages_session ON messages(session_id);
        """
    )
    n = 0
    while _db_size(path) < target:
        n += 1
        session = f"20260302_{n}"
        rows = []
        for m in range(rng.randint(10, 80)):
            role = "assistant" if m % 2 else "user"
            body = text(rng, rng.choice((200, 2000, 8000, 40000)))
            content = [{"type": "text", "text": body}]
            rows.append((f"m{n}_{m}", session, role, json.dumps(content), 1772442000 + m))
        db.executemany(
            "INSERT INTO messages (message_id, session_id, role, content_json, created_timestamp)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        db.execute(
            "INSERT INTO sessions VALUES (?, 'bench', 'user', '/home/dev/shop',"
            " '2026-03-02 09:00:00+00:00', '2026-03-02 18:00:00.123456+00:00', 24000, 23000,"
            " 1000, ?, ?, ?, ?, 0, 'anthropic', '{\"model_name\":\"claude-sonnet-4-5\"}')",
            (session, n * 1000 + 128000, n * 1000 + 120000, 8000, 90000),
        )
        db.commit()
    db.close()


def droid_sessions(root: Path, target: int, rng: random.Random) -> None:
    """Droid's ``sessions`` folder: ``target`` bytes of settings files, with transcripts."""
    written = n = 0
    while written < target:
        n += 1
        folder = root / f"-home-dev-project{n % 40}"
        folder.mkdir(parents=True, exist_ok=True)
        session = f"{n:08x}-3c2d-4e5f-8a7b-1c2d3e4f5a6b"
        settings = {
            "assistantActiveTimeMs": rng.randint(1000, 900000),
            "model": "custom:Claude-Opus-4.5-Thinking-[Anthropic]-0",
            "reasoningEffort": "high",
            "autonomyLevel": "medium",
            "tags": [{"name": "bench"}],
            "providerLock": "anthropic",
            "providerLockTimestamp": "2026-03-02T08:59:00.000Z",
            "tokenUsage": {
                "inputTokens": rng.randint(100, 90000),
                "outputTokens": rng.randint(100, 9000),
                "cacheCreationTokens": rng.randint(0, 9000),
                "cacheReadTokens": rng.randint(0, 900000),
                "thinkingTokens": rng.randint(0, 5000),
            },
        }
        data = json.dumps(settings, indent=2).encode()
        (folder / f"{session}.settings.json").write_bytes(data)
        (folder / f"{session}.jsonl").write_bytes(
            dump({"type": "message", "text": text(rng, 3000)})
        )
        written += len(data)


def qwen_chat(path: Path, target: int, rng: random.Random) -> None:
    """A Qwen Code chat (``chats/<id>.jsonl``): prompts, replies with usage, big tool results."""
    path.parent.mkdir(parents=True, exist_ok=True)
    base = {"sessionId": "bench", "cwd": "/home/dev/shop", "version": "0.9.1", "gitBranch": "main"}
    written = n = 0
    with path.open("wb") as fh:
        while written < target:
            n += 1
            at = f"2026-10-01T09:{n // 60 % 60:02d}:{n % 60:02d}.000Z"
            prompt = {"role": "user", "parts": [{"text": text(rng, 300)}]}
            reply = {"role": "model", "parts": [{"text": text(rng, rng.randint(200, 3000))}]}
            size = rng.choice((300, 2000, 8000, 40000, 200000))
            result = {"output": text(rng, size)}
            usage = {
                "promptTokenCount": 20000 + n,
                "candidatesTokenCount": rng.randint(50, 2000),
                "cachedContentTokenCount": 15000,
                "thoughtsTokenCount": rng.randint(0, 500),
                "totalTokenCount": 40000 + n,
            }
            rows = [
                {**base, "uuid": f"u{n}", "type": "user", "timestamp": at, "message": prompt},
                {
                    **base,
                    "uuid": f"a{n}",
                    "parentUuid": f"u{n}",
                    "type": "assistant",
                    "timestamp": at,
                    "model": "qwen3-coder-plus",
                    "message": reply,
                    "usageMetadata": usage,
                },
                {
                    **base,
                    "uuid": f"t{n}",
                    "parentUuid": f"a{n}",
                    "type": "tool_result",
                    "timestamp": at,
                    "message": {
                        "role": "user",
                        "parts": [{"functionResponse": {"name": "read_file", "response": result}}],
                    },
                },
            ]
            for row in rows:
                data = dump(row)
                fh.write(data)
                written += len(data)


def kimi_wire(path: Path, target: int, rng: random.Random) -> None:
    """A Kimi CLI ``wire.jsonl``: turns, streamed content, status updates with token usage."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = n = 0
    t = 1790841598.0
    with path.open("wb") as fh:
        fh.write(dump({"type": "metadata", "protocol_version": "1.3"}))
        while written < target:
            n += 1
            t += 7.5
            usage = {
                "input_other": rng.randint(100, 5000),
                "output": rng.randint(50, 2000),
                "input_cache_read": 20000 + n,
                "input_cache_creation": 0,
            }
            events = [
                {"type": "TurnBegin", "payload": {"user_input": text(rng, 300)}},
                {
                    "type": "ContentPart",
                    "payload": {"type": "text", "text": text(rng, rng.randint(200, 3000))},
                },
                {
                    "type": "ToolResult",
                    "payload": {"output": text(rng, rng.choice((300, 2000, 8000, 40000, 200000)))},
                },
                {
                    "type": "StatusUpdate",
                    "payload": {
                        "context_usage": 0.2,
                        "token_usage": usage,
                        "message_id": f"chatcmpl-{n}",
                    },
                },
            ]
            for event in events:
                data = dump({"timestamp": t, "message": event})
                fh.write(data)
                written += len(data)


def copilot_events(path: Path, target: int, rng: random.Random) -> None:
    """A Copilot CLI ``events.jsonl``: long sessions, a ``session.shutdown`` per process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written = n = 0
    with path.open("wb") as fh:
        while written < target:
            n += 1
            at = f"2025-11-03T10:{n // 60 % 60:02d}:{n % 60:02d}.000Z"
            rows: list[dict[str, object]] = [
                {"type": "user.message", "data": {"content": text(rng, 300)}},
                {
                    "type": "assistant.message",
                    "data": {"messageId": f"m{n}", "content": text(rng, rng.randint(200, 3000))},
                },
                {
                    "type": "tool.execution_complete",
                    "data": {"result": text(rng, rng.choice((300, 2000, 8000, 40000, 200000)))},
                },
            ]
            if n % 200 == 0:  # a process ends: its totals, per model
                usage = {
                    "inputTokens": rng.randint(10000, 900000),
                    "outputTokens": rng.randint(1000, 90000),
                    "cacheReadTokens": rng.randint(0, 900000),
                    "cacheWriteTokens": rng.randint(0, 90000),
                }
                metrics = {"claude-sonnet-4.5": {"requests": {"count": 200}, "usage": usage}}
                rows.append({"type": "session.shutdown", "data": {"modelMetrics": metrics}})
            for row in rows:
                data = dump({**row, "id": f"e{n}.{len(rows)}", "timestamp": at})
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
        logs = {
            "claude-code": where / "claude.jsonl",
            "codex": where / "codex.jsonl",
            "qwen-code": where / "qwen" / "projects",
            "kimi-cli": where / "kimi" / "sessions",
            "copilot-cli": where / "copilot" / "session-state",
            "opencode": where / "opencode" / "opencode.db",
            "goose": where / "goose" / "sessions.db",
            "droid": where / "droid" / "sessions",
        }
        claude_transcript(logs["claude-code"], args.mb * MB, rng)
        codex_rollout(logs["codex"], args.mb * MB, rng)
        qwen_chat(logs["qwen-code"] / "-home-dev-shop" / "chats" / "bench.jsonl", args.mb * MB, rng)
        kimi_wire(logs["kimi-cli"] / "0123abcd" / "bench" / "wire.jsonl", args.mb * MB, rng)
        copilot_events(logs["copilot-cli"] / "bench" / "events.jsonl", args.mb * MB, rng)
        for folder in ("opencode", "goose", "droid"):
            (where / folder).mkdir(exist_ok=True)
        opencode_db(logs["opencode"], args.mb * MB, rng)
        goose_db(logs["goose"], args.mb * MB, rng)
        droid_sessions(logs["droid"], args.mb * MB // 20, rng)
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
