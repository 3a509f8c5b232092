"""Exact counts online in the window, against the local fake provider server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fake_providers import FRAME, FakeProviders, running
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tokenbudget.core.remote_count import PROVIDERS
from tokenbudget.core.secrets import MemoryStore
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.estimate_model import MODEL_ID_ROLE, Column
from tokenbudget.gui.main_window import MainWindow

KEY = "sk-ant-SECRET-key-987"
CLAUDE, GEMINI, GPT, GROK = "claude-sonnet-4-6", "gemini-2.5-flash", "gpt-5.5", "grok-4.20"
MODELS = [CLAUDE, GEMINI, GPT, GROK, "deepseek-v4-flash"]
TEXT = "please count these seven words exactly now"


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


@pytest.fixture
def server() -> Iterator[FakeProviders]:
    with running() as srv:
        yield srv


def make_window(
    qtbot: QtBot,
    registry: TokenizerRegistry,
    server: FakeProviders,
    *,
    enabled: tuple[str, ...] = PROVIDERS,
    keys: dict[str, str] | None = None,
    timeout: float = 5,
) -> MainWindow:
    service = Service(registry, secrets=MemoryStore(keys or dict.fromkeys(PROVIDERS, KEY)))
    service.settings.set("remote_count", {p: p in enabled for p in PROVIDERS})
    service.settings.set("base_urls", dict.fromkeys(PROVIDERS, server.url))
    service.settings.set("remote_timeout_s", timeout)
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    win.set_shown_models([service.counting.model(m) for m in MODELS], save=False)
    return win


def type_text(qtbot: QtBot, win: MainWindow, text: str) -> None:
    win.editor.setPlainText(text)
    win.coordinator.flush()
    # The local counts come from the counting process; when they settle, the online ones start.
    qtbot.waitUntil(lambda: win.coordinator.idle, timeout=30_000)


def cell(win: MainWindow, model_id: str, column: Column, role: int = 0) -> object:
    for row in range(win.model.rowCount()):
        if win.model.index(row, 0).data(MODEL_ID_ROLE) == model_id:
            return win.model.index(row, column).data(role or Qt.ItemDataRole.DisplayRole)
    raise AssertionError(model_id)


def tooltip(win: MainWindow, model_id: str) -> str:
    return str(cell(win, model_id, Column.TOKENS, Qt.ItemDataRole.ToolTipRole))


def wait_remote(qtbot: QtBot, win: MainWindow, check: Callable[[], bool]) -> None:
    qtbot.waitUntil(lambda: win.remote.idle and check(), timeout=5000)


def test_rows_show_exact_online_counts_without_tilde(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    win = make_window(qtbot, registry, server)
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: cell(win, CLAUDE, Column.TOKENS) == str(7 + FRAME))
    assert cell(win, GEMINI, Column.TOKENS) == "7"
    assert cell(win, GPT, Column.TOKENS) == "7"
    assert cell(win, GROK, Column.TOKENS) == "7"
    assert "count endpoint" not in tooltip(win, "deepseek-v4-flash")  # not online: local
    assert tooltip(win, CLAUDE) == (
        f"Exact from Anthropic's count endpoint, including the message frame "
        f"(about {FRAME} tokens)."
    )
    assert tooltip(win, GPT) == "Exact from OpenAI's count endpoint."
    # Priced from the online count; recording uses it too.
    rows = {r.model.id: r for r in win.coordinator.rows()}
    claude = rows[CLAUDE]
    assert claude.estimate is not None and claude.estimate.tokens == 7 + FRAME
    assert claude.estimate.exact
    assert win.coordinator.count_for(claude.model) == 7 + FRAME
    win.select_model(CLAUDE)
    assert win.selected_label.text() == f"{CLAUDE}: {7 + FRAME} tokens"  # no "~"
    paths = server.paths()
    assert paths.count("/v1/messages/count_tokens") == 2  # the text and the frame probe
    assert paths.count("/v1/responses/input_tokens") == 1


def test_cost_is_priced_from_the_online_count(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    win = make_window(qtbot, registry, server, enabled=("anthropic",))
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: cell(win, CLAUDE, Column.TOKENS) == str(7 + FRAME))
    row = next(r for r in win.coordinator.rows() if r.model.id == CLAUDE)
    expected = win.service.counting.price_tokens(
        row.model, 7 + FRAME, output_tokens=row.output_tokens
    )
    assert row.estimate is not None
    assert row.estimate.input_cost == expected.input_cost


def test_off_by_default_and_nothing_is_sent(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    service = Service(registry, secrets=MemoryStore({"anthropic": KEY}))
    service.settings.set("base_urls", dict.fromkeys(PROVIDERS, server.url))
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    win.set_shown_models([service.counting.model(CLAUDE)], save=False)
    type_text(qtbot, win, TEXT)
    qtbot.waitUntil(lambda: str(cell(win, CLAUDE, Column.TOKENS)).startswith("~"))
    qtbot.wait(50)
    assert win.remote.idle
    assert server.requests == []


def test_only_switched_on_providers_are_asked(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    win = make_window(qtbot, registry, server, enabled=("gemini",))
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: cell(win, GEMINI, Column.TOKENS) == "7")
    assert str(cell(win, CLAUDE, Column.TOKENS)).startswith("~")
    assert server.paths() == [f"/v1beta/models/{GEMINI}:countTokens"]


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("401", "invalid key (401)"),
        ("429", "rate limited (429, retry after 30 s)"),
        ("500", "provider error (500)"),
        ("malformed", "malformed response (not JSON)"),
    ],
)
def test_failures_keep_the_estimate_with_the_reason(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders, mode: str, reason: str
) -> None:
    server.mode = mode
    win = make_window(qtbot, registry, server, enabled=("anthropic",))
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: "failed" in tooltip(win, CLAUDE))
    assert str(cell(win, CLAUDE, Column.TOKENS)).startswith("~")
    tip = tooltip(win, CLAUDE)
    assert tip.startswith(f"Anthropic count failed: {reason}; showing the estimate (")
    assert KEY not in tip


def test_timeout_falls_back_and_the_ui_keeps_working(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    server.mode = "slow"
    server.slow_s = 1.0
    win = make_window(qtbot, registry, server, enabled=("anthropic",), timeout=0.3)
    type_text(qtbot, win, TEXT)
    assert not win.remote.idle  # in flight, and the window is not blocked
    assert str(cell(win, CLAUDE, Column.TOKENS)).startswith("~")
    wait_remote(qtbot, win, lambda: "timed out after 0.3 s" in tooltip(win, CLAUDE))


def test_no_key_is_explained(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    win = make_window(qtbot, registry, server, enabled=("openai",), keys={"anthropic": KEY})
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: "failed" in tooltip(win, GPT))
    assert "no API key is stored" in tooltip(win, GPT)
    assert server.requests == []


def test_offline_falls_back(qtbot: QtBot, registry: TokenizerRegistry) -> None:
    with running() as srv:
        pass  # closed: its port now refuses
    win = make_window(qtbot, registry, srv, enabled=("xai",))
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: "failed" in tooltip(win, GROK))
    assert "xAI count failed: offline or unreachable" in tooltip(win, GROK)


def test_one_request_in_flight_per_provider_and_newest_text_wins(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    server.delay_s = 0.3
    win = make_window(qtbot, registry, server, enabled=("openai",))
    type_text(qtbot, win, "one two")
    qtbot.waitUntil(lambda: len(server.requests) == 1)
    type_text(qtbot, win, "one two three")
    type_text(qtbot, win, "one two three four")  # replaces the waiting one
    wait_remote(qtbot, win, lambda: cell(win, GPT, Column.TOKENS) == "4")
    sent = [r.body["input"] for r in server.requests]
    assert sent == ["one two", "one two three four"]  # never two at once, the middle dropped


def test_old_answers_are_dropped_and_repeats_are_cached(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    server.delay_s = 0.2
    win = make_window(qtbot, registry, server, enabled=("openai",))
    type_text(qtbot, win, "alpha beta gamma")
    qtbot.waitUntil(lambda: len(server.requests) == 1)
    win.editor.setPlainText("x")  # the text changes while the request is out
    qtbot.waitUntil(lambda: win.remote.idle, timeout=3000)
    assert str(cell(win, GPT, Column.TOKENS)) != "3"  # the old answer was not shown
    wait_remote(qtbot, win, lambda: cell(win, GPT, Column.TOKENS) == "1")
    type_text(qtbot, win, "alpha beta gamma")  # counted before: from the cache
    wait_remote(qtbot, win, lambda: cell(win, GPT, Column.TOKENS) == "3")
    assert [r.body["input"] for r in server.requests] == ["alpha beta gamma", "x"]


def test_switching_a_provider_off_shows_estimates_again(
    qtbot: QtBot, registry: TokenizerRegistry, server: FakeProviders
) -> None:
    win = make_window(qtbot, registry, server, enabled=("anthropic",))
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: cell(win, CLAUDE, Column.TOKENS) == str(7 + FRAME))
    win.service.settings.set("remote_count", {"anthropic": False})
    win.coordinator.refresh()
    assert str(cell(win, CLAUDE, Column.TOKENS)).startswith("~")


def test_worker_never_logs_the_key(
    qtbot: QtBot,
    registry: TokenizerRegistry,
    server: FakeProviders,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    server.mode = "401"
    win = make_window(qtbot, registry, server)
    type_text(qtbot, win, TEXT)
    wait_remote(qtbot, win, lambda: "failed" in tooltip(win, GROK))
    out, err = capfd.readouterr()
    assert KEY not in out + err + caplog.text
    for model in MODELS:
        assert KEY not in tooltip(win, model)
    assert server.requests  # the real endpoints were asked (and refused the key)
