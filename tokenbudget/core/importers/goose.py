"""Goose: one running total per session in ``sessions.db``.

Checked against block/goose: ``crates/goose/src/config/paths.rs`` @0780e228 (where),
``crates/goose/src/session/session_manager.rs`` @0164300649 and @dbec1655 (the ``sessions``
and ``messages`` tables; the public index mixes forks' versions of that file, so only the
columns common to them are relied on) and ``session/storage.rs`` @e3e6f126 (the legacy
per-session JSONL files, whose ``accumulated_*`` totals Goose copies into ``sessions.db``
when it creates the database).

Where: ``$GOOSE_PATH_ROOT/data/sessions/sessions.db`` when that is an absolute path; else
Goose's data folder: ``$XDG_DATA_HOME/goose`` or ``~/.local/share/goose`` (Linux),
``~/Library/Application Support/Block/goose`` (macOS; ``~/.local/share/goose`` is tried too)
and ``%APPDATA%/Block/goose/data`` (Windows, UNVERIFIED), each with
``sessions/sessions.db``.

What counts: each row of ``sessions`` with a running total, as **one entry per session**
(``source_ref`` = the session id, ``note`` says it is a session total), so a session that
grew replaces its entry (the newest record wins, ``entries.DUPLICATE_WINNERS``) and a full
rescan gives the same totals with no state at all. Time: ``updated_at`` (the whole session
is dated at its last update). Model: ``model_config_json.model_name``; provider: the model's
name, else ``provider_name``. Project: ``working_dir``. Requests: the session's assistant
messages (``messages.role``), at least 1; after a compaction Goose rewrites the
conversation, so this is a lower bound. Cost: never taken (left for the service to price).

Tokens, from ``accumulated_*`` (the running sums of every provider reply; the plain
``input_tokens``/``output_tokens`` are only the last reply's, so a session without the
accumulated columns counts nothing)::

    input_tokens = accumulated_input (- the cache columns, when they fit inside it)
    cache_read_tokens = accumulated_cache_read_tokens, cache_write_5m = ..._cache_write_tokens
    output_tokens = accumulated_output + (accumulated_total - input - output, if positive)

UNVERIFIED: whether the cache columns (newer versions only) are part of the input (taken as
part of it when they fit), what a positive gap between the total and input + output is
(counted as output: third-party trackers read it as reasoning), whether sub-agent sessions
are also added into their parent (each session is counted as itself), and the Windows path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.errors import ForeignDatabaseError
from tokenbudget.core.importers.base import SOURCE_GOOSE, ImportResult, Problem, ProblemLog
from tokenbudget.core.importers.foreign_db import (
    ForeignDb,
    db_key,
    fingerprint,
    read_database,
    text,
)
from tokenbudget.core.importers.named_provider import provider_for
from tokenbudget.core.importers.scan import STATE_VERSION, Found, Sink, expand
from tokenbudget.core.importers.streaming import describe, parse_json
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    parse_time,
    project_value,
    usage_entry,
)
from tokenbudget.core.messages import message as msg
from tokenbudget.core.messages import text_of

DB_NAME: Final = "sessions.db"
UNKNOWN_MODEL: Final = "unknown"
NOTE: Final = "session total (Goose logs one running total per session)"

_COLUMNS: Final = (
    "id",
    "updated_at",
    "working_dir",
    "provider_name",
    "model_config_json",
    "accumulated_input_tokens",
    "accumulated_output_tokens",
    "accumulated_total_tokens",
    "accumulated_cache_read_tokens",
    "accumulated_cache_write_tokens",
)


class GooseImporter:
    """Reads Goose's per-session running totals (one entry per session)."""

    name = SOURCE_GOOSE
    per_session = True

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$GOOSE_PATH_ROOT/data/sessions``, else Goose's data folders on each system."""
        configured = env.get("GOOSE_PATH_ROOT", "").strip()
        if configured and Path(configured).is_absolute():
            return [Path(configured) / "data" / "sessions"]
        xdg = env.get("XDG_DATA_HOME", "").strip()
        data = expand(xdg, home) if xdg else home / ".local" / "share"
        appdata = env.get("APPDATA", "").strip()
        windows = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return [
            data / "goose" / "sessions",
            home / "Library" / "Application Support" / "Block" / "goose" / "sessions",
            windows / "Block" / "goose" / "data" / "sessions",
        ]

    def reads(self, path: Path) -> bool:
        """``sessions.db`` and its ``-wal``."""
        return path.name in (DB_NAME, DB_NAME + "-wal")

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read the session totals of every changed ``sessions.db`` under ``roots``."""
        found = Found(sink)
        problems: list[Problem] = []
        old = _old_state(state, problems)
        new = {k: v for k, v in old.items() if not _under(k, roots)}
        files_read = bytes_read = 0
        for path in _databases(roots):
            key = db_key(path)
            fp = fingerprint(path)
            if old.get(key) == fp:
                new[key] = fp
                continue
            log = ProblemLog(str(path), problems)

            def read(db: ForeignDb, log: ProblemLog = log) -> None:
                _read(db, found, log)

            try:
                _, note = read_database(path, read)
            except ForeignDatabaseError as err:
                log.add(None, text_of(err))
                log.close()
                if key in old:
                    new[key] = old[key]
                continue
            if note is not None:
                log.add(None, note)
            log.close()
            new[key] = fp
            files_read += 1
            bytes_read += fp[0] + fp[3]
        new_state = {"version": STATE_VERSION, "databases": new}
        return ImportResult(found.records(), problems, new_state, files_read, bytes_read)


def _old_state(state: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    if not state:
        return {}
    databases = state.get("databases")
    if state.get("version") != STATE_VERSION or not isinstance(databases, dict):
        problems.append(Problem("(import state)", None, msg(mt.STATE_UNREADABLE_ALL)))
        return {}
    return dict(databases)


def _under(key: str, roots: Sequence[Path]) -> bool:
    for root in roots:
        base = db_key(root).removesuffix("-wal")
        if key == base or key.startswith(base.rstrip(os.sep) + os.sep):
            return True
    return False


def _databases(roots: Sequence[Path]) -> list[Path]:
    found: dict[str, Path] = {}
    for given in roots:
        root = given.with_name(DB_NAME) if given.name == DB_NAME + "-wal" else given
        path = root / DB_NAME if root.is_dir() else root
        if path.is_file():
            found.setdefault(db_key(path), path)
    return [found[k] for k in sorted(found)]


def _read(db: ForeignDb, found: Found, log: ProblemLog) -> None:
    requests: dict[bytes, int] = {}
    for session, _ in db.rows("messages", ("session_id", "role"), equals=("role", "assistant")):
        if isinstance(session, bytes):
            requests[session] = requests.get(session, 0) + 1
    for row in db.rows("sessions", _COLUMNS):
        sid = row[0]
        try:
            model = model_of(row[4])
        except ValueError as err:  # the session still counts, as an unknown model
            log.add(
                None,
                msg(
                    mt.IN_SESSION_FIELD,
                    session=_shown(sid),
                    field="model_config_json",
                    problem=describe(err),
                ),
            )
            model = UNKNOWN_MODEL
        try:
            count_ = requests.get(sid, 0) if isinstance(sid, bytes) else 0
            record = session_record(row, model, count_)
        except ValueError as err:
            log.add(None, msg(mt.IN_SESSION, session=_shown(sid), problem=describe(err)))
            continue
        if record is not None:
            found.add(record)


def model_of(config: object) -> str:
    """The model named by a ``model_config_json`` value (``unknown`` when none is).

    Raises:
        ValueError: for a value that is not JSON, or a name the ledger cannot store.
    """
    config_text = text(config)
    if not config_text:
        return UNKNOWN_MODEL
    parsed = parse_json(config_text)
    name = parsed.get("model_name") if isinstance(parsed, dict) else None
    if isinstance(name, str) and name.strip():
        return checked_text(name, "model")
    return UNKNOWN_MODEL


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def session_record(row: Sequence[Any], model: str, requests: int) -> NewEntry | None:
    """The entry of one ``sessions`` row (columns as ``_COLUMNS``); None without a total.

    Raises:
        ValueError: for a row whose values cannot be read or stored.
    """
    sid = text(row[0])
    if not sid:
        raise ValueError(msg(mt.SESSION_NO_ID))
    totals = dict(zip(("input", "output", "total", "read", "write"), row[5:10], strict=True))
    if totals["input"] is None and totals["output"] is None and totals["total"] is None:
        return None  # no running total was ever kept for it
    raw_input, output = count(totals, "input"), count(totals, "output")
    read, write = count(totals, "read"), count(totals, "write")
    total = count(totals, "total")
    uncached = raw_input - read - write if read + write <= raw_input else raw_input
    output += max(0, total - raw_input - output)
    tokens = TokenCounts(
        input_tokens=uncached,
        cache_read_tokens=read,
        cache_write_5m_tokens=write,
        output_tokens=output,
    )
    if tokens.total_tokens == 0:
        return None
    at = parse_time(text(row[1]) if isinstance(row[1], bytes) else row[1])
    if at is None:
        raise ValueError(msg(mt.NO_UPDATED_AT))
    record = usage_entry(
        at=at,
        provider=provider_for(model, text(row[3])),
        model=model,
        tokens=tokens,
        source=SOURCE_GOOSE,
        source_ref=checked_text(sid, "session id"),
        note=NOTE,
        requests=max(1, requests),
    )
    where = project_value(text(row[2]))
    return record if where is None else replace(record, project=where)
