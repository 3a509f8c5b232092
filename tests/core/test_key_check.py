"""The Providers page's Test: a verdict on the stored key, from the provider, without the key."""

from __future__ import annotations

from fake_balance_server import running as balance_server
from fake_providers import FRAME, fake_count
from fake_providers import running as count_server

from tokenbudget.core.key_check import check_key
from tokenbudget.core.secrets import MemoryStore

KEY = "sk-test-key-0123456789abcdef"


def test_a_count_provider_counts_a_test_word() -> None:
    store = MemoryStore({"anthropic": KEY})
    with count_server() as server:
        verdict = check_key("anthropic", store, {"anthropic": server.url})
        assert verdict == (
            "Anthropic accepted the key (it counted a test word as "
            f"{fake_count('Hello') + FRAME} tokens)."
        )
        server.mode = "401"
        refused = check_key("anthropic", store, {"anthropic": server.url})
    assert refused.startswith("Anthropic: ") and "401" in refused and KEY not in refused


def test_a_balance_provider_reports_the_balance() -> None:
    store = MemoryStore({"deepseek": KEY})
    with balance_server() as server:
        verdict = check_key("deepseek", store, {"deepseek": server.url})
    assert verdict == "DeepSeek accepted the key (balance 110.00 CNY)."


def test_no_key_no_request() -> None:
    assert check_key("openai", MemoryStore(), {}) == "OpenAI: no key is stored."
