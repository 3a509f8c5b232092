"""Reading user files as text, refusing what is not text with one clear line."""

from __future__ import annotations

from pathlib import Path

from tokenbudget.core.errors import InputFileError, NotTextError

_SNIFF = 8192


def decode_text(data: bytes, name: str) -> str:
    """Decode ``data`` as UTF-8 text (a leading byte-order mark is dropped).

    Raises:
        NotTextError: if the data looks binary (a NUL byte early on) or is not valid UTF-8.
    """
    nul = data.find(b"\x00", 0, _SNIFF)
    if nul != -1:
        raise NotTextError(
            f"{name} looks like a binary file (NUL byte at offset {nul}); not counted"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotTextError(
            f"{name} is not valid UTF-8 text (bad byte at offset {exc.start}); not counted"
        ) from None


def read_text_file(path: Path) -> str:
    """Read a whole file as UTF-8 text.

    Raises:
        InputFileError: if it is missing, a directory or unreadable.
        NotTextError: if it is binary or not UTF-8.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise InputFileError(f"{path} cannot be read: {exc.strerror or exc}") from None
    return decode_text(data, str(path))
