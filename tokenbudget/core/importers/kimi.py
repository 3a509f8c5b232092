"""Kimi CLI and Kimi Code: the ``wire.jsonl`` of every session and sub-agent.

Where (one importer, both tools; the same home-relative folders on Linux, macOS and Windows):

* Kimi CLI: ``$KIMI_SHARE_DIR/sessions`` when set, else ``~/.kimi/sessions``;
  ``<bucket>/<session>/wire.jsonl`` and sub-agents' ``<bucket>/<session>/subagents/<agent>/
  wire.jsonl``.
* Kimi Code: ``$KIMI_CODE_HOME/sessions`` when set, else ``~/.kimi-code/sessions``;
  ``<bucket>/<session>/agents/<agent>/wire.jsonl`` (the main agent is ``agents/main``).

Kimi CLI lines are ``{"timestamp": <unix seconds>, "message": {"type", "payload"}}``; a
``StatusUpdate`` payload with ``token_usage = {input_other, output, input_cache_read,
input_cache_creation}`` (``input_other`` excludes both cache parts) and ``message_id`` (the
provider's) is one LLM step. A sub-agent's steps are written to its own wire AND forwarded to
the parent's as ``SubagentEvent`` whose ``payload.event`` is the ``StatusUpdate``; ``/fork``
copies a wire's lines verbatim into a new session with no marker. So ``source_ref`` is
``cli:<message_id>``, the same wherever the step is copied or forwarded, and counts once. A
step forwarded to a parent is a copy (``PRECEDENCE_COPY``: it carries the parent's time,
the sub-agent's own wire wins). A step with no ``message_id`` is keyed
``cli:<timestamp>:<counts>``; a forwarded copy of such a step carries the parent's time,
so it is not read (the sub-agent's own wire counts it).
The wire names no model: it is the ``default_model`` of the tool's ``config.toml`` (or the
older ``config.json``) next to ``sessions`` (its ``models.<name>.model`` when that table
names one), else ``kimi-for-coding``; a current setting, not a historical one.

Kimi Code lines are ``{"type", ...payload..., "time"}``; a ``usage.record`` (one per LLM
request) holds ``agentId``, ``model`` and ``usage = {inputOther, output, inputCacheRead,
inputCacheCreation}``. It carries no response id, so ``source_ref`` is
``code:<agent>:<time>:<model>:<counts>``, the same in a fork: a fork copies the agent's wire
verbatim and then appends ``{"type": "forked"}``, so the usage records before a file's last
``forked`` marker are copies (``PRECEDENCE_COPY``) and the original wins in any order.

Tokens: input = input other, cache read = cache read, cache write (5-minute bucket, the TTL
is not logged) = cache creation, output = output. Provider ``moonshot`` unless the model's
name says otherwise. Project: not recorded (the session folders hash the working folder).
Formats after the sources' commits named in ``IMPORT_FORMATS.md``; the Kimi Code
``usageScope`` field is read as a label only (UNVERIFIED that no request logs twice).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import PRECEDENCE_COPY, NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_KIMI_CLI, ImportResult, ProblemLog
from tokenbudget.core.importers.scan import Found, Sink, discover, expand, scan_files
from tokenbudget.core.importers.streaming import FileCursor, LineStream, read_json_lines
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    guess_provider,
    parse_time,
    usage_entry,
)
from tokenbudget.core.messages import message as msg

DEFAULT_MODEL: Final = "kimi-for-coding"
PROVIDER: Final = "moonshot"
MAX_CONFIG: Final = 1024 * 1024

_PATTERNS: Final = ("**/wire.jsonl",)


class KimiImporter:
    """Reads Kimi CLI and Kimi Code wires (provider ``moonshot`` unless the model says so)."""

    name = SOURCE_KIMI_CLI
    per_session = False

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """Kimi CLI's and Kimi Code's ``sessions`` folders (their env overrides first)."""
        share = env.get("KIMI_SHARE_DIR", "").strip()
        code = env.get("KIMI_CODE_HOME", "").strip()
        return [
            (expand(share, home) if share else home / ".kimi") / "sessions",
            (expand(code, home) if code else home / ".kimi-code") / "sessions",
        ]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it: every ``wire.jsonl``."""
        return path.name == "wire.jsonl"

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read new usage records under ``roots``."""
        found = Found(sink)
        models: dict[Path, str] = {}

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            kept = cursor.extra.get("copies")
            copies = kept if isinstance(kept, int) and kept >= 0 else 0
            if cursor.offset == 0:
                copies = _copies_before_fork(fh, cursor)
            fh.seek(cursor.offset)
            home = _tool_home(path)
            model: str | None = None

            def take(row: Any) -> None:
                nonlocal copies, model
                if not isinstance(row, dict):
                    raise ValueError(msg(mt.ROW_NOT_OBJECT))
                if row.get("type") == "usage.record":
                    record = code_usage_of(row, copy=copies > 0)
                    copies = max(0, copies - 1)
                    if record is not None:
                        found.add(record)
                    return
                if model is None:
                    model = _configured_model(home, models)
                record = cli_usage_of(row, model)
                if record is not None:
                    found.add(record)

            offset, line = read_json_lines(
                fh, cursor, log, wanted=_wanted, keep_huge=_wanted, take=take
            )
            return offset, line, {"copies": copies}

        by_key: dict[str, Path] = {}
        for root in roots:
            found_paths = [root] if root.is_file() else discover([root], _PATTERNS)
            for path in found_paths:
                if path.name == "wire.jsonl":
                    by_key.setdefault(str(path.resolve()), path)
        paths = [by_key[key] for key in sorted(by_key)]
        return scan_files(paths, roots, state, read, found, appendable=lambda p: True)


def _wanted(line: bytes) -> bool:
    return b'"StatusUpdate"' in line or b'"usage.record"' in line


def _copies_before_fork(fh: BinaryIO, cursor: FileCursor) -> int:
    """How many ``usage.record`` lines come before the file's last ``forked`` marker."""
    if cursor.offset != 0:
        return 0
    seen = before_marker = 0
    for raw in LineStream(fh, FileCursor(), lambda _: False):
        if b'"usage.record"' in raw:
            seen += 1
        elif b'"forked"' in raw:
            try:
                row = json.loads(raw)
            except ValueError:
                continue
            if isinstance(row, dict) and row.get("type") == "forked":
                before_marker = seen
    return before_marker


