"""The budgets view on the offscreen platform: cards, countdowns, add, edit and remove.

Expected figures are worked out by hand from the entries below (see the comments).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tokenbudget.core import budget
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import LedgerError
from tokenbudget.core.plans import Plan, PlanKind, WindowCap
from tokenbudget.core.services import Service
from tokenbudget.gui.budgets_view import BudgetsView
from tokenbudget.gui.plan_card import PlanCardWidget

NOW = datetime(2026, 11, 11, 12, tzinfo=UTC)
UNIT = 1_000_000


@pytest.fixture(autouse=True)
def utc_and_c_locale() -> Iterator[None]:
    """Local time is UTC and numbers are formatted the C way, whatever the machine's."""
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
    at: datetime,
    provider: str,
    cost: int,
    currency: str = "USD",
    *,
    tokens: int = 0,
    requests: int = 1,
    plan_id: int | None = None,
) -> NewEntry:
    return NewEntry(
        at=at,
        provider=provider,
        model="m",
        tokens=TokenCounts(input_tokens=tokens),
        cost_micros=cost,
        currency=currency,
        source="test",
        requests=requests,
        plan_id=plan_id,
    )


def seed(service: Service) -> dict[str, Plan]:
    """A budget at 30 %, a subscription at 85 % and a prepaid balance at 110 %."""
    plans = {
        p.name: service.plans.add(p, now=NOW - timedelta(days=20))
        for p in (
            Plan("A budget", PlanKind.BUDGET, "USD", 100 * UNIT, providers=("openai",)),
            Plan(
                "B subscription",
                PlanKind.SUBSCRIPTION,
                "USD",
                20 * UNIT,
                providers=("anthropic",),
                monthly_token_cap=10_000,
                windows=(WindowCap(5, max_tokens=1_000), WindowCap(168, max_requests=100)),
            ),
            Plan(
                "C 充值",
                PlanKind.PREPAID,
                "CNY",
                50 * UNIT,
                providers=("deepseek",),
                start=datetime(2026, 11, 1, tzinfo=UTC),
            ),
        )
    }
    service._parts.ledger.add_entries(
        [
            entry(datetime(2026, 11, 2, tzinfo=UTC), "openai", 10 * UNIT),
            entry(datetime(2026, 11, 5, tzinfo=UTC), "openai", 20 * UNIT),
            entry(
                datetime(2026, 11, 6, 12, tzinfo=UTC),
                "anthropic",
                6 * UNIT,
                tokens=100,
                requests=15,
            ),
            entry(
                datetime(2026, 11, 11, 9, 14, tzinfo=UTC),
                "anthropic",
                4 * UNIT,
                tokens=850,
                requests=5,
            ),
            entry(datetime(2026, 11, 3, tzinfo=UTC), "deepseek", 30 * UNIT, "CNY"),
            entry(datetime(2026, 11, 9, 6, tzinfo=UTC), "deepseek", 25 * UNIT, "CNY"),
        ]
    )
    return plans


def make(qtbot: QtBot, service: Service, **kw: object) -> BudgetsView:
    view = BudgetsView(service, refresh_ms=0, clock=lambda: NOW, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1240, 760)
    view.show()  # the first showing loads the figures (at NOW)
    return view


def card_named(view: BudgetsView, name: str) -> PlanCardWidget:
    return next(c for c in view.cards() if c.name_label.text() == name)


# --- showing ------------------------------------------------------------------------------


def test_no_plans_explains_what_a_plan_is_and_offers_to_add_one(
    qtbot: QtBot, service: Service
) -> None:
    view = make(qtbot, service)
    assert view.stack.currentIndex() == 0
    assert view.empty_text.text().startswith("A plan is what you pay under")
    assert view.empty_add_button.isVisible()
    qtbot.mouseClick(view.empty_add_button, Qt.MouseButton.LeftButton)
    assert view.dialog is not None
    assert view.dialog.windowTitle() == "Add plan"


