"""Live counting off the UI thread.

Typing restarts a single-shot timer (the debounce; 0 in tests). When it fires, the text gets a
new job id and one request per *counting key* (a vocabulary or an estimator: many models share
one) goes to the backend. The UI thread drops any result whose job id is not the latest.
Changing the shown models, the expected output or the currency re-prices the counts already
known and only counts keys that are new.

Backends:

* ``ProcessBackend`` (the app): a child process counts (``core.countproc``). The window's
  interpreter never shares its lock with a tokenizer, so a 10 MB count cannot stall it, and the
  vocabularies live in the child.
* ``ThreadBackend`` (tests, and anything that wants counting in-process): pure-Python jobs
  handed to a runner (tests pass an inline one).

Either way results arrive in a plain ``queue.SimpleQueue`` that the UI thread drains on a short
timer while requests are outstanding: no worker ever calls into Qt (PySide6 6.12.0 on Python
3.11 aborted when pool threads did, within 20,000 jobs; that release is excluded in
pyproject.toml).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from tokenbudget.core import estimate
from tokenbudget.core.catalog import ModelInfo
from tokenbudget.core.countproc import (
    CountProcess,
    CountReply,
    FailedReply,
    Reply,
    SkippedReply,
    StatsReply,
)
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.remote_count import RemoteResult
from tokenbudget.core.service import Service
from tokenbudget.core.textstats import TextStats, text_stats
from tokenbudget.gui.estimate_model import Row

Runner = Callable[[Callable[[], None]], None]
#: A result as the coordinator's queue holds it: ``(kind, job number, key, value)``.
Message = tuple[Any, ...]
#: The exact online count (or why there is none) for a model and a job id, if any.
RemoteLookup = Callable[[ModelInfo, int], RemoteResult | None]


def inline_runner(job: Callable[[], None]) -> None:
    """Run a job at once, on the calling thread (tests)."""
    job()


@dataclass(frozen=True)
class OutputSetting:
    """Expected output: a fixed number of tokens, or a multiple of each model's input."""

    tokens: int = 0
    multiple: Decimal | None = None

    def for_input(self, input_tokens: int) -> int:
        """Expected output tokens for a prompt of ``input_tokens``."""
        if self.multiple is None:
            return self.tokens
        return int((self.multiple * input_tokens).to_integral_value(rounding=ROUND_HALF_UP))


def count_key(service: Service, key: str, text: str) -> int:
    """Count ``text`` for one counting key (a vocabulary id or an estimator id)."""
    if key in estimate.ESTIMATORS:
        est = estimate.get_estimator(key)
        return est.estimate(text, lambda part: service.registry.count(est.base, part))
    return service.registry.count(key, text)


class Backend(Protocol):
    """Where counting happens. Every key (and a stats request) gets exactly one reply."""

    def submit(self, job: int, text: str, keys: list[str], stats: bool) -> None:
        """Count ``text`` for each key; measure it too when ``stats``."""

    def preload(self, tokenizer_ids: list[str]) -> None:
        """Load these vocabularies ahead of need, in this order."""

    def close(self) -> None:
        """Release what the backend holds."""


class ThreadBackend:
    """Counts with ``counter`` in jobs handed to ``runner`` (in this process)."""

    def __init__(
        self,
        service: Service,
        deliver: Callable[[Message], None],
        runner: Runner,
        counter: Callable[[Service, str, str], int] = count_key,
    ) -> None:
        self.service = service
        self.deliver = deliver
        self.runner = runner
        self.counter = counter

    def submit(self, job: int, text: str, keys: list[str], stats: bool) -> None:
        """Hand one job per key (and one for the stats) to the runner."""
        deliver = self.deliver
        if stats:
            self.runner(lambda: deliver(("stats", job, None, text_stats(text))))
        for key in keys:

            def work(key: str = key) -> None:
                try:
                    deliver(("count", job, key, self.counter(self.service, key, text)))
                except (TokenbudgetError, OSError, ValueError) as exc:
                    deliver(("failed", job, key, str(exc)))

            self.runner(work)

    def preload(self, tokenizer_ids: list[str]) -> None:
        """Load the vocabularies on the runner."""
        registry = self.service.registry
        for tokenizer_id in tokenizer_ids:

            def load(tokenizer_id: str = tokenizer_id) -> None:
                registry.get(tokenizer_id)

            self.runner(load)

    def close(self) -> None:
        """Nothing to release."""


