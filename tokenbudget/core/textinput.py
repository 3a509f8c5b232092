"""Reading user files as text, refusing what is not text with one clear line.

Input is read and decoded in bounded blocks, so binary data is refused after its first bytes
(``/dev/zero``, ``/dev/urandom``) and an endless or huge input is refused at ``MAX_TEXT_BYTES``
instead of being read into memory first.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from tokenbudget.core import message_texts as texts
from tokenbudget.core.errors import InputFileError, NotTextError, UserInputError
from tokenbudget.core.messages import message

_SNIFF = 8192
#: Bytes read at a time.
BLOCK = 1 << 20
#: The largest input read: 256 MiB is some 60 million tokens, far beyond any model's context
#: window, so an input this large is a mistake, a device or an endless pipe.
MAX_TEXT_BYTES = 256 << 20


def decode_text(data: bytes, name: str) -> str:
    """Decode ``data`` as UTF-8 text (a leading byte-order mark is dropped).

    Raises:
        NotTextError: if the data looks binary (a NUL byte early on) or is not valid UTF-8.
    """
    return "".join(iter_text_blocks([data], name))


def _too_large(name: str, limit: int) -> UserInputError:
    return UserInputError(message(texts.TOO_LARGE, name=name, size=f"{limit / (1 << 20):,.0f}"))


def iter_text_blocks(
    blocks: Iterator[bytes] | list[bytes], name: str, *, max_bytes: int | None = None
) -> Iterator[str]:
    """Decode UTF-8 ``blocks`` one at a time (a leading byte-order mark is dropped).

    Nothing is decoded ahead: a NUL byte in the first 8 KiB, a byte that is not UTF-8, or more
    than ``max_bytes`` bytes (default ``MAX_TEXT_BYTES``) stop the iteration with an error as
    soon as they are read.

    Raises:
        NotTextError: if the data looks binary or is not valid UTF-8.
        UserInputError: if there are more than ``max_bytes`` bytes.
    """
    limit = MAX_TEXT_BYTES if max_bytes is None else max_bytes
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset = 0  # bytes before the current block
    for data in blocks:
        if offset < _SNIFF:
            nul = data.find(b"\x00", 0, _SNIFF - offset)
            if nul != -1:
                raise NotTextError(
                    message(texts.NOT_TEXT_BINARY, name=name, offset=str(offset + nul))
                )
        if offset + len(data) > limit:
            raise _too_large(name, limit)
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data)
        except UnicodeDecodeError as exc:
            at = offset - pending + exc.start
            raise NotTextError(message(texts.NOT_UTF8, name=name, offset=str(at))) from None
        offset += len(data)
        if text:
            yield text
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        at = offset - len(exc.object) + exc.start
        raise NotTextError(message(texts.NOT_UTF8, name=name, offset=str(at))) from None
    if tail:
        yield tail


def read_blocks(stream: BinaryIO, block: int = BLOCK) -> Iterator[bytes]:
    """The bytes of ``stream``, ``block`` bytes (or fewer) at a time."""
    while data := stream.read(block):
        yield data


def check_size(stream: BinaryIO, name: str, max_bytes: int | None = None) -> None:
    """Refuse a regular file larger than ``max_bytes`` before reading any of it.

    Pipes and devices have no size; ``iter_text_blocks`` stops them at the limit instead.

    Raises:
        UserInputError: if ``stream`` is a regular file of more than ``max_bytes`` bytes.
    """
    limit = MAX_TEXT_BYTES if max_bytes is None else max_bytes
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's BytesIO)
        return
    if stat.S_ISREG(info.st_mode) and info.st_size > limit:
        raise _too_large(name, limit)


def iter_text_file(path: Path, *, max_bytes: int | None = None) -> Iterator[str]:
    """The text of a file, decoded a block at a time (see ``iter_text_blocks``).

    Raises:
        InputFileError: if it is missing, a directory or unreadable.
        NotTextError: if it is binary or not UTF-8.
        UserInputError: if it is larger than ``max_bytes``.
    """
    try:
        with path.open("rb") as handle:
            check_size(handle, str(path), max_bytes)
            yield from iter_text_blocks(read_blocks(handle), str(path), max_bytes=max_bytes)
    except FileNotFoundError:
        raise InputFileError(message(texts.NO_SUCH_FILE, path=str(path))) from None
    except IsADirectoryError:
        raise InputFileError(message(texts.IS_A_DIRECTORY, path=str(path))) from None
    except OSError as exc:
        why = str(exc.strerror or exc)
        raise InputFileError(message(texts.CANNOT_READ, path=str(path), why=why)) from None


def read_text_file(path: Path, *, max_bytes: int | None = None) -> str:
    """Read a whole file as UTF-8 text.

    Raises:
        InputFileError: if it is missing, a directory or unreadable.
        NotTextError: if it is binary or not UTF-8.
        UserInputError: if it is larger than ``max_bytes``.
    """
    return "".join(iter_text_file(path, max_bytes=max_bytes))
