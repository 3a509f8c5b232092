"""The sub-vocabulary path counts exactly what the full vocabulary counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenbudget.core import vocabcache
from tokenbudget.core.subvocab import SPAN, count_short, sub_vocabulary
from tokenbudget.core.tokenizers import TokenizerRegistry

TIKTOKEN_FAMILY = ["o200k_base", "cl100k_base", "qwen2", "qwen3.5", "mistral-tekken"]
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = [c["text"] for c in json.loads((GOLDEN / "strings.json").read_text("utf-8"))]


@pytest.mark.parametrize("tokenizer_id", TIKTOKEN_FAMILY)
def test_golden_strings_count_the_same_both_ways(
    registry: TokenizerRegistry, tokenizer_id: str
) -> None:
    spec = registry.spec(tokenizer_id)
    vocab = registry._vocabulary(spec)
    full = registry.get(tokenizer_id)
    for text in CASES:
        assert count_short(vocab, text, nfc=spec.normalize == "NFC") == full.count(text), text


@pytest.mark.parametrize("tokenizer_id", TIKTOKEN_FAMILY)
def test_random_texts_count_the_same_both_ways(
    registry: TokenizerRegistry, tokenizer_id: str
) -> None:
    spec = registry.spec(tokenizer_id)
    vocab = registry._vocabulary(spec)
    full = registry.get(tokenizer_id)
    alphabet = st.sampled_from(
        [
            *"ab Z中文ひ한1 \n\t/.'-_{}()=",
            "\u0301",
            "👍🏽",
            "<|endoftext|>",
            "https://",
            "    ",
            "=" * 40,
        ]
    )

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(alphabet, max_size=60).map("".join))
    def check(text: str) -> None:
        assert count_short(vocab, text, nfc=spec.normalize == "NFC") == full.count(text)

    check()


def test_tokens_longer_than_the_span_are_found(registry: TokenizerRegistry) -> None:
    vocab = registry._vocabulary(registry.spec("o200k_base"))
    longest = max(vocab.ranks, key=len)
    assert len(longest) > SPAN
    found = sub_vocabulary(vocab, b"xx" + longest + b"yy")
    assert found[longest] == vocab.ranks[longest]


def test_registry_count_uses_the_quick_path_only_for_short_texts(
    registry: TokenizerRegistry,
) -> None:
    fresh = TokenizerRegistry(registry._dir, None)
    assert fresh.count("o200k_base", "hello world") == 2
    assert not fresh.is_loaded("o200k_base")
    fresh.count("o200k_base", "word " * 20_000)
    assert fresh.is_loaded("o200k_base")


def test_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, registry: TokenizerRegistry) -> None:
    spec = registry.spec("cl100k_base")
    fresh = TokenizerRegistry(registry._dir, tmp_path)
    assert fresh.count("cl100k_base", "hello") == 1
    path = vocabcache.cache_file(tmp_path, "cl100k_base", spec.content_sha256)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    assert vocabcache.load(path) is None
    again = TokenizerRegistry(registry._dir, tmp_path)
    assert again.count("cl100k_base", "hello") == 1
    assert vocabcache.load(path) is not None


def test_many_short_counts_switch_to_the_full_vocabulary(registry: TokenizerRegistry) -> None:
    fresh = TokenizerRegistry(registry._dir, None)
    piece = "short text " * 1000  # 11 KB
    expected = registry.get("o200k_base").count(piece)
    for _ in range(2):
        assert fresh.count("o200k_base", piece) == expected
    assert not fresh.is_loaded("o200k_base")
    assert fresh.count("o200k_base", piece) == expected  # over the budget: a full build now
    assert fresh.is_loaded("o200k_base")
