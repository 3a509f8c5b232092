"""Incremental counting: content-defined chunks at safe cuts, and a cache of chunk counts.

The central property: after any sequence of edits, the incremental count of the text equals
the whole text's count, for every bundled tokenizer; and an edit re-counts only the chunks it
touched. Small chunk sizes make short random texts span many chunks.
"""

from __future__ import annotations

import random
import threading
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenbudget.core import estimate
from tokenbudget.core.chunking import (
    DEFAULT_RULE,
    ChunkRule,
    chunk,
    chunk_cuts,
    rechunk,
    safe_cuts,
)
from tokenbudget.core.errors import UnknownModelError
from tokenbudget.core.incremental import IncrementalCounter
from tokenbudget.core.services import TextCounts
from tokenbudget.core.tokenizers import Tokenizer, TokenizerRegistry

IDS = ["o200k_base", "cl100k_base", "deepseek-v3", "qwen2", "qwen3.5", "mistral-tekken", "gemma3"]
SMALL = ChunkRule(target=40, min_size=8, max_size=120)

ATOMS = [
    *["The", " quick", " brown", " fox", " jumps", ".", ",", "'s", " don't", "123", "4567"],
    *["\n", "\n", "\n", "\n\n", "\r\n", "\r", " ", "  ", "\t", "    ", "\u00a0", "\u3000"],
    *["/", "//", "/usr/bin", "def f(x):", "    return x", "{", "}", "();", " = ", "#"],
    *["中文", "日本語", "한국어", "你好世界", "，", "。", "👍🏽", "👨‍👩‍👧"],
    *["e\u0301", "\u0301", "\u0327", "\u1100", "\u1161", "\u11a8", "가", "A\u030a", "\u212b"],
    *["```", "```python", "~~~", "<|endoftext|>", "<think>", "x" * 150, "中" * 60],
]
texts = st.lists(st.sampled_from(ATOMS), max_size=60).map("".join)


@pytest.fixture(scope="module")
def tokenizers(registry: TokenizerRegistry) -> dict[str, Tokenizer]:
    """Every vocabulary, loaded once for the module (Gemma 3 takes a second)."""
    return {tid: registry.get(tid) for tid in IDS}


def edited(data: st.DataObject, text: str, chunks: list[str]) -> str:
    """One random insert, delete or replace, often at a chunk boundary or inside a CRLF."""
    bounds = [sum(map(len, chunks[:i])) for i in range(1, len(chunks))]
    inside_crlf = [i + 1 for i in range(len(text) - 1) if text[i : i + 2] == "\r\n"]
    places = [st.integers(0, len(text))]
    places += [st.sampled_from(bounds)] if bounds else []
    places += [st.sampled_from(inside_crlf)] if inside_crlf else []
    at = data.draw(st.one_of(places))
    removed = data.draw(st.sampled_from([0, 0, 1, 1, 2, 5, 30]))
    inserted = data.draw(st.one_of(st.sampled_from(["", "a", "\n", "/", " ", "\u0301"]), texts))
    return text[:at] + inserted + text[at + removed :]


def realistic(size: int, seed: int) -> str:
    """Paragraphs of English and Chinese, Python functions, fenced blocks: ``size`` chars."""
    rng = random.Random(seed)
    words = [
        "the",
        "token",
        "budget",
        "of",
        "a",
        "long",
        "prompt",
        "grows",
        "with",
        "every",
        "cached",
        "context",
        "window",
    ]
    names = ["price", "tokens", "rate", "total", "count", "value", "item", "result"]
    hanzi = "本季度报告显示令牌支出的增长快于使用量主要是因为长提示词在没有缓存的情况下被发送"
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        kind = rng.randrange(5)
        if kind <= 1:
            parts.append(" ".join(rng.choice(words) for _ in range(rng.randint(10, 90))) + ".\n")
        elif kind == 2:
            parts.append("".join(rng.choice(hanzi) for _ in range(rng.randint(20, 150))) + "。\n")
        else:
            body = [f"def {rng.choice(names)}_{rng.randrange(999)}(x):"]
            for _ in range(rng.randint(2, 12)):
                body.append(f"    {rng.choice(names)} = x[{rng.randrange(99)}] + 1")
            block = "\n".join(body) + "\n\n"
            parts.append(f"```python\n{block}```\n" if kind == 4 else block)
    return "".join(parts)


# -- chunking --------------------------------------------------------------------------------


@settings(max_examples=300)
@given(texts)
def test_chunks_rejoin_and_cut_only_at_safe_cuts(text: str) -> None:
    for rule in (SMALL, DEFAULT_RULE, ChunkRule(target=1, min_size=1, max_size=1)):
        cuts = chunk_cuts(text, rule)
        assert set(cuts) <= set(safe_cuts(text, 1))
        assert "".join(chunk(text, rule)) == text


