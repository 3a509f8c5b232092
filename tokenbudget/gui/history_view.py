"""The history view: the ledger's entries, filtered, with totals, charts, edits, undo, export.

A filter bar (period, provider, model, plan, source, a search of notes and prompts) sits over
the table of entries (``HistoryModel``, lazy: a million rows open as fast as a hundred), the
totals of what is shown, the buttons, and the charts (``HistoryChart``).

Off the UI thread: applying a filter (its row map, whose cost grows with the matches of a
search, and its totals), the charts' sums, CSV export and the import of pyqtgraph. Each job
is a pure function of immutable input that opens its own connection to the ledger (SQLite
connections belong to one thread); results come back through a queue that the UI thread
drains, and a result for anything but the latest request of its kind is dropped. Pages of
rows are read on the UI thread, a couple of milliseconds each.

Edits and deletions go on a ``QUndoStack`` (Ctrl+Z, Ctrl+Shift+Z, and the Undo button).
"""

from __future__ import annotations

import importlib
import itertools
import queue
import sqlite3
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShowEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.charts_data import SpendSeries, spend_in
from tokenbudget.core.entries import Entry
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.history_jobs import (
    ChartData,
    Choices,
    Snapshot,
    export_csv_file,
    load_charts,
    load_snapshot,
)
from tokenbudget.core.history_query import Period, period_bounds
from tokenbudget.core.ledger import HistoryFilter, Ledger, Totals
from tokenbudget.core.money import Money
from tokenbudget.core.service import Service
from tokenbudget.gui.entry_dialog import EntryDialog
from tokenbudget.gui.formatting import format_int, format_money
from tokenbudget.gui.history_model import Column, HistoryModel, provider_name

Runner = Callable[[Callable[[], None]], None]

#: At most this many entries are deleted at once (each is kept in memory for undo).
MAX_DELETE = 10_000
#: More rows than a screen holds, to select again after a reload.
_ON_SCREEN = 200

_EXECUTORS: dict[str, ThreadPoolExecutor] = {}


def _executor(name: str) -> ThreadPoolExecutor:
    """One worker thread per purpose for the process, made on first use."""
    if name not in _EXECUTORS:
        _EXECUTORS[name] = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        # A short switch interval: the UI thread gets the GIL back within 0.2 ms, so a
        # long search never stalls a repaint.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.0002))
    return _EXECUTORS[name]


def background_runner(job: Callable[[], None]) -> None:
    """Run ``job`` on the history view's worker thread (reads: rows, totals, charts)."""
    _executor("tokenbudget-history").submit(job)


def export_runner(job: Callable[[], None]) -> None:
    """Run ``job`` on the export thread, so a long export holds up no filter."""
    _executor("tokenbudget-export").submit(job)


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def inline_runner(job: Callable[[], None]) -> None:
    """Run ``job`` at once on the calling thread (tests)."""
    job()


def import_charts() -> ModuleType:
    """Import the charts module, and pyqtgraph with it (most of a second)."""
    return importlib.import_module("tokenbudget.gui.history_chart")


_Handlers = tuple[Callable[[Any], None], Callable[[str], None]]


