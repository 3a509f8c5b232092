"""Worked examples of the cost rules, by hand, in exact decimals."""

from decimal import Decimal as D

import pytest

from tokenbudget.core.catalog import Pricing, Rates, Tier
from tokenbudget.core.costing import Usage, request_cost, select_rates
from tokenbudget.core.errors import UserInputError

M = D("0.000001")  # one dollar per million tokens, per token

# Anthropic-like: $3 in, $15 out, $0.30 cache read, $3.75 5-minute write, $6 1-hour write.
SONNET = Pricing("USD", Rates(3 * M, 15 * M, D("0.3") * M, D("3.75") * M, 6 * M))
# OpenAI-like with long context: $5 / $30, cache read $0.50; above 272k: $10 / $45 / $1.
GPT = Pricing(
    "USD",
    Rates(5 * M, 30 * M, D("0.5") * M),
    long_context=((272_000, Rates(10 * M, 45 * M, 1 * M)),),
)
# DashScope-like tiers: (0, 256k] at 0.4/1.2, (256k, 1M] at 1.2/3.6.
QWEN = Pricing(
    "USD",
    Rates(D("0.4") * M, D("1.2") * M),
    tiers=(
        Tier(0, 256_000, Rates(D("0.4") * M, D("1.2") * M)),
        Tier(256_000, 1_000_000, Rates(D("1.2") * M, D("3.6") * M)),
    ),
)
# No cache prices at all: cached and written tokens are billed as plain input; 1h = 2x.
PLAIN = Pricing("CNY", Rates(2 * M, 8 * M))


@pytest.mark.parametrize(
    ("pricing", "usage", "input_cost", "output_cost", "band"),
    [
        # plain input and output
        (SONNET, Usage(1_000_000, 0), D("3"), D("0"), "base"),
        (SONNET, Usage(1000, 500), D("0.003"), D("0.0075"), "base"),
        # 600k cached of 1M: 400k x 3 + 600k x 0.3 = 1.2 + 0.18
        (SONNET, Usage(1_000_000, 0, cached_tokens=600_000), D("1.38"), D("0"), "base"),
        # 5-minute and 1-hour writes: 100k x 3.75 + 100k x 6 + 800k x 3 = 0.375 + 0.6 + 2.4
        (
            SONNET,
            Usage(1_000_000, 0, cache_write_5m=100_000, cache_write_1h=100_000),
            D("3.375"),
            D("0"),
            "base",
        ),
        # long context: exactly at the threshold stays in the base band
        (GPT, Usage(272_000, 1000), D("1.36"), D("0.03"), "base"),
        # one token past it: the whole request, output included, at the higher rates
        (GPT, Usage(272_001, 1000), D("2.72001"), D("0.045"), "above 272000"),
        # cached tokens follow the band too: 200k cached x $1 + 100k x $10
        (GPT, Usage(300_000, 0, cached_tokens=200_000), D("1.2"), D("0"), "above 272000"),
        # tiers: 0 tokens, the last token of tier 1, the first of tier 2
        (QWEN, Usage(0, 1000), D("0"), D("0.0012"), "tier 1"),
        (QWEN, Usage(256_000, 1000), D("0.1024"), D("0.0012"), "tier 1"),
        (QWEN, Usage(256_001, 1000), D("0.3072012"), D("0.0036"), "tier 2"),
        # beyond the last tier's bound: still the last tier (the model would refuse anyway)
        (QWEN, Usage(1_200_000, 0), D("1.44"), D("0"), "tier 2"),
        # no cache prices: cached at input rate, 5m write at input rate, 1h write at 2x input
        (
            PLAIN,
            Usage(
                1_000_000,
                1_000_000,
                cached_tokens=100_000,
                cache_write_5m=100_000,
                cache_write_1h=100_000,
            ),
            D("2.2"),
            D("8"),
            "base",
        ),
    ],
)
def test_worked_examples(
    pricing: Pricing, usage: Usage, input_cost: D, output_cost: D, band: str
) -> None:
    cost = request_cost(pricing, usage)
    assert cost.input == input_cost
    assert cost.output == output_cost
    assert cost.total == input_cost + output_cost
    assert cost.band == band
    assert cost.currency == pricing.currency


def test_costs_are_exact_decimals_not_floats() -> None:
    cost = request_cost(SONNET, Usage(3, 7))
    assert isinstance(cost.input, D)
    assert cost.input == D("0.000009")
    assert cost.output == D("0.000105")


def test_several_long_context_bands_pick_the_highest_passed() -> None:
    pricing = Pricing(
        "USD",
        Rates(1 * M, 2 * M),
        long_context=((128_000, Rates(2 * M, 4 * M)), (256_000, Rates(3 * M, 6 * M))),
    )
    assert select_rates(pricing, 128_000)[1] == "base"
    assert select_rates(pricing, 200_000)[1] == "above 128000"
    assert select_rates(pricing, 256_001)[1] == "above 256000"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"input_tokens": -1},
        {"input_tokens": 10, "output_tokens": -5},
        {"input_tokens": 10, "cached_tokens": 11},
        {"input_tokens": 10, "cached_tokens": 5, "cache_write_5m": 6},
    ],
)
def test_invalid_usage_is_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(UserInputError):
        Usage(**kwargs)
