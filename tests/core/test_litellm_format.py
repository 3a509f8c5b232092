"""Selection, validation and comparison of LiteLLM price tables."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenbudget.core import paths
from tokenbudget.core.errors import CatalogError
from tokenbudget.core.litellm_format import (
    MIN_MODELS,
    PROVIDERS,
    diff_snapshots,
    dump_snapshot,
    entry_problems,
    is_price_field,
    prepare_snapshot,
    select_chat_models,
    validate_snapshot,
)

TODAY = dt.date(2026, 11, 27)


def chat(provider: str, inp: object = 1e-06, out: object = 2e-06, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"litellm_provider": provider, "mode": "chat"}
    if inp is not None:
        entry["input_cost_per_token"] = inp
    if out is not None:
        entry["output_cost_per_token"] = out
    entry.update(extra)
    return entry


def big_table(count: int = 30) -> dict[str, Any]:
    """A valid table with ``count`` OpenAI chat models."""
    return {
        f"gpt-test-{i}": chat("openai", max_input_tokens=1000, max_output_tokens=100)
        for i in range(count)
    }


TIERS = [
    {"range": [0, 32000.0], "input_cost_per_token": 1.2e-06, "output_cost_per_token": 6e-06},
    {
        "range": [32000.0, 128000.0],
        "input_cost_per_token": 2.4e-06,
        "output_cost_per_token": 1.2e-05,
    },
]


# --- selection -------------------------------------------------------------------------------


def test_keeps_chat_models_of_known_providers_under_canonical_ids() -> None:
    raw = {
        "gpt-5": chat("openai"),
        "gemini/gemini-2.5-pro": chat("gemini"),
        "dashscope/qwen-plus": chat("dashscope"),
        "claude-opus-4-6": chat("anthropic"),
        "bedrock/claude-x": chat("bedrock"),
        "text-embedding-3-small": {**chat("openai"), "mode": "embedding"},
        "sample_spec": {"litellm_provider": "one of …", "mode": "one of: chat, …"},
    }
    models = select_chat_models(raw, TODAY)
    assert list(models) == ["claude-opus-4-6", "gemini-2.5-pro", "gpt-5", "qwen-plus"]
    assert models["gemini-2.5-pro"]["litellm_key"] == "gemini/gemini-2.5-pro"
    assert models["gpt-5"]["litellm_key"] == "gpt-5"


def test_entries_are_copied_unchanged_apart_from_litellm_key() -> None:
    entry = chat("gemini", cache_read_input_token_cost=1.25e-07, supports_vision=True)
    raw = {"gemini/gemini-2.5-pro": entry}
    before = copy.deepcopy(entry)
    kept = select_chat_models(raw, TODAY)["gemini-2.5-pro"]
    assert entry == before  # the input is not modified
    assert {k: v for k, v in kept.items() if k != "litellm_key"} == entry


@pytest.mark.parametrize(
    ("key", "provider"),
    [
        ("ft:gpt-4o-2024-08-06", "openai"),
        ("gpt-4o-audio-preview-2024-12-17", "openai"),
        ("gpt-audio-mini", "openai"),
        ("gpt-realtime", "openai"),
        ("gpt-4o-mini-tts", "openai"),
        ("gpt-4o-transcribe", "openai"),
        ("gpt-image-1", "openai"),
        ("gpt-4o-search-preview", "openai"),
        ("gpt-5-search-api", "openai"),
        ("computer-use-preview", "openai"),
        ("openai/container", "openai"),
        ("o3-deep-research", "openai"),
        ("gemini/gemini-robotics-er-2-preview", "gemini"),
        ("gemini/lyria-3-pro-preview", "gemini"),
        ("gemini/deep-research-pro-preview-12-2025", "gemini"),
        ("gemini/gemini-2.5-pro-preview-tts", "gemini"),
        ("gemini/gemini-omni-flash-preview", "gemini"),
        ("gemini/gemini-2.5-computer-use-preview-10-2025", "gemini"),
        ("gemini/gemini-exp-1206", "gemini"),
        ("dashscope/qwen3.8-omni-flash", "dashscope"),
        ("dashscope/deepseek-v4-pro", "dashscope"),
        ("dashscope/glm-5.1", "dashscope"),
        ("dashscope/kimi-k2.7-code", "dashscope"),
        ("mistral/zai-glm-5-3", "mistral"),
        ("mistral/glm-5-2", "mistral"),
        ("mistral/deepseek-v4-1-flash-1017", "mistral"),
        ("mistral/voxtral-small-latest", "mistral"),
        ("xai/grok-4.20-beta-0309-reasoning", "xai"),
        ("xai/grok-4.20-experimental-beta-0304", "xai"),
    ],
)
def test_leaves_out_models_that_are_not_own_text_chat(key: str, provider: str) -> None:
    assert select_chat_models({key: chat(provider)}, TODAY) == {}


def test_keeps_own_models_whose_names_look_like_excluded_ones() -> None:
    raw = {
        "deepseek/deepseek-v4-pro": chat("deepseek"),
        "zai/glm-5.1": chat("zai"),
        "moonshot/kimi-k3": chat("moonshot"),
        "minimax/MiniMax-M3": chat("minimax"),
        "dashscope/qwen3-vl-plus": chat("dashscope"),
        "xai/grok-4.3-latest": chat("xai"),
    }
    assert set(select_chat_models(raw, TODAY)) == {
        "deepseek-v4-pro",
        "glm-5.1",
        "kimi-k3",
        "MiniMax-M3",
        "qwen3-vl-plus",
        "grok-4.3-latest",
    }


def test_retired_models_are_kept_so_that_past_spend_is_priced() -> None:
    raw = {
        "gone": chat("openai", deprecation_date="2026-11-26"),
        "last-day": chat("openai", deprecation_date="2026-11-27"),
        "later": chat("openai", deprecation_date="2027-01-14"),
        "unreadable": chat("openai", deprecation_date="soon"),
    }
    kept = select_chat_models(raw, TODAY)
    assert set(kept) == {"gone", "last-day", "later", "unreadable"}
    assert kept["gone"]["deprecation_date"] == "2026-11-26"


@pytest.mark.parametrize(
    "model", ["gpt-5.5-pro", "gpt-5.4-pro", "gpt-5.3-codex", "o3-pro", "grok-4.20-multi-agent"]
)
def test_responses_mode_models_are_text_models(model: str) -> None:
    provider = "xai" if model.startswith("grok") else "openai"
    key = f"xai/{model}" if provider == "xai" else model
    raw = {key: chat(provider, mode="responses"), "emb": chat("openai", mode="embedding")}
    assert set(select_chat_models(raw, TODAY)) == {model}
    assert validate_snapshot({key: chat(provider, mode="responses", inp=-1)}) != []


def test_entries_without_prices_are_dropped_unless_tiered() -> None:
    raw = {
        "no-input": chat("openai", inp=None),
        "no-output": chat("openai", out=None),
        "free": chat("openai", inp=0, out=0.0),
        "dashscope/qwen3-max": chat("dashscope", inp=None, out=None, tiered_pricing=TIERS),
        "dashscope/qwen3-30b-a3b": chat("dashscope", inp=None, out=None),
    }
    assert set(select_chat_models(raw, TODAY)) == {"free", "qwen3-max"}


@pytest.mark.parametrize("prefixed_first", [True, False])
def test_unprefixed_key_wins_a_collision(prefixed_first: bool) -> None:
    prefixed = ("deepseek/deepseek-v4-flash", chat("deepseek", inp=9e-07))
    plain = ("deepseek-v4-flash", chat("deepseek", inp=3e-07))
    raw = dict([prefixed, plain] if prefixed_first else [plain, prefixed])
    kept = select_chat_models(raw, TODAY)
    assert kept["deepseek-v4-flash"]["litellm_key"] == "deepseek-v4-flash"
    assert kept["deepseek-v4-flash"]["input_cost_per_token"] == 3e-07


def test_prefixed_key_is_used_when_the_unprefixed_one_is_deprecated() -> None:
    raw = {
        "deepseek-chat": chat("deepseek", deprecation_date="2026-07-24"),
        "deepseek/deepseek-chat": chat("deepseek"),
    }
    assert (
        select_chat_models(raw, TODAY)["deepseek-chat"]["litellm_key"] == "deepseek/deepseek-chat"
    )


def test_selecting_a_selected_snapshot_changes_nothing() -> None:
    raw = {"gemini/gemini-2.5-pro": chat("gemini"), "gpt-5": chat("openai")}
    once = select_chat_models(raw, TODAY)
    assert select_chat_models(once, TODAY) == once


def test_non_object_entries_are_skipped() -> None:
    assert select_chat_models({"x": "text", "y": None, "gpt-5": chat("openai")}, TODAY) == {
        "gpt-5": {**chat("openai"), "litellm_key": "gpt-5"}
    }


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "input_cost_per_token",
        "output_cost_per_token_above_200k_tokens",
        "input_cost_per_token_above_272k_tokens_priority",
        "cache_read_input_token_cost",
        "cache_creation_input_token_cost_above_1hr",
        "output_cost_per_reasoning_token",
        "input_cost_per_audio_token",
    ],
)
def test_price_fields_are_recognised(name: str) -> None:
    assert is_price_field(name)


@pytest.mark.parametrize(
    "name",
    [
        "input_cost_per_image_above_128k_tokens",
        "computer_use_input_cost_per_1k_tokens",
        "search_context_cost_per_query",
        "max_input_tokens",
        "input_cost_per_second",
    ],
)
def test_other_fields_are_not_price_fields(name: str) -> None:
    assert not is_price_field(name)


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        (chat("openai", inp=-1e-06), "negative"),
        (chat("openai", inp="0.000001"), "not a number"),
        (chat("openai", inp=True), "not a number"),
        (chat("openai", out=0.02), "implausible"),
        (chat("openai", out=float("nan")), "not a finite number"),
        (chat("openai", cache_read_input_token_cost=5), "implausible"),
        (chat("openai", max_input_tokens=0), "max_input_tokens is not a positive integer"),
        (chat("openai", max_output_tokens=8192.0), "max_output_tokens is not a positive integer"),
        (chat("openai", max_output_tokens="8k"), "max_output_tokens is not a positive integer"),
        (chat("openai", tiered_pricing=[]), "not a non-empty list"),
        (chat("openai", tiered_pricing=[TIERS[1], TIERS[0]]), "does not start at 0"),
        (
            chat("openai", tiered_pricing=[TIERS[0], {**TIERS[1], "range": [40000, 128000]}]),
            "previous tier ends",
        ),
        (chat("openai", tiered_pricing=[{**TIERS[0], "range": [0, 0]}]), "not an increasing pair"),
        (chat("openai", tiered_pricing=[{**TIERS[0], "range": [0]}]), "is not [low, high]"),
        (chat("openai", tiered_pricing=[{"range": [0, 1000]}]), "lacks an input or output price"),
        (
            chat("openai", tiered_pricing=[{**TIERS[0], "output_cost_per_token": -1}]),
            "tiered_pricing[0].output_cost_per_token is negative",
        ),
        (
            chat("openai", off_peak_pricing={"input_cost_per_token": 3}),
            "off_peak_pricing.input_cost_per_token is implausible",
        ),
    ],
)
def test_entry_problems(entry: dict[str, Any], fragment: str) -> None:
    problems = entry_problems(entry)
    assert any(fragment in problem for problem in problems), problems


def test_a_good_entry_has_no_problems() -> None:
    entry = chat(
        "dashscope",
        tiered_pricing=TIERS,
        max_input_tokens=258048,
        max_output_tokens=65536,
        cache_read_input_token_cost=0,
        off_peak_pricing={"input_cost_per_token": 1.5e-07, "windows": [{"weekdays": [6, 7]}]},
    )
    assert entry_problems(entry) == []


def test_validate_snapshot_names_the_key_and_ignores_other_vendors() -> None:
    raw = {
        "gpt-bad": chat("openai", inp=-1),
        "bedrock/whatever": chat("bedrock", inp=-1),
        "omni-moderation-latest": {**chat("openai"), "mode": "moderation", "max_output_tokens": 0},
    }
    assert validate_snapshot(raw) == ["gpt-bad: input_cost_per_token is negative (-1)"]


@pytest.mark.parametrize("raw", [[], "prices", 3, None])
def test_validate_snapshot_rejects_non_objects(raw: object) -> None:
    assert validate_snapshot(raw)[0].startswith("the snapshot is not a JSON object")


def test_prepare_drops_a_few_bad_entries_and_reports_them() -> None:
    raw = big_table(30)
    raw["gpt-test-3"]["output_cost_per_token"] = 5.0
    selection = prepare_snapshot(raw, TODAY)
    assert len(selection.models) == 29
    assert "gpt-test-3" not in selection.models
    assert selection.dropped == (
        "gpt-test-3: output_cost_per_token is implausible for USD per token (5.0)",
    )


def test_prepare_rejects_a_table_with_many_bad_entries() -> None:
    raw = big_table(40)
    for i in range(11):  # more than a quarter
        raw[f"gpt-test-{i}"]["input_cost_per_token"] = 2.5  # per-million read as per-token
    with pytest.raises(CatalogError, match="11 of 40 chat models are invalid"):
        prepare_snapshot(raw, TODAY)


def test_prepare_rejects_a_table_with_too_few_models() -> None:
    with pytest.raises(CatalogError, match=f"fewer than {MIN_MODELS}"):
        prepare_snapshot(big_table(MIN_MODELS - 1), TODAY)
    assert len(prepare_snapshot(big_table(MIN_MODELS), TODAY).models) == MIN_MODELS


@pytest.mark.parametrize("raw", [[], "x", None])
def test_prepare_rejects_non_objects(raw: object) -> None:
    with pytest.raises(CatalogError, match="not a JSON object"):
        prepare_snapshot(raw, TODAY)


# --- diff ------------------------------------------------------------------------------------


def test_diff_reports_added_changed_and_removed() -> None:
    old = {
        "same": chat("openai", max_input_tokens=100),
        "pricier": chat("openai"),
        "wider": chat("openai", max_input_tokens=100),
        "longer-output": chat("openai", max_output_tokens=10),
        "retiered": chat("dashscope", tiered_pricing=TIERS),
        "flag-only": chat("openai", supports_vision=False),
        "gone": chat("openai"),
    }
    new = copy.deepcopy(old)
    del new["gone"]
    new["fresh"] = chat("openai")
    new["pricier"]["output_cost_per_token"] = 3e-06
    new["wider"]["max_input_tokens"] = 200
    new["longer-output"]["max_output_tokens"] = 20
    new["retiered"]["tiered_pricing"][1]["input_cost_per_token"] = 2e-06
    new["flag-only"]["supports_vision"] = True
    new["same"]["input_cost_per_token"] = 0.000001  # the same number written differently
    assert diff_snapshots(old, new) == (
        ("fresh",),
        ("longer-output", "pricier", "retiered", "wider"),
        ("gone",),
    )


def test_diff_notices_a_new_price_field() -> None:
    old = {"m": chat("anthropic")}
    new = {"m": chat("anthropic", cache_creation_input_token_cost_above_1hr=2e-06)}
    assert diff_snapshots(old, new) == ((), ("m",), ())


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.floats(0, 0.01), max_size=8))
def test_diff_of_a_snapshot_with_itself_is_empty(prices: dict[str, float]) -> None:
    snapshot = {key: chat("openai", inp=value) for key, value in prices.items()}
    assert diff_snapshots(snapshot, json.loads(dump_snapshot(snapshot))) == ((), (), ())


def test_dump_snapshot_sorts_keys_and_round_trips() -> None:
    snapshot = {"b": chat("openai"), "a": chat("xai", tiered_pricing=TIERS)}
    data = dump_snapshot(snapshot)
    assert data.endswith(b"\n")
    assert data.startswith(b'{\n "a": {\n  "input_cost_per_token"')
    assert json.loads(data) == snapshot


# --- the shipped snapshot --------------------------------------------------------------------


def _shipped(name: str) -> bytes:
    return (paths.resources_dir() / "prices" / name).read_bytes()


def _all_prices(entry: dict[str, Any]) -> list[tuple[str, object]]:
    found = [(k, v) for k, v in entry.items() if is_price_field(k)]
    for tier in entry.get("tiered_pricing", []):
        found.extend((k, v) for k, v in tier.items() if is_price_field(k))
    return found


def test_shipped_snapshot_covers_every_provider_with_parseable_prices() -> None:
    snapshot = json.loads(_shipped("litellm_snapshot.json"))
    assert len(snapshot) >= 50
    assert {entry["litellm_provider"] for entry in snapshot.values()} == set(PROVIDERS)
    for model_id, entry in snapshot.items():
        assert entry["mode"] in ("chat", "responses"), model_id
        assert entry_problems(entry) == [], model_id
        prices = _all_prices(entry)
        assert prices, model_id
        for field, value in prices:
            price = Decimal(str(value))
            assert price.is_finite(), (model_id, field)
            assert Decimal(0) <= price <= Decimal("0.01"), (model_id, field)
        has_flat = "input_cost_per_token" in entry and "output_cost_per_token" in entry
        assert has_flat or entry.get("tiered_pricing"), model_id


def test_shipped_snapshot_is_what_selection_gives_and_matches_its_manifest() -> None:
    data = _shipped("litellm_snapshot.json")
    snapshot = json.loads(data)
    assert select_chat_models(snapshot, dt.date(2026, 11, 27)) == snapshot
    assert dump_snapshot(snapshot) == data
    manifest = json.loads(_shipped("manifest.json"))
    assert manifest["schema"] == 1
    assert manifest["snapshot"]["file"] == "litellm_snapshot.json"
    assert manifest["snapshot"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["snapshot"]["models"] == len(snapshot)
    assert manifest["snapshot"]["currency"] == "USD"


def test_shipped_cny_list_prices_are_cited_decimal_strings_for_known_models() -> None:
    manifest = json.loads(_shipped("manifest.json"))
    if "list_prices" not in manifest:
        pytest.skip("no CNY list prices shipped")
    data = _shipped(manifest["list_prices"]["file"])
    assert manifest["list_prices"]["sha256"] == hashlib.sha256(data).hexdigest()
    cny = json.loads(data)
    snapshot = json.loads(_shipped("litellm_snapshot.json"))
    assert manifest["list_prices"]["models"] == len(cny)
    for model_id, entry in cny.items():
        assert model_id in snapshot, model_id
        assert entry["currency"] == "CNY"
        assert entry["source"].startswith("https://")
        dt.date.fromisoformat(entry["checked"])
        for field in (
            "input_cost_per_million",
            "output_cost_per_million",
            "cache_read_cost_per_million",
        ):
            if field in entry or field != "cache_read_cost_per_million":
                assert isinstance(entry[field], str)
                assert Decimal(entry[field]) >= 0


@pytest.mark.parametrize(
    ("model", "inp", "out"),
    [
        ("gpt-5.5-pro", "0.00003", "0.00018"),
        ("gpt-5.4-pro", "0.00003", "0.00018"),
        ("gpt-5.3-codex", "0.00000175", "0.000014"),
        ("o3-pro", "0.00002", "0.00008"),
        ("grok-4.20-multi-agent", "0.00000125", "0.0000025"),
    ],
)
def test_responses_mode_models_are_in_the_bundled_catalogue(model: str, inp: str, out: str) -> None:
    from tokenbudget.core.services import Service

    info = Service().counting.model(model)
    assert info.pricing is not None
    assert (info.pricing.base.input, info.pricing.base.output) == (Decimal(inp), Decimal(out))
