"""The first start's offer to add tokenbudget to the desktop's menu (once, never in the way).

A slim bar above the window's contents: "Add to menu" installs the ``.desktop`` entry and
icon (``core.launcher`` through the services), "Not now" closes it. Either way the offer is
remembered (``launcher_offered``) and not made again; Settings is not needed to undo it
(``tokenbudget --uninstall-desktop``).
"""

from __future__ import annotations

import contextlib
import sys

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.gui.formatting import error_text
from tokenbudget.gui.palette import Tone, tint

SETTING = "launcher_offered"


def should_offer(service: Service) -> bool:
    """On a Linux desktop, the first time, when the entry is not installed already."""
    from tokenbudget.core.services import launcher_installed

    if not sys.platform.startswith("linux") or service.settings.get(SETTING):
        return False
    return not launcher_installed()


class LauncherOffer(QFrame):
    """The bar with the offer.

    Signals:
        finished(str): the bar closed: ``"installed"``, ``"declined"`` or ``"failed"``.
    """

    finished = Signal(str)

    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName("launcher-offer")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Add tokenbudget to the app menu"))
        self.text = QLabel(
            self.tr("Add tokenbudget to your desktop's app menu, so you can start it from there?")
        )
        self.text.setWordWrap(True)
        self.install_button = QPushButton(self.tr("&Add to menu"))
        self.dismiss_button = QPushButton(self.tr("&Not now"))
        self.install_button.clicked.connect(self.install)
        self.dismiss_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.install_button)
        row.addWidget(self.dismiss_button)

    def install(self) -> None:
        """Install the entry and icon; say where, or why not."""
        from tokenbudget.core.services import install_launcher

        try:
            files = install_launcher()
        except TokenbudgetError as exc:
            self.text.setText(error_text(exc))
            tint(self.text, Tone.ERROR)
            self._remember()
            self.finished.emit("failed")
            return
        self._remember()
        self._close(self.tr("Added to the app menu: {path}").format(path=files.desktop))
        self.finished.emit("installed")

    def dismiss(self) -> None:
        """Close the offer and do not make it again."""
        self._remember()
        self._close("")
        self.finished.emit("declined")

    def _remember(self) -> None:
        settings = self.service.settings
        settings.set(SETTING, True)
        # A broken settings file is reported by the window's own saves.
        with contextlib.suppress(TokenbudgetError):
            settings.save()

    def _close(self, message: str) -> None:
        window = self.window()
        if message and isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 10_000)
        self.hide()
        self.deleteLater()


def offer_launcher(window: QMainWindow, service: Service) -> LauncherOffer | None:
    """Show the offer above ``window``'s contents when it should be made (see ``should_offer``)."""
    if not should_offer(service):
        return None
    contents = window.takeCentralWidget()
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    offer = LauncherOffer(service, host)
    layout.addWidget(offer)
    if contents is not None:
        layout.addWidget(contents, 1)
    window.setCentralWidget(host)
    return offer
