r"""Counting a text that changes a little at a time: re-count only what changed, exactly.

**Chunks.** ``chunk`` cuts a text only at *safe cuts* (see ``chunking``): right after a line
break that is followed by a character that is neither white space nor ``/``. No pre-token of
any bundled vocabulary spans such a cut, so the count of the whole text is the sum of the
counts of its chunks, for every tokenizer.

Which safe cuts are used is decided by the content around them, not by their offsets, so that
an edit changes only the chunk or two around it and every other chunk keeps its exact text:

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
normalising each chunk is normalising the whole; the tests check this for every code point.

**Cache.** ``IncrementalCounter`` keeps the count of each chunk text per tokenizer (and the
per-kind counts estimators need) in a least-recently-used cache bounded by memory, and counts
only the chunks it has not seen.
"""

from __future__ import annotations

import bisect
import re
import sys
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, pairwise, repeat
from operator import add, lt, methodcaller, mul
from typing import TYPE_CHECKING

from tokenbudget.core import estimate

if TYPE_CHECKING:
    from tokenbudget.core.tokenizers import TokenizerRegistry

#: The candidate cuts: the pattern of ``chunking.safe_cuts``.
_SAFE_CUT = re.compile(r"\n(?=[^\s/])")
_UTF8 = methodcaller("encode", "utf-8", "surrogatepass")


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
    """``_SAFE_CUT.split(text)``, a block at a time.

    One regex pass over 10 MB holds the GIL for most of a second; in blocks, other threads
    (the window's UI thread) get it back between them. A block ends only after a character
    that is not a line break, so no match (a line break and the character after it) spans two
    blocks; the last piece of a block continues in the first piece of the next.
    """
    if len(text) <= _SPLIT_BLOCK:
        return _SAFE_CUT.split(text)
    pieces: list[str] = []
    carry = ""
    start = 0
    while start < len(text):
        end = min(start + _SPLIT_BLOCK, len(text))
        while end < len(text) and text[end - 1] == "\n":
            end += 1
        parts = _SAFE_CUT.split(text[start:end])
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
    bounds = [0, *chunk_cuts(text, rule), len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]


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


@dataclass(frozen=True)
class CacheStats:
    """What an ``IncrementalCounter`` holds and has done.

    Attributes:
        entries: Distinct chunk texts cached.
        bytes: Approximate memory of the cache (chunk texts and their counts).
        max_bytes: The bound on ``bytes``.
        hits: Chunk counts found in the cache.
        misses: Chunk counts that had to be computed (one per chunk and tokenizer, or per
            chunk, base vocabulary and fence state for estimates).
        chars_counted: Characters of the chunks counted on misses.
    """

    entries: int
    bytes: int
    max_bytes: int
    hits: int
    misses: int
    chars_counted: int


#: Rough memory of one cache entry besides its chunk text (entry, dictionaries, ints).
_ENTRY_OVERHEAD = 400
#: Fewer pieces than this are counted one by one (a batch starts threads) ...
_BATCH_MIN = 16
#: ... and more are counted in batches of this many (at most 1 MB with the default rule).
_GROUP = 64

_Kinds = tuple[int, int, int]


class _Entry:
    __slots__ = ("counts", "flips", "kinds", "size")

    def __init__(self, text: str) -> None:
        self.counts: dict[str, int] = {}
        self.kinds: dict[tuple[str, bool], _Kinds] = {}
        self.flips: bool | None = None
        self.size = sys.getsizeof(text) + _ENTRY_OVERHEAD


