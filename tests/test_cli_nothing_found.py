"""An import that finds nothing says where it looked, with ``~`` for the home folder."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from tokenbudget import cli


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_nothing_found_in_the_tools_folder() -> None:
    (Path(os.environ["HOME"]) / ".claude" / "projects").mkdir(parents=True)
    code, out, err = run("import", "claude-code")
    assert code == 0, err
    assert out == "claude-code: Nothing found in ~/.claude/projects.\n"
    assert "0 files" not in out
    code, out, _ = run("import")  # every tool found: the same line, then the summary
    assert out.startswith("claude-code: Nothing found in ~/.claude/projects.\n")


def test_nothing_new_once_its_logs_were_imported() -> None:
    folder = Path(os.environ["HOME"]) / ".claude" / "projects" / "p"
    folder.mkdir(parents=True)
    line = {
        "type": "assistant",
        "timestamp": "2026-11-20T10:00:00Z",
        "sessionId": "s",
        "requestId": "r1",
        "uuid": "u1",
        "message": {
            "id": "m1",
            "model": "claude-sonnet-4-6",
            "usage": {"input_tokens": 10, "output_tokens": 5},
        },
    }
    (folder / "s.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, out, err = run("import", "claude-code")
    assert code == 0 and out.startswith("Imported 1 new or updated entry"), out + err
    code, out, _ = run("import", "claude-code")
    assert out == "claude-code: Nothing new in ~/.claude/projects.\n"


def test_json_says_it_too(tmp_path: Path) -> None:
    code, out, err = run("import", "codex", str(tmp_path), "--json")
    assert code == 0, err
    (report,) = json.loads(out)
    assert report["found_nothing"] is True and report["roots"] == [str(tmp_path)]
