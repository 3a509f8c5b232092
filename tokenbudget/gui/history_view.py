"""The history view: the ledger's entries, filtered, with totals, charts, edits, undo, export.

A filter bar (``HistoryFilterBar``) sits over the table of entries (``HistoryModel``, lazy: a
million rows open as fast as a hundred), the totals of what is shown, the buttons, and the
charts (``HistoryChart``) beside the spend per project (``history_projects``). Edits,
deletions and undo are in ``history_edits``; the CSV export is in ``history_export``.

Off the UI thread, as jobs of ``gui.jobs`` (the latest of each lane wins): applying a filter
(its row map, whose cost grows with the matches of a search, and its totals), the spend per
project, the charts' sums, CSV export and the import of the charts module. Each job is a pure
function of immutable input that opens its own connection to the ledger (SQLite connections
belong to one thread). Pages of rows are read on the UI thread, a couple of milliseconds each.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import HistoryJobs, Service
from tokenbudget.core.types import HistoryFilter, Plan, Snapshot, Totals, spend_in
from tokenbudget.gui.formatting import error_text, format_int, format_money
from tokenbudget.gui.history_charts_panel import ChartsMixin
from tokenbudget.gui.history_edits import MAX_DELETE, EditsMixin, LedgerCommand
from tokenbudget.gui.history_empty import EmptyLedgerPage, NoMatchPage
from tokenbudget.gui.history_export import ExportMixin
from tokenbudget.gui.history_filters import HistoryFilterBar
from tokenbudget.gui.history_model import Column, HistoryModel
from tokenbudget.gui.history_projects import ProjectBreakdown, ProjectsMixin
from tokenbudget.gui.history_table import fit_numeric_columns, history_table
from tokenbudget.gui.jobs import Jobs, Runner, inline_runner, serial_runner
from tokenbudget.gui.palette import Tone, tint

__all__ = ["MAX_DELETE", "HistoryView", "LedgerCommand", "inline_runner"]

#: More rows than a screen holds, to select again after a reload.
_ON_SCREEN = 200

#: Errors of a job that are the user's news (the ledger, the disk, a missing optional package).
_EXPECTED = (TokenbudgetError, OSError, ImportError)


def background_runner(task: Callable[[], None]) -> None:
    """Run ``task`` on the history view's worker thread (reads: rows, totals, charts)."""
    # A short switch interval: the UI thread gets the GIL back within 0.2 ms, so a long
    # search never stalls a repaint.
    sys.setswitchinterval(min(sys.getswitchinterval(), 0.0002))
    serial_runner("tokenbudget-history")(task)


def export_runner(task: Callable[[], None]) -> None:
    """Run ``task`` on the export thread, so a long export holds up no filter."""
    serial_runner("tokenbudget-export")(task)


