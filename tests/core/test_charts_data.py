"""Chart series: spend per local day and month, per provider, in the display currency.

Expected values are summed here entry by entry, in each entry's local day, in Decimal.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tokenbudget.core.charts_data import daily_spend, monthly_spend, spend_in
from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.ledger import HistoryFilter, Ledger
from tokenbudget.core.money import ExchangeRate, ExchangeRates, Money, from_micros

TODAY = date(2026, 11, 18)
RATES = ExchangeRates.of([ExchangeRate("CNY", Decimal("7.25"), date(2026, 11, 1))])
MIX = [
    ("openai", "gpt-5.5", "USD"),
    ("anthropic", "claude-sonnet-4-6", "USD"),
    ("deepseek", "deepseek-v4-flash", "CNY"),
    ("mistral", "mistral-large", "EUR"),  # no EUR rate: left out of the bars
    ("custom", "my-model", None),  # unpriced
]
ZONES = [UTC, ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kathmandu")]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    rng = random.Random(11)
    end = datetime(2026, 11, 18, 23, 0, tzinfo=UTC)
    entries = []
    for _ in range(3000):
        provider, model, currency = rng.choice(MIX)
        entries.append(
            NewEntry(
                at=end - timedelta(minutes=rng.randrange(60 * 24 * 400)),
                provider=provider,
                model=model,
                tokens=TokenCounts(1, 0, 0, 0, 1),
                cost_micros=None if currency is None else rng.randrange(1, 3_000_000),
                currency=currency,
                source="codex" if rng.random() < 0.5 else "manual",
            )
        )
    path: Path = tmp_path_factory.mktemp("charts") / "ledger.sqlite3"
    with Ledger.open(path) as opened:
        opened.add_entries(entries, want_ids=False)
        yield opened


def in_usd(e: Entry) -> Fraction | None:
    """Exact: Decimal division rounds at 28 digits, in whichever order it is done."""
    assert e.cost_micros is not None and e.currency is not None
    amount = Fraction(e.cost_micros, 1_000_000)
    if e.currency == "USD":
        return amount
    if e.currency == "CNY":
        return amount / Fraction("7.25")
    return None


def close(got: tuple[Decimal, ...], want: list[Fraction]) -> bool:
    return len(got) == len(want) and all(
        abs(Fraction(g) - w) < Fraction(1, 10**20) for g, w in zip(got, want, strict=True)
    )


def brute_force(
    entries: list[Entry], key: object, periods: list[object]
) -> tuple[dict[str, list[Fraction]], dict[str, Decimal], int]:
    values: dict[str, list[Fraction]] = {}
    left_out: dict[str, Decimal] = {}
    unpriced = 0
    for e in entries:
        period = key(e)  # type: ignore[operator]
        if period not in periods:
            continue
        if e.currency is None:
            unpriced += 1
            continue
        usd = in_usd(e)
        if usd is None:
            left_out[e.currency] = left_out.get(e.currency, Decimal(0)) + from_micros(
                e.cost_micros or 0
            )
            continue
        row = values.setdefault(e.provider, [Fraction(0)] * len(periods))
        row[periods.index(period)] += usd
    return values, left_out, unpriced


@pytest.mark.parametrize("tz", ZONES, ids=str)
def test_daily_spend_sums_each_local_day(ledger: Ledger, tz: tzinfo) -> None:
    entries = list(ledger.iter_entries())
    series = daily_spend(ledger, HistoryFilter(), TODAY, tz=tz, rates=RATES, currency="USD")
    days = [date(2026, 11, d) for d in range(1, 31)]
    assert series.starts == tuple(days)
    values, left_out, unpriced = brute_force(entries, lambda e: e.at.astimezone(tz).date(), days)  # type: ignore[arg-type]
    assert set(series.providers) == set(values)
    for provider, amounts in values.items():
        assert close(series.values[provider], amounts), provider
    assert series.left_out == left_out
    assert series.unpriced == unpriced
    assert series.converted == {"deepseek"}  # CNY went through the rate
    assert all(v == 0 for p in series.providers for v in series.values[p][18:])  # days to come


@pytest.mark.parametrize("tz", ZONES, ids=str)
def test_monthly_spend_sums_each_local_month(ledger: Ledger, tz: tzinfo) -> None:
    entries = list(ledger.iter_entries())
    series = monthly_spend(ledger, HistoryFilter(), TODAY, tz=tz, rates=RATES, currency="USD")
    months = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
    assert series.starts == tuple(months)
    values, left_out, unpriced = brute_force(
        entries,
        lambda e: e.at.astimezone(tz).date().replace(day=1),
        months,  # type: ignore[arg-type]
    )
    for provider, amounts in values.items():
        assert close(series.values[provider], amounts), provider
    assert series.left_out == left_out
    assert series.unpriced == unpriced


def test_the_biggest_spender_is_the_bottom_of_the_stack(ledger: Ledger) -> None:
    series = monthly_spend(ledger, HistoryFilter(), TODAY, tz=UTC, rates=RATES, currency="USD")
    totals = [sum(series.values[p]) for p in series.providers]
    assert totals == sorted(totals, reverse=True)
    assert series.total(11) == sum(series.values[p][11] for p in series.providers)


def test_filters_other_than_period_and_text_apply(ledger: Ledger) -> None:
    flt = HistoryFilter(
        sources=("codex",),
        providers=("openai", "deepseek"),
        since=datetime(2026, 11, 10, tzinfo=UTC),  # ignored: the chart has its own period
        text="ignored too",
    )
    tz = ZoneInfo("Asia/Shanghai")
    series = daily_spend(ledger, flt, TODAY, tz=tz, rates=RATES, currency="USD")
    kept = [
        e
        for e in ledger.iter_entries()
        if e.source == "codex" and e.provider in ("openai", "deepseek")
    ]
    days = [date(2026, 11, d) for d in range(1, 31)]
    values, _, _ = brute_force(kept, lambda e: e.at.astimezone(tz).date(), days)  # type: ignore[arg-type]
    assert set(series.providers) == set(values) == {"openai", "deepseek"}
    for provider, amounts in values.items():
        assert close(series.values[provider], amounts)


def test_in_another_display_currency(ledger: Ledger) -> None:
    usd = monthly_spend(ledger, HistoryFilter(), TODAY, tz=UTC, rates=RATES, currency="USD")
    cny = monthly_spend(ledger, HistoryFilter(), TODAY, tz=UTC, rates=RATES, currency="CNY")
    assert cny.currency == "CNY"
    # Every amount converts through USD, so CNY totals are the USD ones at 7.25 (to rounding).
    for p in usd.providers:
        for a, b in zip(usd.values[p], cny.values[p], strict=True):
            assert abs(a * Decimal("7.25") - b) < Decimal("1e-20")


def test_an_empty_ledger_gives_empty_bars(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "empty.sqlite3") as empty:
        series = daily_spend(empty, HistoryFilter(), TODAY, tz=UTC, rates=RATES, currency="USD")
    assert series.providers == ()
    assert len(series.starts) == 30
    assert series.left_out == {} and series.unpriced == 0


def test_totals_are_shown_in_the_display_currency_where_a_rate_allows() -> None:
    costs = {"USD": 1_500_000, "CNY": 7_250_000, "EUR": 2_000_000}
    spend = spend_in(costs, RATES, "USD")
    assert spend.shown == Money(Decimal("2.5"), "USD", converted=True)
    assert spend.apart == (Money(Decimal(2), "EUR"),)
    only_usd = spend_in({"USD": 10}, RATES, "USD")
    assert only_usd.shown == Money(Decimal("0.00001"), "USD") and not only_usd.shown.converted
    assert spend_in({}, RATES, "USD") == spend_in({}, RATES, "CNY")
    assert spend_in({"EUR": 1}, RATES, "USD").shown is None
