"""OpenCode: the SQLite ``opencode.db`` (1.2 and later) and the legacy JSON storage.

Checked against the source of anomalyco/opencode (``sst/opencode`` moved there):
``packages/opencode/src/session/session.sql.ts`` @063e8306 (tables), ``message-v2.ts``
@007a9409 (the step-finish part and the assistant message), ``storage/json-migration.ts``
@062aa8c0 (the legacy layout and how it is copied into SQLite), ``storage/schema.sql.ts``
@9b58d743 (timestamps) and ``migration/20260510033149_session_usage/migration.sql`` @1bd1d292
(OpenCode's own session totals are sums of the step-finish parts).

Where: the data folder ``$XDG_DATA_HOME/opencode``, else ``~/.local/share/opencode`` on every
system (OpenCode takes it from ``xdg-basedir``, which does not branch on the platform, so
macOS and Windows use the same ``.local/share`` below the home folder); a database named by
``$OPENCODE_DB`` (an absolute path, or a name inside the data folder). Read there:
``opencode*.db`` (channel builds write ``opencode-<channel>.db``) and ``storage/``.

What counts: one record per **step-finish part** (one provider call), never the message's
``tokens``: OpenCode overwrites those at every step while ``cost`` accumulates, so a
multi-step message under-reports. A part ``{"type": "step-finish", "tokens": {"total"?,
"input", "output", "reasoning", "cache": {"read", "write"}}, "cost"}`` becomes::

    input_tokens = input, cache_read_tokens = cache.read, cache_write_5m_tokens = cache.write,
    output_tokens = output (+ reasoning when the part keeps it apart, see ``output_of``)

``input`` is already net of the cache in every version. ``cost`` is never taken (OpenCode
writes 0 for many providers): the records are unpriced and the service prices them. Model
``modelID`` and provider ``providerID`` (through ``named_provider``) come from the part's
assistant message, and so does the time (the message's ``time.created``; a migrated part's
own row time is the migration's). Project: the session's ``directory``, else the message's
``path.cwd``.

Duplicates: ``source_ref`` is the part id, which the migration to SQLite keeps, so a
message in both the database and the legacy JSON left behind counts once, in any order.

Incremental: a database whose file and ``-wal`` are unchanged is not opened; otherwise the
parts updated since the newest one seen, less ``MARGIN_MS``, are read (all of them on a
first run or a rescan), together with the assistant messages updated as recently (and any
older message such a part needs). A legacy part folder is read again when its mtime changes
(step-finish parts are written once, into a new file). The legacy reader is
``opencode_legacy``.

UNVERIFIED: messages written before step-finish parts existed (if any such install
survives) count nothing; the ``session_message`` table of the newest versions is a second
projection of the same sessions (``message``/``part`` are still written), so it is not read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.errors import ForeignDatabaseError
from tokenbudget.core.importers.base import SOURCE_OPENCODE, ImportResult, Problem, ProblemLog
from tokenbudget.core.importers.foreign_db import (
    ForeignDb,
    db_key,
    fingerprint,
    read_database,
    text,
)
from tokenbudget.core.importers.opencode_legacy import LegacyStorage
from tokenbudget.core.importers.opencode_rows import Message, message_of, step_record
from tokenbudget.core.importers.scan import STATE_VERSION, Found, Sink, expand
from tokenbudget.core.importers.streaming import describe, parse_json
from tokenbudget.core.messages import message as msg
from tokenbudget.core.messages import text_of

MARGIN_MS: Final = 3_600_000
"""How far before the newest part seen a resumed read starts (clock steps, slow commits)."""

_PART_COLUMNS: Final = ("id", "message_id", "session_id", "time_created", "time_updated", "data")
_MESSAGE_COLUMNS: Final = ("id", "session_id", "time_updated", "data")


class OpenCodeImporter:
    """Reads OpenCode's step-finish parts from its database and its legacy JSON storage."""

    name = SOURCE_OPENCODE
    per_session = False

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """The data folder (``$XDG_DATA_HOME/opencode``), and ``$OPENCODE_DB`` if set."""
        configured = env.get("XDG_DATA_HOME", "").strip()
        data = (expand(configured, home) if configured else home / ".local" / "share") / "opencode"
        roots = [data]
        named = env.get("OPENCODE_DB", "").strip()
        if named and named != ":memory:":
            path = expand(named, home)
            roots.append(path if path.is_absolute() else data / path)
        return roots

    def reads(self, path: Path) -> bool:
        """``opencode*.db`` (and its ``-wal``), and legacy ``storage/part/<message>/*.json``."""
        name = path.name.removesuffix("-wal")
        if name.endswith(".db"):
            return name.startswith("opencode")
        return path.suffix == ".json" and path.parent.parent.name == "part"

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read the step-finish parts added since ``state`` under ``roots``."""
        found = Found(sink)
        problems: list[Problem] = []
        old_dbs, old_legacy, usable = _states(state)
        if not usable:
            problems.append(Problem("(import state)", None, msg(mt.STATE_UNREADABLE_ALL)))
        databases, storages = _targets(roots)
        new_dbs = {k: v for k, v in old_dbs.items() if not _under(k, roots)}
        new_legacy = {k: v for k, v in old_legacy.items() if not _under(k, roots)}
        files_read = bytes_read = 0
        for path in databases:
            key = db_key(path)
            entry, read = _scan_database(path, old_dbs.get(key), found, problems)
            if entry is not None:
                new_dbs[key] = entry
            if read:
                files_read += 1
                bytes_read += read
        for storage in storages:
            key = db_key(storage)
            legacy = LegacyStorage(storage, found, problems)
            new_legacy[key] = legacy.scan(old_legacy.get(key, {}))
            files_read += legacy.files_read
            bytes_read += legacy.bytes_read
        new_state = {"version": STATE_VERSION, "databases": new_dbs, "legacy": new_legacy}
        return ImportResult(found.records(), problems, new_state, files_read, bytes_read)


def _states(
    state: Mapping[str, Any],
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]], bool]:
    if not state:
        return {}, {}, True
    dbs, legacy = state.get("databases"), state.get("legacy")
    if state.get("version") != STATE_VERSION or not isinstance(dbs, dict):
        return {}, {}, False
    legacy = legacy if isinstance(legacy, dict) else {}
    return (
        {k: dict(v) for k, v in dbs.items() if isinstance(v, dict)},
        {k: dict(v) for k, v in legacy.items() if isinstance(v, dict)},
        True,
    )


def _under(key: str, roots: Sequence[Path]) -> bool:
    for root in roots:
        base = db_key(root).removesuffix("-wal")
        if key == base or key.startswith(base.rstrip(os.sep) + os.sep):
            return True
    return False


def _targets(roots: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The databases and the legacy ``storage`` folders to read below ``roots``."""
    databases: dict[str, Path] = {}
    storages: dict[str, Path] = {}
    for given in roots:
        root = given
        if root.name.endswith(".db-wal"):
            root = root.with_name(root.name.removesuffix("-wal"))
        if root.is_file():
            if root.suffix == ".db":
                databases.setdefault(db_key(root), root)
            elif root.suffix == ".json" and root.parent.parent.name == "part":
                storages.setdefault(db_key(root.parent.parent.parent), root.parent.parent.parent)
        elif root.is_dir():
            if root.name == "storage":
                storages.setdefault(db_key(root), root)
                continue
            if root.parent.name == "part" and root.parent.parent.name == "storage":
                storages.setdefault(db_key(root.parent.parent), root.parent.parent)
                continue
            for path in sorted(root.glob("opencode*.db")):
                if path.is_file():
                    databases.setdefault(db_key(path), path)
            if (root / "storage").is_dir():
                storages.setdefault(db_key(root / "storage"), root / "storage")
    return (
        [databases[k] for k in sorted(databases)],
        [storages[k] for k in sorted(storages)],
    )


