"""Starting the app: the window paints before the catalogue, the ledger and counting start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service
from tokenbudget.gui.shell import Shell


def test_the_first_paint_comes_before_the_catalogue_ledger_and_counting(qtbot: QtBot) -> None:
    service = Service()
    parts = service._parts
    shell = Shell(service, tray_available=False, delay_ms=0, fill_later=True)
    window = shell.window
    qtbot.addWidget(window)
    seen: list[tuple[bool, bool, int, bool]] = []
    window.first_painted.connect(
        lambda _at: seen.append(
            (
                parts._catalog is None,
                parts._ledger is None,
                window.coordinator.requests,
                shell.live_sync is None,
            )
        )
    )
    try:
        shell.start(after_paint=True)
        assert parts._catalog is None and parts._ledger is None
        assert window.shown_models() == []
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
        # Painted with nothing read yet; then filled in right after.
        assert seen[0] == (True, True, 0, True)
        qtbot.waitUntil(lambda: bool(window.shown_models()), timeout=10_000)
        assert window.model.rowCount() == len(window.shown_models())
        qtbot.waitUntil(lambda: shell.live_sync is not None, timeout=10_000)
        qtbot.waitUntil(lambda: parts._ledger is not None, timeout=10_000)  # status and alerts
    finally:
        shell.close()


def test_the_tray_comes_after_the_first_paint_and_at_once_when_starting_in_it(
    qtbot: QtBot,
) -> None:
    shell = Shell(Service(), tray_available=True, delay_ms=0, live_sync=False, fill_later=True)
    qtbot.addWidget(shell.window)
    try:
        shell.start(after_paint=True)
        assert shell.tray is None  # not needed for the first frame
        qtbot.waitUntil(lambda: shell.tray is not None, timeout=10_000)
        assert shell.window.keep_in_tray is not None
    finally:
        shell.close()
    hidden = Shell(Service(), tray_available=True, delay_ms=0, live_sync=False, fill_later=True)
    qtbot.addWidget(hidden.window)
    try:
        hidden.start(in_tray=True, after_paint=True)  # no window to paint: the tray now
        assert hidden.tray is not None and not hidden.window.isVisible()
        assert hidden.window.shown_models()  # filled without a paint
    finally:
        hidden.close()


#: Run in a child process: ``gui.app.run`` as the app runs it, noting which modules were loaded
#: at the first paint, then what the window has once it is complete.
_PROBE = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import tokenbudget.gui.main_window as main_window
from tokenbudget.gui import app as gui_app

seen = {}
made = main_window.MainWindow.__init__

def init(self, *args, **kwargs):
    made(self, *args, **kwargs)
    window = self

    def painted(_at):
        seen["at_paint"] = sorted(sys.modules)
        seen["models_at_paint"] = len(window.shown_models())

        def check():
            if window.shown_models() and not window.windowIcon().isNull():
                seen["models"] = len(window.shown_models())
                seen["rows"] = window.model.rowCount()
                seen["at_end"] = sorted(sys.modules)
                QApplication.quit()
            else:
                QTimer.singleShot(10, check)

        check()

    window.first_painted.connect(painted)

main_window.MainWindow.__init__ = init
QTimer.singleShot(20_000, QApplication.quit)
gui_app.run(sys.argv[:1])
with open(sys.argv[1], "w") as handle:
    json.dump(seen, handle)
"""


def test_the_app_paints_before_loading_what_its_first_frame_does_not_need(tmp_path: Path) -> None:
    report = tmp_path / "seen.json"
    env = {
        **os.environ,
        "TOKENBUDGET_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "DBUS_SESSION_BUS_ADDRESS": "disabled:",
    }
    env.pop("TOKENBUDGET_FIRST_PAINT_FILE", None)
    subprocess.run([sys.executable, "-c", _PROBE, str(report)], env=env, check=True, timeout=60)
    seen = json.loads(report.read_text())
    at_paint = set(seen["at_paint"])
    # Not before the first frame: the catalogue, the ledger, the counting process, the
    # single-instance server's networking, the tray, the icons, the allocator tuning.
    for module in (
        "tokenbudget.core.catalog",
        "tokenbudget.core.ledger",
        "tokenbudget.core.countproc.proxy",
        "tokenbudget.core.countproc.messages",
        "tokenbudget.gui.tray",
        "tokenbudget.gui.live_sync",
        "tokenbudget.gui.icons",
        "tokenbudget.gui.providers_page",
        "tokenbudget.gui.widgets",
        "tokenbudget.core.estimate",
        "PySide6.QtNetwork",
        "ctypes",
        "hashlib",
    ):
        assert module not in at_paint, module
    assert seen["models_at_paint"] == 0
    # Right after it, the window is complete: its models and rows, its icon; and a second
    # start can hand over (the server listens).
    assert seen["models"] > 0 and seen["rows"] == seen["models"]
    assert "PySide6.QtNetwork" in seen["at_end"]
