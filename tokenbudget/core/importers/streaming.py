"""The lines of a log in flat memory, and the JSON in them, line by line.

``LineStream`` yields the complete lines of a binary file from a cursor, however long they
are, without holding more than one kept line; ``read_json_lines`` runs the loop every JSONL
importer shares: skip lines that cannot matter, parse the others and hand them to the
importer, and turn whatever a line gets wrong into a problem for that line.
``decompressed`` reads a zstd-compressed file (Codex's cold ``.jsonl.zst`` rollouts) the
same way, streaming, in flat memory.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.importers.base import ProblemLog
from tokenbudget.core.messages import message as msg
from tokenbudget.core.messages import text_of

HUGE_LINE: Final = 4 * 1024 * 1024
"""Lines longer than this are judged by their first ``PROBE`` bytes before being read whole."""

PROBE: Final = 64 * 1024
"""How much of a huge line is looked at to decide whether to keep it."""

MAX_LINE: Final = 64 * 1024 * 1024
"""A line worth keeping but longer than this is skipped and reported (memory stays bounded)."""

CHUNK: Final = 1024 * 1024
"""The read size for files and for the rest of a huge line."""

ZSTD_MAGIC: Final = b"\x28\xb5\x2f\xfd"
"""The first bytes of a zstd frame."""


def is_compressed(name: str) -> bool:
    """Whether a file of that name is zstd-compressed (``*.zst``), read whole when changed."""
    return name.endswith(".zst")


def decompressed(raw: BinaryIO) -> Decompressed:
    """The decompressed content of a zstd file open at its start, as a buffered stream.

    The stream cannot seek; reading it raises ``ValueError`` (with a one-line message) where
    the data is damaged or ends before its last frame does (a truncated copy: zstd's own
    stream reader would end there silently). Memory stays flat whatever the size: one read
    buffer each side.

    Raises:
        ValueError: if the file does not start like zstd data, or no zstd support is
            installed.
    """
    start = raw.tell()
    magic = raw.read(4)
    raw.seek(start)
    if magic and magic != ZSTD_MAGIC and not _skippable(magic):
        raise ValueError(msg(mt.NOT_ZSTD))
    try:
        import zstandard
    except ImportError:
        raise ValueError(msg(mt.NO_ZSTANDARD)) from None
    frames = _Frames(raw, zstandard.ZstdDecompressor(), zstandard.ZstdError)
    return Decompressed(io.BufferedReader(frames, CHUNK))


def _skippable(magic: bytes) -> bool:
    """A zstd skippable frame: ``0x184D2A50``-``0x184D2A5F``, little-endian."""
    return len(magic) == 4 and magic[1:] == b"\x2a\x4d\x18" and 0x50 <= magic[0] <= 0x5F


class _Frames(io.RawIOBase):
    """The decompressed bytes of consecutive zstd frames, a compressed chunk at a time."""

    def __init__(self, raw: BinaryIO, decompressor: Any, error: type[Exception]) -> None:
        self._raw = raw
        self._decompressor = decompressor
        self._error = error
        self._frame: Any = None
        self._pending = b""
        self._at = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._at >= len(self._pending):
            if not self._more():
                return 0
        n = min(len(buffer), len(self._pending) - self._at)
        buffer[:n] = self._pending[self._at : self._at + n]
        self._at += n
        return n

    def _more(self) -> bool:
        chunk = self._raw.read(_COMPRESSED_CHUNK)
        if not chunk:
            if self._frame is not None and not self._frame.eof:
                raise ValueError(msg(mt.COMPRESSED_ENDS_EARLY))
            return False
        parts: list[bytes] = []
        while chunk:
            if self._frame is None or self._frame.eof:
                self._frame = self._decompressor.decompressobj()
            try:
                parts.append(self._frame.decompress(chunk))
            except self._error as err:
                raise ValueError(msg(mt.DAMAGED_COMPRESSED, why=str(err))) from None
            chunk = self._frame.unused_data if self._frame.eof else b""
        self._pending = b"".join(parts)
        self._at = 0
        return True


_COMPRESSED_CHUNK: Final = 128 * 1024


class Decompressed:
    """A decompressed stream (the part of ``BinaryIO`` that ``LineStream`` uses).

    ``consumed`` counts the bytes handed out so far.
    """

    def __init__(self, stream: io.BufferedIOBase) -> None:
        self._stream = stream
        self.consumed = 0

    def seekable(self) -> bool:
        """Never: the stream is read once, from its start."""
        return False

    def readline(self, size: int = -1) -> bytes:
        """The next line, or at most ``size`` bytes of it."""
        data = self._stream.readline(size)
        self.consumed += len(data)
        return data


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


def describe(err: ValueError) -> str:
    """A one-line problem message for a parse error."""
    if isinstance(err, json.JSONDecodeError):
        if err.pos >= len(err.doc.rstrip()):
            return msg(mt.JSON_ENDS_EARLY)
        return msg(mt.JSON_INVALID_AT, reason=err.msg, column=str(err.colno))
    if isinstance(err, UnicodeDecodeError):
        return msg(mt.NOT_VALID_UTF8)
    return text_of(err)


def parse_json(data: bytes | str) -> Any:
    """``json.loads``, with nesting too deep for the parser made a ``ValueError`` too.

    Raises:
        ValueError: for text that is not JSON (``JSONDecodeError``, ``UnicodeDecodeError``),
            or is nested too deeply to parse.
    """
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError(msg(mt.JSON_TOO_DEEP)) from None


def looks_like_object(line: bytes) -> bool:
    """Whether a JSONL line is framed as one JSON object (cheap, without parsing it)."""
    # The usual line needs no stripped copy (a copy of a multi-megabyte line costs more than
    # the whole check); anything else is judged on the stripped text.
    if line[:1] == b"{" and (line[-2:] == b"}\n" or line[-1:] == b"}"):
        return True
    text = line.strip()
    return text[:1] == b"{" and text[-1:] == b"}"


def read_json_lines(
    fh: BinaryIO,
    cursor: FileCursor,
    log: ProblemLog,
    *,
    wanted: Callable[[bytes], bool],
    keep_huge: Callable[[bytes], bool],
    take: Callable[[Any], None],
    stop: int | None = None,
) -> tuple[int, int]:
    """Hand each wanted line of a JSONL file, parsed, to ``take``; report the bad ones.

    A line ``wanted`` refuses is only checked to be framed as an object (so a truncated line
    is still reported). A line that is not JSON, or for which ``take`` raises ``ValueError``
    (a value that cannot be read or stored; or, unforeseen, ``TypeError`` or
    ``ArithmeticError``), is a problem with its line number; reading goes on with the next
    line.

    Returns:
        The offset and line count past the last complete line (where the next run starts).
    """
    stream = LineStream(fh, cursor, keep_huge, stop=stop)
    for raw in stream:
        if not wanted(raw):
            if not looks_like_object(raw) and raw.strip():
                log.add(stream.line, msg(mt.NOT_A_JSON_OBJECT))
            continue
        try:
            # Bound to a name, the parsed row lives until the next one replaces it: freed at
            # once, glibc trims the heap after each row and faults it in afresh for the next
            # line (measured: 8,600 page faults and a tenth of the time on a 50 MB rollout).
            row = parse_json(raw)
            take(row)
        except ValueError as err:  # JSONDecodeError, UnicodeDecodeError and bad values
            log.add(stream.line, describe(err))
        except (TypeError, ArithmeticError) as err:
            # A value no check foresaw: still this line's problem, never the whole file's.
            log.add(stream.line, msg(mt.CANNOT_BE_READ_TYPE, kind=type(err).__name__))
    for line in stream.oversized:
        log.add(line, msg(mt.LINE_TOO_LONG))
    return stream.offset, stream.line


class LineStream:
    """The complete lines of a binary file from a cursor, in flat memory.

    Iterating yields each complete line (newline included); afterwards ``offset`` and
    ``line`` point past the last complete line, so a final line without a newline is left for
    the next run. A line longer than ``HUGE_LINE`` is kept only if ``keep_huge`` accepts its
    first ``PROBE`` bytes; otherwise the rest is read in chunks and dropped without being
    held. A kept line longer than ``MAX_LINE`` is dropped too and its number is appended to
    ``oversized``. With ``stop``, iteration ends at the first line that starts at or after
    that offset. A stream that cannot seek (a decompressor) is read from where it stands,
    which must be the cursor's offset.
    """

    def __init__(
        self,
        fh: BinaryIO,
        cursor: FileCursor,
        keep_huge: Callable[[bytes], bool],
        *,
        huge: int = HUGE_LINE,
        cap: int = MAX_LINE,
        stop: int | None = None,
    ) -> None:
        self.offset = cursor.offset
        self.line = cursor.line
        self.oversized: list[int] = []
        self._fh = fh
        self._keep_huge = keep_huge
        self._huge = huge
        self._cap = cap
        self._stop = stop

    def __iter__(self) -> Iterator[bytes]:
        if self._fh.seekable():
            self._fh.seek(self.offset)
        readline = self._fh.readline
        huge = self._huge
        stop = self._stop
        while True:
            if stop is not None and self.offset >= stop:
                return
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
                more = readline(CHUNK)
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
