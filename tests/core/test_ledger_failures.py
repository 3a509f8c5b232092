"""What the ledger does when something goes wrong: only a file that is no database moves.

Busy, read-only, a full disk and a migration that another process already applied are clear
one-line ``LedgerError``s that leave the file as it was. Full disks are real ``SQLITE_FULL``
errors, provoked with ``PRAGMA max_page_count``. Read-only files and folders are real
permissions: as root (whom ``chmod`` does not stop) the check runs in a child process as the
unprivileged user ``nobody``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ledger_support import v3_ledger

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Ledger,
    LedgerBusyError,
    LedgerCorruptError,
    LedgerDamagedError,
    LedgerDiskError,
    LedgerError,
    LedgerReadOnlyError,
)
from tokenbudget.core.ledger import connection as ledger_connection

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def entry(i: int, **kw: Any) -> NewEntry:
    values: dict[str, Any] = {
        "at": T0 + timedelta(minutes=i),
        "provider": "openai",
        "model": "gpt-5.5",
        "tokens": TokenCounts(100 + i, 0, 0, 0, 20),
        "cost_micros": 1000 + i,
        "currency": "USD",
        "source": "codex",
        "source_ref": f"r{i}",
        "note": f"note {i} " + "x" * 200,
    }
    values.update(kw)
    return NewEntry(**values)


def backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".corrupt-" in p.name)


def one_line(exc: BaseException) -> str:
    message = str(exc)
    assert message and "\n" not in message
    return message


# -- a migration that another opener applied first ---------------------------------------


@pytest.fixture
def begin_seen(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once a ledger connection made from now on starts a ``BEGIN`` (takes the lock)."""
    seen = threading.Event()
    real_connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = real_connect(*args, **kwargs)
        db.set_trace_callback(lambda sql: seen.set() if sql.lstrip().startswith("BEGIN") else None)
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    return seen


@pytest.mark.parametrize("start", [0, 3])
def test_an_opener_that_waited_for_another_ones_migration_finds_it_done(
    tmp_path: Path, begin_seen: threading.Event, start: int
) -> None:
    """Both read the old version; the one that waited for the lock must not re-run the steps."""
    path = tmp_path / "ledger.sqlite3"
    if start:
        v3_ledger(path, 50, wal=True)
    holder = sqlite3.connect(path, isolation_level=None)  # made before the trace: not seen
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("BEGIN IMMEDIATE")  # the other opener, in the middle of its migration
    opened: list[tuple[Path | None, int, int] | BaseException] = []

    def open_it() -> None:  # a connection belongs to its thread: look at it there
        try:
            with Ledger.open(path) as ledger:
                opened.append((ledger.recovered_from, ledger.schema_version, ledger.count()))
        except BaseException as exc:  # reported by the assertions below
            opened.append(exc)

    thread = threading.Thread(target=open_it)
    thread.start()
    assert begin_seen.wait(10)  # it has read the old version and now waits for the lock
    for step in range(start, SCHEMA_VERSION):
        for statement in ledger_connection.statements(MIGRATIONS[step]):
            holder.execute(statement)
        holder.execute(f"PRAGMA user_version = {step + 1}")
    holder.execute("COMMIT")
    holder.close()
    thread.join(20)
    assert opened == [(None, SCHEMA_VERSION, 50 if start else 0)]
    assert backups(tmp_path) == []


# -- a full disk ---------------------------------------------------------------------------


def test_a_full_disk_during_an_import_says_so_and_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.add_entries([entry(i) for i in range(10)], state=("codex", {"at": 10}))
        pages = ledger._db.execute("PRAGMA page_count").fetchone()[0]
        ledger._db.execute(f"PRAGMA max_page_count = {pages + 1}")  # the disk fills up
        with pytest.raises(LedgerDiskError) as caught:
            ledger.add_entries(
                [entry(i) for i in range(10, 2000)], state=("codex", {"at": 2000}), want_ids=False
            )
        message = one_line(caught.value)
        assert "disk is full" in message
        assert "rollback" not in message
        assert ledger.count() == 10  # nothing half-imported
        assert ledger.import_state("codex") == {"at": 10}
        ledger._db.execute("PRAGMA max_page_count = 1073741823")  # space freed again
        ledger.add_entries([entry(i) for i in range(10, 2000)], want_ids=False)
        assert ledger.count() == 2000
    assert backups(tmp_path) == []


