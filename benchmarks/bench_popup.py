"""The tray's quick popup: time from the click to the popup painted, and to its counts.

    python benchmarks/bench_popup.py [--opens 9]

Prints figures; asserts nothing. The click is the tray menu's "Quick estimate" action (what
a left click on the icon runs); the clipboard holds a 2 KB prompt, as when a user copies one
and clicks the icon. The first open builds the popup; later ones reuse it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opens", type=int, default=9)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["TOKENBUDGET_HOME"] = tempfile.mkdtemp(prefix="tb-popup-")
    from bench_core import EN, ZH
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from tokenbudget.core.services import Service
    from tokenbudget.gui.app import preload
    from tokenbudget.gui.shell import Shell

    app = QApplication(sys.argv[:1])
    shell = Shell(Service(), tray_available=True)
    shell.start(in_tray=True)
    preload(shell.window)
    tray = shell.tray
    assert tray is not None
    painted: list[float] = []

    class Probe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    probe = Probe()
    # Let the counting process load its vocabularies first (as it does after start-up).
    time.sleep(0.1)
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
        if shell.window.coordinator.idle and time.perf_counter() > deadline - 50:
            break
    prompt = (EN + "\n" + ZH)[:2048]
    to_paint, to_counts = [], []
    for i in range(args.opens + 1):
        QGuiApplication.clipboard().setText(f"{i}: {prompt}")
        painted.clear()
        clicked = time.perf_counter()
        tray.quick_action.trigger()
        popup = shell.popup
        if i == 0:
            popup.installEventFilter(probe)
        while not painted:
            app.processEvents()
        shown = painted[0]
        while not (popup.coordinator.idle and all(r.estimate for r in popup.model.rows())):
            app.processEvents()
            time.sleep(0.0005)
        counted = time.perf_counter()
        if i == 0:
            print(f"first open (builds the popup): painted after {(shown - clicked) * 1000:.0f} ms")
        else:
            to_paint.append((shown - clicked) * 1000)
            to_counts.append((counted - clicked) * 1000)
        popup.hide()
        app.processEvents()
    print(
        f"== click to popup painted ({args.opens} opens): median {statistics.median(to_paint):.0f} ms, max {max(to_paint):.0f} ms"
    )
    print(
        f"== click to every count shown ({len(popup.models())} favourite models, 2 KB prompt): median {statistics.median(to_counts):.0f} ms, max {max(to_counts):.0f} ms"
    )
    shell.close()


if __name__ == "__main__":
    main()
