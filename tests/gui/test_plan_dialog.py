"""The plan dialog: every field is checked as it is typed, with its message beside it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from tokenbudget.core.plan_input import FIELDS
from tokenbudget.core.plans import Plan, PlanKind, WindowCap
from tokenbudget.gui.plan_dialog import PlanDialog

NOW = datetime(2026, 11, 11, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def c_locale() -> Iterator[None]:
    """Numbers typed the C way (``1,234.5``) unless a test picks another locale."""
    before = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(before)


def make(qtbot: QtBot, plan: Plan | None = None, **kw: object) -> PlanDialog:
    dialog = PlanDialog(plan, now=NOW, default_timezone="Europe/Berlin", **kw)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace an edit's text by typing it (ASCII only: CJK goes through setText)."""
    edit.clear()
    if text:
        qtbot.keyClicks(edit, text)


def choose_kind(dialog: PlanDialog, kind: PlanKind) -> None:
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData(kind.value))


def test_a_new_plan_starts_with_hints_and_ok_disabled(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    assert dialog.windowTitle() == "Add plan"
    assert not dialog.ok_button.isEnabled()
    # Required fields not reached yet: a quiet hint under each, not an error.
    assert dialog.message("name") == "a plan needs a name"
    assert dialog.message("amount") == "set the monthly budget"
    assert not dialog.is_error_shown("name")
    assert not dialog.is_error_shown("amount")
    assert dialog.message("currency") == ""
    assert dialog.timezone_box.currentText() == "Europe/Berlin"


def test_typing_a_valid_plan_enables_ok(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    qtbot.keyClicks(dialog.name_edit, "OpenAI API")
    qtbot.keyClicks(dialog.amount_edit, "1,234.50")
    assert dialog.errors() == {}
    assert dialog.ok_button.isEnabled()
    assert dialog.message("name") == ""
    plan = dialog.plan()
    assert plan == Plan(
        "OpenAI API", PlanKind.BUDGET, "USD", 1_234_500_000, timezone="Europe/Berlin"
    )


def test_clearing_a_required_field_shows_an_error(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    qtbot.keyClicks(dialog.name_edit, "x")
    qtbot.keyClicks(dialog.amount_edit, "5")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.name_edit, "\b")  # backspace: empty again
    assert dialog.is_error_shown("name")
    assert dialog.message("name") == "a plan needs a name"
    assert not dialog.ok_button.isEnabled()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "amount 'abc' is not a number"),
        ("-5", "amount must be greater than 0"),
        ("0", "amount must be greater than 0"),
    ],
)
def test_a_bad_amount_is_explained_under_it(qtbot: QtBot, text: str, message: str) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("x")
    qtbot.keyClicks(dialog.amount_edit, text)
    assert dialog.message("amount") == message
    assert dialog.is_error_shown("amount")
    assert not dialog.ok_button.isEnabled()
    dialog.amount_edit.setText("12.5")
    assert dialog.message("amount") == ""
    assert dialog.ok_button.isEnabled()


