"""Hand-over from any thread to the UI thread, without signals from workers or polling timers.

``post_to_ui(call)`` runs ``call`` on the UI thread; ``Mailbox`` batches items put from any
thread for one handler there. ``gui.jobs`` delivers every job's result this way.

Why the handoff is safe: worker threads touch no Qt object except one call,
``QMetaObject.invokeMethod(relay, "drain", QueuedConnection)``. Qt documents a queued
invocation as safe from any thread: it only posts an event (``QCoreApplication::postEvent`` is
thread-safe) to the object's thread, the UI thread, where ``drain`` then runs. The relay is
made on the UI thread on first use and never deleted, so the pointer a worker uses is always
valid. Everything else a worker does is plain Python: a ``queue.SimpleQueue`` and a lock. No
worker emits a signal and no timer polls; a burst of results costs one wake-up.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QMetaObject, QObject, Qt, Slot

I = TypeVar("I")  # noqa: E741 - an item of a mailbox


class _Relay(QObject):
    """Runs callables posted from any thread on the UI thread (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._ui_thread = threading.get_ident()
        self._calls: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._woken = False

    def post(self, call: Callable[[], None]) -> None:
        """Run ``call`` on the UI thread: now if this is it, else at its next event (any thread)."""
        self._calls.put(call)
        if threading.get_ident() == self._ui_thread:
            self.drain()
            return
        with self._lock:
            if self._woken:
                return  # a wake-up is on its way and will find this call too
            self._woken = True
        QMetaObject.invokeMethod(self, "drain", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def drain(self) -> None:
        """Run every posted call (UI thread)."""
        with self._lock:
            self._woken = False  # before reading: a call put from now on wakes us again
        while True:
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                return
            try:
                call()
            except BaseException:
                # The error is the caller's (it reaches Qt, and pytest-qt, as any slot's
                # would); the calls behind it still run, on the next turn.
                with self._lock:
                    self._woken = True
                QMetaObject.invokeMethod(self, "drain", Qt.ConnectionType.QueuedConnection)
                raise


_RELAY: _Relay | None = None


def relay() -> _Relay:
    """The relay, made on first use; the first caller must be the UI thread."""
    global _RELAY  # noqa: PLW0603 - one relay for the process, never deleted
    if _RELAY is None:
        # Made on a worker thread, it would belong to that thread and never be woken.
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("gui.jobs is first used off the UI thread")
        _RELAY = _Relay()
    return _RELAY


def post_to_ui(call: Callable[[], None]) -> None:
    """Run ``call`` on the UI thread (from any thread; at once when called on the UI thread)."""
    relay().post(call)


class Mailbox(Generic[I]):
    """Items put from any thread reach ``handler`` on the UI thread, in batches, in order.

    Args:
        handler: Gets the items put since its last call (never an empty list).
        owner: When given and deleted, items are dropped instead of handled.
    """

    def __init__(self, handler: Callable[[list[I]], None], owner: QObject | None = None) -> None:
        self._handler = handler
        self._owner = owner
        self._items: queue.SimpleQueue[I] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._scheduled = False
        self.closed = False
        self._relay = relay()

    def put(self, item: I) -> None:
        """Hand ``item`` to the UI thread (any thread)."""
        self._items.put(item)
        with self._lock:
            if self._scheduled:
                return
            self._scheduled = True
        self._relay.post(self.flush)

    def flush(self) -> None:
        """Handle every item put so far (UI thread)."""
        with self._lock:
            self._scheduled = False
        items: list[I] = []
        while True:
            try:
                items.append(self._items.get_nowait())
            except queue.Empty:
                break
        if items and not self.closed and alive(self._owner):
            self._handler(items)

    def close(self) -> None:
        """Drop every item from now on."""
        self.closed = True


def alive(owner: QObject | None) -> bool:
    """Whether ``owner`` (if any) still exists on the C++ side."""
    return owner is None or shiboken6.isValid(owner)
