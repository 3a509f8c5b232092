"""Many processes on one ledger at once: nothing moved aside, nothing lost, nothing doubled.

Run them 20 times in a row with::

    for i in $(seq 20); do python -m pytest -q -p no:cacheprovider \
        tests/core/test_ledger_concurrency.py || break; done
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tokenbudget.core.ledger import MIGRATIONS, SCHEMA_VERSION, HistoryFilter, Ledger
from tokenbudget.core.live_sync import WatchRoot, sync_all
from tokenbudget.core.service import Service
from tokenbudget.core.tokenizers import TokenizerRegistry

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
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


def v3_ledger(path: Path, count: int) -> None:
    """A schema-3 ledger with ``count`` entries, in the journal mode tokenbudget 3 left."""
    db = sqlite3.connect(path)
    db.executescript(";".join(MIGRATIONS[:3]) + ";PRAGMA user_version = 3;")
    db.executemany(
        "INSERT INTO entries (at_us, provider, model, input_tokens, output_tokens, "
        "cost_micros, currency, source, source_ref) VALUES (?, 'openai', 'm', 1, 2, 3, 'USD', "
        "'old', ?)",
        [(1_790_000_000_000_000 + i, f"old-{i}") for i in range(count)],
    )
    db.commit()
    db.close()


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
            env=ENV,
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


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


@pytest.fixture
def service(registry: TokenizerRegistry) -> Iterator[Service]:
    svc = Service(registry)
    yield svc
    svc.close()


def test_live_sync_and_a_cli_import_of_the_same_logs_count_each_row_once(
    tmp_path: Path, service: Service
) -> None:
    projects = (tmp_path / ".claude" / "projects").resolve()
    log = projects / "-home-dev-app" / "session.jsonl"
    log.parent.mkdir(parents=True)
    log.touch()
    roots = [WatchRoot("claude-code", projects)]
    written, stop = threading.Event(), threading.Event()
    errors: list[str] = []
    passes = 0

    def append() -> None:  # the tool writing its log while both import it
        with log.open("a", encoding="utf-8") as handle:
            for n in range(ROWS):
                handle.write(claude_row(n) + "\n")
                handle.flush()
                if n % 25 == 24:
                    time.sleep(0.12)
        written.set()

    def live_sync() -> None:  # the window's live sync, on its own thread and connection
        nonlocal passes
        try:
            while not stop.is_set():
                errors.extend(sync_all(service, roots, now=NOW).errors)
                passes += 1
            errors.extend(sync_all(service, roots, now=NOW).errors)
        finally:
            service.close()

    cli = [sys.executable, "-m", "tokenbudget", "import", "claude-code", str(projects)]
    threads = [threading.Thread(target=append), threading.Thread(target=live_sync)]
    for thread in threads:
        thread.start()
    runs = []  # the command line, again and again while the log grows and live sync runs
    while not written.is_set() or len(runs) < 2:
        runs.append(subprocess.run(cli, env=ENV, capture_output=True, text=True, check=False))
    stop.set()
    for thread in threads:
        thread.join(60)
    assert passes > 1
    runs.append(subprocess.run(cli, env=ENV, capture_output=True, text=True, check=False))
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert errors == []
    ledger = service.ledger
    no_backups(ledger.path.parent)
    stored = list(ledger.iter_entries(HistoryFilter()))
    refs = [e.source_ref for e in stored]
    assert len(refs) == len(set(refs)) == ROWS
    totals = ledger.totals()
    assert totals.entries == ROWS
    assert totals.tokens.input_tokens == sum(100 + n for n in range(ROWS))
    assert totals.tokens.output_tokens == sum(10 + n % 7 for n in range(ROWS))
