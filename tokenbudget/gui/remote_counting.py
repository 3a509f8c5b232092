"""Exact counts online: the providers' count endpoints, asked when typing pauses.

When the coordinator's counts settle for a text (``CountCoordinator.settled``), every shown
model whose provider is switched on in the settings (``remote_count``) is counted online.
Each provider has at most one request in flight, on a Python worker thread; a newer text
queues behind it (replacing any older queued one) and the in-flight job stops before its next
model once its text is no longer the latest. Workers never call Qt: results go to a
``queue.SimpleQueue`` that a ``QTimer`` drains on the UI thread, and a result for an old text
is dropped there. Rows show the exact count, or keep the estimate with the reason
(``CountCoordinator.remote_lookup``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from tokenbudget.core.catalog import ModelInfo
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.remote_count import (
    PROVIDERS,
    RemoteConfig,
    RemoteCounter,
    RemoteResult,
)
from tokenbudget.core.service import Service
from tokenbudget.gui.counting import CountCoordinator

Runner = Callable[[Callable[[], None]], None]


def thread_runner(job: Callable[[], None]) -> None:
    """Run ``job`` on a new daemon thread (a request may block for the whole timeout)."""
    threading.Thread(target=job, name="tokenbudget-remote", daemon=True).start()


@dataclass(frozen=True)
class _Job:
    job: int
    provider: str
    text: str
    models: tuple[str, ...]
    config: RemoteConfig


class RemoteCounting(QObject):
    """Asks the count endpoints for the coordinator's settled text and keeps the answers.

    Signals:
        changed: an online count (or a failure) for the current text came in.
    """

    changed = Signal()

    def __init__(
        self,
        service: Service,
        coordinator: CountCoordinator,
        *,
        runner: Runner = thread_runner,
        counter: RemoteCounter | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._coordinator = coordinator
        self._runner = runner
        self.counter = counter or RemoteCounter()
        self._queue: queue.SimpleQueue[tuple[str, int, RemoteResult | str]] = queue.SimpleQueue()
        self._inflight: set[str] = set()
        self._waiting: dict[str, _Job] = {}
        #: The latest job id asked for (read by workers to stop early; an int is atomic).
        self._latest = 0
        self._results: dict[str, tuple[int, RemoteResult]] = {}
        self._poll = QTimer(self)
        self._poll.setInterval(10)
        self._poll.timeout.connect(self.drain)
        coordinator.remote_lookup = self.result_for
        coordinator.settled.connect(self.request)
        self.changed.connect(coordinator.refresh)

    # -- asking ------------------------------------------------------------------------

    def config(self) -> RemoteConfig:
        """The online-count settings as they are now."""
        return RemoteConfig.from_settings(self._service.settings.get)

    def request(self) -> None:
        """Count the coordinator's current text online for every switched-on provider."""
        coordinator = self._coordinator
        job, text = coordinator.job_id, coordinator.text
        self._latest = job
        config = self.config()
        if not config.enabled or not text.strip():
            return
        by_provider: dict[str, list[str]] = {}
        for model in coordinator.models:
            known = self._results.get(model.id)
            if model.provider in config.enabled and (known is None or known[0] != job):
                by_provider.setdefault(model.provider, []).append(model.id)
        for provider, models in by_provider.items():
            if provider not in PROVIDERS:
                continue
            spec = _Job(job, provider, text, tuple(models), config)
            if provider in self._inflight:
                self._waiting[provider] = spec  # newest text wins
            else:
                self._start(spec)

    def _start(self, spec: _Job) -> None:
        self._inflight.add(spec.provider)
        if not self._poll.isActive():
            self._poll.start()
        self._runner(lambda: self._work(spec))

    def _work(self, spec: _Job) -> None:
        """Worker thread: no Qt here."""
        put = self._queue.put
        try:
            try:
                key = self._service.secrets.get(spec.provider)
            except TokenbudgetError as exc:
                key, missing = None, str(exc)
            else:
                missing = "no API key is stored"
            for model in spec.models:
                if spec.job != self._latest:
                    break  # the text changed: a newer job is waiting
                if key is None:
                    result = RemoteResult(spec.provider, model, reason=missing)
                else:
                    result = self.counter.count(spec.provider, model, spec.text, key, spec.config)
                put(("result", spec.job, result))
        finally:
            put(("done", spec.job, spec.provider))

    # -- answers (UI thread) -----------------------------------------------------------

    @property
    def idle(self) -> bool:
        """True when no request is in flight or waiting."""
        return not self._inflight and not self._waiting

    def drain(self) -> None:
        """Apply what the workers delivered; start waiting jobs."""
        changed = False
        current = self._coordinator.job_id
        while True:
            try:
                kind, job, value = self._queue.get_nowait()
            except queue.Empty:
                break
            if kind == "result" and isinstance(value, RemoteResult):
                if job == current:  # else: an old text's answer, dropped
                    self._results[value.model] = (job, value)
                    changed = True
            elif isinstance(value, str):
                self._inflight.discard(value)
                waiting = self._waiting.pop(value, None)
                if waiting is not None and waiting.job == current:
                    self._start(waiting)
        if not self._inflight:
            self._poll.stop()
        if changed:
            self.changed.emit()

    def result_for(self, model: ModelInfo, job: int) -> RemoteResult | None:
        """The online count (or failure) for ``model`` if it is for job ``job``."""
        known = self._results.get(model.id)
        if known is None or known[0] != job or model.provider not in self.config().enabled:
            return None
        return known[1]

    def close(self) -> None:
        """Stop polling; threads still running end with their timeout, unheard."""
        self._latest = -1
        self._waiting.clear()
        self._poll.stop()
