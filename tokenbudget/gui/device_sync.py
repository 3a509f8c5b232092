"""The app's side of sharing with the user's other devices: syncing in the background.

Every sync, and every action of Settings → Devices, runs on one worker thread
(``tokenbudget-devices``) with a ``Service`` of its own, in order: the UI thread never waits on
the sync folder (a network drive, an unplugged disk) or on the first read of years of other
devices' history. The app syncs once its window has painted, a few seconds after each change
made here (an entry recorded, imported, edited; a plan changed), and every minute to take in
what the other devices wrote. Nothing runs while no folder is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTime, QTimer, Signal

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.gui.jobs import Jobs, Runner, SerialRunner, serial_runner
from tokenbudget.gui.worker_service import WorkerService

if TYPE_CHECKING:
    from tokenbudget.core.services import Service
    from tokenbudget.core.types import DeviceInfo, DeviceSyncReport

#: How often the app takes in what the other devices wrote (ms).
SYNC_INTERVAL_MS = 60_000
#: How long after a change made here the app writes it out (ms): a burst of imports is one sync.
AFTER_CHANGE_MS = 3_000
#: How long quitting waits for a sync under way (seconds).
QUIT_WAIT_S = 5.0


@dataclass(frozen=True)
class DevicesState:
    """What Settings → Devices shows (read on the worker)."""

    folder: Path | None
    device_id: str
    name: str
    devices: tuple[DeviceInfo, ...]


def read_state(worker: Service) -> DevicesState:
    """This device, its folder and every device that has written there."""
    devices = worker.devices
    return DevicesState(
        folder=devices.folder(),
        device_id=devices.this_id,
        name=devices.this_name,
        devices=tuple(devices.devices()),
    )


class DeviceSyncer(QObject):
    """Syncs in the background and runs the Devices page's work on the same worker.

    Args:
        service: The app's facade (the worker gets a ``Service`` of its own).
        runner: Where the work runs (None: the ``tokenbudget-devices`` thread; tests pass
            ``inline_runner``).
        interval_ms: How often to sync while the app runs.
        after_change_ms: How long after a change made here to sync (None:
            ``AFTER_CHANGE_MS``).

    Signals:
        synced(object): A sync ran (its ``DeviceSyncReport``), in the background or asked for.
        failed(str): A background sync failed (the message, in the interface's language).
    """

    synced = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        service: Service,
        *,
        runner: Runner | None = None,
        interval_ms: int = SYNC_INTERVAL_MS,
        after_change_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        thread: SerialRunner | None = None
        if runner is None:
            runner = thread = serial_runner("tokenbudget-devices")
        self.runner: Runner = runner
        self._worker = WorkerService(service, thread)
        self._jobs = Jobs(runner, owner=self)
        self._started = False
        self._every = QTimer(self)
        self._every.setInterval(interval_ms)
        self._every.timeout.connect(lambda: self.request(0))
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._after_change = AFTER_CHANGE_MS if after_change_ms is None else after_change_ms
        self._soon.setInterval(self._after_change)
        self._soon.timeout.connect(self._sync_in_background)
        #: The last sync's report (None until one ran), and when it came back.
        self.last: DeviceSyncReport | None = None
        self.last_at = QTime()

    def worker(self) -> Service:
        """The worker's service: only for work that ``runner`` runs."""
        return self._worker.get()

    def jobs(self, owner: QObject) -> Jobs:
        """A ``Jobs`` whose work runs on this worker, delivering to ``owner`` while it lives."""
        return Jobs(self.runner, owner=owner)

    # -- the background -----------------------------------------------------------------

    def start(self) -> None:
        """Sync now (if a folder is set) and from now on every ``interval_ms``."""
        self._started = True
        self._every.start()
        self.request(0)

    def request(self, delay_ms: int | None = None) -> None:
        """Sync after ``delay_ms`` (None: ``after_change_ms``); a change here calls this."""
        if not self._started:
            return
        if delay_ms is not None:
            self._soon.setInterval(delay_ms)
        elif self._soon.isActive():
            return  # a burst of changes: one sync, after the first
        else:
            self._soon.setInterval(self._after_change)
        self._soon.start()

    def _sync_in_background(self) -> None:
        try:
            shared = self._service.devices.folder() is not None
        except TokenbudgetError:  # the ledger is unreadable: the window already says so
            return
        if not shared:
            return
        self._jobs.submit(
            "sync",
            self._sync_on_worker,
            self.report,
            self.failed.emit,
            skip_stale=True,
        )

    def _sync_on_worker(self) -> DeviceSyncReport:
        return self.worker().devices.sync()

    def report(self, report: DeviceSyncReport) -> None:
        """A sync ran (here or on the Devices page): say so."""
        self.last = report
        self.last_at = QTime.currentTime()
        self.synced.emit(report)

    def close(self) -> None:
        """Stop syncing and close the worker's service.

        Quitting waits a few seconds at most for a sync under way (a first read of years of
        history takes minutes). One cut short loses nothing: each journal file is taken in
        by a transaction of its own, and a file whose read position was not saved is read
        again and its records found already held.
        """
        self._started = False
        self._every.stop()
        self._soon.stop()
        self._jobs.close()
        self._worker.close(timeout=QUIT_WAIT_S)


def changed_anything(report: DeviceSyncReport) -> bool:
    """Whether a sync changed what this device's totals are made of."""
    return bool(report.new_records or report.entries_changed or report.renewed_from)
