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

#: The demo's Chinese labels (``--zh``): source text -> translation, any context.
CHINESE = {
    "Sources": "数据来源",
    "Import now": "立即导入",
    "Tool": "工具",
    "Where": "位置",
    "Last import": "上次导入",
    "Entries": "条目",
    "Tokens": "令牌",
    "Cost": "费用",
    "Note": "备注",
    "Live sync": "实时同步",
    "Never": "从未",
    "Not found — looked in {roots}": "未找到 — 已查找 {roots}",
    "%n of {total} tools found": "已找到 %n 个工具（共 {total} 个）",
    "totals per session": "按会话合计",
    "%Ln lines skipped": "跳过 %Ln 行",
    "%Ln unpriced": "%Ln 条未定价",
    "Import {tool}": "导入 {tool}",
    "Not imported yet.": "尚未导入。",
    "Its last import skipped no line.": "上次导入没有跳过任何行。",
    "Lines its last import skipped: %Ln": "上次导入跳过的行：%Ln",
    "(the first {shown} are listed)": "（列出前 {shown} 行）",
    "Importing…": "正在导入…",
    "Importing {tool}… {index} of {count}": "正在导入 {tool}… 第 {index} 个，共 {count} 个",
    "1 line skipped": "跳过 1 行",
    "Imported {entries} from {tools}": "已从 {tools} 导入 {entries}",
    "1 entry": "1 条",
    "%Ln entries": "%Ln 条",
    "1 tool": "1 个工具",
    "%Ln tools": "%Ln 个工具",
}


def build_home(home: Path) -> None:
    """Every tool's logs but GitHub Copilot CLI's and OpenCode's (so two show as not found)."""
    every_tool_home(home)
    shutil.rmtree(home / ".copilot")
    shutil.rmtree(home / ".local" / "share" / "opencode")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--zh", action="store_true", help="Chinese labels and formats")
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

    from PySide6.QtCore import QLocale, QSize, QTranslator
    from PySide6.QtWidgets import QApplication, QMainWindow

    from tokenbudget.core.services import Service
    from tokenbudget.gui.geometry import fit_to_screen
    from tokenbudget.gui.sources_view import SourcesView
    from tokenbudget.gui.tray import app_icon

    service = Service()
    if not args.no_import and not service.entries.count():
        service.imports.run_all(now=datetime.now(UTC))

    class Chinese(QTranslator):
        def translate(
            self, context: str, source: str, disambiguation: str | None = None, n: int = -1
        ) -> str:
            return CHINESE.get(source, "")  # Qt fills in %n and %Ln itself

    app = QApplication(sys.argv[:1])
    apply_demo_arguments(app, argparse.Namespace(dark=args.dark, size=None))
    translator = Chinese()
    if args.zh:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        app.installTranslator(translator)
    elif QLocale().name() == "C":  # a bare screenshot machine: show a real locale's formats
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    host = QMainWindow()
    host.setWindowTitle("tokenbudget: 数据来源" if args.zh else "tokenbudget: sources")
    host.setWindowIcon(app_icon())
    view = SourcesView(service)
    host.setCentralWidget(view)
    if args.size:
        width, height = (int(v) for v in args.size.split("x"))
        host.resize(width, height)
    else:
        fit_to_screen(host, QSize(1000, 700))
    host.show()
    code = app.exec()
    view.close_worker()
    return code


if __name__ == "__main__":
    sys.exit(main())
