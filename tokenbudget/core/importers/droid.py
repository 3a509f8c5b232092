"""Factory Droid: one running total per session in ``<session id>.settings.json``.

Droid is closed source: the shape below comes from third-party readers (ccusage's droid
adapter, tokscale's ``sessions/droid.rs`` @a496cca5; see ``IMPORT_FORMATS.md`` section 10),
not from Droid itself.

Where: ``$DROID_SESSIONS_DIR`` when set, else ``~/.factory/sessions``; files
``**/*.settings.json`` (``<project>/<session id>.settings.json``). The transcript beside it
(``<session id>.jsonl``) holds no usage and is not read.

What counts: ``tokenUsage {inputTokens, outputTokens, cacheCreationTokens, cacheReadTokens,
thinkingTokens}``, the session's running total, as **one entry per session**
(``source_ref`` = the session id, the file name without ``.settings.json``; ``note`` says it
is a session total), so a session that grew replaces its entry (the newest record wins) and
a full rescan gives the same totals with no state at all::

    input_tokens = inputTokens, cache_read_tokens = cacheReadTokens,
    cache_write_5m_tokens = cacheCreationTokens, output_tokens = outputTokens + thinkingTokens

Time: the file's mtime (Droid rewrites it as the session goes on: its last update). Model:
``model`` as written (``custom:Claude-Opus-4.5-Thinking-[Anthropic]-0`` for a custom model:
the provider is guessed from the part after ``custom:``, else ``providerLock``). Requests:
not logged (1). Project: not logged (none).

UNVERIFIED: that ``inputTokens`` excludes the cache (Anthropic-shaped) and that
``thinkingTokens`` is not inside ``outputTokens``; both as ccusage reads them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_DROID, ImportResult, ProblemLog
from tokenbudget.core.importers.named_provider import provider_for
from tokenbudget.core.importers.scan import Found, Sink, discover, expand, scan_files
from tokenbudget.core.importers.streaming import FileCursor, describe, parse_json
from tokenbudget.core.importers.values import checked_text, count, usage_entry
from tokenbudget.core.messages import message as msg

SUFFIX: Final = ".settings.json"
UNKNOWN_MODEL: Final = "unknown"
NOTE: Final = "session total (Droid logs one running total per session)"
MAX_SETTINGS: Final = 16 * 1024 * 1024
"""A settings file larger than this is reported instead of being loaded."""


class DroidImporter:
    """Reads Factory Droid's per-session token totals (one entry per session)."""

    name = SOURCE_DROID
    per_session = True

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$DROID_SESSIONS_DIR``, else ``~/.factory/sessions``."""
        configured = env.get("DROID_SESSIONS_DIR", "").strip()
        return [expand(configured, home) if configured else home / ".factory" / "sessions"]

    def reads(self, path: Path) -> bool:
        """``*.settings.json``."""
        return path.name.endswith(SUFFIX) and len(path.name) > len(SUFFIX)

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read the settings files that changed under ``roots``."""
        found = Found(sink)

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            data = fh.read(MAX_SETTINGS + 1)
            if len(data) > MAX_SETTINGS:
                log.add(None, msg(mt.FILE_TOO_LARGE_SKIPPED, what=msg(mt.WHAT_SETTINGS_FILE)))
                return len(data), 0, {}
            try:
                record = settings_record(path, parse_json(data), path.stat().st_mtime)
            except ValueError as err:
                line = err.lineno if isinstance(err, json.JSONDecodeError) else None
                log.add(line, describe(err))
                return len(data), 0, {}
            if record is not None:
                found.add(record)
            return len(data), 0, {}

        paths = [p for p in discover(roots, (f"**/*{SUFFIX}",)) if self.reads(p)]
        return scan_files(paths, roots, state, read, found, appendable=lambda _: False)


def settings_record(path: Path, document: object, mtime: float) -> NewEntry | None:
    """The entry of one settings file (None when it holds no token usage).

    Raises:
        ValueError: for usage or a model that cannot be read or stored.
    """
    if not isinstance(document, dict):
        raise ValueError(msg(mt.NOT_DROID_SETTINGS))
    usage = document.get("tokenUsage")
    if usage is None:
        return None
    if not isinstance(usage, dict):
        raise ValueError(msg(mt.TOKEN_USAGE_NOT_OBJECT))
    tokens = TokenCounts(
        input_tokens=count(usage, "inputTokens"),
        cache_read_tokens=count(usage, "cacheReadTokens"),
        cache_write_5m_tokens=count(usage, "cacheCreationTokens"),
        output_tokens=count(usage, "outputTokens") + count(usage, "thinkingTokens"),
    )
    if tokens.total_tokens == 0:
        return None
    model = document.get("model")
    model = checked_text(model, "model") if isinstance(model, str) and model.strip() else None
    model = model or UNKNOWN_MODEL
    bare = model.removeprefix("custom:")
    session = checked_text(path.name.removesuffix(SUFFIX), "session id")
    return usage_entry(
        at=datetime.fromtimestamp(mtime, UTC),
        provider=provider_for(bare, document.get("providerLock")),
        model=model,
        tokens=tokens,
        source=SOURCE_DROID,
        source_ref=session,
        note=NOTE,
    )
