"""Starting the app: the window paints before the catalogue, the ledger and counting start."""

from __future__ import annotations

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
