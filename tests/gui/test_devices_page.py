"""Settings → Devices and the app's background sync, against a second device on a real folder.

The other device is the core's sync engine on a ledger of its own (as another machine's
tokenbudget would be); this device is the window's service. Work runs inline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTime, QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tokenbudget.core.devices import DeviceSync
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import Ledger
from tokenbudget.core.services import Service
from tokenbudget.core.types import HistoryFilter
from tokenbudget.gui import device_sync, translation
from tokenbudget.gui.device_sync import DeviceSyncer
from tokenbudget.gui.devices_page import DevicesPage
from tokenbudget.gui.jobs import inline_runner
from tokenbudget.gui.palette import _TINT_PROPERTY as TINT
from tokenbudget.gui.palette import Tone

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def entry(note: str, out: int = 5) -> NewEntry:
    return NewEntry(
        at=AT,
        provider="anthropic",
        model="claude-sonnet-4-6",
        tokens=TokenCounts(input_tokens=10, output_tokens=out),
        cost_micros=100 + out,
        currency="USD",
        source="manual",
        note=note,
    )


class Other:
    """Another machine: its own ledger and identity, sharing ``folder``."""

    def __init__(self, root: Path, folder: Path) -> None:
        root.mkdir()
        self.ledger = Ledger.open(root / "ledger.sqlite3")
        self.sync = DeviceSync(self.ledger, root / "device.json", fingerprint="fp-desktop")
        self.sync.rename("Desktop")
        self.folder = folder

    def record(self, note: str) -> None:
        self.ledger.add_entries([entry(note)])
        self.sync.sync() if self.sync.folder() else self.sync.use(self.folder)


@pytest.fixture
def language(qapp: QApplication) -> Iterator[Callable[[str], None]]:
    """Install the interface language a test names (English plurals come from a catalogue)."""
    default = QLocale()
    installed: list[QTranslator] = []

    def use(code: str) -> None:
        translation.uninstall(qapp, installed)
        installed[:] = translation.install(qapp, code)

    use("en")
    yield use
    translation.uninstall(qapp, installed)
    QLocale.setDefault(default)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "Sync"
    made.mkdir()
    return made


@pytest.fixture
def other(tmp_path: Path, folder: Path) -> Iterator[Other]:
    made = Other(tmp_path / "desktop", folder)
    yield made
    made.ledger.close()


@pytest.fixture
def syncer(qtbot: QtBot, service: Service) -> Iterator[DeviceSyncer]:
    made = DeviceSyncer(service, runner=inline_runner)
    yield made
    made.close()


def notes(service: Service) -> set[str | None]:
    return {e.note for e in service.entries.iter_entries(HistoryFilter())}


def rows(page: DevicesPage) -> list[list[str]]:
    table = page.table
    return [
        [table.topLevelItem(i).text(c) for c in range(3)] for i in range(table.topLevelItemCount())
    ]


@pytest.mark.usefixtures("language")
def test_choosing_a_folder_shares_at_once_and_lists_every_device(
    qtbot: QtBot,
    service: Service,
    syncer: DeviceSyncer,
    folder: Path,
    other: Other,
) -> None:
    other.record("from the desktop")
    service.entries.record(entry("from here"))
    page = DevicesPage(syncer, share_prompts=False)
    qtbot.addWidget(page)
    # Before: nothing shared, this device alone, nothing to sync or stop.
    assert page.folder.text() == "Not shared"
    assert [r[0] for r in rows(page)] == [f"{page.state.name} (this device)"]  # type: ignore[union-attr]
    assert not page.sync_now.isEnabled() and not page.stop.isEnabled()
    page.name.setText("Laptop")
    page.picker = lambda _parent, _title, _start: str(folder)
    with qtbot.waitSignal(syncer.synced) as signal:
        qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    assert signal.args[0].new_records > 0
    assert page.folder.toolTip() == str(folder.resolve())
    assert page.folder.text() == str(folder.resolve())  # not under the home folder
    assert rows(page)[0][0] == "Laptop (this device)" and rows(page)[0][2] == "1"
    assert rows(page)[1][0] == "Desktop" and rows(page)[1][2] == "1"
    assert "1 other device shares this folder." in page.status.text()
    assert page.sync_now.isEnabled() and page.stop.isEnabled()
    assert notes(service) == {"from here", "from the desktop"}  # one total
    # And the desktop gets this device's entry, under this device's name.
    other.sync.sync()
    names = {d.name for d in other.sync.devices()}
    assert names == {"Laptop", "Desktop"}
    assert {e.note for e in other.ledger.history(limit=10)} == {"from here", "from the desktop"}


@pytest.mark.usefixtures("language")
def test_sync_now_takes_in_what_the_other_device_wrote_since(
    qtbot: QtBot,
    service: Service,
    syncer: DeviceSyncer,
    folder: Path,
    other: Other,
) -> None:
    other.record("first")
    service.devices.use(folder)
    page = DevicesPage(syncer, share_prompts=False)
    qtbot.addWidget(page)
    other.record("second")
    with qtbot.waitSignal(syncer.synced):
        qtbot.mouseClick(page.sync_now, Qt.MouseButton.LeftButton)
    assert notes(service) == {"first", "second"}
    assert rows(page)[1][2] == "2"
    assert "1 new record taken in." in page.status.text()
    with qtbot.waitSignal(syncer.synced):
        qtbot.mouseClick(page.sync_now, Qt.MouseButton.LeftButton)
    assert "Nothing new from them." in page.status.text()


def test_renaming_and_stopping_are_done_at_once(
    qtbot: QtBot, service: Service, syncer: DeviceSyncer, folder: Path, other: Other
) -> None:
    service.devices.use(folder)
    page = DevicesPage(syncer, share_prompts=False)
    qtbot.addWidget(page)
    page.name.setText("  Work   laptop ")
    page.name.editingFinished.emit()
    assert page.state is not None and page.state.name == "Work laptop"
    assert page.name.text() == "Work laptop"
    other.record("x")
    assert "Work laptop" in {d.name for d in other.sync.devices()}
    qtbot.mouseClick(page.sync_now, Qt.MouseButton.LeftButton)
    page.name.setText("   ")  # an empty name is not taken: the old one comes back
    page.name.editingFinished.emit()
    assert page.name.text() == "Work laptop"
    qtbot.mouseClick(page.stop, Qt.MouseButton.LeftButton)
    assert page.folder.text() == "Not shared"
    assert service.devices.folder() is None
    assert not page.stop.isEnabled() and not page.sync_now.isEnabled()
    assert "Only this device is counted" in page.status.text()
    assert notes(service) == {"x"}  # stopping keeps what was taken in


def test_a_folder_that_cannot_be_used_says_why_and_changes_nothing(
    qtbot: QtBot, service: Service, syncer: DeviceSyncer, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("x")
    page = DevicesPage(syncer, share_prompts=False)
    qtbot.addWidget(page)
    page.picker = lambda _parent, _title, _start: str(not_a_folder)
    qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    assert "is not a folder" in page.status.text()
    assert page.status.property(TINT) == Tone.ERROR.value
    assert service.devices.folder() is None and page.choose.isEnabled()
    page.picker = lambda _parent, _title, _start: ""  # cancelled: nothing happens
    qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    assert service.devices.folder() is None


def test_the_settings_dialog_has_the_page_and_keeps_the_prompt_choice(
    qtbot: QtBot, service: Service, syncer: DeviceSyncer
) -> None:
    from tokenbudget.gui.main_window import MainWindow

    window = MainWindow(service, delay_ms=0, device_runner=inline_runner)
    qtbot.addWidget(window)
    from tokenbudget.gui.dialogs import SettingsDialog

    dialog = SettingsDialog(
        window.settings_values(),
        providers=service.providers,
        devices=window.device_sync,
    )
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[-1] == "Devices"
    assert not dialog.devices.share_prompts.isChecked()  # prompt text stays here by default
    dialog.devices.share_prompts.setChecked(True)
    dialog._accept()
    window.apply_settings(dialog.values())
    assert service.settings.get("sync_prompt_text") is True
    assert window.settings_values().sync_prompt_text is True


def test_the_app_syncs_after_a_change_and_on_its_own(
    qtbot: QtBot,
    service: Service,
    folder: Path,
    other: Other,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tokenbudget.gui.shell import Shell

    monkeypatch.setattr(device_sync, "AFTER_CHANGE_MS", 10)
    other.record("before start")
    service.devices.use(folder)
    other.record("while closed")
    shell = Shell(
        service, tray_available=False, delay_ms=0, live_sync=False, device_runner=inline_runner
    )
    qtbot.addWidget(shell.window)
    try:
        refreshed: list[str] = []
        shell.show_history()
        view = shell.view("history")
        view.refresh = lambda: refreshed.append("history")  # type: ignore[union-attr,method-assign]
        with qtbot.waitSignal(shell.window.device_sync.synced, timeout=5_000):
            shell.start()  # the first sync, once started
        assert notes(service) == {"before start", "while closed"}
        assert refreshed == ["history"]  # the new entries are shown
        # A change made here reaches the other device a moment later.
        service.entries.record(entry("typed here"))
        with qtbot.waitSignal(shell.window.device_sync.synced, timeout=5_000):
            shell.window.recorded.emit(1)
        other.sync.sync()
        assert "typed here" in {e.note for e in other.ledger.history(limit=10)}
        # The folder goes missing: the window says so once, and nothing local is lost.
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        folder.rmdir()
        with qtbot.waitSignal(shell.window.device_sync.synced, timeout=5_000):
            shell.window.device_sync.request(0)
        message = shell.window.statusBar().currentMessage()
        assert "Syncing with your other devices" in message and "folder is missing" in message
        assert notes(service) == {"before start", "while closed", "typed here"}
    finally:
        shell.close()
        shell.view("history").window().close()  # type: ignore[union-attr]


def test_nothing_runs_while_no_folder_is_set(
    qtbot: QtBot, service: Service, tmp_path: Path
) -> None:
    ran: list[object] = []
    syncer = DeviceSyncer(service, runner=ran.append, after_change_ms=0)
    try:
        syncer.start()
        syncer.request(0)
        qtbot.wait(30)
        assert ran == []  # no worker, no device identity made, no file written
        assert not (tmp_path / "device.json").exists()
    finally:
        syncer.close()


def test_the_page_and_its_errors_read_in_chinese(
    qtbot: QtBot,
    syncer: DeviceSyncer,
    folder: Path,
    other: Other,
    language: Callable[[str], None],
) -> None:
    language("zh_CN")
    other.record("x")
    page = DevicesPage(syncer, share_prompts=False)
    qtbot.addWidget(page)
    assert page.folder.text() == "未共享"
    assert page.table.headerItem().text(0) == "设备"
    not_a_folder = folder.parent / "notes.txt"
    not_a_folder.write_text("x")
    page.picker = lambda _parent, _title, _start: str(not_a_folder)
    qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    assert page.status.text() == f"{not_a_folder} 不是文件夹"
    page.picker = lambda _parent, _title, _start: str(folder)
    qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    assert "同步。另有 1 台设备共享此文件夹。" in page.status.text()  # no space after 。
    assert "（本设备）" in rows(page)[0][0]


def test_a_folder_under_home_is_shown_as_people_write_it(
    monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    from tokenbudget.gui.devices_page import _shown

    monkeypatch.setenv("HOME", str(folder.parent))
    assert _shown(folder / "tokenbudget") == "~/Sync/tokenbudget"
    assert _shown(Path("/mnt/usb/Sync")) == "/mnt/usb/Sync"


def test_sentences_are_joined_as_each_language_writes_them() -> None:
    from tokenbudget.gui.formatting import sentences

    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    assert sentences(["Synced.", "Nothing new. ", ""], english) == "Synced. Nothing new."
    assert sentences(["已同步。", "没有新内容。"], chinese) == "已同步。没有新内容。"


@pytest.mark.usefixtures("language")
def test_the_page_opens_on_the_last_background_sync(
    qtbot: QtBot, service: Service, syncer: DeviceSyncer, folder: Path, other: Other
) -> None:
    other.record("x")
    service.devices.use(folder)
    other.record("y")
    with qtbot.waitSignal(syncer.synced):
        syncer.start()
    assert syncer.last is not None and syncer.last.new_records == 1
    syncer.last_at = QTime(9, 41)  # it ran a while ago: the page says when, not "now"
    page = DevicesPage(syncer, share_prompts=False)
    qtbot.addWidget(page)
    at = QLocale().toString(QTime(9, 41), QLocale.FormatType.ShortFormat)
    assert page.status.text().startswith(f"Synced at {at}. 1 other device shares this folder.")


def test_a_long_first_read_shows_its_progress_and_the_bar_goes_when_done(
    qtbot: QtBot,
    syncer: DeviceSyncer,
    folder: Path,
    other: Other,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tokenbudget.gui import devices_page

    monkeypatch.setattr(devices_page, "SHOW_PROGRESS_FROM", 1)  # the fixture's history is small
    other.ledger.add_entries([entry(f"n{i}") for i in range(200)])
    other.record("last")
    page = DevicesPage(syncer, share_prompts=False)
    qtbot.addWidget(page)
    page.show()
    shown: list[tuple[bool, int]] = []
    page.bar.valueChanged.connect(lambda value: shown.append((page.bar.isVisible(), value)))
    page.picker = lambda _parent, _title, _start: str(folder)
    with qtbot.waitSignal(syncer.synced):
        qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    assert (True, 1000) in shown  # it reached the end while shown
    assert not page.bar.isVisible()  # and went once the read was done
