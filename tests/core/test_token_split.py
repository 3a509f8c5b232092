"""Splitting a tokenizer's output for display (``core.token_split``): pure, no Qt."""

from __future__ import annotations

import pytest

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.token_split import (
    marker,
    printable,
    split_for_display,
    tokenize,
    visible_runs,
)
from tokenbudget.core.tokenizers import TokenizerRegistry


def test_split_groups_partial_utf8_and_escapes_an_unfinished_character() -> None:
    spans = split_for_display("a中b", [1, 2, 3], [b"a\xe4", b"\xb8\xad", b"b"])
    assert [(s.first, s.text, len(s.tokens)) for s in spans] == [(0, "a中", 2), (2, "b", 1)]
    cut = split_for_display("中", [1], [b"\xe4"], complete=False)
    assert [s.text for s in cut] == ["\\xe4"]


def test_split_realigns_lossy_pieces_with_the_text() -> None:
    repl = "\ufffd".encode()
    spans = split_for_display("x😀y", [1, 2, 3, 4], [b"x", repl, repl, b"y"])
    assert [(s.text, [t.exact for t in s.tokens]) for s in spans] == [
        ("x", [True]),
        ("😀", [False, False]),
        ("y", [True]),
    ]


def test_tokenize_counts_the_whole_text_and_cuts_what_is_drawn(
    registry: TokenizerRegistry,
) -> None:
    text = "Hello world. 你好，世界！ 😀" * 20
    ids = registry.get("o200k_base").encode(text)
    whole = tokenize(registry, "o200k_base", text, limit=10**6, request=7)
    assert (whole.request, whole.total, whole.shown, whole.chars) == (
        7,
        len(ids),
        len(ids),
        len(text),
    )
    assert "".join(s.text for s in whole.spans) == text
    assert sum(len(s.tokens) for s in whole.spans) == len(ids)
    cut = tokenize(registry, "o200k_base", text, limit=5)
    assert (cut.total, cut.shown) == (len(ids), 5)
    assert sum(len(s.tokens) for s in cut.spans) == 5


def test_tokenize_an_unknown_vocabulary_raises_a_tokenbudget_error(
    registry: TokenizerRegistry,
) -> None:
    with pytest.raises(TokenbudgetError):
        tokenize(registry, "no-such-vocabulary", "text", limit=10)


def test_white_space_becomes_markers_that_name_their_character() -> None:
    assert marker("a") is None
    assert marker(" ") == "·\u200b"
    assert marker("\u200d") == "⟨U+200D⟩"
    assert visible_runs("a  b\n") == [
        ("a", None),
        ("·\u200b·\u200b", " "),
        ("b", None),
        ("↵\n", "\n"),
    ]
    assert printable("a b\tc\n") == "a·b→c↵"
