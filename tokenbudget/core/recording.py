"""Pricing entries at the time they are recorded, and what prompt text to keep.

Models in usage logs are named the way each tool names them (``claude-sonnet-4-5-20250929``,
``anthropic/claude-opus-4-7``, ``claude-sonnet-4@20250514``); ``find_model`` maps them onto the
catalogue through the one table of names (``model_names``). A model it cannot place is
recorded unpriced, never as free.
"""

from __future__ import annotations

from tokenbudget.core.catalog import Catalog, ModelInfo
from tokenbudget.core.costing import request_cost
from tokenbudget.core.entries import TokenCounts
from tokenbudget.core.model_names import candidates
from tokenbudget.core.money import to_micros

PROMPT_TEXT_MODES = ("none", "preview", "full")
PREVIEW_CHARS = 200


def find_model(catalog: Catalog, name: str) -> ModelInfo | None:
    """The catalogue model a log's model name stands for (``model_names.candidates``), or None."""
    for candidate in candidates(name):
        if candidate in catalog:
            return catalog.get(candidate)
    return None


def price(catalog: Catalog, model: str, tokens: TokenCounts) -> tuple[int | None, str | None]:
    """Cost of a request in micro-units and its currency, or ``(None, None)`` if unpriced."""
    return price_model(find_model(catalog, model), tokens)


def price_model(info: ModelInfo | None, tokens: TokenCounts) -> tuple[int | None, str | None]:
    """Cost of a request to a known model, or ``(None, None)`` if unknown or unpriced."""
    if info is None or info.pricing is None:
        return None, None
    cost = request_cost(info.pricing, tokens.usage())
    return to_micros(cost.total), cost.currency


def kept_prompt_text(text: str, mode: str) -> str | None:
    """The part of a prompt to store with an entry under the privacy setting ``mode``."""
    if mode == "full":
        return text
    if mode == "preview":
        flat = " ".join(text.split())
        return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"
    return None
