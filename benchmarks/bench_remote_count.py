"""Time from a typing pause (the debounce's end) to the exact Claude count shown in the window.

Against the local fake provider server (tests/fake_providers.py) on 127.0.0.1, so this is
the app's own overhead (settling, the provider's job thread and the hand-over to the UI thread,
repaint), not the provider's latency. Each edit changes the text, so nothing comes from the
cache; the frame probe is done once before timing.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_remote_count.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DBUS_SESSION_BUS_ADDRESS", "disabled:")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_providers import FRAME, fake_count, running
from PySide6.QtWidgets import QApplication

from tokenbudget.core.secrets import MemoryStore
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.estimate_model import MODEL_ID_ROLE, Column
from tokenbudget.gui.main_window import MainWindow

MODEL = "claude-sonnet-4-6"
EDITS = 15


def shown(win: MainWindow) -> str:
    """The TOKENS cell of the Claude row as the view shows it."""
    for row in range(win.model.rowCount()):
        if win.model.index(row, 0).data(MODEL_ID_ROLE) == MODEL:
            return str(win.model.index(row, Column.TOKENS).data())
    return ""


def main() -> None:
    """Type, pause, and wait for the exact count; print the median."""
    app = QApplication.instance() or QApplication([])
    os.environ.setdefault("TOKENBUDGET_HOME", str(Path("/tmp/tokenbudget-bench-remote")))
    with running() as server:
        service = Service(TokenizerRegistry.bundled(), secrets=MemoryStore({"anthropic": "k"}))
        service.settings.set("remote_count", {"anthropic": True})
        service.settings.set("base_urls", {"anthropic": server.url})
        win = MainWindow(service, delay_ms=150)
        win.set_shown_models([service.counting.model(MODEL)], save=False)
        win.show()
        pause: list[float] = []
        win.coordinator._timer.timeout.connect(lambda: pause.append(time.perf_counter()))
        times = []
        base = "Summarise the following design notes for the team in three bullet points. " * 20
        for i in range(EDITS + 1):
            text = base + " extra" * (i + 1)  # a new count each time
            want = str(fake_count(text) + FRAME)
            pause.clear()
            win.editor.setPlainText(text)  # the debounce starts; its end is the pause
            deadline = time.perf_counter() + 10
            while (shown(win) != want or not pause) and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.0005)
            if shown(win) != want or not pause:
                raise SystemExit(f"no exact count for edit {i}: {shown(win)!r}")
            if i:  # the first edit also measures the message frame
                times.append((time.perf_counter() - pause[0]) * 1000)
        win.coordinator.close()
        win.remote.close()
    print(
        f"typing pause -> exact Claude count shown (local server, {EDITS} edits): "
        f"median {statistics.median(times):.1f} ms, "
        f"min {min(times):.1f} ms, max {max(times):.1f} ms"
    )


if __name__ == "__main__":
    main()
