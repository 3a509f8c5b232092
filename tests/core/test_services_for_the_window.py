"""The service methods the estimate window calls instead of reaching for the parts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fake_providers import FRAME, running

from tokenbudget.core.errors import UnknownModelError, UserInputError
from tokenbudget.core.secrets import MemoryStore
from tokenbudget.core.services import CountingService, Service
from tokenbudget.core.tokenizers import TokenizerRegistry

KEY = "sk-test-SECRET-4321"


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


def test_known_models_keep_their_order_and_drop_unknown_ids(registry: TokenizerRegistry) -> None:
    counting = Service(registry).counting
    chosen = counting.known_models(["kimi-k2.6", "no-such-model", "gpt-5.5"])
    assert [m.id for m in chosen] == ["kimi-k2.6", "gpt-5.5"]
    assert counting.model("gpt-5.5").id == "gpt-5.5"
    with pytest.raises(UnknownModelError):
        counting.model("no-such-model")
    today = date(2026, 1, 1)
    defaults = counting.default_models(today)
    assert defaults and all(m.deprecated is None or m.deprecated > today for m in defaults)


def test_vocabularies_and_the_token_split(registry: TokenizerRegistry) -> None:
    counting = Service(registry).counting
    vocabularies = [(spec.id, spec.models) for spec in counting.vocabularies()]
    assert [v for v, _models in vocabularies] == registry.ids()
    assert all(models for _v, models in vocabularies)
    text = "Hello world, 你好"
    split = counting.tokenize("o200k_base", text, limit=2, request=9)
    assert split.total == len(registry.get("o200k_base").encode(text))
    assert split.request == 9 and len(split.spans) <= 2 < split.total


def test_read_text_file_reads_utf8_and_refuses_what_is_not_text(tmp_path: Path) -> None:
    good = tmp_path / "prompt.txt"
    good.write_text("über 1 line\n", encoding="utf-8")
    assert CountingService.read_text_file(good) == "über 1 line\n"
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    with pytest.raises(UserInputError):
        CountingService.read_text_file(binary)
    with pytest.raises(UserInputError, match="no such file"):
        CountingService.read_text_file(tmp_path / "missing.txt")


def test_counting_online_without_a_key_says_so_for_each_model() -> None:
    service = Service(secrets=MemoryStore())
    service.settings.set("remote_count", {"openai": True})
    config = service.providers.remote_config()
    assert config.enabled == frozenset({"openai"})
    results = list(service.providers.count_online("openai", ["gpt-5.5", "gpt-4o"], "hi", config))
    assert [(r.model, r.tokens, r.reason) for r in results] == [
        ("gpt-5.5", None, "no API key is stored"),
        ("gpt-4o", None, "no API key is stored"),
    ]


def test_counting_online_asks_the_endpoint_and_caches() -> None:
    service = Service(secrets=MemoryStore({"anthropic": KEY}))
    with running() as server:
        service.settings.set("base_urls", {"anthropic": server.url})
        config = service.providers.remote_config()
        text = "count these four words"
        first = list(
            service.providers.count_online("anthropic", ["claude-sonnet-4-6"], text, config)
        )
        again = list(
            service.providers.count_online("anthropic", ["claude-sonnet-4-6"], text, config)
        )
    assert first[0].tokens == 4 + FRAME and first[0].frame == FRAME and not first[0].cached
    assert again[0].tokens == 4 + FRAME and again[0].cached
    assert server.paths().count("/v1/messages/count_tokens") == 2  # the text and the frame probe


def test_key_check_without_a_key_sends_nothing() -> None:
    service = Service(secrets=MemoryStore())
    assert service.providers.check_key("openai", {}) == "OpenAI: no key is stored."


def test_autostart_is_switched_through_the_settings_service() -> None:
    settings = Service().settings
    assert not settings.autostart_enabled()
    settings.set_autostart(True)
    assert settings.autostart_enabled()
    settings.set_autostart(False)
    assert not settings.autostart_enabled()
    assert settings.window_state_file().name == "window.ini"
