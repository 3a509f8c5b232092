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

PAGES = ("general", "providers", "devices")


def share_with_sample_devices(service: Service, home: Path, folder: Path) -> None:
    """Two other devices with a month of entries sharing ``folder``, and this one too.

    The other devices' ledgers are kept under ``home``.
    """
    from datetime import UTC, datetime, timedelta

    from tokenbudget.core.devices import DeviceSync
    from tokenbudget.core.entries import NewEntry, TokenCounts
    from tokenbudget.core.ledger import Ledger

    folder.mkdir(parents=True, exist_ok=True)
    start = datetime.now(UTC) - timedelta(days=30)

    def entries(name: str, count: int, offset: int) -> list[NewEntry]:
        return [
            NewEntry(
                at=start + timedelta(hours=15 * i + 7 * offset),
                provider="anthropic",
                model="claude-sonnet-4-6",
                tokens=TokenCounts(input_tokens=2_000 + 90 * i, output_tokens=700),
                cost_micros=16_500 + 270 * i,
                currency="USD",
                source="manual",
                note=f"{name}: task {i + 1}",
            )
            for i in range(count)
        ]

    for number, (name, count) in enumerate((("Desktop", 46), ("Work laptop", 18))):
        root = home / "other-devices" / name
        root.mkdir(parents=True, exist_ok=True)
        with Ledger.open(root / "ledger.sqlite3") as ledger:
            other = DeviceSync(ledger, root / "device.json", fingerprint=f"demo-{number}")
            ledger.add_entries(entries(name, count, number))
            other.use(folder, name)
    service.entries.record_many(entries("MacBook Pro", 31, 2))
    service.devices.use(folder, "MacBook Pro")


def open_settings(window: MainWindow, page: str) -> None:
    """Open the settings dialog (not modal: the screenshot is taken while it shows)."""
    from tokenbudget.gui.dialogs import SettingsDialog

    providers = window.service.providers
    dialog = SettingsDialog(
        window.settings_values(), parent=window, providers=providers, devices=window.device_sync
    )
    dialog.tabs.setCurrentIndex(PAGES.index(page))
    dialog.show()
    if page == "devices":  # as a user would, once it shows, to show what a sync says
        QTimer.singleShot(1000, dialog.devices.sync_now.click)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prompt", type=Path, nargs="?")
    parser.add_argument("--open", type=Path, help="open this file once the window is shown")
    parser.add_argument("--output", type=int, default=800)
    parser.add_argument("--select", default="gpt-5.5")
    parser.add_argument(
        "--settings",
        choices=PAGES,
        help="also open the settings dialog on this page",
    )
    parser.add_argument(
        "--sync-folder", type=Path, help="with --settings devices: the folder they share"
    )
    demo_arguments(parser)
    add_language_option(parser)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_language(app, args.lang)
    if args.dark:
        use_dark(app, args.dark)  # before the window: its colours come from the palette
    service = Service()
    if args.settings == "devices":
        from tokenbudget.core import paths

        data = paths.data_dir()
        share_with_sample_devices(service, data, args.sync_folder or data / "Sync")
    window = MainWindow(service)
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
