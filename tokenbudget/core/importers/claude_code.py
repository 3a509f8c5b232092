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

``input_tokens`` excludes the cache. Rows of the model ``<synthetic>`` are messages Claude
Code made up itself (errors, interruptions), not requests, and are skipped; rows without
``usage`` are not records.

Duplicates: the ``source_ref`` is the ``message.id`` alone (``row:<uuid>`` for a row
without one). A streamed response is written as several rows with the same message id, each
carrying the usage so far; the row with the largest token total wins (the ledger's rule,
``entries.DUPLICATE_WINNERS``, applied within a run here and across runs by its upsert). A
``/btw`` side question (``<session>/subagents/agent-aside_question-*.jsonl``, rows with
``"isSidechain": true``) re-logs the parent's messages under the same message id but a new
request id and larger cache reads: sidechain rows are records of ``PRECEDENCE_COPY``, so a
parent's own row (``PRECEDENCE_ORIGINAL``) wins in any order, in one run or across runs. A
Task sub-agent's rows are sidechain rows too, but with their own message ids: they count.

Cache writes: ``max(cache_creation_input_tokens, 5m + 1h)``. The split is taken as given
(before 2.1.152 the parent field could read 0 beside a non-zero split); whatever of the parent
field the split does not cover is a 5-minute write (the default lifetime).

Project: the row's ``cwd``, folded to its repository (``projects.project_of``).

Speed: a row that cannot beat the record kept for its message id is not turned into a
record (streamed rows are most of a transcript). A line is parsed only if it contains both
``"usage"`` and ``"assistant"``; other lines are only checked to be framed as an object (so a
truncated line is still reported). A line over ``streaming.HUGE_LINE`` without
``"assistant"`` in its first ``streaming.PROBE`` bytes (an assistant row names its role before
its content) is skipped without being held in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import (
    PRECEDENCE_COPY,
    PRECEDENCE_ORIGINAL,
    NewEntry,
    TokenCounts,
)
from tokenbudget.core.importers.base import SOURCE_CLAUDE_CODE, ImportResult, ProblemLog
from tokenbudget.core.importers.scan import Found, Sink, discover, expand, scan_files
from tokenbudget.core.importers.streaming import FileCursor, read_json_lines
from tokenbudget.core.importers.values import (
    MAX_COUNT,
    checked_text,
    count,
    guess_provider,
    parse_time,
    project_value,
)
from tokenbudget.core.messages import message as msg

SYNTHETIC_MODEL = "<synthetic>"


class ClaudeCodeImporter:
    """Reads Claude Code transcripts (provider ``anthropic`` unless the model says otherwise)."""

    name = SOURCE_CLAUDE_CODE
    per_session = False

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

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read new assistant rows under ``roots``; one record per response."""
        found = Found(sink)
        kept_of = found.get

        def take(row: Any) -> None:
            # Streaming writes several rows per response and only the largest is kept: a row
            # that cannot beat the kept one is not turned into a record (the costly part).
            quick = _quick(row)
            if quick is not None:
                key, tokens, precedence = quick
                kept = kept_of(SOURCE_CLAUDE_CODE, key)
                if kept is not None and (
                    kept.precedence > precedence
                    or (
                        kept.precedence == precedence
                        and kept.tokens.total_tokens >= tokens.total_tokens
                    )
                ):
                    return
                record = _usage_of(row, key, tokens)
            else:
                record = _usage_of(row, None, None)
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


def _keep_huge(head: bytes) -> bool:
    return b'"assistant"' in head


def _quick(row: object) -> tuple[str, TokenCounts, int] | None:
    """The key, tokens and precedence of a well-formed assistant row, read cheaply.

    None when anything is unusual: ``_usage_of`` then reads the row the careful way and
    reports what is wrong with it.
    """
    try:
        message = row["message"]  # type: ignore[index]
        usage = message["usage"]
        key = message["id"]
        values = [
            usage["input_tokens"],
            usage.get("cache_read_input_tokens") or 0,
            usage.get("cache_creation_input_tokens") or 0,
            usage["output_tokens"],
            0,
            0,
        ]
        split = usage.get("cache_creation")
        if split is not None:
            values[4] = split.get("ephemeral_5m_input_tokens") or 0
            values[5] = split.get("ephemeral_1h_input_tokens") or 0
        sidechain = row.get("isSidechain")  # type: ignore[attr-defined]
    except (KeyError, TypeError, AttributeError):
        return None
    if type(key) is not str or not key:
        return None
    for value in values:
        if type(value) is not int or not 0 <= value <= MAX_COUNT:
            return None
    fresh, read, written, output, five, hour = values
    tokens = TokenCounts(fresh, read, five + max(0, written - five - hour), hour, output)
    return key, tokens, PRECEDENCE_COPY if sidechain is True else PRECEDENCE_ORIGINAL


def usage_of(row: object) -> NewEntry | None:
    """The record for one parsed transcript row, or None for rows that carry no usage.

    Raises:
        ValueError: for an assistant row with usage that cannot be read.
    """
    return _usage_of(row, None, None)


def _usage_of(row: object, key: str | None, tokens: TokenCounts | None) -> NewEntry | None:
    """``usage_of``, with the row's key and tokens when ``_quick`` read them already."""
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
        raise ValueError(msg(mt.ASSISTANT_NO_MODEL))
    at = parse_time(row.get("timestamp"))
    if at is None:
        raise ValueError(msg(mt.ASSISTANT_NO_TIME))
    ref = checked_text(_key(row, message) if key is None else key, "reference")
    tokens = _tokens(usage) if tokens is None else tokens
    # Positional, in ``NewEntry``'s field order (cheaper than keywords, once per response);
    # unpriced: the service prices it from the catalogue.
    return NewEntry(
        at, guess_provider(model, "anthropic") or "anthropic", checked_text(model, "model"),
        tokens, None, None, SOURCE_CLAUDE_CODE, ref, None, None, None, 1,
        project_value(row.get("cwd")),
        PRECEDENCE_COPY if row.get("isSidechain") is True else PRECEDENCE_ORIGINAL,
    )  # fmt: skip


def _tokens(usage: dict[str, Any]) -> TokenCounts:
    """The token parts; cache writes are ``max(cache_creation_input_tokens, 5m + 1h)``."""
    written = count(usage, "cache_creation_input_tokens")
    split = usage.get("cache_creation")
    if isinstance(split, dict):
        five = count(split, "ephemeral_5m_input_tokens")
        hour = count(split, "ephemeral_1h_input_tokens")
        five += max(0, written - five - hour)  # what the split does not cover: 5 minutes
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
    """The message id (one API response), else ``row:<uuid>``."""
    message_id = message.get("id")
    if isinstance(message_id, str) and message_id:
        return message_id
    uuid = row.get("uuid")
    if isinstance(uuid, str) and uuid:
        return f"row:{uuid}"
    raise ValueError(msg(mt.ASSISTANT_NO_ID))
