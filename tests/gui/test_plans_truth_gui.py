"""Issue 11 on screen: official limits on a subscription's card, the tray's headline, a
prepaid card's wording, and no projection from too little history."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale, QRect
from pytestqt.qtbot import QtBot

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.official_limits import LimitSnapshot
from tokenbudget.core.plans import Plan, PlanKind, WindowCap
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.budgets_view import BudgetsView
from tokenbudget.gui.plan_card import PlanCardWidget
from tokenbudget.gui.shell import Shell

NOW = datetime(2026, 12, 3, 15, 57, tzinfo=UTC)
UNIT = 1_000_000


@pytest.fixture(autouse=True)
def utc_and_c_locale() -> Iterator[None]:
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    locale = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(locale)
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()


@pytest.fixture
def service() -> Iterator[Service]:
    svc = Service()
    yield svc
    svc.close()


def entry(
    at: datetime, provider: str, cost: int, *, tokens: int = 0, requests: int = 1
) -> NewEntry:
    return NewEntry(
        at=at,
        provider=provider,
        model="m",
        tokens=TokenCounts(input_tokens=tokens),
        cost_micros=cost,
        currency="CNY" if provider == "deepseek" else "USD",
        source="test",
        requests=requests,
    )


def claude_pro(service: Service) -> None:
    """$20 a month; 5h: 1,000 tokens (370 used, 37 %); 7d: 100 requests (143 used)."""
    service.plans.add(
        Plan(
            "Claude Pro",
            PlanKind.SUBSCRIPTION,
            "USD",
            20 * UNIT,
            providers=("anthropic",),
            windows=(WindowCap(5, max_tokens=1_000), WindowCap(168, max_requests=100)),
        ),
        now=NOW - timedelta(days=10),
    )
    service.entries.record_many(
        [
            entry(datetime(2026, 11, 30, 12, tzinfo=UTC), "anthropic", UNIT, requests=100),
            entry(NOW - timedelta(hours=1), "anthropic", UNIT, tokens=370, requests=43),
        ]
    )


def official(window: str, used: str, resets: datetime, seen: datetime) -> LimitSnapshot:
    minutes = {"5h": 300, "7d": 10080}[window]
    return LimitSnapshot("claude-code", window, minutes, Decimal(used), resets, seen)


def only_card(qtbot: QtBot, service: Service) -> PlanCardWidget:
    view = BudgetsView(service, refresh_ms=0, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(1240, 760)
    view.show()
    view.refresh(NOW)
    (card,) = view.cards()
    return card


def test_a_subscription_card_shows_official_figures_beside_the_estimates(
    qtbot: QtBot, service: Service
) -> None:
    claude_pro(service)
    seen = NOW - timedelta(minutes=3)
    service.limits.record(
        [
            official("5h", "42", datetime(2026, 12, 3, 18, tzinfo=UTC), seen),
            # Seen yesterday, its window reset this morning: stale.
            official("7d", "97", datetime(2026, 12, 3, 9, tzinfo=UTC), NOW - timedelta(days=1)),
        ]
    )
    card = only_card(qtbot, service)
    five, week = card.official
    assert five.title.text() == "5-hour window · Claude Code"
    assert five.percent.text() == "42%"
    assert five.bar.value() == 4_200
    assert five.official_line.text() == "official: 42% · reset 18:00 · seen 3 min ago"
    assert five.estimate_line.text() == "estimated from logs: 37%"
    assert week.title.text() == "Weekly window · Claude Code"
    assert week.official_line.text() == (
        "official: 97% before the 09:00 reset · stale · seen 1 d 0 h ago"
    )
    assert week.estimate_line.text() == "estimated from logs: 143%"
    # The stale weekly figure rates nothing: our 143 % stands, and the card is over.
    assert card.level.value == "over"
    assert [bar.title.text() for bar in card.bars] == [
        "5-hour window, tokens",
        "Weekly window, requests",
    ]


def test_a_fresh_official_figure_sets_the_cards_level(qtbot: QtBot, service: Service) -> None:
    claude_pro(service)
    seen = NOW - timedelta(minutes=3)
    service.limits.record(
        [
            official("5h", "42", datetime(2026, 12, 3, 18, tzinfo=UTC), seen),
            official("7d", "81", datetime(2026, 12, 6, tzinfo=UTC), seen),
        ]
    )
    card = only_card(qtbot, service)
    assert card.official[1].official_line.text() == (
        "official: 81% · reset 6 Dec 00:00 · seen 3 min ago"
    )
    assert card.level.value == "warning"  # the official 81 %, not our 143 %
    assert card.chip.text() == "Near cap"


def fresh_prepaid(service: Service) -> None:
    """¥50 topped up 5 minutes ago, ¥6.40 spent 3 minutes ago."""
    service.plans.add(
        Plan(
            "智谱 GLM 充值",
            PlanKind.PREPAID,
            "CNY",
            50 * UNIT,
            providers=("deepseek",),
            start=NOW - timedelta(minutes=5),
        ),
        now=NOW - timedelta(minutes=5),
    )
    service.entries.record(entry(NOW - timedelta(minutes=3), "deepseek", 6_400_000))


def test_a_prepaid_card_counts_spend_against_the_top_up(qtbot: QtBot, service: Service) -> None:
    fresh_prepaid(service)
    card = only_card(qtbot, service)
    (bar,) = card.bars
    # It said "Balance ¥6.40 of ¥50.00": the balance is what is left.
    assert (bar.title.text(), bar.amount.text(), bar.percent.text()) == (
        "Spent",
        "¥6.40 of ¥50.00 · ¥43.60 left",
        "12%",
    )
    assert card.stats["remaining"].text() == "¥43.60"


def test_a_card_is_too_early_to_project_from_one_fresh_entry(
    qtbot: QtBot, service: Service
) -> None:
    fresh_prepaid(service)
    card = only_card(qtbot, service)
    # It said "¥153.60 a day" and "around 22:48 today" from one entry three minutes old.
    assert card.stats["burn"].text() == "too early to project"
    assert card.stats["reach"].text() == "too early to project"
    assert card.stats["remaining"].text() == "¥43.60"


@pytest.fixture
def shell(qtbot: QtBot, registry: TokenizerRegistry) -> Iterator[Shell]:
    shell = Shell(Service(registry), tray_available=True, delay_ms=0, now=lambda: NOW)
    qtbot.addWidget(shell.window)
    yield shell
    shell.close()


def test_the_tray_headline_is_the_most_used_cap_and_the_icon_agrees(
    qtbot: QtBot, shell: Shell
) -> None:
    claude_pro(shell.service)
    shell.refresh_status()
    assert shell.tray is not None
    # It said "$20.00 of $20.00 this period (100 %)": the fee against itself.
    assert shell.tray.icon.toolTip().splitlines()[:2] == [
        "tokenbudget · Claude Pro",
        "weekly requests 143%",
    ]
    assert shell.tray.state == "over"
    shell.service.limits.record(
        [official("7d", "143", datetime(2026, 12, 6, tzinfo=UTC), NOW - timedelta(minutes=3))]
    )
    shell.refresh_status()
    assert shell.tray.icon.toolTip().splitlines()[:2] == [
        "tokenbudget · Claude Pro",
        "weekly 143% (official)",
    ]
    assert shell.tray.state == "over"
    shell.show_quick(QRect())
    assert shell.popup.summary.text() == "Claude Pro · weekly 143% (official)"
    shell.popup.hide()


def test_the_tray_says_when_it_is_too_early_and_names_other_plans_at_risk(
    qtbot: QtBot, shell: Shell
) -> None:
    service = shell.service
    service.plans.add(
        Plan("DeepSeek", PlanKind.PREPAID, "CNY", 50 * UNIT, start=NOW - timedelta(minutes=5)),
        now=NOW,
    )
    service.plans.add(
        Plan("OpenAI API", PlanKind.BUDGET, "USD", 10 * UNIT, providers=("openai",)), now=NOW
    )
    service.entries.record_many(
        [
            entry(NOW - timedelta(minutes=3), "deepseek", 6_400_000),
            entry(datetime(2026, 12, 2, tzinfo=UTC), "openai", 9 * UNIT),
        ]
    )
    main = service.plans.find("DeepSeek").id
    service.settings.set("main_plan", main)
    shell.refresh_status()
    assert shell.tray is not None
    assert shell.tray.icon.toolTip().splitlines() == [
        "tokenbudget · DeepSeek",
        "spent ¥6.40 of ¥50.00 · ¥43.60 left",
        "too early to project",
        "OpenAI API · $9.00 of $10.00 this period (90%)",  # why the icon is amber
    ]
    assert shell.tray.state == "warning"


def test_a_cap_passed_is_titled_as_passed_at_the_entry_that_passed_it(
    qtbot: QtBot, service: Service
) -> None:
    service.plans.add(
        Plan("OpenAI API", PlanKind.BUDGET, "USD", 10 * UNIT, providers=("openai",)),
        now=NOW - timedelta(days=5),
    )
    service.entries.record_many(
        [
            entry(datetime(2026, 12, 1, 2, tzinfo=UTC), "openai", 6 * UNIT),
            entry(datetime(2026, 12, 2, 5, 30, tzinfo=UTC), "openai", 4 * UNIT),  # $10: passed
            entry(datetime(2026, 12, 3, 9, tzinfo=UTC), "openai", 1 * UNIT),
        ]
    )
    card = only_card(qtbot, service)
    name, value = card._stat_labels["reach"]
    assert name is not None and name.text() == "Cap passed"
    assert value.text() == "at 05:30 yesterday"  # not the day's start, 00:00
