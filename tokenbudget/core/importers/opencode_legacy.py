"""OpenCode's legacy JSON storage (before 1.2, and left behind by the migration to SQLite).

Layout (``storage/json-migration.ts`` @062aa8c0 reads it the same way): ``part/<message
id>/<part id>.json`` (each part, with its ``sessionID`` and ``messageID``),
``message/<session id>/<message id>.json`` and ``session/<project id>/<session id>.json``
(``directory``). Only step-finish parts count (``opencode.step_record``); the message and
the session are looked up once per scan.

State: the mtime of each part folder, so a folder is read again only when a part file was
added to it (step-finish parts are written once). A part folder that cannot be listed, a
file that cannot be read or is not JSON: a ``Problem`` for that file, and the rest is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokenbudget.core import message_texts as mt
from tokenbudget.core.importers.base import Problem, ProblemLog
from tokenbudget.core.importers.opencode_rows import Message, message_of, step_record
from tokenbudget.core.importers.scan import Found
from tokenbudget.core.importers.streaming import describe, parse_json
from tokenbudget.core.messages import message as msg


class LegacyStorage:
    """One ``storage`` folder, read against the part-folder mtimes of the last run."""

    def __init__(self, root: Path, found: Found, problems: list[Problem]) -> None:
        self.root = root
        self._found = found
        self._problems = problems
        self._messages: dict[tuple[str, str], Message | None] = {}
        self._sessions: dict[str, Path] | None = None
        self._directories: dict[str, str | None] = {}
        self.files_read = 0
        self.bytes_read = 0

    def scan(self, before: dict[str, Any]) -> dict[str, int]:
        """Read the part folders that changed; their new mtimes (the next state)."""
        after: dict[str, int] = {}
        parts = self.root / "part"
        try:
            folders = sorted(p for p in parts.iterdir() if p.is_dir()) if parts.is_dir() else []
        except OSError as err:
            self._problems.append(
                Problem(str(parts), None, msg(mt.CANNOT_READ_FILE, why=str(err.strerror)))
            )
            return {k: v for k, v in before.items() if isinstance(v, int)}
        for folder in folders:
            try:
                mtime = folder.stat().st_mtime_ns
            except OSError:
                continue
            if before.get(folder.name) == mtime:
                after[folder.name] = mtime
                continue
            if self._read_folder(folder):
                after[folder.name] = mtime
        return after

    def _read_folder(self, folder: Path) -> bool:
        """Read the step-finish parts of one message; False when the folder cannot be listed."""
        try:
            files = sorted(folder.glob("*.json"))
        except OSError as err:
            self._problems.append(
                Problem(str(folder), None, msg(mt.CANNOT_READ_FILE, why=str(err.strerror)))
            )
            return False
        for file in files:
            try:
                raw = file.read_bytes()
            except OSError as err:
                self._problems.append(
                    Problem(str(file), None, msg(mt.CANNOT_READ_FILE, why=str(err.strerror)))
                )
                continue
            self.files_read += 1
            self.bytes_read += len(raw)
            if b"step-finish" not in raw:
                continue
            log = ProblemLog(str(file), self._problems)
            try:
                part = parse_json(raw)
                message = self._message(part, folder.name)
                record = step_record(file.stem, part, message)
            except ValueError as err:
                line = err.lineno if isinstance(err, json.JSONDecodeError) else None
                log.add(line, describe(err))
                continue
            if record is not None:
                self._found.add(record)
        return True

    def _message(self, part: object, message_id: str) -> Message | None:
        """The assistant message of a part (None when it is missing or unreadable)."""
        if not isinstance(part, dict):
            return None
        session = part.get("sessionID")
        message_id = part.get("messageID") or message_id
        if not isinstance(session, str) or not isinstance(message_id, str):
            return None
        key = (session, message_id)
        if key not in self._messages:
            path = self.root / "message" / session / f"{message_id}.json"
            try:
                data = parse_json(path.read_bytes())
            except (OSError, ValueError):
                data = None  # the part still counts, with an unknown model
            self._messages[key] = message_of(data, self._directory(session))
        return self._messages[key]

    def _directory(self, session: str) -> str | None:
        """The working folder of a session (``session/<project>/<session>.json``)."""
        if session not in self._directories:
            if self._sessions is None:
                self._sessions = {}
                try:
                    for file in (self.root / "session").glob("*/*.json"):
                        self._sessions.setdefault(file.stem, file)
                except OSError:
                    pass
            folder = None
            path = self._sessions.get(session)
            if path is not None:
                try:
                    data = parse_json(path.read_bytes())
                except (OSError, ValueError):
                    data = None
                if isinstance(data, dict) and isinstance(data.get("directory"), str):
                    folder = data["directory"]
            self._directories[session] = folder
        return self._directories[session]