class HistoryView(EditsMixin, ExportMixin, ChartsMixin, ProjectsMixin, QWidget):
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
        projects_loaded: The spend per project shows the current filter.
        sources_requested: The user asked to import the coding tools' usage (the empty
            ledger's button); the shell opens the Sources window.
    """

    changed = Signal()
    loaded = Signal()
    charts_loaded = Signal()
    projects_loaded = Signal()
    sources_requested = Signal()

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
        self._jobs = Jobs(runner, owner=self, expected=_EXPECTED)
        if exporter is None:
            exporter = export_runner if runner is background_runner else runner
        self._export_runner = exporter
        self._history: HistoryJobs | None = None
        self._shown_filter: HistoryFilter | None = None
        self._charts_filter: HistoryFilter | None = None
        self._restore: tuple[int, set[int]] | None = None
        self._totals_text = ""
        self._read_error = False
        self.chart: Any = None  # a HistoryChart, once its module is imported
        self._charts_started = False

        self.model = HistoryModel(self.service.entries.page, self)
        self.model.load_failed.connect(self._read_failed)
        self.undo_stack = QUndoStack(self)
        self._loading_timer = QTimer(self)
        self._loading_timer.setSingleShot(True)
        self._loading_timer.setInterval(150)
        self._loading_timer.timeout.connect(self._show_loading)

        self.filter_bar = HistoryFilterBar(self._now, tz, delay_ms=delay_ms)
        self.filter_bar.changed.connect(self.apply_filter)
        bar = self.filter_bar
        self.period, self.first_day, self.last_day = bar.period, bar.first_day, bar.last_day
        self.provider, self.model_box = bar.provider, bar.model_box
        self.plan, self.source, self.search = bar.plan, bar.source, bar.search
        self.project, self.device = bar.project, bar.device
        self.breakdown = ProjectBreakdown()
        self.breakdown.chosen.connect(self.filter_bar.choose_project)
        self._build_table()
        self._build_actions()
        self._build_layout()
        self.refresh()

    # -- building ------------------------------------------------------------------------

    def _build_table(self) -> None:
        self.table = history_table(self.model)
        self.table.setColumnHidden(Column.DEVICE, True)  # until another device is known
        self.table.doubleClicked.connect(lambda _: self.edit_selected())

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
        self.add_action = QAction(self.tr("&Add…"), self)
        self.add_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.add_action.setToolTip(self.tr("Add an entry by hand (spend not in any log)"))
        self.add_action.triggered.connect(self.add_entry)
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
            self.add_action,
            self.edit_action,
            self.delete_action,
            self.export_action,
            find,
        ):
            action.setShortcutContext(scope)
            self.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addActions(
            [self.add_action, self.edit_action, self.delete_action, self.undo_action]
        )
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()

    def _buttons_row(self) -> QHBoxLayout:
        """The totals of what is shown, then Undo, Add, Edit, Delete and Export."""
        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.undo_button = QToolButton()
        self.undo_button.setDefaultAction(self.undo_action)
        self.undo_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button = self._button(self.add_action)
        self.add_button.setToolTip(self.add_action.toolTip())
        self.edit_button = self._button(self.edit_action)
        self.delete_button = self._button(self.delete_action)
        self.export_button = self._button(self.export_action)
        buttons = QHBoxLayout()
        buttons.addWidget(self.totals, 1)
        for widget in (
            self.undo_button,
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.export_button,
        ):
            buttons.addWidget(widget)
        return buttons

    def _build_layout(self) -> None:
        buttons = self._buttons_row()
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filter_bar)
        top_layout.addWidget(self._table_or_no_match(), 1)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.message)
        self._chart_box = QWidget()
        self._chart_layout = QVBoxLayout(self._chart_box)
        self._chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_status = QLabel(self.tr("Loading charts…"))
        self.chart_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._chart_layout.addWidget(self.chart_status)
        self._chart_box.setMinimumHeight(self.fontMetrics().height() * 14)
        self.breakdown.setVisible(False)  # until some entry names a project
        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        self.bottom.addWidget(self._chart_box)
        self.bottom.addWidget(self.breakdown)
        self.bottom.setStretchFactor(0, 3)
        self.bottom.setStretchFactor(1, 1)
        self.bottom.setSizes([750, 250])  # in proportion: the charts need the room
        self.bottom.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self._view_or_empty_ledger())

    def _table_or_no_match(self) -> QStackedWidget:
        """The table, or (when the filter hides every entry) a way to clear the filter."""
        self.no_match = NoMatchPage()
        self.no_match.clear_requested.connect(self.filter_bar.clear)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.no_match)
        return self.table_stack

    def _view_or_empty_ledger(self) -> QStackedWidget:
        """Everything, or (when the ledger has no entry) how to get entries into it."""
        self.empty = EmptyLedgerPage()
        self.empty.import_requested.connect(self.sources_requested)
        self.empty.add_requested.connect(self.add_entry)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.splitter)
        self.pages.addWidget(self.empty)
        return self.pages

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

    def _focus_search(self) -> None:
        self.filter_bar.focus_search()

    def today(self) -> date:
        """The local date now (in the view's time zone)."""
        return self.filter_bar.today()

    def current_filter(self) -> HistoryFilter:
        """The filter the bar describes."""
        return self.filter_bar.current_filter()

    # -- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read everything again: choices, rows, totals and charts (the ledger changed)."""
        self.filter_bar.search_timer.stop()
        self._charts_filter = None
        self._load(keep_place=True)

    def apply_filter(self) -> None:
        """Show the entries the filter bar describes."""
        self.filter_bar.search_timer.stop()
        self._load(keep_place=False)

    def _history_jobs(self) -> HistoryJobs | None:
        """The background reads of the ledger, or None (and a message) if it cannot open."""
        try:
            self._history = self.service.entries.jobs()
        except TokenbudgetError as exc:
            self.show_message(
                self.tr("The ledger cannot be opened: {why}").format(why=error_text(exc)), True
            )
            return None
        return self._history

    def _load(self, *, keep_place: bool) -> None:
        jobs = self._history_jobs()
        if jobs is None:
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
            lambda: jobs.snapshot(flt),
            lambda snap: self._show_snapshot(flt, snap),
            self._read_failed,
        )
        self._load_breakdown(jobs, flt)
        self._load_charts()

    def _forget_removed_plan(self) -> None:
        """Choose every plan again if the chosen one was removed (its id means nothing now)."""
        if self.plan.currentData() is None:
            return
        try:
            ids = {p.id for p in self.service.plans.all()}
        except TokenbudgetError:
            return  # the load will say what is wrong
        self.filter_bar.forget_plan(ids.__contains__)

    def _plans(self) -> list[Plan]:
        """Every plan (the Plan column shows those an entry counts toward); [] if unreadable."""
        try:
            return self.service.plans.all()
        except TokenbudgetError:
            return []  # the rows still show; the next load says what is wrong

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
        self.model.set_display(settings.display_currency, settings.exchange_rates(), self._plans())
        self.model.set_row_map(snap.row_map)
        self._shown_filter = flt
        if snap.choices != self.filter_bar.choices:
            self.filter_bar.fill_choices(snap.choices)
            self._show_devices(snap.choices.devices)
        self._show_totals(snap.totals)
        ledger_empty = not snap.choices.sources  # every entry has a source
        self.pages.setCurrentWidget(self.empty if ledger_empty else self.splitter)
        nothing = not ledger_empty and not snap.totals.entries
        self.table_stack.setCurrentWidget(self.no_match if nothing else self.table)
        if self._restore is not None:
            scroll, selected = self._restore
            self._restore = None
            self.table.doItemsLayout()  # the scroll bar's new range, before moving it
            self.table.verticalScrollBar().setValue(scroll)
            self._select_ids(selected)
        self._selection_changed()
        fit_numeric_columns(self.table)
        self.loaded.emit()

    def _show_devices(self, devices: tuple[tuple[str, str], ...]) -> None:
        """Name the devices in the Device column, shown only when another device is known."""
        self.model.set_devices(dict(devices))
        self.table.setColumnHidden(Column.DEVICE, not devices)

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

    def ledger_is_empty(self) -> bool:
        """Whether the view shows the empty ledger's page (no entry at all)."""
        return self.pages.currentWidget() is self.empty

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
        tint(self.message, Tone.ERROR if error else Tone.NORMAL)
        self.message.setText(text)
        self.message.setVisible(bool(text))