class Jobs:
    """Hands jobs to a runner and their results back on the UI thread.

    Only the latest job of each kind is delivered; an older one's result is dropped. A job
    never touches Qt: it returns a value or raises, and the UI thread does the rest.
    """

    def __init__(self, runner: Runner, parent: QWidget) -> None:
        self._runner = runner
        self._results: queue.SimpleQueue[tuple[str, int, bool, Any]] = queue.SimpleQueue()
        self._latest: dict[str, int] = {}
        self._handlers: dict[tuple[str, int], _Handlers] = {}
        self._ids = itertools.count(1)
        self._timer = QTimer(parent)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self.drain)

    def submit(
        self,
        kind: str,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        runner: Runner | None = None,
    ) -> None:
        """Run ``work``; then ``done(result)`` or ``failed(message)`` on the UI thread.

        ``runner`` overrides where this one job runs.
        """
        job = next(self._ids)
        self._latest[kind] = job
        self._handlers = {k: v for k, v in self._handlers.items() if k[0] != kind}
        self._handlers[(kind, job)] = (done, failed)
        results = self._results

        def run() -> None:
            try:
                results.put((kind, job, True, work()))
            except (TokenbudgetError, sqlite3.Error, OSError, ImportError) as exc:
                results.put((kind, job, False, str(exc)))
            except Exception as exc:  # never a dead worker and a view waiting forever
                results.put((kind, job, False, f"{type(exc).__name__}: {exc}"))

        (runner or self._runner)(run)
        self.drain()  # an inline runner has finished already
        if self._handlers:
            self._timer.start()

    def busy(self, kind: str) -> bool:
        """Whether a job of ``kind`` is still running."""
        return any(k == kind for k, _ in self._handlers)

    def drain(self) -> None:
        """Deliver the results that are in (the latest of each kind only)."""
        while True:
            try:
                kind, job, ok, value = self._results.get_nowait()
            except queue.Empty:
                break
            handlers = self._handlers.pop((kind, job), None)
            if handlers is None or self._latest.get(kind) != job:
                continue
            done, failed = handlers
            if ok:
                done(value)
            else:
                failed(value)
        if not self._handlers:
            self._timer.stop()


# -- undo ---------------------------------------------------------------------------------


class LedgerCommand(QUndoCommand):
    """A change already made to the ledger, that undo reverts and redo makes again.

    If the ledger refuses either (an entry recorded since took a deleted one's id, say),
    the view says why and the command leaves the stack.
    """

    def __init__(
        self,
        view: HistoryView,
        text: str,
        again: Callable[[Ledger], object],
        revert: Callable[[Ledger], object],
    ) -> None:
        super().__init__(text)
        self._view = view
        self._again = again
        self._revert = revert
        self._pushed = False

    def redo(self) -> None:
        """Make the change again (not when first pushed: it was made before)."""
        if not self._pushed:
            self._pushed = True
            return
        self._view.apply_change(self, self._again, undoing=False)

    def undo(self) -> None:
        """Revert the change."""
        self._view.apply_change(self, self._revert, undoing=True)


# -- the view -----------------------------------------------------------------------------


