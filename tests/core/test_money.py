from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.money import (
    ExchangeRate,
    ExchangeRates,
    Money,
    check_currency,
    from_micros,
    parse_decimal,
    to_micros,
)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_micros_round_trip(micros: int) -> None:
    assert to_micros(from_micros(micros)) == micros


@pytest.mark.parametrize(
    ("amount", "micros"),
    [
        (D("0.0000005"), 0),  # half to even
        (D("0.0000015"), 2),
        (D("1.25"), 1_250_000),
        (D("0.000001"), 1),
        (D("-0.0000025"), -2),
    ],
)
def test_to_micros_rounds_half_even(amount: D, micros: int) -> None:
    assert to_micros(amount) == micros


def test_currency_codes() -> None:
    assert check_currency(" cny ") == "CNY"
    with pytest.raises(UserInputError, match="unknown currency 'XYZ'"):
        check_currency("XYZ")


@pytest.mark.parametrize("bad", ["abc", "nan", "inf", ""])
def test_parse_decimal_refuses_non_numbers(bad: str) -> None:
    with pytest.raises(UserInputError):
        parse_decimal(bad)


def test_conversion_is_marked_and_exact() -> None:
    rates = ExchangeRates.of([ExchangeRate("CNY", D("7.2"), date(2026, 11, 1))])
    converted = rates.convert(Money(D("1.5"), "USD"), "CNY")
    assert converted == Money(D("10.80"), "CNY", converted=True)
    back = rates.convert(Money(D("7.2"), "CNY"), "USD")
    assert back.amount == D(1)
    assert back.converted


def test_conversion_between_two_non_usd_currencies_goes_through_usd() -> None:
    rates = ExchangeRates.of(
        [
            ExchangeRate("CNY", D("7.2"), date(2026, 11, 1)),
            ExchangeRate("EUR", D("0.9"), date(2026, 11, 1)),
        ]
    )
    assert rates.convert(Money(D("72"), "CNY"), "EUR").amount == D("9")


def test_missing_rate_is_a_clear_error() -> None:
    with pytest.raises(UserInputError, match="no exchange rate for CNY"):
        ExchangeRates().convert(Money(D(1), "USD"), "CNY")


def test_same_currency_is_not_converted() -> None:
    money = Money(D("2"), "EUR")
    assert ExchangeRates().convert(money, "EUR") is money


def test_format_keeps_small_amounts_meaningful() -> None:
    assert Money(D("0.0001234"), "USD").format() == "$0.000123"
    assert Money(D("12.5"), "CNY").format() == "¥12.50"
    assert Money(D("3"), "EUR", converted=True).format() == "≈€3.00"
    assert Money(D("1"), "CHF").format() == "1.00 CHF"


def test_adding_different_currencies_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot add"):
        _ = Money(D(1), "USD") + Money(D(1), "CNY")
