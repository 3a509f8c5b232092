"""An API key never follows a redirect, and never travels over plain http to another machine."""

from __future__ import annotations

from datetime import UTC, datetime

import fake_balance_server
import fake_providers
import pytest

from tokenbudget.core import remote_count as rc
from tokenbudget.core.balances import BalanceError, check_balances, fetch_balance
from tokenbudget.core.key_check import check_key
from tokenbudget.core.secrets import MemoryStore

KEY = "sk-test-SECRET-0123456789"
NOW = datetime(2026, 11, 20, 10, 42, tzinfo=UTC)
REDIRECTS = (301, 302, 303, 307, 308)
MODELS = {
    "anthropic": "claude-sonnet-4-6",
    "gemini": "gemini-2.5-flash",
    "openai": "gpt-5.5",
    "xai": "grok-4.3",
}


def _key_seen(server: fake_providers.FakeProviders) -> bool:
    with server.lock:
        return any(KEY in value for r in server.requests for value in r.headers.values())


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("provider", sorted(MODELS))
def test_a_count_endpoint_that_redirects_never_gets_the_key_elsewhere(
    provider: str, status: int
) -> None:
    with fake_providers.running() as origin, fake_providers.running() as elsewhere:
        origin.mode = "redirect"
        origin.redirect_to = elsewhere.url
        origin.redirect_status = status
        with pytest.raises(rc.RemoteCountError, match="redirected to another address") as err:
            rc.count_remote(
                provider, MODELS[provider], "two words", KEY, base_url=origin.url, timeout=5
            )
        assert elsewhere.requests == []
        assert not _key_seen(elsewhere)
        assert len(origin.requests) == 1
        assert KEY not in str(err.value)
        assert "key stays with it" in err.value.reason


def test_the_counter_reports_a_redirect_as_the_reason() -> None:
    with fake_providers.running() as origin, fake_providers.running() as elsewhere:
        origin.mode = "redirect"
        origin.redirect_to = elsewhere.url
        config = rc.RemoteConfig(frozenset({"openai"}), {"openai": origin.url}, 5.0)
        result = rc.RemoteCounter().count("openai", "gpt-5.5", "two words", KEY, config)
        assert not result.ok
        assert result.reason is not None and "redirected" in result.reason
        assert elsewhere.requests == []


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("provider", ["deepseek", "moonshot", "openrouter"])
def test_a_balance_endpoint_that_redirects_never_gets_the_key_elsewhere(
    provider: str, status: int
) -> None:
    with fake_balance_server.running() as origin, fake_providers.running() as elsewhere:
        origin.redirect_to = elsewhere.url
        origin.redirect_status = status
        with pytest.raises(BalanceError, match="redirected to another address") as err:
            fetch_balance(provider, KEY, origin.url, now=NOW, timeout=5)
        assert elsewhere.requests == []
        assert len(origin.seen) == 1
        assert KEY not in str(err.value)


def test_check_balances_and_the_key_test_report_the_redirect() -> None:
    with fake_balance_server.running() as origin, fake_providers.running() as elsewhere:
        origin.redirect_to = elsewhere.url
        results = check_balances(
            ("deepseek",),
            checks={"deepseek": True},
            base_urls={"deepseek": origin.url},
            key_of=lambda _p: KEY,
            now=NOW,
            timeout=5,
        )
        error = results["deepseek"].error
        assert error is not None and "redirected" in error
        verdict = check_key("deepseek", MemoryStore({"deepseek": KEY}), {"deepseek": origin.url})
        assert "redirected" in verdict and KEY not in verdict
        assert elsewhere.requests == []


@pytest.mark.parametrize(
    "base", ["http://api.example.invalid", "http://10.0.0.1:8080", "HTTP://api.example.invalid/"]
)
def test_a_key_is_never_sent_over_plain_http_off_this_machine(base: str) -> None:
    with pytest.raises(rc.RemoteCountError, match="https") as err:
        rc.count_remote("openai", "gpt-5.5", "two words", KEY, base_url=base, timeout=0.5)
    assert KEY not in str(err.value)
    with pytest.raises(BalanceError, match="https"):
        fetch_balance("deepseek", KEY, base, now=NOW, timeout=0.5)


def test_plain_http_to_this_machine_is_allowed() -> None:
    with fake_providers.running() as server:
        port = server.server_address[1]
        for base in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
            assert rc.count_remote("openai", "m", "two words", KEY, base_url=base, timeout=5) == 2
