"""Open the history view on a temporary ledger of realistic spend, for screenshots.

    TOKENBUDGET_HOME=$(mktemp -d) python scripts/demo_history.py [--search TEXT] [--provider KEY]
        [--project NAME] [--empty] [--devices [--device NAME]]

Without ``TOKENBUDGET_HOME`` it makes a temporary one itself: it never touches your ledger. The
ledger gets a month of varied entries so far (OpenAI, Anthropic, Google, DeepSeek, Qwen, GLM,
Kimi; coding tools, estimates and manual entries; notes in English and Chinese) and eleven
quieter months before it, so both charts have stacked bars. The coding tools' entries name
projects (one in a Chinese-named folder, /home/li/项目/商城), so the project picker and the
spend per project have something to show. CNY amounts convert to USD with
an exchange rate set in the temporary settings. With ``--empty`` the ledger stays empty, to show
what a first start looks like (Import usage from your coding tools, Add an entry). With
``--devices`` two more devices ("Work laptop" and "Desktop", each a home of its own under
``TOKENBUDGET_HOME``) record two months of their own spend and share it through a sync folder
there, which this device ("MacBook") then joins, through the real sync path: the Device column
and the device picker show, and ``--device NAME`` opens History filtered to one. Used with
../shared/tools/screenshot.sh:

    TOKENBUDGET_HOME=$(mktemp -d) ../shared/tools/screenshot.sh --settle 5 OUT.png -- \\
        python scripts/demo_history.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

#: provider, model, source, requests per day (this month), share of the month's entries
MIX = [
    ("anthropic", "claude-sonnet-4-6", "claude-code", 30),
    ("anthropic", "claude-opus-4-7", "claude-code", 6),
    ("openai", "gpt-5.5", "codex", 18),
    ("openai", "gpt-5.4-mini", "estimate", 8),
    ("gemini", "gemini-2.5-flash", "gemini-cli", 10),
    ("deepseek", "deepseek-v4-flash", "manual", 12),
    ("dashscope", "qwen-plus", "estimate", 8),
    ("zai", "glm-5.3", "manual", 3),
    ("moonshot", "kimi-k2.6", "estimate", 2),
]
NOTES = [
    "refactor the billing module",
    "fix flaky test in checkout",
    "release notes for 2.4",
    "code review: payments PR",
    "重构支付模块",
    "翻译产品说明书",
    "总结周会纪要",
    "客服邮件回复草稿",
    "数据清洗脚本",
    "API 文档校对",
]
#: The folders the coding tools ran in, and how often.
PROJECTS = [
    ("/home/li/项目/商城", 5),
    ("/home/li/code/tokenbudget", 4),
    ("/home/li/code/payments-api", 3),
    ("/home/li/work/data-pipeline", 2),
    ("/home/li/notes", 1),
]
PROMPTS = [
    "Summarise this article in three sentences and list three keywords.",
    "请用三句话总结这篇文章，并列出三个关键词。",
    "Write unit tests for the parser below, covering empty input and unicode.",
    "把下面的产品说明翻译成英文，保持专业语气。",
    "Explain why this SQL query is slow and which index would help.",
]


#: This device's name with ``--devices``, and the others': name, their share of MIX's spend,
#: the MIX rows they use (by index).
THIS_DEVICE_NAME = "MacBook"
OTHER_DEVICES = [
    ("Work laptop", 0.6, (0, 2, 3, 6)),
    ("Desktop", 0.35, (1, 4, 5, 7, 8)),
]


def seed(now: datetime, *, devices: bool = False) -> None:
    """Fill the (temporary) ledger, plans and exchange rate (and other devices' spend)."""
    from tokenbudget.core.money import ExchangeRate
    from tokenbudget.core.plan_input import parse_plan
    from tokenbudget.core.services import Service

    service = Service()
    if service.entries.count():
        return
    claude = service.plans.add(
        parse_plan(
            {
                "name": "Claude Max",
                "kind": "subscription",
                "amount": "200",
                "providers": "anthropic",
            }
        ),
        now=now,
    )
    service.plans.add(
        parse_plan(
            {"name": "OpenAI API", "kind": "budget", "amount": "300", "providers": "openai"}
        ),
        now=now,
    )
    service.plans.add(
        parse_plan(
            {
                "name": "DeepSeek 充值",
                "kind": "prepaid",
                "amount": "500",
                "currency": "CNY",
                "providers": "deepseek",
            }
        ),
        now=now,
    )
    service.settings.set_exchange_rate(ExchangeRate("CNY", Decimal("7.12"), now.date()))
    service.settings.save()
    first = now.date().replace(day=1)
    start = first - timedelta(days=335)
    entries = spend(service, now, rng=random.Random(2026), start=start, mix=MIX, plan_id=claude.id)
    service.entries.record_many(entries)
    if devices:
        folder = share_other_devices(now)
        service.devices.use(folder, THIS_DEVICE_NAME)
    service.close()


def share_other_devices(now: datetime) -> Path:
    """Let OTHER_DEVICES record their spend and share it; returns the sync folder."""
    from tokenbudget.core.services import Service

    home = Path(os.environ["TOKENBUDGET_HOME"])
    folder = home / "sync-folder"
    folder.mkdir(exist_ok=True)
    for number, (name, share, rows) in enumerate(OTHER_DEVICES, 1):
        os.environ["TOKENBUDGET_HOME"] = str(home / f"device-{number}")
        try:
            other = Service()
            mix = [MIX[i] for i in rows]
            start = now.date() - timedelta(days=60)
            rng = random.Random(2026 + number)
            entries = spend(
                other, now, rng=rng, start=start, mix=mix, share=share, ref_prefix=f"d{number}-"
            )
            other.entries.record_many(entries)
            other.devices.use(folder, name)
            other.close()
        finally:
            os.environ["TOKENBUDGET_HOME"] = str(home)
    return folder


def spend(
    service: Any,
    now: datetime,
    *,
    rng: random.Random,
    start: date,
    mix: list[tuple[str, str, str, int]],
    share: float = 1.0,
    plan_id: int | None = None,
    ref_prefix: str = "",
) -> list[Any]:
    """Entries of ``mix`` from ``start`` to ``now``, ``share`` as many as MIX's per day.

    Some Anthropic entries are assigned to the plan ``plan_id`` when it is given.
    """
    from tokenbudget.core.entries import NewEntry, TokenCounts

    first = now.date().replace(day=1)
    entries = []
    day = start
    serial = 0
    while day <= now.date():
        this_month = day >= first
        # Busier on weekdays, and busier through the year: half as busy a year ago.
        age = (now.date() - day).days
        scale = 1.0 if this_month else 0.5 + 0.4 * (1 - age / 365)
        weekday = 1.0 if day.weekday() < 5 else 0.35
        for provider, model, source, per_day in mix:
            mean = per_day * scale * weekday * share
            count = max(0, round(rng.gauss(mean, per_day * scale * share / 3)))
            for _ in range(count):
                serial += 1
                at = datetime.combine(day, datetime.min.time()).astimezone() + timedelta(
                    seconds=rng.randrange(8 * 3600, 23 * 3600)
                )
                if at > now:
                    continue
                coding = source in ("claude-code", "codex", "gemini-cli")
                tokens = TokenCounts(
                    rng.randrange(200, 6_000),
                    rng.randrange(5_000, 80_000) if coding else 0,
                    rng.randrange(0, 3_000) if provider == "anthropic" else 0,
                    0,
                    rng.randrange(100, 3_000),
                )
                micros, currency = service.entries.price(model, tokens)
                note = rng.choice(NOTES) if rng.random() < 0.12 else None
                project = (
                    rng.choices([p for p, _ in PROJECTS], [w for _, w in PROJECTS])[0]
                    if coding
                    else None
                )
                prompt = rng.choice(PROMPTS) if source == "estimate" else None
                entries.append(
                    NewEntry(
                        at=at,
                        provider=provider,
                        model=model,
                        tokens=tokens,
                        cost_micros=micros,
                        currency=currency,
                        source=source,
                        source_ref=f"demo-{ref_prefix}{serial}" if coding else None,
                        note=note,
                        prompt_text=prompt,
                        plan_id=plan_id if provider == "anthropic" and rng.random() < 0.3 else None,
                        project=project,
                    )
                )
        day += timedelta(days=1)
    return entries


def main() -> int:
    from tokenbudget.gui.translation import add_language_option, apply_language

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--search", default="", help="text to search for once open")
    parser.add_argument("--provider", default=None, help="a provider key to filter on")
    parser.add_argument("--project", default=None, help="a project's short name to filter on")
    parser.add_argument("--empty", action="store_true", help="an empty ledger (first start)")
    parser.add_argument(
        "--devices",
        action="store_true",
        help=f"two more devices share their spend; this one is {THIS_DEVICE_NAME!r}",
    )
    parser.add_argument(
        "--device", default=None, help="with --devices: a device's name to filter on"
    )
    from tokenbudget.gui.dark_theme import apply_demo_arguments, demo_arguments

    demo_arguments(parser)
    add_language_option(parser)
    args = parser.parse_args()
    if not os.environ.get("TOKENBUDGET_HOME"):
        os.environ["TOKENBUDGET_HOME"] = tempfile.mkdtemp(prefix="tokenbudget-demo-")
    print(f"TOKENBUDGET_HOME={os.environ['TOKENBUDGET_HOME']}")
    if not args.empty:
        seed(datetime.now().astimezone(), devices=args.devices)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tokenbudget.core.services import Service
    from tokenbudget.gui.view_window import history_window

    app = QApplication(sys.argv[:1])
    apply_language(app, args.lang)
    apply_demo_arguments(app, argparse.Namespace(dark=args.dark, size=None))
    host = history_window(Service(), args.size)
    view = host.view
    host.show()

    def choose() -> None:
        if args.provider:
            view.provider.setCurrentIndex(max(0, view.provider.findData(args.provider)))
        if args.project:
            view.project.setCurrentIndex(max(0, view.project.findText(args.project)))
        if args.device:
            box = view.device
            found = [i for i in range(box.count()) if box.itemText(i).startswith(args.device)]
            view.filter_bar.choose_device(box.itemData(found[0]) if found else None)
        if args.search:
            view.search.setText(args.search)
            view.apply_filter()

    if args.provider or args.search or args.project or args.device:
        QTimer.singleShot(300, choose)
    return app.exec()


if __name__ == "__main__":
    print(f"{date.today()}: demo ledger", file=sys.stderr)
    sys.exit(main())
