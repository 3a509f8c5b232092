"""Which model is the cheapest for a prompt: one rule for the window, the popup and the CLI.

The cheapest model is the one with the lowest total cost (prompt plus expected output) among
the models whose context window holds the prompt and the expected output, compared in one
currency: the currency most of the totals are in, which is the display currency once every
price is converted (the bundled rates convert CNY prices, so DeepSeek, GLM and MiniMax
compete). A model with no known window is not ruled out by it. Unpriced rows and bare
tokenizers never compete; a tie has no cheapest, nor has a single priced row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tokenbudget.core.count_report import ModelEstimate


def fits(estimate: ModelEstimate, output_tokens: int) -> bool:
    """True when the prompt plus the expected output fit the model's context window."""
    share = estimate.context_share(output_tokens)
    return share is None or share <= 1


def cheapest_model(estimates: Iterable[ModelEstimate], output_tokens: int) -> str | None:
    """The id of the cheapest model that fits, or None (a tie, fewer than two candidates).

    Args:
        estimates: Priced rows whose counts are in (the caller leaves out rows still counting).
        output_tokens: The expected output, added to the prompt against each context window.
    """
    priced = [
        (e, total) for e in estimates if e.model is not None and (total := e.total_cost) is not None
    ]
    if not priced:
        return None
    currency = Counter(t.currency for _, t in priced).most_common(1)[0][0]
    candidates = sorted(
        (total.amount, e.model)
        for e, total in priced
        if total.currency == currency and fits(e, output_tokens) and e.model is not None
    )
    if len(candidates) < 2 or candidates[0][0] == candidates[1][0]:
        return None
    return candidates[0][1]