class IncrementalCounter:
    """Counts texts by chunks, counting each chunk text once per tokenizer.

    Meant for an editor that counts its whole text after every change: a keystroke costs the
    chunk or two around it, however long the text. ``count(tid, text)`` always equals
    ``registry.get(tid).count(text)``, and ``estimate(eid, text)`` equals the estimator's
    one-shot ``Estimator.estimate`` with the registry's counts.

    Thread-safe: any number of threads may share one counter. The cache is guarded by a lock
    that is not held while tokenizers run, so counts with different tokenizers proceed in
    parallel (two threads meeting the same new chunk may both count it; that is harmless).

    Args:
        registry: Where the tokenizers come from.
        max_bytes: Bound on the cache's approximate memory; least recently used chunks go
            first.
        rule: Chunk sizes. Exact counts do not depend on it; estimates equal the one-shot path
            only with ``DEFAULT_RULE``.
    """

    def __init__(
        self,
        registry: TokenizerRegistry,
        *,
        max_bytes: int = 64 * 1024 * 1024,
        rule: ChunkRule = DEFAULT_RULE,
    ) -> None:
        self._registry = registry
        self._rule = rule
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0
        self._chars = 0
        self._last_text: str | None = None
        self._last_chunks: list[str] = []

    # -- chunks ---------------------------------------------------------------------------

    def chunks(self, text: str) -> list[str]:
        """The chunks of ``text`` (``chunk(text, rule)``), re-using the previous text's."""
        with self._lock:
            return list(self._chunks_locked(text))

    def _chunks_locked(self, text: str) -> list[str]:
        last = self._last_text
        if last is not None and (text is last or text == last):
            return self._last_chunks
        chunks = rechunk(self._last_chunks, text, self._rule)
        self._last_text, self._last_chunks = text, chunks
        return chunks

    # -- the cache ------------------------------------------------------------------------

    def _entry(self, text: str) -> _Entry:
        """The cache entry of a chunk, created if missing and marked as just used."""
        entry = self._cache.get(text)
        if entry is None:
            entry = self._cache[text] = _Entry(text)
            self._bytes += entry.size
        else:
            self._cache.move_to_end(text)
        return entry

    def _evict(self) -> None:
        while self._bytes > self._max_bytes and self._cache:
            _, entry = self._cache.popitem(last=False)
            self._bytes -= entry.size

    def stats(self) -> CacheStats:
        """A snapshot of the cache's size and counters."""
        with self._lock:
            return CacheStats(
                len(self._cache),
                self._bytes,
                self._max_bytes,
                self._hits,
                self._misses,
                self._chars,
            )

    def clear(self) -> None:
        """Forget every cached count (the counters in ``stats`` keep running)."""
        with self._lock:
            self._cache.clear()
            self._bytes = 0

    def _count_pieces(self, tokenizer_id: str, pieces: list[str]) -> list[int]:
        """Exact counts of several texts, batched when there are many."""
        if len(pieces) < _BATCH_MIN:
            return [self._registry.count(tokenizer_id, p) for p in pieces]
        tok = self._registry.get(tokenizer_id)
        batch = getattr(tok, "count_pieces", None)
        if batch is None:
            return [tok.count(p) for p in pieces]
        # Groups bound the token ids held at once (the counts are all that is kept).
        return [
            n
            for start in range(0, len(pieces), _GROUP)
            for n in batch(pieces[start : start + _GROUP])
        ]

    # -- exact counts ---------------------------------------------------------------------

    def count(self, tokenizer_id: str, text: str) -> int:
        """Exact count of ``text`` with ``tokenizer_id``, counting only chunks not seen before.

        Raises:
            UnknownModelError: for an id that is not bundled.
            ResourceError: if the vocabulary cannot be loaded.
        """
        self._registry.spec(tokenizer_id)
        if not text:
            return 0
        total = 0
        missing: list[str] = []
        with self._lock:
            chunks = self._chunks_locked(text)
            for piece in chunks:
                entry = self._cache.get(piece)
                known = entry.counts.get(tokenizer_id) if entry is not None else None
                if known is None:
                    missing.append(piece)
                else:
                    self._cache.move_to_end(piece)
                    total += known
            self._hits += len(chunks) - len(missing)
        if not missing:
            return total
        unique = list(dict.fromkeys(missing))
        counted = dict(zip(unique, self._count_pieces(tokenizer_id, unique), strict=True))
        with self._lock:
            self._misses += len(unique)
            self._chars += sum(map(len, unique))
            for piece, value in counted.items():
                self._entry(piece).counts[tokenizer_id] = value
            self._evict()
        return total + sum(map(counted.__getitem__, missing))

    # -- estimates ------------------------------------------------------------------------

    def kind_counts(self, base_id: str, text: str) -> dict[estimate.TextKind, int]:
        """``estimate.kind_counts(text, count)`` with ``base_id``'s counts, chunk by chunk.

        A chunk's split depends on whether it starts inside a fenced code block, and typing one
        fence line flips that for every later chunk. So each new chunk is counted for both
        states at once (the CJK part, the same in both, once): a fence typed at the top of a
        long text then costs lookups, not a re-count of everything below it.

        Raises:
            UnknownModelError: for an id that is not bundled.
        """
        self._registry.spec(base_id)
        totals = [0, 0, 0]
        if not text:
            return dict(zip(estimate.TextKind, totals, strict=True))
        missing: list[tuple[str, bool]] = []
        with self._lock:
            chunks = self._chunks_locked(text)
            in_fence = False
            for piece in chunks:
                entry = self._entry(piece)
                known = entry.kinds.get((base_id, in_fence))
                if known is None:
                    missing.append((piece, in_fence))
                else:
                    totals = [a + b for a, b in zip(totals, known, strict=True)]
                if entry.flips is None:
                    entry.flips = estimate.fence_flips(piece)
                in_fence ^= entry.flips
            self._hits += len(chunks) - len(missing)
            self._evict()
        if not missing:
            return dict(zip(estimate.TextKind, totals, strict=True))
        unique = list(dict.fromkeys(piece for piece, _ in missing))
        splits = {
            (piece, state): estimate.split_by_kind(piece, state)
            for piece in unique
            for state in (False, True)
        }
        parts = list(dict.fromkeys(p for split in splits.values() for p in split.values() if p))
        counted = dict(zip(parts, self._count_pieces(base_id, parts), strict=True))
        counted[""] = 0
        kinds: dict[tuple[str, bool], _Kinds] = {
            key: (
                counted[split[estimate.TextKind.PROSE]],
                counted[split[estimate.TextKind.CODE]],
                counted[split[estimate.TextKind.CJK]],
            )
            for key, split in splits.items()
        }
        with self._lock:
            self._misses += len(unique)
            self._chars += sum(map(len, unique))
            for (piece, state), value in kinds.items():
                self._entry(piece).kinds[(base_id, state)] = value
            self._evict()
        for key in missing:
            totals = [a + b for a, b in zip(totals, kinds[key], strict=True)]
        return dict(zip(estimate.TextKind, totals, strict=True))

    def estimate(self, estimator_id: str, text: str) -> int:
        """The estimate ``estimator_id`` of ``text``, equal to ``Estimator.estimate``.

        Raises:
            UnknownModelError: for an unknown estimator.
        """
        est = estimate.get_estimator(estimator_id)
        if not text:
            return 0
        if est.uniform:
            return est.from_count(self.count(est.base, text))
        return est.from_kind_counts(self.kind_counts(est.base, text))

    def count_key(self, key: str, text: str) -> int:
        """``estimate`` for an estimator id, else ``count`` for a vocabulary id."""
        if key in estimate.ESTIMATORS:
            return self.estimate(key, text)
        return self.count(key, text)
