"""The history view's CSV export: the entries shown, written off the UI thread.

The export is a job of the view's ``Jobs`` (lane ``"export"``) on a runner of its own, so a
long export holds up no filter; it reports the rows written as progress, and the message
under the table follows it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from tokenbudget.core.services import HistoryJobs
from tokenbudget.core.types import HistoryFilter
from tokenbudget.gui.formatting import format_int
from tokenbudget.gui.history_model import HistoryModel
from tokenbudget.gui.jobs import Jobs, Runner, Task


class ExportMixin:
    """Export for ``HistoryView`` (a ``QWidget`` with the attributes declared here)."""

    model: HistoryModel
    _jobs: Jobs
    _export_runner: Runner
    _shown_filter: HistoryFilter | None

    def show_message(self, text: str, error: bool = False) -> None:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def _history_jobs(self) -> HistoryJobs | None:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def current_filter(self) -> HistoryFilter:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def _tr_export(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        assert isinstance(self, QObject)
        return self.tr(text, disambiguation, n)

    @property
    def exporting(self) -> bool:
        """Whether an export is running."""
        return self._jobs.busy("export")

    def ask_export(self) -> None:
        """Ask where to export the entries shown, then export them."""
        assert isinstance(self, QWidget)
        name, _ = QFileDialog.getSaveFileName(
            self,
            self._tr_export("Export the entries shown"),
            "tokenbudget-history.csv",
            self._tr_export("CSV files (*.csv)"),
        )
        if name:
            self.export_csv(Path(name))

    def export_csv(self, target: Path) -> None:
        """Export the entries shown (the current filter) to ``target``, off the UI thread."""
        jobs = self._history_jobs()
        if jobs is None:
            return
        flt = self._shown_filter or self.current_filter()  # what is shown, not what is typed
        total = self.model.rowCount()
        locale = self.model.locale

        def report(done: int) -> None:
            self.show_message(
                self._tr_export("Exporting to {file}… {done} of {total}").format(
                    file=target, done=format_int(locale, done), total=format_int(locale, total)
                )
            )

        def finished(count: int) -> None:
            self.show_message(
                self._tr_export("Exported %Ln entries to {file}.", "", count).format(file=target)
            )

        def failed(why: str) -> None:
            self.show_message(self._tr_export("Not exported: {why}").format(why=why), True)

        def work(task: Task[int]) -> int:  # on the export thread: plain data, no Qt
            return jobs.export_csv(flt, target, task.report)

        report(0)
        self._jobs.submit_task(
            "export", work, finished, failed, progress=report, runner=self._export_runner
        )