def _scan_database(
    path: Path, before: dict[str, Any] | None, found: Found, problems: list[Problem]
) -> tuple[dict[str, Any] | None, int]:
    """Read one database if it changed: (its new state, bytes of database read)."""
    fp = fingerprint(path)
    if before is not None and before.get("fp") == fp:
        return before, 0
    since = before.get("since") if before is not None else None
    old_fp = before.get("fp") if before is not None else None
    if (
        not isinstance(since, int)
        or not isinstance(old_fp, list)
        or len(old_fp) != len(fp)
        or old_fp[2] != fp[2]  # another file now (inode): read it all
    ):
        since = 0
    log = ProblemLog(str(path), problems)
    try:
        newest, note = read_database(path, lambda db: _read(db, since, found, log))
    except ForeignDatabaseError as err:
        log.add(None, text_of(err))
        log.close()
        return before, 0
    if note is not None:
        log.add(None, note)
    log.close()
    return {"fp": fp, "since": max(since, newest - MARGIN_MS)}, fp[0] + fp[3]


def _read(db: ForeignDb, since: int, found: Found, log: ProblemLog) -> int:
    """Add the step-finish parts updated since ``since``; the newest part time seen."""
    directories: dict[str, str] = {}
    for sid, directory in db.rows("session", ("id", "directory")):
        try:
            key, folder = text(sid), text(directory)
        except ValueError:
            continue  # the session's project is then unknown; its parts still count
        if key and folder:
            directories[key] = folder

    messages: dict[str, Message] = {}
    tried: set[str] = set()  # read already (a damaged one is reported once)

    def remember(row: tuple[Any, ...]) -> None:
        mid = sid = None
        try:
            mid, sid = text(row[0]), text(row[1])
            tried.add(mid or "")
            info = message_of(parse_json(row[3]), directories.get(sid or ""))
        except ValueError as err:
            log.add(None, msg(mt.IN_MESSAGE, message=mid or "?", problem=describe(err)))
            return
        if mid and info is not None:
            messages[mid] = info

    recent = _recent(db, "message", since)
    assistant = ("data", b'"assistant"')
    for row in db.rows("message", _MESSAGE_COLUMNS, contains=assistant, at_least=recent):
        remember(row)

    newest = since
    waiting: list[tuple[Any, ...]] = []
    recent = _recent(db, "part", since)
    for row in db.rows("part", _PART_COLUMNS, contains=("data", b"step-finish"), at_least=recent):
        if isinstance(row[4], int):
            newest = max(newest, row[4])
        mid = _safe_text(row[1])
        if mid is not None and mid not in messages:
            waiting.append(row)  # its message is older than ``since``: looked up below
            continue
        _take(row, messages.get(mid or ""), found, log)
    for row in waiting:
        mid = _safe_text(row[1]) or ""
        if mid not in tried:
            for found_row in db.rows("message", _MESSAGE_COLUMNS, equals=("id", mid)):
                remember(found_row)
        _take(row, messages.get(mid), found, log)
    return newest


def _recent(db: ForeignDb, table: str, since: int) -> tuple[str, int] | None:
    """The filter for rows updated since ``since`` (None: every row)."""
    return ("time_updated", since) if since and "time_updated" in db.columns(table) else None


def _safe_text(value: object) -> str | None:
    try:
        return text(value)
    except ValueError:
        return None


def _take(row: tuple[Any, ...], message: Message | None, found: Found, log: ProblemLog) -> None:
    """Add the record of one part row (id, message, session, created, updated, data)."""
    pid = _safe_text(row[0])
    try:
        if not pid:
            raise ValueError(msg(mt.PART_NO_ID))
        part = parse_json(row[5])
        record = step_record(pid, part, message, row[3])
    except ValueError as err:
        log.add(None, msg(mt.IN_PART, part=pid or "?", problem=describe(err)))
        return
    if record is not None:
        found.add(record)
