"""The counts of one text (``TextCounts``), for the counting service.

Its results, ``ModelEstimate`` and ``CountReport``, are pure data in ``core.count_report``
(held by the user interfaces through ``core.types`` without loading the services).

Split out of ``services.counting`` (which re-exports every name) to keep modules small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from tokenbudget.core import estimate

if TYPE_CHECKING:
    from tokenbudget.core.incremental import IncrementalCounter
    from tokenbudget.core.tokenizers import TokenizerRegistry


class Counts(Protocol):
    """Counts of one text by tokenizer and by estimator (``TextCounts``, ``StreamCounter``)."""

    def exact(self, tokenizer_id: str) -> int:
        """Exact count with a bundled vocabulary."""
        ...

    def estimated(self, estimator_id: str) -> int:
        """Estimated count with an estimator."""
        ...


class TextCounts:
    """Counts of one text, computed once per tokenizer or estimator and then reused.

    With an ``IncrementalCounter`` (an editor's), counts go through its chunk cache, so a text
    that differs a little from one counted before costs only the chunks that changed; the
    numbers are the same either way.
    """

    def __init__(
        self,
        text: str,
        registry: TokenizerRegistry,
        counter: IncrementalCounter | None = None,
    ) -> None:
        self.text = text
        self._registry = registry
        self._counter = counter
        self._memo: dict[tuple[str, str], int] = {}
        self._exact: dict[str, int] = {}
        self._estimated: dict[str, int] = {}

    def _count(self, tokenizer_id: str, part: str) -> int:
        key = (tokenizer_id, part)
        if key not in self._memo:
            self._memo[key] = self._registry.count(tokenizer_id, part)
        return self._memo[key]

    def exact(self, tokenizer_id: str) -> int:
        """Exact count with a bundled vocabulary."""
        if tokenizer_id not in self._exact:
            if self._counter is not None:
                self._exact[tokenizer_id] = self._counter.count(tokenizer_id, self.text)
            else:
                self._exact[tokenizer_id] = self._count(tokenizer_id, self.text)
        return self._exact[tokenizer_id]

    def estimated(self, estimator_id: str) -> int:
        """Estimated count with an estimator."""
        if estimator_id not in self._estimated:
            est = estimate.get_estimator(estimator_id)
            if self._counter is not None:
                self._estimated[estimator_id] = self._counter.estimate(estimator_id, self.text)
            else:
                self._estimated[estimator_id] = est.estimate(
                    self.text, lambda part: self._count(est.base, part)
                )
        return self._estimated[estimator_id]


def exact_method(registry: TokenizerRegistry, tokenizer_id: str) -> str:
    """A one-line description of an exact count."""
    spec = registry.spec(tokenizer_id)
    # Hugging Face vocabularies run on kitoken definitions converted from the pinned files.
    library = "kitoken" if spec.loader == "hf" else "tiktoken"
    return f"exact: bundled {tokenizer_id} vocabulary ({library})"