def _tool_home(path: Path) -> Path | None:
    """The tool's home: the parent of the ``sessions`` folder above ``path``."""
    for parent in path.parents:
        if parent.name == "sessions":
            return parent.parent
    return None


def _configured_model(home: Path | None, cache: dict[Path, str]) -> str:
    """Kimi CLI's configured default model (``config.toml``, else ``config.json``)."""
    if home is None:
        return DEFAULT_MODEL
    if home in cache:
        return cache[home]
    model = DEFAULT_MODEL
    for name in ("config.toml", "config.json"):
        config = _load_config(home / name)
        if config is None:
            continue
        chosen = config.get("default_model")
        if isinstance(chosen, str) and chosen.strip():
            model = chosen.strip()
            table = config.get("models")
            entry = table.get(model) if isinstance(table, dict) else None
            named = entry.get("model") if isinstance(entry, dict) else None
            if isinstance(named, str) and named.strip():
                model = named.strip()
        break
    cache[home] = model
    return model


def _load_config(path: Path) -> dict[str, Any] | None:
    """A config file as a table, or None when it is missing or unreadable."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CONFIG)
        config = tomllib.loads(data.decode()) if path.suffix == ".toml" else json.loads(data)
    except (OSError, ValueError, RecursionError):
        return None
    return config if isinstance(config, dict) else None


def _tokens(usage: Mapping[str, Any], other: str, read: str, write: str, out: str) -> TokenCounts:
    return TokenCounts(
        input_tokens=count(usage, other),
        cache_read_tokens=count(usage, read),
        cache_write_5m_tokens=count(usage, write),
        output_tokens=count(usage, out),
    )


def _label(tokens: TokenCounts) -> str:
    return (
        f"{tokens.input_tokens}/{tokens.cache_read_tokens}/"
        f"{tokens.cache_write_5m_tokens}/{tokens.output_tokens}"
    )


def cli_usage_of(row: Mapping[str, Any], model: str) -> NewEntry | None:
    """The record of one Kimi CLI wire line (``model`` from the config), or None.

    Raises:
        ValueError: for a status update with usage that cannot be read.
    """
    message = row.get("message")
    if not isinstance(message, dict):
        return None
    forwarded = False
    if message.get("type") == "SubagentEvent":
        payload = message.get("payload")
        message = payload.get("event") if isinstance(payload, dict) else None
        if not isinstance(message, dict):
            return None
        forwarded = True
    if message.get("type") != "StatusUpdate":
        return None
    payload = message.get("payload")
    usage = payload.get("token_usage") if isinstance(payload, dict) else None
    if not isinstance(payload, dict) or not isinstance(usage, dict):
        return None
    tokens = _tokens(usage, "input_other", "input_cache_read", "input_cache_creation", "output")
    message_id = payload.get("message_id")
    if isinstance(message_id, str) and message_id:
        ref = f"cli:{checked_text(message_id, 'message id')}"
    elif forwarded:
        return None  # keyed by time, and the forwarded copy has the parent's time
    else:
        ref = ""
    at = parse_time(row.get("timestamp"))
    if at is None:
        raise ValueError(msg(mt.ROW_STATUS_NO_TIME))
    ref = ref or f"cli:{row.get('timestamp')!r}:{_label(tokens)}"
    record = usage_entry(
        at=at,
        provider=guess_provider(model, PROVIDER) or PROVIDER,
        model=checked_text(model, "model"),
        tokens=tokens,
        source=SOURCE_KIMI_CLI,
        source_ref=ref,
    )
    # the forwarded copy carries the parent's time: the sub-agent's own wire wins over it
    return replace(record, precedence=PRECEDENCE_COPY) if forwarded else record


def code_usage_of(row: Mapping[str, Any], *, copy: bool = False) -> NewEntry | None:
    """The record of one Kimi Code ``usage.record`` (a fork's ``copy``), or None.

    Raises:
        ValueError: for a usage record that cannot be read.
    """
    usage = row.get("usage")
    if not isinstance(usage, dict):
        return None
    at = parse_time(row.get("time"))
    if at is None:
        raise ValueError(msg(mt.ROW_USAGE_NO_TIME))
    model = row.get("model")
    model = checked_text(model.strip(), "model") if isinstance(model, str) else ""
    model = model or DEFAULT_MODEL
    agent = row.get("agentId")
    agent = checked_text(agent, "agent id") if isinstance(agent, str) and agent else "main"
    tokens = _tokens(usage, "inputOther", "inputCacheRead", "inputCacheCreation", "output")
    record = usage_entry(
        at=at,
        provider=guess_provider(model, PROVIDER) or PROVIDER,
        model=model,
        tokens=tokens,
        source=SOURCE_KIMI_CLI,
        source_ref=f"code:{agent}:{row.get('time')!r}:{model}:{_label(tokens)}",
    )
    return replace(record, precedence=PRECEDENCE_COPY) if copy else record
