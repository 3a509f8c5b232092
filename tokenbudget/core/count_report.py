"""What a count gives back: one ``ModelEstimate`` per model or tokenizer, in a ``CountReport``.

Plain frozen data (made by ``core.services.counting``), so that the user interfaces can hold
it (``core.types``) without loading the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tokenbudget.core.money import Money


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
    #: The off-peak price was applied (the user asked for off-peak prices).
    off_peak: bool = False
    #: What the request costs at the off-peak price, when there is one and it is not applied.
    off_peak_total: Money | None = None

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
