"""The window tells the counting process which vocabularies its shown rows need."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.count_channel import CountHub
from tokenbudget.gui.counting import CountCoordinator


def spy_keeps(coordinator: CountCoordinator) -> list[list[str]]:
    sent: list[list[str]] = []
    original = coordinator.backend.keep

    def keep(tokenizer_ids: list[str]) -> None:
        sent.append(list(tokenizer_ids))
        original(tokenizer_ids)

    coordinator.backend.keep = keep  # type: ignore[method-assign]
    return sent


def test_changing_the_shown_models_sends_the_vocabularies_they_need(
    qtbot: QtBot, registry: TokenizerRegistry
) -> None:
    service = Service(registry)
    coordinator = CountCoordinator(service, delay_ms=0)
    sent = spy_keeps(coordinator)
    model = service.counting.model
    coordinator.set_models([model("gpt-5.5"), model("qwen-plus")])
    # An estimator needs its base vocabulary: Claude's is counted with o200k.
    coordinator.set_models([model("gpt-5.5"), model("qwen-plus"), model("claude-sonnet-4-6")])
    coordinator.set_models([model("gemini-3.8-flash")])
    coordinator.set_models([])
    assert sent == [["o200k_base", "qwen2"], ["gemma3"], []]  # only when the set changes
    # Rows shown again count as before (and the vocabulary is kept again).
    coordinator.set_models([model("gpt-5.5")])
    coordinator.set_text("Back in view.")
    coordinator.flush()
    qtbot.waitUntil(lambda: coordinator.idle)
    assert sent[-1] == ["o200k_base"]
    assert coordinator.count_for(model("gpt-5.5")) == registry.get("o200k_base").count(
        "Back in view."
    )
    coordinator.close()


class _Process:
    def __init__(self) -> None:
        self.keeps: list[tuple[int, tuple[str, ...]]] = []
        self.closed = False

    def keep(self, channel: int, tokenizer_ids: Sequence[str]) -> None:
        self.keeps.append((channel, tuple(tokenizer_ids)))

    def close(self) -> None:
        self.closed = True


def test_a_view_that_leaves_keeps_nothing_and_the_last_one_stops_the_child() -> None:
    hub = CountHub()
    window = hub.join(lambda _reply: None)
    popup = hub.join(lambda _reply: None)
    process = _Process()
    hub.process = process  # type: ignore[assignment]
    hub.leave(popup)
    assert process.keeps == [(popup, ())] and not process.closed
    hub.leave(window)
    assert process.closed and hub.process is None


def test_settled_counts_give_freed_memory_back_after_a_quiet_while(
    qtbot: QtBot, registry: TokenizerRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenbudget.gui import counting

    released: list[bool] = []
    monkeypatch.setattr(counting, "IDLE_TRIM_MS", 50)
    monkeypatch.setattr(counting, "release_freed_memory", lambda: released.append(True))
    service = Service(registry)
    coordinator = CountCoordinator(service, delay_ms=0)
    coordinator.set_models([service.counting.model("gpt-5.5")])
    coordinator.set_text("A long text, then a pause.")
    coordinator.flush()
    qtbot.waitUntil(lambda: coordinator.idle)
    qtbot.waitUntil(lambda: released == [True])
    coordinator.set_delay(10_000)
    coordinator.set_text("Typing again")  # no release while a change waits to be counted
    qtbot.wait(150)
    assert released == [True]
    coordinator.flush()
    qtbot.waitUntil(lambda: len(released) == 2)
    coordinator.close()
