"""Every device, one total: the sync engine between the local ledger and a synced folder.

``DeviceSync`` writes this device's changes to its own journal in the folder and takes in
what the other devices wrote there (``core.sync`` has the file format and the merge rules;
``core.ledger.sync_side`` the ledger's side). The local ledger stays the source of truth for
this device: losing the folder loses nothing here, and pointing at a new folder writes this
device's whole history into it again.

A sync reads only what is new: each journal file's read position is kept, and a file whose
size and modification time have not changed is not opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tokenbudget.core import message_texts as mt
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.ledger import Ledger
from tokenbudget.core.ledger.sync_records import FileRead
from tokenbudget.core.messages import message as msg
from tokenbudget.core.sync import device as identity_file
from tokenbudget.core.sync.device import DeviceIdentity
from tokenbudget.core.sync.journal import (
    ROOT,
    Cursor,
    FileKind,
    JournalWriter,
    Record,
    classify,
    device_dirs,
    read_from,
)

#: ``progress(done, total)``: bytes of new journal lines taken in so far, of all there are to
#: take in this sync (the other devices', and this one's own, read to check they are its own);
#: called after each journal file, on the thread that syncs.
Progress = Callable[[int, int], None]


@dataclass
class DeviceSyncReport:
    """What one sync did (for a status line, ``devices sync`` and the Devices page).

    Attributes:
        folder: The sync folder.
        device: This device's id.
        written: Records this device appended to its journal.
        files_read: Journal files opened (unchanged ones are not).
        new_records: Records of other devices taken in for the first time.
        entries_changed: Entries whose state was settled again.
        skipped_lines: Lines that were not sound records (damaged, or another device's).
        pending_bytes: Bytes of records still arriving (half-synced files).
        clashes: Records numbered like one held, with other content.
        renewed_from: The id this device had, if it found a clone of itself and took a new one.
        problems: Files that could not be read or written, with why.
    """

    folder: Path
    device: str
    written: int = 0
    files_read: int = 0
    new_records: int = 0
    entries_changed: int = 0
    skipped_lines: int = 0
    pending_bytes: int = 0
    clashes: int = 0
    renewed_from: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeviceInfo:
    """One device that has written to the folder."""

    id: str
    name: str
    this_device: bool
    last_write: datetime
    records: int
    entries: int


class DeviceSync:
    """The sync engine for one ledger (see the module docstring)."""

    def __init__(
        self,
        ledger: Ledger,
        identity_path: Path,
        *,
        share_prompts: bool = False,
        fingerprint: str | None = None,
    ) -> None:
        self._ledger = ledger
        self._side = ledger.sync_side()
        self._identity_path = identity_path
        self.share_prompts = share_prompts
        self.identity, _ = identity_file.load_or_create(identity_path, fingerprint)
        self._adopt(self.identity)

    def _current(self) -> DeviceIdentity:
        """This device's identity as saved now (another process may have renamed it)."""
        saved = identity_file.read(self._identity_path)
        if (
            saved is not None
            and saved != self.identity
            and saved.fingerprint == self.identity.fingerprint
        ):
            self.identity = saved
            self._adopt(saved)
        return self.identity

    def _adopt(self, identity: DeviceIdentity) -> None:
        """Make the ledger number records for ``identity`` (from 1, if it is new to it)."""
        if self._side.meta("device") != identity.id:
            self._side.set_meta(device=identity.id, number="0", written="0")

    # -- the folder -------------------------------------------------------------------------

    def folder(self) -> Path | None:
        """The sync folder, if one is set."""
        return self._side.folder()

    def use(
        self, folder: Path, name: str | None = None, progress: Progress | None = None
    ) -> DeviceSyncReport:
        """Share through ``folder`` from now on, and sync once.

        The first time, everything in the ledger is exported; pointing at another folder
        writes this device's whole history there again.

        Raises:
            UserInputError: if ``folder`` is not a folder that can be written.
        """
        folder = folder.expanduser().resolve()
        if not folder.is_dir():
            raise UserInputError(msg(mt.DEVICE_NOT_A_FOLDER, path=str(folder)))
        if not os.access(folder, os.W_OK):
            raise UserInputError(msg(mt.DEVICE_FOLDER_READ_ONLY, path=str(folder)))
        if name is not None:
            self.rename(name)
        device = self._current().id
        first = self._side.meta("folder") is None and not self._side.holds_own(device)
        if self.folder() != folder:
            self._side.set_meta(folder=str(folder), written="0")  # write all of it there
            self._side.forget_cursors()
        renewed = self._claim(folder)
        if first or renewed:
            self._export_all()
        else:
            self._side.describe(device, self.identity.name)
        report = self.sync(progress)
        report.renewed_from = report.renewed_from or renewed
        return report

    def _export_all(self) -> None:
        self._side.export_all(self.identity.id, self.identity.name, prompts=self.share_prompts)

    def _claim(self, folder: Path) -> str | None:
        """Whether the journal under this device's id in ``folder`` is this ledger's own.

        Asked before this ledger first writes into ``folder``. It is when every record there
        is one this ledger holds as it is (the folder was used before): writing goes on after
        them. It is not when this ledger does not hold them: it was rebuilt
        (``Ledger.recover``), restored from a backup, or copied with the config folder.
        Appending would number records again under numbers the folder already has, so this
        device takes a new id first.

        Returns:
            The id given up, if a new one was taken.
        """
        if int(self._side.meta("written") or 0):
            return None
        device = self.identity.id
        found: list[Record] = []
        for segment in JournalWriter(folder, device).segments():
            try:
                found += read_from(segment, device, Cursor()).records
            except OSError:
                continue  # unreadable now: the read below reports it
        if not found:
            return None
        if not self._side.holds_differently(found):
            self._side.set_meta(written=str(max(r.number for r in found)))
            return None
        return self._renew()

    def _renew(self) -> str:
        """Take a new id (another machine writes under this one); returns the old one.

        The caller exports this device's history under the new id.
        """
        old = self.identity.id
        self.identity = identity_file.renew(self._identity_path, self.identity)
        self._adopt(self.identity)
        return old

    def stop(self) -> None:
        """Stop sharing (what the folder holds stays there; nothing local changes)."""
        self._side.set_meta(folder=None)

    def rename(self, name: str) -> None:
        """Give this device a new name (shown on every device)."""
        clean = identity_file.clean_name(name)
        if not clean:
            raise UserInputError(msg(mt.DEVICE_NAME_EMPTY))
        held = self._current()
        self.identity = DeviceIdentity(held.id, clean, held.fingerprint, held.cloned_from)
        identity_file.write(self._identity_path, self.identity)
        if self.folder() is not None:
            self._side.describe(self.identity.id, clean)

    # -- syncing ----------------------------------------------------------------------------

    def sync(self, progress: Progress | None = None) -> DeviceSyncReport:
        """Write this device's new records, then take in the other devices' new ones.

        Raises:
            UserInputError: if no folder is set.
        """
        folder = self.folder()
        if folder is None:
            raise UserInputError(msg(mt.DEVICE_NO_FOLDER))
        self._current()
        report = DeviceSyncReport(folder, self.identity.id)
        with _exclusive(self._ledger.path.with_suffix(".sync.lock")):
            if not folder.is_dir():
                # An unplugged drive, a folder moved away: local changes wait in the ledger.
                self._side.take_changes(self.identity.id, prompts=self.share_prompts)
                report.problems.append(msg(mt.DEVICE_FOLDER_MISSING, path=str(folder)))
                return report
            report.renewed_from = self._claim(folder)
            if report.renewed_from:
                self._export_all()  # what was noted under the old id is in it
                report.device = self.identity.id
            else:
                self._side.take_changes(self.identity.id, prompts=self.share_prompts)
            self._write_out(folder, report)
            foreign_own = 0
            # One file at a time, each in its own transaction: a first read of years of other
            # devices' history holds one journal segment in memory, never all of them.
            for records, read in self._read_in(folder, report, progress):
                taken = self._side.take_in(records, self.identity.id, prompts=self.share_prompts)
                report.new_records += taken.new_records
                report.entries_changed += taken.entries_changed
                report.clashes += taken.clashes
                foreign_own += taken.foreign_own
                self._side.save_cursors([read])
            if foreign_own:
                report.renewed_from = self._renew()
                self._export_all()
                report.device = self.identity.id
            self._write_out(folder, report)  # what take_in noted, and a renewed id's first record
        return report

    def _write_out(self, folder: Path, report: DeviceSyncReport) -> None:
        device = self.identity.id
        pending = self._side.unwritten(device)
        if not pending:
            return
        try:
            JournalWriter(folder, device).append(pending)
        except OSError as exc:
            report.problems.append(
                msg(mt.DEVICE_FILE_PROBLEM, path=str(folder / ROOT / device), why=_why(exc))
            )
            return
        self._side.set_meta(written=str(pending[-1].number))
        report.written += len(pending)

    def _read_in(
        self, folder: Path, report: DeviceSyncReport, progress: Progress | None
    ) -> Iterator[tuple[list[Record], FileRead]]:
        """The new records of each journal file that changed, file by file.

        The changed files are found first (a stat each), so ``progress`` can say how many of
        their new bytes are taken in; it is called after each file's transaction.
        """
        changed: list[tuple[str, Path, os.stat_result, Cursor]] = []
        for device, directory in device_dirs(folder):
            for path in sorted(directory.iterdir()):
                if classify(path.name) is FileKind.SKIP:
                    continue
                try:
                    stat = path.stat()
                except OSError as exc:
                    report.problems.append(
                        msg(mt.DEVICE_FILE_PROBLEM, path=str(path), why=_why(exc))
                    )
                    continue
                cursor = self._side.cursor(str(path), stat.st_size, stat.st_mtime_ns)
                if cursor is not None:
                    changed.append((device, path, stat, cursor))
        total = sum(max(0, stat.st_size - cursor.offset) for _, _, stat, cursor in changed)
        done = 0
        for device, path, stat, cursor in changed:
            try:
                chunk = read_from(path, device, cursor)
            except OSError as exc:
                report.problems.append(msg(mt.DEVICE_FILE_PROBLEM, path=str(path), why=_why(exc)))
                continue
            report.files_read += 1
            report.skipped_lines += chunk.skipped
            report.pending_bytes += chunk.pending
            yield (
                chunk.records,
                FileRead(str(path), device, chunk.cursor, stat.st_size, stat.st_mtime_ns),
            )
            done += max(0, stat.st_size - cursor.offset)
            if progress is not None:
                progress(min(done, total), total)

    # -- what is known ------------------------------------------------------------------------

    def devices(self) -> list[DeviceInfo]:
        """Every device that has written to the folder (this one first)."""
        me = self._current().id
        entries = self._side.entries_by_device(me)
        found = []
        for summary in self._side.devices():
            mine = summary.device == me
            found.append(
                DeviceInfo(
                    id=summary.device,
                    name=self.identity.name if mine else summary.name or summary.device,
                    this_device=mine,
                    last_write=datetime.fromtimestamp(summary.last_stamp.wall_ms / 1000, UTC),
                    records=summary.records,
                    entries=entries.get(summary.device, 0),
                )
            )
        found.sort(key=lambda d: (not d.this_device, d.name.casefold(), d.id))
        return found


def _why(error: OSError) -> str:
    return error.strerror or str(error)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (one sync at a time on this machine)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: the ledger's transactions suffice
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
