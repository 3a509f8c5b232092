"""The one providers table: names, aliases, URLs, and every other table reading it."""

from __future__ import annotations

import pytest

from tokenbudget import app
from tokenbudget.core import balances, catalog, litellm_format, providers, remote_count, secrets
from tokenbudget.core.errors import UnknownProviderError, UserInputError
from tokenbudget.core.plan_input import parse_plan
from tokenbudget.core.providers import resolve_provider, url_problem
from tokenbudget.core.settings import DEFAULTS


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("anthropic", "anthropic"),
        ("Claude", "anthropic"),
        ("qwen", "dashscope"),
        ("DashScope", "dashscope"),
        ("alibaba", "dashscope"),
        ("glm", "zai"),
        ("ZAI", "zai"),
        ("zhipu", "zai"),
        ("kimi", "moonshot"),
        ("moonshot", "moonshot"),
        ("google", "gemini"),
        ("gemini", "gemini"),
        ("Google Gemini", "gemini"),
        ("  Moonshot   Kimi ", "moonshot"),
        ("grok", "xai"),
    ],
)
def test_ids_aliases_and_names_resolve_in_any_case(typed: str, expected: str) -> None:
    assert resolve_provider(typed).id == expected


def test_an_unknown_provider_suggests_the_closest() -> None:
    with pytest.raises(UnknownProviderError) as info:
        resolve_provider("antropic")
    assert isinstance(info.value, UserInputError)
    assert info.value.suggestions[0] == "anthropic"
    assert "did you mean anthropic" in str(info.value)
    with pytest.raises(UnknownProviderError) as info:
        resolve_provider("zzzz")
    assert info.value.suggestions == ()
    assert str(info.value) == "unknown provider 'zzzz'"


def test_every_spelling_names_one_provider_only() -> None:
    seen: dict[str, str] = {}
    for p in providers.TABLE:
        for spelling in (p.id, p.name.lower(), *p.aliases):
            assert spelling == spelling.lower()
            assert seen.setdefault(spelling, p.id) == p.id, spelling


def test_one_display_name_everywhere() -> None:
    for table in (secrets.PROVIDERS, litellm_format.PROVIDERS, catalog.PROVIDER_NAMES):
        for provider_id, name in table.items():
            assert name == providers.NAMES[provider_id]
    for provider_id, name in remote_count.PROVIDER_LABELS.items():
        assert name == providers.NAMES[provider_id]
    assert providers.NAMES["gemini"] == "Google Gemini"
    assert providers.NAMES["moonshot"] == "Moonshot Kimi"


def test_capabilities_and_urls_come_from_the_table() -> None:
    assert remote_count.PROVIDERS == ("openai", "anthropic", "gemini", "xai")
    assert balances.PROVIDERS == ("deepseek", "moonshot", "openrouter")
    assert set(secrets.PROVIDERS) == set(remote_count.PROVIDERS) | set(balances.PROVIDERS)
    urls = {**remote_count.DEFAULT_BASE_URLS, **balances.DEFAULT_BASE_URLS}
    assert DEFAULTS["base_urls"] == urls
    for p in providers.TABLE:
        for url in (p.count_url, p.balance_url):
            assert url is None or url.startswith("https://")
    assert "openrouter" not in litellm_format.PROVIDERS  # its models are other vendors'


def test_the_key_store_takes_aliases_and_suggests_on_typos() -> None:
    store = secrets.MemoryStore()
    store.set("Claude", "sk-ant-0123456789")
    assert store.get("anthropic") == "sk-ant-0123456789"
    with pytest.raises(secrets.SecretsError, match="did you mean anthropic"):
        store.set("antropic", "sk-ant-0123456789")
    with pytest.raises(secrets.SecretsError, match="unknown provider"):
        store.set("mistral", "sk-0123456789")  # in the table, but no use for its key


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.openai.com", True),
        ("http://127.0.0.1:8080", True),
        ("http://127.3.4.5", True),
        ("http://localhost:9/x", True),
        ("http://[::1]:8080", True),
        ("http://api.openai.com", False),
        ("http://10.1.2.3", False),
        ("http://localhost.example.com", False),
        ("ftp://api.openai.com", False),
        ("api.openai.com", False),
    ],
)
def test_keys_go_over_https_or_to_this_machine_only(url: str, ok: bool) -> None:
    assert (url_problem(url) is None) is ok


def test_a_plan_names_providers_by_alias_and_refuses_typos() -> None:
    plan = parse_plan({"name": "p", "amount": "5", "providers": "Claude, qwen, anthropic"})
    assert plan.providers == ("anthropic", "dashscope")


def test_plan_add_with_a_misspelt_provider_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = app.main(["plan", "add", "API", "--amount", "5", "--providers", "antropic"])
    err = capsys.readouterr().err
    assert code == 2
    assert "did you mean anthropic" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert app.main(["plan", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"  # nothing was added


def test_models_of_a_provider_by_alias() -> None:
    from tokenbudget.core.services import Service

    service = Service()
    qwen = service.counting.models("qwen")
    assert qwen and {m.provider for m in qwen} == {"dashscope"}
    assert service.counting.models("Claude") == service.counting.models("anthropic")
