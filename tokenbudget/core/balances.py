"""Balances at providers that publish one for an API key: DeepSeek, Moonshot, OpenRouter.

Opt-in per provider (setting ``balance_check`` = {provider: bool}, all off by default) and
only with a key in the secret store. One GET each, with a timeout:

* DeepSeek ``GET {base}/user/balance`` -> ``balance_infos[].total_balance`` (per currency).
* Moonshot ``GET {base}/v1/users/me/balance`` -> ``data.available_balance``; CNY on
  ``api.moonshot.cn``, USD on ``api.moonshot.ai`` (decided by the base URL's host, from the
  table in ``core.providers``).
* OpenRouter ``GET {base}/api/v1/key`` -> ``data.limit_remaining`` in USD; a key without a
  limit (``limit: null``) has no balance to show, which is reported as such.

Amounts are parsed from the JSON text as ``Decimal`` (never through a float). Every failure
becomes a ``BalanceError`` with a short reason for the card; the key never appears in it, and
it is never sent after a redirect or over plain http to another machine.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from urllib.parse import urlsplit

from tokenbudget.core import message_texts as texts
from tokenbudget.core import providers
from tokenbudget.core.errors import (
    BadResponseError,
    BalanceError,
    RemoteCountError,
    RemoteTimeoutError,
    TokenbudgetError,
    UnsafeAddressError,
)
from tokenbudget.core.messages import message
from tokenbudget.core.remote_count import send_json

#: The providers with a balance endpoint and their default base URLs (``core.providers``).
PROVIDERS: Final = providers.BALANCE_IDS
DEFAULT_BASE_URLS: Final[Mapping[str, str]] = providers.BALANCE_URLS

TIMEOUT_S: Final = 10.0
_MAX_BODY: Final = 1024 * 1024


@dataclass(frozen=True)
class Balance:
    """What a provider says is left.

    Attributes:
        provider: Provider key.
        currency: ISO code.
        amount: What can still be spent, exact.
        as_of: When it was asked.
    """

    provider: str
    currency: str
    amount: Decimal
    as_of: datetime


@dataclass(frozen=True)
class BalanceResult:
    """A balance, or the reason there is none (exactly one of the two is set)."""

    provider: str
    as_of: datetime
    balance: Balance | None = None
    error: str | None = None


def enabled(settings_value: object, provider: str) -> bool:
    """Whether ``balance_check`` (the setting's raw value) turns checking on for ``provider``."""
    return isinstance(settings_value, dict) and settings_value.get(provider) is True


def base_url(settings_value: object, provider: str) -> str:
    """The provider's base URL from ``base_urls`` (the raw setting), else the default."""
    if isinstance(settings_value, dict):
        url = settings_value.get(provider)
        if isinstance(url, str) and url.strip():
            return url.strip().rstrip("/")
    return DEFAULT_BASE_URLS[provider]


def _amount(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise BalanceError(_unexpected(texts.FIELD_MISSING, what))
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise BalanceError(_unexpected(texts.FIELD_NOT_A_NUMBER, what)) from None
    if not amount.is_finite():
        raise BalanceError(_unexpected(texts.FIELD_NOT_A_NUMBER, what))
    return amount


def _unexpected(template: str, what: str) -> str:
    """``unexpected answer (...)``, the detail a message too (``what`` is a JSON key)."""
    return message(texts.UNEXPECTED_ANSWER, detail=message(template, what=what))


def _deepseek(data: Any, base: str) -> tuple[str, Decimal]:
    infos = data.get("balance_infos") if isinstance(data, dict) else None
    if not isinstance(infos, list) or not infos or not isinstance(infos[0], dict):
        raise BalanceError(_unexpected(texts.NO_FIELD, "balance_infos"))
    first = infos[0]
    currency = first.get("currency")
    if not isinstance(currency, str) or len(currency) != 3:
        raise BalanceError(_unexpected(texts.NO_FIELD, "currency"))
    return currency.upper(), _amount(first.get("total_balance"), "total_balance")


def _moonshot(data: Any, base: str) -> tuple[str, Decimal]:
    inner = data.get("data") if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        raise BalanceError(_unexpected(texts.NO_FIELD, "data"))
    host = (urlsplit(base).hostname or "").lower()
    pairs = providers.BY_ID["moonshot"].currency_hosts
    currency = next((c for suffix, c in pairs if host.endswith(suffix)), "CNY")
    return currency, _amount(inner.get("available_balance"), "available_balance")


def _openrouter(data: Any, base: str) -> tuple[str, Decimal]:
    inner = data.get("data") if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        raise BalanceError(_unexpected(texts.NO_FIELD, "data"))
    if inner.get("limit") is None:
        raise BalanceError(message(texts.NO_CREDIT_LIMIT))
    return "USD", _amount(inner.get("limit_remaining"), "limit_remaining")


_CLIENTS: Final[Mapping[str, tuple[str, Callable[[Any, str], tuple[str, Decimal]]]]] = {
    "deepseek": ("/user/balance", _deepseek),
    "moonshot": ("/v1/users/me/balance", _moonshot),
    "openrouter": ("/api/v1/key", _openrouter),
}


def fetch_balance(
    provider: str, key: str, base: str, *, now: datetime, timeout: float = TIMEOUT_S
) -> Balance:
    """Ask ``provider`` (at ``base``) for the balance of ``key``.

    Raises:
        BalanceError: with a short reason: unknown provider, key refused, rate limited,
            server error, timeout, unreachable, or an answer that cannot be read.
    """
    if provider not in _CLIENTS:
        raise BalanceError(message(texts.NO_PUBLISHED_BALANCE, provider=provider))
    path, parse = _CLIENTS[provider]
    request = urllib.request.Request(
        base.rstrip("/") + path,
        headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
        method="GET",
    )
    try:
        data = send_json(request, timeout, parse_float=Decimal, max_body=_MAX_BODY)
    except RemoteCountError as exc:
        raise BalanceError(_reason(exc)) from None
    currency, amount = parse(data, base)
    return Balance(provider, currency, amount, now)


def _reason(exc: RemoteCountError) -> str:
    """The balance card's wording for a failed request."""
    if isinstance(exc, UnsafeAddressError):
        return exc.reason
    if exc.status is not None:
        return _http_reason(exc.status)
    if isinstance(exc, RemoteTimeoutError):
        return message(texts.NO_ANSWER_IN_TIME)
    if isinstance(exc, BadResponseError):
        return message(texts.UNEXPECTED_ANSWER, detail=exc.detail)
    return message(texts.CANNOT_REACH)


def _http_reason(code: int) -> str:
    if code in (401, 403):
        return message(texts.API_KEY_REFUSED)
    if code == 429:
        return message(texts.RATE_LIMITED_LATER)
    if code == 402:
        return message(texts.PAYMENT_REQUIRED)
    if code >= 500:
        return message(texts.PROVIDER_ERROR_HTTP, code=str(code))
    return message(texts.REQUEST_REFUSED_HTTP, code=str(code))


def check_balances(
    providers: tuple[str, ...],
    *,
    checks: object,
    base_urls: object,
    key_of: Callable[[str], str | None],
    now: datetime,
    timeout: float = TIMEOUT_S,
) -> dict[str, BalanceResult]:
    """Balances for those of ``providers`` that have checking on and a key (blocking).

    ``checks`` and ``base_urls`` are the raw settings ``balance_check`` and ``base_urls``;
    ``key_of`` reads a key from the secret store (None: no key; it may raise
    ``TokenbudgetError``, which becomes the reason). Providers without checking or a key are
    left out of the result.
    """
    results: dict[str, BalanceResult] = {}
    for provider in dict.fromkeys(p.lower() for p in providers):
        if provider not in _CLIENTS or not enabled(checks, provider):
            continue
        try:
            key = key_of(provider)
        except TokenbudgetError as exc:
            results[provider] = BalanceResult(provider, now, error=exc.message)
            continue
        if not key:
            continue
        try:
            balance = fetch_balance(
                provider, key, base_url(base_urls, provider), now=now, timeout=timeout
            )
        except BalanceError as exc:
            why = exc.message  # a reason of ours never holds the key; anything else is masked
            error = why if key not in why else why.replace(key, "***")
            results[provider] = BalanceResult(provider, now, error=error)
            continue
        results[provider] = BalanceResult(provider, now, balance=balance)
    return results
