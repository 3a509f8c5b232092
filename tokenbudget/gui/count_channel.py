"""The GUI's end of the counting child process: one process shared by every view that counts.

The child (``core.countproc``) counts off this interpreter, so a 10 MB count never competes
with the window for the interpreter lock (one Python worker thread running a tokenizer
starved the UI thread: see the house's measured facts). Each view joins the ``CountHub`` on a
channel of its own; replies are routed back by channel, and the child judges staleness per
channel. The child stops when the last view leaves.

No Qt here: replies are handed to ``deliver`` on the process's reader thread. The views pass a
``gui.jobs.Mailbox``'s ``put``, which carries them to the UI thread. The reader is a
long-lived thread that streams replies to many requests, not a job that returns one result,
so it cannot be a ``Jobs`` lane; the mailbox is the same handoff the jobs use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the messages are not needed before the window's first paint
    from tokenbudget.core.countproc import CountProcess, Reply


class CountHub:
    """One counting child process shared by every view that counts (window, tray popup).

    Args:
        env: Extra environment for the child (tests give it a home of its own).
    """

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self._env = env
        self._lock = threading.Lock()
        self._routes: dict[int, Callable[[Reply], None]] = {}
        self._next = 0
        self.process: CountProcess | None = None

    def join(self, deliver: Callable[[Reply], None]) -> int:
        """A new channel whose replies go to ``deliver`` (a reply's job is (channel, number)).

        The child process is started by the first request (``running``), not here: a window
        joins before its first paint.
        """
        with self._lock:
            self._next += 1
            self._routes[self._next] = deliver
            return self._next

    def running(self) -> CountProcess:
        """The child process's parent end, made on first use."""
        with self._lock:
            if not self._routes:
                raise RuntimeError("no view counts here any more")  # nothing would stop it
            if self.process is None:
                from tokenbudget.core.countproc import CountProcess

                self.process = CountProcess(self._route, env=self._env)
            return self.process

    def leave(self, channel: int) -> None:
        """Forget a channel; stop the child when none is left.

        While others stay, the vocabularies only this channel kept are unloaded.
        """
        with self._lock:
            self._routes.pop(channel, None)
            process = self.process
            last = not self._routes
            if last:
                self.process = None
        if process is None:
            return
        if last:
            process.close()
        else:
            process.keep(channel, ())

    def _route(self, reply: Reply) -> None:
        channel = reply.job[0]
        with self._lock:
            deliver = self._routes.get(channel)
        if deliver is not None:
            deliver(reply)


_HUB: CountHub | None = None


def shared_hub() -> CountHub:
    """The app's one counting hub (made on first use)."""
    global _HUB  # noqa: PLW0603 - one child process for the app
    if _HUB is None:
        _HUB = CountHub()
    return _HUB


def set_shared_hub(hub: CountHub | None) -> CountHub | None:
    """Make ``hub`` the app's hub (tests share one child per session); returns the old one."""
    global _HUB
    old, _HUB = _HUB, hub
    return old


class ProcessBackend:
    """Counts in the shared child process, on a channel of its own.

    Every requested key (and stats request) gets exactly one reply through ``deliver``, on
    the process's reader thread.
    """

    def __init__(self, deliver: Callable[[Reply], None], hub: CountHub | None = None) -> None:
        self.hub = hub or shared_hub()
        self.channel = self.hub.join(deliver)

    @property
    def process(self) -> CountProcess:
        """The child process's parent end (made on first use)."""
        return self.hub.running()

    def submit(self, job: int, text: str, keys: list[str], stats: bool) -> None:
        """Send the request to the child."""
        self.process.count((self.channel, job), text, keys, stats)

    def keep(self, tokenizer_ids: list[str]) -> None:
        """Tell the child which vocabularies this channel's rows need (it unloads the rest)."""
        self.process.keep(self.channel, tokenizer_ids)

    def preload(self, tokenizer_ids: list[str]) -> None:
        """Have the child load these vocabularies while it is idle."""
        self.process.load(tokenizer_ids)

    def close(self) -> None:
        """Leave the hub (the child stops with the last view)."""
        self.hub.leave(self.channel)
