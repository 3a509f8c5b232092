"""Journal files in the sync folder: one writer per file, records that check themselves.

Layout: ``FOLDER/tokenbudget-sync/v1/<device id>/journal-000001.jsonl``, ``-000002``, ...
A device appends only to its own files, so two devices never write the same file and a sync
engine never has to merge one. A segment is closed when it passes ``SEGMENT_BYTES``.

A record is one line of JSON: ``{"b": body, "d": device, "k": key, "n": sequence number,
"s": stamp, "t": type, "h": check}``: the record's canonical JSON (sorted keys, no spaces)
with ``h`` added last, the start of the SHA-256 of the line as it would be without it, so a
reader checks the bytes as they are without encoding anything again. A reader takes a line
only if it ends in a newline and its check holds: a half-synced file (a truncated last record)
is read up to its last complete record, and the rest when it arrives.

Files that sync engines leave beside a journal are handled by name (``classify``): their
temporary files are skipped, and conflict copies (Syncthing's ``.sync-conflict-``, Dropbox's
and Nextcloud's "conflicted copy", OneDrive's ``-HOSTNAME`` suffix, iCloud's `` 2``) are read
as extra input. Nothing in them is trusted blindly: a record must pass its check and name the
device whose folder holds it, and records are deduplicated by ``(device, number)`` (``merge``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Final

from tokenbudget.core.sync.clock import Stamp

ROOT: Final = Path("tokenbudget-sync") / "v1"
SEGMENT_BYTES: Final = 8 << 20
#: A single record longer than this is refused on write and skipped on read.
MAX_RECORD_BYTES: Final = 1 << 20

_SEGMENT = re.compile(r"^journal-(\d{6})\.jsonl$")
_DEVICE_DIR = re.compile(r"^[0-9a-z][0-9a-z-]{0,63}$")
_CHECK_CHARS = 16


class FileKind(Enum):
    """What a file in a device's folder is."""

    SEGMENT = "segment"
    CONFLICT = "conflict"
    SKIP = "skip"


def classify(name: str) -> FileKind:
    """Tell a journal segment from a sync engine's conflict copy or temporary file."""
    if name.startswith((".", "~")) or name.endswith((".tmp", ".part", ".partial")):
        return FileKind.SKIP
    if _SEGMENT.match(name):
        return FileKind.SEGMENT
    if name.startswith("journal-"):
        return FileKind.CONFLICT
    return FileKind.SKIP


