"""The counting child: answers requests in order, skipping those a newer text made stale.

``python -m tokenbudget.core.countproc`` runs it on its standard input and output. A thread
reads requests into an ``_Inbox`` as they come, so that the main loop, between two keys, can see
that a newer text has arrived on the same channel and skip the rest of the old one.

Memory: a loaded vocabulary takes 15-70 MB here, and the default models need seven of them. The
child holds only the vocabularies that some channel's shown rows need (``KeepRequest``), preloads
no other, and after ``IDLE_RELEASE_SECONDS`` with nothing to do unloads them all: its chunk cache
keeps the counts already made, so a view shown again, or a text counted before, needs none of
them, and an edit loads each again as its row is counted (30-200 ms each).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import IO

from tokenbudget.core.countproc.messages import (
    CountReply,
    CountRequest,
    EditRequest,
    FailedReply,
    Job,
    KeepRequest,
    LoadRequest,
    QuitRequest,
    Reply,
    SkippedReply,
    StatsReply,
)
from tokenbudget.core.countproc.wire import read_request, write_message
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.incremental import IncrementalCounter
from tokenbudget.core.textstats import TextStats, count_words
from tokenbudget.core.tokenizers import TokenizerRegistry

#: The child's priority (``os.nice``). Not lower than the window's: a keystroke's counts are
#: what the window waits for, and at 10 a busy process beside them made a keystroke in a 1 MB
#: text take 35 ms instead of 18 (on two cores; the window's own thread is never starved of
#: the interpreter lock by the child, which has an interpreter of its own).
NICENESS = 0
#: With no request for this long, the child unloads every vocabulary (see the module docstring).
IDLE_RELEASE_SECONDS = 120.0


@dataclass(frozen=True)
class _Trim:
    """Unload every vocabulary that is not in ``kept``."""

    kept: frozenset[str]


class _Inbox:
    """Requests read so far; count requests go before preloads, newest job tracked."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.counts: deque[CountRequest] = deque()
        self.loads: deque[str] = deque()
        self.latest: dict[int, int] = {}  # the newest job number on each channel
        self.closed = False
        self.text: dict[int, str] = {}  # each channel's last text (its edits apply to it)
        self.keeps: dict[int, frozenset[str]] = {}  # what each channel's rows need
        self.trim_due = False  # the kept set changed since the last trim
        self.released = False  # unloaded for idleness, nothing asked since

    def read_from(self, stream: IO[bytes]) -> None:
        """Read requests until the stream ends, says quit, or breaks."""
        while True:
            try:
                request = read_request(stream)
            except (ValueError, pickle.UnpicklingError, EOFError):
                request = None
            with self.cond:
                self.released = False
                match request:
                    case None | QuitRequest():
                        self.closed = True
                        self.cond.notify()
                        return
                    case EditRequest():
                        self._add_count(request.applied_to(self.text.get(request.job[0], "")))
                    case CountRequest():
                        self._add_count(request)
                    case LoadRequest(tokenizer_ids=ids):
                        self.loads.extend(ids)
                    case KeepRequest(channel=channel, tokenizer_ids=ids):
                        self.keeps[channel] = frozenset(ids)
                        self.trim_due = True
                self.cond.notify()

    def _add_count(self, request: CountRequest) -> None:
        channel, number = request.job
        self.text[channel] = request.text
        self.latest[channel] = max(self.latest.get(channel, 0), number)
        self.counts.append(request)

    def kept(self) -> frozenset[str] | None:
        """The vocabularies some channel keeps; None until a channel has said."""
        if not self.keeps:
            return None
        return frozenset().union(*self.keeps.values())

    def next(self, idle: float | None = None) -> CountRequest | LoadRequest | _Trim | None:
        """The next thing to do; None when the parent left.

        A load names one vocabulary, and only one that is kept. After ``idle`` seconds with
        nothing to do (None: never), a trim of everything (once until the next request).
        """
        with self.cond:
            while True:
                if self.trim_due:
                    self.trim_due = False
                    return _Trim(self.kept() or frozenset())
                if self.counts:
                    return self.counts.popleft()
                if self.loads:
                    tokenizer_id = self.loads.popleft()
                    kept = self.kept()
                    if kept is None or tokenizer_id in kept:
                        return LoadRequest((tokenizer_id,))
                    continue
                if self.closed:
                    return None
                if idle is None or self.released:
                    self.cond.wait()
                    continue
                start = time.monotonic()
                self.cond.wait(idle)
                if time.monotonic() - start >= idle and not self._ready():
                    self.released = True
                    return _Trim(frozenset())

    def _ready(self) -> bool:
        return bool(self.trim_due or self.counts or self.loads or self.closed)

    def stale(self, job: Job) -> bool:
        """True when a newer text has been sent on ``job``'s channel."""
        with self.cond:
            return job[1] < self.latest.get(job[0], 0)