class CountHub:
    """One counting child process shared by every view that counts (window, tray popup).

    Each view gets a channel; replies are routed back to the view's own queue by channel,
    and the child judges staleness per channel. The child stops when the last view leaves.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[int, Callable[[Message], None]] = {}
        self._next = 0
        self.process: CountProcess | None = None

    def join(self, deliver: Callable[[Message], None]) -> int:
        """A new channel whose replies go to ``deliver`` (job numbers instead of pairs)."""
        with self._lock:
            self._next += 1
            self._routes[self._next] = deliver
            if self.process is None:
                self.process = CountProcess(self._route)
            return self._next

    def leave(self, channel: int) -> None:
        """Forget a channel; stop the child when none is left."""
        with self._lock:
            self._routes.pop(channel, None)
            process = self.process if not self._routes else None
            if process is not None:
                self.process = None
        if process is not None:
            process.close()

    def _route(self, reply: Reply) -> None:
        channel, number = reply.job
        with self._lock:
            deliver = self._routes.get(channel)
        if deliver is None:
            return
        match reply:
            case CountReply(key=key, tokens=tokens):
                deliver(("count", number, key, tokens))
            case StatsReply(stats=stats):
                deliver(("stats", number, None, stats))
            case FailedReply(key=key, message=message):
                deliver(("failed", number, key, message))
            case SkippedReply(key=key):
                deliver(("skipped", number, key, None))


_HUB: CountHub | None = None


def shared_hub() -> CountHub:
    """The app's one counting hub (made on first use)."""
    global _HUB  # noqa: PLW0603 - one child process for the app
    if _HUB is None:
        _HUB = CountHub()
    return _HUB


class ProcessBackend:
    """Counts in the shared child process (see ``core.countproc``), on a channel of its own."""

    def __init__(self, deliver: Callable[[Message], None], hub: CountHub | None = None) -> None:
        self.hub = hub or shared_hub()
        self.channel = self.hub.join(deliver)

    @property
    def process(self) -> CountProcess:
        """The child process's parent end."""
        assert self.hub.process is not None
        return self.hub.process

    def submit(self, job: int, text: str, keys: list[str], stats: bool) -> None:
        """Send the request to the child."""
        self.process.count((self.channel, job), text, keys, stats)

    def preload(self, tokenizer_ids: list[str]) -> None:
        """Have the child load these vocabularies while it is idle."""
        self.process.load(tokenizer_ids)

    def close(self) -> None:
        """Leave the hub (the child stops with the last view)."""
        self.hub.leave(self.channel)