def limit_pages(monkeypatch: pytest.MonkeyPatch, spare: int) -> None:
    """Every new connection may grow its database by ``spare`` pages at most (a full disk)."""
    real_connect = sqlite3.connect

    def full(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = real_connect(*args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {max(1, pages + spare)}")
        return db

    monkeypatch.setattr(sqlite3, "connect", full)


def test_starting_on_a_full_disk_is_a_disk_error_not_a_corrupt_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.sqlite3"
    limit_pages(monkeypatch, 0)
    for _ in range(3):  # each start used to leave another .corrupt-* file behind
        with pytest.raises(LedgerDiskError, match="disk is full"):
            Ledger.open(path)
    assert backups(tmp_path) == []


def test_upgrading_on_a_full_disk_leaves_the_old_ledger_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.sqlite3"
    v3_ledger(path, 2000, wal=True)
    before = path.read_bytes()
    limit_pages(monkeypatch, 0)
    with pytest.raises(LedgerDiskError) as caught:
        Ledger.open(path)
    assert "disk is full" in one_line(caught.value)
    assert backups(tmp_path) == []
    assert path.read_bytes() == before
    monkeypatch.undo()
    with Ledger.open(path) as upgraded:
        assert upgraded.count() == 2000


# -- busy ------------------------------------------------------------------------------------


def test_a_writer_waits_for_another_and_then_writes(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
        start = time.monotonic()
        ledger.add_entry(entry(1))
        assert time.monotonic() - start >= 0.4  # it waited instead of failing
        assert ledger.count() == 1
        other.close()


def test_a_ledger_held_too_long_is_one_clear_busy_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_connection, "BUSY_TIMEOUT_S", 0.3)
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(LedgerBusyError) as caught:
            ledger.add_entry(entry(1))
        assert "is busy" in one_line(caught.value)
        other.execute("ROLLBACK")
        other.close()
        ledger.add_entry(entry(1))
        assert ledger.count() == 1


# -- garbled importer state --------------------------------------------------------------------


@pytest.mark.parametrize("stored", ["{not json", "[1, 2]", '"text"', "null", ""])
def test_an_unreadable_import_state_reads_as_empty(tmp_path: Path, stored: str) -> None:
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger:
        ledger.add_entries([entry(1)], state=("codex", {"files": {}}))
        ledger._db.execute("UPDATE import_state SET state = ?", (stored,))
        assert ledger.import_state("codex") == {}
        ledger.add_entries([entry(2)], state=("codex", {"files": {"a": 1}}))  # and it heals
        assert ledger.import_state("codex") == {"files": {"a": 1}}


# -- what counts as corrupt ----------------------------------------------------------------------


def _error(code: int, text: str) -> sqlite3.Error:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    return exc


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (sqlite3.SQLITE_BUSY, LedgerBusyError),
        (sqlite3.SQLITE_LOCKED, LedgerBusyError),
        (sqlite3.SQLITE_READONLY, LedgerReadOnlyError),
        (sqlite3.SQLITE_READONLY_DBMOVED, LedgerReadOnlyError),
        (sqlite3.SQLITE_CANTOPEN, LedgerReadOnlyError),
        (sqlite3.SQLITE_FULL, LedgerDiskError),
        (sqlite3.SQLITE_IOERR_WRITE, LedgerDiskError),
        (sqlite3.SQLITE_NOTADB, LedgerCorruptError),
        (sqlite3.SQLITE_CORRUPT, LedgerDamagedError),
        (sqlite3.SQLITE_ERROR, LedgerError),
    ],
)
def test_errors_are_told_apart_by_sqlite_code(code: int, kind: type[LedgerError]) -> None:
    result = ledger_connection.classify(_error(code, "boom"), Path("/x/l.db"), "open")
    assert type(result) is kind
    one_line(result)
    corrupt = isinstance(result, LedgerCorruptError)
    assert corrupt == (code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT))


