"""Balances at DeepSeek, Moonshot and OpenRouter, against a local server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fake_balance_server import FakeBalanceServer, running

from tokenbudget.core.balances import (
    Balance,
    BalanceError,
    base_url,
    check_balances,
    fetch_balance,
)
from tokenbudget.core.errors import TokenbudgetError

NOW = datetime(2026, 11, 20, 10, 42, tzinfo=UTC)
KEY = "sk-secret-1234567890abcdef"


@pytest.fixture
def server() -> Iterator[FakeBalanceServer]:
    with running() as srv:
        yield srv


def test_deepseek_balance_is_exact_decimal(server: FakeBalanceServer) -> None:
    balance = fetch_balance("deepseek", KEY, server.url, now=NOW)
    assert balance == Balance("deepseek", "CNY", Decimal("110.00"), NOW)
    assert server.seen == [("/user/balance", f"Bearer {KEY}")]


def test_moonshot_currency_follows_the_host(server: FakeBalanceServer) -> None:
    balance = fetch_balance("moonshot", KEY, server.url, now=NOW)
    assert (balance.currency, balance.amount) == ("CNY", Decimal("49.58"))
    assert isinstance(balance.amount, Decimal)
    assert str(balance.amount) == "49.58"  # parsed from the text, not through a float
    assert server.seen[0][0] == "/v1/users/me/balance"


def test_openrouter_remaining_limit_and_unlimited_keys(server: FakeBalanceServer) -> None:
    balance = fetch_balance("openrouter", KEY, server.url + "/", now=NOW)
    assert (balance.currency, balance.amount) == ("USD", Decimal("87.5"))
    server.replies["/api/v1/key"] = (
        200,
        b'{"data": {"label": "x", "usage": 3, "limit": null, "limit_remaining": null}}',
    )
    with pytest.raises(BalanceError, match="no credit limit"):
        fetch_balance("openrouter", KEY, server.url, now=NOW)


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (401, b'{"error": {"message": "Invalid key sk-secret-1234567890abcdef"}}', "key refused"),
        (429, b'{"error": "slow down"}', "rate limited"),
        (500, b"oops", "provider error (HTTP 500)"),
        (200, b'{"balance_infos": [{"currency": "CNY", "total_balance": ', "not JSON"),
        (200, b"<html>proxy login</html>", "not JSON"),
        (200, b'{"balance_infos": []}', "no balance_infos"),
        (200, b'{"balance_infos": [{"currency": "CNY", "total_balance": "lots"}]}', "number"),
    ],
)
def test_failures_are_short_reasons_without_the_key(
    server: FakeBalanceServer, status: int, body: bytes, reason: str
) -> None:
    server.replies["/user/balance"] = (status, body)
    with pytest.raises(BalanceError) as caught:
        fetch_balance("deepseek", KEY, server.url, now=NOW)
    message = str(caught.value)
    assert reason in message
    assert KEY not in message
    assert caught.value.__cause__ is None  # no HTTP error (with its headers) attached


def test_a_server_that_never_answers_times_out(server: FakeBalanceServer) -> None:
    server.replies["/user/balance"] = (0, None)
    with pytest.raises(BalanceError, match="no answer in time"):
        fetch_balance("deepseek", KEY, server.url, now=NOW, timeout=0.3)


def test_nothing_listening_is_unreachable() -> None:
    with running() as srv:
        url = srv.url
    with pytest.raises(BalanceError, match="cannot reach"):
        fetch_balance("deepseek", KEY, url, now=NOW, timeout=2)


def test_check_balances_is_opt_in_and_needs_a_key(server: FakeBalanceServer) -> None:
    urls = {p: server.url for p in ("deepseek", "moonshot", "openrouter")}
    keys = {"deepseek": KEY, "openrouter": KEY}
    results = check_balances(
        ("DeepSeek", "moonshot", "openrouter", "anthropic"),
        checks={"deepseek": True, "moonshot": True, "openrouter": False},
        base_urls=urls,
        key_of=keys.get,
        now=NOW,
    )
    # moonshot is on but has no key; openrouter has a key but is off; anthropic has no API
    assert list(results) == ["deepseek"]
    assert results["deepseek"].balance is not None
    assert results["deepseek"].balance.amount == Decimal("110.00")
    assert [path for path, _ in server.seen] == ["/user/balance"]
    # off by default: no setting at all asks nothing
    assert (
        check_balances(("deepseek",), checks=None, base_urls=None, key_of=keys.get, now=NOW) == {}
    )


def test_check_balances_reports_errors_per_provider(server: FakeBalanceServer) -> None:
    server.replies["/user/balance"] = (401, b"{}")

    def key_of(provider: str) -> str | None:
        if provider == "moonshot":
            raise TokenbudgetError("no keyring on this system")
        return KEY

    results = check_balances(
        ("deepseek", "moonshot"),
        checks={"deepseek": True, "moonshot": True},
        base_urls={"deepseek": server.url},
        key_of=key_of,
        now=NOW,
    )
    assert results["deepseek"].error == "API key refused"
    assert results["moonshot"].error == "no keyring on this system"


def test_base_urls_fall_back_to_the_providers() -> None:
    assert base_url(None, "moonshot") == "https://api.moonshot.cn"
    assert base_url({"moonshot": "https://api.moonshot.ai/"}, "moonshot") == (
        "https://api.moonshot.ai"
    )
    assert base_url({"anthropic": "x"}, "deepseek") == "https://api.deepseek.com"
