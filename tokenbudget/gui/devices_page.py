"""The settings dialog's Devices page: one total across the user's machines.

Choosing a folder that the user's sync engine keeps in step (Syncthing, Dropbox, OneDrive,
iCloud Drive, Nextcloud) starts sharing at once; naming this device, stopping and syncing
are also done at once, on the ``DeviceSyncer``'s worker. Whether prompt text is shared is a
setting, saved with the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.gui.device_sync import DevicesState, DeviceSyncer, read_state
from tokenbudget.gui.formatting import format_datetime, format_int, render, sentences
from tokenbudget.gui.jobs import Task
from tokenbudget.gui.palette import Tone, tint

if TYPE_CHECKING:
    from PySide6.QtCore import QTime

    from tokenbudget.core.services import Service
    from tokenbudget.core.types import DeviceSyncReport

#: Picks a folder (tests replace it): ``(parent, title, start) -> path or ""``.
FolderPicker = Callable[[QWidget, str, str], str]
#: What a button does, on the worker, given where to report progress: a sync's report, or None.
Action = Callable[["Service", Callable[[int, int], None]], "DeviceSyncReport | None"]
#: Below this many bytes to take in, a sync is quick: no progress bar flashes up.
SHOW_PROGRESS_FROM = 2_000_000


def pick_folder(parent: QWidget, title: str, start: str) -> str:
    """The desktop's folder chooser."""
    return QFileDialog.getExistingDirectory(parent, title, start)


