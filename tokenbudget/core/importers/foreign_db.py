"""Reading another tool's SQLite database without ever disturbing it.

OpenCode and Goose keep their usage in SQLite databases that they may be writing to while we
read. The rules, checked against SQLite 3.40 on this machine:

- **Read-only, always.** Connections are opened through a ``file:...?mode=ro`` URI: SQLite
  refuses every write, so no lock stronger than SHARED is ever taken and nothing is ever
  rolled back or checkpointed by us.
- **Short read transactions.** The connection is in autocommit mode and rows are fetched in
  batches of ``BATCH`` by rowid, each batch one statement (its own read transaction), so a
  rollback-journal database is never held against its writer for longer than one batch.
- **A busy timeout** (``BUSY_TIMEOUT``): a writer holding an exclusive lock makes us wait that
  long, then the scan gives up with a ``ForeignDatabaseError`` (the importer reports it as a
  ``Problem``); never a hang. In WAL mode a writer never blocks us.
- **No -wal or -shm file where the tool has none.** A WAL database whose tool is not running
  has no ``-wal``/``-shm`` files (the last connection checkpoints and deletes them); a
  ``mode=ro`` connection would create both and leave them behind (measured). So such a
  database is opened with ``immutable=1``, which takes no locks and creates no files. That
  is safe only while nobody writes: the database's size, mtime and the absence of a
  ``-wal`` file are checked before and after the read, and if the tool started meanwhile the
  read is done again through a ``mode=ro`` connection (the tool has created its -wal and
  -shm by then). A ``-wal`` without its ``-shm`` (left by a crash) is read ``immutable``
  too: its uncommitted-to-the-main-file pages are not seen until the tool opens the database
  again, and a problem says so.

A missing file, a file that is not SQLite, a damaged or locked database: a
``ForeignDatabaseError`` with one user-facing line, never a traceback. Row values arrive as
stored; text columns arrive as ``bytes`` (``text``) so one badly encoded row is that row's
problem, not the whole table's.

This module is the one place outside ``tokenbudget.core.ledger`` that may hold SQL
(``tests/core/test_ledger_boundary.py``): importers name tables and columns, never SQL.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TypeVar

from tokenbudget.core import message_texts as mt
from tokenbudget.core.errors import ForeignDatabaseError
from tokenbudget.core.messages import message as msg

BUSY_TIMEOUT: Final = 2.0
"""Seconds to wait for a writer's exclusive lock before giving up on the database."""

BATCH: Final = 2_000
"""Rows fetched by one statement (one short read transaction)."""

_MAGIC: Final = b"SQLite format 3\x00"
_HEADER: Final = 100

T = TypeVar("T")


def fingerprint(path: Path) -> list[int]:
    """What changes whenever the database does: size, mtime and inode of it and its -wal.

    In WAL mode a commit touches only the ``-wal`` file, so the main file alone would not
    show it. Missing files count as zeros.
    """
    out: list[int] = []
    for file in (path, _side(path, "-wal")):
        try:
            st = file.stat()
        except OSError:
            out += [0, 0, 0]
        else:
            out += [st.st_size, st.st_mtime_ns, st.st_ino]
    return out


def text(value: object) -> str | None:
    """A text column's value as ``str`` (None for NULL or a non-text value).

    Raises:
        ValueError: for bytes that are not UTF-8.
    """
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(msg(mt.NOT_VALID_UTF8)) from None
    return value if isinstance(value, str) else None


