"""The first start's offer to add the app to the desktop's menu: once, only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service, launcher_installed
from tokenbudget.gui.launcher_offer import LauncherOffer, offer_launcher
from tokenbudget.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    win = MainWindow(Service(), delay_ms=0)
    qtbot.addWidget(win)
    return win


def test_offer_is_shown_above_the_window_and_installs_when_asked(
    qtbot: QtBot, window: MainWindow, isolated_home: Path
) -> None:
    splitter = window.splitter
    offer = offer_launcher(window, window.service)
    assert isinstance(offer, LauncherOffer)
    assert splitter.parent() is window.centralWidget()  # the contents are still there
    assert not launcher_installed()  # nothing until asked
    with qtbot.waitSignal(offer.finished) as signal:
        offer.install_button.click()
    assert signal.args == ["installed"]
    assert launcher_installed()
    assert (isolated_home / "share" / "applications" / "tokenbudget.desktop").exists()
    assert "app menu" in window.statusBar().currentMessage()
    # Remembered: not offered again, in this run or the next.
    assert offer_launcher(window, Service()) is None


def test_not_now_is_remembered_and_installs_nothing(
    qtbot: QtBot, window: MainWindow, isolated_home: Path
) -> None:
    offer = offer_launcher(window, window.service)
    assert offer is not None
    with qtbot.waitSignal(offer.finished) as signal:
        offer.dismiss_button.click()
    assert signal.args == ["declined"]
    assert not launcher_installed()
    assert Service().settings.get("launcher_offered") is True
    assert offer_launcher(window, Service()) is None


def test_offer_is_not_modal(window: MainWindow) -> None:
    offer = offer_launcher(window, window.service)
    assert offer is not None and not offer.isModal() and not offer.isWindow()
