"""The counting service's results, and the counts of one text (``TextCounts``).

Split out of ``services.counting`` (which re-exports every name) to keep modules small.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from tokenbudget.core import estimate
from tokenbudget.core.money import Money

if TYPE_CHECKING:
    from tokenbudget.core.incremental import IncrementalCounter
    from tokenbudget.core.tokenizers import TokenizerRegistry


@dataclass(frozen=True)
class ModelEstimate:
    """One row of a count: a model (or a bare tokenizer) and what the text costs there.

    Costs are None when the model is unpriced, and for bare tokenizers.
    """

    model: str | None
    provider: str | None
    tokenizer: str
    tokens: int
    exact: bool
    method: str
    context_window: int | None
    input_cost: Money | None
    output_cost: Money | None
    price_band: str | None = None
    price_source: str | None = None
    price_checked: date | None = None

    @property
    def total_cost(self) -> Money | None:
        """Input plus output cost, or None when unpriced."""
        if self.input_cost is None or self.output_cost is None:
            return None
        return self.input_cost + self.output_cost

    def context_share(self, output_tokens: int = 0) -> Decimal | None:
        """Share of the context window the prompt (plus expected output) takes, 1 = full."""
        if not self.context_window:
            return None
        return Decimal(self.tokens + output_tokens) / Decimal(self.context_window)


@dataclass(frozen=True)
class CountReport:
    """The result of counting one text against several models."""

    chars: int
    output_tokens: int
    cached_tokens: int
    results: tuple[ModelEstimate, ...]


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
    library = "tokenizers" if spec.loader == "hf" else "tiktoken"
    return f"exact: bundled {tokenizer_id} vocabulary ({library})"
