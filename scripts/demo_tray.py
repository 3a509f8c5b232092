"""Start tokenbudget in the tray and open the quick popup, for screenshots.

Two plans: an API budget at 85 %, and a Claude Pro subscription whose weekly window is at
92 % by Claude Code's own (official) figure: the tray's headline and the popup's header.

    TOKENBUDGET_HOME=$(mktemp -d) ../shared/tools/screenshot.sh --tray --settle 6 OUT.png -- \\
        python scripts/demo_tray.py PROMPT.txt
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.official_limits import LimitSnapshot
from tokenbudget.core.plans import Plan, PlanKind, WindowCap
from tokenbudget.core.services import Service
from tokenbudget.gui.dark_theme import apply_demo_arguments, demo_arguments
from tokenbudget.gui.shell import Shell
from tokenbudget.gui.translation import add_language_option, apply_language


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prompt", type=Path)
    demo_arguments(parser)
    add_language_option(parser)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    apply_demo_arguments(app, args)
    apply_language(app, args.lang)
    app.setApplicationName("tokenbudget")
    service = Service()
    now = datetime.now(UTC)
    service.plans.add(
        Plan(name="API budget", kind=PlanKind.BUDGET, currency="USD", amount_micros=50_000_000),
        now=now,
    )
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    days = max((now - start).days, 1)
    for day in range(days):  # 85 % of the budget, spread over the month so far
        service.entries.record(
            NewEntry(
                at=start + timedelta(days=day, hours=10),
                provider="anthropic",
                model="claude-sonnet-4-6",
                tokens=TokenCounts(input_tokens=120_000, output_tokens=9_000),
                cost_micros=42_500_000 // days,
                currency="USD",
                source="manual",
            )
        )
    service.plans.add(
        Plan(
            name="Claude Pro",
            kind=PlanKind.SUBSCRIPTION,
            currency="USD",
            amount_micros=20_000_000,
            providers=("anthropic",),
            windows=(WindowCap(168, max_requests=900),),
        ),
        now=start,
    )
    seen = now - timedelta(minutes=3)
    resets = (now + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    service.limits.record(
        [
            LimitSnapshot("claude-code", "5h", 300, Decimal(31), now + timedelta(hours=3), seen),
            LimitSnapshot("claude-code", "7d", 10080, Decimal(92), resets, seen),
        ]
    )
    service.settings.set(
        "favourite_models",
        ["gpt-5.5", "claude-sonnet-4-6", "gemini-2.5-flash", "deepseek-v4-flash", "qwen-plus"],
    )
    shell = Shell(service)
    shell.start(in_tray=True)
    QGuiApplication.clipboard().setText(args.prompt.read_text(encoding="utf-8"))
    QTimer.singleShot(0, lambda: shell.window.coordinator.preload(["o200k_base"]))
    tray = shell.tray
    QTimer.singleShot(
        2000,
        lambda: shell.show_quick(tray.icon.geometry() if tray is not None else None),  # type: ignore[arg-type]
    )
    code = app.exec()
    shell.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
