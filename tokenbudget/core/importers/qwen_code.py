"""Qwen Code: the chat recordings under ``~/.qwen/projects/<project>/chats/``.

Where: ``~/.qwen/projects`` on every system (Qwen Code keeps its folder in the home
directory on Linux, macOS and Windows; no override variable is documented, so none is read);
files ``*/chats/*.jsonl``, one per session, where ``<project>`` is the working folder with its
separators turned into ``-``. Sub-agent files: where Qwen Code writes them is UNVERIFIED, so
any ``*.jsonl`` in a ``chats`` folder (or one level below it) is read.

Each line is a ``ChatRecord``: ``{uuid, parentUuid, sessionId, timestamp, type: "user" |
"assistant" | "tool_result" | "system", subtype?, cwd, message, usageMetadata?, model,
forkedFrom?}``. Only ``assistant`` records with a ``usageMetadata`` object count; ``system``
records never do (``chat_compression`` holds copies of earlier history, ``ui_telemetry``
replays UI metrics on resume, ``rewind`` re-roots the tree but the rewound calls were billed).

Duplicates: ``/branch`` copies every record of a session verbatim into a new file (same
``uuid``, new ``sessionId``, ``forkedFrom`` set), so ``source_ref`` is the record's ``uuid``
alone, the same in every file, and a record carrying ``forkedFrom`` is a copy
(``PRECEDENCE_COPY``): the original wins in any file order and across runs. A record without
a ``uuid`` is keyed ``<session>:<timestamp>:<model>:<counts>``, like ccusage's.

Tokens (Gemini semantics: ``cachedContentTokenCount`` is inside ``promptTokenCount``,
``thoughtsTokenCount`` is not inside ``candidatesTokenCount`` and is billed as output;
``toolUsePromptTokenCount`` is billed as input on top of the prompt)::

    input = prompt - cached + toolUsePrompt, cache read = cached, output = candidates + thoughts

Provider ``dashscope`` unless the model's name says otherwise. Project: the record's ``cwd``,
else the ``<project>`` folder decoded by turning ``-`` back into separators (lossy for
folders whose names hold ``-``; only used when a record names no ``cwd``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import PRECEDENCE_COPY, NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_QWEN_CODE, ImportResult, ProblemLog
from tokenbudget.core.importers.scan import Found, Sink, discover, scan_files
from tokenbudget.core.importers.streaming import FileCursor, read_json_lines
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    guess_provider,
    parse_time,
    project_value,
    usage_entry,
)
from tokenbudget.core.messages import message as msg

UNKNOWN_MODEL: Final = "unknown"
PROVIDER: Final = "dashscope"

_IN_CHATS: Final = ("*.jsonl", "*/*.jsonl")
_BELOW: Final = ("**/chats/*.jsonl", "**/chats/*/*.jsonl")


class QwenCodeImporter:
    """Reads Qwen Code chat recordings (provider ``dashscope`` unless the model says otherwise)."""

    name = SOURCE_QWEN_CODE
    per_session = False

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``~/.qwen/projects`` (the same on Linux, macOS and Windows)."""
        return [home / ".qwen" / "projects"]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it: ``*.jsonl`` in ``chats``."""
        if path.suffix != ".jsonl":
            return False
        return path.parent.name == "chats" or path.parent.parent.name == "chats"

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read new records under ``roots``."""
        found = Found(sink)

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            folder = _project_folder(path)

            def take(row: Any) -> None:
                record = usage_of(row, path.stem, folder)
                if record is not None:
                    found.add(record)

            offset, line = read_json_lines(
                fh, cursor, log, wanted=_wanted, keep_huge=_wanted, take=take
            )
            return offset, line, {}

        by_key: dict[str, Path] = {}
        for root in roots:
            for path in discover([root], _patterns(root)):
                by_key.setdefault(str(path.resolve()), path)
        paths = [by_key[key] for key in sorted(by_key)]
        return scan_files(paths, roots, state, read, found, appendable=lambda p: True)


def _patterns(root: Path) -> tuple[str, ...]:
    if root.name == "chats":
        return _IN_CHATS
    if root.parent.name == "chats":
        return ("*.jsonl",)
    return _BELOW


def _wanted(line: bytes) -> bool:
    return b'"usageMetadata"' in line and b'"assistant"' in line


def _project_folder(path: Path) -> str | None:
    """The working folder a ``projects/<project>/chats/<file>`` path names, decoded (lossy)."""
    chats = path.parent if path.parent.name == "chats" else path.parent.parent
    if chats.name != "chats":
        return None
    name = chats.parent.name
    if not name.startswith("-"):
        return None  # not an encoded absolute folder: nothing reliable to decode
    return name.replace("-", "/")


def usage_of(row: object, stem: str, folder: str | None = None) -> NewEntry | None:
    """The record for one chat line, or None for a line without usage.

    ``stem`` names the file (used when a record has no session id); ``folder`` is the decoded
    project folder, used when the record names no ``cwd``.

    Raises:
        ValueError: for an assistant record with usage that cannot be read.
    """
    if not isinstance(row, dict):
        raise ValueError(msg(mt.ROW_NOT_OBJECT))
    if row.get("type") != "assistant":
        return None
    usage = row.get("usageMetadata")
    if not isinstance(usage, dict):
        return None
    at = parse_time(row.get("timestamp"))
    if at is None:
        raise ValueError(msg(mt.ASSISTANT_RECORD_NO_TIME))
    model = row.get("model")
    model = checked_text(model, "model") if isinstance(model, str) and model.strip() else None
    model = model or UNKNOWN_MODEL
    prompt = count(usage, "promptTokenCount")
    cached = min(count(usage, "cachedContentTokenCount"), prompt)
    tokens = TokenCounts(
        input_tokens=prompt - cached + count(usage, "toolUsePromptTokenCount"),
        cache_read_tokens=cached,
        output_tokens=count(usage, "candidatesTokenCount") + count(usage, "thoughtsTokenCount"),
    )
    uuid = row.get("uuid")
    if isinstance(uuid, str) and uuid:
        ref = checked_text(uuid, "uuid")
    else:
        session = row.get("sessionId")
        session = session if isinstance(session, str) and session else stem
        ref = (
            f"{checked_text(session, 'session id')}:{at.isoformat()}:{model}:"
            f"{tokens.input_tokens}/{tokens.cache_read_tokens}/{tokens.output_tokens}"
        )
    record = usage_entry(
        at=at,
        provider=guess_provider(model, PROVIDER) or PROVIDER,
        model=model,
        tokens=tokens,
        source=SOURCE_QWEN_CODE,
        source_ref=ref,
    )
    cwd = row.get("cwd")
    project = project_value(cwd if isinstance(cwd, str) and cwd.strip() else folder)
    if project is not None:
        record = replace(record, project=project)
    if row.get("forkedFrom") is not None:
        record = replace(record, precedence=PRECEDENCE_COPY)
    return record
