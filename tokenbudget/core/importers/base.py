"""What every importer shares: the record shape, problems, incremental state and streaming.

An importer reads another tool's usage logs and returns ``ImportedUsage`` records. It never
prices them (the ledger does, from the catalogue) and never writes anywhere: it takes the state
it returned last time and returns the new one, which the ledger stores as JSON.

Incremental state (one JSON object per importer)::

    {"version": 1,
     "files": {"/abs/path.jsonl": {"size": 123, "mtime_ns": 1, "inode": 42,
                                   "offset": 120, "line": 7,
                                   "head": "9f2c...", "head_len": 120,
                                   "extra": {...}}}}

``offset`` counts the bytes of complete lines consumed (a final line without a newline is
not consumed until it is completed) and ``line`` how many lines they were, so problems keep
their true line numbers across runs. ``head`` is a hash of the first ``head_len`` bytes: with
the inode it detects a file replaced by another one. A file whose size, mtime and inode are
unchanged is not opened; one that shrank, changed inode or changed head is read again from
the start (source references keep that idempotent); otherwise reading resumes at ``offset``.
``extra`` is what a format needs to resume (Codex: the session's last cumulative totals and
model). Unreadable state is treated as empty: everything is read again, idempotently.

Malformed input is never fatal: each bad line becomes a ``Problem`` (file and line number),
at most ``MAX_PROBLEMS_PER_FILE`` per file plus one line saying how many more there were.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Final, Protocol

from tokenbudget.core.entries import NewEntry, TokenCounts

STATE_VERSION: Final = 1

HUGE_LINE: Final = 4 * 1024 * 1024
"""Lines longer than this are judged by their first ``PROBE`` bytes before being read whole."""

PROBE: Final = 64 * 1024
"""How much of a huge line is looked at to decide whether to keep it."""

MAX_LINE: Final = 64 * 1024 * 1024
"""A line worth keeping but longer than this is skipped and reported (memory stays bounded)."""

MAX_PROBLEMS_PER_FILE: Final = 50

_CHUNK: Final = 1024 * 1024
_HEAD_BYTES: Final = 1024

SOURCE_CLAUDE_CODE: Final = "claude-code"
SOURCE_CODEX: Final = "codex"
SOURCE_GEMINI_CLI: Final = "gemini-cli"
SOURCE_CSV: Final = "csv"


@dataclass(frozen=True)
class ImportedUsage:
    """One request (or an aggregate of requests) read from another tool's logs.

    Attributes:
        at: When the request was made, timezone-aware.
        provider: Provider key (``anthropic``, ``openai``, ``gemini`` ...).
        model: Model id as the source named it.
        tokens: The disjoint token parts.
        source: The importer's name (``claude-code``, ``codex``, ``gemini-cli``, ``csv``), or
            the original source of a row of our own CSV export.
        source_ref: Unique within ``source`` and stable across runs: the ledger upserts on
            ``(source, source_ref)``; ``entries.replaces`` says which side wins.
        note: Free text, or None.
        requests: How many requests the record stands for.
        cost_micros: A cost the file states itself (only our own CSV export carries one), in
            micro-units of ``currency``; None means "let the ledger price it".
        currency: ISO code of ``cost_micros``, or None.
    """

    at: datetime
    provider: str
    model: str
    tokens: TokenCounts
    source: str
    source_ref: str
    note: str | None = None
    requests: int = 1
    cost_micros: int | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("imported times must be timezone-aware")
        if self.requests < 0:
            raise ValueError("requests must be >= 0")
        if (self.cost_micros is None) != (self.currency is None):
            raise ValueError("cost and currency go together")

    def to_entry(self, cost_micros: int | None, currency: str | None) -> NewEntry:
        """The ledger entry for this record, priced by the caller."""
        return NewEntry(
            at=self.at,
            provider=self.provider,
            model=self.model,
            tokens=self.tokens,
            cost_micros=cost_micros,
            currency=currency,
            source=self.source,
            source_ref=self.source_ref,
            note=self.note,
            requests=self.requests,
        )


@dataclass(frozen=True)
class Problem:
    """Something in a log that could not be read; reported, never fatal.

    Attributes:
        path: The file.
        line: 1-based line number, or None for the whole file.
        message: One user-facing line.
    """

    path: str
    line: int | None
    message: str


@dataclass
class ImportResult:
    """What one ``scan`` found.

    Attributes:
        records: New or updated records, ordered by time then reference.
        problems: Malformed lines and unreadable files.
        state: The state to hand back next run (JSON-serialisable).
        files_read: Files opened because they were new or had changed.
        bytes_read: Bytes consumed from them.
    """

    records: list[ImportedUsage]
    problems: list[Problem]
    state: dict[str, Any]
    files_read: int = 0
    bytes_read: int = 0


class Importer(Protocol):
    """The interface every importer offers."""

    @property
    def name(self) -> str:
        """The source name its records carry."""
        ...

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """Where the tool keeps its logs (they may not exist)."""
        ...

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads that file."""
        ...

    def scan(self, roots: Sequence[Path], state: Mapping[str, Any]) -> ImportResult:
        """Read what is new under ``roots`` (directories or single files) since ``state``."""
        ...


