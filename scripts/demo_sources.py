"""Open the Sources window on a fake home with several coding tools' logs, for screenshots.

    TOKENBUDGET_HOME=$(mktemp -d) python scripts/demo_sources.py [--zh] [--no-import]

It builds a fake HOME (in a temporary folder; your own home and your tools' logs are never read)
holding the logs of every tool but GitHub Copilot CLI and OpenCode, made of the importers'
committed fixtures (``tests.sources_support``; they hold damaged lines, so the window lists
them), imports them into the ledger of ``TOKENBUDGET_HOME`` (a
temporary one when unset) and opens the window at the app's default size. The other tools show
as not found. ``--zh`` shows the window in Chinese (a demo translation of its labels, a home in a
Chinese-named folder and Chinese number formats), to check that the labels fit.

    TOKENBUDGET_HOME=$(mktemp -d) ../shared/tools/screenshot.sh --settle 4 OUT.png -- \\
        python scripts/demo_sources.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.sources_support import TOOL_ENV, every_tool_home
from tokenbudget.gui.translation import add_language_option


def build_home(home: Path) -> None:
    """Every tool's logs but GitHub Copilot CLI's and OpenCode's (so two show as not found)."""
    every_tool_home(home)
    shutil.rmtree(home / ".copilot")
    shutil.rmtree(home / ".local" / "share" / "opencode")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zh", action="store_true", help="the same as --lang zh_CN")
    add_language_option(parser)
    parser.add_argument("--no-import", action="store_true", help="open before any import")
    from tokenbudget.gui.dark_theme import apply_demo_arguments, demo_arguments

    demo_arguments(parser)
    args = parser.parse_args()
    if not os.environ.get("TOKENBUDGET_HOME"):
        os.environ["TOKENBUDGET_HOME"] = tempfile.mkdtemp(prefix="tokenbudget-demo-")
    print(f"TOKENBUDGET_HOME={os.environ['TOKENBUDGET_HOME']}")
    base = Path(tempfile.mkdtemp(prefix="tokenbudget-demo-home-"))
    home = base / ("用户" if args.zh else "home") / ("李雷" if args.zh else "dev")
    build_home(home)
    for name in TOOL_ENV:
        os.environ.pop(name, None)
    os.environ["HOME"] = str(home)

    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication, QMainWindow

    from tokenbudget.core.services import Service
    from tokenbudget.gui.dark_theme import resize_to
    from tokenbudget.gui.geometry import fit_to_screen
    from tokenbudget.gui.sources_view import SourcesView
    from tokenbudget.gui.translation import apply_language
    from tokenbudget.gui.tray import app_icon

    service = Service()
    if not args.no_import and not service.entries.count():
        service.imports.run_all(now=datetime.now(UTC))

    app = QApplication(sys.argv[:1])
    apply_demo_arguments(app, argparse.Namespace(dark=args.dark, size=None))
    apply_language(app, "zh_CN" if args.zh else args.lang)
    host = QMainWindow()
    host.setWindowTitle("tokenbudget: 数据来源" if args.zh else "tokenbudget: sources")
    host.setWindowIcon(app_icon())
    view = SourcesView(service)
    host.setCentralWidget(view)
    if args.size:
        resize_to(host, args.size)
    else:
        fit_to_screen(host, QSize(1000, 700))
    host.show()
    code = app.exec()
    view.close_worker()
    return code


if __name__ == "__main__":
    sys.exit(main())