class DevicesPage(QWidget):
    """This device's name, the sync folder, the devices that write there, and Sync now."""

    def __init__(
        self,
        syncer: DeviceSyncer,
        *,
        share_prompts: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.syncer = syncer
        self._jobs = syncer.jobs(self)
        self.picker: FolderPicker = pick_folder
        self.state: DevicesState | None = None
        intro = QLabel(
            self.tr(
                "Count the spend of all your computers in one total. Choose a folder that "
                "Syncthing, Dropbox, OneDrive, iCloud Drive or Nextcloud already keeps in step "
                "on each of them: every device writes its own files there and reads the "
                "others'. Nothing goes to a server of ours."
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.name.setPlaceholderText(self.tr("What your other devices call this one"))
        self.name.editingFinished.connect(self._rename)
        form = QFormLayout()
        form.addRow(self.tr("This &device"), self.name)
        form.addRow(self.tr("Sync folder"), self._folder_row())
        form.addRow(self.tr("Prompt text"), self._prompt_box(share_prompts))
        self.table = self._devices_table()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.sync_now = QPushButton(self.tr("&Sync now"))
        self.sync_now.clicked.connect(self._sync)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setVisible(False)
        self.bar.setAccessibleName(self.tr("Reading the other devices' history"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.bar)
        bottom.addWidget(self.sync_now, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        syncer.synced.connect(self._synced)
        self._set_busy(True)
        self._submit(None)

    def _folder_row(self) -> QHBoxLayout:
        self.folder = QLabel(self.tr("Not shared"))
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder.setWordWrap(True)
        self.choose = QPushButton(self.tr("&Choose folder…"))
        self.choose.clicked.connect(self._choose)
        self.stop = QPushButton(self.tr("S&top sharing"))
        self.stop.clicked.connect(self._stop)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        folder_row.addWidget(self.stop)
        return folder_row

    def _prompt_box(self, share_prompts: bool) -> QCheckBox:
        self.share_prompts = QCheckBox(self.tr("Share recorded prompt text with my other devices"))
        self.share_prompts.setChecked(share_prompts)
        self.share_prompts.setToolTip(
            self.tr(
                "Off: the prompt previews stay on the device that recorded them; the "
                "other devices get the entries without them."
            )
        )
        return self.share_prompts

    def _devices_table(self) -> QTreeWidget:
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setHeaderLabels([self.tr("Device"), self.tr("Last write"), self.tr("Entries")])
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.headerItem().setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
        return self.table

    # -- actions (each on the worker, then the state is read again) ----------------------

    def _submit(self, action: Action | None, *, busy_text: str = "") -> None:
        """Run ``action(worker)`` (None: nothing), then read the state; show both."""
        syncer = self.syncer

        def work(task: Task[tuple[int, int]]) -> tuple[DeviceSyncReport | None, DevicesState]:
            worker = syncer.worker()
            report = (
                action(worker, lambda done, total: task.report((done, total))) if action else None
            )
            return report, read_state(worker)

        self._set_busy(True, busy_text)
        self._jobs.submit_task("devices", work, self._done, self._failed, progress=self._progress)

    def _choose(self) -> None:
        start = str(self.state.folder) if self.state and self.state.folder else str(Path.home())
        chosen = self.picker(self, self.tr("Choose the folder to share through"), start)
        if not chosen:
            return
        name = self.name.text()
        self._submit(
            lambda w, progress: w.devices.use(Path(chosen), name or None, progress),
            busy_text=self.tr(
                "Writing this device's history to the folder and reading the others'…"
            ),
        )

    def _stop(self) -> None:
        def stop(worker: Service, _: Callable[[int, int], None]) -> None:
            worker.devices.stop()

        self._submit(stop)

    def _rename(self) -> None:
        name = " ".join(self.name.text().split())
        if self.state is None or not name or name == self.state.name:
            if self.state is not None and not name:
                self.name.setText(self.state.name)
            return

        def rename(
            worker: Service, _progress: Callable[[int, int], None]
        ) -> DeviceSyncReport | None:
            worker.devices.rename(name)  # the other devices get the new name at once
            return worker.devices.sync() if worker.devices.folder() is not None else None

        self._submit(rename)

    def _sync(self) -> None:
        self._submit(lambda w, progress: w.devices.sync(progress), busy_text=self.tr("Syncing…"))

    # -- results ----------------------------------------------------------------------------

    def _done(self, result: tuple[DeviceSyncReport | None, DevicesState]) -> None:
        report, state = result
        self._show(state)
        self._set_busy(False)
        if report is not None:
            self.syncer.report(report)  # the window and the tray take the new totals in
        if self.syncer.last is not None and state.folder is not None:
            self._show_report(self.syncer.last, self.syncer.last_at)
        else:
            self._show_idle(state)

    def _progress(self, value: tuple[int, int]) -> None:
        """Bytes of the other devices' history taken in so far, of all there are."""
        done, total = value
        if total < SHOW_PROGRESS_FROM:
            return
        self.bar.setVisible(True)
        self.bar.setValue(round(1000 * done / total))

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.status.setText(message)
        tint(self.status, Tone.ERROR)

    def _synced(self, report: DeviceSyncReport) -> None:
        """A background sync ran: show it and the devices it knows of now."""
        if not self._jobs.busy():
            self._submit(None)

    def _show(self, state: DevicesState) -> None:
        self.state = state
        if not self.name.hasFocus():
            self.name.setText(state.name)
        shared = state.folder is not None
        self.folder.setText(_shown(state.folder) if state.folder else self.tr("Not shared"))
        self.folder.setToolTip(str(state.folder) if state.folder else "")
        self.folder.setEnabled(shared)
        self.choose.setText(self.tr("&Change folder…") if shared else self.tr("&Choose folder…"))
        self.table.clear()
        locale = QLocale()
        for device in state.devices:
            name = device.name
            if device.this_device:
                name = self.tr("{name} (this device)").format(name=name)
            item = QTreeWidgetItem(
                [
                    name,
                    format_datetime(locale, device.last_write),
                    format_int(locale, device.entries),
                ]
            )
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, self.tr("Device id {id}").format(id=device.id))
            self.table.addTopLevelItem(item)
        if not any(d.this_device for d in state.devices):  # nothing written from here yet
            item = QTreeWidgetItem([self.tr("{name} (this device)").format(name=state.name)])
            item.setToolTip(0, self.tr("Device id {id}").format(id=state.device_id))
            self.table.insertTopLevelItem(0, item)

    def _show_idle(self, state: DevicesState) -> None:
        tint(self.status, Tone.NORMAL)
        if state.folder is None:
            self.status.setText(
                self.tr("Only this device is counted. Choose a folder to share with others.")
            )
        else:
            self.status.setText(self.tr("Shared. The app syncs every minute while it runs."))

    def _show_report(self, report: DeviceSyncReport, when: QTime) -> None:
        others = max(0, len(self.state.devices) - 1) if self.state else 0
        at = QLocale().toString(when, QLocale.FormatType.ShortFormat)
        parts = [
            self.tr("Synced at {time}.").format(time=at),
            self.tr("%n other devices share this folder.", "", others),
            self.tr("%n new records taken in.", "", report.new_records)
            if report.new_records
            else self.tr("Nothing new from them."),
        ]
        if report.written:
            parts.append(self.tr("%n records written.", "", report.written))
        if report.pending_bytes:
            parts.append(
                self.tr("Some files are still arriving; the rest is read when it arrives.")
            )
        if report.renewed_from:
            parts.append(
                self.tr(
                    "This device found a copy of itself writing under its id and took a new one."
                )
            )
        problems = [render(p) for p in report.problems]
        tint(self.status, Tone.ERROR if problems else Tone.NORMAL)
        self.status.setText(sentences(parts + problems))

    def _set_busy(self, busy: bool, text: str = "") -> None:
        if not busy:
            self.bar.setVisible(False)
            self.bar.setValue(0)
        for widget in (self.choose, self.name):
            widget.setEnabled(not busy)
        shared = self.state is not None and self.state.folder is not None
        self.stop.setEnabled(not busy and shared)
        self.sync_now.setEnabled(not busy and shared)
        if busy and text:
            tint(self.status, Tone.NORMAL)
            self.status.setText(text)

    def values(self) -> bool:
        """Whether prompt text is shared (saved with the dialog)."""
        return self.share_prompts.isChecked()


def _shown(folder: Path) -> str:
    """``folder`` as people write it: ``~/Sync`` under the home folder."""
    try:
        return str(Path("~") / folder.relative_to(Path.home()))
    except ValueError:
        return str(folder)
