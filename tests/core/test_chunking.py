"""Counts of pieces cut by ``safe_cuts`` add up to the count of the whole text, exactly.

The property is checked against the real bundled tokenizers, over random texts built from the
characters that matter to pre-tokenizers: line breaks, white space, ``/``, punctuation, digits,
letters of several scripts, combining marks and emoji.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenbudget.core.chunking import safe_cuts, split_at
from tokenbudget.core.tokenizers import Tokenizer, TokenizerRegistry

ALPHABET = [
    *"aZé中文ひカ한1 9\n\n\r\t/./'s-_{}()<>|#=\u0301\u200b",
    *["👍🏽", "👨‍👩‍👧", "<|endoftext|>", "<think>", "  ", "\n\n"],
]
texts = st.lists(st.sampled_from(ALPHABET), max_size=120).map("".join)


def test_cuts_fall_after_a_line_break_before_a_safe_character() -> None:
    text = "line one\n/path\n  indented\nnext\n\nafter blank\nend"
    cuts = safe_cuts(text, 1)
    assert [text[c - 1 : c + 1] for c in cuts] == ["\nn", "\na", "\ne"]
    assert "".join(split_at(text, cuts)) == text


@given(texts, st.integers(min_value=1, max_value=40))
def test_pieces_rejoin_to_the_text(text: str, target: int) -> None:
    cuts = safe_cuts(text, target)
    assert cuts == sorted(set(cuts))
    assert all(0 < c < len(text) for c in cuts)
    assert "".join(split_at(text, cuts)) == text


def test_long_line_without_a_safe_cut_stays_whole() -> None:
    assert safe_cuts("x" * 1000, 10) == []


@pytest.mark.parametrize(
    "tokenizer_id",
    ["o200k_base", "cl100k_base", "deepseek-v3", "qwen2", "qwen3.5", "mistral-tekken", "gemma3"],
)
def test_piece_counts_add_up_exactly(registry: TokenizerRegistry, tokenizer_id: str) -> None:
    tok: Tokenizer = registry.get(tokenizer_id)

    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts, st.integers(min_value=1, max_value=30))
    def check(text: str, target: int) -> None:
        pieces = split_at(text, safe_cuts(text, target))
        assert sum(tok.count(p) for p in pieces) == tok.count(text)

    check()


def test_large_text_counted_in_batches_equals_one_call(registry: TokenizerRegistry) -> None:
    """Above the parallel threshold the tokenizers count in batches; the total is unchanged."""
    import random

    rng = random.Random(7)
    words = [
        "alpha",
        "beta",
        "中文",
        "/usr/bin",
        "  x = 1;",
        "\n",
        "\n\n",
        "日本語",
        "👍🏽",
        "'s",
        "42",
    ]
    text = " ".join(rng.choice(words) for _ in range(120_000))
    assert len(text) > 300_000
    for tokenizer_id in registry.ids():
        tok = registry.get(tokenizer_id)
        assert tok.count(text) == len(tok.encode(text)), tokenizer_id
