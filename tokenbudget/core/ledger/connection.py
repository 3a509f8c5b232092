"""Opening the ledger: connect, configure, migrate under one lock; what each failure means.

* Every failure becomes one ``LedgerError`` subclass with a one-line message (``classify``),
  decided by SQLite's result code, not its message text. Only ``SQLITE_NOTADB`` (the file is
  not a database) and ``SQLITE_CORRUPT`` (damaged pages, confirmed by ``quick_check``) are
  corruption. "Busy", "locked", a read-only file or folder, a full disk and I/O errors leave
  the file exactly as it was.
* Migrations run inside one ``BEGIN EXCLUSIVE`` transaction that re-reads ``user_version``
  once it holds the lock: of several processes opening a fresh or old file at once, the first
  upgrades it and the others find the work done.
* A busy database is waited for (``BUSY_TIMEOUT_S``), including while switching to WAL, which
  SQLite refuses without waiting while another connection is opening the same fresh file.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from tokenbudget.core import message_texts as mt
from tokenbudget.core.errors import (
    LedgerBusyError,
    LedgerCorruptError,
    LedgerDamagedError,
    LedgerDiskError,
    LedgerError,
    LedgerReadOnlyError,
)
from tokenbudget.core.ledger.schema import MIGRATIONS, SCHEMA_VERSION, statements
from tokenbudget.core.ledger.text import ensure_text_index
from tokenbudget.core.messages import message as msg

#: How long to wait for another program that holds the ledger locked, in seconds.
BUSY_TIMEOUT_S = 10.0
#: What to tell the user whose ledger is damaged (the CLI's recovery command).
RECOVER_HINT = mt.RECOVER_HINT
#: What each ``doing`` is called in a message (translatable).
_DOING = {
    "open": msg(mt.DOING_OPEN),
    "read": msg(mt.DOING_READ),
    "search": msg(mt.DOING_SEARCH),
    "upgrade": msg(mt.DOING_UPGRADE),
    "move aside": msg(mt.DOING_MOVE_ASIDE),
    "rebuild": msg(mt.DOING_REBUILD),
    "create the folder of": msg(mt.DOING_CREATE_FOLDER),
    "write to": msg(mt.DOING_WRITE),
}

_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_READ_ONLY = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH}


def _code(exc: sqlite3.Error) -> int:
    """The primary result code of ``exc`` (-1 when SQLite gave none)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return -1 if code is None else int(code) & 0xFF


def classify(exc: BaseException, path: Path, doing: str) -> LedgerError:
    """The ``LedgerError`` that says on one line what ``exc`` means for the ledger at ``path``.

    Its message is a core ``Message`` (the GUI shows it translated; ``str()`` is English).

    Args:
        exc: An ``sqlite3.Error`` or ``OSError``.
        path: The ledger file.
        doing: What was being done, for the message ("open", "write to", ...).
    """
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    fields = {"doing": _DOING.get(doing, doing), "path": str(path), "detail": detail}
    if isinstance(exc, OSError):
        if isinstance(exc, PermissionError):
            return LedgerReadOnlyError(msg(mt.LEDGER_FOLDER_NOT_WRITABLE, **fields))
        return LedgerDiskError(msg(mt.LEDGER_CANNOT, **fields))
    code = _code(exc) if isinstance(exc, sqlite3.Error) else -1
    if code in _BUSY:
        seconds = f"{BUSY_TIMEOUT_S:g}"
        return LedgerBusyError(msg(mt.LEDGER_BUSY, path=str(path), seconds=seconds, detail=detail))
    if code in _READ_ONLY:
        return LedgerReadOnlyError(msg(mt.LEDGER_READ_ONLY, **fields))
    if code == sqlite3.SQLITE_CANTOPEN:
        return LedgerReadOnlyError(msg(mt.LEDGER_CANNOT_OPEN_FOR_WRITING, **fields))
    if code == sqlite3.SQLITE_FULL:
        return LedgerDiskError(msg(mt.LEDGER_DISK_FULL, **fields))
    if code == sqlite3.SQLITE_IOERR:
        return LedgerDiskError(msg(mt.LEDGER_DISK_ERROR, **fields))
    if code == sqlite3.SQLITE_NOTADB:
        return LedgerCorruptError(msg(mt.LEDGER_NOT_A_DATABASE, path=str(path), detail=detail))
    if code == sqlite3.SQLITE_CORRUPT:
        hint = msg(mt.RECOVER_HINT)
        return LedgerDamagedError(msg(mt.LEDGER_DAMAGED, path=str(path), detail=detail, hint=hint))
    return LedgerError(msg(mt.LEDGER_CANNOT, **fields))


