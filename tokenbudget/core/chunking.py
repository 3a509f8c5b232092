r"""Where a text may be cut so that the counts of its pieces add up to the count of the whole.

**Safe cuts.** Every bundled vocabulary of the tiktoken family (o200k, cl100k, Qwen, Tekken) and
DeepSeek's pre-tokenizer share one property: no pre-token contains a line break followed by a
character that is neither white space nor ``/`` (the only alternatives that reach past a line
break are white-space runs and o200k/Tekken's ``[\r\n/]*`` punctuation tail). A run of white
space that ends in a line break is one pre-token both at the end of a piece and in the whole
text. So cutting right after such a line break (a *safe cut*, ``SAFE_CUT``) never changes the
tokens on either side, and the count of the whole is the sum of the counts of the pieces.
Property tests check this against the real tokenizers over random texts.

Two ways of choosing among the safe cuts live here:

* ``safe_cuts``: the first safe cut after every ``target`` characters. The tokenizers use it to
  encode a long text as a parallel batch of pieces.
* ``chunk`` and ``rechunk``: content-defined chunks for counting a text that changes a little at
  a time (``incremental``) and for estimates (``estimate``, whose figures are defined over them).

**Content-defined chunks.** Which safe cuts ``chunk`` uses is decided by the content around them,
not by their offsets, so that an edit changes only the chunk or two around it and every other
chunk keeps its exact text:

* A candidate cut ``p`` is *natural* when the CRC-32 of its *segment* (the text since the
  previous candidate, as UTF-8, without the line break at ``p``) is below
  ``len(segment) * 2**32 // target``. Each character thus adds about ``1/target`` to the chance
  of a cut, whatever the line lengths, and the decision reads nothing but the segment.
* Scanning from the start, the next cut after ``last`` is the first natural candidate in
  ``[last + min_size, last + max_size]``. When there is none and the text goes on past
  ``last + max_size``, the cut is forced at the last candidate at or before that point, or,
  with no candidate there at all, at the first one after it. A region without any safe cut
  (one huge line, a deeply indented block) stays one chunk: nothing is ever cut elsewhere.

The minimum keeps repetitive text (the same short line a thousand times) from falling into tiny
chunks; the maximum bounds the work of one keystroke. Both make the rule depend on the last cut,
but only until the next natural cut, so ``rechunk`` resynchronises with the old chunks shortly
after the edit and reuses everything before and after.

**Normalisation.** Qwen vocabularies count ``unicodedata.normalize("NFC", text)``. NFC of a
text cut after a line break equals the NFC of the pieces joined, whatever follows the break
(a combining mark, a Hangul vowel jamo): canonical reordering never moves a character across a
starter and ``"\n"`` (combining class 0) is one; composition joins a character only with the
nearest preceding starter, which for the first characters after the cut is that ``"\n"``, and
no character composes with ``"\n"`` (no canonical decomposition begins with U+000A). So
normalising each piece is normalising the whole; the tests check this for every code point.
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, pairwise, repeat
from operator import add, lt, methodcaller, mul

#: The safe cuts: each match is a line break, and the cut falls right after it.
SAFE_CUT = re.compile(r"\n(?=[^\s/])")
_UTF8 = methodcaller("encode", "utf-8", "surrogatepass")


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
        match = SAFE_CUT.search(text, pos - 1)
        if match is None:
            break
        cut = match.end()
        cuts.append(cut)
        pos = cut + target
    return cuts


def split_at(text: str, cuts: Sequence[int]) -> list[str]:
    """Split ``text`` at the given offsets (strictly increasing, each in ``(0, len(text))``)."""
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]


@dataclass(frozen=True)
class ChunkRule:
    """Sizes (in characters) that steer where ``chunk`` cuts.

    Attributes:
        target: About one natural cut per ``target`` characters.
        min_size: No natural cut closer than this to the previous cut.
        max_size: Cuts are forced to keep chunks at most this long where the text allows.
    """

    target: int = 3072
    min_size: int = 1024
    max_size: int = 16384

    def __post_init__(self) -> None:
        if not 0 < self.min_size <= self.max_size or self.target <= 0:
            raise ValueError("need 0 < min_size <= max_size and target > 0")


#: The rule of the app. Estimates are defined over these chunks (see ``estimate``), so
#: changing it changes estimated counts (never exact ones).
DEFAULT_RULE = ChunkRule()


class _PastRegionError(Exception):
    """The next cut depends on text past the scanned region."""


_BATCH = 4096
_SPLIT_BLOCK = 256 * 1024


def split_safe(text: str) -> list[str]:
    """``SAFE_CUT.split(text)``, a block at a time.

    One regex pass over 10 MB holds the GIL for most of a second; in blocks, other threads
    (the window's UI thread) get it back between them. A block ends only after a character
    that is not a line break, so no match (a line break and the character after it) spans two
    blocks; the last piece of a block continues in the first piece of the next.
    """
    if len(text) <= _SPLIT_BLOCK:
        return SAFE_CUT.split(text)
    pieces: list[str] = []
    carry = ""
    start = 0
    while start < len(text):
        end = min(start + _SPLIT_BLOCK, len(text))
        while end < len(text) and text[end - 1] == "\n":
            end += 1
        parts = SAFE_CUT.split(text[start:end])
        parts[0] = carry + parts[0]
        pieces.extend(parts[:-1])
        carry = parts[-1]
        start = end
    pieces.append(carry)
    return pieces


class _Region:
    """Candidate and natural cuts of ``text[start:end]``, where ``start`` is 0 or a cut."""

    def __init__(self, text: str, start: int, end: int, rule: ChunkRule) -> None:
        self.n = len(text)
        self.complete = end >= self.n
        self.end = end
        self.rule = rule
        # Every step is a C-level iterator: no Python code runs per line. The last segment
        # runs to the end of the region and is not a candidate's.
        # (Splitting drops each candidate's line break: add it back to the sizes.)
        segments = split_safe(text[start:end])[:-1]
        sizes = list(map(add, map(len, segments), repeat(1)))
        pos: list[int] = list(accumulate(sizes, initial=start))[1:]
        self.pos = pos
        self.natural: list[int] = []
        factor = (1 << 32) // rule.target
        # In batches: each C-level pass holds the GIL, and a window counting 10 MB must
        # not keep its UI thread waiting; the results are the same as in one pass.
        for i in range(0, len(segments), _BATCH):
            part = segments[i : i + _BATCH]
            hashes = map(zlib.crc32, map(_UTF8, part))
            limits = map(mul, sizes[i : i + _BATCH], repeat(factor))
            self.natural.extend(compress(pos[i : i + _BATCH], map(lt, hashes, limits)))

    def next_cut(self, last: int) -> int | None:
        """The cut after ``last``, or None when the rest of the text is the last chunk.

        Raises:
            _PastRegionError: if the answer depends on text past the region.
        """
        rule = self.rule
        low, high = last + rule.min_size, last + rule.max_size
        if high >= self.end and not self.complete:
            raise _PastRegionError
        i = bisect.bisect_left(self.natural, low)
        if i < len(self.natural) and self.natural[i] <= high:
            return self.natural[i]
        if high >= self.n:
            return None
        k = bisect.bisect_right(self.pos, high)
        if k > 0 and self.pos[k - 1] > last:
            return self.pos[k - 1]
        if k < len(self.pos):
            return self.pos[k]
        if not self.complete:
            raise _PastRegionError
        return None


def _bounds(chunks: Sequence[str]) -> list[int]:
    """Start offsets of the chunks, then the total length."""
    return [0, *accumulate(map(len, chunks))]


def chunk_cuts(text: str, rule: ChunkRule = DEFAULT_RULE) -> list[int]:
    """Offsets where ``chunk`` cuts ``text`` (strictly increasing, each in ``(0, len(text))``)."""
    region = _Region(text, 0, len(text), rule)
    cuts: list[int] = []
    cut = region.next_cut(0)
    while cut is not None:
        cuts.append(cut)
        cut = region.next_cut(cut)
    return cuts


def chunk(text: str, rule: ChunkRule = DEFAULT_RULE) -> list[str]:
    """Cut ``text`` into content-defined chunks at safe cuts (see the module docstring).

    The chunks join to ``text``; an empty text has no chunks.
    """
    if not text:
        return []
    return split_at(text, chunk_cuts(text, rule))


def rechunk(old: Sequence[str], text: str, rule: ChunkRule = DEFAULT_RULE) -> list[str]:
    """``chunk(text, rule)``, computed from the chunks ``old`` of an earlier version of the text.

    Only the text between the first and the last chunk that changed is scanned again; the
    unchanged chunks before and after are the very string objects of ``old`` (so their hashes
    are cached too). The result always equals ``chunk(text, rule)``.
    """
    if not old or not text:
        return chunk(text, rule)
    n = len(text)
    old_bounds = _bounds(old)
    # Whole old chunks that the new text starts with, and ends with.
    i = 0
    while i < len(old) and text.startswith(old[i], old_bounds[i]):
        i += 1
    if i == len(old) and old_bounds[-1] == n:
        return list(old)
    prefix = old_bounds[i]
    j = len(old)
    suffix = 0
    while j > i:
        size = len(old[j - 1])
        if n - suffix - size < prefix or not text.endswith(old[j - 1], 0, n - suffix):
            break
        suffix += size
        j -= 1
    # Restart at the start of the last unchanged chunk. Every cut before it was decided by
    # unchanged text: deciding the cut after ``c`` reads the text up to that cut, and past it
    # only when the cut is forced at the last candidate before ``c + max_size``; then no
    # candidate lies between the two, so the cut after next lies past ``c + max_size``.
    r = max(i - 1, 0)
    delta = n - old_bounds[-1]
    tail_start = n - suffix  # the old chunks old[j:] end the new text
    old_cut_index = {old_bounds[k] + delta: k for k in range(j, len(old))}
    last = old_bounds[r]
    cuts: list[int] = []
    resumed = len(old)
    end = min(n, tail_start + 2 * rule.max_size + 1)
    region = _Region(text, last, end, rule)
    while True:
        try:
            cut = region.next_cut(last)
        except _PastRegionError:
            end = min(n, region.end + 2 * (region.end - last) + rule.max_size)
            region = _Region(text, last, end, rule)
            continue
        if cut is None:
            break
        cuts.append(cut)
        last = cut
        # From here on, every decision reads only text of the common tail: same cuts as before.
        if cut >= tail_start and cut in old_cut_index:
            resumed = old_cut_index[cut]
            cuts.pop()
            break
    bounds = [old_bounds[r], *cuts, old_bounds[resumed] + delta if resumed < len(old) else n]
    middle = [text[a:b] for a, b in pairwise(bounds)]
    return [*old[:r], *middle, *old[resumed:]]