class HistoryView(QWidget):
    """Every ledger entry, filtered, with totals and charts; edit, delete, undo, export.

    Args:
        service: The app's service (its ledger and settings).
        parent: The parent widget.
        runner: Where jobs run (``background_runner`` by default; ``inline_runner`` in tests).
        exporter: Where exports run (their own thread by default; ``runner`` when
            ``runner`` is not the default).
        delay_ms: How long the search waits after the last key before it runs.
        tz: The time zone of periods and charts (None: the system's).
        now: The clock (tests fix it).

    Signals:
        changed: This view changed the ledger (an edit, a deletion, an undo or redo).
        loaded: The rows and totals of the current filter are shown.
        charts_loaded: The charts show the current filter.
    """

    changed = Signal()
    loaded = Signal()
    charts_loaded = Signal()

    def __init__(
        self,
        service: Service,
        parent: QWidget | None = None,
        *,
        runner: Runner = background_runner,
        exporter: Runner | None = None,
        delay_ms: int = 250,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._tz = tz
        self._now = now or (lambda: datetime.now(UTC))
        self._jobs = Jobs(runner, self)
        if exporter is None:
            exporter = export_runner if runner is background_runner else runner
        self._export_runner = exporter
        self._path: Path | None = None
        self._choices = Choices((), (), (), ())
        self._shown_filter: HistoryFilter | None = None
        self._charts_filter: HistoryFilter | None = None
        self._restore: tuple[int, set[int]] | None = None
        self._totals_text = ""
        self._read_error = False
        self.chart: Any = None  # a HistoryChart, once pyqtgraph is imported
        self._charts_started = False

        self.model = HistoryModel(lambda: self.service.ledger, self)
        self.model.load_failed.connect(self._read_failed)
        self.undo_stack = QUndoStack(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(delay_ms)
        self._search_timer.timeout.connect(self.apply_filter)
        self._loading_timer = QTimer(self)
        self._loading_timer.setSingleShot(True)
        self._loading_timer.setInterval(150)
        self._loading_timer.timeout.connect(self._show_loading)
        self._export_timer = QTimer(self)
        self._export_timer.setInterval(250)
        self._export_timer.timeout.connect(self._tick_export)
        self._export_report: Callable[[], None] = lambda: None
        self._exported = 0

        self._build_filter_bar()
        self._build_table()
        self._build_actions()
        self._build_layout()
        self.refresh()

    # -- building ------------------------------------------------------------------------

    def _build_filter_bar(self) -> None:
        self.period = QComboBox()
        for period, label in (
            (Period.ALL, self.tr("All time")),
            (Period.TODAY, self.tr("Today")),
            (Period.LAST_7_DAYS, self.tr("Last 7 days")),
            (Period.THIS_MONTH, self.tr("This month")),
            (Period.LAST_MONTH, self.tr("Last month")),
            (Period.LAST_30_DAYS, self.tr("Last 30 days")),
            (Period.THIS_YEAR, self.tr("This year")),
            (Period.CUSTOM, self.tr("Custom…")),
        ):
            self.period.addItem(label, period.value)
        now = self.today()
        today = QDate(now.year, now.month, now.day)
        self.first_day = QDateEdit(today.addDays(-30))
        self.last_day = QDateEdit(today)
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setVisible(False)
            edit.dateChanged.connect(self.apply_filter)
        self.provider = QComboBox()
        self.model_box = QComboBox()
        self.plan = QComboBox()
        self.source = QComboBox()
        for box in (self.provider, self.model_box, self.plan, self.source):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_choices(Choices((), (), (), ()))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search notes and prompts"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filter)
        self.period.currentIndexChanged.connect(self._period_changed)
        for box in (self.provider, self.model_box, self.plan, self.source):
            box.currentIndexChanged.connect(self.apply_filter)

    def _build_table(self) -> None:
        table = self.table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.doubleClicked.connect(lambda _: self.edit_selected())
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure a million rows
        rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
        columns = table.horizontalHeader()
        columns.setStretchLastSection(True)
        columns.setHighlightSections(False)
        metrics = table.fontMetrics()
        longest_time = QDateTime(QDate(2026, 12, 31), QTime(23, 59))  # two-digit day and month
        widths = {
            Column.TIME: self.model.locale.toString(longest_time, QLocale.FormatType.ShortFormat),
            Column.PROVIDER: "Alibaba Qwen",
            Column.MODEL: "claude-sonnet-4-6",
            Column.INPUT: "123,456",
            Column.CACHE_READ: "1,234,567",
            Column.CACHE_WRITE: "123,456",
            Column.OUTPUT: "123,456",
            Column.COST: "~$1,234.5678",
            Column.SOURCE: "claude-code",
            Column.PLAN: "Claude Max",
        }
        for column, sample in widths.items():
            header = self.model.headerData(column, Qt.Orientation.Horizontal) or ""
            text = max(sample, str(header), key=metrics.horizontalAdvance)
            columns.resizeSection(column, metrics.horizontalAdvance(text) + 16)

    def _build_actions(self) -> None:
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [
            k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) if k not in redo_keys
        ]
        self.redo_action.setShortcuts(redo_keys)
        self.edit_action = QAction(self.tr("&Edit…"), self)
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.triggered.connect(self.edit_selected)
        self.delete_action = QAction(self.tr("&Delete"), self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.triggered.connect(self.delete_selected)
        self.export_action = QAction(self.tr("E&xport CSV…"), self)
        self.export_action.triggered.connect(self.ask_export)
        find = QAction(self.tr("Search"), self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.triggered.connect(self._focus_search)
        for action in (
            self.undo_action,
            self.redo_action,
            self.edit_action,
            self.delete_action,
            self.export_action,
            find,
        ):
            action.setShortcutContext(scope)
            self.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions([self.edit_action, self.delete_action, self.undo_action])
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.period)
        bar.addWidget(self.first_day)
        bar.addWidget(self.last_day)
        for box in (self.provider, self.model_box, self.plan, self.source):
            bar.addWidget(box)
        bar.addWidget(self.search, 1)
        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.undo_button = QToolButton()
        self.undo_button.setDefaultAction(self.undo_action)
        self.undo_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.edit_button = self._button(self.edit_action)
        self.delete_button = self._button(self.delete_action)
        self.export_button = self._button(self.export_action)
        buttons = QHBoxLayout()
        buttons.addWidget(self.totals, 1)
        for widget in (self.undo_button, self.edit_button, self.delete_button, self.export_button):
            buttons.addWidget(widget)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.message)
        self._chart_box = QWidget()
        self._chart_layout = QVBoxLayout(self._chart_box)
        self._chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_status = QLabel(self.tr("Loading charts…"))
        self.chart_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._chart_layout.addWidget(self.chart_status)
        self._chart_box.setMinimumHeight(self.fontMetrics().height() * 14)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self._chart_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    @staticmethod
    def _button(action: QAction) -> QPushButton:
        """A push button that triggers ``action`` and follows whether it is enabled."""
        button = QPushButton(action.text().replace("&", ""))
        button.setToolTip(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
        button.clicked.connect(action.trigger)
        action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
        button.setEnabled(action.isEnabled())
        return button

    # -- filters -------------------------------------------------------------------------

    def _fill_choices(self, choices: Choices) -> None:
        """Offer ``choices`` in the pickers, keeping what is chosen."""
        self._choices = choices
        for box, every, items in (
            (
                self.provider,
                self.tr("All providers"),
                [(provider_name(p), p) for p in choices.providers],
            ),
            (self.model_box, self.tr("All models"), [(m, m) for m in choices.models]),
            (self.plan, self.tr("All plans"), [(name, pid) for pid, name in choices.plans]),
            (self.source, self.tr("All sources"), [(s, s) for s in choices.sources]),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(every, None)
            for text, value in items:
                box.addItem(text, value)
            if chosen is not None and box.findData(chosen) < 0 and box is not self.plan:
                box.addItem(str(chosen), chosen)  # still chosen, though no entry has it now
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)

    def _period_changed(self) -> None:
        custom = self.period.currentData() == Period.CUSTOM.value
        self.first_day.setVisible(custom)
        self.last_day.setVisible(custom)
        self.apply_filter()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def today(self) -> date:
        """The local date now (in the view's time zone)."""
        now = self._now()
        return (now.astimezone(self._tz) if self._tz else now.astimezone()).date()

    def current_filter(self) -> HistoryFilter:
        """The filter the bar describes."""
        period = Period(self.period.currentData())
        first, last = sorted([_to_date(self.first_day.date()), _to_date(self.last_day.date())])
        since, until = period_bounds(period, self.today(), tz=self._tz, first=first, last=last)
        provider = self.provider.currentData()
        model = self.model_box.currentData()
        source = self.source.currentData()
        return HistoryFilter(
            since=since,
            until=until,
            providers=(provider,) if provider else (),
            models=(model,) if model else (),
            sources=(source,) if source else (),
            plan_id=self.plan.currentData(),
            text=self.search.text().strip() or None,
        )

    # -- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read everything again: choices, rows, totals and charts (the ledger changed)."""
        self._search_timer.stop()
        self._charts_filter = None
        self._load(keep_place=True)

    def apply_filter(self) -> None:
        """Show the entries the filter bar describes."""
        self._search_timer.stop()
        self._load(keep_place=False)

    def _ledger_path(self) -> Path | None:
        try:
            self._path = self.service.ledger.path
        except TokenbudgetError as exc:
            self.show_message(self.tr("The ledger cannot be opened: {why}").format(why=exc), True)
            return None
        return self._path

    def _load(self, *, keep_place: bool) -> None:
        path = self._ledger_path()
        if path is None:
            return
        self._forget_removed_plan()
        flt = self.current_filter()
        if keep_place:
            # Only rows on screen are selected again: no need to read further.
            selected = {e.id for e in self.selected_entries(limit=_ON_SCREEN)}
            self._restore = (self.table.verticalScrollBar().value(), selected)
        else:
            self._restore = None
        self._loading_timer.start()
        self._jobs.submit(
            "rows",
            lambda: load_snapshot(path, flt),
            lambda snap: self._show_snapshot(flt, snap),
            self._read_failed,
        )
        self._load_charts()

    def _forget_removed_plan(self) -> None:
        """Choose every plan again if the chosen one was removed (its id means nothing now)."""
        chosen = self.plan.currentData()
        if chosen is None:
            return
        try:
            exists = any(p.id == chosen for p in self.service.ledger.plans())
        except (TokenbudgetError, sqlite3.Error):
            return  # the load will say what is wrong
        if not exists:
            self.plan.blockSignals(True)
            self.plan.removeItem(self.plan.currentIndex())
            self.plan.setCurrentIndex(0)
            self.plan.blockSignals(False)

    def _show_loading(self) -> None:
        if self._jobs.busy("rows"):
            self._totals_text = self.totals.text()
            self.totals.setText(self.tr("Searching…"))

    def _show_snapshot(self, flt: HistoryFilter, snap: Snapshot) -> None:
        self._loading_timer.stop()
        if self._read_error:
            self._read_error = False
            self.show_message("")
        settings = self.service.settings
        self.model.set_display(
            settings.display_currency, settings.exchange_rates(), dict(snap.choices.plans)
        )
        self.model.set_row_map(snap.row_map)
        self._shown_filter = flt
        if snap.choices != self._choices:
            self._fill_choices(snap.choices)
        self._show_totals(snap.totals)
        if self._restore is not None:
            scroll, selected = self._restore
            self._restore = None
            self.table.doItemsLayout()  # the scroll bar's new range, before moving it
            self.table.verticalScrollBar().setValue(scroll)
            self._select_ids(selected)
        self._selection_changed()
        self.loaded.emit()

    def _select_ids(self, ids: set[int]) -> None:
        """Select the rows of ``ids`` among those on screen (after a reload)."""
        if not ids:
            return
        table = self.table
        first = max(0, table.rowAt(0))
        last = table.rowAt(table.viewport().height() - 1)
        last = self.model.rowCount() - 1 if last < 0 else last
        selection = QItemSelection()
        for row in range(first, min(last + 1, first + _ON_SCREEN)):
            entry = self.model.entry(row)
            if entry is not None and entry.id in ids:
                selection.select(self.model.index(row, 0), self.model.index(row, len(Column) - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        table.selectionModel().select(selection, flags)

    def _show_totals(self, totals: Totals) -> None:
        loc = self.model.locale
        settings = self.service.settings
        if not totals.entries:
            self.totals.setText(self.tr("No entries match."))
            return
        parts = [
            self.tr("%Ln entries", "", totals.entries),
            self.tr("{tokens} tokens").format(tokens=format_int(loc, totals.tokens.total_tokens)),
        ]
        spend = spend_in(totals.cost_micros, settings.exchange_rates(), settings.display_currency)
        if spend.shown is not None:
            parts.append(format_money(loc, spend.shown, 2))
        parts += [
            self.tr("{amount} (no exchange rate)").format(amount=format_money(loc, m, 2))
            for m in spend.apart
        ]
        if totals.unpriced:
            parts.append(self.tr("%Ln unpriced", "", totals.unpriced))
        self.totals.setText(" · ".join(parts))

    def _read_failed(self, why: str) -> None:
        self._loading_timer.stop()
        if self.totals.text() == self.tr("Searching…"):
            self.totals.setText(self._totals_text)
        self._read_error = True
        self.show_message(self.tr("The ledger could not be read: {why}").format(why=why), True)

    def show_message(self, text: str, error: bool = False) -> None:
        """Show ``text`` under the table (in red for an error)."""
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- charts --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Start the charts the first time the view is shown."""
        super().showEvent(event)
        if not self._charts_started:
            self.start_charts()

    def start_charts(self) -> None:
        """Import pyqtgraph off the UI thread, then build and fill the charts."""
        self._charts_started = True
        self._jobs.submit("import", import_charts, self._make_chart, self._charts_failed)

    def _charts_failed(self, why: str) -> None:
        self.chart_status.setText(self.tr("The charts are not available: {why}").format(why=why))

    def _make_chart(self, module: ModuleType) -> None:
        self.chart = module.HistoryChart(self._chart_box)
        self._chart_layout.insertWidget(0, self.chart, 1)
        self.chart_status.setVisible(False)
        self._charts_filter = None
        self._load_charts()

    def _load_charts(self) -> None:
        if self.chart is None or self._path is None:
            return
        flt = replace(self.current_filter(), since=None, until=None, text=None)
        if flt == self._charts_filter:
            return  # the charts ignore the period and the search
        self._charts_filter = flt
        settings = self.service.settings
        path, today, tz = self._path, self.today(), self._tz
        rates, currency = settings.exchange_rates(), settings.display_currency
        self._jobs.submit(
            "charts",
            lambda: load_charts(path, flt, today=today, tz=tz, rates=rates, currency=currency),
            self._show_charts,
            self._read_failed,
        )

    def _show_charts(self, data: ChartData) -> None:
        self.chart.set_series(data.daily, data.monthly, self._charts_note(data.monthly))
        self.chart_status.setVisible(False)
        self.charts_loaded.emit()

    def _charts_note(self, monthly: SpendSeries) -> str:
        loc = self.model.locale
        parts = [
            self.tr("{amount} has no exchange rate to {currency}").format(
                amount=format_money(loc, Money(amount, code), 2), currency=monthly.currency
            )
            for code, amount in monthly.left_out.items()
        ]
        if monthly.unpriced:
            parts.append(self.tr("%Ln unpriced entries", "", monthly.unpriced))
        notes = []
        if parts:
            notes.append(self.tr("Not in the bars: {what}.").format(what="; ".join(parts)))
        if monthly.converted:
            notes.append(self.tr("≈: converted with your exchange rates."))
        notes.append(self.tr("The charts follow the provider, model, plan and source filters."))
        return " ".join(notes)

    # -- selection, edit, delete, undo -------------------------------------------------

    def _selected_rows(self) -> list[int]:
        rows: set[int] = set()
        selection = self.table.selectionModel().selection()
        for i in range(selection.count()):
            span = selection.at(i)
            rows.update(range(span.top(), span.bottom() + 1))
        return sorted(rows)

    def selected_entries(self, limit: int | None = None) -> list[Entry]:
        """The selected entries, in table order (at most ``limit`` rows are looked at)."""
        rows = self._selected_rows()
        if limit is not None:
            rows = rows[:limit]
        entries = [self.model.entry(row) for row in rows]
        return [e for e in entries if e is not None]

    def _selection_changed(self) -> None:
        count = len(self._selected_rows())
        self.edit_action.setEnabled(count == 1)
        self.delete_action.setEnabled(count > 0)

    def edit_selected(self) -> None:
        """Edit the selected entry in a dialog; the change can be undone."""
        chosen = self.selected_entries(limit=2)
        if len(chosen) != 1:
            return
        before = chosen[0]
        try:
            plans = self.service.ledger.plans()
            catalog = self.service.catalog
        except TokenbudgetError as exc:
            self.show_message(str(exc), True)
            return
        dialog = EntryDialog(before, plans=plans, catalog=catalog, parent=self)
        if dialog.exec() != EntryDialog.DialogCode.Accepted:
            return
        after = dialog.edited()
        if after is not None and after != before:
            self.save_edit(before, after)

    def save_edit(self, before: Entry, after: Entry) -> None:
        """Store ``after`` in place of ``before``, as a step that can be undone."""
        try:
            self.service.ledger.update_entry(after)
        except (TokenbudgetError, sqlite3.Error) as exc:
            self.show_message(self.tr("Not saved: {why}").format(why=exc), True)
            return
        command = LedgerCommand(
            self,
            self.tr("Edit entry {id}").format(id=before.id),
            lambda ledger: ledger.update_entry(after),
            lambda ledger: ledger.update_entry(before),
        )
        self.undo_stack.push(command)
        self._after_change(self.tr("Saved entry {id}.").format(id=before.id))

    def delete_selected(self) -> None:
        """Delete the selected entries, as a step that can be undone."""
        rows = self._selected_rows()
        if not rows:
            return
        if len(rows) > MAX_DELETE:
            self.show_message(
                self.tr("Select at most {count} entries to delete at once.").format(
                    count=format_int(self.model.locale, MAX_DELETE)
                ),
                True,
            )
            return
        ids = [e.id for e in self.selected_entries()]
        try:
            removed = self.service.ledger.delete_entries(ids)
        except (TokenbudgetError, sqlite3.Error) as exc:
            self.show_message(self.tr("Not deleted: {why}").format(why=exc), True)
            return
        command = LedgerCommand(
            self,
            self.tr("Delete %n entries", "", len(removed)),
            lambda ledger: ledger.delete_entries(ids),
            lambda ledger: ledger.restore_entries(removed),
        )
        self.undo_stack.push(command)
        keys = self.undo_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self._after_change(
            self.tr("Deleted %n entries. Undo with {keys}.", "", len(removed)).format(keys=keys)
        )

    def apply_change(
        self, command: QUndoCommand, change: Callable[[Ledger], object], *, undoing: bool
    ) -> None:
        """Run an undo or redo step on the ledger; on failure, say why and drop the step."""
        try:
            change(self.service.ledger)
        except (TokenbudgetError, sqlite3.Error) as exc:
            command.setObsolete(True)  # the stack removes it: it cannot be done any more
            failed = (
                self.tr("Could not undo “{what}”: {why}")
                if undoing
                else self.tr("Could not redo “{what}”: {why}")
            )
            self.show_message(failed.format(what=command.text(), why=exc), True)
            self.refresh()
            return
        done = self.tr("Undone: {what}.") if undoing else self.tr("Redone: {what}.")
        self._after_change(done.format(what=command.text()))

    def _after_change(self, message: str) -> None:
        self.show_message(message)
        self.model.reread()
        self.refresh()
        self.changed.emit()

    # -- export --------------------------------------------------------------------------

    def _tick_export(self) -> None:
        self._export_report()  # the running export's, set by export_csv

    def ask_export(self) -> None:
        """Ask where to export the entries shown, then export them."""
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the entries shown"),
            "tokenbudget-history.csv",
            self.tr("CSV files (*.csv)"),
        )
        if name:
            self.export_csv(Path(name))

    def export_csv(self, target: Path) -> None:
        """Export the entries shown (the current filter) to ``target``, off the UI thread."""
        path = self._ledger_path()
        if path is None:
            return
        flt = self._shown_filter or self.current_filter()  # what is shown, not what is typed
        total = self.model.rowCount()
        self._exported = 0
        locale = self.model.locale

        def report() -> None:
            self.show_message(
                self.tr("Exporting to {file}… {done} of {total}").format(
                    file=target,
                    done=format_int(locale, self._exported),
                    total=format_int(locale, total),
                )
            )

        def written(done: int) -> None:  # on the export thread: an int, no Qt
            self._exported = done

        def finished(count: int) -> None:
            self._export_timer.stop()
            self.show_message(
                self.tr("Exported %Ln entries to {file}.", "", count).format(file=target)
            )

        def failed(why: str) -> None:
            self._export_timer.stop()
            self.show_message(self.tr("Not exported: {why}").format(why=why), True)

        report()
        self._export_report = report
        self._export_timer.start()
        self._jobs.submit(
            "export",
            lambda: export_csv_file(path, flt, target, written),
            finished,
            failed,
            runner=self._export_runner,
        )