class CountCoordinator(QObject):
    """Owns the current text's counts and turns them into table rows.

    Signals:
        updated: rows or stats changed.
        failed: a count failed (message for the status bar).
        settled: every shown model's count for the current text is in (typing paused and
            counting done); emitted once per text and set of shown models.
    """

    updated = Signal()
    failed = Signal(str)
    settled = Signal()

    def __init__(
        self,
        service: Service,
        *,
        runner: Runner | None = None,
        delay_ms: int = 150,
        counter: Callable[[Service, str, str], int] = count_key,
        parent: QObject | None = None,
    ) -> None:
        """A coordinator counting in a child process, or with ``runner`` when one is given.

        Args:
            service: Prices and the catalogue.
            runner: Counts in this process, each job handed to it (tests pass an inline one).
            delay_ms: The debounce.
            counter: Counts one key in this process (with ``runner``).
            parent: The Qt parent.
        """
        super().__init__(parent)
        self._service = service
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start_job)
        self._send_timer = QTimer(self)
        self._send_timer.setSingleShot(True)
        self._send_timer.setInterval(0)
        self._send_timer.timeout.connect(self._send_job)
        # Results from worker threads; drained on the UI thread (see the module docstring).
        self._results: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.backend: ThreadBackend | ProcessBackend
        if runner is not None:
            self.backend = ThreadBackend(service, self._results.put, runner, counter)
        else:
            self.backend = ProcessBackend(self._results.put)
        self._outstanding = 0
        self._poll = QTimer(self)
        self._poll.setInterval(10)
        self._poll.timeout.connect(self.drain)
        self._text = ""
        self._source: str | Callable[[], str] = ""
        self._job = 0
        self._counts: dict[str, int] = {}
        # The previous text's counts, shown (marked as updating) until the new ones arrive:
        # typing in a long text never blanks the table.
        self._previous: dict[str, int] = {}
        self._pending: set[str] = set()
        self._models: list[ModelInfo] = []
        self._output = OutputSetting()
        self._cached_tokens = 0
        self._currency: str | None = None
        self.stats = TextStats(0, 0, 0)
        self._settled: tuple[int, tuple[str, ...]] | None = None
        #: Exact online counts (see ``gui.remote_counting``); None: estimates only.
        self.remote_lookup: RemoteLookup | None = None

    # -- inputs ----------------------------------------------------------------------

    def set_delay(self, delay_ms: int) -> None:
        """The debounce delay (0 in tests)."""
        self._timer.setInterval(delay_ms)

    def set_text(self, text: str | Callable[[], str]) -> None:
        """A new prompt text: count it after the debounce.

        ``text`` may be a function giving the text: it is then read only when the debounce
        ends, not on every keystroke.
        """
        self._source = text
        self._timer.start()

    def set_models(self, models: list[ModelInfo]) -> None:
        """The shown models: re-price known counts, count only new keys."""
        self._models = list(models)
        missing = {m.counting.key for m in models} - set(self._counts) - self._pending
        if self._send_timer.isActive():
            self._pending |= missing  # sent with the text on the next turn
        elif missing and not self._timer.isActive():
            self._submit(self._job, self._text, missing)
        self.updated.emit()
        self._check_settled()

    def set_output(self, output: OutputSetting, cached_tokens: int = 0) -> None:
        """Expected output and cached prefix: re-price, no counting."""
        self._output = output
        self._cached_tokens = cached_tokens
        self.updated.emit()

    def set_currency(self, currency: str | None) -> None:
        """Display currency (None: the settings' one); re-price, no counting."""
        self._currency = currency
        self.updated.emit()

    def flush(self) -> None:
        """Start the pending job now instead of after the debounce."""
        if self._timer.isActive():
            self._timer.stop()
            self._start_job()
        if self._send_timer.isActive():
            self._send_timer.stop()
            self._send_job()

    # -- jobs ------------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        """True when nothing is waiting: no debounce, no job running, no result undrained."""
        return (
            not self._timer.isActive()
            and not self._send_timer.isActive()
            and not self._pending
            and self._outstanding == 0
        )

    @property
    def dirty(self) -> bool:
        """True when the text has changed since the counts were started (debounce running)."""
        return self._timer.isActive() or self._send_timer.isActive()

    @property
    def job_id(self) -> int:
        """The id of the latest counting job."""
        return self._job

    def _start_job(self) -> None:
        self._job += 1
        self._previous = {**self._previous, **self._counts}
        self._counts = {}
        self._pending = {m.counting.key for m in self._models}
        self.updated.emit()
        # The text is read and sent on the next turn of the event loop, after the table has
        # repainted: reading 10 MB takes ~25 ms and sending competes for the GIL, and neither
        # should add to the repaint's time in one block.
        self._send_timer.start()

    def _send_job(self) -> None:
        source = self._source
        self._text = source if isinstance(source, str) else source()
        self._submit(self._job, self._text, set(self._pending), stats=True)

    def _submit(self, job: int, text: str, keys: set[str], *, stats: bool = False) -> None:
        # Estimators need their base vocabulary: count exact keys first so shared work is
        # done once and rows fill in cheapest-first.
        ordered = sorted(keys, key=lambda k: (k in estimate.ESTIMATORS, k))
        self._pending.update(ordered)
        self._outstanding += len(ordered) + int(stats)
        if not self._poll.isActive():
            self._poll.start()
        self.backend.submit(job, text, ordered, stats)
        self.drain()

    def preload(self, tokenizer_ids: list[str]) -> None:
        """Load vocabularies ahead of need (most used first)."""
        self.backend.preload(tokenizer_ids)

    def close(self) -> None:
        """Stop counting (the app is quitting)."""
        self._timer.stop()
        self._send_timer.stop()
        self._poll.stop()
        self.backend.close()

    def drain(self) -> None:
        """Apply every result the workers have delivered (UI thread)."""
        changed = False
        while True:
            try:
                kind, job, key, value = self._results.get_nowait()
            except queue.Empty:
                break
            self._outstanding -= 1
            if kind == "count":
                changed |= self._on_counted(job, key, value)
            elif kind == "stats":
                changed |= self._on_measured(job, value)
            elif kind == "failed":
                self._on_failed(job, key, value)
            elif job == self._job and key is not None:  # skipped, yet current: count again
                self._pending.discard(key)
                self._submit(job, self._text, {key})
        if self._outstanding <= 0:
            self._outstanding = 0
            self._poll.stop()
        if changed:
            self.updated.emit()
        self._check_settled()

    def _check_settled(self) -> None:
        if self._job == 0 or self.dirty or self._pending:
            return
        state = (self._job, tuple(m.id for m in self._models))
        if state != self._settled:
            self._settled = state
            self.settled.emit()

    @property
    def models(self) -> list[ModelInfo]:
        """The shown models."""
        return list(self._models)

    @property
    def text(self) -> str:
        """The text of the latest job (what the counts are for)."""
        return self._text

    def refresh(self) -> None:
        """Tell the views that rows changed (an online count came in)."""
        self.updated.emit()

    # -- results (UI thread) ---------------------------------------------------------

    def _on_counted(self, job: int, key: str, tokens: int) -> bool:
        if job != self._job:
            return False  # a stale result: the text has changed since
        self._pending.discard(key)
        self._counts[key] = tokens
        return True

    def _on_failed(self, job: int, key: str, message: str) -> None:
        if job == self._job:
            self._pending.discard(key)
            self.failed.emit(f"{key}: {message}")

    def _on_measured(self, job: int, stats: Any) -> bool:
        if job == self._job:
            self.stats = stats
            return True
        return False

    # -- outputs ---------------------------------------------------------------------

    def count_for(self, model: ModelInfo) -> int | None:
        """The current count for ``model``, or None while it is being counted.

        The provider's exact online count wins over the local one when it is in.
        """
        tokens = self._counts.get(model.counting.key)
        if tokens is not None and self.remote_lookup is not None:
            remote = self.remote_lookup(model, self._job)
            if remote is not None and remote.tokens is not None:
                return remote.tokens
        return tokens

    def rows(self) -> list[Row]:
        """A row per shown model, priced from the known counts.

        A model still being counted shows the previous text's count, marked ``updating``.
        """
        rows = []
        for model in self._models:
            key = model.counting.key
            tokens = self._counts.get(key)
            updating = tokens is None
            if tokens is None:
                tokens = self._previous.get(key)
            if tokens is None:
                rows.append(Row(model))
                continue
            remote = None
            if not updating and self.remote_lookup is not None:
                remote = self.remote_lookup(model, self._job)
            if remote is not None and remote.tokens is not None:
                tokens = remote.tokens  # the provider's own count: priced from it
            output = self._output.for_input(tokens)
            try:
                est = self._service.price_tokens(
                    model,
                    tokens,
                    output_tokens=output,
                    cached_tokens=self._cached_tokens,
                    currency=self._currency,
                )
            except TokenbudgetError:
                est = self._service.price_tokens(
                    model, tokens, output_tokens=output, cached_tokens=self._cached_tokens
                )
            if remote is not None and remote.tokens is not None:
                est = replace(est, exact=True)
            rows.append(Row(model, est, output, updating=updating, remote=remote))
        return rows

    def output_for(self, model: ModelInfo) -> int:
        """Expected output tokens for ``model`` under the current setting."""
        tokens = self._counts.get(model.counting.key, 0)
        if self.remote_lookup is not None and model.counting.key in self._counts:
            remote = self.remote_lookup(model, self._job)
            if remote is not None and remote.tokens is not None:
                tokens = remote.tokens
        return self._output.for_input(tokens)