class _ChunkStats:
    """``text_stats`` by chunks, each chunk's words counted once.

    Chunks are cut right after a line break (see ``chunking``), so no word spans two of them
    and the words of the text are the sum of its chunks' words.
    """

    def __init__(self, counter: IncrementalCounter, limit: int = 200_000) -> None:
        self._counter = counter
        self._words: dict[str, tuple[int, int]] = {}  # a chunk's words and line breaks
        self._limit = limit

    def stats(self, text: str) -> TextStats:
        """Characters, words and lines of ``text`` (equal to ``text_stats``)."""
        if len(self._words) > self._limit:
            self._words.clear()
        cache = self._words
        words = breaks = 0
        for piece in self._counter.chunks(text):
            known = cache.get(piece)
            if known is None:
                known = cache[piece] = (count_words(piece), piece.count("\n"))
            words += known[0]
            breaks += known[1]
        # Line breaks by chunks too: counting them in a 1 MB text took 0.7 ms a keystroke.
        lines = breaks + (1 if text and not text.endswith("\n") else 0)
        return TextStats(len(text), words, lines)


def serve(
    inp: IO[bytes],
    out: IO[bytes],
    registry: TokenizerRegistry | None = None,
    *,
    idle_release: float | None = IDLE_RELEASE_SECONDS,
) -> None:
    """Answer requests from ``inp`` on ``out`` until ``inp`` ends or says quit.

    Args:
        inp: Where the requests come from.
        out: Where the replies go.
        registry: The vocabularies (None: the bundled ones).
        idle_release: Seconds with nothing to do after which every vocabulary is unloaded
            (None: never).
    """
    registry = registry if registry is not None else TokenizerRegistry.bundled()
    counter = IncrementalCounter(registry)
    words = _ChunkStats(counter)
    inbox = _Inbox()
    threading.Thread(target=inbox.read_from, args=(inp,), daemon=True).start()
    while (request := inbox.next(idle_release)) is not None:
        match request:
            case _Trim(kept=kept):
                for tokenizer_id in registry.loaded():
                    if tokenizer_id not in kept:
                        registry.unload(tokenizer_id)
            case LoadRequest(tokenizer_ids=ids):
                for tokenizer_id in ids:
                    # A failure here is reported by the count that needs the vocabulary.
                    with contextlib.suppress(TokenbudgetError, OSError, ValueError):
                        registry.get(tokenizer_id)
            case CountRequest(job=job, text=text, keys=keys, stats=stats):
                for key in keys:
                    write_message(out, _count(counter, inbox, job, key, text))
                if stats:  # after the counts: the table matters more than the status bar
                    stale = inbox.stale(job)
                    reply = SkippedReply(job, None) if stale else StatsReply(job, words.stats(text))
                    write_message(out, reply)


def _count(counter: IncrementalCounter, inbox: _Inbox, job: Job, key: str, text: str) -> Reply:
    """The reply for one key: skipped when a newer text came, else its count or the failure."""
    if inbox.stale(job):
        return SkippedReply(job, key)
    try:
        return CountReply(job, key, counter.count_key(key, text))
    except (TokenbudgetError, OSError, ValueError, MemoryError) as exc:
        return FailedReply(job, key, str(exc) or type(exc).__name__)


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
