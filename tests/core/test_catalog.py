"""The catalogue: snapshot parsing, counting rules, list prices, overrides and lookups."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from tokenbudget.core import paths
from tokenbudget.core.catalog import (
    DEFAULT_MODELS,
    PROVIDER_NAMES,
    counting_for,
    parse_pricing,
)
from tokenbudget.core.catalog_files import load_catalog, load_catalog_or_bundled
from tokenbudget.core.errors import CatalogError, UnknownModelError
from tokenbudget.core.tokenizers import TokenizerRegistry

PRICES = paths.resources_dir() / "prices"
TOKENIZER_IDS = TokenizerRegistry.bundled().ids()


@pytest.fixture(scope="module")
def bundled():  # type: ignore[no-untyped-def]
    return load_catalog(PRICES, tokenizer_ids=TOKENIZER_IDS)


def test_bundled_catalogue_is_broad_and_priced(bundled) -> None:  # type: ignore[no-untyped-def]
    assert len(bundled) >= 50
    assert set(bundled.providers()) >= set(PROVIDER_NAMES)
    for model in bundled.all():
        assert model.pricing is not None, model.id
        assert model.pricing.source, model.id
        assert model.pricing.checked is not None, model.id
    # LiteLLM lists no context window for a handful of special-access models.
    unknown_window = sorted(m.id for m in bundled.all() if not m.context_window)
    assert len(unknown_window) <= 4, unknown_window


def test_default_models_are_all_in_the_bundled_catalogue(bundled) -> None:  # type: ignore[no-untyped-def]
    assert [m.id for m in bundled.defaults(date(2026, 11, 27))] == list(DEFAULT_MODELS)
    providers = {m.provider for m in bundled.defaults(date(2026, 11, 27))}
    assert set(PROVIDER_NAMES) <= providers


def test_deprecated_models_leave_the_default_set(bundled) -> None:  # type: ignore[no-untyped-def]
    assert bundled.get("gemini-2.5-flash").deprecated == date(2026, 12, 1)
    later = [m.id for m in bundled.defaults(date(2026, 12, 1))]
    assert "gemini-2.5-flash" not in later
    assert "gemini-3.8-flash" in later


@pytest.mark.parametrize(
    ("provider", "model", "exact", "key"),
    [
        ("openai", "gpt-5.5", True, "o200k_base"),
        ("openai", "gpt-4o-mini", True, "o200k_base"),
        ("openai", "o4-mini", True, "o200k_base"),
        ("openai", "gpt-4-turbo", True, "cl100k_base"),
        ("openai", "gpt-3.5-turbo", True, "cl100k_base"),
        ("anthropic", "claude-sonnet-4-5-20250929", False, "claude"),
        ("anthropic", "claude-haiku-4-5", False, "claude"),
        ("anthropic", "claude-opus-4-6", False, "claude"),
        ("anthropic", "claude-opus-4-7", False, "claude-4.7"),
        ("anthropic", "claude-sonnet-5", False, "claude-4.7"),
        ("anthropic", "claude-mythos-preview", False, "claude-4.7"),
        ("gemini", "gemini-2.5-pro", True, "gemma3"),
        ("gemini", "gemini-3.5-flash", False, "gemma3-proxy"),
        ("deepseek", "deepseek-v4-pro", True, "deepseek-v3"),
        ("dashscope", "qwen-plus", True, "qwen2"),
        ("dashscope", "qwen3-max", True, "qwen2"),
        ("dashscope", "qwen3.5-plus", True, "qwen3.5"),
        ("dashscope", "qwen3.8-max", False, "qwen3.5-proxy"),
        ("mistral", "mistral-small-latest", True, "mistral-tekken"),
        ("mistral", "open-mistral-nemo", True, "mistral-tekken"),
        ("mistral", "mistral-large-latest", False, "tekken-proxy"),
        ("zai", "glm-5", True, "glm-5"),
        ("zai", "glm-5.1", True, "glm-5"),
        ("zai", "glm-5.2", True, "glm-5"),
        ("zai", "glm-4.7-flash", True, "glm-5"),
        ("zai", "glm-5.3", False, "glm-5-proxy"),
        ("zai", "glm-4.6", False, "glm-5-proxy"),
        ("zai", "glm-4.7", False, "glm-5-proxy"),
        ("zai", "glm-5v-turbo", False, "glm-5-proxy"),
        ("moonshot", "kimi-k2.6", False, "o200k-proxy"),
        ("minimax", "MiniMax-M2", True, "minimax-m2"),
        ("minimax", "MiniMax-M2.5", True, "minimax-m2"),
        ("minimax", "MiniMax-M2.1-lightning", True, "minimax-m2"),
        ("minimax", "MiniMax-M3", False, "minimax-m2-proxy"),
        ("xai", "grok-4.3", False, "o200k-proxy"),
    ],
)
def test_counting_rules(provider: str, model: str, exact: bool, key: str) -> None:
    counting = counting_for(provider, model)
    assert counting.exact == exact
    assert counting.key == key


def test_lookup_by_alias_and_case_and_suggestions(bundled) -> None:  # type: ignore[no-untyped-def]
    assert bundled.get("GPT-5.5").id == "gpt-5.5"
    assert bundled.get("gemini/gemini-2.5-pro").id == "gemini-2.5-pro"
    with pytest.raises(UnknownModelError) as info:
        bundled.get("gpt-5.55")
    assert "gpt-5.5" in info.value.suggestions
    assert "did you mean" in str(info.value)


def test_long_context_and_tiers_are_parsed() -> None:
    entry = {
        "input_cost_per_token": 5e-06,
        "output_cost_per_token": 3e-05,
        "cache_read_input_token_cost": 5e-07,
        "input_cost_per_token_above_272k_tokens": 1e-05,
        "output_cost_per_token_above_272k_tokens": 4.5e-05,
    }
    pricing = parse_pricing(entry, "t", source="s", checked=None, origin="snapshot")
    assert pricing is not None
    assert pricing.base.input == D("0.000005")
    ((threshold, rates),) = pricing.long_context
    assert threshold == 272_000
    assert rates.output == D("0.000045")
    assert rates.cache_read == D("0.0000005")  # inherited from the base band
    tiered = {
        "tiered_pricing": [
            {
                "input_cost_per_token": 2.5e-07,
                "output_cost_per_token": 2e-06,
                "range": [256000.0, 1000000.0],
            },
            {"input_cost_per_token": 5e-08, "output_cost_per_token": 4e-07, "range": [0, 256000.0]},
        ]
    }
    pricing = parse_pricing(tiered, "t", source="s", checked=None, origin="snapshot")
    assert pricing is not None
    assert [t.up_to for t in pricing.tiers] == [256_000, 1_000_000]


@pytest.mark.parametrize(
    "entry",
    [
        {"input_cost_per_token": -1, "output_cost_per_token": 1e-6},
        {"input_cost_per_token": "free", "output_cost_per_token": 1e-6},
        {"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6, "currency": "XYZ"},
        {"tiered_pricing": [{"input_cost_per_token": 1e-6}]},
    ],
)
def test_malformed_prices_are_catalog_errors(entry: dict[str, object]) -> None:
    with pytest.raises(CatalogError):
        parse_pricing(entry, "model 'x'", source="s", checked=None, origin="override")


def test_an_entry_without_prices_is_unpriced_not_free() -> None:
    assert (
        parse_pricing({"max_input_tokens": 1000}, "x", source="s", checked=None, origin="s") is None
    )


def _overrides(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_user_overrides_win_and_custom_models_are_added(tmp_path: Path) -> None:
    path = _overrides(
        tmp_path,
        {
            "gpt-5.5": {
                "input_cost_per_token": 1e-06,
                "source": "my contract",
                "checked": "2026-10-01",
            },
            "my-local-llm": {
                "litellm_provider": "ollama",
                "tokenizer": "qwen3.5",
                "max_input_tokens": 32768,
            },
            "my-claude-proxy": {
                "litellm_provider": "proxy",
                "tokenizer": "claude",
                "input_cost_per_token": 2e-06,
                "output_cost_per_token": 8e-06,
                "currency": "CNY",
            },
        },
    )
    catalog = load_catalog(PRICES, overrides_file=path, tokenizer_ids=TOKENIZER_IDS)
    gpt = catalog.get("gpt-5.5")
    assert gpt.pricing is not None
    assert gpt.pricing.base.input == D("0.000001")
    assert gpt.pricing.base.output == D("0.00003")  # the rest of the snapshot entry is kept
    assert gpt.pricing.origin == "override"
    assert gpt.pricing.source == "my contract"
    assert gpt.pricing.checked == date(2026, 10, 1)
    local = catalog.get("my-local-llm")
    assert local.counting.exact and local.counting.tokenizer == "qwen3.5"
    assert local.pricing is None
    proxy = catalog.get("my-claude-proxy")
    assert not proxy.counting.exact and proxy.counting.estimator == "claude"
    assert proxy.pricing is not None and proxy.pricing.currency == "CNY"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"m": 3}', "is not an object"),
        ('{"m": {"tokenizer": "nope"}}', "unknown tokenizer or estimator"),
    ],
)
def test_bad_override_files_are_reported_with_their_path(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "prices.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(PRICES, overrides_file=path, tokenizer_ids=TOKENIZER_IDS)


def test_cny_list_prices_replace_usd_where_cited(bundled) -> None:  # type: ignore[no-untyped-def]
    cny_file = PRICES / "list_prices_cny.json"
    cited = json.loads(cny_file.read_text(encoding="utf-8"))
    assert cited, "the bundled list prices are empty"
    for model_id, entry in cited.items():
        pricing = bundled.get(model_id).pricing
        assert pricing.currency == "CNY"
        assert pricing.origin == "list price"
        assert pricing.source == entry["source"]
        assert pricing.base.input * 1_000_000 == D(entry["input_cost_per_million"])


def test_updated_snapshot_is_preferred_over_the_bundled_one(tmp_path: Path) -> None:
    updated = tmp_path / "prices"
    updated.mkdir()
    (updated / "litellm_snapshot.json").write_text(
        json.dumps(
            {
                "gpt-9": {
                    "litellm_provider": "openai",
                    "mode": "chat",
                    "input_cost_per_token": 1e-06,
                    "output_cost_per_token": 2e-06,
                    "max_input_tokens": 1000,
                }
            }
        ),
        encoding="utf-8",
    )
    (updated / "snapshot_meta.json").write_text(
        json.dumps(
            {"source": "https://example.invalid/p.json", "retrieved": "2026-12-01T10:00:00Z"}
        ),
        encoding="utf-8",
    )
    catalog = load_catalog(PRICES, updated_dir=updated, tokenizer_ids=TOKENIZER_IDS)
    model = catalog.get("gpt-9")
    assert model.pricing is not None
    assert model.pricing.checked == date(2026, 12, 1)
    assert model.pricing.source == "https://example.invalid/p.json"
    assert "gpt-5.5" not in catalog


@pytest.mark.parametrize("content", ["{not json", '{"gpt-5.5": {"input_cost_per_token": "x"}}'])
def test_a_broken_override_file_gives_the_bundled_catalogue_and_one_line(
    tmp_path: Path, content: str, bundled
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "prices.json"
    path.write_text(content, encoding="utf-8")
    catalog, warning = load_catalog_or_bundled(
        PRICES, overrides_file=path, tokenizer_ids=TOKENIZER_IDS
    )
    assert [m.id for m in catalog.all()] == [m.id for m in bundled.all()]
    assert catalog.get("gpt-5.5").pricing == bundled.get("gpt-5.5").pricing
    assert warning is not None and "\n" not in warning
    assert str(path) in warning and "started without that file" in warning


def test_a_good_override_file_gives_no_warning(tmp_path: Path) -> None:
    path = _overrides(tmp_path, {"gpt-5.5": {"input_cost_per_token": 1e-06}})
    catalog, warning = load_catalog_or_bundled(
        PRICES, overrides_file=path, tokenizer_ids=TOKENIZER_IDS
    )
    assert warning is None
    assert catalog.get("gpt-5.5").pricing.origin == "override"  # type: ignore[union-attr]


def test_a_broken_fetched_snapshot_falls_back_to_the_bundled_one(tmp_path: Path, bundled) -> None:  # type: ignore[no-untyped-def]
    updated = tmp_path / "prices"
    updated.mkdir()
    (updated / "litellm_snapshot.json").write_text("[1]", encoding="utf-8")
    catalog, warning = load_catalog_or_bundled(
        PRICES, updated_dir=updated, tokenizer_ids=TOKENIZER_IDS
    )
    assert len(catalog) == len(bundled)
    assert (
        warning is not None and "started without that file" in warning and str(updated) in warning
    )


def test_the_service_starts_with_a_broken_prices_json(isolated_home: Path) -> None:
    from tokenbudget.core.services import Service

    path = paths.price_overrides_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"gpt-5.5": {"input_cost_per_token": 1e-06,}}', encoding="utf-8")
    service = Service()
    service.recover_prices = True  # as the window does
    assert [m.id for m in service.counting.known_models(["gpt-5.5"])] == ["gpt-5.5"]
    warning = service.settings.warning
    assert warning is not None and "prices.json" in warning and "not valid JSON" in warning


def test_strict_loading_still_refuses_a_broken_prices_json(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid JSON"):
        load_catalog_or_bundled(
            PRICES, overrides_file=path, tokenizer_ids=TOKENIZER_IDS, strict=True
        )
