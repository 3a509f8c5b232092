"""Gemini CLI: the chat recordings under ``~/.gemini/tmp/<project>/chats/``.

Where: ``$GEMINI_CLI_HOME/.gemini/tmp`` when that is set (Gemini CLI treats it as the home
directory), else ``~/.gemini/tmp``; files ``*/chats/*.json`` and ``*/chats/*.jsonl``, and
sub-agent chats ``*/chats/<parent session id>/*.json[l]`` (``.json`` from Gemini CLI's
sub-agent nesting of 2026-03 until its JSONL recording of 2026-04; other JSON files, such as
``logs.json``, are not chats and are not read).

Two layouts:

``*.json``
    The legacy layout: one document, rewritten whole on every change: ``{"sessionId",
    "projectHash", "startTime", "lastUpdated", "messages": [...]}`` or just the list of
    messages. It is read again whenever its size or mtime changes.
``*.jsonl``
    One record a line: first the metadata ``{"sessionId", "projectHash", "startTime", ...,
    "kind"?, "directories"?}`` (a resumed legacy session starts with the whole legacy
    document on that line, ``messages`` included: those count), then each message, appended
    again whenever it is updated; ``{"$set": {...}}`` updates and ``{"$rewindTo": id}``.

Duplicates: ``source_ref`` is ``<session id>:<message id>`` (the file's stem when no session
id is given), the same from a legacy ``session-X.json`` and the ``session-X.jsonl`` that
resumed it; of the versions of one message the largest wins, in any file order and across
runs (``entries.DUPLICATE_WINNERS``). Messages inside ``$set`` (``$set.messages``
checkpoints re-write copies of earlier messages) never count, and ``$rewindTo`` removes
nothing already counted: rewound calls were billed.

What counts: messages with ``"type": "gemini"`` and a ``tokens`` object ``{input, output,
cached, thoughts, tool, total}``, where ``input`` includes ``cached``, ``output`` excludes
``thoughts`` (billed as output) and ``tool`` is billed as input on top of ``input``::

    input_tokens = input - cached + tool, cache_read_tokens = cached, output = output + thoughts

Project: from the chat's ``<project>`` folder, ``~/.gemini/projects.json`` and the chat's
metadata (``gemini_projects``); None when unknown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_GEMINI_CLI, ImportResult, ProblemLog
from tokenbudget.core.importers.gemini_projects import GeminiProjects
from tokenbudget.core.importers.scan import Found, Sink, discover, expand, scan_files
from tokenbudget.core.importers.streaming import (
    FileCursor,
    describe,
    parse_json,
    read_json_lines,
)
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    guess_provider,
    parse_time,
    project_value,
    usage_entry,
)
from tokenbudget.core.messages import message as msg
from tokenbudget.core.messages import text_of

UNKNOWN_MODEL: Final = "unknown"
MAX_DOCUMENT: Final = 512 * 1024 * 1024
"""A ``.json`` chat larger than this is reported instead of being loaded."""

_IN_CHATS: Final = ("*.json", "*.jsonl", "*/*.json", "*/*.jsonl")
_BELOW: Final = ("**/chats/*.json", "**/chats/*.jsonl", "**/chats/*/*.json", "**/chats/*/*.jsonl")


class GeminiCliImporter:
    """Reads Gemini CLI chat recordings (provider ``gemini`` unless the model says otherwise)."""

    name = SOURCE_GEMINI_CLI
    per_session = False

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$GEMINI_CLI_HOME/.gemini/tmp``, else ``~/.gemini/tmp``."""
        configured = env.get("GEMINI_CLI_HOME", "").strip()
        base = expand(configured, home) if configured else home
        return [base / ".gemini" / "tmp"]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it.

        ``*/chats/*.json[l]``, and sub-agent chats ``*/chats/<parent session>/*.json[l]``.
        """
        if path.suffix not in (".json", ".jsonl"):
            return False
        return path.parent.name == "chats" or path.parent.parent.name == "chats"

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read new and updated messages under ``roots``."""
        found = Found(sink)
        projects = GeminiProjects()

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            if path.suffix == ".jsonl":
                return _read_jsonl(path, fh, cursor, log, found=found, projects=projects)
            return _read_document(path, fh, log, found, projects)

        by_key: dict[str, Path] = {}
        for root in roots:
            for path in discover([root], _patterns(root)):
                by_key.setdefault(str(path.resolve()), path)
        paths = [by_key[key] for key in sorted(by_key)]
        return scan_files(
            paths, roots, state, read, found, appendable=lambda p: p.suffix == ".jsonl"
        )


def _patterns(root: Path) -> tuple[str, ...]:
    """What to look for below a root: a tree of projects, a ``chats`` folder or a sub-agents'."""
    if root.name == "chats":
        return _IN_CHATS
    if root.parent.name == "chats":
        return ("*.json", "*.jsonl")  # chats/<parent session id>/: its sub-agents' chats
    return _BELOW


def _keep_huge(head: bytes) -> bool:
    return b'"gemini"' in head or b'"sessionId"' in head


def _wanted(line: bytes) -> bool:
    return (b'"gemini"' in line and b'"tokens"' in line) or b'"sessionId"' in line


def _is_metadata(row: dict[str, Any]) -> bool:
    """The first line of a JSONL chat (or a whole legacy document on one line)."""
    return row.get("type") is None and isinstance(row.get("sessionId"), str)


def _read_jsonl(
    path: Path,
    fh: BinaryIO,
    cursor: FileCursor,
    log: ProblemLog,
    *,
    found: Found,
    projects: GeminiProjects,
) -> tuple[int, int, dict[str, Any]]:
    session = cursor.extra.get("session")
    session = session if isinstance(session, str) and session else None
    # The metadata's own word on the project, kept for the runs that resume past that line.
    named = cursor.extra.get("root")
    named = named if isinstance(named, str) and named else None
    where = project_value(projects.of_file(path) or named)

    def take(row: Any) -> None:
        nonlocal session, named, where
        if not isinstance(row, dict):
            raise ValueError(msg(mt.ROW_NOT_OBJECT))
        if "$set" in row or "$rewindTo" in row:
            return  # checkpoint copies never count; rewound calls were billed
        if _is_metadata(row):
            session = checked_text(row["sessionId"], "session id") or session
            named = projects.of_metadata(path, row) or named
            where = project_value(projects.of_file(path) or named)
            messages = row.get("messages")
            if isinstance(messages, list):  # a resumed legacy document, whole
                _take_messages(messages, session or path.stem, where, log, found)
            return
        record = usage_of(row, session or path.stem, where)
        if record is not None:
            found.add(record)

    offset, line = read_json_lines(fh, cursor, log, wanted=_wanted, keep_huge=_keep_huge, take=take)
    return offset, line, {"session": session, "root": named}


def _read_document(
    path: Path, fh: BinaryIO, log: ProblemLog, found: Found, projects: GeminiProjects
) -> tuple[int, int, dict[str, Any]]:
    data = fh.read(MAX_DOCUMENT + 1)
    if len(data) > MAX_DOCUMENT:
        log.add(None, msg(mt.FILE_TOO_LARGE_SKIPPED, what=msg(mt.WHAT_CHAT_FILE)))
        return len(data), 0, {}
    try:
        document = parse_json(data)
    except ValueError as err:
        log.add(err.lineno if isinstance(err, json.JSONDecodeError) else None, describe(err))
        return len(data), 0, {}
    if isinstance(document, dict):
        messages, session = document.get("messages"), document.get("sessionId")
        named = projects.of_metadata(path, document)
    else:
        messages, session, named = document, None, None
    if not isinstance(messages, list):
        log.add(None, msg(mt.NOT_A_GEMINI_CHAT))
        return len(data), 0, {}
    if isinstance(session, str) and session:
        try:
            checked_text(session, "session id")
        except ValueError as err:
            log.add(None, text_of(err))
            session = None
    session = session if isinstance(session, str) and session else path.stem
    where = project_value(projects.of_file(path) or named)
    _take_messages(messages, session, where, log, found)
    return len(data), 0, {}


def _take_messages(
    messages: list[Any], session: str, where: str | None, log: ProblemLog, found: Found
) -> None:
    """Add the records of a list of messages; a bad one is a problem naming its number."""
    for number, message in enumerate(messages, start=1):
        try:
            record = usage_of(message, session, where)
        except ValueError as err:
            log.add(None, msg(mt.IN_MESSAGE, message=str(number), problem=text_of(err)))
            continue
        if record is not None:
            found.add(record)


def usage_of(message: object, session: str, where: str | None = None) -> NewEntry | None:
    """The record for one chat message (in project ``where``), or None without usage.

    Raises:
        ValueError: for a Gemini message with tokens that cannot be read.
    """
    if not isinstance(message, dict) or message.get("type") != "gemini":
        return None
    tokens = message.get("tokens")
    if not isinstance(tokens, dict):
        return None
    message_id = message.get("id")
    if not isinstance(message_id, str) or not message_id:
        raise ValueError(msg(mt.GEMINI_NO_ID))
    at = parse_time(message.get("timestamp"))
    if at is None:
        raise ValueError(msg(mt.GEMINI_NO_TIME))
    model = message.get("model")
    model = model if isinstance(model, str) and model.strip() else UNKNOWN_MODEL
    prompt = count(tokens, "input")
    cached = min(count(tokens, "cached"), prompt)
    record = usage_entry(
        at=at,
        provider=guess_provider(model, "gemini") or "gemini",
        model=model,
        tokens=TokenCounts(
            input_tokens=prompt - cached + count(tokens, "tool"),
            cache_read_tokens=cached,
            output_tokens=count(tokens, "output") + count(tokens, "thoughts"),
        ),
        source=SOURCE_GEMINI_CLI,
        source_ref=f"{session}:{message_id}",
    )
    return record if where is None else replace(record, project=where)
