"""The interface in Simplified Chinese and in English, from the shipped catalogues."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QToolBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui import translation
from tokenbudget.gui.budgets_view import BudgetsView
from tokenbudget.gui.history_view import HistoryView
from tokenbudget.gui.main_window import MainWindow
from tokenbudget.gui.quick_popup import QuickPopup

NOW = datetime(2026, 11, 11, 12, tzinfo=UTC)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def language(qapp: QApplication) -> Iterator[object]:
    """Install a language's catalogues for one test; ``language(code)`` picks it."""
    installed: list[object] = []
    default = QLocale()

    def use(code: str) -> None:
        installed.extend(translation.install(qapp, code))

    yield use
    translation.uninstall(qapp, installed)  # type: ignore[arg-type]
    QLocale.setDefault(default)


@pytest.fixture
def service(registry: TokenizerRegistry) -> Iterator[Service]:
    svc = Service(registry)
    yield svc
    svc.close()


def labels(widget: QWidget) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel)] + [
        w.text() for w in widget.findChildren(QPushButton)
    ]


def test_the_system_locale_picks_the_language() -> None:
    china = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    taiwan = QLocale(QLocale.Language.Chinese, QLocale.Country.Taiwan)
    us = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert translation.resolve_language("system", china) == "zh_CN"
    assert translation.resolve_language("system", taiwan) == "zh_CN"  # the only Chinese
    assert translation.resolve_language("system", us) == "en"
    assert translation.resolve_language("system", german) == "en"
    assert translation.resolve_language("en", china) == "en"  # a choice beats the system
    assert translation.resolve_language("zh_CN", us) == "zh_CN"


def test_the_main_window_in_chinese(qtbot: QtBot, service: Service, language: object) -> None:
    language("zh_CN")  # type: ignore[operator]
    window = MainWindow(service, delay_ms=0)
    qtbot.addWidget(window)
    assert window.windowTitle() == "tokenbudget：这个提示词要花多少钱？"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:3] == ["文件(&F)", "视图(&V)", "转到(&G)"]
    model = window.model
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]
    assert headers == ["服务商", "模型", "Token", "上下文", "输入", "输出", "合计"]
    assert window.stats_label.text() == "0 个字符 · 0 个词 · 0 行"
    toolbar = window.findChild(QToolBar)
    assert [a.iconText() for a in toolbar.actions()] == [
        "打开",
        "选择模型",
        "Token 视图",
        "记录支出",
    ]


def test_budgets_history_and_the_popup_in_chinese(
    qtbot: QtBot, service: Service, language: object
) -> None:
    language("zh_CN")  # type: ignore[operator]
    budgets = BudgetsView(service, refresh_ms=0, clock=lambda: NOW)
    qtbot.addWidget(budgets)
    budgets.show()
    assert "还没有套餐" in labels(budgets)
    assert "添加第一个套餐…" in labels(budgets)
    history = HistoryView(service)
    qtbot.addWidget(history)
    assert "从编程工具导入用量" in labels(history)  # the empty ledger's page
    assert history.add_action.text() == "添加(&A)…"
    # lupdate files a mixin's strings under the mixin; self.tr asks under HistoryView.
    assert QCoreApplication.translate("HistoryView", "Not saved: {why}") == "未保存：{why}"
    charts = QCoreApplication.translate("HistoryView", "The charts are not available: {why}")
    assert charts == "图表不可用：{why}"  # ChartsMixin's
    # A string no catalogue has stays as it is (not empty).
    assert (
        QCoreApplication.translate("HistoryView", "Not in any catalogue") == "Not in any catalogue"
    )
    popup = QuickPopup(service, delay_ms=0)
    qtbot.addWidget(popup)
    assert "<b>快速估算</b>" in labels(popup)
    assert popup.editor.placeholderText() == "粘贴提示词，查看它的费用。"
    # Qt's own buttons come from qtbase_zh_CN.
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_english_plurals(qtbot: QtBot, service: Service, language: object) -> None:
    language("en")  # type: ignore[operator]
    translate = QCoreApplication.translate
    assert translate("BudgetsView", "%n plans · as of {time}", "", 1) == "1 plan · as of {time}"
    assert translate("BudgetsView", "%n plans · as of {time}", "", 2) == "2 plans · as of {time}"
    assert translate("EditsMixin", "Deleted %n entries. Undo with {keys}.", "", 1).startswith(
        "Deleted 1 entry."
    )
    window = MainWindow(service, delay_ms=0)
    qtbot.addWidget(window)
    window.editor.setPlainText("one")
    window.coordinator.flush()
    qtbot.waitUntil(lambda: "1 line" in window.stats_label.text())
    assert window.stats_label.text() == "3 characters · 1 word · 1 line"
    service.plans.add(Plan("Solo", PlanKind.BUDGET, "USD", 10_000_000), now=NOW)
    budgets = BudgetsView(service, refresh_ms=0, clock=lambda: NOW)
    qtbot.addWidget(budgets)
    budgets.show()
    assert any(t.startswith("1 plan · ") for t in labels(budgets))


