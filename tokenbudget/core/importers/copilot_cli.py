"""GitHub Copilot CLI: the session events under ``~/.copilot/session-state/<session>/``.

Where: ``$COPILOT_HOME/session-state`` when that is set (Copilot CLI moves its whole
``~/.copilot`` folder there), else ``~/.copilot/session-state`` on every system (Copilot CLI
keeps it in the home folder on Linux, macOS and Windows alike); files ``*/events.jsonl``, and
older builds' ``*.jsonl`` directly in ``session-state``.

Each line is an event ``{"type", "data", "id", "timestamp", "parentId"}``. Only
``session.shutdown`` carries tokens: Copilot CLI writes it once when a process ends, with that
process's totals, so **an entry here is one model's usage over one process lifetime** (a whole
run of ``copilot``, not one request): ``per_session`` is True. A resumed session's next process
appends its own shutdown with its own totals; a running session has none yet (its usage
arrives when it ends).

Tokens: ``data.modelMetrics.<model>.usage = {inputTokens, outputTokens, cacheReadTokens,
cacheWriteTokens}`` (with ``requests.count``) is read; ``data.tokenDetails.{input, output,
cache_read, cache_write}.tokenCount`` holds the same tokens for the whole process without a
model, so it is read only when ``modelMetrics`` is absent, under the last model the events
named (``session.model_change.newModel``, else ``unknown``). Never both.

UNVERIFIED: whether ``inputTokens`` includes the cache reads and writes. Third-party readers
checked against real logs say it is gross, so fresh input is ``inputTokens - cacheReadTokens -
cacheWriteTokens``; when the cache counts exceed ``inputTokens`` it cannot be gross and is
taken as fresh input already. Cache writes are billed as 5-minute writes.

Duplicates: ``source_ref`` is ``<session>:<shutdown event id>:<model>`` (the session is the
folder's name, or the file's stem in the old layout; the event's timestamp stands in for a
missing id), stable across runs and file orders.

Project: from the working folder the events carry (``data.context.cwd``, ``data.cwd`` or
``data.workingDirectory`` of any event; which event carries it is UNVERIFIED, so any is
taken), kept between runs; None when no event names one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_COPILOT_CLI, ImportResult, ProblemLog
from tokenbudget.core.importers.scan import Found, Sink, discover, expand, scan_files
from tokenbudget.core.importers.streaming import FileCursor, read_json_lines
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    guess_provider,
    parse_time,
    project_value,
    shown,
    usage_entry,
)
from tokenbudget.core.messages import message as msg
from tokenbudget.core.messages import text_of

UNKNOWN_MODEL: Final = "unknown"
SHUTDOWN: Final = "session.shutdown"
_PATTERNS: Final = ("events.jsonl", "*/events.jsonl", "*.jsonl")
_CWD_KEYS: Final = ("cwd", "workingDirectory")


class CopilotCliImporter:
    """Reads Copilot CLI session events (provider ``github-copilot`` unless the model says)."""

    name = SOURCE_COPILOT_CLI
    per_session = True

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$COPILOT_HOME/session-state``, else ``~/.copilot/session-state``."""
        configured = env.get("COPILOT_HOME", "").strip()
        base = expand(configured, home) if configured else home / ".copilot"
        return [base / "session-state"]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it.

        ``events.jsonl`` files, and the old layout's ``session-state/*.jsonl``.
        """
        if path.name == "events.jsonl":
            return True
        return path.suffix == ".jsonl" and path.parent.name == "session-state"

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read the shutdown events that are new under ``roots``."""
        found = Found(sink)

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            return _read_events(path, fh, cursor, log, found)

        by_key: dict[str, Path] = {}
        for root in roots:
            for path in discover([root], _PATTERNS):
                # a root that is a file is read; below a folder, what ``reads`` names
                if path == root or self.reads(path):
                    by_key.setdefault(str(path.resolve()), path)
        paths = [by_key[key] for key in sorted(by_key)]
        return scan_files(paths, roots, state, read, found, appendable=lambda _p: True)


def session_of(path: Path) -> str:
    """The session a file belongs to: its folder's name, or the old layout's file stem."""
    return path.parent.name if path.name == "events.jsonl" else path.stem


def _wanted(line: bytes) -> bool:
    return b'"session.' in line or b"cwd" in line or b"workingDirectory" in line


def _keep_huge(head: bytes) -> bool:
    return b'"session.shutdown"' in head


