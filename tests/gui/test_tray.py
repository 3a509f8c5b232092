"""The tray: its menu, the quick popup, alerts, close-to-tray, no-tray mode, hand-over.

The offscreen platform has no tray to click, so the tray is driven through its menu actions
and its popup directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.estimate_model import SORT_ROLE, Column
from tokenbudget.gui.jobs import inline_runner
from tokenbudget.gui.shell import Shell
from tokenbudget.gui.single_instance import InstanceServer, send_to_running
from tokenbudget.gui.tray import Tray

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


def make_shell(
    qtbot: QtBot, registry: TokenizerRegistry, *, tray: bool = True, service: Service | None = None
) -> Shell:
    shell = Shell(
        service or Service(registry),
        tray_available=tray,
        delay_ms=0,
        now=lambda: NOW,
    )
    qtbot.addWidget(shell.window)
    shell.sources_runner = inline_runner
    return shell


@pytest.fixture
def shell(qtbot: QtBot, registry: TokenizerRegistry) -> Iterator[Shell]:
    shell = make_shell(qtbot, registry)
    yield shell
    shell.close()
    for key in ("budgets", "history", "sources"):
        view = shell.view(key)
        if view is not None:
            view.window().close()


def spend(service: Service, micros: int) -> None:
    service._parts.ledger.add_entry(
        NewEntry(
            at=NOW - timedelta(days=1),
            provider="openai",
            model="gpt-5.5",
            tokens=TokenCounts(input_tokens=1000, output_tokens=100),
            cost_micros=micros,
            currency="USD",
            source="manual",
        )
    )


def add_budget(service: Service) -> None:
    service.plans.add(
        Plan(name="Main", kind=PlanKind.BUDGET, currency="USD", amount_micros=10_000_000),
        now=NOW,
    )


def test_the_menu_offers_what_the_tray_is_for(qtbot: QtBot) -> None:
    tray = Tray()
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == [
        "Quick estimate",
        "Open tokenbudget",
        "Budgets",
        "History",
        "Sources",
        "Pause alerts",
        "Quit",
    ]
    assert tray.pause_action.isCheckable()


def test_menu_actions_open_each_view(qtbot: QtBot, shell: Shell) -> None:
    from tokenbudget.gui.budgets_view import BudgetsView
    from tokenbudget.gui.history_view import HistoryView
    from tokenbudget.gui.sources_view import SourcesView

    shell.start(in_tray=True)
    assert shell.tray is not None
    assert not shell.window.isVisible()  # started in the tray
    shell.tray.open_action.trigger()
    assert shell.window.isVisible()
    shell.tray.budgets_action.trigger()
    budgets = shell.view("budgets")
    assert isinstance(budgets, BudgetsView) and budgets.window().isVisible()
    shell.tray.history_action.trigger()
    history = shell.view("history")
    assert isinstance(history, HistoryView) and history.window().isVisible()
    shell.tray.sources_action.trigger()
    sources = shell.view("sources")
    assert isinstance(sources, SourcesView) and sources.window().isVisible()
    shell.tray.quick_action.trigger()
    assert shell.popup.isVisible()


def test_pause_and_quit(qtbot: QtBot, shell: Shell, monkeypatch: pytest.MonkeyPatch) -> None:
    assert shell.tray is not None
    shell.tray.pause_action.trigger()
    assert shell.service.settings.get("alerts_paused") is True
    quits: list[int] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(1))
    shell.tray.quit_action.trigger()
    assert quits == [1]


def test_the_popup_prefills_from_the_clipboard_estimates_and_records(
    qtbot: QtBot, shell: Shell, registry: TokenizerRegistry
) -> None:
    text = "Summarise this thread in three bullet points. 请用中文回答。"
    QGuiApplication.clipboard().setText(text)
    shell.service.settings.set("favourite_models", ["gpt-5.5", "deepseek-v4-flash"])
    shell.tray.quick_action.trigger()  # type: ignore[union-attr]
    popup = shell.popup
    assert popup.isVisible() and popup.editor.text() == text
    qtbot.waitUntil(lambda: popup.coordinator.idle)  # the counting process has answered
    qtbot.waitUntil(lambda: all(r.estimate is not None for r in popup.model.rows()))
    assert [r.model.id for r in popup.model.rows()] == ["gpt-5.5", "deepseek-v4-flash"]
    tokens = popup.model.index(0, Column.TOKENS).data(SORT_ROLE)
    assert tokens == registry.get("o200k_base").count(text)
    dialog = popup.recorder.dialog(popup.models(), "gpt-5.5")
    entry_id = popup.record_choice(dialog)
    assert entry_id is not None
    entry = shell.service.entries.entry(entry_id)
    assert entry.model == "gpt-5.5" and entry.tokens.input_tokens == tokens
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def test_open_in_window_carries_the_text_over(qtbot: QtBot, shell: Shell) -> None:
    QGuiApplication.clipboard().setText("carried over")
    shell.show_quick(QRect())
    shell.popup.open_button.click()
    assert not shell.popup.isVisible()
    assert shell.window.isVisible() and shell.window.editor.text() == "carried over"


def test_alerts_are_notified_once_per_threshold_even_across_restarts(
    qtbot: QtBot, registry: TokenizerRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(Tray, "notify", lambda self, alert: shown.append(alert.cap))
    first = make_shell(qtbot, registry)
    add_budget(first.service)
    spend(first.service, 8_500_000)  # 85 %
    first.refresh_status()
    assert shown == ["budget"]
    assert first.tray is not None and first.tray.state == "warning"
    assert "$8.50 of $10.00" in first.tray.icon.toolTip()
    first.refresh_status()
    assert shown == ["budget"]  # not twice
    first.close()
    first.service.close()
    second = make_shell(qtbot, registry)  # a restart
    second.refresh_status()
    assert shown == ["budget"]
    spend(second.service, 2_000_000)  # 105 %: the next threshold, once
    second.refresh_status()
    second.refresh_status()
    assert shown == ["budget", "budget"]
    assert second.tray is not None and second.tray.state == "over"
    second.close()


def test_paused_alerts_are_not_shown(
    qtbot: QtBot, shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(Tray, "notify", lambda self, alert: shown.append(alert.cap))
    add_budget(shell.service)
    spend(shell.service, 9_000_000)
    shell.tray.pause_action.setChecked(True)  # type: ignore[union-attr]
    shell.refresh_status()
    assert shown == []
    shell.tray.pause_action.setChecked(False)  # type: ignore[union-attr]  # refreshes
    assert shown == ["budget"]


def test_closing_the_window_keeps_the_app_in_the_tray_and_says_so_once(
    qtbot: QtBot, shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    assert shell.tray is not None
    monkeypatch.setattr(shell.tray.icon, "showMessage", lambda *args: messages.append(args[1]))
    shell.start()
    shell.window.close()
    assert not shell.window.isVisible()
    assert len(messages) == 1 and "tray" in messages[0]
    shell.show_window()
    shell.window.close()
    assert len(messages) == 1  # only the first time
    assert shell.service.settings.get("tray_hint_shown") is True


def test_without_a_tray_the_app_is_a_window_and_says_why(
    qtbot: QtBot, registry: TokenizerRegistry
) -> None:
    shell = make_shell(qtbot, registry, tray=False)
    shell.start(in_tray=True)  # asking for the tray without one still shows the window
    assert shell.tray is None and shell.window.isVisible()
    assert "no system tray" in shell.window.statusBar().currentMessage()
    assert QApplication.quitOnLastWindowClosed()
    shell.close()


def test_a_second_start_with_quick_opens_the_popup(qtbot: QtBot, shell: Shell) -> None:
    server = InstanceServer(name=f"tokenbudget-test-{id(shell)}")
    assert server.listen()
    server.message.connect(shell.handle)
    try:
        assert send_to_running("quick", server.name)
        qtbot.waitUntil(shell.popup.isVisible)
        assert send_to_running("activate", server.name)
        qtbot.waitUntil(shell.window.isVisible)
    finally:
        server.close()


@pytest.mark.parametrize(
    ("argv", "message", "in_tray"),
    [([], "activate", False), (["--quick"], "quick", False), (["--tray"], "activate", True)],
)
def test_command_line_flags_start_the_gui(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str, in_tray: bool
) -> None:
    import tokenbudget.gui.app as gui_app
    from tokenbudget.app import main

    calls: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        gui_app, "run", lambda _argv, message, in_tray: calls.append((message, in_tray)) or 0
    )
    assert main(argv) == 0
    assert calls == [(message, in_tray)]


def test_live_sync_follows_the_setting(qtbot: QtBot, shell: Shell) -> None:
    from dataclasses import replace

    shell.start(in_tray=True)
    assert shell.live_sync is not None  # on by default
    values = shell.window.settings_values()
    assert values.live_sync is True
    shell.window.apply_settings(replace(values, live_sync=False))
    assert shell.live_sync is None and shell.service.settings.get("live_sync") is False
    shell.window.apply_settings(replace(values, live_sync=True))
    assert shell.live_sync is not None


def test_without_a_tray_alerts_show_in_the_status_bar(
    qtbot: QtBot, registry: TokenizerRegistry
) -> None:
    shell = make_shell(qtbot, registry, tray=False)
    add_budget(shell.service)
    spend(shell.service, 8_500_000)
    shell.refresh_status()
    assert shell.window.statusBar().currentMessage().startswith("Main: 85% of budget.")
    shell.close()
