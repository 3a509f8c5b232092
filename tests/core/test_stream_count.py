"""Counting a text in blocks gives exactly the counts of the whole text.

Three layers, each against the real thing: the chunks cut from blocks are the chunks of the
whole text; the cuts inside a line add up for every bundled tokenizer; and the report of
``Service.count_stream`` equals ``Service.count`` for mixed texts, CJK and long lines.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenbudget.core import stream_count
from tokenbudget.core.chunking import ChunkRule, chunk
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.services import Service
from tokenbudget.core.stream_count import split_long, stream_chunks
from tokenbudget.core.tokenizers import Tokenizer, TokenizerRegistry

TOKENIZERS = ["o200k_base", "cl100k_base", "deepseek-v3", "qwen2", "qwen3.5", "mistral-tekken"]
TOKENIZERS += ["gemma3"]
ALPHABET = [
    *"aZé中文ひカ한1 9\n\n\r\t/./'s-_{}()<>|#=\u0301\u200b",
    *["👍🏽", "<|endoftext|>", "<think>", "  ", "\n\n", "> </", "```\n", "word ", " x"],
]
texts = st.lists(st.sampled_from(ALPHABET), max_size=150).map("".join)
SMALL = ChunkRule(target=16, min_size=8, max_size=48)


def _blocks(text: str, sizes: list[int]) -> list[str]:
    blocks, pos = [], 0
    for size in sizes:
        blocks.append(text[pos : pos + size])
        pos += size
    return [*blocks, text[pos:]]


@settings(max_examples=400, deadline=None)
@given(texts, st.lists(st.integers(min_value=0, max_value=60), max_size=20))
def test_chunks_cut_from_blocks_are_the_chunks_of_the_whole(text: str, sizes: list[int]) -> None:
    assert list(stream_chunks(_blocks(text, sizes), SMALL)) == chunk(text, SMALL)


def test_chunks_of_a_large_text_in_1_kib_blocks_are_the_chunks_of_the_whole() -> None:
    rng = random.Random(3)
    lines = ["short\n", "x" * 5000 + "\n", "  indented\n", "/path\n", "中文" * 300 + "\n", "\n"]
    text = "".join(rng.choice(lines) for _ in range(3000))
    blocks = [text[i : i + 1024] for i in range(0, len(text), 1024)]
    assert list(stream_chunks(blocks)) == chunk(text)


def test_a_stretch_without_a_line_break_past_the_limit_is_refused() -> None:
    with pytest.raises(UserInputError, match="without a line break"):
        list(stream_chunks(["y" * 100] * 10, SMALL, max_chunk=500))


def test_long_text_is_cut_between_words_and_after_line_breaks() -> None:
    text = "alpha beta, gamma\nnext line x  y"
    pieces = split_long(text, 3)
    assert "".join(pieces) == text
    assert pieces == ["alpha", " beta, gamma\n", "next", " line", " x  y"]
    assert split_long("中文" * 100, 3) == ["中文" * 100]  # no cut: stays whole


@pytest.mark.parametrize("tokenizer_id", TOKENIZERS)
def test_pieces_cut_inside_lines_add_up_exactly(
    registry: TokenizerRegistry, tokenizer_id: str
) -> None:
    tok: Tokenizer = registry.get(tokenizer_id)

    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts, st.integers(min_value=1, max_value=12))
    def check(text: str, size: int) -> None:
        assert sum(tok.count(p) for p in split_long(text, size)) == tok.count(text)

    check()


def _mixed(rng: random.Random, n: int) -> str:
    parts = [
        "Summarise the article below in three bullet points, please. ",
        "def f(x):\n    return [i * 2 for i in range(x)]  # comment\n",
        "这是一个用于测试的中文段落，包含标点符号和一些数字 12345。\n",
        "```python\nprint('fenced')\n```\n",
        "https://example.com/a/b?c=d\n",
        "\n\n",
        "  indented line\n",
        "word " * 40,
        "z" * 400,  # a run without spaces
        "<think> cafe\u0301 👍🏽 <|endoftext|>\n",
    ]
    return "".join(rng.choice(parts) for _ in range(n))


@pytest.mark.parametrize(
    ("seed", "size", "newlines"),
    [(1, 300, True), (2, 1500, True), (3, 400, False)],
)
def test_stream_report_equals_whole_text_report(
    monkeypatch: pytest.MonkeyPatch, seed: int, size: int, newlines: bool
) -> None:
    """Small batch and piece sizes force every path: batches, long pieces, one huge line."""
    monkeypatch.setattr(stream_count, "LONG", 700)
    monkeypatch.setattr(stream_count, "_BATCH_CHARS", 5000)
    text = _mixed(random.Random(seed), size)
    if not newlines:
        text = text.replace("\n", " ")
    service = Service()
    models = [m.id for m in service.counting.resolve_models([])] + ["claude-opus-4-7"]
    ids = [spec.id for spec in service.counting.vocabularies()]
    whole = service.counting.count(text, models, ids)
    rng = random.Random(seed)
    blocks, pos = [], 0
    while pos < len(text):
        step = rng.randint(1, 40_000)
        blocks.append(text[pos : pos + step])
        pos += step
    streamed = Service().counting.count_stream(blocks, models, ids)
    assert streamed == whole
    assert streamed.chars == len(text)


def test_cjk_line_without_spaces_equals_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_count, "LONG", 500)
    text = "这是一个没有空格的很长的中文行" * 1500 + "\nend"
    service = Service()
    models = ["gpt-5.5", "claude-sonnet-4-6", "deepseek-v4-flash", "qwen-plus"]
    whole = service.counting.count(text, models)
    blocks = [text[i : i + 999] for i in range(0, len(text), 999)]
    assert Service().counting.count_stream(blocks, models) == whole


@pytest.mark.parametrize("batches", [1, 3])
def test_a_lean_count_equals_the_full_one_and_holds_one_vocabulary_at_a_time(
    monkeypatch: pytest.MonkeyPatch, batches: int
) -> None:
    """``lean`` (what ``tokenbudget count`` uses) changes what stays loaded, never a number."""
    text = _mixed(random.Random(7), 600)
    monkeypatch.setattr(stream_count, "_BATCH_CHARS", len(text) // batches + 1)
    service = Service()
    models = [m.id for m in service.counting.resolve_models([])] + ["claude-opus-4-7"]
    ids = [spec.id for spec in service.counting.vocabularies()]
    full = Service().counting.count_stream([text], models, ids)

    lean_service = Service()
    registry = lean_service.counting._registry
    registry.get("cl100k_base")  # loaded before the count: someone else uses it
    loaded_at_once: list[int] = []
    real_get = registry.get

    def get(tokenizer_id: str) -> Tokenizer:
        got = real_get(tokenizer_id)
        loaded_at_once.append(sum(registry.is_loaded(i) for i in ids))
        return got

    monkeypatch.setattr(registry, "get", get)
    lean = lean_service.counting.count_stream([text], models, ids, lean=True)
    assert lean == full
    still = [i for i in ids if registry.is_loaded(i)]
    if batches == 1:
        assert still == ["cl100k_base"]  # the others were let go after their count
        assert max(loaded_at_once) <= 2  # cl100k_base and the one being counted
    else:
        assert set(still) == set(ids)  # a long text keeps them: reloading per batch costs more


def test_an_unloaded_vocabulary_loads_again_with_the_same_counts(
    registry: TokenizerRegistry,
) -> None:
    text = "Summarise 这篇文章 <|endoftext|> def f(x): return x\n" * 50
    first = registry.get("gemma3").count(text)
    registry.unload("gemma3")
    assert not registry.is_loaded("gemma3")
    assert registry.get("gemma3").count(text) == first
    registry.unload("gemma3")
    registry.unload("gemma3")  # unloading what is not loaded is harmless