@contextmanager
def translated(path: Path, doing: str) -> Iterator[None]:
    """Turn SQLite and file errors raised inside into the ``LedgerError`` they mean.

    Integrity errors pass through (callers turn them into input errors), and so do
    programming errors (a bug, not a state of the file).
    """
    try:
        yield
    except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
        raise
    except (sqlite3.DatabaseError, OSError) as exc:
        raise classify(exc, path, doing) from exc


def sqlite_connect(path: Path) -> sqlite3.Connection:
    """The one place a ledger connection is made (tests wrap it to provoke disk errors)."""
    return sqlite3.connect(
        path, isolation_level=None, check_same_thread=True, timeout=BUSY_TIMEOUT_S
    )


def user_version(db: sqlite3.Connection) -> int:
    """The database's ``user_version``."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def connect(path: Path) -> sqlite3.Connection:
    """Open, configure and migrate the ledger at ``path``.

    Raises:
        LedgerCorruptError: the file is not a database (``LedgerDamagedError``: it has
            damaged pages).
        LedgerError: it cannot be used for another reason (busy, read-only, disk full,
            written by a newer version); the file is left as it was.
    """
    with translated(path, "open"):
        db = sqlite_connect(path)
    try:
        db.row_factory = sqlite3.Row
        with translated(path, "open"):
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            _refuse_newer(user_version(db), path)
            db.execute("PRAGMA foreign_keys = ON")
            _use_wal(db, path)
            db.execute("PRAGMA synchronous = NORMAL")
        with translated(path, "upgrade"):
            migrate(db, path)
            ensure_text_index(db)
    except BaseException:
        db.close()
        raise
    return db


def _refuse_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:  # checked before anything could change the file
        raise LedgerError(msg(mt.LEDGER_NEWER, path=str(path), version=str(version)))


def _use_wal(db: sqlite3.Connection, path: Path) -> None:
    """Switch to WAL journaling, waiting while another connection holds the file."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            mode = str(db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            break
        except sqlite3.OperationalError as exc:
            if _code(exc) not in _BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    if mode.lower() != "wal":
        raise LedgerError(msg(mt.LEDGER_NO_WAL, path=str(path), mode=mode))


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to ``SCHEMA_VERSION``, all steps in one exclusive transaction.

    The version is read again once the lock is held: another process that upgraded the file
    meanwhile has left nothing to do. A failed step rolls everything back.
    """
    if user_version(db) >= SCHEMA_VERSION:
        return
    db.execute("BEGIN EXCLUSIVE")  # waits up to the busy timeout for another opener
    try:
        version = user_version(db)
        _refuse_newer(version, path)
        for step in range(version, SCHEMA_VERSION):
            for statement in statements(MIGRATIONS[step]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise


def rollback(db: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (after a full disk, say).

    A failing rollback is not reported: the error that led here is the one that matters.
    """
    if db.in_transaction:
        with suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def confirmed_damaged(path: Path) -> bool:
    """Whether ``PRAGMA quick_check`` fails (or cannot run) on the file at ``path``."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return False
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
        return [tuple(r) for r in rows] != [("ok",)]
    except sqlite3.DatabaseError as exc:
        return _code(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    finally:
        db.close()


def move_aside(path: Path, now: datetime) -> Path:
    """Rename a database (and its WAL/SHM files) to a timestamped backup; returns it.

    Raises:
        LedgerReadOnlyError: the folder cannot be written (nothing was moved).
    """
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    with translated(path, "move aside"):
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(path) + suffix)
            if source.exists():
                source.rename(Path(str(backup) + suffix))
    return backup
