"""Codex CLI: the session rollouts under ``$CODEX_HOME`` (default ``~/.codex``).

Where: ``sessions/YYYY/MM/DD/*.jsonl`` and ``archived_sessions/*.jsonl``. Rows are
``{"timestamp", "type", "payload"}``; four kinds matter:

``session_meta``
    ``payload.id`` is the session id. The first one in a file is the file's own session. It
    names a parent when it has ``payload.forked_from_id`` (a fork) or
    ``payload.source.subagent.thread_spawn.parent_thread_id`` (a sub-agent); ``parent_thread_id``
    and ``parent_session_id`` at the top of the payload are read as well.
``turn_context``
    ``payload.model`` is the model of the following requests (it can change mid-session).
``event_msg`` with ``payload.type == "task_started"``
    The start of a turn, like ``turn_context``; both may carry ``payload.turn_id``.
``event_msg`` with ``payload.type == "token_count"``
    ``payload.info`` (may be null: skipped) holds ``total_token_usage``, cumulative for the
    session, and ``last_token_usage``. In both, ``input_tokens`` includes
    ``cached_input_tokens`` and ``output_tokens`` includes ``reasoning_output_tokens``.

Counting: each record is the difference between a cumulative total and the previous one, so
a total that did not move (Codex re-emits it, e.g. with rate-limit updates) adds nothing, and
nor does a total below the previous one (a stale snapshot). The record maps to
``input_tokens = input - cached``, ``cache_read_tokens = cached``, ``output_tokens = output``,
and its ``source_ref`` is ``<session id>:<cumulative total_tokens>``, which is the same
whenever and from wherever the file is read (an archived copy included).

Forks and sub-agents: such a file starts with its own ``session_meta``, then usually its
parent's ``session_meta`` and the parent's history replayed, ``token_count`` rows included,
with timestamps rewritten to the moment of the fork; its own running total then continues
from the parent's. Nothing in the replay is counted: the last replayed total becomes the
baseline of the session's own deltas. The replay starts right after an own ``session_meta``
that names a parent, or at any ``session_meta`` of another session, and it ends at the first
turn start (``turn_context`` or ``task_started``) that provably happened after the fork:

1. its ``turn_id`` is a UUIDv7 minted at or after the fork (the creation time is the own
   session id's UUIDv7 time, else the ``session_meta`` timestamp), else
2. (``task_started`` only) its ``started_at`` unix second is at or after the fork's, else
3. its row timestamp falls in a later second than the fork (replayed rows carry either their
   original, earlier times or the fork's second).

Totals cannot mark the boundary (the replay and the own part form one rising sequence) and
timestamps alone are unreliable (rewritten), hence the turn ids. When the evidence is missing
the replay goes on: a fork's own usage may then be missed, but a parent's is never counted
twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_CODEX, ImportResult, ProblemLog
from tokenbudget.core.importers.scan import Found, discover, expand, scan_files
from tokenbudget.core.importers.streaming import FileCursor, read_json_lines
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    guess_provider,
    parse_time,
    usage_entry,
    uuid7_millis,
)

UNKNOWN_MODEL = "unknown"
"""Model of a token count that comes before any ``turn_context`` names one."""

_FIELDS = ("input", "cached", "output", "reasoning", "total")
_ROLLOUT_ID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.I)


@dataclass
class SessionState:
    """What reading one rollout file needs to resume (stored as the file's ``extra``).

    Attributes:
        session: The file's own session id (None until its ``session_meta``).
        parent: The parent session it names, if any.
        fork_ms: When the session was created, unix milliseconds.
        replay: Whether reading is inside replayed history.
        total: The last cumulative usage seen (replayed or own), by ``_FIELDS``.
        model: The latest model named by a ``turn_context``.
    """

    session: str | None = None
    parent: str | None = None
    fork_ms: int | None = None
    replay: bool = False
    total: dict[str, int] | None = None
    model: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SessionState:
        """Rebuild from stored state; anything malformed starts afresh."""
        try:
            state = cls(**data)
        except TypeError:
            return cls()
        total = state.total
        if total is not None and (
            not isinstance(total, dict) or any(not isinstance(total.get(k), int) for k in _FIELDS)
        ):
            return cls()
        return state


class CodexImporter:
    """Reads Codex CLI rollouts (provider ``openai`` unless the model says otherwise)."""

    name = SOURCE_CODEX

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$CODEX_HOME/sessions`` and ``$CODEX_HOME/archived_sessions``."""
        configured = env.get("CODEX_HOME", "").strip()
        base = expand(configured, home) if configured else home / ".codex"
        return [base / "sessions", base / "archived_sessions"]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it (``**/*.jsonl``)."""
        return path.suffix == ".jsonl"

    def scan(self, roots: Sequence[Path], state: Mapping[str, Any]) -> ImportResult:
        """Read new token counts under ``roots``; one record per step of each session."""
        found = Found()

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            session = SessionState.from_json(cursor.extra) if cursor.extra else SessionState()
            fallback_id = _id_from_name(path)

            def take(row: Any) -> None:
                record = _step(session, row, fallback_id)
                if record is not None:
                    found.add(record)

            offset, line = read_json_lines(
                fh, cursor, log, wanted=_wanted, keep_huge=_wanted, take=take
            )
            return offset, line, asdict(session)

        paths = discover(roots, ("**/*.jsonl",))
        return scan_files(paths, roots, state, read, found, appendable=lambda _: True)


def _wanted(line: bytes) -> bool:
    return (
        b'"token_count"' in line
        or b'"turn_context"' in line
        or b'"session_meta"' in line
        or b'"task_started"' in line
    )


def _id_from_name(path: Path) -> str:
    """The session id in ``rollout-<time>-<uuid>.jsonl``, else the file's stem."""
    match = _ROLLOUT_ID.search(path.stem)
    return match.group(1).lower() if match else path.stem


def _step(session: SessionState, row: object, fallback_id: str) -> NewEntry | None:
    """Advance ``session`` by one parsed row; the record it yields, if any.

    Raises:
        ValueError: for a row that names itself a token count but cannot be read.
    """
    if not isinstance(row, dict):
        return None
    kind, payload = row.get("type"), row.get("payload")
    if not isinstance(payload, dict):
        return None
    if kind == "session_meta":
        _meta(session, payload, row.get("timestamp"))
    elif kind == "turn_context":
        _turn_start(session, payload, row.get("timestamp"))
        model = payload.get("model")
        if isinstance(model, str) and model.strip():
            session.model = checked_text(model, "model")
    elif kind == "event_msg" and payload.get("type") == "task_started":
        _turn_start(session, payload, row.get("timestamp"))
    elif kind == "event_msg" and payload.get("type") == "token_count":
        return _token_count(session, payload, row.get("timestamp"), fallback_id)
    return None


def _meta(session: SessionState, payload: dict[str, Any], row_time: object) -> None:
    meta_id = payload.get("id")
    if session.session is None:
        if not isinstance(meta_id, str) or not meta_id:
            return
        session.session = checked_text(meta_id, "session id")
        session.parent = _parent_of(payload)
        created = parse_time(payload.get("timestamp")) or parse_time(row_time)
        session.fork_ms = uuid7_millis(meta_id) or (_millis(created) if created else None)
        session.replay = session.parent is not None
    elif isinstance(meta_id, str) and meta_id != session.session:
        session.replay = True  # an ancestor's header: its history follows


def _parent_of(payload: dict[str, Any]) -> str | None:
    for key in ("forked_from_id", "parent_thread_id", "parent_session_id"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    source = payload.get("source")
    subagent = source.get("subagent") if isinstance(source, dict) else None
    spawn = subagent.get("thread_spawn") if isinstance(subagent, dict) else None
    parent = spawn.get("parent_thread_id") if isinstance(spawn, dict) else None
    return parent if isinstance(parent, str) and parent else None


def _millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _turn_start(session: SessionState, payload: dict[str, Any], row_time: object) -> None:
    """End the replay at a turn that provably started after the fork (module docstring)."""
    if not session.replay or session.fork_ms is None:
        return
    fork_ms = session.fork_ms
    turn_ms = uuid7_millis(payload.get("turn_id"))
    if turn_ms is not None:
        own = turn_ms >= fork_ms
    elif isinstance(payload.get("started_at"), int | float) and not isinstance(
        payload.get("started_at"), bool
    ):
        own = payload["started_at"] >= fork_ms // 1000
    else:
        at = parse_time(row_time)
        own = at is not None and _millis(at) // 1000 > fork_ms // 1000
    if own:
        session.replay = False


def _token_count(
    session: SessionState, payload: dict[str, Any], row_time: object, fallback_id: str
) -> NewEntry | None:
    info = payload.get("info")
    if not isinstance(info, dict):
        return None
    usage = info.get("total_token_usage")
    if not isinstance(usage, dict):
        raise ValueError("token count without total_token_usage")
    total = {
        "input": count(usage, "input_tokens"),
        "cached": count(usage, "cached_input_tokens"),
        "output": count(usage, "output_tokens"),
        "reasoning": count(usage, "reasoning_output_tokens"),
    }
    total["total"] = count(usage, "total_tokens") or total["input"] + total["output"]
    previous = session.total
    if previous is not None and total["total"] <= previous["total"]:
        return None  # a re-emit or a stale snapshot
    session.total = total
    if session.replay:
        return None  # replayed history: only the baseline moves
    at = parse_time(row_time)
    if at is None:
        raise ValueError("token count without a valid timestamp")
    before = previous or dict.fromkeys(_FIELDS, 0)
    step = {key: max(0, total[key] - before[key]) for key in _FIELDS}
    cached = min(step["cached"], step["input"])
    model = session.model or UNKNOWN_MODEL
    return usage_entry(
        at=at,
        provider=guess_provider(model, "openai") or "openai",
        model=model,
        tokens=TokenCounts(
            input_tokens=step["input"] - cached,
            cache_read_tokens=cached,
            output_tokens=step["output"],
        ),
        source=SOURCE_CODEX,
        source_ref=f"{session.session or fallback_id}:{total['total']}",
    )
