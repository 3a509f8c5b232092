"""Gemini CLI: the chat recordings under ``~/.gemini/tmp/<project>/chats/``.

Where: ``$GEMINI_CLI_HOME/.gemini/tmp`` when that is set (Gemini CLI treats it as the home
directory), else ``~/.gemini/tmp``; files ``*/chats/*.json`` and ``*/chats/*.jsonl`` (other
JSON files there, such as ``logs.json``, are not chats and are not read).

Two layouts:

``*.json``
    One document, rewritten whole on every change: ``{"sessionId", "projectHash",
    "startTime", "lastUpdated", "messages": [...]}`` or just the list of messages. It is read
    again whenever its size or mtime changes.
``*.jsonl``
    One message per line, appended again each time the message is updated; a line with a
    ``sessionId`` and no message ``type`` names the session. The last line of a message id
    wins (within a run here; across runs the ledger's upsert keeps the latest).

What counts: messages with ``"type": "gemini"`` and a ``tokens`` object ``{input, output,
cached, thoughts, tool, total}``, where ``input`` includes ``cached``, ``output`` excludes
``thoughts`` (billed as output) and ``tool`` is billed as input on top of ``input``::

    input_tokens = input - cached + tool, cache_read_tokens = cached, output = output + thoughts

``source_ref`` is ``<session id>:<message id>`` (the file's stem when no session id is given).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_GEMINI_CLI, ImportResult, ProblemLog
from tokenbudget.core.importers.scan import Found, discover, expand, scan_files
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
    usage_entry,
)

UNKNOWN_MODEL: Final = "unknown"
MAX_DOCUMENT: Final = 512 * 1024 * 1024
"""A ``.json`` chat larger than this is reported instead of being loaded."""


class GeminiCliImporter:
    """Reads Gemini CLI chat recordings (provider ``gemini`` unless the model says otherwise)."""

    name = SOURCE_GEMINI_CLI

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$GEMINI_CLI_HOME/.gemini/tmp``, else ``~/.gemini/tmp``."""
        configured = env.get("GEMINI_CLI_HOME", "").strip()
        base = expand(configured, home) if configured else home
        return [base / ".gemini" / "tmp"]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it (``*/chats/*.json[l]``)."""
        return path.suffix in (".json", ".jsonl") and path.parent.name == "chats"

    def scan(self, roots: Sequence[Path], state: Mapping[str, Any]) -> ImportResult:
        """Read new and updated messages under ``roots``."""
        found = Found()

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            if path.suffix == ".jsonl":
                return _read_jsonl(path, fh, cursor, log, found)
            return _read_document(path, fh, log, found)

        by_key: dict[str, Path] = {}
        for root in roots:
            inside = root.is_dir() and root.name == "chats"
            patterns = ("*.json", "*.jsonl") if inside else ("**/chats/*.json", "**/chats/*.jsonl")
            for path in discover([root], patterns):
                by_key.setdefault(str(path.resolve()), path)
        paths = [by_key[key] for key in sorted(by_key)]
        return scan_files(
            paths, roots, state, read, found, appendable=lambda p: p.suffix == ".jsonl"
        )


def _keep_huge(head: bytes) -> bool:
    return b'"gemini"' in head or b'"sessionId"' in head


def _wanted(line: bytes) -> bool:
    return (b'"gemini"' in line and b'"tokens"' in line) or b'"sessionId"' in line


def _read_jsonl(
    path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog, found: Found
) -> tuple[int, int, dict[str, Any]]:
    session = cursor.extra.get("session")
    session = session if isinstance(session, str) and session else None

    def take(row: Any) -> None:
        nonlocal session
        if not isinstance(row, dict):
            raise ValueError("not a JSON object")
        if row.get("type") is None and isinstance(row.get("sessionId"), str):
            session = checked_text(row["sessionId"], "session id") or session
            return
        record = usage_of(row, session or path.stem)
        if record is not None:
            found.add(record)

    offset, line = read_json_lines(fh, cursor, log, wanted=_wanted, keep_huge=_keep_huge, take=take)
    return offset, line, {"session": session}


def _read_document(
    path: Path, fh: BinaryIO, log: ProblemLog, found: Found
) -> tuple[int, int, dict[str, Any]]:
    data = fh.read(MAX_DOCUMENT + 1)
    if len(data) > MAX_DOCUMENT:
        log.add(None, "chat file too large to read; skipped")
        return len(data), 0, {}
    try:
        document = parse_json(data)
    except ValueError as err:
        log.add(err.lineno if isinstance(err, json.JSONDecodeError) else None, describe(err))
        return len(data), 0, {}
    if isinstance(document, dict):
        messages, session = document.get("messages"), document.get("sessionId")
    else:
        messages, session = document, None
    if not isinstance(messages, list):
        log.add(None, "not a Gemini CLI chat (no list of messages)")
        return len(data), 0, {}
    if isinstance(session, str) and session:
        try:
            checked_text(session, "session id")
        except ValueError as err:
            log.add(None, str(err))
            session = None
    session = session if isinstance(session, str) and session else path.stem
    for number, message in enumerate(messages, start=1):
        try:
            record = usage_of(message, session)
        except ValueError as err:
            log.add(None, f"message {number}: {err}")
            continue
        if record is not None:
            found.add(record)
    return len(data), 0, {}


def usage_of(message: object, session: str) -> NewEntry | None:
    """The record for one chat message, or None for messages that carry no usage.

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
        raise ValueError("gemini message without an id")
    at = parse_time(message.get("timestamp"))
    if at is None:
        raise ValueError("gemini message without a valid timestamp")
    model = message.get("model")
    model = model if isinstance(model, str) and model.strip() else UNKNOWN_MODEL
    prompt = count(tokens, "input")
    cached = min(count(tokens, "cached"), prompt)
    return usage_entry(
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
