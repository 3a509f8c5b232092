"""The one table of providers: ids, names, the aliases people type, endpoints and capabilities.

Every other place that names a provider (the catalogue, the key store, the count and balance
clients, the settings' default URLs, the window and the command line) reads this table, so a
provider is spelled one way everywhere. The id is the key in the ledger, the settings and the
keyring; it is LiteLLM's ``litellm_provider`` value for the providers the catalogue keeps.

Base URLs are where the app sends an API key: ``https`` only, except plain ``http`` to this
machine (a local proxy or test server). ``url_problem`` is that rule, checked when settings are
loaded and again just before a key is sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Provider:
    """One provider.

    Attributes:
        id: The key used in the ledger, settings and keyring ("dashscope").
        name: The name shown to people ("Alibaba Qwen").
        aliases: Other names people type for it, lower case ("qwen", "alibaba").
        count_url: Default base URL of its token-count endpoint; None: it has none.
        balance_url: Default base URL of its balance endpoint; None: it has none.
        in_catalog: The catalogue keeps its models (LiteLLM's ``litellm_provider``).
        currencies: Currencies its bills and balances come in, most usual first.
        currency_hosts: (host suffix, currency) pairs for a balance whose currency depends
            on which of the provider's sites the key belongs to.
        long_context_at: The higher long-context rate applies once the prompt *reaches* the
            threshold (``>=``: xAI bills 200,000 prompt tokens at the higher rate); False: once
            it *passes* it (``>``, the rule for the others).
    """

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    count_url: str | None = None
    balance_url: str | None = None
    in_catalog: bool = True
    currencies: tuple[str, ...] = ("USD",)
    currency_hosts: tuple[tuple[str, str], ...] = ()
    long_context_at: bool = False

    @property
    def counts(self) -> bool:
        """It has a count endpoint."""
        return self.count_url is not None

    @property
    def has_balance(self) -> bool:
        """It has a balance endpoint."""
        return self.balance_url is not None

    @property
    def takes_key(self) -> bool:
        """The app can use an API key for it (to count or to read the balance)."""
        return self.counts or self.has_balance

    @property
    def base_url(self) -> str | None:
        """The default base URL of whichever endpoint it has."""
        return self.count_url or self.balance_url


#: Every provider, in the order they are listed (catalogue groups, key lists).
TABLE: Final[tuple[Provider, ...]] = (
    Provider("openai", "OpenAI", ("gpt", "chatgpt", "open-ai"), count_url="https://api.openai.com"),
    Provider("anthropic", "Anthropic", ("claude",), count_url="https://api.anthropic.com"),
    Provider(
        "gemini",
        "Google Gemini",
        ("google", "google-gemini"),
        count_url="https://generativelanguage.googleapis.com",
    ),
    Provider(
        "deepseek",
        "DeepSeek",
        ("deep-seek",),
        balance_url="https://api.deepseek.com",
        currencies=("CNY", "USD"),
    ),
    Provider(
        "dashscope",
        "Alibaba Qwen",
        ("qwen", "alibaba", "aliyun", "tongyi", "bailian"),
        currencies=("CNY", "USD"),
    ),
    Provider("zai", "Zhipu GLM", ("glm", "zhipu", "z.ai", "bigmodel"), currencies=("CNY", "USD")),
    Provider(
        "moonshot",
        "Moonshot Kimi",
        ("kimi", "moonshotai", "moonshot-kimi"),
        balance_url="https://api.moonshot.cn",
        currencies=("CNY", "USD"),
        currency_hosts=(("moonshot.ai", "USD"), ("moonshot.cn", "CNY")),
    ),
    Provider("minimax", "MiniMax", ("mini-max",), currencies=("CNY", "USD")),
    Provider("mistral", "Mistral", ("mistralai", "mistral-ai")),
    Provider("xai", "xAI", ("grok", "x.ai"), count_url="https://api.x.ai", long_context_at=True),
    Provider(
        "openrouter",
        "OpenRouter",
        ("open-router",),
        balance_url="https://openrouter.ai",
        in_catalog=False,
    ),
)

BY_ID: Final[Mapping[str, Provider]] = MappingProxyType({p.id: p for p in TABLE})

#: Display names by id, for every provider.
NAMES: Final[Mapping[str, str]] = MappingProxyType({p.id: p.name for p in TABLE})
#: Display names of the providers whose models the catalogue keeps.
CATALOG_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {p.id: p.name for p in TABLE if p.in_catalog}
)
#: Display names of the providers the app holds an API key for.
KEY_NAMES: Final[Mapping[str, str]] = MappingProxyType({p.id: p.name for p in TABLE if p.takes_key})
#: Providers with a count endpoint, and with a balance endpoint.
COUNT_IDS: Final[tuple[str, ...]] = tuple(p.id for p in TABLE if p.counts)
BALANCE_IDS: Final[tuple[str, ...]] = tuple(p.id for p in TABLE if p.has_balance)
#: Default base URLs of the count and of the balance endpoints.
COUNT_URLS: Final[Mapping[str, str]] = MappingProxyType(
    {p.id: p.count_url for p in TABLE if p.count_url}
)
BALANCE_URLS: Final[Mapping[str, str]] = MappingProxyType(
    {p.id: p.balance_url for p in TABLE if p.balance_url}
)

#: Providers whose long-context rate starts at the threshold itself (``>=``; see ``Provider``).
LONG_CONTEXT_AT: Final[frozenset[str]] = frozenset(p.id for p in TABLE if p.long_context_at)

_LOOKUP: Final[Mapping[str, str]] = MappingProxyType(
    {spelling: p.id for p in TABLE for spelling in (p.id, p.name.lower(), *p.aliases)}
)


def resolve_provider(name: str) -> Provider:
    """The provider called ``name``: an id, an alias or the display name, in any case.

    Raises:
        UnknownProviderError: for any other name, with the closest known ids.
    """
    from tokenbudget.core.model_names import match_name

    return BY_ID[match_name(name, _LOOKUP, "provider")]


def spellings() -> dict[str, str]:
    """Every id, display name and alias in lower case, mapped to the provider's id."""
    return dict(_LOOKUP)


def display_name(provider_id: str) -> str:
    """The provider's display name (the id itself when it is not in the table)."""
    return NAMES.get(provider_id, provider_id)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why an API key must not be sent to ``url`` (None when it may).

    A key goes over ``https`` only, or plain ``http`` to this machine.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return "not a valid address"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return "not a web address (it must start with https://)"
    if scheme == "http" and not is_loopback(host):
        return (
            f"plain http to {host} would expose your key; use https "
            "(http is allowed only to this machine)"
        )
    return None
