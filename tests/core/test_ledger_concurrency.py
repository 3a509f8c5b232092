"""Many processes on one ledger at once: nothing moved aside, nothing lost, nothing doubled.

Run them 20 times in a row with::

    for i in $(seq 20); do python -m pytest -q -p no:cacheprovider \
        tests/core/test_ledger_concurrency.py || break; done
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ledger_support import v3_ledger

from tokenbudget.core.ledger import SCHEMA_VERSION, HistoryFilter, Ledger
from tokenbudget.core.live_sync import WatchRoot, sync_all
from tokenbudget.core.services import Service

ROOT = Path(__file__).resolve().parents[2]


def child_env() -> dict[str, str]:
    """The environment of a child process, read when it starts.

    Not at import: the test's own ``TOKENBUDGET_HOME`` (conftest) is set after this module is
    imported, and a copy made earlier sent the children to the real user's ledger.
    """
    return {**os.environ, "PYTHONPATH": str(ROOT)}


PROCESSES = 8
EACH = 10

#: Waits for the go file, then opens the ledger and writes its entries one by one.
WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime, timedelta
    from pathlib import Path
    from tokenbudget.core.entries import NewEntry, TokenCounts
    from tokenbudget.core.ledger import Ledger

    path, tag, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    Path(f"{go}.{tag}").touch()  # ready
    while not go.exists():
        time.sleep(0.001)
    with Ledger.open(path) as ledger:
        start = datetime(2026, 11, 1, tzinfo=UTC)
        for i in range(count):
            ledger.add_entries([NewEntry(at=start + timedelta(seconds=i), provider="openai",
                model="gpt-5.5", tokens=TokenCounts(i, 0, 0, 0, 1), cost_micros=i,
                currency="USD", source="test", source_ref=f"{tag}-{i}")], want_ids=False)
        assert ledger.recovered_from is None
    """
)


def no_backups(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if ".corrupt-" in p.name]


@pytest.mark.parametrize("old", [0, 200], ids=["fresh", "schema-3"])
def test_many_processes_open_and_write_a_new_or_old_ledger_at_once(
    tmp_path: Path, old: int
) -> None:
    path = tmp_path / "ledger.sqlite3"
    if old:
        v3_ledger(path, old)
    go = tmp_path / "go"
    tags = [f"p{n}" for n in range(PROCESSES)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag, str(EACH), str(go)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
        for tag in tags
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.{t}").exists() for t in tags) and time.monotonic() < deadline:
        time.sleep(0.005)
    go.touch()  # all of them open the ledger at the same moment
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    no_backups(tmp_path)
    with Ledger.open(path) as ledger:
        assert ledger.recovered_from is None
        assert ledger.schema_version == SCHEMA_VERSION
        assert ledger.count() == old + PROCESSES * EACH
        refs = {e.source_ref for e in ledger.iter_entries()}
        assert refs >= {f"{t}-{i}" for t in tags for i in range(EACH)}
        assert len(refs) == old + PROCESSES * EACH
        assert ledger.text_index


# -- live sync and the command line importing the same logs -----------------------------------

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
ROWS = 300


def claude_row(n: int) -> str:
    at = datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(seconds=n)
    return json.dumps(
        {
            "type": "assistant",
            "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "requestId": f"req_{n}",
            "message": {
                "id": f"msg_{n}",
                "model": "claude-sonnet-4-5-20250929",
                "usage": {"input_tokens": 100 + n, "output_tokens": 10 + n % 7},
            },
        }
    )


#: The command line, started ahead and held at the start line (its imports done).
HELD_CLI = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tokenbudget import app, cli  # noqa: F401 - imported before the start
    go = Path(sys.argv[1])
    Path(f"{go}.cli").touch()
    while not go.exists():
        time.sleep(0.001)
    sys.exit(app.main(sys.argv[2:]))
    """
)


def start_together(go: Path, command: list[str]) -> subprocess.Popen[str]:
    """Start the command line held at the start line, then create ``go`` to let all go."""
    held = subprocess.Popen(
        [sys.executable, "-c", HELD_CLI, str(go), *command],
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not Path(f"{go}.cli").exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    go.touch()
    return held


def test_live_sync_and_a_cli_import_of_the_same_logs_count_each_row_once(
    tmp_path: Path, service: Service
) -> None:
    """On a fresh home both create the ledger, then both import a log that keeps growing."""
    projects = (tmp_path / ".claude" / "projects").resolve()
    log = projects / "-home-dev-app" / "session.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text("".join(claude_row(n) + "\n" for n in range(ROWS // 3)), encoding="utf-8")
    roots = [WatchRoot("claude-code", projects)]
    go = tmp_path / "go"
    written, stop = threading.Event(), threading.Event()
    errors: list[str] = []
    passes = 0

    def append() -> None:  # the tool writing its log while both import it
        with log.open("a", encoding="utf-8") as handle:
            for n in range(ROWS // 3, ROWS):
                handle.write(claude_row(n) + "\n")
                handle.flush()
                if n % 25 == 24:
                    time.sleep(0.12)
        written.set()

    def live_sync() -> None:  # the window's live sync, on its own thread and connection
        nonlocal passes
        while not go.exists():
            time.sleep(0.001)
        try:
            while not stop.is_set():
                errors.extend(sync_all(service, roots, now=NOW).errors)
                passes += 1
            errors.extend(sync_all(service, roots, now=NOW).errors)
        finally:
            service.close()

    command = ["import", "claude-code", str(projects)]
    threads = [threading.Thread(target=live_sync), threading.Thread(target=append)]
    threads[0].start()
    held = start_together(go, command)  # the command line and live sync, on a fresh home
    threads[1].start()
    _, err = held.communicate(timeout=120)
    assert held.returncode == 0, err
    cli = [sys.executable, "-m", "tokenbudget", *command]
    runs = []  # the command line again and again while the log grows and live sync runs
    while not written.is_set() or not runs:
        runs.append(
            subprocess.run(cli, env=child_env(), capture_output=True, text=True, check=False)
        )
    stop.set()
    for thread in threads:
        thread.join(60)
    assert passes > 1
    runs.append(subprocess.run(cli, env=child_env(), capture_output=True, text=True, check=False))
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert errors == []
    each_row_once(service._parts.ledger)


def each_row_once(ledger: Ledger) -> None:
    """Every row of the log is in ``ledger`` exactly once, and the totals are exact."""
    no_backups(ledger.path.parent)
    stored = list(ledger.iter_entries(HistoryFilter()))
    refs = [e.source_ref for e in stored]
    assert len(refs) == len(set(refs)) == ROWS
    totals = ledger.totals()
    assert totals.entries == ROWS
    assert totals.tokens.input_tokens == sum(100 + n for n in range(ROWS))
    assert totals.tokens.output_tokens == sum(10 + n % 7 for n in range(ROWS))