@settings(max_examples=300)
@given(texts)
def test_chunk_sizes_respect_the_rule_where_the_text_allows(text: str) -> None:
    candidates = safe_cuts(text, 1)
    pieces = chunk(text, SMALL)
    start = 0
    for i, piece in enumerate(pieces):
        inside = [c - start for c in candidates if start < c < start + len(piece)]
        if len(piece) > SMALL.max_size:  # only when no safe cut was within reach
            assert not [c for c in inside if c <= SMALL.max_size]
        if len(piece) < SMALL.min_size and i < len(pieces) - 1:  # only a forced cut
            ahead = [c - start for c in candidates if start < c <= start + SMALL.max_size]
            assert max(ahead) < SMALL.min_size
        start += len(piece)


def test_a_region_without_safe_cuts_stays_one_chunk() -> None:
    assert chunk("x" * 100_000) == ["x" * 100_000]
    indented = "".join(f"    line {i}\n" for i in range(20_000))
    assert chunk("start\n" + indented) == ["start\n" + indented]
    assert chunk("") == []


def test_default_chunks_are_kilobytes_and_edits_change_one_or_two() -> None:
    text = realistic(300_000, seed=1)
    pieces = chunk(text)
    sizes = sorted(map(len, pieces))
    assert 1024 <= sizes[len(sizes) // 2] <= 8192
    assert sizes[-1] <= DEFAULT_RULE.max_size
    rng = random.Random(2)
    changed = []
    for _ in range(400):
        at = rng.randrange(len(text) + 1)
        if rng.random() < 0.6:
            new = text[:at] + rng.choice("a\n中 /`") + text[at:]
        else:
            new = text[:at] + text[at + rng.randint(1, 30) :]
        new_pieces = rechunk(pieces, new)
        assert new_pieces == chunk(new)
        changed.append(len(set(new_pieces) - set(pieces)))
        text, pieces = new, new_pieces
    assert max(changed) <= 3
    assert sum(changed) / len(changed) < 1.3


@settings(max_examples=500, deadline=None)
@given(texts, st.data())
def test_rechunk_equals_chunk_after_random_edits(text: str, data: st.DataObject) -> None:
    # Mostly natural cuts; a mix; mostly forced ones (whose decisions look furthest ahead).
    for rule in (SMALL, ChunkRule(60, 4, 30), ChunkRule(400, 2, 12)):
        pieces = chunk(text, rule)
        current = text
        for _ in range(4):
            new = edited(data, current, pieces)
            new_pieces = rechunk(pieces, new, rule)
            assert new_pieces == chunk(new, rule)
            current, pieces = new, new_pieces


def test_rechunk_reuses_the_unchanged_chunks_themselves() -> None:
    """Chunks before and after an edit are the old string objects (their hashes are cached)."""
    text = realistic(200_000, seed=13)
    pieces = chunk(text)
    middle = len(text) // 2
    new_pieces = rechunk(pieces, text[:middle] + "typed" + text[middle:])
    old_ids = {id(p) for p in pieces}
    reused = sum(id(p) in old_ids for p in new_pieces)
    assert reused >= len(new_pieces) - 3
    assert new_pieces[0] is pieces[0] and new_pieces[-1] is pieces[-1]


# -- normalisation ---------------------------------------------------------------------------


def test_nfc_never_reaches_across_a_line_break() -> None:
    """For every code point: nothing composes with a line break, and a safe first character
    stays safe, so NFC of chunks cut after a line break is NFC of the whole."""
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        nfc = unicodedata.normalize("NFC", c)
        assert unicodedata.normalize("NFC", "\n" + c) == "\n" + nfc, hex(cp)
        if not c.isspace() and c != "/":
            assert not nfc[0].isspace() and nfc[0] != "/", hex(cp)
    assert unicodedata.combining("\n") == 0


MARKS = st.lists(
    st.sampled_from(["\n", "e", "\u0301", "\u0327", "\u1100", "\u1161", "\u11a8", "가", "A"]),
    max_size=30,
).map("".join)


@given(MARKS, MARKS)
def test_nfc_of_pieces_cut_after_a_line_break_is_nfc_of_the_whole(a: str, b: str) -> None:
    a += "\n"
    nfc = unicodedata.normalize
    assert nfc("NFC", a + b) == nfc("NFC", a) + nfc("NFC", b)


@pytest.mark.parametrize("tokenizer_id", ["qwen2", "qwen3.5"])
def test_qwen_counts_with_marks_and_jamo_after_line_breaks(
    registry: TokenizerRegistry, tokenizers: dict[str, Tokenizer], tokenizer_id: str
) -> None:
    tok = tokenizers[tokenizer_id]
    rule = ChunkRule(target=1, min_size=1, max_size=2)  # cut at every safe cut
    samples = [
        "cafe\n\u0301 au lait\n\u0301\u0327x",
        "\u1100\n\u1161\u11a8\n\u1161",  # Hangul jamo that would compose without the break
        "A\n\u030a\n\u212b\ne\u0301\n\u0301e",
        "한\n\u1161국\n\u11a8어",
    ]
    for text in samples:
        counter = IncrementalCounter(registry, rule=rule)
        assert len(counter.chunks(text)) > 1
        assert counter.count(tokenizer_id, text) == tok.count(text), repr(text)


# -- exact counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("tokenizer_id", IDS)
def test_incremental_counts_equal_whole_counts_after_random_edits(
    registry: TokenizerRegistry, tokenizers: dict[str, Tokenizer], tokenizer_id: str
) -> None:
    tok = tokenizers[tokenizer_id]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(texts, st.data())
    def check(text: str, data: st.DataObject) -> None:
        counter = IncrementalCounter(registry, rule=SMALL)
        seen: set[str] = set()
        for _ in range(5):
            pieces = counter.chunks(text)
            before = counter.stats().misses
            assert counter.count(tokenizer_id, text) == tok.count(text)
            # Exactly the chunk texts never counted before were counted.
            assert counter.stats().misses - before == len(set(pieces) - seen)
            seen |= set(pieces)
            text = edited(data, text, pieces)

    check()


@pytest.mark.parametrize("tokenizer_id", ["o200k_base", "deepseek-v3", "qwen2"])
def test_a_keystroke_recounts_one_or_two_chunks(
    registry: TokenizerRegistry, tokenizers: dict[str, Tokenizer], tokenizer_id: str
) -> None:
    text = realistic(120_000, seed=3)
    counter = IncrementalCounter(registry)
    assert counter.count(tokenizer_id, text) == tokenizers[tokenizer_id].count(text)
    rng = random.Random(4)
    recounted = []
    for _ in range(40):
        at = rng.randrange(len(text))
        text = text[:at] + rng.choice("a\n中/ ") + text[at:]
        before = counter.stats()
        counter.count(tokenizer_id, text)
        recounted.append(counter.stats().misses - before.misses)
    assert tokenizers[tokenizer_id].count(text) == counter.count(tokenizer_id, text)
    assert max(recounted) <= 3
    assert sum(recounted) <= 1.4 * len(recounted)


def test_repeated_chunks_are_counted_once(registry: TokenizerRegistry) -> None:
    counter = IncrementalCounter(registry, rule=ChunkRule(target=1, min_size=1, max_size=4))
    text = "same\n" * 100
    assert counter.count("o200k_base", text) == registry.get("o200k_base").count(text)
    assert counter.stats().misses == 1


def test_a_vocabulary_not_loaded_yet_is_counted_the_same(tokenizers: dict[str, Tokenizer]) -> None:
    """Few new chunks go through ``registry.count``, which may use a sub-vocabulary."""
    fresh = TokenizerRegistry.bundled()
    text = realistic(3_000, seed=14)
    counter = IncrementalCounter(fresh, rule=SMALL)
    assert counter.count("cl100k_base", text) == tokenizers["cl100k_base"].count(text)


def test_empty_text_and_unknown_ids(registry: TokenizerRegistry) -> None:
    counter = IncrementalCounter(registry)
    assert counter.count("o200k_base", "") == 0
    assert counter.estimate("claude", "") == 0
    with pytest.raises(UnknownModelError):
        counter.count("no-such-vocabulary", "text")
    with pytest.raises(UnknownModelError):
        counter.estimate("no-such-estimator", "text")


def test_the_cache_stays_within_its_bound_least_recently_used_first(
    registry: TokenizerRegistry,
) -> None:
    first, second = realistic(60_000, seed=5), realistic(60_000, seed=6)
    tok = registry.get("o200k_base")
    sizes = []
    for text in (first, second):
        probe = IncrementalCounter(registry)
        probe.count("o200k_base", text)
        sizes.append(probe.stats().bytes)
    bound = max(sizes) + min(sizes) // 2  # room for one text's chunks, not for both
    counter = IncrementalCounter(registry, max_bytes=bound)
    misses = []
    for text in (first, first, second, first):
        before = counter.stats().misses
        assert counter.count("o200k_base", text) == tok.count(text)
        misses.append(counter.stats().misses - before)
        stats = counter.stats()
        assert 0 < stats.bytes <= stats.max_bytes == bound
    n_first = len(set(chunk(first)))
    # Counted, then cached; the second text pushes out the oldest, not all of them.
    assert misses[0] == n_first and misses[1] == 0 and misses[2] > 0
    assert 0 < misses[3] < n_first
    counter.clear()
    assert counter.stats().entries == 0 and counter.stats().bytes == 0


def test_the_default_cache_holds_a_megabyte_document_in_a_few_megabytes(
    registry: TokenizerRegistry,
) -> None:
    text = realistic(1_000_000, seed=7)
    counter = IncrementalCounter(registry)
    counter.count("o200k_base", text)
    assert counter.stats().bytes < 4 * 1024 * 1024


def test_threads_share_one_counter(registry: TokenizerRegistry) -> None:
    versions = [realistic(30_000, seed=8)]
    rng = random.Random(9)
    for _ in range(15):
        at = rng.randrange(len(versions[-1]))
        versions.append(versions[-1][:at] + "x\ny" + versions[-1][at + 3 :])
    keys = ["o200k_base", "cl100k_base", "qwen2", "claude", "claude-4.7"]
    counter = IncrementalCounter(registry)
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(key: str) -> None:
        try:
            results[key] = [counter.count_key(key, text) for text in versions]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for key in keys:
        counts = [TextCounts(text, registry) for text in versions]
        if key in IDS:
            assert results[key] == [c.exact(key) for c in counts], key
        else:
            assert results[key] == [c.estimated(key) for c in counts], key


# -- estimates -------------------------------------------------------------------------------

FENCED = st.lists(
    st.sampled_from(
        [*ATOMS, "```\n", "```python\n", "~~~\n", "  ```\n", "请总结这份报告\n", "x = f(y);\n"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(FENCED, st.sampled_from([SMALL, ChunkRule(1, 1, 3), DEFAULT_RULE]))
def test_chunked_kind_split_classifies_every_line_as_the_whole_text_does(
    text: str, rule: ChunkRule
) -> None:
    """With a count that adds up under any cut (the length), chunking changes nothing: the
    fence state carried across chunks classifies each line as in the whole text."""
    whole = {kind: len(part) for kind, part in estimate.split_by_kind(text).items()}
    assert estimate.kind_counts(text, len, rule) == whole


def _registry_count(registry: TokenizerRegistry, base: str) -> Callable[[str], int]:
    return lambda part: registry.count(base, part)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FENCED, st.data())
def test_incremental_kind_counts_equal_one_shot_after_random_edits(
    registry: TokenizerRegistry, text: str, data: st.DataObject
) -> None:
    counter = IncrementalCounter(registry, rule=SMALL)
    count = _registry_count(registry, "o200k_base")
    for _ in range(4):
        expected = estimate.kind_counts(text, count, SMALL)
        assert counter.kind_counts("o200k_base", text) == expected
        for est in estimate.ESTIMATORS.values():
            if est.base == "o200k_base" and not est.uniform:
                assert est.from_kind_counts(expected) == est.from_kind_counts(
                    counter.kind_counts("o200k_base", text)
                )
        text = edited(data, text, counter.chunks(text))


@pytest.mark.parametrize("seed", [10, 11])
def test_estimates_of_the_editor_equal_the_command_line(
    registry: TokenizerRegistry, seed: int
) -> None:
    """The default rule on texts of many chunks: the incremental estimate, the one-shot
    ``Estimator.estimate`` and ``TextCounts`` (what the command line prints) agree."""
    text = realistic(40_000, seed=seed)
    assert len(chunk(text)) > 5
    counter = IncrementalCounter(registry)
    rng = random.Random(seed)
    for step in range(12):
        for est in estimate.ESTIMATORS.values():
            if est.base not in ("o200k_base", "qwen3.5"):
                continue
            one_shot = est.estimate(text, _registry_count(registry, est.base))
            assert counter.estimate(est.id, text) == one_shot, (est.id, step)
            assert TextCounts(text, registry).estimated(est.id) == one_shot
            assert TextCounts(text, registry, counter).estimated(est.id) == one_shot
        at = rng.randrange(len(text))
        # Typing a fence flips the state of every later chunk: the counts must follow.
        text = text[:at] + rng.choice(["a", "\n", "\n```\n", "中文", "\n~~~"]) + text[at + 1 :]


def test_text_counts_with_a_counter_equal_text_counts_without(
    registry: TokenizerRegistry,
) -> None:
    text = realistic(20_000, seed=12)
    counter = IncrementalCounter(registry)
    plain, fast = TextCounts(text, registry), TextCounts(text, registry, counter)
    for tid in ("o200k_base", "qwen2"):
        assert fast.exact(tid) == plain.exact(tid)
    for eid in ("claude", "claude-4.7", "o200k-proxy"):
        assert fast.estimated(eid) == plain.estimated(eid)


def test_split_in_blocks_equals_one_split() -> None:
    import random

    from tokenbudget.core import chunking

    rng = random.Random(3)
    pieces = ["abc", "\n", "\n\n", "/x", " y", "中文", "\nz", "\n/", "\t"]
    for size in (0, 10, 300_000, 700_000):
        text = "".join(rng.choice(pieces) for _ in range(size // 2))
        assert chunking.split_safe(text) == chunking.SAFE_CUT.split(text)
    # Block edges that fall inside runs of line breaks move past them.
    text = "a" * (chunking._SPLIT_BLOCK - 1) + "\n" * 5 + "b" * 10 + "\nc" * 1000
    assert chunking.split_safe(text) == chunking.SAFE_CUT.split(text)


# -- a keystroke's new chunks, counted line by line -------------------------------------------


class _Spy:
    """A registry that records the texts it counts one at a time (few new pieces)."""

    def __init__(self, registry: TokenizerRegistry) -> None:
        self._registry = registry
        self.counted: list[str] = []

    def count(self, tokenizer_id: str, text: str) -> int:
        self.counted.append(text)
        return self._registry.count(tokenizer_id, text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._registry, name)


@pytest.mark.parametrize("tokenizer_id", ["o200k_base", "deepseek-v3", "qwen2", "gemma3"])
def test_typing_counts_new_chunks_by_lines_and_stays_exact(
    registry: TokenizerRegistry, tokenizers: dict[str, Tokenizer], tokenizer_id: str
) -> None:
    """Random keystrokes, pastes and deletions in a document with the app's chunk rule: after
    each, the count equals a count of the whole text from scratch."""
    text = realistic(60_000, seed=21)
    counter = IncrementalCounter(registry)
    rng = random.Random(22)
    for _ in range(60):
        at = rng.randrange(len(text) + 1)
        kind = rng.randrange(6)
        if kind == 0:
            text = text[:at] + text[at + rng.randrange(1, 40) :]
        elif kind == 1:
            text = text[:at] + rng.choice(ATOMS) + rng.choice(ATOMS) + text[at:]
        else:
            text = text[:at] + rng.choice("ab \n\t中/`é\u0301") + text[at:]
        assert counter.count(tokenizer_id, text) == tokenizers[tokenizer_id].count(text)
    assert counter.count(tokenizer_id, text) == IncrementalCounter(registry).count(
        tokenizer_id, text
    )


def test_the_next_keystroke_in_a_chunk_counts_only_its_line(registry: TokenizerRegistry) -> None:
    spy = _Spy(registry)
    counter = IncrementalCounter(spy)  # type: ignore[arg-type]
    text = realistic(60_000, seed=23)
    counter.count("o200k_base", text)
    at = text.index("\n", len(text) // 2) - 5  # inside a line in the middle
    text = text[:at] + "x" + text[at:]
    counter.count("o200k_base", text)  # the first keystroke here counts the chunk's lines
    spy.counted.clear()
    text = text[: at + 1] + "y" + text[at + 1 :]
    assert counter.count("o200k_base", text) == registry.get("o200k_base").count(text)
    line_start = text.rindex("\n", 0, at) + 1
    line = text[line_start : text.index("\n", at) + 1]
    assert spy.counted and all(len(piece) <= len(line) for piece in spy.counted)
    assert sum(map(len, spy.counted)) < 4 * len(line)  # one line, not a chunk of kilobytes


def test_a_fence_typed_above_edited_chunks_still_gives_the_one_shot_estimate(
    registry: TokenizerRegistry,
) -> None:
    """Keystrokes count their chunks for one fence state; a fence typed above them later
    flips it, and those chunks are counted again for the other."""
    text = realistic(40_000, seed=24)
    counter = IncrementalCounter(registry)
    claude = estimate.ESTIMATORS["claude"]
    count = _registry_count(registry, "o200k_base")
    assert counter.estimate("claude", text) == claude.estimate(text, count)
    at = len(text) // 2
    for i in range(5):  # typing in the middle: one state counted for its chunk
        text = text[: at + i] + "z" + text[at + i :]
        assert counter.estimate("claude", text) == claude.estimate(text, count)
    for edit in ("```\n", ""):  # a fence at the top, then gone again
        flipped = edit + text
        assert counter.estimate("claude", flipped) == claude.estimate(flipped, count)
