"""Live usage sync: watch the coding tools' log folders and import new usage as it is written.

A ``QFileSystemWatcher`` watches every folder below the importers' default roots and the
recently changed log files (a folder does not report appends to a file inside it). Changes
are collected and, after a quiet ``debounce_ms``, imported on a worker thread through
``service.imports.sync``; a slow poll imports everything under the roots as well,
because a watcher misses files written into a folder made after the last look, and it picks
up tool folders that appear later. On start, what was written while the app was closed is
imported.

The import is a job of ``gui.jobs`` (lane ``"sync"``) on a thread of this object's own: the
worker never touches Qt, opens its own ledger connection (SQLite connections belong to one
thread, hence always the same thread) through a ``Service`` of its own, and returns a
``SyncReport``, delivered on the UI thread. Then ``imported`` is emitted with the number of
entries written (only when there were some), and ``reported`` with the whole report; a failed
import becomes a report with its message, so syncing goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from tokenbudget.core.services import Service
from tokenbudget.core.types import SyncReport, WatchRoot, root_of
from tokenbudget.gui.jobs import Jobs, Runner, SerialRunner
from tokenbudget.gui.worker_service import WorkerService

DEBOUNCE_MS = 1000
POLL_MS = 120_000


class LiveSync(QObject):
    """Imports the coding tools' new usage while they write it.

    Args:
        service: The app's facade (its settings, registry and catalogue files are shared; the
            worker opens its own ledger connection to the same file).
        roots: Where to look, asked again at every poll (None: ``service.imports.watch_roots``).
        debounce_ms: Quiet time after a change before importing.
        poll_ms: Interval of the full import that catches what the watcher missed.
        runner: Runs a job (None: a worker thread of this object's own).
        now: Clock.
    """

    imported = Signal(int)
    reported = Signal(object)

    def __init__(
        self,
        service: Service,
        *,
        roots: Callable[[], list[WatchRoot]] | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        poll_ms: int = POLL_MS,
        runner: Runner | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._find_roots = roots or service.imports.watch_roots
        self._roots: list[WatchRoot] = []
        # Its own thread unless told otherwise: the worker's ledger connection lives on it.
        thread = SerialRunner("tokenbudget-sync")
        self._jobs = Jobs(runner or thread)
        self._now = now
        self._worker = WorkerService(service, thread if runner is None else None)
        self._pending: set[Path] = set()
        self._running = False
        self.last_report: SyncReport | None = None

        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._directory_changed)
        self._watcher.fileChanged.connect(self._file_changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._flush)
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.sync_all)

    @property
    def running(self) -> bool:
        """Whether it watches."""
        return self._running

    @property
    def roots(self) -> list[WatchRoot]:
        """The folders watched now."""
        return list(self._roots)

    def watched(self) -> list[str]:
        """Every folder and file the watcher holds (tests, diagnostics)."""
        return self._watcher.directories() + self._watcher.files()

    # -- start and stop ----------------------------------------------------------------

    def start(self) -> None:
        """Watch the roots and import what is new since the last run."""
        if self._running:
            return
        self._running = True
        self._poll.start()
        self.sync_all()

    def stop(self) -> None:
        """Stop watching; an import under way finishes (it is one transaction) first."""
        self._running = False
        self._debounce.stop()
        self._poll.stop()
        paths = self.watched()
        if paths:
            self._watcher.removePaths(paths)
        self._pending.clear()
        self._worker.close()  # on its own thread (where it was opened), after the import

    # -- changes -----------------------------------------------------------------------

    def sync_all(self) -> None:
        """Look for the roots again and import everything new under all of them.

        A root gone since the last look (a tool whose live sync was switched off, say) is no
        longer watched.
        """
        if not self._running:
            return
        self._roots = self._find_roots()
        self._unwatch_outside(self._roots)
        self._watch(self._roots)
        self._pending.update(root.path for root in self._roots)
        self._flush()

    def _watch(self, roots: Sequence[WatchRoot]) -> None:
        dirs, files = self._service.imports.watch_targets(roots, self._now())
        held = set(self.watched())
        new = [str(p) for p in (*dirs, *files) if str(p) not in held]
        if new:
            self._watcher.addPaths(new)

    def _unwatch_outside(self, roots: Sequence[WatchRoot]) -> None:
        gone = [p for p in self.watched() if root_of(Path(p), roots) is None]
        if gone:
            self._watcher.removePaths(gone)
        self._pending = {p for p in self._pending if root_of(p, roots) is not None}

    def _directory_changed(self, path: str) -> None:
        folder = Path(path)
        if folder.is_dir():
            root = root_of(folder, self._roots)
            if root is not None:
                self._watch([WatchRoot(root.importer, folder)])
        self._changed(folder)

    def _file_changed(self, path: str) -> None:
        file = Path(path)
        # A file replaced by a rename (Gemini rewrites its chats whole) drops its watch.
        if file.is_file() and path not in self._watcher.files():
            root = root_of(file, self._roots)
            if root is not None and self._service.imports.reads(root.importer, file):
                self._watcher.addPath(path)
        self._changed(file)

    def _changed(self, path: Path) -> None:
        if not self._running:
            return
        self._pending.add(path)
        self._debounce.start()

    # -- the worker --------------------------------------------------------------------

    def _flush(self) -> None:
        if self._jobs.busy("sync") or not self._pending or not self._running:
            return
        changed, self._pending = sorted(self._pending), set()
        roots = list(self._roots)
        now = self._now()
        service = self._worker.get()

        def failed(why: str) -> None:
            self._deliver(SyncReport(errors=(why,)))  # already in the interface's language

        self._jobs.submit(
            "sync",
            lambda: service.imports.sync(changed, roots, now=now),
            self._deliver,
            failed,
        )

    def _deliver(self, report: SyncReport) -> None:
        if not self._running:
            return  # stopped meanwhile: an import that finished after ``stop`` is not reported
        self.last_report = report
        self.reported.emit(report)
        if report.records:
            self.imported.emit(report.records)
        if self._pending and self._running:
            self._debounce.start()
