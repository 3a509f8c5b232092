"""The Sources window: every coding tool tokenbudget reads, found or not, and importing them.

The table (``SourcesModel``) shows each tool's logs, its last import, what the ledger holds
from it, and its live-sync switch (saved through ``service.imports.set_live_sync``; then
``live_sync_changed`` lets the shell's live sync look at its folders again). Below it, the
selected tool: where its logs are, an Import button for it alone, and the lines its last import
skipped, as ``file:line: message``.

Reading the records (a scan of the ledger's entries) and importing run as ``gui.jobs`` on one
worker thread of this view's own, with a ``Service`` of its own (SQLite connections belong to
one thread): **Import now** imports every tool found through ``run_all``, with progress; the
button is disabled while it runs, so it never runs beside itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.core.types import ImportReport, Problem, SourceInfo, home_short
from tokenbudget.gui.formatting import error_text, format_int, render
from tokenbudget.gui.jobs import Jobs, Runner, SerialRunner, Task
from tokenbudget.gui.palette import Tone, tint
from tokenbudget.gui.sources_model import Column, SourcesModel, where_text
from tokenbudget.gui.worker_service import WorkerService

#: What ``run_all`` returns: (tool, its report or None when not found).
Results = list[tuple[str, ImportReport | None]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SourcesView(QWidget):
    """The coding tools as a table, with Import now, live-sync switches and skipped lines.

    Args:
        service: The app's facade (its settings are shared with the worker's service).
        parent: The parent widget.
        runner: Where reads and imports run (None: a thread of this view's own; tests pass
            ``inline_runner``).
        now: The clock (the time an import is recorded at).

    Signals:
        imported(int): An import through this view finished; how many entries it wrote.
        live_sync_changed(): A tool's live-sync switch was saved.
        loaded(): The table shows the records just read.
    """

    imported = Signal(int)
    live_sync_changed = Signal()
    loaded = Signal()

    def __init__(
        self,
        service: Service,
        parent: QWidget | None = None,
        *,
        runner: Runner | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._now = now
        # Its own thread unless told otherwise: the worker's ledger connection lives on it.
        thread = None
        if runner is None:
            runner = thread = SerialRunner("tokenbudget-import")
        self._jobs = Jobs(runner, owner=self)
        self._worker = WorkerService(service, thread)
        self._found: list[str] = []
        self.model = SourcesModel(self)
        self.model.live_sync_toggled.connect(self.set_live_sync)
        self._build()
        self.refresh()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel(self.tr("Sources"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        _dim(self.summary)
        self.import_button = QPushButton(self.tr("Import now"))
        self.import_button.setToolTip(
            self.tr(
                "Import what is new in the logs of every tool found (nothing is counted twice)."
            )
        )
        self.import_button.clicked.connect(self.import_all)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.summary, 1)
        header.addWidget(self.import_button)

        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status_row = QHBoxLayout()
        status_row.addWidget(self.progress)
        status_row.addWidget(self.status, 1)

        self.table = self._table()
        self.detail = self._detail_panel()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([380, 240])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addLayout(status_row)
        layout.addWidget(self.splitter, 1)

    def _table(self) -> QTableView:
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Coding tools and their usage logs"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(True)  # the Where column: a folder a line
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        head = self.table.horizontalHeader()
        for column in Column:
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column == Column.WHERE
                else QHeaderView.ResizeMode.ResizeToContents
            )
            head.setSectionResizeMode(column, mode)
        head.setMinimumSectionSize(60)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        return self.table

    def _detail_panel(self) -> QWidget:
        panel = QWidget()
        self.tool_title = QLabel()
        font = QFont(self.tool_title.font())
        font.setBold(True)
        self.tool_title.setFont(font)
        self.tool_where = QLabel()
        self.tool_where.setWordWrap(True)
        self.tool_where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _dim(self.tool_where)
        self.tool_import = QPushButton()
        self.tool_import.clicked.connect(self._import_selected)
        self.problems_title = QLabel()
        self.problems_title.setWordWrap(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        top = QHBoxLayout()
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.tool_title)
        names.addWidget(self.tool_where)
        top.addLayout(names, 1)
        top.addWidget(self.tool_import, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems, 1)
        return panel

    # -- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read every tool's record again (off the UI thread)."""
        worker = self._worker.get()
        self._jobs.submit("sources", worker.imports.sources, self._show_sources, self._failed)

    def _show_sources(self, sources: list[SourceInfo]) -> None:
        chosen = self.selected()
        self.model.set_sources(sources)
        self._found = [s.name for s in sources if s.is_found]
        found = len(self._found)
        if found:
            self.summary.setText(
                self.tr("%n of {total} tools found", "", found).format(total=len(sources))
            )
        else:
            self.summary.setText(self.tr("No coding tool's logs were found on this computer"))
        if self._service.settings.get("live_sync") is False:
            self.summary.setText(
                self.summary.text() + " · " + self.tr("live sync is off in Settings")
            )
        row = self.model.row_of(chosen.name) if chosen is not None else -1
        if row < 0:
            row = next((i for i, s in enumerate(sources) if s.problem_count), -1)
        if row < 0:
            row = next((i for i, s in enumerate(sources) if s.is_found), 0)
        self.select(row)
        self._show_selected()
        self._enable()
        self._fit_table()
        self.loaded.emit()

    def _fit_table(self) -> None:
        """Give the table the height of its rows, and the skipped lines the rest."""
        self.table.resizeRowsToContents()
        rows = self.model.rowCount()
        least = self.table.verticalHeader().defaultSectionSize()
        for row in range(rows):  # the text's height plus some air, never less than a line's
            self.table.setRowHeight(row, max(least, self.table.rowHeight(row) + 8))
        wanted = (
            self.table.horizontalHeader().sizeHint().height()
            + sum(self.table.rowHeight(row) for row in range(rows))
            + 2 * self.table.frameWidth()
            + 2
        )
        total = sum(self.splitter.sizes())
        if rows and total > wanted + 160:
            self.splitter.setSizes([wanted, total - wanted])

    def _failed(self, why: str) -> None:
        self.show_status(self.tr("The sources could not be read: {why}").format(why=why), True)

    # -- the selected tool ---------------------------------------------------------------

    def selected(self) -> SourceInfo | None:
        """The tool of the selected row."""
        return self.model.source(self.table.currentIndex().row())

    def select(self, row: int) -> None:
        """Select the tool on ``row``."""
        if not 0 <= row < self.model.rowCount():
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)

    def _show_selected(self) -> None:
        info = self.selected()
        self.tool_import.setVisible(info is not None)
        if info is None:
            self.tool_title.setText("")
            self.tool_where.setText("")
            self.problems_title.setText("")
            self.problems.setPlainText("")
            return
        self.tool_title.setText(info.label)
        self.tool_where.setText(where_text(info))
        self.tool_import.setText(self.tr("Import {tool}").format(tool=info.label))
        self.problems_title.setText(self._problems_title(info))
        # file:line: message, the home folder as ~ (the full path is in the tool's tooltip).
        self.problems.setPlainText("\n".join(self._problem_line(p) for p in info.problems))
        self.problems.setVisible(bool(info.problems))
        self._enable()

    def _problem_line(self, problem: Problem) -> str:
        """``file:line: reason``, the reason in the interface's language (numbers localised)."""
        where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
        return home_short(f"{where}: {render(problem.message, self.model.locale)}")

    def _problems_title(self, info: SourceInfo) -> str:
        if info.last_import is None:
            return self.tr("Not imported yet.")
        if not info.problem_count:
            return self.tr("Its last import skipped no line.")
        title = self.tr("Lines its last import skipped: %Ln", "", info.problem_count)
        if info.problem_count > len(info.problems):
            title += " " + self.tr("(the first {shown} are listed)").format(
                shown=format_int(self.model.locale, len(info.problems))
            )
        return title

    def problem_lines(self) -> list[str]:
        """The skipped lines listed for the selected tool (``file:line: message``)."""
        return self.problems.toPlainText().splitlines()

    # -- live sync -----------------------------------------------------------------------

    def set_live_sync(self, name: str, on: bool) -> None:
        """Save whether live sync watches the tool ``name``, then show it."""
        try:
            self._service.imports.set_live_sync(name, on)
        except TokenbudgetError as exc:
            self.show_status(self.tr("Not saved: {why}").format(why=error_text(exc)), True)
            return
        self.live_sync_changed.emit()
        self.refresh()

    # -- importing -----------------------------------------------------------------------

    def importing(self) -> bool:
        """Whether an import through this view is running."""
        return self._jobs.busy("import")

    def import_all(self) -> None:
        """Import every tool found (on the worker), showing progress and then a summary."""
        if self.importing():
            return
        found = list(self._found)
        if not found:
            self.show_status(self.tr("No coding tool's logs were found: nothing to import."))
            return
        worker, now = self._worker.get(), self._now()

        def work(task: Task[tuple[str, int, int]]) -> Results:
            return worker.imports.run_all(
                now=now, progress=lambda name, index, count: task.report((name, index, count))
            )

        self._start(len(found))
        self._jobs.submit_task(
            "import", work, self._all_done, self._import_failed, progress=self._progress
        )
        self._enable()

    def _import_selected(self) -> None:
        info = self.selected()
        if info is None or not info.is_found or self.importing():
            return
        worker, now, roots = self._worker.get(), self._now(), list(info.found)
        self._start(1)
        self._progress((info.name, 0, 1))
        name = info.name

        def work() -> Results:
            return [(name, worker.imports.run(name, roots, now=now))]

        self._jobs.submit("import", work, self._all_done, self._import_failed)
        self._enable()

    def _start(self, count: int) -> None:
        self.progress.setRange(0, count)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.show_status(self.tr("Importing…"))
        self._enable()

    def _progress(self, step: tuple[str, int, int]) -> None:
        name, _index, _count = step
        found = self._found or [name]
        position = found.index(name) if name in found else 0
        label = next((s.label for s in self.model.sources() if s.name == name), name)
        self.progress.setRange(0, len(found))
        self.progress.setValue(position)
        self.show_status(
            self.tr("Importing {tool}… {index} of {count}").format(
                tool=label, index=position + 1, count=len(found)
            )
        )

    def _all_done(self, results: Results) -> None:
        reports = [r for _name, r in results if r is not None]
        records = sum(r.records for r in reports)
        skipped = sum(len(r.problems) for r in reports)
        entries = self.tr("%Ln entries", "", records)
        if len(reports) == 1 and len(results) == 1:
            tools = self._label(reports[0].importer)
        else:
            tools = self.tr("%Ln tools", "", len(reports))
        text = self.tr("Imported {entries} from {tools}").format(entries=entries, tools=tools)
        if skipped:
            text += " · " + self.tr("%Ln lines skipped", "", skipped)
        self._stop()
        self.show_status(text)
        self.refresh()
        self.imported.emit(records)

    def _import_failed(self, why: str) -> None:
        self._stop()
        self.show_status(self.tr("The import failed: {why}").format(why=why), True)
        self.refresh()  # what was imported before the failure is stored

    def _stop(self) -> None:
        self.progress.setVisible(False)
        self._enable()

    def _label(self, name: str) -> str:
        return next((s.label for s in self.model.sources() if s.name == name), name)

    def _enable(self) -> None:
        busy = self.importing()
        self.import_button.setEnabled(not busy and bool(self._found))
        info = self.selected()
        self.tool_import.setEnabled(not busy and info is not None and info.is_found)
        if info is not None and not info.is_found:
            self.tool_import.setToolTip(self.tr("Its logs were not found on this computer."))
        else:
            self.tool_import.setToolTip("")

    def show_status(self, text: str, error: bool = False) -> None:
        """Show ``text`` under the header (in red for an error)."""
        tint(self.status, Tone.ERROR if error else Tone.NORMAL)
        self.status.setText(text)

    # -- closing -------------------------------------------------------------------------

    def close_worker(self) -> None:
        """Stop the worker and close its ledger connection (the app is quitting)."""
        self._jobs.close()
        self._worker.close()


def _dim(label: QLabel) -> None:
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)
