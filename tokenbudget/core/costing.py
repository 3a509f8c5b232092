"""Pure cost maths: token counts and a model's prices in, exact ``Decimal`` costs out.

The rules, as providers bill them:

* ``input_tokens`` is the whole prompt. Of it, ``cached_tokens`` are read from the provider's
  cache (cache-read rate) and ``cache_write_5m`` / ``cache_write_1h`` are written to it
  (cache-write rates); the rest is billed at the input rate.
* A missing cache-read or 5-minute cache-write price means the provider bills those tokens as
  ordinary input. A missing 1-hour write price is twice the input rate (Anthropic's rule).
* Long context (LiteLLM ``*_above_NNNk_tokens``): once the prompt is larger than the
  threshold, the whole request, output included, is billed at the higher rates. xAI bills a
  prompt of exactly the threshold at the higher rates too (``>=``); which comparison a
  provider uses is in the one provider table (``core.providers``, ``long_context_at``) and
  reaches here as ``Pricing.long_context_at``.
* Tiers (DashScope ``tiered_pricing``): the whole request is billed at the tier that the
  prompt size falls in, not graduated.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenbudget.core.catalog import Pricing, Rates
from tokenbudget.core.errors import UserInputError


@dataclass(frozen=True)
class Usage:
    """Tokens of one request.

    All counts are non-negative; cached and written tokens are parts of ``input_tokens``.
    """

    input_tokens: int
    output_tokens: int = 0
    cached_tokens: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0

    def __post_init__(self) -> None:
        for name in (
            "input_tokens",
            "output_tokens",
            "cached_tokens",
            "cache_write_5m",
            "cache_write_1h",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise UserInputError(f"{name.replace('_', ' ')} must be a whole number >= 0")
        if self.cached_tokens + self.cache_write_5m + self.cache_write_1h > self.input_tokens:
            raise UserInputError("cached and cache-write tokens cannot exceed the input tokens")

    @property
    def uncached_input(self) -> int:
        """Input tokens billed at the plain input rate."""
        return self.input_tokens - self.cached_tokens - self.cache_write_5m - self.cache_write_1h


@dataclass(frozen=True)
class Cost:
    """The cost of one request, split the way a bill is.

    Attributes:
        input: Prompt cost (plain, cached and cache-write tokens together).
        output: Output cost.
        currency: ISO code of both amounts.
        band: Which price band applied: ``base``, ``above 200000`` (``from 200000`` where the
            provider bills the threshold itself at the higher rate) or ``tier 2`` etc.
    """

    input: Decimal
    output: Decimal
    currency: str
    band: str = "base"

    @property
    def total(self) -> Decimal:
        """Input plus output."""
        return self.input + self.output


def select_rates(pricing: Pricing, prompt_tokens: int) -> tuple[Rates, str]:
    """The rates that apply to a request whose prompt has ``prompt_tokens`` tokens."""
    if pricing.tiers:
        for index, tier in enumerate(pricing.tiers, start=1):
            if tier.up_to is None or prompt_tokens <= tier.up_to:
                return tier.rates, f"tier {index}"
        return pricing.tiers[-1].rates, f"tier {len(pricing.tiers)}"
    rates, band = pricing.base, "base"
    at = pricing.long_context_at
    for threshold, higher in pricing.long_context:
        if prompt_tokens > threshold or (at and prompt_tokens == threshold):
            rates, band = higher, f"{'from' if at else 'above'} {threshold}"
    return rates, band


def request_cost(pricing: Pricing, usage: Usage, *, off_peak: bool = False) -> Cost:
    """Exact cost of one request under ``pricing`` (at its off-peak rates when asked)."""
    if off_peak and pricing.off_peak is not None:
        rates, band = pricing.off_peak, "off-peak"
    else:
        rates, band = select_rates(pricing, usage.input_tokens)
    read = rates.input if rates.cache_read is None else rates.cache_read
    write_5m = rates.input if rates.cache_write_5m is None else rates.cache_write_5m
    write_1h = rates.input * 2 if rates.cache_write_1h is None else rates.cache_write_1h
    input_cost = (
        usage.uncached_input * rates.input
        + usage.cached_tokens * read
        + usage.cache_write_5m * write_5m
        + usage.cache_write_1h * write_1h
    )
    return Cost(input_cost, usage.output_tokens * rates.output, pricing.currency, band)
