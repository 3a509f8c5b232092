r"""Cutting text where a pre-tokenizer splits it anyway, so counts of pieces add up exactly.

Every bundled vocabulary of the tiktoken family (o200k, cl100k, Qwen, Tekken) and DeepSeek's
pre-tokenizer share one property: no pre-token contains a line break followed by a character
that is neither white space nor ``/`` (the only alternatives that reach past a line break are
white-space runs and o200k/Tekken's ``[\r\n/]*`` punctuation tail). A run of white space that
ends in a line break is one pre-token both at the end of a piece and in the whole text. So
cutting right after such a line break never changes the tokens on either side, and the count
of the whole is the sum of the counts of the pieces. Property tests check this against the
real tokenizers over random texts.
"""

from __future__ import annotations

import re
from itertools import pairwise

_SAFE_CUT = re.compile(r"\n(?=[^\s/])")


def safe_cuts(text: str, target: int) -> list[int]:
    """Return cut offsets that split ``text`` into pieces of roughly ``target`` characters.

    Each offset is just after a line break that is followed by a character that is neither
    white space nor ``/``. Pieces may be longer than ``target`` where the text has no such
    line break (one long line stays whole).

    Args:
        text: The text to cut.
        target: Preferred piece length in characters; must be positive.

    Returns:
        Strictly increasing offsets, each in ``(0, len(text))``.
    """
    if target <= 0:
        raise ValueError("target must be positive")
    cuts: list[int] = []
    pos = target
    n = len(text)
    while pos < n:
        match = _SAFE_CUT.search(text, pos - 1)
        if match is None:
            break
        cut = match.end()
        cuts.append(cut)
        pos = cut + target
    return cuts


def split_at(text: str, cuts: list[int]) -> list[str]:
    """Split ``text`` at the given offsets."""
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]
