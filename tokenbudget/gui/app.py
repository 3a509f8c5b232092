"""Starting the window: one instance, a painted window first, vocabularies loaded behind it."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tokenbudget.core.services import Service
from tokenbudget.gui.formatting import render
from tokenbudget.gui.main_window import MainWindow
from tokenbudget.gui.shell import Shell
from tokenbudget.gui.single_instance import InstanceServer, send_to_running
from tokenbudget.gui.translation import apply_language
from tokenbudget.gui.translation import uninstall as uninstall_translators

#: Set to a file path to have the app write the wall time of its first paint there and quit
#: (the start-up benchmark).
FIRST_PAINT_ENV = "TOKENBUDGET_FIRST_PAINT_FILE"


def tune_allocator() -> None:
    """Keep freed large blocks for reuse instead of returning them to the OS (glibc).

    A 10 MB prompt is a 20 MB string; with glibc's defaults each new one is fresh memory
    whose pages fault in one by one: about 20 ms of the window's time per copy, where a
    reused block takes 3 ms. Freed memory is still returned above 128 MB.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 64 << 20)
    libc.mallopt(m_trim_threshold, 128 << 20)


def preload(window: MainWindow) -> None:
    """Load the shown models' vocabularies in the background, most used first."""
    order: list[str] = []
    for model in window.shown_models():
        base = model.counting.tokenizer
        if base not in order:
            order.append(base)
    window.coordinator.preload(order)


def run(argv: Sequence[str], *, message: str = "activate", in_tray: bool = False) -> int:
    """Run the app (or hand ``message`` to the one already running).

    ``in_tray`` starts with the window hidden (the login autostart); ``message`` is also what
    this start does itself when no instance runs (``quick`` opens the popup).
    """
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("tokenbudget")
    app.setOrganizationName("tokenbudget")
    app.setDesktopFileName("tokenbudget")
    if send_to_running(message):
        return 0
    service = Service()
    service.recover_prices = True  # a broken prices.json is reported, not fatal
    # Before any window: every string is translated as its widget is built.
    translators = apply_language(app, str(service.settings.get("language") or "system"))
    # Whatever the first frame does not need waits until it is on screen.
    shell = Shell(service, fill_later=True)
    report = os.environ.get(FIRST_PAINT_ENV)
    shell.offer_launcher = not report  # once, on a first start (never in the benchmark)
    window = shell.window
    if report:

        def painted(at: float) -> None:
            with open(report, "w", encoding="utf-8") as handle_:
                handle_.write(f"{at}\n")
            QTimer.singleShot(0, app.quit)

        window.first_painted.connect(painted)
    hidden = in_tray and not report
    shell.start(in_tray=hidden, after_paint=True)
    if message != "activate":
        QTimer.singleShot(0, lambda: shell.handle(message))
    servers: list[InstanceServer] = []

    def behind() -> None:
        # Later starts hand over to this one from now on (a start in the few milliseconds
        # before is as if both had started at once).
        server = InstanceServer()
        server.listen()
        server.message.connect(shell.handle)
        servers.append(server)
        tune_allocator()  # no large text can have come in yet
        from tokenbudget.gui.icons import app_icon

        app.setWindowIcon(app_icon())
        # The counting process starts here, once the window is on screen.
        preload(window)
        # What start-up built lives as long as the app: keep it out of the garbage
        # collector's full passes, which otherwise pause the window for tens of milliseconds.
        # (``tokenbudget.app`` turned the collector off for the start: nothing it builds is
        # garbage, and its passes were time before the first frame.)
        gc.freeze()
        gc.enable()

    if hidden:
        QTimer.singleShot(0, behind)
    else:
        window.first_painted.connect(
            lambda _at: QTimer.singleShot(0, behind), Qt.ConnectionType.SingleShotConnection
        )
    # A broken settings or prices file (the window has loaded the prices by now).
    warnings = service.warnings()
    if warnings:
        window.statusBar().showMessage("; ".join(render(w) for w in warnings), 10000)
    code = app.exec()
    shell.close()
    uninstall_translators(app, translators)
    for server in servers:
        server.close()
    service.close()
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv))
