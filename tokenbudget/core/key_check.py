"""The Providers page's "Test": does the stored key work with the provider?

A count provider is asked to count one word; a balance provider for the balance. Only run
when the user presses Test (it sends that word, or nothing but the key, to the provider).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tokenbudget.core import balances, remote_count
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.providers import display_name
from tokenbudget.core.secrets import SecretStore

#: A current model of each count provider, to count the test word with.
TEST_MODELS = {
    "anthropic": "claude-sonnet-4-6",
    "gemini": "gemini-2.5-flash",
    "openai": "gpt-5.5",
    "xai": "grok-4.3",
}


def check_key(
    provider: str, secrets: SecretStore, base_urls: dict[str, str], timeout: float = 10.0
) -> str:
    """A one-line verdict on ``provider``'s stored key (never containing the key)."""
    name = display_name(provider)
    try:
        key = secrets.get(provider)
        if not key:
            return f"{name}: no key is stored."
        if provider in TEST_MODELS:
            tokens = remote_count.count_remote(
                provider,
                TEST_MODELS[provider],
                "Hello",
                key,
                base_url=base_urls.get(provider) or None,
                timeout=timeout,
            )
            return f"{name} accepted the key (it counted a test word as {tokens} tokens)."
        base = balances.base_url(base_urls, provider)
        balance = balances.fetch_balance(provider, key, base, now=datetime.now(UTC))
        return f"{name} accepted the key (balance {balance.amount} {balance.currency})."
    except TokenbudgetError as exc:
        return f"{name}: {exc}"