class ForeignDb:
    """One open, read-only database: its tables' columns and their rows in batches."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path
        self._columns: dict[str, frozenset[str]] = {}

    def columns(self, table: str) -> frozenset[str]:
        """The columns of ``table`` (empty when there is no such table)."""
        if table not in self._columns:
            rows = self._fetch(f"PRAGMA table_info({_quote(table)})", ())
            self._columns[table] = frozenset(text(row[1]) or "" for row in rows)
        return self._columns[table]

    def rows(
        self,
        table: str,
        columns: Sequence[str],
        *,
        contains: tuple[str, bytes] | None = None,
        equals: tuple[str, str] | None = None,
        at_least: tuple[str, int] | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """The rows of ``table`` in rowid order, ``columns`` of each (NULL for a missing one).

        Filters, all optional: ``contains`` (column, bytes the value holds), ``equals``
        (column, value) and ``at_least`` (column, number); a filter on a missing column
        matches nothing. A table that does not exist has no rows.

        Raises:
            ForeignDatabaseError: when the database cannot be read (a batch already yielded
                stays valid).
        """
        present = self.columns(table)
        if not present:
            return
        wanted = ", ".join(_quote(c) if c in present else "NULL" for c in columns)
        where, params = ["rowid > ?"], []
        for filter_, template in (
            (contains, "instr(CAST({} AS BLOB), ?) > 0"),
            (equals, "{} = ?"),
            (at_least, "{} >= ?"),
        ):
            if filter_ is None:
                continue
            column, value = filter_
            if column not in present:
                return
            where.append(template.format(_quote(column)))
            params.append(value)
        query = (
            f"SELECT rowid, {wanted} FROM {_quote(table)} "
            f"WHERE {' AND '.join(where)} ORDER BY rowid LIMIT {BATCH}"
        )
        last: int | None = -(2**63)
        while last is not None:
            batch = self._fetch(query, (last, *params))
            last = batch[-1][0] if len(batch) == BATCH else None
            for row in batch:
                yield row[1:]

    def _fetch(self, query: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        """One statement, fetched whole: one short read transaction."""
        try:
            return self._connection.execute(query, params).fetchall()
        except sqlite3.Error as err:
            raise ForeignDatabaseError(_explain(err)) from None


def read_database(path: Path, read: Callable[[ForeignDb], T]) -> tuple[T, str | None]:
    """Run ``read`` on the database at ``path``, opened read-only (see the module notes).

    Returns:
        What ``read`` returned, and a note for the user (or None): the database was read
        without its ``-wal`` file.

    Raises:
        ForeignDatabaseError: for a missing, damaged, locked or non-SQLite file.
    """
    wal = _is_wal(path)
    wal_file, shm_file = _side(path, "-wal"), _side(path, "-shm")
    has_wal, has_shm = wal_file.exists(), shm_file.exists()
    if wal and not (has_wal and has_shm):
        before = _stat(path)
        result = _with_connection(path, read, immutable=True)
        if _stat(path) == before and wal_file.exists() == has_wal:
            note = None
            if has_wal:
                note = msg(mt.DB_READ_WITHOUT_WAL)
            return result, note
        # The tool opened the database meanwhile: read again, now as one more reader.
        if not (wal_file.exists() and shm_file.exists()):
            raise ForeignDatabaseError(msg(mt.DB_CHANGED_WHILE_READ))
    return _with_connection(path, read, immutable=False), None


def _with_connection(path: Path, read: Callable[[ForeignDb], T], *, immutable: bool) -> T:
    mode = "ro&immutable=1" if immutable else "ro"
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode={mode}",
            uri=True,
            timeout=BUSY_TIMEOUT,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as err:
        raise ForeignDatabaseError(_explain(err)) from None
    try:
        connection.text_factory = bytes
        return read(ForeignDb(connection, path))
    finally:
        connection.close()


def _is_wal(path: Path) -> bool:
    """Whether the file is an SQLite database in WAL mode (header bytes 18 and 19 are 2).

    Raises:
        ForeignDatabaseError: for a missing or unreadable file, or one that is not SQLite.
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(_HEADER)
    except OSError as err:
        why = str(err.strerror or err)
        raise ForeignDatabaseError(msg(mt.CANNOT_READ_FILE, why=why)) from None
    if not header:
        return False  # an empty file is an empty database to SQLite
    if not header.startswith(_MAGIC) or len(header) < _HEADER:
        raise ForeignDatabaseError(msg(mt.DB_NOT_SQLITE))
    return header[18] == 2 or header[19] == 2


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0, 0)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _quote(name: str) -> str:
    """An SQL identifier, quoted (names come from our own code, but quote them anyway)."""
    return '"' + name.replace('"', '""') + '"'


def _explain(err: sqlite3.Error) -> str:
    """One line for the user about an SQLite error."""
    message = str(err) or type(err).__name__
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return msg(mt.DB_LOCKED, seconds=f"{BUSY_TIMEOUT:g}")
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return msg(mt.DB_DAMAGED, detail=message)
    return msg(mt.DB_UNREADABLE, detail=message)


def state_entry(state: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """The stored state of one database (``{"fp": [...], ...}``), if usable."""
    databases = state.get("databases")
    if not isinstance(databases, dict):
        return None
    entry = databases.get(key)
    return dict(entry) if isinstance(entry, dict) else None


def db_key(path: Path) -> str:
    """The key a database's state is stored under: its absolute path."""
    return os.path.abspath(path)