# --- values --------------------------------------------------------------------------------

_PROVIDER_PREFIXES: Final = (
    ("claude", "anthropic"),
    ("gpt", "openai"),
    ("chatgpt", "openai"),
    ("codex", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("gemini", "gemini"),
    ("gemma", "gemini"),
    ("deepseek", "deepseek"),
    ("qwen", "dashscope"),
    ("qwq", "dashscope"),
    ("glm", "zai"),
    ("zai-", "zai"),
    ("kimi", "moonshot"),
    ("moonshot", "moonshot"),
    ("minimax", "minimax"),
    ("mistral", "mistral"),
    ("codestral", "mistral"),
    ("devstral", "mistral"),
    ("magistral", "mistral"),
    ("grok", "xai"),
)


def guess_provider(model: str, default: str | None = None) -> str | None:
    """The provider key a model name belongs to, or ``default`` when the name says nothing.

    Coding tools can talk to other vendors' models (Claude Code to GLM or Kimi through an
    Anthropic-compatible endpoint, for one), so the name decides before the tool does.
    """
    name = model.strip().lower().rsplit("/", 1)[-1]
    for prefix, provider in _PROVIDER_PREFIXES:
        if name.startswith(prefix):
            return provider
    return default


def parse_time(value: object) -> datetime | None:
    """A timezone-aware time from ISO 8601 text or unix seconds; None if it is neither.

    Naive ISO times are taken as UTC. Numbers of 10^11 or more are unix milliseconds (10^11
    seconds is the year 5138).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        return parse_time(number) if math.isfinite(number) else None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def count(data: Mapping[str, Any], key: str) -> int:
    """A token count from a usage object: absent or null is 0.

    Raises:
        ValueError: for anything but a whole number >= 0 (message names the field).
    """
    value = data.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer() and value >= 0:
            return int(value)
        raise ValueError(f"'{key}' is not a whole number: {value!r}")
    if value < 0:
        raise ValueError(f"'{key}' is negative: {value}")
    return value


_UUID7: Final = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def uuid7_millis(value: object) -> int | None:
    """The unix-millisecond time inside a version-7 UUID, or None for anything else."""
    if not isinstance(value, str) or not _UUID7.match(value.lower()):
        return None
    return int(value[:8] + value[9:13], 16)


# --- files ---------------------------------------------------------------------------------


def expand(text: str, home: Path) -> Path:
    """A path from an environment variable, with a leading ``~`` meaning ``home``."""
    text = text.strip()
    if text == "~" or text.startswith(("~/", "~" + os.sep)):
        return home / text[2:]
    return Path(text)


def describe(err: ValueError) -> str:
    """A one-line problem message for a parse error."""
    if isinstance(err, json.JSONDecodeError):
        if err.pos >= len(err.doc.rstrip()):
            return "not valid JSON: the text ends early (truncated?)"
        return f"not valid JSON: {err.msg} (column {err.colno})"
    if isinstance(err, UnicodeDecodeError):
        return "not valid UTF-8"
    return str(err)


def looks_like_object(line: bytes) -> bool:
    """Whether a JSONL line is framed as one JSON object (cheap, without parsing it)."""
    text = line.strip()
    return text[:1] == b"{" and text[-1:] == b"}"


def discover(roots: Sequence[Path], patterns: Sequence[str]) -> list[Path]:
    """Files matching ``patterns`` (globs) under each root directory, plus roots that are files.

    Missing roots are skipped. The result is sorted and free of duplicates.
    """
    found: dict[str, Path] = {}
    for root in roots:
        if root.is_file():
            found.setdefault(str(root.resolve()), root)
        elif root.is_dir():
            for pattern in patterns:
                for path in root.glob(pattern):
                    if path.is_file():
                        found.setdefault(str(path.resolve()), path)
    return [found[key] for key in sorted(found)]


def file_states(state: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], bool]:
    """The per-file part of an importer state, and whether the state was usable."""
    if not state:
        return {}, True
    files = state.get("files")
    if state.get("version") != STATE_VERSION or not isinstance(files, dict):
        return {}, False
    return {k: dict(v) for k, v in files.items() if isinstance(v, dict)}, True


def _is_under(path: str, roots: Sequence[Path]) -> bool:
    for root in roots:
        base = str(root.resolve())
        if path == base or path.startswith(base.rstrip(os.sep) + os.sep):
            return True
    return False


def _head(fh: BinaryIO, length: int) -> str:
    fh.seek(0)
    return hashlib.blake2b(fh.read(length), digest_size=8).hexdigest()


@dataclass
class FileCursor:
    """Where reading one file starts, and what the importer kept from last time.

    Attributes:
        offset: Byte offset of the first unconsumed line.
        line: Number of lines consumed before ``offset``.
        extra: The importer's own resume data (empty when starting over).
    """

    offset: int = 0
    line: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class ProblemLog:
    """Collects problems for one file, capped at ``MAX_PROBLEMS_PER_FILE``."""

    def __init__(self, path: str, into: list[Problem]) -> None:
        self.path = path
        self._into = into
        self.count = 0

    def add(self, line: int | None, message: str) -> None:
        """Record one problem (only counted once the cap is reached)."""
        self.count += 1
        if self.count <= MAX_PROBLEMS_PER_FILE:
            self._into.append(Problem(self.path, line, message))

    def close(self) -> None:
        """Add the line that says how many problems were not listed."""
        hidden = self.count - MAX_PROBLEMS_PER_FILE
        if hidden > 0:
            self._into.append(Problem(self.path, None, f"{hidden} more problems not listed"))


#: Reads one file from a cursor: (path, open binary file, cursor, problems) -> (offset, line,
#: extra), where offset and line point past what was consumed and extra is the resume data.
FileReader = Callable[[Path, BinaryIO, FileCursor, ProblemLog], tuple[int, int, dict[str, Any]]]


def scan_files(
    paths: Sequence[Path],
    roots: Sequence[Path],
    state: Mapping[str, Any],
    read: FileReader,
    *,
    appendable: Callable[[Path], bool],
) -> tuple[list[Problem], dict[str, Any], int, int]:
    """Run ``read`` over every new or changed file and build the next state.

    Args:
        paths: The files found under ``roots``.
        roots: What was scanned; state for files gone from under them is dropped, state for
            files elsewhere is kept.
        state: The previous state.
        read: Reads one file from its cursor.
        appendable: Whether a file only ever grows (JSONL) and may be resumed at its offset;
            others are read whole whenever they change.

    Returns:
        Problems, new state, files read, bytes read.
    """
    previous, usable = file_states(state)
    problems: list[Problem] = []
    if not usable:
        problems.append(Problem("(import state)", None, "unreadable; every file is read again"))
    files: dict[str, dict[str, Any]] = {
        key: value for key, value in previous.items() if not _is_under(key, roots)
    }
    files_read = bytes_read = 0
    for path in paths:
        key = str(path.resolve())
        before = previous.get(key)
        try:
            st = path.stat()
        except OSError as err:
            problems.append(Problem(str(path), None, f"cannot read: {err.strerror or err}"))
            if before is not None:
                files[key] = before
            continue
        if before is not None and (
            before.get("inode") == st.st_ino
            and before.get("size") == st.st_size
            and before.get("mtime_ns") == st.st_mtime_ns
        ):
            files[key] = before
            continue
        log = ProblemLog(str(path), problems)
        try:
            with path.open("rb", buffering=_CHUNK) as fh:
                cursor = _resume_cursor(fh, before, st, appendable(path))
                offset, line, extra = read(path, fh, cursor, log)
                head_len = min(offset, _HEAD_BYTES)
                head = _head(fh, head_len)
        except OSError as err:
            problems.append(Problem(str(path), None, f"cannot read: {err.strerror or err}"))
            if before is not None:
                files[key] = before
            continue
        log.close()
        files_read += 1
        bytes_read += max(0, offset - cursor.offset)
        files[key] = {
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "inode": st.st_ino,
            "offset": offset,
            "line": line,
            "head": head,
            "head_len": head_len,
            "extra": extra,
        }
    return problems, {"version": STATE_VERSION, "files": files}, files_read, bytes_read


def _resume_cursor(
    fh: BinaryIO, before: Mapping[str, Any] | None, st: os.stat_result, appendable: bool
) -> FileCursor:
    """Where to start: the old offset if the file only grew, else the beginning."""
    if before is None or not appendable:
        return FileCursor()
    offset, line, extra = before.get("offset"), before.get("line"), before.get("extra")
    head_len = before.get("head_len")
    if (
        not isinstance(offset, int)
        or not isinstance(line, int)
        or not isinstance(head_len, int)
        or not isinstance(extra, dict)
        or before.get("inode") != st.st_ino
        or st.st_size < offset
        or st.st_size < before.get("size", 0)
        or _head(fh, head_len) != before.get("head")
    ):
        return FileCursor()
    return FileCursor(offset, line, dict(extra))


class LineStream:
    """The complete lines of a binary file from a cursor, in flat memory.

    Iterating yields each complete line (newline included); afterwards ``offset`` and
    ``line`` point past the last complete line, so a final line without a newline is left for
    the next run. A line longer than ``HUGE_LINE`` is kept only if ``keep_huge`` accepts its
    first ``PROBE`` bytes; otherwise the rest is read in chunks and dropped without being
    held. A kept line longer than ``MAX_LINE`` is dropped too and its number is appended to
    ``oversized``.
    """

    def __init__(
        self,
        fh: BinaryIO,
        cursor: FileCursor,
        keep_huge: Callable[[bytes], bool],
        *,
        huge: int = HUGE_LINE,
        cap: int = MAX_LINE,
    ) -> None:
        self.offset = cursor.offset
        self.line = cursor.line
        self.oversized: list[int] = []
        self._fh = fh
        self._keep_huge = keep_huge
        self._huge = huge
        self._cap = cap

    def __iter__(self) -> Iterator[bytes]:
        self._fh.seek(self.offset)
        readline = self._fh.readline
        huge = self._huge
        while True:
            chunk = readline(huge)
            if not chunk:
                return
            if chunk[-1] == 10:  # b"\n"
                self.offset += len(chunk)
                self.line += 1
                yield chunk
                continue
            if len(chunk) < huge:
                return  # the last line is not complete yet: not consumed
            parts: list[bytes] | None = [chunk] if self._keep_huge(chunk[:PROBE]) else None
            size = len(chunk)
            while True:
                more = readline(_CHUNK)
                if not more:
                    return  # incomplete huge line at the end: not consumed
                size += len(more)
                if parts is not None:
                    if size > self._cap:
                        parts = None
                        self.oversized.append(self.line + 1)
                    else:
                        parts.append(more)
                if more[-1] == 10:
                    break
            self.offset += size
            self.line += 1
            if parts is not None:
                yield b"".join(parts)
