"""Open the budgets view on a ledger seeded with four plans, official limits beside estimates.

The plans: an API budget at 110 %, a Claude subscription whose tool reported official
5-hour and weekly figures (shown beside our estimates), a Chinese-named monthly plan, and a
prepaid balance at 30 %.

    TOKENBUDGET_HOME=$(mktemp -d) python scripts/demo_budgets.py

Used with ../shared/tools/screenshot.sh to make the README's screenshot of the budgets view:

    TOKENBUDGET_HOME=$(mktemp -d) ../shared/tools/screenshot.sh --settle 4 OUT.png -- \
        python scripts/demo_budgets.py

The plans' periods began 18 days ago, so burn rates and projections mean something on any
day of the month. It refuses to seed a ledger that already has plans (point
TOKENBUDGET_HOME at an empty directory); without TOKENBUDGET_HOME it makes a temporary one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from PySide6.QtWidgets import QApplication

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.official_limits import LimitSnapshot
from tokenbudget.core.plans import Plan, PlanKind, WindowCap
from tokenbudget.core.services import Service
from tokenbudget.gui.dark_theme import apply_demo_arguments, demo_arguments
from tokenbudget.gui.plan_dialog import system_time_zone
from tokenbudget.gui.translation import add_language_option, apply_language
from tokenbudget.gui.view_window import budgets_window

UNIT = 1_000_000  # micro-units in one dollar or yuan
DAYS = 18  # how far into its period each plan is


def _spread(
    rng: random.Random, total: int, start: datetime, end: datetime, count: int
) -> list[tuple[datetime, int]]:
    """``count`` moments between ``start`` and ``end`` sharing ``total`` (exactly)."""
    span = (end - start) // timedelta(seconds=1)
    moments = sorted(start + timedelta(seconds=rng.randrange(span)) for _ in range(count))
    weights = [rng.randint(5, 15) for _ in moments]
    shares = [total * w // sum(weights) for w in weights]
    shares[-1] += total - sum(shares)
    return list(zip(moments, shares, strict=True))


#: The demo's models: provider and the currency their costs are in.
MODELS = {
    "gpt-5.5": ("openai", "USD"),
    "claude-opus-4-7": ("anthropic", "USD"),
    "deepseek-v4-flash": ("deepseek", "CNY"),
    "glm-5": ("zhipu", "CNY"),
}


def _entry(at: datetime, model: str, tokens: int, cost: int, *, requests: int = 1) -> NewEntry:
    provider, currency = MODELS[model]
    cached = tokens // 2
    out = tokens // 10
    return NewEntry(
        at=at,
        provider=provider,
        model=model,
        tokens=TokenCounts(
            input_tokens=tokens - cached - out, cache_read_tokens=cached, output_tokens=out
        ),
        cost_micros=cost,
        currency=currency,
        source="demo",
        requests=requests,
    )


def seed(service: Service, now: datetime) -> None:
    """Three plans and a month of entries, ending just before ``now``."""
    rng = random.Random(7)
    zone = system_time_zone()
    start_day = (now - timedelta(days=DAYS)).astimezone().day
    for plan in (
        Plan(
            "OpenAI API",
            PlanKind.BUDGET,
            "USD",
            40 * UNIT,
            providers=("openai",),
            reset_day=start_day,
            timezone=zone,
        ),
        Plan(
            "Claude Max",
            PlanKind.SUBSCRIPTION,
            "USD",
            100 * UNIT,
            providers=("anthropic",),
            reset_day=start_day,
            timezone=zone,
            monthly_token_cap=40_000_000,
            windows=(WindowCap(5, max_tokens=2_000_000), WindowCap(168, max_requests=1_500)),
        ),
        Plan(
            "智谱 GLM 包月",
            PlanKind.SUBSCRIPTION,
            "CNY",
            50 * UNIT,
            providers=("zhipu",),
            reset_day=start_day,
            timezone=zone,
            windows=(WindowCap(5, max_requests=120),),
        ),
        Plan(
            "DeepSeek 充值",
            PlanKind.PREPAID,
            "CNY",
            200 * UNIT,
            providers=("deepseek",),
            low_balance_micros=30 * UNIT,
            start=now - timedelta(days=DAYS),
            timezone=zone,
        ),
    ):
        service.plans.add(plan, now=now - timedelta(days=DAYS))
    # The periods start at local midnight of the reset day: count entries from a bit later.
    begin = now - timedelta(days=DAYS - 1)
    entries: list[NewEntry] = []
    # OpenAI: $44 of a $40 budget (110 %).
    for at, cost in _spread(rng, 44 * UNIT, begin, now - timedelta(hours=1), 90):
        entries.append(_entry(at, "gpt-5.5", cost // 8, cost))
    # Claude: 22.3 M tokens before the last 5 hours, 1.7 M in them (85 % of 2 M).
    recent = [
        (timedelta(hours=2, minutes=46), 600_000),
        (timedelta(hours=1, minutes=30), 600_000),
        (timedelta(minutes=20), 500_000),
    ]
    for at, tokens in _spread(rng, 22_300_000, begin, now - timedelta(hours=6), 160):
        requests = 9 if at > now - timedelta(days=7) else 4
        entries.append(_entry(at, "claude-opus-4-7", tokens, tokens * 7, requests=requests))
    for ago, tokens in recent:
        entries.append(_entry(now - ago, "claude-opus-4-7", tokens, tokens * 7, requests=7))
    # DeepSeek: ¥60 of a ¥200 top-up (30 %).
    for at, cost in _spread(rng, 60 * UNIT, begin, now - timedelta(hours=2), 70):
        entries.append(_entry(at, "deepseek-v4-flash", cost // 2, cost))
    # GLM: 54 of 120 requests in the last 5 hours (45 %).
    for ago, requests in (
        (timedelta(hours=4), 20),
        (timedelta(hours=2), 24),
        (timedelta(minutes=9), 10),
    ):
        entries.append(
            _entry(now - ago, "glm-5", 40_000 * requests, 2_000 * requests, requests=requests)
        )
    for at, tokens in _spread(rng, 9_000_000, begin, now - timedelta(hours=6), 40):
        entries.append(_entry(at, "glm-5", tokens, tokens // 20, requests=6))
    service.entries.record_many(entries)
    seed_official(service, now)


def seed_official(service: Service, now: datetime) -> None:
    """What Claude Code's status line reported 3 minutes ago: 5 hours at 78 %, the week at 64 %."""
    seen = now - timedelta(minutes=3)
    service.limits.record(
        [
            LimitSnapshot(
                "claude-code",
                "5h",
                300,
                Decimal(78),
                (now + timedelta(hours=2, minutes=14)).replace(second=0, microsecond=0),
                seen,
            ),
            LimitSnapshot(
                "claude-code",
                "7d",
                10080,
                Decimal(64),
                (now + timedelta(days=3, hours=5)).replace(minute=0, second=0, microsecond=0),
                seen,
            ),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--empty", action="store_true", help="no plans: the empty state")
    parser.add_argument("--edit", metavar="NAME", help="also open the dialog for this plan")
    parser.add_argument("--add", metavar="KIND", help="also open the dialog for a new plan")
    demo_arguments(parser)
    add_language_option(parser)
    args = parser.parse_args()
    if not os.environ.get("TOKENBUDGET_HOME"):
        os.environ["TOKENBUDGET_HOME"] = tempfile.mkdtemp(prefix="tokenbudget-demo-")
    app = QApplication(sys.argv[:1])
    app.setApplicationName("tokenbudget")
    apply_demo_arguments(app, args)
    apply_language(app, args.lang)
    service = Service()
    if service.plans.all():
        print(f"{os.environ['TOKENBUDGET_HOME']} already has plans; use an empty directory")
        return 2
    if not args.empty:
        seed(service, datetime.now(UTC))
    host = budgets_window(service, args.size)
    view = host.view
    host.show()
    if args.edit:
        view.refresh()
        view.edit_plan(service.plans.find(args.edit).id)
    elif args.add:
        dialog = view.add_plan()
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(args.add))
    code = app.exec()
    service.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