def test_cards_at_30_85_and_110_percent(qtbot: QtBot, service: Service) -> None:
    seed(service)
    view = make(qtbot, service)
    view.refresh(NOW)
    assert view.stack.currentIndex() == 1
    assert [c.name_label.text() for c in view.cards()] == ["A budget", "B subscription", "C 充值"]
    budget, sub, prepaid = view.cards()
    assert view.summary.text() == "3 plans · as of 12:00"

    # $30 of $100 on 11 Nov at noon: 10.5 days in, 19.5 to go.
    assert budget.property("level") == "normal"
    assert not budget.chip.isVisibleTo(budget)
    (bar,) = budget.bars
    assert (bar.title.text(), bar.amount.text(), bar.percent.text()) == (
        "Budget",
        "$30.00 of $100.00",
        "30%",
    )
    assert bar.bar.value() == 3_000
    assert budget.subtitle.text() == (
        "Monthly budget · 1 Nov – 30 Nov · resets in 19 d 12 h · openai"
    )
    assert budget.stats["spent"].text() == "$30.00 of $100.00"
    assert budget.stats["remaining"].text() == "$70.00"
    assert budget.stats["burn"].text() == "$2.86 a day"  # 30 / 10.5 = 2.857...
    # 30 + 30 * 19.5 / 10.5 = 85.714...: 85 % of the budget.
    assert budget.stats["projected"].text() == "$85.71 (85% of budget)"
    # The other $70 at $2.857 a day takes 24.5 days: past the period's end.
    assert budget.stats["reach"].text() == "not at this rate"
    assert "fee" not in budget.stats

    # 850 of 1,000 tokens in the 5-hour window.
    assert sub.property("level") == "warning"
    assert sub.chip.text() == "Near cap"
    monthly, five, week = sub.bars
    assert (monthly.title.text(), monthly.amount.text(), monthly.percent.text()) == (
        "Monthly tokens",
        "950 of 10,000",
        "9%",
    )
    assert (five.title.text(), five.amount.text(), five.percent.text()) == (
        "5-hour window, tokens",
        "850 of 1,000",
        "85%",
    )
    # 09:14 + 5 h = 14:14; 150 more tokens at 850 per 5 h take 52 min 56.47 s.
    assert five.caption.text() == "resets in 2 h 14 min · full around 12:52 today at this rate"
    assert (week.title.text(), week.amount.text(), week.percent.text()) == (
        "Weekly window, requests",
        "20 of 100",
        "20%",
    )
    assert week.caption.text() == "resets in 2 d 0 h"  # the 6 Nov noon entry leaves on 13 Nov
    assert not monthly.caption.isVisibleTo(sub)
    assert sub.stats["fee"].text() == "$20.00 a month"
    assert sub.stats["value"].text() == "API-equivalent value $10.00 vs fee $20.00 (0.50×)"
    assert sub.stats["burn"].text() == "$0.9524 a day at API prices"  # 10 / 10.5
    assert sub.stats["projected"].text() == "$28.57 at API prices"  # 10 + 10 * 19.5 / 10.5
    assert sub.stats["reach"].text() == "around 12:52 today (5-hour window, tokens)"
    assert "remaining" not in sub.stats

    # ¥55 of ¥50: over since the 9 Nov 06:00 entry took it past ¥50.
    assert prepaid.property("level") == "over"
    assert prepaid.chip.text() == "Over cap"
    (bar,) = prepaid.bars
    # Issue 11: what the bar counts is the spend, not the balance (which is what is left).
    assert (bar.title.text(), bar.amount.text(), bar.percent.text()) == (
        "Spent",
        "¥55.00 of ¥50.00",
        "110%",
    )
    assert bar.bar.value() == bar.bar.maximum()  # full; the text says how far over
    assert bar.bar.toolTip() == "110.00% used"
    assert prepaid.subtitle.text() == "Prepaid balance · since 1 Nov · deepseek"
    assert prepaid.stats["remaining"].text() == "none: over by ¥5.00"
    assert prepaid.stats["burn"].text() == "¥5.24 a day"  # 55 / 10.5 = 5.238...
    assert "projected" not in prepaid.stats
    assert prepaid.stats["reach"].text() == "on 9 Nov"


def test_paused_plans_are_shown_greyed_after_the_others(qtbot: QtBot, service: Service) -> None:
    seed(service)
    service.plans.add(
        Plan("0 paused", PlanKind.BUDGET, "USD", UNIT, providers=("openai",), active=False),
        now=NOW,
    )
    view = make(qtbot, service)
    view.refresh(NOW)
    paused = view.cards()[-1]
    assert paused.name_label.text() == "0 paused"
    assert paused.property("level") == "paused"
    assert paused.chip.text() == "Paused"
    assert "Paused: not counted in status or alerts." in paused.notes.text()


def test_an_unusable_ledger_is_explained(
    qtbot: QtBot, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kw: object) -> None:
        raise LedgerError("the ledger is locked by another program")

    monkeypatch.setattr(budget, "all_status", broken)
    view = make(qtbot, service)
    view.refresh(NOW)
    assert view.stack.currentWidget() is view.error_label
    assert view.error_label.text() == (
        "The plans cannot be shown: the ledger is locked by another program"
    )


