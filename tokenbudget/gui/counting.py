"""Live counting off the UI thread, in the counting child process.

Typing restarts a single-shot timer (the debounce; 0 in tests). When it fires, the text gets a
new job id and one request per *counting key* (a vocabulary or an estimator: many models share
one) goes to the child process (``gui.count_channel``; the same process in the app and in the
tests). The UI thread drops any result whose job id is not the latest. Changing the shown
models, the expected output or the currency re-prices the counts already known and only counts
keys that are new. Whenever the vocabularies the shown models need change, the child is told
(``keep``): it holds only those.

Once counts have settled and nothing has changed for ``IDLE_TRIM_MS``, this process gives the
memory it has freed back to the system (see ``release_freed_memory``).

Replies arrive on the process's reader thread, which hands them to a ``gui.jobs.Mailbox``: they
reach the UI thread in batches, with no polling timer, and nothing but the mailbox is touched
off the UI thread.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import QObject, QTimer, Signal

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.core.types import TextStats, release_freed_memory
from tokenbudget.gui.count_channel import CountHub, ProcessBackend, shared_hub
from tokenbudget.gui.estimate_model import Row
from tokenbudget.gui.jobs import Mailbox

__all__ = ["CountCoordinator", "CountHub", "OutputSetting", "ProcessBackend", "shared_hub"]

#: The exact online count (or why there is none) for a model and a job id, if any.
#: (Only for type checking: ``RemoteResult`` lives with the HTTP client, which the window
#: need not import before its first paint.)
if TYPE_CHECKING:
    from tokenbudget.core.countproc import Reply
    from tokenbudget.core.types import ModelInfo, RemoteResult

    RemoteLookup: TypeAlias = Callable[[ModelInfo, int], RemoteResult | None]

#: Texts whose counts are remembered in this process (an undo, or a character typed and
#: deleted again, is answered without asking the counting process), and the most characters
#: they may hold together.
MEMO_TEXTS = 6
#: A text that was at most this long is sent in the same turn as the keystroke's job starts.
SEND_AT_ONCE = 4_000_000
#: Rows still being counted this long after the text changed are shown as updating.
STALE_MS = 60
MEMO_CHARS = 8_000_000
#: Counts settled and nothing changed for this long: give freed memory back to the system.
IDLE_TRIM_MS = 30_000


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
        delay_ms: int = 150,
        hub: CountHub | None = None,
        parent: QObject | None = None,
    ) -> None:
        """A coordinator counting in the shared child process.

        Args:
            service: Prices and the catalogue.
            delay_ms: The debounce.
            hub: The counting process (None: the app's one).
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
        # Rows are shown as updating only when their counts take a while: a keystroke's
        # counts usually arrive first, and the table then changes once, not twice.
        self._stale_timer = QTimer(self)
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(STALE_MS)
        self._stale_timer.timeout.connect(self._show_stale)
        self._trim_timer = QTimer(self)
        self._trim_timer.setSingleShot(True)
        self._trim_timer.setInterval(IDLE_TRIM_MS)
        self._trim_timer.timeout.connect(self._release_memory)
        # Replies from the process's reader thread, handed over to the UI thread.
        self._mailbox: Mailbox[Reply] = Mailbox(self._on_replies, owner=self)
        self.backend = ProcessBackend(self._mailbox.put, hub)
        self._outstanding = 0
        self._text = ""
        self._source: str | Callable[[], str] = ""
        self._job = 0
        self._counts: dict[str, int] = {}
        # The previous text's counts, shown (marked as updating) until the new ones arrive:
        # typing in a long text never blanks the table.
        self._previous: dict[str, int] = {}
        self._pending: set[str] = set()
        self._models: list[ModelInfo] = []
        self._kept: list[str] | None = None  # the vocabularies last sent as kept
        self._output = OutputSetting()
        self._cached_tokens = 0
        self._currency: str | None = None
        self.stats = TextStats(0, 0, 0)
        self._settled: tuple[int, tuple[str, ...]] | None = None
        # Counts and stats of recent texts, newest last (see ``MEMO_TEXTS``).
        self._memo: OrderedDict[str, tuple[dict[str, int], TextStats | None]] = OrderedDict()
        #: Requests sent to the counting process (tests and benchmarks read it).
        self.requests = 0
        self._stats_job = 0  # the job whose stats ``stats`` are
        self._unshown = False  # counts came in that the views were not told of yet
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
        self._trim_timer.stop()
        self._timer.start()

    def set_models(self, models: list[ModelInfo]) -> None:
        """The shown models: re-price known counts, count only new keys."""
        self._models = list(models)
        # Estimators count with their base vocabulary, so every shown row needs exactly one.
        kept = sorted({m.counting.tokenizer for m in models})
        if kept != self._kept:
            self._kept = kept
            self.backend.keep(kept)  # before any count for a new model
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
        """True when nothing is waiting: no debounce, no reply outstanding."""
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
        # An empty text's zeros are no count to show while a real text is being counted.
        self._previous = {**self._previous, **self._counts} if self._text else {}
        self._counts = {}
        self._pending = {m.counting.key for m in self._models}
        if len(self._text) <= SEND_AT_ONCE:
            # Sent at once: the counting process works while this process goes on.
            self._send_job()
            if self._pending:
                self._stale_timer.start()
            return
        self.updated.emit()
        # A long text is read and sent on the next turn of the event loop, after the table
        # has repainted: reading 10 MB takes ~25 ms and sending competes for the GIL, and
        # neither should add to the repaint's time in one block.
        self._send_timer.start()

    def _release_memory(self) -> None:
        release_freed_memory()

    def _show_stale(self) -> None:
        if self._pending or self._unshown:
            self._unshown = False
            self.updated.emit()

    def _send_job(self) -> None:
        source = self._source
        self._text = source if isinstance(source, str) else source()
        self._submit(self._job, self._text, set(self._pending), stats=True)

    def _submit(self, job: int, text: str, keys: set[str], *, stats: bool = False) -> None:
        if self._answer_here(job, text, keys, stats):
            return
        # Estimators need their base vocabulary: count exact keys first so shared work is
        # done once and rows fill in cheapest-first. (Imported here: the estimators' table is
        # not needed before the window's first paint.)
        from tokenbudget.core.types import ESTIMATORS

        ordered = sorted(keys, key=lambda k: (k in ESTIMATORS, k))
        self.requests += 1
        self._pending.update(ordered)
        self._outstanding += len(ordered) + int(stats)
        self.backend.submit(job, text, ordered, stats)

    def _answer_here(self, job: int, text: str, keys: set[str], stats: bool) -> bool:
        """Answer from what this process knows, without a round trip; True if all is answered.

        An empty text counts 0 everywhere (so a new window starts no counting process before
        its first paint); a recent text's counts are remembered. What is left is requested.
        """
        known: dict[str, int] = {}
        known_stats: TextStats | None = None
        if len(text) > MEMO_CHARS // 2:
            return False  # not remembered; and hashing 10 MB is not free
        if text:
            # Compared by length first: hashing a 1 MB text takes most of a millisecond.
            if any(len(t) == len(text) for t in self._memo) and text in self._memo:
                known, known_stats = self._memo[text]
                self._memo.move_to_end(text)
        else:
            known, known_stats = dict.fromkeys(keys, 0), TextStats(0, 0, 0)
        found = keys & known.keys()
        if not found and (known_stats is None or not stats):
            return False
        for key in found:
            self._on_counted(job, key, known[key])
        if stats and known_stats is not None:
            self._on_measured(job, known_stats)
            stats = False
        keys -= found
        self.updated.emit()
        if keys or stats:
            self._submit(job, text, keys, stats=stats)
        else:
            self._check_settled()
        return True

    def _remember(self) -> None:
        """Keep the current text's counts once all of them are in."""
        text = self._text
        if self._pending or not text or len(text) > MEMO_CHARS // 2:
            return
        counts = {**self._memo.get(text, ({}, None))[0], **self._counts}
        self._memo[text] = (counts, self.stats if self._stats_job == self._job else None)
        self._memo.move_to_end(text)
        while len(self._memo) > MEMO_TEXTS or sum(map(len, self._memo)) > MEMO_CHARS:
            self._memo.popitem(last=False)

    def preload(self, tokenizer_ids: list[str]) -> None:
        """Load vocabularies ahead of need (most used first)."""
        self.backend.preload(tokenizer_ids)

    def close(self) -> None:
        """Stop counting (the app is quitting)."""
        self._timer.stop()
        self._send_timer.stop()
        self._stale_timer.stop()
        self._trim_timer.stop()
        self._mailbox.close()
        self.backend.close()

    def _on_replies(self, replies: list[Reply]) -> None:
        """Apply the child's replies (UI thread, from the mailbox)."""
        # Imported here: the messages are not needed before the window's first paint.
        from tokenbudget.core.countproc import CountReply, FailedReply, SkippedReply, StatsReply

        changed = False
        for reply in replies:
            self._outstanding -= 1
            job = reply.job[1]
            match reply:
                case CountReply(key=key, tokens=tokens):
                    changed |= self._on_counted(job, key, tokens)
                case StatsReply(stats=stats):
                    changed |= self._on_measured(job, stats)
                case FailedReply(key=key, message=message):
                    self._on_failed(job, key, message)
                case SkippedReply(key=key) if job == self._job and key is not None:
                    # Skipped, yet current: count again.
                    self._pending.discard(key)
                    self._submit(job, self._text, {key})
        self._outstanding = max(self._outstanding, 0)
        if changed:
            self._unshown = True
            self._remember()
        # A keystroke's counts (and then its stats) come one at a time: while more are due
        # within ``STALE_MS`` the table waits for them and changes once (each update repaints
        # every row, in Python); past it, each count shows as it comes.
        due = self._pending or self._outstanding > 0
        if self._unshown and not (due and self._stale_timer.isActive()):
            self._unshown = False
            self.updated.emit()
        self._check_settled()

    def _check_settled(self) -> None:
        if self._job == 0 or self.dirty or self._pending:
            return
        state = (self._job, tuple(m.id for m in self._models))
        if state != self._settled:
            self._settled = state
            self._trim_timer.start()
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

    def _on_measured(self, job: int, stats: TextStats) -> bool:
        if job == self._job:
            self.stats = stats
            self._stats_job = job
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
                est = self._service.counting.price_tokens(
                    model,
                    tokens,
                    output_tokens=output,
                    cached_tokens=self._cached_tokens,
                    currency=self._currency,
                )
            except TokenbudgetError:
                est = self._service.counting.price_tokens(
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
