"""``prices update`` from local files and a 127.0.0.1 server: checked dates, older snapshots,
what changed, and exit codes."""

from __future__ import annotations

import http.server
import io
import json
import os
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tokenbudget import cli
from tokenbudget.core import paths

BUNDLED_DATE = "2026-11-27"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def upstream() -> dict[str, Any]:
    """The bundled snapshot turned back into LiteLLM's own shape (keys as upstream)."""
    snapshot = json.loads(
        (paths.resources_dir() / "prices" / "litellm_snapshot.json").read_text("utf-8")
    )
    return {
        entry["litellm_key"]: {k: v for k, v in entry.items() if k != "litellm_key"}
        for entry in snapshot.values()
    }


def write(path: Path, table: dict[str, Any], day: str) -> Path:
    path.write_text(json.dumps(table), encoding="utf-8")
    moment = datetime.fromisoformat(f"{day}T12:00:00").timestamp()
    os.utime(path, (moment, moment))
    return path


def models_json() -> dict[str, dict[str, Any]]:
    code, out, err = run("models", "--json")
    assert code == 0, err
    return {row["model"]: row for row in json.loads(out)}


def test_unchanged_prices_keep_their_checked_date(tmp_path: Path) -> None:
    raw = upstream()
    raw["gpt-5.5"]["input_cost_per_token"] = 6e-06
    del raw["gpt-5.4-mini"]
    source = write(tmp_path / "litellm.json", raw, "2026-12-02")
    code, out, err = run("prices", "update", "--from", str(source))
    assert code == 0, err
    today = date.today().isoformat()
    rows = models_json()
    assert rows["gpt-5.5"]["checked"] == today  # re-priced: checked when first seen so
    assert rows["claude-sonnet-4-6"]["checked"] == BUNDLED_DATE  # unchanged: its own date
    assert "gpt-5.4-mini" not in rows
    assert "(dated 2026-12-02)" in out
    assert "gpt-5.5: input 5 → 6 (prices per million tokens)" in out
    assert "removed: 1 (gpt-5.4-mini)" in out
    # A second update keeps the dates the first one recorded.
    again = write(tmp_path / "again.json", raw, "2026-12-03")
    code, out, err = run("prices", "update", "--from", str(again), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["changed"] == [] and data["added"] == [] and data["removed"] == []
    assert data["dated"] == "2026-12-03" and data["unchanged"] == data["models"]
    rows = models_json()
    assert rows["gpt-5.5"]["checked"] == today
    assert rows["claude-sonnet-4-6"]["checked"] == BUNDLED_DATE


def test_added_and_repriced_models_in_json(tmp_path: Path) -> None:
    raw = upstream()
    raw["gpt-9"] = {**raw["gpt-5.5"]}
    raw["xai/grok-4.3"]["output_cost_per_token"] = 3e-06
    source = write(tmp_path / "litellm.json", raw, "2026-12-02")
    code, out, err = run("prices", "update", "--from", str(source), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["added"] == ["gpt-9"]
    changed = {c["model"]: c["fields"] for c in data["changed"]}
    assert {"field": "output_cost_per_token", "old": "0.0000025", "new": "0.000003"} in changed[
        "grok-4.3"
    ]


def test_an_older_snapshot_is_refused_unless_allowed(tmp_path: Path) -> None:
    old = write(tmp_path / "old.json", upstream(), "2026-10-01")
    code, out, err = run("prices", "update", "--from", str(old))
    assert code == 2 and out == ""
    assert "dated 2026-10-01, older than the prices in use (2026-11-27)" in err
    assert "--allow-older" in err and err.count("\n") == 1
    assert not (paths.price_snapshot_dir() / "litellm_snapshot.json").exists()
    code, out, err = run("prices", "update", "--from", str(old), "--allow-older")
    assert code == 0, err
    assert "(dated 2026-10-01)" in out


def test_a_copy_of_the_previous_snapshot_is_dated_by_its_meta(tmp_path: Path) -> None:
    code, _, err = run(
        "prices", "update", "--from", str(write(tmp_path / "a.json", upstream(), "2026-12-01"))
    )
    assert code == 0, err
    code, _, err = run(
        "prices", "update", "--from", str(write(tmp_path / "b.json", upstream(), "2026-12-03"))
    )
    assert code == 0, err
    previous = paths.price_snapshot_dir() / "litellm_snapshot.previous.json"
    os.utime(previous)  # touched today: the meta beside it still says 2026-12-01
    code, _, err = run("prices", "update", "--from", str(previous))
    assert code == 2 and "dated 2026-12-01" in err


def test_a_missing_file_is_exit_2(tmp_path: Path) -> None:
    code, out, err = run("prices", "update", "--from", str(tmp_path / "missing.json"))
    assert code == 2 and out == ""
    assert "missing.json" in err and "No such file" in err


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    modified = ""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        if self.modified:
            self.send_header("Last-Modified", self.modified)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("H", (_Handler,), {"body": json.dumps(upstream()).encode()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/p.json", handler
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_a_download_is_dated_by_last_modified(server: tuple[str, type[_Handler]]) -> None:
    url, handler = server
    handler.modified = "Wed, 01 Oct 2026 08:00:00 GMT"
    code, _, err = run("prices", "update", "--from", url)
    assert code == 2 and "dated 2026-10-01" in err
    handler.modified = ""  # no header: dated the day it was downloaded
    code, out, err = run("prices", "update", "--from", url)
    assert code == 0, err
    assert f"(dated {date.today().isoformat()})" in out
