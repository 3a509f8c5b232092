"""Claude Code: the JSONL transcripts under ``projects/``.

Where: ``$CLAUDE_CONFIG_DIR/projects`` (a comma-separated list of directories) when that is
set, else ``$XDG_CONFIG_HOME/claude/projects`` (``~/.config/claude``) and
``~/.claude/projects``; every ``*.jsonl`` below them, sub-agent files
(``<session>/subagents/*.jsonl``) included.

What counts: rows with ``"type": "assistant"`` and a ``message.usage`` object::

    {"type": "assistant", "timestamp": "2025-10-02T09:14:03.512Z", "requestId": "req_011C...",
     "message": {"id": "msg_01...", "model": "claude-sonnet-4-5-20250929",
                 "usage": {"input_tokens": 6, "cache_creation_input_tokens": 2048,
                           "cache_read_input_tokens": 18000, "output_tokens": 412,
                           "cache_creation": {"ephemeral_5m_input_tokens": 0,
                                              "ephemeral_1h_input_tokens": 2048}}}}

``input_tokens`` excludes the cache. Cache writes are split by ``cache_creation`` when it is
there; whatever of ``cache_creation_input_tokens`` the split does not cover is taken as a
5-minute write (the default lifetime). Rows of the model ``<synthetic>`` are messages Claude
Code made up itself (errors, interruptions), not requests, and are skipped.

Duplicates: a streamed response is written as several rows with the same ``message.id`` and
``requestId``, each carrying the usage so far, and a sub-agent file can replay a row of its
parent. The key ``<message id>:<request id>`` (the message id alone without a request id)
is the ``source_ref``; the row with the largest ``output_tokens`` wins, within a run here and
across runs in the ledger (the one rule, ``entries.DUPLICATE_WINNERS``).

Speed: a line is parsed only if it contains both ``"usage"`` and ``"assistant"``; other lines
are only checked to be framed as an object (so a truncated line is still reported). A line
over ``streaming.HUGE_LINE`` without ``"assistant"`` in its first ``streaming.PROBE`` bytes (an
assistant row names its role before its content) is skipped without being held in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_CLAUDE_CODE, ImportResult, ProblemLog
from tokenbudget.core.importers.scan import Found, discover, expand, scan_files
from tokenbudget.core.importers.streaming import FileCursor, read_json_lines
from tokenbudget.core.importers.values import count, guess_provider, parse_time, usage_entry

SYNTHETIC_MODEL = "<synthetic>"


class ClaudeCodeImporter:
    """Reads Claude Code transcripts (provider ``anthropic`` unless the model says otherwise)."""

    name = SOURCE_CLAUDE_CODE

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$CLAUDE_CONFIG_DIR/projects`` for each listed directory, else the two defaults."""
        configured = env.get("CLAUDE_CONFIG_DIR", "").strip()
        if configured:
            return [
                expand(part, home) / "projects" for part in configured.split(",") if part.strip()
            ]
        xdg = env.get("XDG_CONFIG_HOME", "").strip()
        config = expand(xdg, home) if xdg else home / ".config"
        return [config / "claude" / "projects", home / ".claude" / "projects"]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it (``**/*.jsonl``)."""
        return path.suffix == ".jsonl"

    def scan(self, roots: Sequence[Path], state: Mapping[str, Any]) -> ImportResult:
        """Read new assistant rows under ``roots``; one record per response."""
        found = Found()

        def take(row: Any) -> None:
            record = _usage_of(row, None)
            if record is not None:
                found.add(record)

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            offset, line = read_json_lines(
                fh, cursor, log, wanted=_wanted, keep_huge=_keep_huge, take=take
            )
            return offset, line, {}

        paths = discover(roots, ("**/*.jsonl",))
        return scan_files(paths, roots, state, read, found, appendable=lambda _: True)


def _wanted(line: bytes) -> bool:
    return b'"usage"' in line and b'"assistant"' in line


def _quick_key(row: object) -> tuple[str | None, int]:
    """The dedupe key and output tokens of an assistant row, cheaply; (None, 0) if unsure."""
    try:
        message = row["message"]  # type: ignore[index]
        output = message["usage"]["output_tokens"]
        key = _key(row, message)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return None, 0
    if isinstance(output, bool) or not isinstance(output, int) or output < 0:
        return None, 0  # let usage_of read it properly, and report what is wrong
    return key, output


def _keep_huge(head: bytes) -> bool:
    return b'"assistant"' in head


def usage_of(row: object) -> NewEntry | None:
    """The record for one parsed transcript row, or None for rows that carry no usage.

    Raises:
        ValueError: for an assistant row with usage that cannot be read.
    """
    return _usage_of(row, None)


def _usage_of(row: object, key: str | None) -> NewEntry | None:
    """``usage_of``, with the row's key when ``_quick_key`` found it already."""
    if not isinstance(row, dict) or row.get("type") != "assistant":
        return None
    message = row.get("message")
    if not isinstance(message, dict):
        return None
    usage = message.get("usage")
    if not isinstance(usage, dict):
        return None
    model = message.get("model")
    if model == SYNTHETIC_MODEL:
        return None
    if not isinstance(model, str) or not model.strip():
        raise ValueError("assistant row without a model")
    at = parse_time(row.get("timestamp"))
    if at is None:
        raise ValueError("assistant row without a valid timestamp")
    return usage_entry(
        at=at,
        provider=guess_provider(model, "anthropic") or "anthropic",
        model=model,
        tokens=_tokens(usage),
        source=SOURCE_CLAUDE_CODE,
        source_ref=_key(row, message) if key is None else key,
    )


def _tokens(usage: dict[str, Any]) -> TokenCounts:
    written = count(usage, "cache_creation_input_tokens")
    split = usage.get("cache_creation")
    if isinstance(split, dict):
        five = count(split, "ephemeral_5m_input_tokens")
        hour = count(split, "ephemeral_1h_input_tokens")
        five += max(0, written - five - hour)
    else:
        five, hour = written, 0
    return TokenCounts(
        input_tokens=count(usage, "input_tokens"),
        cache_read_tokens=count(usage, "cache_read_input_tokens"),
        cache_write_5m_tokens=five,
        cache_write_1h_tokens=hour,
        output_tokens=count(usage, "output_tokens"),
    )


def _key(row: dict[str, Any], message: dict[str, Any]) -> str:
    message_id = message.get("id")
    request_id = row.get("requestId")
    if isinstance(message_id, str) and message_id:
        if isinstance(request_id, str) and request_id:
            return f"{message_id}:{request_id}"
        return message_id
    uuid = row.get("uuid")
    if isinstance(uuid, str) and uuid:
        return f"row:{uuid}"
    raise ValueError("assistant row without a message id or uuid")
