"""Open the estimate window with a prompt from a file, for screenshots.

    TOKENBUDGET_HOME=/tmp/demo python scripts/demo_window.py PROMPT.txt [--output N]
    TOKENBUDGET_HOME=/tmp/demo python scripts/demo_window.py --open FILE
    TOKENBUDGET_HOME=/tmp/demo python scripts/demo_window.py PROMPT.txt --dark [breeze] \\
        --size 800x600

A positional PROMPT is put in as text; ``--open`` opens FILE as File > Open does (a large or
single-line file goes in with progress). Used with ../shared/tools/screenshot.sh to make the
README's screenshots.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tokenbudget.core.services import Service
from tokenbudget.gui.dark_theme import apply_demo_arguments, demo_arguments, use_dark
from tokenbudget.gui.main_window import MainWindow
from tokenbudget.gui.translation import add_language_option, apply_language


def open_settings(window: MainWindow, page: str) -> None:
    """Open the settings dialog (not modal: the screenshot is taken while it shows)."""
    from tokenbudget.gui.dialogs import SettingsDialog

    providers = window.service.providers
    dialog = SettingsDialog(
        window.settings_values(), parent=window, providers=providers, devices=window.device_sync
    )
    dialog.tabs.setCurrentIndex(1 if page == "providers" else 0)
    dialog.show()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prompt", type=Path, nargs="?")
    parser.add_argument("--open", type=Path, help="open this file once the window is shown")
    parser.add_argument("--output", type=int, default=800)
    parser.add_argument("--select", default="gpt-5.5")
    parser.add_argument(
        "--settings",
        choices=("general", "providers"),
        help="also open the settings dialog on this page",
    )
    demo_arguments(parser)
    add_language_option(parser)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_language(app, args.lang)
    if args.dark:
        use_dark(app, args.dark)  # before the window: its colours come from the palette
    window = MainWindow(Service())
    window.output_tokens.setValue(args.output)
    if args.prompt is not None:
        window.editor.setPlainText(args.prompt.read_text(encoding="utf-8"))
    apply_demo_arguments(app, argparse.Namespace(dark=None, size=args.size), window)
    window.show()
    if args.open is not None:
        QTimer.singleShot(200, lambda: window.editor.load_file(args.open))
    QTimer.singleShot(1500, lambda: window.select_model(args.select))
    if args.settings:
        QTimer.singleShot(1800, lambda: open_settings(window, args.settings))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
