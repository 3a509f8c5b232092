"""The one table of model names: every alias row and prefix rule reaches its catalogue model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenbudget.core.catalog import Catalog
from tokenbudget.core.catalog_files import load_catalog_or_bundled
from tokenbudget.core.model_names import ALIASES, candidates, normalise, provider_of
from tokenbudget.core.recording import find_model

PRICES = Path(__file__).resolve().parents[2] / "resources" / "prices"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog_or_bundled(PRICES)[0]


# (name as a tool writes it, the catalogue id it must reach, its provider) - ids by hand.
NAMES = [
    # alias rows
    ("kimi-for-coding", "kimi-k2.7-code", "moonshot"),
    ("moonshot/kimi-for-coding", "kimi-k2.7-code", "moonshot"),
    ("grok-code-fast-1", "grok-code-fast", "xai"),
    ("github-copilot/grok-code-fast-1", "grok-code-fast", "xai"),
    # prefixes of routers and clouds
    ("anthropic/claude-sonnet-4-6", "claude-sonnet-4-6", "anthropic"),
    ("openrouter/anthropic/claude-opus-4-7", "claude-opus-4-7", "anthropic"),
    ("github-copilot/gpt-5", "gpt-5", "openai"),
    (
        "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "claude-sonnet-4-5-20250929",
        "anthropic",
    ),
    ("vertex_ai/claude-opus-4-5@20251101", "claude-opus-4-5", "anthropic"),
    ("azure/gpt-5-mini", "gpt-5-mini", "openai"),
    ("dashscope/qwen3-coder-plus", "qwen3-coder-plus", "dashscope"),
    ("qwen3-coder-plus", "qwen3-coder-plus", "dashscope"),
    ("glm-4.6", "glm-4.6", "zai"),
    ("zai-org/GLM-4.6", "glm-4.6", "zai"),
    ("deepseek/deepseek-v3.2", "deepseek-v3.2", "deepseek"),
    # date suffixes: the dated id when the catalogue has it, else the undated one
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929", "anthropic"),
    ("claude-sonnet-4-6-20260101", "claude-sonnet-4-6", "anthropic"),
    ("gemini-2.5-pro@001", "gemini-2.5-pro", "gemini"),
    # router suffixes, case, Copilot's dots
    ("openrouter/openai/gpt-5:free", "gpt-5", "openai"),
    ("anthropic/claude-opus-4-6:thinking", "claude-opus-4-6", "anthropic"),
    ("GPT-5.1", "gpt-5.1", "openai"),
    ("claude-sonnet-4.5", "claude-sonnet-4-5", "anthropic"),
    ("claude-haiku-4.5", "claude-haiku-4-5", "anthropic"),
    ("claude-opus-4.5", "claude-opus-4-5", "anthropic"),
]


@pytest.mark.parametrize(("name", "model", "provider"), NAMES)
def test_every_name_reaches_its_catalogue_model(
    catalog: Catalog, name: str, model: str, provider: str
) -> None:
    info = find_model(catalog, name)
    assert info is not None and info.id == model
    assert provider_of(name) == provider


def test_every_alias_row_is_tested_and_in_the_catalogue(catalog: Catalog) -> None:
    tested = {normalise(name) for name, _, _ in NAMES}
    for row in ALIASES:
        assert row.model in tested
        assert catalog.get(row.model).provider == row.provider


@pytest.mark.parametrize(
    "name",
    [
        "moonshotai/Kimi-K2-Instruct",
        "kimi-k2-turbo-preview",
        "claude-sonnet-4@20250514",
        "my-finetune",
    ],
)
def test_an_unknown_name_stays_unplaced(catalog: Catalog, name: str) -> None:
    assert find_model(catalog, name) is None


def test_names_keep_their_provider_when_the_catalogue_lacks_them() -> None:
    assert provider_of("moonshotai/Kimi-K2-Instruct") == "moonshot"
    assert provider_of("deepseek/deepseek-chat") == "deepseek"
    assert provider_of("my-finetune", "openai") == "openai"
    assert provider_of("my-finetune") is None


def test_candidates_try_the_name_as_written_first() -> None:
    assert candidates("openrouter/anthropic/claude-opus-4-7:thinking") == [
        "openrouter/anthropic/claude-opus-4-7:thinking",
        "claude-opus-4-7",
    ]
    assert candidates("Claude-Sonnet-4-5-20250929") == [
        "Claude-Sonnet-4-5-20250929",
        "claude-sonnet-4-5-20250929",
        "claude-sonnet-4-5",
    ]
    assert candidates("  ") == []
    assert normalise("zai-org/GLM-4.6") == "glm-4.6"
