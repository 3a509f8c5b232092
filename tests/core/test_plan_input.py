from datetime import UTC, datetime

import pytest

from tokenbudget.core.plan_input import PlanInputError, format_windows, parse_plan, parse_windows
from tokenbudget.core.plans import PlanKind, WindowCap


def test_a_full_subscription() -> None:
    plan = parse_plan(
        {
            "name": "Claude Max",
            "kind": "Subscription",
            "currency": "usd",
            "amount": "200",
            "providers": "Anthropic",
            "models": "claude-*, claude-opus-*",
            "reset_day": "31",
            "timezone": "Asia/Shanghai",
            "monthly_tokens": "50,000,000",
            "windows": "5h:tokens=1000000,requests=200; 7d:requests=900",
            "thresholds": "80, 50, 100",
            "start": "2026-11-01",
        }
    )
    assert plan.kind is PlanKind.SUBSCRIPTION
    assert plan.currency == "USD"
    assert plan.amount_micros == 200_000_000
    assert plan.providers == ("anthropic",)
    assert plan.models == ("claude-*", "claude-opus-*")
    assert plan.monthly_token_cap == 50_000_000
    assert plan.windows == (WindowCap(5, 1_000_000, 200), WindowCap(168, None, 900))
    assert plan.thresholds == (50, 80, 100)
    assert plan.start == datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "x", "amount": "-5"}, "amount", "greater than 0"),
        ({"name": "x", "amount": "abc"}, "amount", "not a number"),
        ({"name": "x", "amount": "5", "currency": "XYZ"}, "currency", "unknown currency"),
        ({"name": "x", "amount": "5", "reset_day": "40"}, "reset_day", "1 to 31"),
        ({"name": "x", "amount": "5", "reset_day": "0"}, "reset_day", "greater than 0"),
        (
            {"name": "x", "amount": "5", "kind": "subscription", "monthly_tokens": "0"},
            "monthly_tokens",
            "greater than 0",
        ),
        (
            {"name": "x", "amount": "5", "kind": "subscription", "windows": "5h:tokens=0"},
            "windows",
            "greater than 0",
        ),
        (
            {"name": "x", "amount": "5", "kind": "subscription", "windows": "every hour"},
            "windows",
            "is not like",
        ),
        ({"name": "x", "amount": "5", "timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
        ({"name": "x", "amount": "5", "kind": "weekly"}, "kind", "budget, subscription or prepaid"),
        (
            {"name": "x", "amount": "5", "monthly_tokens": "1000"},
            "monthly_tokens",
            "belong to subscriptions",
        ),
        ({"name": "x", "amount": "5", "low_balance": "1"}, "low_balance", "prepaid"),
        ({"name": "", "amount": "5"}, "name", "needs a name"),
        ({"name": "x"}, "amount", "monthly budget"),
        ({"name": "x", "amount": "5", "start": "last week"}, "start", "date or time"),
    ],
)
def test_each_bad_field_gets_its_own_message(
    fields: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan(fields)
    assert field in info.value.errors
    assert message in info.value.errors[field]


def test_all_errors_are_reported_at_once() -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan({"name": "", "amount": "-1", "currency": "??", "reset_day": "99"})
    assert set(info.value.errors) == {"name", "amount", "currency", "reset_day"}


def test_editing_changes_only_given_fields() -> None:
    plan = parse_plan({"name": "API", "amount": "50"})
    edited = parse_plan({"amount": "75.5"}, base=plan)
    assert edited.name == "API"
    assert edited.amount_micros == 75_500_000


def test_windows_round_trip() -> None:
    text = "5h:tokens=1000000,requests=200; 7d:requests=900"
    assert format_windows(parse_windows(text)) == text
