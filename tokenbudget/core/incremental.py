"""Counting a text that changes a little at a time: re-count only what changed, exactly.

The text is cut into content-defined chunks at safe cuts (``chunking.chunk``): the count of the
whole text is the sum of the counts of its chunks for every tokenizer, and an edit changes only
the chunk or two around it (``chunking.rechunk``).

**Cache.** ``IncrementalCounter`` keeps the count of each chunk text per tokenizer (and the
per-kind counts estimators need) in a least-recently-used cache bounded by memory, and counts
only the chunks it has not seen.

**Lines.** A keystroke leaves one or two new chunks of a few kilobytes, and counting them
with every vocabulary was most of a keystroke's work. So when only a few chunks are new, each
is counted as the sum of its pieces between safe cuts (its lines, mostly), each counted once
through a small cache of lines: the next keystroke in that chunk counts one line. The sum is
exact for the same reason the chunks' sum is (a safe cut never changes the tokens on either
side).
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tokenbudget.core import estimate
from tokenbudget.core.chunking import DEFAULT_RULE, SAFE_CUT, ChunkRule, rechunk, split_at

if TYPE_CHECKING:
    from tokenbudget.core.tokenizers import TokenizerRegistry


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
#: At most this many new chunks (a keystroke's) are counted line by line (see "Lines") ...
_BY_LINES = 4
#: ... and the lines' counts are kept for lines of this many characters in all.
_LINE_CHARS = 1 << 20

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
        # The counts of the lines of chunks counted line by line (see "Lines"), apart from
        # the chunks' so that ``stats`` goes on counting chunks.
        self._lines: OrderedDict[str, dict[str, int]] = OrderedDict()
        self._line_chars = 0

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
            self._lines.clear()
            self._line_chars = 0

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
        if len(unique) <= _BY_LINES:
            counted = self._count_by_lines(tokenizer_id, unique)
        else:
            counted = dict(zip(unique, self._count_pieces(tokenizer_id, unique), strict=True))
        with self._lock:
            self._misses += len(unique)
            self._chars += sum(map(len, unique))
            for piece, value in counted.items():
                self._entry(piece).counts[tokenizer_id] = value
            self._evict()
        return total + sum(map(counted.__getitem__, missing))

    def _count_by_lines(self, tokenizer_id: str, chunks: list[str]) -> dict[str, int]:
        """Exact counts of ``chunks``, each the sum of its pieces between safe cuts (cached)."""
        splits = {c: split_at(c, [m.end() for m in SAFE_CUT.finditer(c)]) for c in chunks}
        known: dict[str, int] = {}
        with self._lock:
            lines = self._lines
            for pieces in splits.values():
                for line in pieces:
                    value = lines.get(line, {}).get(tokenizer_id)
                    if value is not None:
                        lines.move_to_end(line)
                        known[line] = value
        new = list(
            dict.fromkeys(line for ls in splits.values() for line in ls if line not in known)
        )
        if new:
            values = self._count_pieces(tokenizer_id, new)
            known.update(zip(new, values, strict=True))
            with self._lock:
                for line, value in zip(new, values, strict=True):
                    counts = self._lines.get(line)
                    if counts is None:
                        counts = self._lines[line] = {}
                        self._line_chars += len(line)
                    counts[tokenizer_id] = value
                while self._line_chars > _LINE_CHARS and self._lines:
                    old, _ = self._lines.popitem(last=False)
                    self._line_chars -= len(old)
        return {c: sum(map(known.__getitem__, pieces)) for c, pieces in splits.items()}

    # -- estimates ------------------------------------------------------------------------

    def kind_counts(self, base_id: str, text: str) -> dict[estimate.TextKind, int]:
        """``estimate.kind_counts(text, count)`` with ``base_id``'s counts, chunk by chunk.

        A chunk's split depends on whether it starts inside a fenced code block, and typing one
        fence line flips that for every later chunk. So new chunks are counted for both states
        at once (the CJK part, the same in both, once): a fence typed at the top of a long text
        then costs lookups, not a re-count of everything below it. A keystroke's few new chunks
        are counted for their current state only (half the work of a keystroke's estimate); a
        later flip counts those few again.

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
        if len(unique) <= _BY_LINES:
            # A keystroke's chunk or two: only the state they are in. Should a fence typed
            # above flip it later, these few are counted then.
            wanted = list(dict.fromkeys(missing))
        else:
            wanted = [(piece, state) for piece in unique for state in (False, True)]
        splits = {(piece, state): estimate.split_by_kind(piece, state) for piece, state in wanted}
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
