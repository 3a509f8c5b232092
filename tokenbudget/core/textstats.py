"""Characters, words and lines of a prompt (the window's status bar)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextStats:
    """Characters, words and lines of the prompt."""

    chars: int
    words: int
    lines: int


def count_words(text: str, step: int = 64 * 1024) -> int:
    """Whitespace-separated words, counted a slice at a time.

    One ``split()`` of 10 MB holds the GIL for about 0.2 s; slices keep every hold short. A
    word cut by a slice edge is counted once.
    """
    words = 0
    for start in range(0, len(text), step):
        piece = text[start : start + step]
        words += len(piece.split())
        if start and piece[:1] and not piece[0].isspace() and not text[start - 1].isspace():
            words -= 1
    return words


def count_lines(text: str) -> int:
    """Lines of ``text``: its line breaks, plus a trailing line without one."""
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def text_stats(text: str) -> TextStats:
    """Characters, words and lines (a trailing line without a break counts)."""
    return TextStats(len(text), count_words(text), count_lines(text))
