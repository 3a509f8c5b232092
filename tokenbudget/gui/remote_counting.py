"""Exact counts online: the providers' count endpoints, asked when typing pauses.

When the coordinator's counts settle for a text (``CountCoordinator.settled``), every shown
model whose provider is switched on in the settings (``remote_count``) is counted online.
Each provider is a lane of ``gui.jobs`` on a daemon thread of its own (a request may block for
the whole timeout), so it has at most one request in flight; a newer text queues behind it
(an older queued one is skipped) and the in-flight job stops before its next model once its
text is no longer the latest. Each model's answer is handed to the UI thread as it comes
(``Task.report``), where an answer for an old text is dropped. Rows show the exact count, or
keep the estimate with the reason (``CountCoordinator.remote_lookup``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from tokenbudget.core.services import Service
from tokenbudget.core.types import COUNT_PROVIDERS

if TYPE_CHECKING:  # the HTTP client is imported when a provider is asked, not at start
    from tokenbudget.core.types import ModelInfo, RemoteConfig, RemoteResult
from tokenbudget.gui.counting import CountCoordinator
from tokenbudget.gui.jobs import Jobs, Runner, SerialRunner, Task


class RemoteCounting(QObject):
    """Asks the count endpoints for the coordinator's settled text and keeps the answers.

    Args:
        service: The settings, the keys and the count endpoints (``service.providers``).
        coordinator: Whose settled text is counted, and whose rows show the answers.
        runner: Where every provider's requests run (None: a daemon thread per provider).
        parent: The Qt parent.

    Signals:
        changed: an online count (or a failure) for the current text came in.
    """

    changed = Signal()

    def __init__(
        self,
        service: Service,
        coordinator: CountCoordinator,
        *,
        runner: Runner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._coordinator = coordinator
        self._runner = runner
        self._threads: dict[str, SerialRunner] = {}
        # Every request names its provider's thread (``_thread_of``); this default is unused.
        self._jobs = Jobs(runner or self._thread_of("default"), owner=self)
        #: The coordinator's job whose text was asked for last.
        self._latest = 0
        self._results: dict[str, tuple[int, RemoteResult]] = {}
        coordinator.remote_lookup = self.result_for
        coordinator.settled.connect(self.request)
        self.changed.connect(coordinator.refresh)

    def _thread_of(self, provider: str) -> Runner:
        if self._runner is not None:
            return self._runner
        if provider not in self._threads:
            self._threads[provider] = SerialRunner(f"tokenbudget-remote-{provider}")
        return self._threads[provider]

    # -- asking ------------------------------------------------------------------------

    def config(self) -> RemoteConfig:
        """The online-count settings as they are now."""
        return self._service.providers.remote_config()

    def request(self) -> None:
        """Count the coordinator's current text online for every switched-on provider."""
        coordinator = self._coordinator
        job, text = coordinator.job_id, coordinator.text
        if job != self._latest:
            self._jobs.cancel()  # requests for an older text stop before their next model
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
            if provider in COUNT_PROVIDERS:
                self._start(job, provider, text, tuple(models), config)

    def _start(
        self, job: int, provider: str, text: str, models: tuple[str, ...], config: RemoteConfig
    ) -> None:
        results = self._service.providers.count_online(provider, models, text, config)

        from tokenbudget.core.types import RemoteResult

        def work(task: Task[RemoteResult]) -> None:  # on the provider's thread: no Qt here
            for _model in models:
                if task.stale:
                    break  # the text changed: a newer job is waiting
                task.report(next(results))

        def failed(why: str) -> None:
            for model in models:
                if model not in self._results or self._results[model][0] != job:
                    self._answered(job, RemoteResult(provider, model, reason=why))

        self._jobs.submit_task(
            f"remote:{provider}",
            work,
            lambda _none: None,
            failed,
            progress=lambda result: self._answered(job, result),
            runner=self._thread_of(provider),
            skip_stale=True,
        )

    # -- answers (UI thread) -----------------------------------------------------------

    @property
    def idle(self) -> bool:
        """True when no request is in flight or waiting."""
        return not self._jobs.busy()

    def _answered(self, job: int, result: RemoteResult) -> None:
        if job != self._coordinator.job_id:
            return  # an old text's answer
        self._results[result.model] = (job, result)
        self.changed.emit()

    def result_for(self, model: ModelInfo, job: int) -> RemoteResult | None:
        """The online count (or failure) for ``model`` if it is for job ``job``."""
        known = self._results.get(model.id)
        if known is None or known[0] != job or model.provider not in self.config().enabled:
            return None
        return known[1]

    def close(self) -> None:
        """Stop: requests still running end with their timeout, unheard."""
        self._jobs.close()
