"""Live counting off the UI thread.

Typing restarts a single-shot timer (the debounce; 0 in tests). When it fires, the text gets a
new job id and one job per *counting key* (a vocabulary or an estimator: many models share
one) is handed to the runner. Jobs are pure functions of their inputs; they report through a
signal, and the UI thread drops any result whose job id is not the latest. Changing the shown
models, the expected output or the currency re-prices the counts already known and only
counts keys that are new.

Tests inject an inline runner; the app uses Python threads (``ThreadPoolExecutor``).

Worker threads never call into Qt: results go into a plain ``queue.SimpleQueue`` and the UI
thread drains it on a short timer while jobs are pending. Jobs stay pure Python and
testable without an event loop, and no binding quirk of calling Qt from other threads can
reach them (PySide6 6.12.0 on Python 3.11 aborted here within 20,000 pool jobs; that release
is excluded in pyproject.toml).
"""

from __future__ import annotations

import queue
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from tokenbudget.core import estimate
from tokenbudget.core.catalog import ModelInfo
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.service import Service
from tokenbudget.gui.estimate_model import Row

Runner = Callable[[Callable[[], None]], None]


_EXECUTOR: ThreadPoolExecutor | None = None


def executor() -> ThreadPoolExecutor:
    """The app's one worker thread.

    One, not more: CPython hands the GIL to a waiting thread fairly only when two threads
    compete. With the UI thread and two busy workers, the UI thread was starved of the GIL
    for seconds while 10 MB were counted. The vocabularies still use every core inside their
    own native code, which runs without the GIL.
    """
    global _EXECUTOR  # noqa: PLW0603 - one pool for the process, made on first use
    if _EXECUTOR is None:
        _EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tokenbudget")
        # The view calls back into Python for every cell it paints, and each callback must
        # win the GIL back from the worker: at the default 5 ms per hand-over, one repaint of
        # the table waited for seconds while a large text was counted. 0.2 ms bounds it.
        sys.setswitchinterval(0.0002)
    return _EXECUTOR


def pool_runner() -> Runner:
    """A runner that executes jobs on the app's worker threads."""

    def run(job: Callable[[], None]) -> None:
        executor().submit(job)

    return run


def inline_runner(job: Callable[[], None]) -> None:
    """Run a job at once, on the calling thread (tests)."""
    job()


@dataclass(frozen=True)
class TextStats:
    """Characters, words and lines of the prompt."""

    chars: int
    words: int
    lines: int


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


def count_words(text: str, step: int = 64 * 1024) -> int:
    """Whitespace-separated words, counted a slice at a time.

    One ``split()`` of 10 MB holds the GIL for about 0.2 s, freezing the window; slices keep
    every hold short. A word cut by a slice edge is counted once.
    """
    words = 0
    for start in range(0, len(text), step):
        piece = text[start : start + step]
        words += len(piece.split())
        if start and piece[:1] and not piece[0].isspace() and not text[start - 1].isspace():
            words -= 1
    return words


def text_stats(text: str) -> TextStats:
    """Characters, words and lines (a trailing line without a break counts)."""
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    return TextStats(len(text), count_words(text), lines)


class CountCoordinator(QObject):
    """Owns the current text's counts and turns them into table rows.

    Signals:
        updated: rows or stats changed.
        failed: a count failed (message for the status bar).
    """

    updated = Signal()
    failed = Signal(str)

    def __init__(
        self,
        service: Service,
        *,
        runner: Runner | None = None,
        delay_ms: int = 150,
        counter: Callable[[Service, str, str], int] = count_key,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner or pool_runner()
        self._counter = counter
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start_job)
        # Results from worker threads; drained on the UI thread (see the module docstring).
        self._results: queue.SimpleQueue[tuple[str, int, Any, Any]] = queue.SimpleQueue()
        self._outstanding = 0
        self._poll = QTimer(self)
        self._poll.setInterval(10)
        self._poll.timeout.connect(self.drain)
        self._text = ""
        self._job = 0
        self._counts: dict[str, int] = {}
        self._pending: set[str] = set()
        self._models: list[ModelInfo] = []
        self._output = OutputSetting()
        self._cached_tokens = 0
        self._currency: str | None = None
        self.stats = TextStats(0, 0, 0)

    # -- inputs ----------------------------------------------------------------------

    def set_delay(self, delay_ms: int) -> None:
        """The debounce delay (0 in tests)."""
        self._timer.setInterval(delay_ms)

    def set_text(self, text: str) -> None:
        """A new prompt text: count it after the debounce."""
        self._text = text
        self._timer.start()

    def set_models(self, models: list[ModelInfo]) -> None:
        """The shown models: re-price known counts, count only new keys."""
        self._models = list(models)
        missing = {m.counting.key for m in models} - set(self._counts) - self._pending
        if missing and not self._timer.isActive():
            self._submit(self._job, self._text, missing)
        self.updated.emit()

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

    # -- jobs ------------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        """True when nothing is waiting: no debounce, no job running, no result undrained."""
        return not self._timer.isActive() and not self._pending and self._outstanding == 0

    @property
    def job_id(self) -> int:
        """The id of the latest counting job."""
        return self._job

    def _start_job(self) -> None:
        self._job += 1
        self._counts = {}
        self._pending = set()
        self._submit(self._job, self._text, {m.counting.key for m in self._models}, stats=True)
        self.updated.emit()

    def _submit(self, job: int, text: str, keys: set[str], *, stats: bool = False) -> None:
        results = self._results
        service = self._service
        counter = self._counter
        if stats:

            def measure() -> None:
                results.put(("stats", job, None, text_stats(text)))

            self._dispatch(measure)
        # Estimators need their base vocabulary: count exact keys first so shared work is
        # done once and rows fill in cheapest-first.
        for key in sorted(keys, key=lambda k: (k in estimate.ESTIMATORS, k)):
            self._pending.add(key)

            def work(key: str = key) -> None:
                try:
                    results.put(("count", job, key, counter(service, key, text)))
                except (TokenbudgetError, OSError, ValueError) as exc:
                    results.put(("failed", job, key, str(exc)))

            self._dispatch(work)
        self.drain()

    def _dispatch(self, job: Callable[[], None]) -> None:
        self._outstanding += 1
        self._runner(job)
        if not self._poll.isActive():
            self._poll.start()

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
            else:
                self._on_failed(job, key, value)
        if self._outstanding <= 0:
            self._outstanding = 0
            self._poll.stop()
        if changed:
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
        """The current count for ``model``, or None while it is being counted."""
        return self._counts.get(model.counting.key)

    def rows(self) -> list[Row]:
        """A row per shown model, priced from the known counts."""
        rows = []
        for model in self._models:
            tokens = self._counts.get(model.counting.key)
            if tokens is None:
                rows.append(Row(model))
                continue
            try:
                est = self._service.price_tokens(
                    model,
                    tokens,
                    output_tokens=self._output.for_input(tokens),
                    cached_tokens=self._cached_tokens,
                    currency=self._currency,
                )
            except TokenbudgetError:
                est = self._service.price_tokens(
                    model,
                    tokens,
                    output_tokens=self._output.for_input(tokens),
                    cached_tokens=self._cached_tokens,
                )
            rows.append(Row(model, est, self._output.for_input(tokens)))
        return rows

    def output_for(self, model: ModelInfo) -> int:
        """Expected output tokens for ``model`` under the current setting."""
        return self._output.for_input(self._counts.get(model.counting.key, 0))