def test_the_amount_says_what_it_is_for_each_kind(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("x")
    for kind, message in (
        (PlanKind.SUBSCRIPTION, "set the monthly fee"),
        (PlanKind.PREPAID, "set the balance you topped up"),
        (PlanKind.BUDGET, "set the monthly budget"),
    ):
        choose_kind(dialog, kind)
        assert dialog.message("amount") == message


def test_a_taken_name_is_refused_whatever_its_case(qtbot: QtBot) -> None:
    dialog = make(qtbot, taken_names=["OpenAI API"])
    qtbot.keyClicks(dialog.name_edit, "openai api")
    dialog.amount_edit.setText("5")
    assert dialog.message("name") == "a plan named 'openai api' already exists"
    assert not dialog.ok_button.isEnabled()


def test_a_chinese_name(qtbot: QtBot) -> None:
    dialog = make(qtbot, taken_names=["OpenAI API"])
    dialog.name_edit.setText("DeepSeek 充值")
    choose_kind(dialog, PlanKind.PREPAID)
    dialog.currency_box.setCurrentText("CNY")
    dialog.amount_edit.setText("200")
    dialog.low_balance_edit.setText("30")
    plan = dialog.plan()
    assert (plan.name, plan.kind, plan.currency) == ("DeepSeek 充值", PlanKind.PREPAID, "CNY")
    assert (plan.amount_micros, plan.low_balance_micros) == (200_000_000, 30_000_000)


def test_subscription_caps_each_have_a_message(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("Claude Max")
    choose_kind(dialog, PlanKind.SUBSCRIPTION)
    dialog.amount_edit.setText("100")
    assert dialog.limits_box.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.monthly_tokens_edit, "lots")
    qtbot.keyClicks(dialog.window_edits["window_5h_tokens"], "0")
    qtbot.keyClicks(dialog.window_edits["window_5h_requests"], "200")
    qtbot.keyClicks(dialog.window_edits["window_7d_requests"], "1.5")
    qtbot.keyClicks(dialog.windows_edit, "5h:tokens=3")
    assert dialog.errors() == {
        "monthly_tokens": "monthly token cap must be a whole number",
        "window_5h_tokens": "5-hour token cap must be greater than 0",
        "window_7d_requests": "weekly request cap must be a whole number",
        "windows": "set the 5-hour and weekly windows in their own fields",
    }
    for field, message in dialog.errors().items():
        assert dialog.message(field) == message
        assert dialog.is_error_shown(field)
    assert dialog.message("window_5h_requests") == ""
    assert not dialog.ok_button.isEnabled()

    dialog.monthly_tokens_edit.setText("40,000,000")
    dialog.window_edits["window_5h_tokens"].setText("2,000,000")
    dialog.window_edits["window_7d_requests"].setText("1500")
    dialog.windows_edit.setText("24h:tokens=9000000")
    assert dialog.ok_button.isEnabled()
    plan = dialog.plan()
    assert plan.monthly_token_cap == 40_000_000
    assert plan.windows == (
        WindowCap(5, 2_000_000, 200),
        WindowCap(168, None, 1500),
        WindowCap(24, 9_000_000, None),
    )


def test_caps_of_a_subscription_are_dropped_when_it_becomes_a_budget(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("x")
    dialog.amount_edit.setText("5")
    choose_kind(dialog, PlanKind.SUBSCRIPTION)
    dialog.window_edits["window_5h_tokens"].setText("1000")
    dialog.monthly_tokens_edit.setText("oops")
    assert not dialog.ok_button.isEnabled()
    choose_kind(dialog, PlanKind.BUDGET)
    assert not dialog.limits_box.isVisibleTo(dialog)
    assert dialog.ok_button.isEnabled()  # the hidden, invalid cap no longer counts
    plan = dialog.plan()
    assert (plan.kind, plan.windows, plan.monthly_token_cap) == (PlanKind.BUDGET, (), None)


def test_rows_follow_the_kind(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    budget_rows = {"reset_day": True, "timezone": True, "low_balance": False}
    prepaid_rows = {"reset_day": False, "timezone": False, "low_balance": True}
    for field, shown in budget_rows.items():
        assert dialog.editor(field).isVisibleTo(dialog) is shown, field
    choose_kind(dialog, PlanKind.PREPAID)
    for field, shown in prepaid_rows.items():
        assert dialog.editor(field).isVisibleTo(dialog) is shown, field


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        (
            "timezone",
            "Mars/Olympus",
            "unknown time zone 'Mars/Olympus' (use a name like Asia/Shanghai)",
        ),
        ("thresholds", "eighty", "threshold must be a whole number"),
        ("thresholds", "5000", "thresholds are percentages (e.g. 80)"),
    ],
)
def test_other_fields_are_checked_too(qtbot: QtBot, field: str, text: str, message: str) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("x")
    dialog.amount_edit.setText("5")
    if field == "timezone":
        dialog.timezone_box.setCurrentText(text)
    else:
        type_into(qtbot, dialog.thresholds_edit, text)
    assert dialog.message(field) == message
    assert not dialog.ok_button.isEnabled()


def test_a_negative_low_balance(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("x")
    choose_kind(dialog, PlanKind.PREPAID)
    dialog.amount_edit.setText("5")
    qtbot.keyClicks(dialog.low_balance_edit, "-1")
    assert dialog.message("low_balance") == "low balance must be 0 or more"


def test_every_field_has_its_message_next_to_it(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    for field in FIELDS:
        assert dialog.message_label(field).parentWidget() is dialog.editor(field).parentWidget()
    choose_kind(dialog, PlanKind.SUBSCRIPTION)
    dialog.amount_edit.setText("abc")
    dialog.timezone_box.setCurrentText("Nowhere")
    dialog.thresholds_edit.setText("x")
    dialog.monthly_tokens_edit.setText("x")
    for edit in dialog.window_edits.values():
        edit.setText("x")
    dialog.windows_edit.setText("x")
    dialog.resize(dialog.sizeHint())
    qtbot.waitUntil(lambda: dialog.message_label("windows").height() > 0)
    shown = set(dialog.errors())
    assert len(shown) == 10
    for field in shown:
        label, editor = dialog.message_label(field), dialog.editor(field)
        assert label.isVisible(), field
        # Right under its field, from the same left edge.
        assert label.y() >= editor.y() + editor.height(), field
        assert label.x() == editor.x(), field


def test_editing_fills_every_field_and_keeps_the_plan(qtbot: QtBot) -> None:
    plan = Plan(
        "Claude Max",
        PlanKind.SUBSCRIPTION,
        "USD",
        100_500_000,
        providers=("anthropic",),
        models=("claude-*",),
        reset_day=9,
        timezone="Asia/Shanghai",
        monthly_token_cap=40_000_000,
        windows=(WindowCap(5, 2_000_000, None), WindowCap(168, None, 1500)),
        thresholds=(75, 100),
        start=datetime(2026, 11, 1, 8, 15, 30, 123_456, tzinfo=UTC),
        id=7,
    )
    dialog = make(qtbot, plan, taken_names=["Other"])
    assert dialog.windowTitle() == "Edit plan"
    assert dialog.ok_button.text() == "Save"
    assert dialog.amount_edit.text() == "100.5"
    assert dialog.monthly_tokens_edit.text() == "40,000,000"
    assert dialog.window_edits["window_5h_tokens"].text() == "2,000,000"
    assert dialog.window_edits["window_7d_requests"].text() == "1,500"
    assert dialog.start_check.isChecked()
    assert dialog.ok_button.isEnabled()
    assert dialog.plan() == plan  # nothing changed: the same plan, its id and start exact
    dialog.amount_edit.setText("120")
    assert dialog.plan().amount_micros == 120_000_000
    assert dialog.plan().id == 7


def test_the_start_moment(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("x")
    dialog.amount_edit.setText("5")
    assert dialog.plan().start is None
    assert not dialog.start_edit.isEnabled()
    dialog.start_check.setChecked(True)
    assert dialog.start_edit.isEnabled()
    moment = datetime(2026, 11, 3, 7, 45, tzinfo=UTC)
    dialog.start_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment.timestamp())))
    assert dialog.plan().start == moment


def test_paused(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.name_edit.setText("x")
    dialog.amount_edit.setText("5")
    assert dialog.plan().active
    dialog.paused_check.setChecked(True)
    assert not dialog.plan().active


def test_numbers_in_the_users_locale(qtbot: QtBot) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    plan = Plan("x", PlanKind.PREPAID, "EUR", 1_234_500_000, low_balance_micros=20_250_000)
    dialog = make(qtbot, plan)
    assert dialog.amount_edit.text() == "1234,5"
    assert dialog.low_balance_edit.text() == "20,25"
    dialog.amount_edit.setText("2.345,75")
    dialog.low_balance_edit.setText("10,5")
    assert dialog.plan().amount_micros == 2_345_750_000
    assert dialog.plan().low_balance_micros == 10_500_000
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("subscription"))
    dialog.monthly_tokens_edit.setText("40.000.000")
    assert dialog.plan().monthly_token_cap == 40_000_000


def test_ok_closes_only_a_valid_dialog(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.accept()  # as Enter would
    assert dialog.isVisible()
    assert dialog.is_error_shown("name")  # what was a hint is now an error
    dialog.name_edit.setText("x")
    dialog.amount_edit.setText("5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
