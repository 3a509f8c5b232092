"""DeepSeek's off-peak price: parsed, carried to the CNY list price, shown, applied on request."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tokenbudget.core.catalog import Pricing, Rates, parse_pricing, scaled_off_peak
from tokenbudget.core.costing import Usage, request_cost
from tokenbudget.core.services import Service
from tokenbudget.core.settings import OFF_PEAK_PRICES


def test_snapshot_off_peak_is_parsed_and_only_applied_when_asked() -> None:
    entry = {
        "input_cost_per_token": 3e-07,
        "output_cost_per_token": 1.2e-06,
        "off_peak_pricing": {"input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07},
    }
    pricing = parse_pricing(entry, "x", source="s", checked=None, origin="snapshot")
    assert pricing is not None and pricing.off_peak == Rates(D("1.5E-7"), D("6E-7"))
    usage = Usage(1_000_000, 1_000_000, 0)
    peak = request_cost(pricing, usage)
    cheap = request_cost(pricing, usage, off_peak=True)
    assert (peak.input + peak.output, peak.band) == (D("1.5"), "base")
    assert (cheap.input + cheap.output, cheap.band) == (D("0.75"), "off-peak")


def test_list_price_gets_the_snapshots_off_peak_share() -> None:
    snapshot = Pricing("USD", Rates(D("3e-7"), D("1.2e-6"), D("6e-9")))
    snapshot = Pricing(
        "USD", snapshot.base, off_peak=Rates(D("1.5e-7"), D("6e-7"), cache_read=D("3e-9"))
    )
    listed = Pricing("CNY", Rates(D("2e-6"), D("8e-6"), cache_read=D("4e-8")))
    scaled = scaled_off_peak(snapshot, listed)
    assert scaled.off_peak == Rates(D("1e-6"), D("4e-6"), cache_read=D("2e-8"))
    assert scaled_off_peak(None, listed) is listed
    assert scaled_off_peak(Pricing("USD", snapshot.base), listed) is listed


def test_bundled_deepseek_has_half_price_off_peak() -> None:
    counting = Service().counting
    model = counting.model("deepseek-v4-pro")
    assert model.pricing is not None and model.pricing.currency == "CNY"
    assert model.pricing.off_peak is not None
    assert model.pricing.off_peak.input * 2 == model.pricing.base.input
    assert model.pricing.off_peak.output * 2 == model.pricing.base.output
    assert counting.model("gpt-5.5").pricing.off_peak is None  # type: ignore[union-attr]


@pytest.mark.parametrize("from_setting", [False, True])
def test_estimate_notes_or_applies_off_peak(from_setting: bool) -> None:
    service = Service()
    counting = service.counting
    model = counting.model("deepseek-v4-pro")
    noted = counting.price_tokens(model, 1_000_000, output_tokens=1_000_000, currency="CNY")
    assert not noted.off_peak
    assert noted.total_cost is not None and noted.total_cost.amount == D("36")  # 9 + 27
    assert noted.off_peak_total is not None and noted.off_peak_total.amount == D("18")
    if from_setting:
        service.settings.put(OFF_PEAK_PRICES, True)
        applied = counting.price_tokens(model, 1_000_000, output_tokens=1_000_000, currency="CNY")
    else:
        applied = counting.price_tokens(
            model, 1_000_000, output_tokens=1_000_000, currency="CNY", off_peak=True
        )
    assert applied.off_peak and applied.off_peak_total is None
    assert applied.total_cost is not None and applied.total_cost.amount == D("18")
    assert applied.price_band == "off-peak"
