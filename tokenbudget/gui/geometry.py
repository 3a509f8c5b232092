"""Window sizes that fit the screen, and each window's geometry remembered between runs.

Every window asks for a comfortable size (``fit_to_screen``) and gets at most what its
screen's available area holds (an 800×600 laptop panel, a docked half screen). Its geometry
is kept under its own key in the window-state INI file (``Service.settings.window_state_file``)
and put back only if it still fits the screen it lands on.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

#: Room left for the window manager's frame and title bar, in pixels.
FRAME_ALLOWANCE = QSize(16, 40)


def available_area(widget: QWidget) -> QRect:
    """The available geometry of the widget's screen (the primary one before it is shown)."""
    screen: QScreen | None = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)


def fitted_size(preferred: QSize, area: QRect) -> QSize:
    """``preferred``, shrunk to what ``area`` holds once the frame is allowed for."""
    room = area.size() - FRAME_ALLOWANCE
    return QSize(
        max(min(preferred.width(), room.width()), 200),
        max(min(preferred.height(), room.height()), 150),
    )


def fit_to_screen(widget: QWidget, preferred: QSize) -> None:
    """Resize ``widget`` to ``preferred`` or less, and keep it inside the available area."""
    area = available_area(widget)
    size = fitted_size(preferred, area)
    widget.resize(size)
    frame = widget.frameGeometry()
    if not area.contains(QRect(frame.topLeft(), size)):
        centre = area.center()
        widget.move(
            max(area.left(), centre.x() - size.width() // 2),
            max(area.top(), centre.y() - size.height() // 2),
        )


def fits(geometry: QRect, area: QRect) -> bool:
    """The geometry lies inside the area (with a few pixels of slack for frames)."""
    return area.adjusted(-8, -8, 8, 8).contains(geometry)


class WindowMemory:
    """Saves and restores windows' geometry under keys in one INI file.

    Args:
        path: The INI file (``Service.settings.window_state_file()``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def _settings(self) -> QSettings:
        return QSettings(str(self.path), QSettings.Format.IniFormat)

    def save(self, widget: QWidget, key: str) -> None:
        """Remember ``widget``'s geometry under ``key``."""
        state = self._settings()
        state.setValue(f"{key}/geometry", widget.saveGeometry())
        state.sync()

    def restore(self, widget: QWidget, key: str, preferred: QSize) -> bool:
        """Put back the geometry saved under ``key`` if it fits the screen; else fit ``preferred``.

        Returns whether the saved geometry was used.
        """
        value = self._settings().value(f"{key}/geometry")
        if isinstance(value, QByteArray) and not value.isEmpty():
            old = widget.geometry()
            if widget.restoreGeometry(value) and fits(widget.geometry(), available_area(widget)):
                return True
            widget.setGeometry(old)
        fit_to_screen(widget, preferred)
        return False
