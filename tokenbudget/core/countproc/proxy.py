"""The parent's end of the counting child: requests out, typed replies in, a dead child replaced.

Two threads of its own do the work, so that nothing here blocks the caller: one starts the
child and writes requests to it (a long text as an edit of the channel's previous one, when
that is smaller), one reads the replies and hands them to ``deliver``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from tokenbudget.core.countproc.messages import (
    CountRequest,
    FailedReply,
    Job,
    KeepRequest,
    LoadRequest,
    QuitRequest,
    Reply,
    SkippedReply,
    answers,
    as_edit,
)
from tokenbudget.core.countproc.wire import PART, SEND_PAUSE, read_reply, write_message

Deliver = Callable[[Reply], None]
#: The child: this interpreter, with no current directory on its path (``-P``).
_CHILD_COMMAND = (sys.executable, "-P", "-m", "tokenbudget.core.countproc")
#: The directory that holds this ``tokenbudget`` package.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])
#: What a reply answers: a job and a key (None for the stats).
_Answer = tuple[Job, str | None]
#: What the writer thread is asked to send; None: stop the child.
_Outgoing = CountRequest | LoadRequest | KeepRequest | None


class CountProcess:
    """The parent's end: sends requests, delivers every reply through ``deliver``.

    ``deliver`` is called on a background thread. Every requested key (and stats request)
    gets exactly one reply, also when the child dies: then it is a ``FailedReply`` (a
    ``SkippedReply`` for the stats), and the next request starts a new child. Nothing here
    blocks the caller: the child is started and written to on a thread of its own.

    Args:
        deliver: Receives each reply.
        command: The child's command line (default: ``tokenbudget.core.countproc`` of this
            copy of the package, in this interpreter).
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
        self._command = list(command or _CHILD_COMMAND)
        self._env = {**os.environ, **(env or {})}
        if command is None:
            # The child runs this process's own copy of the package (both ends of the pipe
            # must be the same code), not one that the current directory happens to hold.
            path = self._env.get("PYTHONPATH")
            self._env["PYTHONPATH"] = _PACKAGE_ROOT + (os.pathsep + path if path else "")
        self._lock = threading.Lock()
        self._outstanding: set[_Answer] = set()
        self._outbox: deque[_Outgoing] = deque()
        self._wake = threading.Condition()
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._sent: dict[int, str] = {}  # each channel's last text sent
        self._keeps: dict[int, tuple[str, ...]] = {}  # each channel's kept vocabularies
        self._writer = threading.Thread(target=self._write_loop, daemon=True, name="count-out")
        self._writer.start()
        self.starts = 0

    # -- requests (any thread) ---------------------------------------------------------

    def load(self, tokenizer_ids: Sequence[str]) -> None:
        """Load these vocabularies in the child, in this order, when it has nothing to count."""
        self._post(LoadRequest(tuple(tokenizer_ids)))

    def keep(self, channel: int, tokenizer_ids: Sequence[str]) -> None:
        """Have the child hold only the vocabularies some channel keeps (see ``KeepRequest``).

        Remembered: a child started later (or again, after one died) is told first thing.
        This alone starts no child.
        """
        request = KeepRequest(channel, tuple(tokenizer_ids))
        with self._lock:
            self._keeps[channel] = request.tokenizer_ids
        self._post(request)

    def count(self, job: Job, text: str, keys: Sequence[str], stats: bool) -> None:
        """Count ``text`` for each key (and measure it when ``stats``)."""
        self._post(CountRequest(job, text, tuple(keys), stats))

    def close(self, timeout: float = 2.0) -> None:
        """Stop the child and the threads."""
        self._post(None)
        self._writer.join(timeout)

    @property
    def pid(self) -> int | None:
        """The running child's process id, if any."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def _post(self, request: _Outgoing) -> None:
        with self._wake:
            self._outbox.append(request)
            self._wake.notify()

    # -- the writer thread -----------------------------------------------------------

    def _write_loop(self) -> None:
        while True:
            with self._wake:
                while not self._outbox:
                    self._wake.wait()
                request = self._outbox.popleft()
            if request is None:
                self._stop()
                return
            self._send(request)

    def _send(self, request: CountRequest | LoadRequest | KeepRequest) -> None:
        if isinstance(request, KeepRequest) and self.pid is None:
            return  # the child will be told when it starts (``_running``)
        expected: set[_Answer] = set()
        if isinstance(request, CountRequest):
            expected = {(request.job, k) for k in request.keys}
            if request.stats:
                expected.add((request.job, None))
        with self._lock:
            self._outstanding |= expected
        try:
            proc = self._running()
            assert proc.stdin is not None
            if isinstance(request, CountRequest):
                channel = request.job[0]
                previous = self._sent.get(channel)
                write_message(proc.stdin, as_edit(previous, request, PART), pause=SEND_PAUSE)
                self._sent[channel] = request.text
            else:
                write_message(proc.stdin, request, pause=SEND_PAUSE)
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
        with self._lock:
            keeps = [KeepRequest(c, ids) for c, ids in self._keeps.items()]
        assert proc.stdin is not None
        for keep in keeps:  # before anything else: the child preloads only what is kept
            write_message(proc.stdin, keep)
        return proc

    def _lost(self, expected: set[_Answer], why: str) -> None:
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
                write_message(proc.stdin, QuitRequest())
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
                reply = read_reply(proc.stdout)
            except (OSError, ValueError, pickle.UnpicklingError, EOFError):
                reply = None
            if reply is None:
                break
            with self._lock:
                self._outstanding.discard(answers(reply))
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

    def _fail(self, pairs: set[_Answer], why: str) -> None:
        for job, key in sorted(pairs, key=_answer_order):
            self._deliver(FailedReply(job, key, why) if key else SkippedReply(job, None))


def _answer_order(answer: _Answer) -> tuple[Job, str]:
    """Jobs in order, the stats (no key) first within a job."""
    job, key = answer
    return job, key or ""
