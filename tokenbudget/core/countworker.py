"""Counting in a separate process, so that an interface never waits for a tokenizer.

The window counts every change of its text. In the window's own process, each tokenizer call
competes with the interface for the interpreter lock: counting 10 MB there stalled the window
for most of a second at a time. A child process has its own interpreter, runs at a lower
priority, and keeps the vocabularies and the chunk cache out of the window's memory.

The parent (``CountProcess``) sends requests and gets one reply per requested key; the child
(``serve``) answers them in order, skipping any request that a newer text has made stale.

Messages are pickled tuples, each framed by an 8-byte length, over the child's standard input
and output (both ends are this module; nothing else reads or writes them):

A ``job`` is a pair ``(channel, number)``: several views share one child, each on its own
channel, and a request is stale only when a newer one came on the same channel.

* to the child: ``("load", [tokenizer ids])``, ``("count", job, text, [keys], stats)``,
  ``("quit",)``; and ``("edit", job, start, end, middle, [keys], stats)``, a count of the
  previous request's text with ``text[start:end]`` replaced by ``middle`` (a keystroke in a
  long text sends a few bytes, not the text);
* to the parent: ``("stats", job, None, TextStats)``, ``("count", job, key, tokens)``,
  ``("failed", job, key, message)`` and ``("skipped", job, key, None)`` (``key`` is None for
  a skipped stats request).

``python -m tokenbudget.core.countworker`` runs the child.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import IO, Any

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.incremental import IncrementalCounter
from tokenbudget.core.textstats import TextStats, count_words

Message = tuple[Any, ...]
Job = tuple[int, int]
Deliver = Callable[[Message], None]

_HEADER = struct.Struct(">Q")
#: The child runs at this much lower priority (``os.nice``): the window comes first.
NICENESS = 10


#: Strings longer than this travel as UTF-8 parts of this many characters, each encoded and
#: written on its own: pickling 10 MB at once holds the parent's interpreter lock for tens of
#: milliseconds, which the window's thread would spend waiting.
PART = 64 * 1024


#: Pause between parts when the parent sends a long text (10 MB: 160 parts, 0.2 s).
SEND_PAUSE = 0.001


def write_message(stream: IO[bytes], message: Message, pause: float = 0.0) -> None:
    """Write one message (a frame, then the frames of its long strings) and flush it.

    ``pause`` seconds are slept between the parts of a long string: encoding holds the
    interpreter lock, and a window painting meanwhile needs it for every cell.
    """
    long = [(i, len(v)) for i, v in enumerate(message) if isinstance(v, str) and len(v) > PART]
    head = tuple(None if any(i == j for j, _ in long) else v for i, v in enumerate(message))
    parts = [(i, -(-size // PART)) for i, size in long]
    _write_frame(stream, pickle.dumps((head, parts), protocol=pickle.HIGHEST_PROTOCOL))
    for i, _ in long:
        text = message[i]
        for start in range(0, len(text), PART):
            if start and pause:
                time.sleep(pause)
            _write_frame(stream, text[start : start + PART].encode("utf-8", "surrogatepass"))
    stream.flush()


def _write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)


def read_message(stream: IO[bytes]) -> Message | None:
    """Read one message; None at the end of the stream."""
    data = _read_frame(stream)
    if data is None:
        return None
    framed = pickle.loads(data)  # our own child's or parent's pipe, never another source
    if not (isinstance(framed, tuple) and len(framed) == 2 and isinstance(framed[0], tuple)):
        raise ValueError("malformed message")
    head, parts = framed
    message = list(head)
    for index, count in parts:
        pieces = []
        for _ in range(count):
            part = _read_frame(stream)
            if part is None:
                return None
            pieces.append(part.decode("utf-8", "surrogatepass"))
        message[index] = "".join(pieces)
    return tuple(message)


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    return _read_exactly(stream, size)


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


def common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix (by halving: C-speed comparisons of slices)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit``."""
    lo, hi = 0, min(len(a), len(b), limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def as_edit(previous: str | None, message: Message) -> Message:
    """A ``count`` request as an ``edit`` of ``previous`` (its channel's last text).

    The request is returned as it is when the edit would not be smaller.
    """
    if previous is None or message[0] != "count" or len(message[2]) <= PART:
        return message
    _, job, text, keys, stats = message
    start = common_prefix(previous, text)
    tail = common_suffix(previous, text, min(len(previous), len(text)) - start)
    if len(text) - tail - start > len(text) // 2:
        return message  # mostly new: send it whole (and copy nothing here)
    middle = text[start : len(text) - tail]
    return ("edit", job, start, len(previous) - tail, middle, keys, stats)


# -- the child -------------------------------------------------------------------------------


class _Inbox:
    """Requests read so far; count requests go before preloads, newest job tracked."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.counts: deque[Message] = deque()
        self.loads: deque[str] = deque()
        self.latest: dict[int, int] = {}  # the newest job number on each channel
        self.closed = False
        self.text: dict[int, str] = {}  # each channel's last text (its edits apply to it)

    def read_from(self, stream: IO[bytes]) -> None:
        while True:
            try:
                message = read_message(stream)
            except (ValueError, pickle.UnpicklingError, EOFError):
                message = None
            with self.cond:
                if message is None or message[0] == "quit":
                    self.closed = True
                    self.cond.notify()
                    return
                if message[0] == "edit":
                    _, job, start, end, middle, keys, stats = message
                    last = self.text.get(job[0], "")
                    message = (
                        "count",
                        job,
                        last[:start] + middle + last[end:],
                        keys,
                        stats,
                    )
                if message[0] == "count":
                    channel, number = message[1]
                    self.text[channel] = message[2]
                    self.latest[channel] = max(self.latest.get(channel, 0), number)
                    self.counts.append(message)
                elif message[0] == "load":
                    self.loads.extend(str(t) for t in message[1])
                self.cond.notify()

    def next(self) -> Message | None:
        """The next request to handle; None when the parent has gone."""
        with self.cond:
            while not self.counts and not self.loads and not self.closed:
                self.cond.wait()
            if self.counts:
                return self.counts.popleft()
            if self.loads:
                return ("load", self.loads.popleft())
            return None

    def stale(self, job: Job) -> bool:
        """True when a newer text has been sent on ``job``'s channel."""
        with self.cond:
            return job[1] < self.latest.get(job[0], 0)


class _ChunkStats:
    """``text_stats`` by chunks, each chunk's words counted once.

    Chunks are cut right after a line break (see ``incremental``), so no word spans two of
    them and the words of the text are the sum of its chunks' words.
    """

    def __init__(self, counter: IncrementalCounter, limit: int = 200_000) -> None:
        self._counter = counter
        self._words: dict[str, int] = {}
        self._limit = limit

    def stats(self, text: str) -> TextStats:
        """Characters, words and lines of ``text`` (equal to ``text_stats``)."""
        if len(self._words) > self._limit:
            self._words.clear()
        cache = self._words
        words = 0
        for piece in self._counter.chunks(text):
            known = cache.get(piece)
            if known is None:
                known = cache[piece] = count_words(piece)
            words += known
        lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
        return TextStats(len(text), words, lines)


def serve(inp: IO[bytes], out: IO[bytes], registry: Any = None) -> None:
    """Answer requests from ``inp`` on ``out`` until ``inp`` ends or says quit."""
    from tokenbudget.core.tokenizers import TokenizerRegistry

    registry = registry if registry is not None else TokenizerRegistry.bundled()
    counter = IncrementalCounter(registry)
    words = _ChunkStats(counter)
    inbox = _Inbox()
    threading.Thread(target=inbox.read_from, args=(inp,), daemon=True).start()
    while (request := inbox.next()) is not None:
        if request[0] == "load":
            # A failure here is reported by the count that needs the vocabulary.
            with contextlib.suppress(TokenbudgetError, OSError, ValueError):
                registry.get(request[1])
            continue
        _, job, text, keys, stats = request
        for key in keys:
            if inbox.stale(job):
                write_message(out, ("skipped", job, key, None))
                continue
            try:
                write_message(out, ("count", job, key, counter.count_key(key, text)))
            except (TokenbudgetError, OSError, ValueError, MemoryError) as exc:
                write_message(out, ("failed", job, key, str(exc) or type(exc).__name__))
        if stats:  # after the counts: the table matters more than the status bar
            reply = ("skipped", job, None, None) if inbox.stale(job) else None
            write_message(out, reply or ("stats", job, None, words.stats(text)))


def main() -> int:
    """Run the child on standard input and output."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
    sys.setswitchinterval(0.001)  # hand requests from the reading thread over quickly
    # The protocol owns the original standard output; anything a library prints goes to
    # standard error instead of corrupting it.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        serve(sys.stdin.buffer, out)
    except (BrokenPipeError, KeyboardInterrupt):
        return 0
    return 0


# -- the parent ------------------------------------------------------------------------------


class CountProcess:
    """The parent's end: sends requests, delivers every reply through ``deliver``.

    ``deliver`` is called on a background thread. Every requested key (and stats request)
    gets exactly one reply, also when the child dies: then it is a ``failed`` reply, and the
    next request starts a new child. Nothing here blocks the caller: the child is started and
    written to on a thread of its own.

    Args:
        deliver: Receives each reply.
        command: The child's command line (default: this module in this interpreter).
        env: Extra environment for the child.
    """

    def __init__(
        self,
        deliver: Deliver,
        *,
        command: Sequence[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self._deliver = deliver
        self._command = list(command or [sys.executable, "-m", "tokenbudget.core.countworker"])
        self._env = {**os.environ, **(env or {})}
        self._lock = threading.Lock()
        self._outstanding: set[tuple[Job, str | None]] = set()
        self._outbox: deque[Message | None] = deque()
        self._wake = threading.Condition()
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._sent: dict[int, str] = {}  # each channel's last text sent
        self._writer = threading.Thread(target=self._write_loop, daemon=True, name="count-out")
        self._writer.start()
        self.starts = 0

    # -- requests (any thread) ---------------------------------------------------------

    def load(self, tokenizer_ids: Sequence[str]) -> None:
        """Load these vocabularies in the child, in this order, when it has nothing to count."""
        self._post(("load", list(tokenizer_ids)))

    def count(self, job: Job, text: str, keys: Sequence[str], stats: bool) -> None:
        """Count ``text`` for each key (and measure it when ``stats``)."""
        self._post(("count", job, text, list(keys), stats))

    def close(self, timeout: float = 2.0) -> None:
        """Stop the child and the threads."""
        self._post(None)
        self._writer.join(timeout)

    @property
    def pid(self) -> int | None:
        """The running child's process id, if any."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def _post(self, message: Message | None) -> None:
        with self._wake:
            self._outbox.append(message)
            self._wake.notify()

    # -- the writer thread -----------------------------------------------------------

    def _write_loop(self) -> None:
        while True:
            with self._wake:
                while not self._outbox:
                    self._wake.wait()
                message = self._outbox.popleft()
            if message is None:
                self._stop()
                return
            self._send(message)

    def _send(self, message: Message) -> None:
        expected: set[tuple[Job, str | None]] = set()
        if message[0] == "count":
            _, job, _, keys, stats = message
            expected = {(job, k) for k in keys} | ({(job, None)} if stats else set())
        with self._lock:
            self._outstanding |= expected
        try:
            proc = self._running()
            assert proc.stdin is not None
            channel = message[1][0] if message[0] == "count" else None
            previous = self._sent.get(channel) if channel is not None else None
            write_message(proc.stdin, as_edit(previous, message), pause=SEND_PAUSE)
            if channel is not None:
                self._sent[channel] = message[2]
        except (OSError, ValueError) as why:
            self._sent = {}
            self._lost(expected, f"the counting process could not be reached ({why})")

    def _running(self) -> subprocess.Popen[bytes]:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            return proc
        if self._reader is not None:
            self._reader.join()
        self._sent = {}  # a new child knows no text yet
        proc = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._env,
        )
        self._proc = proc
        self.starts += 1
        self._reader = threading.Thread(
            target=self._read_loop, args=(proc,), daemon=True, name="count-in"
        )
        self._reader.start()
        return proc

    def _lost(self, expected: set[tuple[Job, str | None]], why: str) -> None:
        proc = self._proc
        if proc is not None:
            proc.kill()
        if self._reader is not None:
            self._reader.join()
        with self._lock:
            left = expected & self._outstanding
            self._outstanding -= left
        self._fail(left, why)

    def _stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                write_message(proc.stdin, ("quit",))
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        if self._reader is not None:
            self._reader.join(2)

    # -- the reader thread -----------------------------------------------------------

    def _read_loop(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        while True:
            try:
                reply = read_message(proc.stdout)
            except (OSError, ValueError, pickle.UnpicklingError, EOFError):
                reply = None
            if reply is None:
                break
            with self._lock:
                self._outstanding.discard((tuple(reply[1]), reply[2]))
            self._deliver(reply)
        code = proc.wait()
        proc.stdout.close()
        if proc.stdin is not None and not proc.stdin.closed:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        with self._lock:
            left = set(self._outstanding)
            self._outstanding.clear()
        self._fail(left, f"the counting process stopped (exit code {code})")

    def _fail(self, pairs: set[tuple[Job, str | None]], why: str) -> None:
        for job, key in sorted(pairs, key=lambda p: (p[0], p[1] or "")):
            self._deliver(("failed", job, key, why) if key else ("skipped", job, None, None))


if __name__ == "__main__":  # pragma: no cover - the child's entry point
    sys.exit(main())
