"""Open the estimate window with a prompt from a file, for screenshots.

    TOKENBUDGET_HOME=/tmp/demo python scripts/demo_window.py PROMPT.txt [--output N]
    TOKENBUDGET_HOME=/tmp/demo python scripts/demo_window.py --open FILE

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
from tokenbudget.gui.main_window import MainWindow
from tokenbudget.gui.translation import add_language_option, apply_language


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prompt", type=Path, nargs="?")
    parser.add_argument("--open", type=Path, help="open this file once the window is shown")
    parser.add_argument("--output", type=int, default=800)
    parser.add_argument("--select", default="gpt-5.5")
    add_language_option(parser)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_language(app, args.lang)
    window = MainWindow(Service())
    window.output_tokens.setValue(args.output)
    if args.prompt is not None:
        window.editor.setPlainText(args.prompt.read_text(encoding="utf-8"))
    window.resize(1240, 720)
    window.show()
    if args.open is not None:
        QTimer.singleShot(200, lambda: window.editor.load_file(args.open))
    QTimer.singleShot(1500, lambda: window.select_model(args.select))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
