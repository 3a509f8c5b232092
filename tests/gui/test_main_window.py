"""The estimate window on the offscreen platform: counting, sorting, recording, files, settings."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.counting import CountCoordinator, OutputSetting
from tokenbudget.gui.estimate_model import (
    CHEAPEST_ROLE,
    MODEL_ID_ROLE,
    SORT_ROLE,
    Column,
    EstimateModel,
)
from tokenbudget.gui.main_window import MainWindow

MODELS = ["gpt-5.5", "gpt-5.4-mini", "claude-sonnet-4-6", "deepseek-v4-flash", "qwen-plus"]


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


@pytest.fixture
def window(qtbot: QtBot, registry: TokenizerRegistry) -> MainWindow:
    service = Service(registry)
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    win.set_shown_models([service.counting.model(m) for m in MODELS], save=False)
    return win


def type_and_settle(qtbot: QtBot, win: MainWindow, text: str) -> None:
    win.editor.setPlainText(text)
    win.coordinator.flush()
    qtbot.waitUntil(lambda: win.coordinator.idle)  # the counting process has answered
    qtbot.waitUntil(lambda: all(r.estimate is not None for r in win.model.rows()))


def row_of(win: MainWindow, model_id: str) -> int:
    for row in range(win.model.rowCount()):
        if win.model.index(row, 0).data(MODEL_ID_ROLE) == model_id:
            return row
    raise AssertionError(model_id)


def cell(
    win: MainWindow, model_id: str, column: Column, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    return win.model.index(row_of(win, model_id), column).data(role)


def hold_requests(coordinator: CountCoordinator) -> list[Callable[[], None]]:
    """Requests to the counting process are held until the test sends them."""
    held: list[Callable[[], None]] = []
    send = coordinator.backend.submit

    def hold(job: int, text: str, keys: list[str], stats: bool) -> None:
        held.append(lambda: send(job, text, keys, stats))

    coordinator.backend.submit = hold  # type: ignore[method-assign]
    return held


def test_rows_show_loading_until_their_count_arrives(
    qtbot: QtBot, registry: TokenizerRegistry
) -> None:
    service = Service(registry)
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    held = hold_requests(win.coordinator)
    win.set_shown_models([service.counting.model(m) for m in MODELS], save=False)
    win.editor.setPlainText("counting happens elsewhere")
    win.coordinator.flush()
    assert win.model.rowCount() == len(MODELS)
    # Shown as loading once the count takes a while; the window works meanwhile.
    qtbot.waitUntil(lambda: cell(win, "gpt-5.5", Column.TOKENS) == "loading…")
    assert win.coordinator.requests == 1  # the empty text before was counted here
    assert win.editor.isEnabled()
    for job in list(held):
        job()
    qtbot.waitUntil(lambda: cell(win, "gpt-5.5", Column.TOKENS) != "loading…")
    assert cell(win, "gpt-5.5", Column.TOKENS, SORT_ROLE) == registry.get("o200k_base").count(
        "counting happens elsewhere"
    )


def test_typing_updates_counts(
    qtbot: QtBot, window: MainWindow, registry: TokenizerRegistry
) -> None:
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "Hello world, how much is this?")
    window.coordinator.flush()
    qtbot.waitUntil(lambda: window.coordinator.idle)  # the counting process has answered
    qtbot.waitUntil(lambda: cell(window, "gpt-5.5", Column.TOKENS) != "loading…")
    expected = registry.get("o200k_base").count("Hello world, how much is this?")
    assert cell(window, "gpt-5.5", Column.TOKENS) == str(expected)
    assert cell(window, "gpt-5.5", Column.TOKENS, SORT_ROLE) == expected
    assert str(cell(window, "claude-sonnet-4-6", Column.TOKENS)).startswith("~")
    assert "estimate" in str(
        cell(window, "claude-sonnet-4-6", Column.TOKENS, Qt.ItemDataRole.ToolTipRole)
    )


def test_chinese_text_is_counted(
    qtbot: QtBot, window: MainWindow, registry: TokenizerRegistry
) -> None:
    text = "请用三句话总结这篇文章，并列出三个关键词。"
    type_and_settle(qtbot, window, text)
    assert cell(window, "deepseek-v4-flash", Column.TOKENS, SORT_ROLE) == registry.get(
        "deepseek-v3"
    ).count(text)
    assert cell(window, "qwen-plus", Column.TOKENS, SORT_ROLE) == registry.get("qwen2").count(text)


def test_stale_results_are_dropped(qtbot: QtBot) -> None:
    service = Service()
    coordinator = CountCoordinator(service, delay_ms=0)
    jobs = hold_requests(coordinator)
    coordinator.set_models([service.counting.model("gpt-5.5")])
    coordinator.set_text("first text, which is longer")
    coordinator.flush()
    first_jobs = list(jobs)
    jobs.clear()
    coordinator.set_text("second")
    coordinator.flush()
    for job in jobs:  # the newer job finishes first ...
        job()
    qtbot.waitUntil(lambda: coordinator.rows()[0].estimate is not None)
    second = coordinator.rows()[0].estimate
    for job in first_jobs:  # ... and the stale one arrives late
        job()
    qtbot.waitUntil(lambda: coordinator.idle)  # its reply is in, and dropped
    assert coordinator.rows()[0].estimate == second
    assert second is not None and second.tokens == 1


def test_changing_models_reprices_without_recounting(qtbot: QtBot, window: MainWindow) -> None:
    type_and_settle(qtbot, window, "Re-pricing must not re-tokenise. " * 20)
    calls: list[str] = []
    backend = window.coordinator.backend
    original = backend.submit

    def spy(job: int, text: str, keys: list[str], stats: bool) -> None:
        calls.extend(keys)  # what the counting process is asked to count
        original(job, text, keys, stats)

    backend.submit = spy  # type: ignore[method-assign]
    counting = window.service.counting
    window.set_shown_models(
        [counting.model("gpt-5.5"), counting.model("gpt-4o"), counting.model("claude-sonnet-4-6")],
        save=False,
    )
    assert calls == []  # gpt-4o shares o200k with gpt-5.5: priced from the known count
    assert cell(window, "gpt-4o", Column.TOKENS) == cell(window, "gpt-5.5", Column.TOKENS)
    window.set_shown_models(
        [counting.model("gpt-5.5"), counting.model("mistral-small-latest")], save=False
    )
    qtbot.waitUntil(lambda: cell(window, "mistral-small-latest", Column.TOKENS) != "loading…")
    assert calls == ["mistral-tekken"]  # only the new vocabulary is counted


def test_sorting_is_numeric(qtbot: QtBot, window: MainWindow) -> None:
    type_and_settle(qtbot, window, "A prompt " * 200)
    window.output_tokens.setValue(1000)
    window.table.sortByColumn(Column.TOTAL, Qt.SortOrder.AscendingOrder)
    totals = [
        window.proxy.index(r, Column.TOTAL).data(SORT_ROLE) for r in range(window.proxy.rowCount())
    ]
    assert totals == sorted(totals)
    window.table.sortByColumn(Column.TOKENS, Qt.SortOrder.DescendingOrder)
    tokens = [
        window.proxy.index(r, Column.TOKENS).data(SORT_ROLE) for r in range(window.proxy.rowCount())
    ]
    assert tokens == sorted(tokens, reverse=True)


def test_the_cheapest_row_is_highlighted(qtbot: QtBot, window: MainWindow) -> None:
    type_and_settle(qtbot, window, "Which model is cheapest for this? " * 30)
    cheapest = [
        window.model.index(r, 0).data(MODEL_ID_ROLE)
        for r in range(window.model.rowCount())
        if window.model.index(r, 0).data(CHEAPEST_ROLE)
    ]
    assert len(cheapest) == 1
    usd_totals = {
        r.model.id: r.estimate.total_cost.amount
        for r in window.model.rows()
        if r.estimate and r.estimate.total_cost and r.estimate.total_cost.currency == "USD"
    }
    assert cheapest[0] == min(usd_totals, key=lambda k: usd_totals[k])
    assert (
        window.model.index(row_of(window, cheapest[0]), 0).data(Qt.ItemDataRole.BackgroundRole)
        is not None
    )


def test_output_as_a_multiple_of_input(qtbot: QtBot, window: MainWindow) -> None:
    type_and_settle(qtbot, window, "word " * 100)
    window.output_mode.setCurrentIndex(1)
    window.output_multiple.setValue(2.0)
    row = window.model.rows()[row_of(window, "gpt-5.5")]
    assert row.estimate is not None
    assert row.output_tokens == 2 * row.estimate.tokens
    assert row.estimate.output_cost is not None
    assert row.estimate.output_cost.amount == D(row.output_tokens) * D("0.00003")


def test_record_creates_an_entry(qtbot: QtBot, window: MainWindow) -> None:
    type_and_settle(qtbot, window, "Record me, please.")
    window.select_model("gpt-5.5")
    dialog = window._record_dialog()
    qtbot.addWidget(dialog)
    assert dialog.model_box.currentData() == "gpt-5.5"
    dialog.output.setValue(250)
    dialog.note.setText("from the window")
    with qtbot.waitSignal(window.recorded) as signal:
        entry_id = window.record_choice(dialog)
    assert signal.args == [entry_id]
    entry = window.service.entries.entry(entry_id or 0)
    assert entry.model == "gpt-5.5"
    assert entry.source == "estimate"
    assert entry.tokens.output_tokens == 250
    assert entry.note == "from the window"
    assert entry.cost_micros is not None and entry.currency == "USD"


def test_file_drop_and_open(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "prompt.md"
    path.write_text("# A dropped prompt\nSummarise it.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.editor.file_loaded):
        window.editor.dropEvent(event)
    assert window.editor.toPlainText() == "# A dropped prompt\nSummarise it.\n"
    other = tmp_path / "other.txt"
    other.write_text("opened", encoding="utf-8")
    assert window.editor.load_file(other)
    assert window.editor.toPlainText() == "opened"


def test_a_binary_file_is_refused_with_a_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(str(a[2])))
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    window.editor.setPlainText("keep me")
    assert not window.editor.load_file(path)
    assert window.editor.toPlainText() == "keep me"  # nothing lost
    assert shown and "binary" in shown[0]


def test_settings_persist_and_reprice(
    qtbot: QtBot, window: MainWindow, registry: TokenizerRegistry
) -> None:
    from datetime import date

    from tokenbudget.core.money import ExchangeRate
    from tokenbudget.gui.dialogs import SettingsValues

    type_and_settle(qtbot, window, "price me in yuan")
    window.apply_settings(
        SettingsValues("CNY", (ExchangeRate("CNY", D("7.2"), date(2026, 11, 20)),), "none", 15)
    )
    row = window.model.rows()[row_of(window, "gpt-5.5")]
    assert row.estimate is not None and row.estimate.total_cost is not None
    assert row.estimate.total_cost.currency == "CNY" and row.estimate.total_cost.converted
    assert str(cell(window, "gpt-5.5", Column.TOTAL)).startswith("≈¥")
    assert window.editor.font().pointSize() == 15
    again = MainWindow(Service(registry), delay_ms=0)
    qtbot.addWidget(again)
    values = again.settings_values()
    assert values.display_currency == "CNY"
    assert values.prompt_text == "none"
    assert values.font_size == 15
    assert values.rates[0].per_usd == D("7.2")


def test_shown_models_and_geometry_are_restored(
    qtbot: QtBot, window: MainWindow, registry: TokenizerRegistry
) -> None:
    counting = window.service.counting
    window.set_shown_models([counting.model("glm-5.3"), counting.model("kimi-k2.6")])
    window.resize(700, 450)  # the offscreen screen is 800 x 600
    window.splitter.setSizes([300, 600])
    window.save_window_state()
    again = MainWindow(Service(registry), delay_ms=0)
    qtbot.addWidget(again)
    assert [m.id for m in again.shown_models()] == ["glm-5.3", "kimi-k2.6"]
    assert again.size().width() == 700


def test_status_bar_counts(qtbot: QtBot, window: MainWindow) -> None:
    type_and_settle(qtbot, window, "one two three\nfour five\n")
    window.select_model("gpt-5.5")
    assert "24 characters" in window.stats_label.text()
    assert "5 words" in window.stats_label.text()
    assert "2 lines" in window.stats_label.text()
    assert window.selected_label.text().startswith("gpt-5.5: ")


def test_estimate_model_passes_the_model_tester(
    qtmodeltester, qtbot: QtBot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    type_and_settle(qtbot, window, "model tester")
    qtmodeltester.check(window.model)
    qtmodeltester.check(EstimateModel())


def test_output_setting_rounds_multiples() -> None:
    assert OutputSetting(tokens=7).for_input(1000) == 7
    assert OutputSetting(multiple=D("0.5")).for_input(5) == 3


def test_a_large_paste_is_inserted_progressively_and_undoes_in_one_step(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtGui import QGuiApplication

    window.editor.setPlainText("before ")
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    big = ("Line with emoji 👍🏽 and 中文 text.\n" * 30_000)[:700_000]
    QGuiApplication.clipboard().setText(big)
    changes: list[int] = []
    window.editor.textChanged.connect(lambda: changes.append(1))
    window.editor.paste()
    assert window.editor.pasting  # not all inserted in one go
    qtbot.waitUntil(lambda: not window.editor.pasting, timeout=10_000)
    assert window.editor.toPlainText() == "before " + big
    assert changes == [1]  # one textChanged for the whole paste
    assert not window.editor.isReadOnly()
    window.editor.undo()
    assert window.editor.toPlainText() == "before "


def test_word_counts_in_slices_match_split() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from tokenbudget.core.textstats import count_words

    @given(st.text(alphabet="ab 中\n\t", max_size=300), st.integers(min_value=1, max_value=40))
    def check(text: str, step: int) -> None:
        assert count_words(text, step) == len(text.split())

    check()


def test_expected_output_applies_from_the_start(qtbot: QtBot, registry: TokenizerRegistry) -> None:
    win = MainWindow(Service(registry), delay_ms=0)
    qtbot.addWidget(win)
    win.coordinator.flush()
    qtbot.waitUntil(lambda: win.coordinator.idle)  # the counting process has answered
    expected = win.output_tokens.value()
    rows = [r for r in win.model.rows() if r.estimate is not None]
    assert rows and all(r.output_tokens == expected for r in rows)
    assert any(
        r.estimate.output_cost and r.estimate.output_cost.amount > 0 for r in rows if r.estimate
    )


def test_no_row_is_cheapest_when_the_lowest_total_is_tied(qtbot: QtBot, window: MainWindow) -> None:
    window.output_tokens.setValue(0)
    type_and_settle(qtbot, window, "")
    flags = [window.model.index(r, 0).data(CHEAPEST_ROLE) for r in range(window.model.rowCount())]
    assert not any(flags)


def test_the_app_counts_in_a_child_process(qtbot: QtBot, registry: TokenizerRegistry) -> None:
    service = Service(registry)
    win = MainWindow(service, delay_ms=0)  # no runner: the real counting process
    qtbot.addWidget(win)
    try:
        win.set_shown_models([service.counting.model(m) for m in MODELS], save=False)
        text = "Counted elsewhere, shown here. 在另一个进程里计数。\n" * 500
        win.editor.setPlainText(text)
        win.coordinator.flush()
        # The first count starts the child and loads its vocabularies.
        qtbot.waitUntil(lambda: win.coordinator.idle, timeout=60_000)
        assert cell(win, "gpt-5.5", Column.TOKENS, SORT_ROLE) == registry.get("o200k_base").count(
            text
        )
        assert cell(win, "qwen-plus", Column.TOKENS, SORT_ROLE) == registry.get("qwen2").count(text)
        qtbot.waitUntil(lambda: win.coordinator.idle, timeout=30_000)
        assert win.coordinator.stats.chars == len(text)
        # A keystroke: the previous counts stay shown (marked) until the new ones arrive.
        cursor = win.editor.textCursor()
        cursor.setPosition(100)
        cursor.insertText("x")
        win.coordinator.flush()
        assert cell(win, "gpt-5.5", Column.TOKENS, SORT_ROLE) is not None
        qtbot.waitUntil(lambda: win.coordinator.idle, timeout=30_000)
        assert cell(win, "gpt-5.5", Column.TOKENS, SORT_ROLE) == registry.get("o200k_base").count(
            win.editor.toPlainText()
        )
    finally:
        win.coordinator.close()


def test_start_at_login_writes_and_removes_the_autostart_entry(window: MainWindow) -> None:
    from dataclasses import replace

    from tokenbudget.core import autostart

    values = window.settings_values()
    assert values.start_at_login is False
    window.apply_settings(replace(values, start_at_login=True))
    assert autostart.is_enabled()
    assert autostart.command_of(autostart.paths.autostart_file())[-1] == "--tray"
    assert window.settings_values().start_at_login is True
    window.apply_settings(replace(values, start_at_login=False))
    assert not autostart.is_enabled()


def test_a_two_megabyte_single_line_paste_shows_progress_and_ends_exact(
    qtbot: QtBot, window: MainWindow, registry: TokenizerRegistry
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    record = '{"id":7,"name":"数据 ok","values":[1.5,2.25],"flag":true,"note":"a b c"},'
    line = ("[" + record * (2_000_000 // len(record)))[:2_000_000]
    QGuiApplication.clipboard().setText(line)
    seen: list[bool] = []
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(
        lambda: (ticks.append(1), seen.append(not window.paste_progress.isHidden()))
    )
    timer.start()
    window.editor.setFocus()
    window.editor.paste()
    qtbot.waitUntil(lambda: not window.editor.pasting, timeout=60_000)
    window.coordinator.flush()
    qtbot.waitUntil(lambda: window.coordinator.idle, timeout=60_000)
    timer.stop()
    assert True in seen  # the bar was up while the text went in, and the loop kept running
    assert len(ticks) > 2
    assert window.paste_progress.isHidden()
    assert window.editor.text() == line
    qtbot.waitUntil(lambda: cell(window, "gpt-5.5", Column.TOKENS, SORT_ROLE) is not None)
    expected = registry.get("o200k_base").count(line)
    assert cell(window, "gpt-5.5", Column.TOKENS, SORT_ROLE) == expected


def test_a_text_counted_before_is_answered_without_a_request(
    qtbot: QtBot, window: MainWindow, registry: TokenizerRegistry
) -> None:
    coordinator = window.coordinator
    type_and_settle(qtbot, window, "Hello there")
    counted = cell(window, "gpt-5.5", Column.TOKENS, SORT_ROLE)
    before = coordinator.requests
    window.editor.setFocus()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, "!")
    coordinator.flush()
    qtbot.waitUntil(lambda: coordinator.idle)
    assert coordinator.requests == before + 1  # a new text: counted in the child
    qtbot.waitUntil(lambda: not any(row.updating for row in window.model.rows()))
    qtbot.keyClick(window.editor, Qt.Key.Key_Backspace)  # back to a text counted before
    coordinator.flush()
    assert coordinator.idle  # answered at once ...
    assert coordinator.requests == before + 1  # ... without a round trip
    assert not any(row.updating for row in window.model.rows())
    assert cell(window, "gpt-5.5", Column.TOKENS, SORT_ROLE) == counted
    assert counted == registry.get("o200k_base").count("Hello there")
    assert coordinator.stats.chars == len("Hello there")
    window.editor.clear()  # an empty text counts 0 without asking either
    coordinator.flush()
    assert coordinator.idle and coordinator.requests == before + 1
    assert cell(window, "gpt-5.5", Column.TOKENS, SORT_ROLE) == 0


def test_a_keystrokes_counts_change_the_table_once(
    qtbot: QtBot, window: MainWindow, registry: TokenizerRegistry
) -> None:
    """The counts of one keystroke arrive key by key; the table changes when all are in."""
    text = "".join(f"line {i} of a prompt that is being edited\n" for i in range(400))
    type_and_settle(qtbot, window, text)
    before = cell(window, "gpt-5.5", Column.TOKENS)
    window.coordinator._stale_timer.setInterval(60_000)  # never "still updating" here
    updates: list[int] = []
    window.coordinator.updated.connect(lambda: updates.append(1))
    cursor = window.editor.textCursor()
    cursor.setPosition(len(text) // 2)
    cursor.insertText(" and one more word")
    window.coordinator.flush()
    qtbot.waitUntil(lambda: window.coordinator.idle)
    qtbot.wait(20)  # anything still queued for the table
    assert updates == [1]
    edited = window.editor.text()
    expected = registry.get("o200k_base").count(edited)
    assert cell(window, "gpt-5.5", Column.TOKENS, SORT_ROLE) == expected
    assert cell(window, "gpt-5.5", Column.TOKENS) != before  # the shown text too
    assert cell(window, "qwen-plus", Column.TOKENS, SORT_ROLE) == registry.get("qwen2").count(
        edited
    )


def test_counts_held_back_for_the_stats_show_when_the_stats_are_skipped(qtbot: QtBot) -> None:
    from tokenbudget.core.countproc import CountReply, SkippedReply

    service = Service()
    coordinator = CountCoordinator(service, delay_ms=0)
    hold_requests(coordinator)
    coordinator.set_models([service.counting.model("gpt-5.5")])
    coordinator._stale_timer.setInterval(60_000)
    coordinator.set_text("a text")
    coordinator.flush()
    updates: list[int] = []
    coordinator.updated.connect(lambda: updates.append(1))
    job = (coordinator.backend.channel, coordinator.job_id)
    coordinator._on_replies([CountReply(job, "o200k_base", 2)])
    assert updates == []  # the stats are still due: one update for both
    coordinator._on_replies([SkippedReply(job, None)])
    assert updates == [1] and coordinator.idle
    assert coordinator.rows()[0].estimate is not None
    coordinator.close()