def test_cards_reflow_with_the_width(qtbot: QtBot, service: Service) -> None:
    seed(service)
    view = make(qtbot, service)
    view.refresh(NOW)
    qtbot.waitUntil(lambda: view.columns() == 3)

    def cells() -> list[tuple[int, int]]:
        return [view.grid.getItemPosition(view.grid.indexOf(c))[:2] for c in view.cards()]

    assert cells() == [(0, 0), (0, 1), (0, 2)]
    view.resize(820, 760)
    qtbot.waitUntil(lambda: view.columns() == 2)
    assert cells() == [(0, 0), (0, 1), (1, 0)]
    view.resize(500, 760)
    qtbot.waitUntil(lambda: view.columns() == 1)
    assert cells() == [(0, 0), (1, 0), (2, 0)]
    # Cards are never squeezed below what their contents need.
    for card in view.cards():
        assert card.height() >= card.minimumSizeHint().height()


def test_countdowns_move_on_the_timer_while_shown(qtbot: QtBot, service: Service) -> None:
    seed(service)
    clock = [NOW]
    view = BudgetsView(service, refresh_ms=20, clock=lambda: clock[0])
    qtbot.addWidget(view)
    view.show()  # the first showing loads the figures
    five = card_named(view, "B subscription").bars[1]
    assert five.caption.text().startswith("resets in 2 h 14 min")
    assert view.refresh_timer.isActive()
    clock[0] = NOW + timedelta(minutes=1)
    qtbot.waitUntil(lambda: five.caption.text().startswith("resets in 2 h 13 min"))
    view.hide()
    assert not view.refresh_timer.isActive()


# --- add, edit, remove --------------------------------------------------------------------


def test_adding_a_plan(qtbot: QtBot, service: Service) -> None:
    view = make(qtbot, service)
    assert view.stack.currentIndex() == 0
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.name_edit, "OpenAI API")
    qtbot.keyClicks(dialog.amount_edit, "40")
    dialog.providers_edit.setText("openai")
    with qtbot.waitSignal(view.plans_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    (stored,) = service.plans.all()
    assert (stored.name, stored.amount_micros, stored.providers) == (
        "OpenAI API",
        40 * UNIT,
        ("openai",),
    )
    assert view.stack.currentIndex() == 1
    assert [c.name_label.text() for c in view.cards()] == ["OpenAI API"]
    assert view.dialog is None


def test_adding_a_prepaid_balance_with_a_chinese_name(qtbot: QtBot, service: Service) -> None:
    seed(service)
    view = make(qtbot, service)
    view.refresh(NOW)
    dialog = view.add_plan()
    dialog.name_edit.setText("DeepSeek 充值")
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("prepaid"))
    dialog.currency_box.setCurrentText("CNY")
    dialog.amount_edit.setText("200")
    with qtbot.waitSignal(view.plans_changed):
        dialog.accept()
    plan = service.plans.find("DeepSeek 充值")
    assert plan.start == NOW  # a balance with no top-up time starts when it is added
    card = card_named(view, "DeepSeek 充值")
    assert card.bars[0].amount.text() == "¥0.00 of ¥200.00 · ¥200.00 left"  # issue 11


def test_a_name_in_use_is_refused_in_the_dialog(qtbot: QtBot, service: Service) -> None:
    seed(service)
    view = make(qtbot, service)
    dialog = view.add_plan()
    qtbot.keyClicks(dialog.name_edit, "a BUDGET")
    dialog.amount_edit.setText("5")
    assert dialog.message("name") == "a plan named 'a BUDGET' already exists"
    assert not dialog.ok_button.isEnabled()


