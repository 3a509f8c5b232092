"""Bundled ECB reference rates: lookups by day, the user's rates first, marks and the locale."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from tokenbudget.core import paths, rates
from tokenbudget.core.cheapest import cheapest_model
from tokenbudget.core.count_report import ModelEstimate
from tokenbudget.core.errors import ResourceError, UserInputError
from tokenbudget.core.money import (
    CONVERTED_MARK,
    ESTIMATED_MARK,
    ExchangeRate,
    ExchangeRates,
    Money,
    locale_currency,
)
from tokenbudget.core.settings import Settings

BUNDLED = paths.resources_dir() / "rates"
#: The ECB's rates of Friday 2026-10-30, the last day of the bundled file.
CNY_PER_USD = D("7.4326") / D("1.1172")


def reference() -> rates.ReferenceRates:
    return rates.ReferenceRates(BUNDLED, None)


def test_bundled_file_is_pinned_and_small() -> None:
    manifest = json.loads((BUNDLED / "manifest.json").read_text("utf-8"))["rates"]
    data = (BUNDLED / manifest["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == manifest["sha256"]
    assert len(data) < 200_000
    assert manifest["last"] == "2026-10-30" and manifest["first"] == "2023-01-02"
    assert "ecb.europa.eu" in manifest["upstream"] and "acknowledged" in manifest["licence"]


def test_latest_rate_is_crossed_through_the_euro_exactly() -> None:
    rate = reference().rate("CNY")
    assert rate is not None
    assert rate.per_usd == CNY_PER_USD
    assert (rate.as_of, rate.source, rate.origin) == (date(2026, 10, 30), "ECB", "bundled")
    euro = reference().rate("EUR")
    assert euro is not None and euro.per_usd == 1 / D("1.1172")


def test_weekend_uses_the_latest_earlier_rate() -> None:
    friday = reference().rate("CNY", date(2026, 10, 30))
    saturday = reference().rate("CNY", date(2026, 10, 31))
    assert friday == saturday
    thursday = reference().rate("CNY", date(2026, 10, 29))
    assert thursday is not None and thursday.per_usd == D("7.4144") / D("1.113")
    early = reference().rate("CNY", date(2020, 1, 1))  # before the file: its first day
    assert early is not None and early.as_of == date(2023, 1, 2)


def test_currency_the_ecb_does_not_publish_has_no_rate() -> None:
    assert reference().rate("TWD") is None
    assert not ExchangeRates.of([], reference()).can_convert("USD", "TWD")


def test_users_rate_wins_and_entries_use_their_own_day() -> None:
    mine = ExchangeRate("CNY", D("7.2"), date(2026, 11, 1))
    both = ExchangeRates.of([mine], reference())
    money = both.convert(Money(D("72"), "CNY"), "USD", date(2024, 5, 6))
    assert money == Money(D("10"), "USD", converted=True)
    assert money.rates == (mine,)
    ecb = ExchangeRates.of([], reference())
    may = ecb.convert(Money(D("100"), "CNY"), "USD", date(2024, 5, 4))  # a Saturday
    (used,) = may.rates
    assert used.as_of == date(2024, 5, 3)
    assert may.amount == D("100") / used.per_usd
    latest = ecb.convert(Money(D("100"), "CNY"), "USD")
    assert latest.rates[0].as_of == date(2026, 10, 30)


def test_cross_conversion_keeps_both_rates() -> None:
    ecb = ExchangeRates.of([], reference())
    money = ecb.convert(Money(D("10"), "CNY"), "EUR")
    assert [r.currency for r in money.rates] == ["CNY", "EUR"]
    assert money.amount == D("10") / CNY_PER_USD * (1 / D("1.1172"))
    summed = money + money
    assert summed.converted and summed.rates == money.rates


def test_describe_names_source_and_date() -> None:
    rate = reference().rate("CNY")
    assert rate is not None
    assert rate.describe() == "6.652882 CNY per USD, ECB 2026-10-30"
    mine = ExchangeRate("CNY", D("7.10"), date(2026, 11, 1))
    assert mine.describe() == "7.1 CNY per USD, your rate, set 2026-11-01"


def test_marks_are_two_different_symbols() -> None:
    assert ESTIMATED_MARK == "~" and CONVERTED_MARK == "≈"
    assert Money(D("1"), "USD", converted=True).format() == "≈$1.00"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "CNY"),
        ({"LANG": "zh_Hans_CN"}, "CNY"),
        ({"LC_ALL": "zh-CN"}, "CNY"),
        ({"LANG": "zh_TW.UTF-8"}, "USD"),
        ({"LANG": "en_GB.UTF-8"}, "USD"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "USD"),
        ({}, "USD"),
    ],
)
def test_display_currency_default_follows_the_locale(env: dict[str, str], expected: str) -> None:
    assert locale_currency(env) == expected


def test_settings_default_currency_until_the_user_chooses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MONETARY", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    settings = Settings(tmp_path / "settings.json")
    assert settings.display_currency == "CNY"
    settings.set("display_currency", "EUR")
    assert settings.display_currency == "EUR"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert Settings(tmp_path / "other.json").display_currency == "USD"


def test_settings_rates_include_the_reference() -> None:
    settings = Settings(Path("/nonexistent/settings.json"))
    ex = settings.exchange_rates()
    assert ex.rates == {}
    rate = ex.rate("CNY")
    assert rate is not None and rate.origin == "bundled"


def test_refreshed_file_is_used_only_when_newer(tmp_path: Path) -> None:
    older = "Date,USD,CNY\n2026-10-01,1.1,7.7\n"
    (tmp_path / rates.RATES_FILE).write_text(older, "utf-8")
    ref = rates.ReferenceRates(BUNDLED, tmp_path / rates.RATES_FILE)
    assert ref.table()[1] == "bundled"
    newer = "Date,USD,CNY\n2026-11-02,1.1,7.7\n"
    (tmp_path / rates.RATES_FILE).write_text(newer, "utf-8")
    ref = rates.ReferenceRates(BUNDLED, tmp_path / rates.RATES_FILE)
    rate = ref.rate("CNY")
    assert rate is not None and rate.origin == "refreshed" and rate.per_usd == D(7)


def test_tampered_bundle_is_refused(tmp_path: Path) -> None:
    for name in ("manifest.json", rates.RATES_FILE):
        (tmp_path / name).write_bytes((BUNDLED / name).read_bytes())
    with (tmp_path / rates.RATES_FILE).open("a") as handle:
        handle.write("2026-11-02,1,1,1,1,1,1,1,1,1,1,1\n")
    with pytest.raises(ResourceError, match="sha256"):
        rates.ReferenceRates(tmp_path, None).rate("CNY")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("Date,GBP\n2026-01-01,1\n", "not the ECB"),
        ("Date,USD\n2026-01-01,abc\n", "not a number"),
        ("Date,USD\n2026-01-01,-1\n", "above 0"),
        ("Date,USD\nyesterday,1\n", "not a date"),
    ],
)
def test_bad_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        rates.parse_ecb(text, "f.csv")


def test_compact_format_round_trips_exact_strings() -> None:
    text = "Date,USD,JPY,N\n2026-10-30,1.1172,175.68,3\n2026-10-29,1.1130,N/A,3\n"
    table = rates.parse_ecb(text, "f")
    assert (
        rates.format_table(table) == "Date,USD,JPY\n2026-10-29,1.1130,\n2026-10-30,1.1172,175.68\n"
    )


# -- the cheapest rule -----------------------------------------------------------------------


def estimate(
    model: str, tokens: int, window: int | None, total: str, cur: str = "USD"
) -> ModelEstimate:
    return ModelEstimate(
        model, "p", "t", tokens, True, "exact", window, Money(D(total), cur), Money(D(0), cur)
    )


def test_cheapest_must_fit_its_context_window() -> None:
    # A 2 MB prompt: about 500,000 tokens, 202 % of a 256k window.
    big = [
        estimate("mistral-small", 517_000, 256_000, "0.05"),
        estimate("gemini-flash", 517_000, 1_048_576, "0.20"),
        estimate("gpt", 517_000, 1_050_000, "0.40"),
    ]
    assert cheapest_model(big, 0) == "gemini-flash"
    # The expected output counts against the window too.
    near = [estimate("a", 250_000, 256_000, "0.01"), estimate("b", 250_000, 1_000_000, "0.02")]
    assert cheapest_model(near, 5_000) == "a"
    assert cheapest_model(near, 7_000) is None  # only one fits: nothing to compare


def test_cheapest_ties_and_unknown_windows() -> None:
    assert cheapest_model([estimate("a", 1, 10, "1"), estimate("b", 1, 10, "1")], 0) is None
    assert cheapest_model([estimate("a", 1, None, "1"), estimate("b", 1, 10, "2")], 0) == "a"
    assert cheapest_model([estimate("a", 1, 10, "1")], 0) is None


def test_cheapest_compares_in_the_common_currency() -> None:
    ecb = ExchangeRates.of([], reference())
    cny = ecb.convert(Money(D("1"), "CNY"), "USD")  # about $0.15
    rows = [
        estimate("gpt", 10, 100, "0.20"),
        ModelEstimate("deepseek", "p", "t", 10, True, "x", 100, cny, Money(D(0), "USD")),
        estimate("claude", 10, 100, "0.30"),
    ]
    assert cheapest_model(rows, 0) == "deepseek"


def test_budget_points_convert_at_their_own_day() -> None:
    from tokenbudget.core.budget import _point
    from tokenbudget.core.ledger import UsageSums, to_us
    from tokenbudget.core.plans import Plan, PlanKind

    plan = Plan(name="b", kind=PlanKind.BUDGET, currency="USD", amount_micros=50_000_000)
    ecb = ExchangeRates.of([], reference())
    at = datetime(2024, 5, 4, 9, tzinfo=UTC)  # a Saturday: Friday's rate
    point = _point(plan, ecb, UsageSums(to_us(at), "CNY", 1, 1, 10, 0, 0, 10, 100_000_000))
    friday = reference().rate("CNY", date(2024, 5, 3))
    assert friday is not None and point.converted
    assert point.cost_micros == round(D(100) / friday.per_usd * 1_000_000)
    latest = ExchangeRates.of([], reference()).convert(Money(D(100), "CNY"), "USD")
    assert point.cost_micros != round(latest.amount * 1_000_000)