def device_dirs(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every device folder under ``folder``'s journal root, as ``(device id, path)``."""
    root = folder / ROOT
    try:
        children = sorted(root.iterdir())
    except OSError:
        return
    for child in children:
        if _DEVICE_DIR.match(child.name) and child.is_dir():
            yield child.name, child


@dataclass(frozen=True)
class Record:
    """One event as a device wrote it.

    Attributes:
        device: The device that wrote it (and whose folder holds it).
        number: Its sequence number on that device, from 1, without gaps.
        stamp: Its hybrid logical clock stamp.
        type: What it records (``merge.EventType`` values).
        key: What it is about: an entry's or a plan's uid, a limit's key.
        body: The data, as plain JSON values.
    """

    device: str
    number: int
    stamp: Stamp
    type: str
    key: str
    body: Mapping[str, Any]
    #: The line it was read from (newline excluded), when it was read from one.
    raw: bytes | None = field(default=None, compare=False, repr=False)

    def line(self) -> bytes:
        """The record as one checked line of UTF-8 JSON, newline included."""
        if self.raw is not None:
            return self.raw + b"\n"
        return seal(self._fields()) + b"\n"

    def _fields(self) -> dict[str, Any]:
        return {
            "d": self.device,
            "n": self.number,
            "s": self.stamp.text(),
            "t": self.type,
            "k": self.key,
            "b": dict(self.body),
        }


def _canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


_CHECK_MARK = b',"h":"'


def seal(fields: Mapping[str, Any]) -> bytes:
    """``fields`` as canonical JSON with its check added last (no newline)."""
    unchecked = _canonical(fields)
    check = hashlib.sha256(unchecked).hexdigest()[:_CHECK_CHARS]
    return unchecked[:-1] + _CHECK_MARK + check.encode() + b'"}'


def _check_holds(line: bytes) -> bool:
    """True if ``line`` ends in its check and the check matches the bytes before it."""
    at = line.rfind(_CHECK_MARK)
    if at < 0 or not line.endswith(b'"}') or len(line) - at != len(_CHECK_MARK) + 18:
        return False
    check = line[at + len(_CHECK_MARK) : -2]
    return hashlib.sha256(line[:at] + b"}").hexdigest()[:_CHECK_CHARS].encode() == check


def parse_line(line: bytes, device: str) -> Record | None:
    """The record on ``line`` (without its newline), or None if it is not sound.

    Not sound: bad JSON, a failed check, a missing or mistyped field, or another device's name
    than ``device`` (the folder it was found in).
    """
    if len(line) > MAX_RECORD_BYTES or not _check_holds(line):
        return None
    record = parse_trusted(line)
    if record is None or record.device != device:
        return None
    return record


def parse_trusted(line: bytes) -> Record | None:
    """The record on a line already checked (one this ledger stored), or None if malformed."""
    try:
        fields = json.loads(line)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    try:
        record = Record(
            device=fields["d"],
            number=fields["n"],
            stamp=Stamp.parse(fields["s"]),
            type=fields["t"],
            key=fields["k"],
            body=fields["b"],
            raw=line,
        )
    except (KeyError, TypeError, ValueError):
        return None
    if (
        not isinstance(record.device, str)
        or record.stamp.device != record.device
        or not isinstance(record.number, int)
        or isinstance(record.number, bool)
        or record.number < 1
        or not isinstance(record.type, str)
        or not isinstance(record.key, str)
        or not isinstance(record.body, dict)
    ):
        return None
    return record


@dataclass(frozen=True)
class Cursor:
    """How far a file has been read.

    The bytes taken, and a digest of the last line taken: a file replaced by different content
    is read again from the start.
    """

    offset: int = 0
    tail: str = ""


@dataclass(frozen=True)
class Chunk:
    """What one read of a file gave.

    Attributes:
        records: The sound records read, in file order.
        cursor: Where the next read starts.
        skipped: Complete lines that were not sound records (corrupt, or another device's).
        pending: Bytes after the last complete line: a record still on its way.
        restarted: True if the file no longer matched the cursor and was read from the start.
    """

    records: list[Record]
    cursor: Cursor
    skipped: int
    pending: int
    restarted: bool


def _digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()[:_CHECK_CHARS]


def read_from(path: Path, device: str, cursor: Cursor) -> Chunk:
    """Read the records of ``path`` after ``cursor``, up to its last complete line.

    Raises:
        OSError: if the file cannot be read (the caller reports it and tries again later).
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        restarted = False
        start = cursor.offset
        if start and not _still_there(handle, cursor, size):
            start, restarted = 0, True
        handle.seek(start)
        data = handle.read(max(0, size - start))
    end = data.rfind(b"\n") + 1
    records: list[Record] = []
    skipped = 0
    tail = cursor.tail if not restarted else ""
    for line in data[:end].splitlines():
        if not line.strip():
            continue
        record = parse_line(line, device)
        if record is None:
            skipped += 1
        else:
            records.append(record)
        tail = _digest(line)
    return Chunk(records, Cursor(start + end, tail), skipped, len(data) - end, restarted)


def _still_there(handle: Any, cursor: Cursor, size: int) -> bool:
    """True if the file still holds, just before ``cursor.offset``, the line read last."""
    if size < cursor.offset:
        return False
    if not cursor.tail:
        return True
    back = min(cursor.offset, MAX_RECORD_BYTES + 1)
    handle.seek(cursor.offset - back)
    before = handle.read(back)
    if not before.endswith(b"\n"):
        return False
    last = before[:-1].rsplit(b"\n", 1)[-1]
    return _digest(last) == cursor.tail


class JournalWriter:
    """Appends this device's records to its own segments (the only writer of them)."""

    def __init__(self, folder: Path, device: str) -> None:
        if not _DEVICE_DIR.match(device):
            raise ValueError(f"not a device id: {device!r}")
        self.directory = folder / ROOT / device
        self.device = device

    def segments(self) -> list[Path]:
        """This device's segments, in order."""
        try:
            names = [p for p in self.directory.iterdir() if _SEGMENT.match(p.name)]
        except OSError:
            return []
        return sorted(names)

    def append(self, records: list[Record]) -> None:
        """Append ``records`` (this device's, numbered on) and make them durable.

        Raises:
            ValueError: for a record of another device, or one over ``MAX_RECORD_BYTES``.
            OSError: if the folder cannot be written (nothing is lost: the caller keeps the
                records and writes them again next time).
        """
        lines = []
        for record in records:
            if record.device != self.device:
                raise ValueError(f"record of {record.device} given to {self.device}'s journal")
            line = record.line()
            if len(line) > MAX_RECORD_BYTES:
                raise ValueError(f"record {record.number} is too large to journal")
            lines.append(line)
        if not lines:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        segments = self.segments()
        current = segments[-1] if segments else self.directory / "journal-000001.jsonl"
        size = current.stat().st_size if current.exists() else 0
        if size >= SEGMENT_BYTES:
            number = int(_SEGMENT.match(current.name)[1]) + 1  # type: ignore[index]
            current, size = self.directory / f"journal-{number:06d}.jsonl", 0
        with open(current, "ab") as handle:
            if size and not _ends_with_newline(current, size):
                handle.write(b"\n")  # a torn write of ours: its remains are skipped
            handle.write(b"".join(lines))
            handle.flush()
            os.fsync(handle.fileno())


def _ends_with_newline(path: Path, size: int) -> bool:
    with open(path, "rb") as handle:
        handle.seek(size - 1)
        return handle.read(1) == b"\n"