def test_chinese_plurals_and_alerts(language: object) -> None:
    language("zh_CN")  # type: ignore[operator]
    translate = QCoreApplication.translate
    assert translate("BudgetsView", "%n plans · as of {time}", "", 1) == "1 个套餐 · 截至 {time}"
    assert translate("BudgetsView", "%n plans · as of {time}", "", 3) == "3 个套餐 · 截至 {time}"
    assert translate("Alerts", "The cap is reached.") == "已达上限。"


def test_core_messages_are_translated_and_their_numbers_localised(
    qtbot: QtBot, language: object
) -> None:
    from tokenbudget.core import message_texts as texts
    from tokenbudget.core.messages import message
    from tokenbudget.gui.formatting import error_text, render
    from tokenbudget.gui.plan_dialog import PlanDialog

    language("zh_CN")  # type: ignore[operator]
    big = message(texts.AT_MOST, what=message(texts.MONTHLY_TOKEN_CAP), high=1_000_000)
    assert big == "monthly token cap must be at most 1,000,000"  # the CLI's English
    assert render(big, QLocale(QLocale.Language.Chinese, QLocale.Country.China)) == (
        "每月 Token 上限最多为 1,000,000"
    )
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert render(big, german).endswith("1.000.000")  # the locale's grouping
    assert render("plain text") == "plain text"
    assert error_text(ValueError(message(texts.PLAN_NEEDS_NAME))) == "套餐需要名称"
    from tokenbudget.core.errors import UnknownModelError, UnknownProviderError

    assert error_text(UnknownProviderError("opnai", ["openai"])) == (
        "未知服务商“opnai”；你是不是要找 openai？"
    )
    assert error_text(UnknownModelError("model", "gpt4o")) == "未知模型“gpt4o”"
    dialog = PlanDialog(taken_names=["OpenAI API"], now=NOW, default_timezone="UTC")
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("openai api")
    dialog.amount_edit.setText("abc")
    assert dialog.message("name") == "已有名为“openai api”的套餐"
    assert dialog.message("amount") == "金额“abc”不是数字"


def test_an_alert_in_chinese(language: object) -> None:
    from tokenbudget.core import message_texts as texts
    from tokenbudget.core.alerts import Alert
    from tokenbudget.core.messages import message
    from tokenbudget.gui.tray import alert_text

    language("zh_CN")  # type: ignore[operator]
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    alert = Alert(
        plan_id=1,
        plan_name="Claude Max",
        cap=message(texts.CAP_WINDOW_TOKENS, window="5h"),
        threshold=80,
        passed=(80,),
        basis_points=8_500,
        period_start=NOW,
        resets_at=NOW,
    )
    title, body = alert_text(QWidget(), alert)
    assert title == "Claude Max：已用 5h Token 的 85%"
    assert body.startswith("已超过 80% 阈值。")
    assert "2026/11/11" in body  # the locale's date, not ISO next to it


def test_the_language_choice_is_stored_and_says_when_it_applies(
    qtbot: QtBot, service: Service
) -> None:
    from tokenbudget.gui.dialogs import SettingsDialog

    window = MainWindow(service, delay_ms=0)
    qtbot.addWidget(window)
    assert window.settings_values().language == "system"  # the default follows the system
    dialog = SettingsDialog(window.settings_values(), providers=service.providers, devices=service)
    qtbot.addWidget(dialog)
    dialog.show()
    names = [dialog.language.itemText(i) for i in range(dialog.language.count())]
    assert names[1:] == ["English", "简体中文"]  # each named in itself
    note = next(
        label
        for label in dialog.findChildren(QLabel)
        if label.text() == "Applies the next time tokenbudget starts."
    )
    assert not note.isVisible()
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    assert note.isVisible()
    dialog._accept()
    window.apply_settings(dialog.values())
    assert service.settings.get("language") == "zh_CN"
    assert translation.resolve_language(service.settings.get("language")) == "zh_CN"
