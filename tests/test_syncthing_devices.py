"""Two devices, one real sync engine: Syncthing keeps their folders in step on 127.0.0.1.

Device A records entries, adds a plan and imports a Claude Code fixture; device B imports a
Codex fixture and the same Claude Code fixture (a synced ``~/.claude``), then edits and
deletes entries A recorded. Both end with identical ``history --json`` and ``status --json``.

``.ci/run`` installs Syncthing (a Debian package) and runs this again with
``TOKENBUDGET_REAL_SYNCTHING=1``, so that a missing binary fails there instead of skipping.
"""

from __future__ import annotations

import io
import json
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.syncthing_support import syncthing_binary, syncthing_pair
from tokenbudget import cli
from tokenbudget.core.services import Service

FIXTURES = Path(__file__).parent / "core" / "importers" / "fixtures"

pytestmark = [pytest.mark.syncthing, pytest.mark.slow]


def run(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture
def engine_available() -> None:
    if syncthing_binary() is None:
        if os.environ.get("TOKENBUDGET_REAL_SYNCTHING"):
            pytest.fail("TOKENBUDGET_REAL_SYNCTHING is set but syncthing is not installed")
        pytest.skip("syncthing is not installed (.ci/run installs it and runs this test)")


@pytest.mark.usefixtures("engine_available")
def test_two_devices_through_syncthing_end_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = time.monotonic()
    home_a, home_b = tmp_path / "device-a", tmp_path / "device-b"

    def on(home: Path) -> None:
        monkeypatch.setenv("TOKENBUDGET_HOME", str(home))

    with syncthing_pair(tmp_path / "engine") as pair:
        on(home_a)
        run("plan", "add", "Claude Max", "--kind", "budget", "--amount", "100")
        run("import", "claude-code", str(FIXTURES / "claude" / "projects"))
        run("log", "-m", "claude-sonnet-4-6", "-i", "1200", "-o", "300", "--note", "review")
        run("log", "-m", "gpt-5.5", "-i", "800", "-o", "90", "--note", "to be deleted")
        run("devices", "use", str(pair.a.folder), "--name", "Device A")
        pair.settle()

        on(home_b)
        run("import", "codex", str(FIXTURES / "codex"))
        run("import", "claude-code", str(FIXTURES / "claude" / "projects"))
        run("devices", "use", str(pair.b.folder), "--name", "Device B")
        service = Service()
        entries = service.entries.history(limit=1000)
        review = next(e for e in entries if e.note == "review")
        doomed = next(e for e in entries if e.note == "to be deleted")
        service.entries.update(replace(review, note="reviewed on B"))
        service.entries.delete([doomed.id])
        service.close()
        run("devices", "sync")
        pair.settle()

        on(home_a)
        run("devices", "sync")
        pair.settle()
        on(home_b)
        run("devices", "sync")

        views = {}
        for name, home in (("a", home_a), ("b", home_b)):
            on(home)
            views[name] = (
                json.loads(run("history", "--json", "--limit", "1000")),
                json.loads(run("status", "--json")),
                json.loads(run("devices", "--json"))["devices"],
            )
    history_a, status_a, devices_a = views["a"]
    history_b, status_b, devices_b = views["b"]
    assert history_a == history_b
    assert status_a == status_b
    notes = [e["note"] for e in history_a]
    assert "reviewed on B" in notes and "review" not in notes and "to be deleted" not in notes
    assert {e["source"] for e in history_a} >= {"claude-code", "codex", "manual"}
    claude = [e for e in history_a if e["source"] == "claude-code"]
    assert len({e["id"] for e in claude}) == len(claude)  # imported on both: each once
    assert (
        {d["name"] for d in devices_a}
        == {d["name"] for d in devices_b}
        == {
            "Device A",
            "Device B",
        }
    )
    print(f"\nSyncthing round trip, two devices: {time.monotonic() - started:.1f} s")
