"""The one way the GUI runs work off the UI thread (after Anki's QueryOp, Picard's run_task).

``Jobs.submit(lane, work, done, failed)`` runs ``work`` (a pure function of immutable input
that returns plain data and never touches Qt) through a *runner*, and calls ``done(result)`` or
``failed(message)`` on the UI thread. In each *lane* the latest request wins: a result of any
older request of the lane is dropped, and with ``skip_stale`` an older request that has not
started yet does not run at all. Failures become one-line messages: an expected error
(``TokenbudgetError`` by default) is ``str(error)``; anything else is logged with its traceback
and reported as ``"unexpected error: …"``. Never a traceback dialog, never a dead worker.

Runners decide where work runs: ``inline_runner`` (tests: at once, on the calling thread, and
the result is delivered before ``submit`` returns), ``serial_runner(name)`` (one daemon thread
per name, tasks in order), ``thread_runner(name)`` (a daemon thread per task, for network calls
that may block for a whole timeout). Tests may also pass ``list.append`` to hold tasks and run
them later, in any order.

``Mailbox`` is the lower-level door for a thread that *streams* results rather than returning
one (the counting process's reader thread): ``put`` from any thread, a handler gets every item
put since the last call, in order, on the UI thread.

The handoff to the UI thread (``post_to_ui``, ``Mailbox``) is in ``gui.handoff``, which says
why it is safe.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.gui.formatting import error_text
from tokenbudget.gui.handoff import Mailbox, alive, post_to_ui, relay

__all__ = [
    "Jobs",
    "Mailbox",
    "Runner",
    "SerialRunner",
    "Task",
    "inline_runner",
    "post_to_ui",
    "serial_runner",
    "thread_runner",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
P = TypeVar("P")
I = TypeVar("I")  # noqa: E741 - an item of a mailbox

#: Runs a task (a no-argument function that never raises) somewhere.
Runner = Callable[[Callable[[], None]], None]


def inline_runner(task: Callable[[], None]) -> None:
    """Run ``task`` at once, on the calling thread (tests)."""
    task()


class SerialRunner:
    """One daemon thread that runs its tasks in order (started on first use).

    A daemon thread: a task blocked on the network or the disk never holds up quitting.
    ``stop`` lets the queued tasks finish and, with ``wait``, waits for them.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __call__(self, task: Callable[[], None]) -> None:
        """Queue ``task``."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._thread.start()
            self._tasks.put(task)

    def stop(self, *, wait: bool = True, timeout: float | None = None) -> None:
        """Stop the thread after the tasks queued so far (wait for them when ``wait``)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            self._tasks.put(None)
        if wait:
            thread.join(timeout)

    def _loop(self) -> None:
        while (task := self._tasks.get()) is not None:
            task()


_SERIAL: dict[str, SerialRunner] = {}


def serial_runner(name: str) -> SerialRunner:
    """The process's one serial runner called ``name`` (made on first use)."""
    if name not in _SERIAL:
        _SERIAL[name] = SerialRunner(name)
    return _SERIAL[name]


def thread_runner(name: str) -> Runner:
    """A runner that starts a daemon thread per task (work that may block for a timeout)."""

    def run(task: Callable[[], None]) -> None:
        threading.Thread(target=task, name=name, daemon=True).start()

    return run


class Task(Generic[P]):
    """What a running job may ask (any thread): is it stale, and hand over progress.

    Work that takes a ``Task`` (``Jobs.submit_task``) can stop early once ``stale`` and hand
    partial results to the UI thread with ``report``.
    """

    def __init__(self, jobs: Jobs, lane: str, ticket: int) -> None:
        self._jobs = jobs
        self._lane = lane
        self.ticket = ticket
        self._lock = threading.Lock()
        self._progress: list[P] = []

    @property
    def stale(self) -> bool:
        """True once a newer job of the lane was submitted (or the jobs were closed)."""
        return not self._jobs.current(self._lane, self.ticket)

    def report(self, value: P) -> None:
        """Hand ``value`` to the job's ``progress`` callback on the UI thread.

        Every value arrives, in order; a burst of them costs one wake-up of the UI thread.
        """
        with self._lock:
            pending = bool(self._progress)
            self._progress.append(value)
        if not pending:
            post_to_ui(self._deliver_progress)

    def _deliver_progress(self) -> None:
        with self._lock:
            values, self._progress[:] = list(self._progress), []
        for value in values:
            self._jobs._progress(self._lane, self.ticket, value)