def test_editing_a_plan_from_its_card(qtbot: QtBot, service: Service) -> None:
    plans = seed(service)
    view = make(qtbot, service)
    view.refresh(NOW)
    card = card_named(view, "A budget")
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Edit plan"
    assert dialog.name_edit.text() == "A budget"
    # Renaming to its own name in another case is fine: only other plans' names are taken.
    dialog.name_edit.setText("A Budget")
    dialog.amount_edit.setText("40")
    with qtbot.waitSignal(view.plans_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    stored = service.plans.get(plans["A budget"].id)
    assert (stored.name, stored.amount_micros) == ("A Budget", 40 * UNIT)
    assert card is view.card(stored.id)  # the same card, showing the new figures
    assert card.bars[0].amount.text() == "$30.00 of $40.00"
    assert card.bars[0].percent.text() == "75%"


def test_cancelling_an_edit_changes_nothing(qtbot: QtBot, service: Service) -> None:
    plans = seed(service)
    view = make(qtbot, service)
    view.refresh(NOW)
    dialog = view.edit_plan(plans["A budget"].id)
    assert dialog is not None
    dialog.amount_edit.setText("1")
    with qtbot.assertNotEmitted(view.plans_changed):
        dialog.reject()
    assert service.plans.get(plans["A budget"].id).amount_micros == 100 * UNIT


def test_removing_a_plan_keeps_its_entries(
    qtbot: QtBot, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = seed(service)
    target = plans["A budget"]
    service._parts.ledger.add_entries(
        [entry(NOW - timedelta(hours=h), "openai", UNIT, plan_id=target.id) for h in (1, 2)]
    )
    before = service.entries.count()
    asked: list[str] = []

    def answer(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    view = make(qtbot, service)
    view.refresh(NOW)
    with qtbot.waitSignal(view.plans_changed):
        qtbot.mouseClick(view.card(target.id).remove_button, Qt.MouseButton.LeftButton)
    assert asked == [
        "Remove the plan “A budget”?\n\nNo spend is deleted: every entry stays in the ledger "
        "and in the history. The 2 entries recorded for this plan become unassigned, and then "
        "count toward any other plan that covers their provider and model."
    ]
    assert [p.name for p in service.plans.all()] == ["B subscription", "C 充值"]
    assert service.entries.count() == before
    assert [c.name_label.text() for c in view.cards()] == ["B subscription", "C 充值"]


def test_removal_can_be_cancelled(
    qtbot: QtBot, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = seed(service)
    asked: list[str] = []

    def answer(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    view = make(qtbot, service)
    view.refresh(NOW)
    with qtbot.assertNotEmitted(view.plans_changed):
        assert not view.remove_plan(plans["C 充值"].id)
    # No entry was recorded for it explicitly: nothing to say about unassigned entries.
    assert asked == [
        "Remove the plan “C 充值”?\n\nNo spend is deleted: every entry stays in the ledger "
        "and in the history."
    ]
    assert len(service.plans.all()) == 3


def test_a_plan_removed_elsewhere(
    qtbot: QtBot, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = seed(service)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(str(a[2])))
    view = make(qtbot, service)
    view.refresh(NOW)
    service.plans.remove(plans["A budget"].id)  # say, by the command line
    assert view.edit_plan(plans["A budget"].id) is None
    assert warned == [f"no plan with id {plans['A budget'].id}"]
    assert [c.name_label.text() for c in view.cards()] == ["B subscription", "C 充值"]


def test_a_prepaid_card_shows_the_balance_at_the_provider(qtbot: QtBot) -> None:
    from fake_balance_server import running

    from tokenbudget.core.secrets import MemoryStore
    from tokenbudget.core.settings import Settings
    from tokenbudget.gui.jobs import inline_runner

    with running() as server:
        settings = Settings(
            Path(os.environ["TOKENBUDGET_HOME"]) / "settings.json",
            {
                "balance_check": {"deepseek": True, "moonshot": True},
                "base_urls": {"deepseek": server.url, "moonshot": server.url},
            },
        )
        svc = Service(settings=settings, secrets=MemoryStore({"deepseek": "sk-test-key"}))
        try:
            svc.plans.add(
                Plan(
                    name="DeepSeek credit",
                    kind=PlanKind.PREPAID,
                    currency="CNY",
                    amount_micros=100 * UNIT,
                    providers=("deepseek",),
                ),
                now=NOW - timedelta(days=1),
            )
            svc.plans.add(
                Plan(
                    name="Kimi",
                    kind=PlanKind.PREPAID,
                    currency="CNY",
                    amount_micros=UNIT,
                    providers=("moonshot",),
                ),  # checking on, but no key: nothing shown
                now=NOW - timedelta(days=1),
            )
            view = BudgetsView(svc, refresh_ms=0, clock=lambda: NOW, balance_runner=inline_runner)
            qtbot.addWidget(view)
            view.refresh()
            cards = {c.card.status.plan.name: c for c in view.cards()}
            deepseek = cards["DeepSeek credit"]
            qtbot.waitUntil(lambda: not deepseek.balance.isHidden(), timeout=5000)
            assert deepseek.balance.text() == "Balance at provider: ¥110.00 (checked 12:00)"
            assert cards["Kimi"].balance.isHidden()

            server.replies["/user/balance"] = (401, b"{}")
            view.refresh()
            qtbot.waitUntil(lambda: "refused" in deepseek.balance.text(), timeout=5000)
            assert deepseek.balance.text() == (
                "Balance at provider: not available (API key refused, 12:00)"
            )
            assert [path for path, _ in server.seen] == ["/user/balance", "/user/balance"]
        finally:
            svc.close()