def test_a_newer_schema_met_inside_the_lock_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    Ledger.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(LedgerError, match="newer tokenbudget"):
        Ledger.open(path)
    assert backups(tmp_path) == []


# -- read-only files and folders, as an unprivileged user -------------------------------------

CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from tokenbudget.core.entries import NewEntry, TokenCounts
    from tokenbudget.core.ledger import Ledger, LedgerError
    from datetime import UTC, datetime
    path = Path(sys.argv[1])
    out = {}
    try:
        with Ledger.open(path) as ledger:
            out["count"] = ledger.count()
            ledger.add_entry(NewEntry(datetime.now(UTC), "x", "m", TokenCounts(1, 0, 0, 0, 1),
                None, None, source="manual"))
            out["wrote"] = True
    except LedgerError as exc:
        out["error"], out["message"] = type(exc).__name__, str(exc)
    print(json.dumps(out))
    """
)


def _unprivileged_python() -> list[str] | None:
    """How to run Python as an unprivileged user here (None: cannot)."""
    if os.getuid() != 0:
        return [sys.executable]
    for python in (sys.executable, shutil.which("python3.11") or "", "/usr/bin/python3"):
        if python and _runs_as_nobody(python):
            return [python]
    return None


def _as_nobody(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``args`` from ``/`` as user ``nobody`` when we are root, else as ourselves."""
    return subprocess.run(
        args,
        check=False,
        user=65534 if os.getuid() == 0 else None,
        env={"PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/"},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _runs_as_nobody(python: str) -> bool:
    try:
        probe = _as_nobody([python, "-c", "import tokenbudget.core.ledger"], timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


@pytest.fixture(scope="module")
def unprivileged() -> Callable[[Path], dict[str, Any]]:
    python = _unprivileged_python()
    if python is None:
        pytest.skip("no Python that an unprivileged user can run")

    def run(path: Path) -> dict[str, Any]:
        done = _as_nobody([*python, "-c", CHECK, str(path)], timeout=120)
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    return run


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder that ``nobody`` can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="tb-ledger-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


def _healthy(folder: Path) -> Path:
    path = folder / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        ledger.add_entries([entry(i) for i in range(30)], want_ids=False)
    return path


def test_a_read_only_ledger_file_is_never_replaced(
    shared_dir: Path, unprivileged: Callable[[Path], dict[str, Any]]
) -> None:
    """As after a ``sudo tokenbudget ...``: the file belongs to someone else."""
    path = _healthy(shared_dir)
    path.chmod(0o444)
    before = path.read_bytes()
    result = unprivileged(path)
    assert result.get("error") == "LedgerReadOnlyError", result
    assert "read-only" in result["message"] and "\n" not in result["message"]
    assert result.get("count", 30) == 30
    assert path.read_bytes() == before
    assert backups(shared_dir) == []


def test_a_ledger_in_a_read_only_folder_is_never_moved(
    shared_dir: Path, unprivileged: Callable[[Path], dict[str, Any]]
) -> None:
    path = _healthy(shared_dir)
    path.chmod(0o666)
    before = path.read_bytes()
    shared_dir.chmod(0o555)
    result = unprivileged(path)
    assert result.get("error") == "LedgerReadOnlyError", result
    assert "\n" not in result["message"]
    assert path.read_bytes() == before
    assert backups(shared_dir) == []


def test_a_corrupt_file_in_a_read_only_folder_is_a_clear_error(
    shared_dir: Path, unprivileged: Callable[[Path], dict[str, Any]]
) -> None:
    path = shared_dir / "ledger.sqlite3"
    path.write_bytes(b"not a database at all\x00" * 300)
    path.chmod(0o666)
    shared_dir.chmod(0o555)
    result = unprivileged(path)
    assert result.get("error") == "LedgerReadOnlyError", result
    assert "\n" not in result["message"]
    assert backups(shared_dir) == []