@dataclass
class _Lane:
    latest: int = 0
    running: int = 0
    progress: Callable[[Any], None] | None = None
    handlers: dict[int, tuple[Callable[[Any], None], Callable[[str], None]]] = field(
        default_factory=dict
    )


class Jobs:
    """Runs work off the UI thread and delivers the latest result of each lane on it.

    Args:
        runner: Where jobs run unless ``submit`` says otherwise (tests: ``inline_runner``).
        owner: The widget whose callbacks receive results: once it is deleted, nothing is
            delivered any more.
        expected: Errors that are the user's news, reported as ``str(error)``.
    """

    def __init__(
        self,
        runner: Runner,
        *,
        owner: QObject | None = None,
        expected: tuple[type[BaseException], ...] = (TokenbudgetError,),
    ) -> None:
        self.runner = runner
        self._owner = owner
        self._expected = expected
        self._lanes: dict[str, _Lane] = {}
        self._lock = threading.Lock()
        self._tickets = 0
        self._closed = False
        relay()  # made here, on the UI thread, before any worker needs it

    def submit(
        self,
        lane: str,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[str], None],
        *,
        runner: Runner | None = None,
        skip_stale: bool = False,
    ) -> int:
        """Run ``work``; then ``done(result)`` or ``failed(message)`` on the UI thread.

        Only if no newer job of ``lane`` was submitted meanwhile. Returns the job's ticket.
        """
        return self.submit_task(
            lane, lambda _task: work(), done, failed, runner=runner, skip_stale=skip_stale
        )

    def submit_task(
        self,
        lane: str,
        work: Callable[[Task[P]], T],
        done: Callable[[T], None],
        failed: Callable[[str], None],
        *,
        progress: Callable[[P], None] | None = None,
        runner: Runner | None = None,
        skip_stale: bool = False,
    ) -> int:
        """Like ``submit``, with ``work`` given a ``Task`` (staleness, progress reports)."""
        with self._lock:
            self._tickets += 1
            ticket = self._tickets
            state = self._lanes.setdefault(lane, _Lane())
            state.latest = ticket
            state.running += 1
            state.progress = progress
            state.handlers = {ticket: (done, failed)}  # older results will find no handler
        task: Task[P] = Task(self, lane, ticket)
        expected = self._expected

        def run() -> None:  # on the runner's thread: plain Python only
            if skip_stale and task.stale:
                outcome: tuple[str, Any] = ("skipped", None)
            else:
                try:
                    outcome = ("done", work(task))
                except expected as exc:
                    outcome = ("failed", error_text(exc))
                except Exception as exc:
                    # Logged with its traceback; the user gets one line.
                    log.exception("job %r failed", lane)
                    outcome = ("failed", f"unexpected error: {type(exc).__name__}: {exc}")
            post_to_ui(lambda: self._finish(lane, ticket, outcome))

        (runner or self.runner)(run)
        return ticket

    def current(self, lane: str, ticket: int) -> bool:
        """Whether ``ticket`` is still the latest job of ``lane`` (any thread)."""
        with self._lock:
            state = self._lanes.get(lane)
            return not self._closed and state is not None and state.latest == ticket

    def busy(self, lane: str | None = None) -> bool:
        """Whether a job of ``lane`` (of any lane when None) has not come back yet."""
        with self._lock:
            if lane is None:
                return any(s.running for s in self._lanes.values())
            state = self._lanes.get(lane)
            return state is not None and state.running > 0

    def cancel(self, lane: str | None = None) -> None:
        """Make the jobs of ``lane`` (every lane when None) stale: their results are dropped."""
        with self._lock:
            for name, state in self._lanes.items():
                if lane is None or name == lane:
                    self._tickets += 1
                    state.latest = self._tickets
                    state.handlers = {}

    def close(self) -> None:
        """Deliver nothing any more; running work sees itself stale."""
        self.cancel()
        with self._lock:
            self._closed = True

    # -- on the UI thread ------------------------------------------------------------

    def _finish(self, lane: str, ticket: int, outcome: tuple[str, Any]) -> None:
        with self._lock:
            state = self._lanes[lane]
            state.running -= 1
            handlers = state.handlers.pop(ticket, None)
            if state.latest != ticket or self._closed:
                handlers = None
        if handlers is None or not alive(self._owner):
            return
        kind, value = outcome
        if kind == "done":
            handlers[0](value)
        elif kind == "failed":
            handlers[1](value)

    def _progress(self, lane: str, ticket: int, value: object) -> None:
        state = self._lanes.get(lane)
        if state is None or state.progress is None or not alive(self._owner):
            return
        if self.current(lane, ticket):
            state.progress(value)