def _read_events(
    path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog, found: Found
) -> tuple[int, int, dict[str, Any]]:
    session = checked_text(session_of(path), "session id")
    model = cursor.extra.get("model")
    model = model if isinstance(model, str) and model else None
    folder = cursor.extra.get("cwd")
    folder = folder if isinstance(folder, str) and folder else None

    def take(row: Any) -> None:
        nonlocal model, folder
        if not isinstance(row, dict):
            raise ValueError(msg(mt.ROW_NOT_OBJECT))
        data = row.get("data")
        if not isinstance(data, dict):
            return
        folder = _folder_of(data) or folder
        kind = row.get("type")
        if kind == "session.model_change":
            named = data.get("newModel")
            if isinstance(named, str) and named.strip():
                model = named.strip()
        elif kind == SHUTDOWN:
            records, errors = shutdown_entries(row, session, model)
            where = project_value(folder)
            for record in records:
                found.add(record if where is None else replace(record, project=where))
            if errors:  # the other models of this shutdown still count
                raise ValueError("; ".join(errors))

    offset, line = read_json_lines(fh, cursor, log, wanted=_wanted, keep_huge=_keep_huge, take=take)
    return offset, line, {"model": model, "cwd": folder}


def _folder_of(data: Mapping[str, Any]) -> str | None:
    context = data.get("context")
    for where in (context, data) if isinstance(context, dict) else (data,):
        for key in _CWD_KEYS:
            value = where.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return None


def shutdown_entries(
    event: Mapping[str, Any], session: str, model: str | None
) -> tuple[list[NewEntry], list[str]]:
    """The entries of one ``session.shutdown`` event (one per model), and what was wrong.

    ``model`` names the usage of a shutdown that has only ``tokenDetails``. A model whose
    counts cannot be read is left out and named in the second list; the others count.

    Raises:
        ValueError: for a shutdown without a valid time or id, or whose ``tokenDetails``
            cannot be read.
    """
    data = event.get("data")
    if not isinstance(data, dict):
        return [], []
    at = parse_time(event.get("timestamp"))
    if at is None:
        raise ValueError(msg(mt.SHUTDOWN_NO_TIME))
    event_id = event.get("id")
    ref = event_id if isinstance(event_id, str) and event_id else at.isoformat()
    ref = f"{session}:{checked_text(ref, 'event id')}"
    metrics = data.get("modelMetrics")
    if isinstance(metrics, dict):
        records: list[NewEntry] = []
        errors: list[str] = []
        for name in sorted(metrics):
            usage = metrics[name].get("usage") if isinstance(metrics[name], dict) else None
            if not isinstance(usage, dict) or not name.strip():
                continue
            try:
                tokens = _tokens(
                    count(usage, "inputTokens"),
                    count(usage, "cacheReadTokens"),
                    count(usage, "cacheWriteTokens"),
                    count(usage, "outputTokens"),
                )
                requests = metrics[name].get("requests")
                calls = count(requests, "count") if isinstance(requests, dict) else 0
                records.append(_entry(at, name.strip(), tokens, f"{ref}:{name.strip()}", calls))
            except ValueError as err:
                errors.append(
                    msg(mt.COPILOT_MODEL_PROBLEM, model=shown(name), problem=text_of(err))
                )
        return records, errors
    details = data.get("tokenDetails")
    if not isinstance(details, dict):
        return [], []

    def detail(key: str) -> int:
        part = details.get(key)
        return count(part, "tokenCount") if isinstance(part, dict) else 0

    tokens = _tokens(detail("input"), detail("cache_read"), detail("cache_write"), detail("output"))
    name = model or UNKNOWN_MODEL
    return [_entry(at, name, tokens, f"{ref}:{name}", 0)], []


def _tokens(gross: int, read: int, write: int, output: int) -> TokenCounts:
    """Fresh input from ``inputTokens`` (gross of the cache counts unless they exceed it)."""
    fresh = gross - read - write if read + write <= gross else gross
    return TokenCounts(
        input_tokens=fresh,
        cache_read_tokens=read,
        cache_write_5m_tokens=write,
        output_tokens=output,
    )


def _entry(at: Any, model: str, tokens: TokenCounts, ref: str, requests: int) -> NewEntry:
    return usage_entry(
        at=at,
        provider=guess_provider(model, "github-copilot") or "github-copilot",
        model=model,
        tokens=tokens,
        source=SOURCE_COPILOT_CLI,
        source_ref=ref,
        requests=max(requests, 1),
    )
