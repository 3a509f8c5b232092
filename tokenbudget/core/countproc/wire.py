"""Framing of the messages on the child's standard input and output.

A message is a frame (an 8-byte big-endian length, then that many bytes) holding the pickled
message, followed by the frames of its long strings. A string of a request (the text to count)
longer than ``PART`` characters is not pickled with the rest: the pickle holds only the number
of parts it travels in (a pickle *persistent id*), and that many frames follow, each a
``PART``-character slice of the string as UTF-8 (lone surrogates kept), in the order the pickle
refers to them. Both ends of the pipe are this package; nothing else reads or writes it.

Only the message classes (and ``TextStats``) are unpickled. Anything else, a message of a newer
or older version of this package among them, is malformed (``pickle.UnpicklingError``), as a
damaged frame is: the reader stops there, since the rest of the stream can no longer be trusted
to be in step.
"""

from __future__ import annotations

import io
import pickle
import time
from typing import IO

from tokenbudget.core.countproc.messages import REPLY_TYPES, REQUEST_TYPES, Reply, Request
from tokenbudget.core.textstats import TextStats

Message = Request | Reply

#: The classes a message may hold, by module and name.
_CLASSES = {(c.__module__, c.__qualname__): c for c in (*REQUEST_TYPES, *REPLY_TYPES, TextStats)}

#: Bytes of the length that starts each frame (big-endian, unsigned).
_HEADER = 8

#: Strings longer than this travel as UTF-8 parts of this many characters, each encoded and
#: written on its own: pickling 10 MB at once holds the parent's interpreter lock for tens of
#: milliseconds, which the window's thread would spend waiting.
PART = 64 * 1024

#: Pause between parts when the parent sends a long text (10 MB: 160 parts, 0.2 s).
SEND_PAUSE = 0.001


class _Pickler(pickle.Pickler):
    """Pickles a message, setting its long strings aside (see the module docstring)."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.long: list[str] = []

    def persistent_id(self, obj: object) -> int | None:
        if isinstance(obj, str) and len(obj) > PART:
            self.long.append(obj)
            return -(-len(obj) // PART)
        return None


class _Unpickler(pickle.Unpickler):
    """Unpickles a message, reading its long strings from ``stream`` as they are referred to."""

    def __init__(self, data: bytes, stream: IO[bytes]) -> None:
        super().__init__(io.BytesIO(data))
        self._stream = stream

    def find_class(self, module: str, name: str) -> type:
        try:
            return _CLASSES[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f"not a message: {module}.{name}") from None

    def persistent_load(self, pid: object) -> str:
        if not isinstance(pid, int) or pid < 1:
            raise pickle.UnpicklingError("malformed long string")
        pieces = []
        for _ in range(pid):
            part = _read_frame(self._stream)
            if part is None:
                raise EOFError("the stream ended inside a long string")
            pieces.append(part.decode("utf-8", "surrogatepass"))
        return "".join(pieces)


def write_message(stream: IO[bytes], message: Message, pause: float = 0.0) -> None:
    """Write one message (a frame, then the frames of its long strings) and flush it.

    ``pause`` seconds are slept between the parts of a long string: encoding holds the
    interpreter lock, and a window painting meanwhile needs it for every cell.
    """
    long: list[str] = []
    if isinstance(message, REPLY_TYPES):
        # Replies hold a key, a count or a short message: pickled whole, without a Python
        # call per pickled object (there is one reply per key and keystroke).
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    else:
        head = io.BytesIO()
        pickler = _Pickler(head)
        pickler.dump(message)
        data, long = head.getvalue(), pickler.long
    _write_frame(stream, data)
    for text in long:
        for start in range(0, len(text), PART):
            if start and pause:
                time.sleep(pause)
            _write_frame(stream, text[start : start + PART].encode("utf-8", "surrogatepass"))
    stream.flush()


def read_request(stream: IO[bytes]) -> Request | None:
    """Read one request; None at the end of the stream.

    Raises:
        ValueError: if what arrives is not a request.
    """
    message = _read_message(stream)
    if message is None or isinstance(message, REQUEST_TYPES):
        return message
    raise ValueError("malformed request")


def read_reply(stream: IO[bytes]) -> Reply | None:
    """Read one reply; None at the end of the stream.

    Raises:
        ValueError: if what arrives is not a reply.
    """
    message = _read_message(stream)
    if message is None or isinstance(message, REPLY_TYPES):
        return message
    raise ValueError("malformed reply")


def _read_message(stream: IO[bytes]) -> object:
    """The next message, None at the end of the stream (also inside a message)."""
    data = _read_frame(stream)
    if data is None:
        return None
    try:
        # Our own child's or parent's pipe, never another source.
        message: object = _Unpickler(data, stream).load()
    except EOFError:
        return None
    except (AttributeError, IndexError, KeyError, TypeError) as exc:  # a damaged pickle
        raise pickle.UnpicklingError(f"malformed message: {exc}") from exc
    return message


def _write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(len(data).to_bytes(_HEADER, "big"))
    stream.write(data)


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = _read_exactly(stream, _HEADER)
    if header is None:
        return None
    return _read_exactly(stream, int.from_bytes(header, "big"))


def _read_exactly(stream: IO[bytes], size: int) -> bytes | None:
    parts = []
    left = size
    while left:
        part = stream.read(left)
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)
