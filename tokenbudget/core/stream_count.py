r"""Counting a text that arrives in blocks, with the very numbers a count of the whole gives.

The command line counts files of hundreds of megabytes and endless pipes; holding the whole
text (and each tokenizer's token list of it) took gigabytes. Here the text is cut, as it is
read, into exactly the chunks ``incremental.chunk`` cuts the whole text into, so that:

* exact counts add up: every chunk boundary is a safe cut (see ``chunking``), and a chunk too
  long to count at once (one long line) is cut further with ``split_long``;
* estimates match: estimators are defined chunk by chunk (``estimate.kind_counts``), with
  the fence state carried from chunk to chunk, and these are the same chunks.

**Deciding a chunk's end from a prefix.** The cut after ``last`` reads the candidates (safe
cuts) up to ``last + max_size`` and, when none is natural there, possibly the first candidate
past it. A buffer that starts at a cut (or at 0) has every candidate of the whole text below
its length, with the same segments; so a cut that ``chunk_cuts`` finds in the buffer is the
whole text's cut whenever ``last + max_size`` lies inside the buffer. The rest waits for more
text. A stretch without any candidate is held until it ends (refused past ``MAX_CHUNK_CHARS``).

**Cutting inside a line** (``split_long``). Besides the safe cuts at line breaks, a space
between two letters or digits is a cut that no bundled vocabulary merges across: no
pre-tokenizer pattern joins a letter or digit to a following space (a space only ever starts
a pre-token), no Gemma 3 token holds a letter or digit followed by a space (its one token with
a non-space before a space is ``>▁</``), and NFC never composes across a space. Tests check
the sums against every bundled tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise

from tokenbudget.core import estimate
from tokenbudget.core.chunking import DEFAULT_RULE, ChunkRule, chunk, chunk_cuts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.subvocab import QUICK_LIMIT
from tokenbudget.core.tokenizers import TokenizerRegistry

#: The longest chunk (a stretch without a safe cut at a line break) that is counted.
MAX_CHUNK_CHARS = 256 << 20
#: Texts longer than this are cut by ``split_long`` before they are counted.
LONG = 128 * 1024
#: Characters of chunks gathered before they are counted together (a batch uses every core).
_BATCH_CHARS = 1 << 20
#: Pieces per call of a batch encoder: bounds the token lists (and Hugging Face encodings)
#: alive at once to about 1 MB of text, while the batch still uses every core.
_GROUP = 8

_CUT = re.compile(r"\n(?=[^\s/])|(?<=[^\W_])(?= [^\W_])")


def split_long(text: str, size: int | None = None) -> list[str]:
    """Cut ``text`` into pieces of about ``size`` characters whose counts add up exactly.

    Cuts fall after a line break followed by neither white space nor ``/``, or before a space
    that stands between two letters or digits (see the module docstring). A stretch without
    either stays whole. ``size`` defaults to ``LONG``.
    """
    size = size or LONG
    if len(text) <= size:
        return [text]
    cuts: list[int] = []
    pos = size
    while pos < len(text):
        match = _CUT.search(text, pos - 1)
        if match is None:
            break
        cut = match.end()
        if cut <= (cuts[-1] if cuts else 0):  # pragma: no cover - search starts past it
            break
        cuts.append(cut)
        pos = cut + size
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]


def stream_chunks(
    blocks: Iterable[str], rule: ChunkRule = DEFAULT_RULE, *, max_chunk: int = MAX_CHUNK_CHARS
) -> Iterator[str]:
    """Yield ``chunk("".join(blocks), rule)`` while holding only the text after the last cut.

    Raises:
        UserInputError: if a chunk grows past ``max_chunk`` characters.
    """
    parts: list[str] = []
    held = 0
    scan_at = 2 * rule.max_size + 2
    for block in blocks:
        parts.append(block)
        held += len(block)
        if held < scan_at:
            continue
        text = "".join(parts)
        last = 0
        for cut in chunk_cuts(text, rule):
            if last + rule.max_size >= len(text):
                break  # this cut may depend on text not read yet
            yield text[last:cut]
            last = cut
        rest = text[last:]
        if len(rest) > max_chunk:
            raise UserInputError(
                f"the input has more than {max_chunk / (1 << 20):,.0f} MiB without a line "
                "break to cut at; not counted"
            )
        parts, held = [rest], len(rest)
        # Without a cut the rest grows: scan again when it has doubled (linear time overall).
        scan_at = max(2 * rule.max_size + 2, 2 * held)
    yield from chunk("".join(parts), rule)


class StreamCounter:
    """Sums the counts of a text's chunks for some tokenizers and estimators.

    Feed it the chunks of ``stream_chunks`` in order; ``exact`` and ``estimated`` then give
    what ``service.TextCounts`` gives for the whole text.

    With ``lean``, a text that fits in one batch (a prompt, a file of up to a megabyte) is
    counted one vocabulary at a time, each unloaded after its count unless it was loaded
    before: a one-shot command then holds one vocabulary at a time, not all of them. A longer
    text keeps them loaded (reloading each per batch would cost more than it saves).
    """

    def __init__(
        self,
        registry: TokenizerRegistry,
        tokenizers: Iterable[str],
        estimators: Iterable[str],
        *,
        lean: bool = False,
    ) -> None:
        self._registry = registry
        self._lean = lean
        self._flushed = False
        self._estimators = {e: estimate.get_estimator(e) for e in estimators}
        self._exact = dict.fromkeys(tokenizers, 0)
        self._kinds: dict[str, dict[estimate.TextKind, int]] = {}
        for est in self._estimators.values():
            if est.uniform:
                self._exact.setdefault(est.base, 0)
            else:
                self._kinds.setdefault(est.base, dict.fromkeys(estimate.TextKind, 0))
        self._in_fence = False
        self._pending: list[str] = []
        self._pending_chars = 0
        self.chars = 0

    def add(self, piece: str) -> None:
        """Count one chunk (counted in batches; ``finish`` counts the last batch)."""
        self.chars += len(piece)
        self._pending.append(piece)
        self._pending_chars += len(piece)
        if self._pending_chars >= _BATCH_CHARS:
            self._flush()

    def finish(self) -> StreamCounter:
        """Count what is still pending; returns self."""
        self._flush(release=self._lean and not self._flushed)
        return self

    def exact(self, tokenizer_id: str) -> int:
        """Exact count of the text with a bundled vocabulary (one of those asked for)."""
        return self._exact[tokenizer_id]

    def estimated(self, estimator_id: str) -> int:
        """Estimated count of the text with an estimator (one of those asked for)."""
        est = self._estimators[estimator_id]
        if est.uniform:
            return est.from_count(self._exact[est.base])
        return est.from_kind_counts(self._kinds[est.base])

    def _flush(self, *, release: bool = False) -> None:
        pieces, self._pending, self._pending_chars = self._pending, [], 0
        self._flushed = True
        if not pieces:
            return
        parts: dict[estimate.TextKind, list[str]] = {kind: [] for kind in estimate.TextKind}
        if self._kinds:
            for piece in pieces:
                for kind, part in estimate.split_by_kind(piece, self._in_fence).items():
                    if part:
                        parts[kind].append(part)
                self._in_fence ^= estimate.fence_flips(piece)
        registry = self._registry
        for tokenizer_id in dict.fromkeys([*self._exact, *self._kinds]):
            held = registry.is_loaded(tokenizer_id)
            if tokenizer_id in self._exact:
                self._exact[tokenizer_id] += self._count(tokenizer_id, pieces)
            totals = self._kinds.get(tokenizer_id)
            if totals is not None:
                for kind, texts in parts.items():
                    totals[kind] += self._count(tokenizer_id, texts)
            if release and not held:
                registry.unload(tokenizer_id)

    def _count(self, tokenizer_id: str, texts: list[str]) -> int:
        """The sum of the counts of ``texts``, each counted as ``registry.count`` would."""
        if not texts:
            return 0
        registry = self._registry
        if sum(map(len, texts)) <= QUICK_LIMIT:
            # A short prompt: ``registry.count`` counts it without loading the whole vocabulary.
            return sum(registry.count(tokenizer_id, text) for text in texts)
        tokenizer = registry.get(tokenizer_id)
        pieces = [p for text in texts for p in split_long(text)]
        batch = getattr(tokenizer, "count_pieces", None)
        if batch is None:  # pragma: no cover - every bundled tokenizer has it
            return sum(tokenizer.count(p) for p in pieces)
        return sum(sum(batch(pieces[i : i + _GROUP])) for i in range(0, len(pieces), _GROUP))


def count_blocks(
    blocks: Iterable[str],
    registry: TokenizerRegistry,
    tokenizers: Iterable[str],
    estimators: Iterable[str],
    *,
    lean: bool = False,
) -> StreamCounter:
    """Count a text given as blocks of any size (see the module docstring and ``lean``)."""
    counter = StreamCounter(registry, tokenizers, estimators, lean=lean)
    for piece in stream_chunks(blocks):
        counter.add(piece)
    return counter.finish()
