"""Dark palettes to try the app under, and the demo scripts' ``--dark`` and ``--size``.

Fusion's usual dark palette, or a Breeze-Dark-like one (KDE's colours).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget


def dark_palette(style: str = "fusion") -> QPalette:
    """A dark palette: Fusion's usual dark one, or a Breeze-Dark-like one (``"breeze"``)."""
    palette = QPalette()
    if style == "breeze":
        roles: dict[QPalette.ColorRole, Any] = {
            QPalette.ColorRole.Window: "#31363b",
            QPalette.ColorRole.WindowText: "#fcfcfc",
            QPalette.ColorRole.Base: "#1b1e20",
            QPalette.ColorRole.AlternateBase: "#232629",
            QPalette.ColorRole.Text: "#fcfcfc",
            QPalette.ColorRole.Button: "#31363b",
            QPalette.ColorRole.ButtonText: "#fcfcfc",
            QPalette.ColorRole.Highlight: "#3daee9",
            QPalette.ColorRole.HighlightedText: "#fcfcfc",
            QPalette.ColorRole.ToolTipBase: "#31363b",
            QPalette.ColorRole.ToolTipText: "#fcfcfc",
            QPalette.ColorRole.PlaceholderText: "#a1a9b1",
            QPalette.ColorRole.Link: "#1d99f3",
        }
    else:
        roles = {
            QPalette.ColorRole.Window: "#353535",
            QPalette.ColorRole.WindowText: "#ffffff",
            QPalette.ColorRole.Base: "#2a2a2a",
            QPalette.ColorRole.AlternateBase: "#424242",
            QPalette.ColorRole.Text: "#ffffff",
            QPalette.ColorRole.Button: "#353535",
            QPalette.ColorRole.ButtonText: "#ffffff",
            QPalette.ColorRole.Highlight: "#2a82da",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#353535",
            QPalette.ColorRole.ToolTipText: "#ffffff",
            QPalette.ColorRole.PlaceholderText: "#9a9a9a",
            QPalette.ColorRole.Link: "#5aa9ff",
        }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    disabled = QColor("#7f7f7f")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def use_dark(app: QApplication, style: str = "fusion") -> None:
    """Switch ``app`` to Fusion with a dark palette (the demos' ``--dark``)."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette(style))


def demo_arguments(parser: Any, *, size: str | None = None) -> None:
    """Add the demo scripts' ``--dark [fusion|breeze]`` and ``--size WxH`` options."""
    parser.add_argument(
        "--dark",
        nargs="?",
        const="fusion",
        choices=("fusion", "breeze"),
        help="Fusion with a dark palette (breeze: a Breeze-Dark-like one)",
    )
    parser.add_argument(
        "--size",
        default=size,
        help="window size, WxH (default: fitted to the screen's available area)",
    )


def apply_demo_arguments(app: QApplication, args: Any, window: QWidget | None = None) -> None:
    """Apply ``--dark`` to ``app`` and ``--size`` to ``window`` (see ``demo_arguments``)."""
    if args.dark:
        use_dark(app, args.dark)
    if window is not None:
        resize_to(window, args.size)


def resize_to(window: QWidget, size: str | None) -> None:
    """Resize ``window`` to ``size`` (``--size``'s ``WxH``); None or empty leaves it."""
    if size:
        width, height = (int(v) for v in str(size).lower().split("x"))
        window.resize(width, height)
