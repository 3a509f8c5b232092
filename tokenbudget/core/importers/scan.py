"""Finding log files, reading only what changed, and the incremental state.

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

A zstd-compressed file (``*.zst``) is read whole, through a decompressor, whenever it
changes; its ``offset`` and ``line`` count decompressed bytes and lines, its ``head`` hashes
the compressed bytes. Damaged compressed data is a problem for that file; whatever was read
before the damage is kept.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final, cast

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry, replaces
from tokenbudget.core.importers.base import ImportResult, Problem, ProblemLog
from tokenbudget.core.importers.streaming import (
    CHUNK,
    FileCursor,
    decompressed,
    is_compressed,
)
from tokenbudget.core.messages import message as msg
from tokenbudget.core.messages import text_of
from tokenbudget.core.paths import can_look_at

STATE_VERSION: Final = 1

_HEAD_BYTES: Final = 1024


def expand(text: str, home: Path) -> Path:
    """A path from an environment variable, with a leading ``~`` meaning ``home``."""
    text = text.strip()
    if text == "~" or text.startswith(("~/", "~" + os.sep)):
        return home / text[2:]
    return Path(text)


def discover(roots: Sequence[Path], patterns: Sequence[str]) -> list[Path]:
    """Files matching ``patterns`` (globs) under each root directory, plus roots that are files.

    Missing roots, and roots the user may not look at, are skipped. The result is sorted and
    free of duplicates.
    """
    found: dict[str, Path] = {}
    for root in roots:
        if not can_look_at(root):
            continue
        if root.is_file():
            found.setdefault(str(root.resolve()), root)
        elif root.is_dir():
            for pattern in patterns:
                for path in root.glob(pattern):
                    if path.is_file():
                        found.setdefault(str(path.resolve()), path)
    return [found[key] for key in sorted(found)]


#: Records a scan holds before handing them to its sink (a few megabytes of them).
SPILL_AT: Final = 5_000


class Found:
    """The records of one scan, one per ``(source, source_ref)``.

    A reference seen again is settled by the one duplicate rule (``entries.replaces``), as
    the ledger settles it against what is stored. With a ``sink``, every ``SPILL_AT``
    records are handed to it (and forgotten here), so memory stays flat however much a scan
    reads: a record of a reference already handed over is settled by the ledger's upsert,
    which follows the same rule.
    """

    def __init__(self, sink: Sink | None = None) -> None:
        self._records: dict[tuple[str, str | None], NewEntry] = {}
        self._sink = sink

    def get(self, source: str, source_ref: str) -> NewEntry | None:
        """The record kept so far for that reference, if any."""
        return self._records.get((source, source_ref))

    def add(self, record: NewEntry) -> None:
        """Keep ``record`` unless the one kept for its reference wins over it."""
        key = (record.source, record.source_ref)
        old = self._records.get(key)
        if old is None or replaces(old, record):
            self._records[key] = record
            if self._sink is not None and len(self._records) >= SPILL_AT:
                spilled = self.records()
                self._records.clear()
                self._sink(spilled)

    def records(self) -> list[NewEntry]:
        """Every kept record, ordered by time then reference."""
        return sorted(self._records.values(), key=lambda r: (r.at, r.source_ref or ""))


#: Takes a batch of a scan's records as they are found (``Importer.scan``'s ``sink``).
Sink = Callable[[list[NewEntry]], None]


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


def head_hash(fh: BinaryIO, length: int) -> str:
    """The ``head`` of a file's state: a hash of its first ``length`` bytes."""
    fh.seek(0)
    return hashlib.blake2b(fh.read(length), digest_size=8).hexdigest()


#: Reads one file from a cursor: (path, open binary file, cursor, problems) -> (offset, line,
#: extra), where offset and line point past what was consumed and extra is the resume data.
FileReader = Callable[[Path, BinaryIO, FileCursor, ProblemLog], tuple[int, int, dict[str, Any]]]


def scan_files(
    paths: Sequence[Path],
    roots: Sequence[Path],
    state: Mapping[str, Any],
    read: FileReader,
    found: Found,
    *,
    appendable: Callable[[Path], bool],
) -> ImportResult:
    """Run ``read`` over every new or changed file and build the next state.

    Args:
        paths: The files found under ``roots``.
        roots: What was scanned; state for files gone from under them is dropped, state for
            files elsewhere is kept.
        state: The previous state.
        read: Reads one file from its cursor (and adds its records to ``found``).
        found: Where ``read`` puts the records; they become the result's records.
        appendable: Whether a file only ever grows (JSONL) and may be resumed at its offset;
            others are read whole whenever they change.

    Returns:
        The records, problems and new state, with the files and bytes read.
    """
    previous, usable = file_states(state)
    problems: list[Problem] = []
    if not usable:
        problems.append(Problem("(import state)", None, msg(mt.STATE_UNREADABLE_FILES)))
    files: dict[str, dict[str, Any]] = {
        key: value for key, value in previous.items() if not _is_under(key, roots)
    }
    files_read = bytes_read = 0
    for path in paths:
        key = str(path.resolve())
        before = previous.get(key)
        log = ProblemLog(str(path), problems)
        try:
            st = path.stat()
            if before is not None and (
                before.get("inode") == st.st_ino
                and before.get("size") == st.st_size
                and before.get("mtime_ns") == st.st_mtime_ns
            ):
                files[key] = before
                continue
            with path.open("rb", buffering=CHUNK) as fh:
                if is_compressed(path.name):
                    cursor = FileCursor()
                    offset, line, extra = _read_compressed(path, fh, read, log)
                    head_len = min(st.st_size, _HEAD_BYTES)
                else:
                    cursor = _resume_cursor(fh, before, st, appendable(path))
                    offset, line, extra = read(path, fh, cursor, log)
                    head_len = min(offset, _HEAD_BYTES)
                head = head_hash(fh, head_len)
        except OSError as err:
            problems.append(
                Problem(str(path), None, msg(mt.CANNOT_READ_FILE, why=err.strerror or str(err)))
            )
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
    new_state = {"version": STATE_VERSION, "files": files}
    return ImportResult(found.records(), problems, new_state, files_read, bytes_read)


def _read_compressed(
    path: Path, fh: BinaryIO, read: FileReader, log: ProblemLog
) -> tuple[int, int, dict[str, Any]]:
    """Run ``read`` over the whole decompressed content of ``fh``; damage is a problem."""
    try:
        stream = decompressed(fh)
        offset, line, extra = read(path, cast(BinaryIO, stream), FileCursor(), log)
        if stream.consumed > offset:
            log.add(line + 1, msg(mt.COMPRESSED_ENDS_IN_LINE))
    except ValueError as err:
        log.add(None, text_of(err))
        return 0, 0, {}
    return offset, line, extra


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
        or not isinstance(extra, dict)
        or not isinstance(head_len, int)
        or before.get("inode") != st.st_ino
        or st.st_size < offset
        or st.st_size < before.get("size", 0)
        or head_hash(fh, head_len) != before.get("head")
    ):
        return FileCursor()
    return FileCursor(offset, line, dict(extra))
