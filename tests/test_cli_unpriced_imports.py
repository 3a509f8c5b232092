"""Imported models the catalogue lacks stay unpriced everywhere, and coding-plan models count.

Claude Code can talk to Kimi's coding plan (its endpoint names the model ``kimi-for-coding``)
and to any model a proxy offers; both arrive through the same import.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from tokenbudget import cli


def ok(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(list(argv), out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


def _assistant(n: int, model: str, at: str, usage: dict[str, int]) -> str:
    return json.dumps(
        {
            "parentUuid": f"c2b1e0d4-0000-4a2b-8c3d-00000000000{n - 1}",
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/shop",
            "sessionId": "5a1c2e3f-0b4d-4c71-9e55-2a6f0d9b7c13",
            "version": "2.0.14",
            "message": {
                "id": f"msg_0{n}",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": "done"}],
                "usage": usage,
            },
            "requestId": f"req_0{n}",
            "type": "assistant",
            "uuid": f"c2b1e0d4-0000-4a2b-8c3d-00000000000{n}",
            "timestamp": at,
        }
    )


def _write_log(tmp_path: Path) -> Path:
    folder = tmp_path / "projects" / "-home-dev-shop"
    folder.mkdir(parents=True)
    lines = [
        json.dumps({"type": "summary", "summary": "Refunds", "leafUuid": "x"}),
        _assistant(1, "kimi-for-coding", "2026-12-04T08:00:00Z", {
            "input_tokens": 1200, "cache_read_input_tokens": 3000, "output_tokens": 400,
        }),
        _assistant(2, "kimi-for-coding", "2026-12-04T08:05:00Z", {
            "input_tokens": 800, "cache_read_input_tokens": 4000, "output_tokens": 100,
        }),
        _assistant(3, "mystery-coder-9", "2026-12-04T08:10:00Z", {
            "input_tokens": 50, "output_tokens": 7,
        }),
    ]  # fmt: skip
    (folder / "5a1c2e3f-0b4d-4c71-9e55-2a6f0d9b7c13.jsonl").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    return tmp_path / "projects"


def test_kimi_for_coding_counts_against_a_moonshot_plan(tmp_path: Path) -> None:
    ok("import", "claude-code", str(_write_log(tmp_path)))
    ok("plan", "add", "Kimi coding", "--kind", "subscription", "--amount", "49",
       "--providers", "moonshot")  # fmt: skip
    (plan,) = json.loads(ok("status", "--json"))
    # the two kimi-for-coding requests, by hand: 1200 + 800 in, 3000 + 4000 cached, 400 + 100 out
    assert plan["tokens"] == {"input": 2000, "cache_read": 7000, "cache_write": 0, "output": 500}
    assert plan["requests"] == 2
    assert plan["unpriced_entries"] == 0  # kimi-for-coding is Kimi's coding model, priced
    entries = {e["model"]: e for e in json.loads(ok("history", "--json"))}
    assert entries["kimi-for-coding"]["provider"] == "moonshot"


def test_an_unknown_imported_model_is_unpriced_never_zero(tmp_path: Path) -> None:
    ok("import", "claude-code", str(_write_log(tmp_path)))
    ok("plan", "add", "Anthropic API", "--amount", "100", "--providers", "anthropic")

    entries = {e["model"]: e for e in json.loads(ok("history", "--json"))}
    mystery = entries["mystery-coder-9"]
    assert mystery["cost"] is None and mystery["provider"] == "anthropic"
    (line,) = [row for row in ok("history").splitlines() if "mystery-coder-9" in row]
    assert "unpriced" in line and "$0" not in line

    (plan,) = json.loads(ok("status", "--json"))
    assert plan["unpriced_entries"] == 1
    status = ok("status")
    (spent,) = [row for row in status.splitlines() if row.strip().startswith("spent")]
    assert "(+1 unpriced)" in spent
    assert "1 unpriced entries not in the spend" in status

    report = ok("report", "--by", "model")
    (row,) = [r for r in report.splitlines() if "mystery-coder-9" in r]
    assert "unpriced" in row and "$0" not in row
