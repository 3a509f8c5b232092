"""The long-context threshold at its edges: ``>=`` for xAI, ``>`` for the other providers.

Built through ``model_from_entry`` so that the provider table (``core.providers``) decides,
as it does for the real catalogue.
"""

from decimal import Decimal as D

import pytest

from tokenbudget.core.catalog import model_from_entry
from tokenbudget.core.costing import Usage, request_cost
from tokenbudget.core.providers import BY_ID, LONG_CONTEXT_AT

M = D("0.000001")
ENTRY = {
    "input_cost_per_token": 1e-06,
    "output_cost_per_token": 2e-06,
    "input_cost_per_token_above_200k_tokens": 3e-06,
    "output_cost_per_token_above_200k_tokens": 5e-06,
}


def _cost(provider: str, prompt: int) -> tuple[D, str]:
    model = model_from_entry(
        "m",
        {**ENTRY, "litellm_provider": provider},
        source="test",
        checked=None,
        origin="snapshot",
        tokenizer_ids=(),
    )
    assert model.pricing is not None
    cost = request_cost(model.pricing, Usage(prompt, 0))
    return cost.input, cost.band


def test_only_xai_bills_from_the_threshold() -> None:
    assert {"xai"} == LONG_CONTEXT_AT
    assert BY_ID["xai"].long_context_at
    assert not BY_ID["gemini"].long_context_at


@pytest.mark.parametrize(
    ("prompt", "rate", "band"),
    [(199_999, 1, "base"), (200_000, 3, "from 200000"), (200_001, 3, "from 200000")],
)
def test_xai_at_the_edge(prompt: int, rate: int, band: str) -> None:
    assert _cost("xai", prompt) == (prompt * rate * M, band)


@pytest.mark.parametrize(
    ("prompt", "rate", "band"),
    [(199_999, 1, "base"), (200_000, 1, "base"), (200_001, 3, "above 200000")],
)
def test_gemini_at_the_edge(prompt: int, rate: int, band: str) -> None:
    assert _cost("gemini", prompt) == (prompt * rate * M, band)


def test_the_bundled_grok_model_uses_the_xai_rule() -> None:
    from tokenbudget.core.services import Service

    grok = Service().counting.model("grok-4.3")
    assert grok.pricing is not None and grok.pricing.long_context_at
    at = request_cost(grok.pricing, Usage(200_000, 1000))
    below = request_cost(grok.pricing, Usage(199_999, 1000))
    assert at.input == 200_000 * D("2.5") * M and at.output == 1000 * 5 * M
    assert below.input == 199_999 * D("1.25") * M
