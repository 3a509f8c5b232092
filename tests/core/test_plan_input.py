from datetime import UTC, datetime

import pytest

from tokenbudget.core.plan_input import (
    FIELDS,
    KIND_FIELDS,
    PlanInputError,
    format_windows,
    parse_plan,
    parse_windows,
    plan_fields,
    time_zones,
)
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


# --- the dialog's fields ------------------------------------------------------------------


def test_the_two_usual_windows_have_a_field_per_cap() -> None:
    plan = parse_plan(
        {
            "name": "Max",
            "kind": "subscription",
            "amount": "100",
            "window_5h_tokens": "1,000,000",
            "window_5h_requests": "",
            "window_7d_tokens": "",
            "window_7d_requests": "900",
            "windows": "24h:requests=300",
        }
    )
    assert plan.windows == (
        WindowCap(5, 1_000_000, None),
        WindowCap(168, None, 900),
        WindowCap(24, None, 300),
    )


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("window_5h_tokens", "lots", "5-hour token cap must be a whole number"),
        ("window_5h_requests", "0", "5-hour request cap must be greater than 0"),
        ("window_7d_tokens", "-3", "weekly token cap must be greater than 0"),
        ("window_7d_requests", "1.5", "weekly request cap must be a whole number"),
    ],
)
def test_each_window_cap_gets_its_own_message(field: str, text: str, message: str) -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan({"name": "x", "amount": "5", "kind": "subscription", field: text})
    assert info.value.errors == {field: message}


def test_the_text_form_may_not_repeat_a_window_that_has_fields() -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan(
            {
                "name": "x",
                "amount": "5",
                "kind": "subscription",
                "window_5h_tokens": "100",
                "windows": "5h:requests=3",
            }
        )
    assert info.value.errors == {"windows": "set the 5-hour and weekly windows in their own fields"}


def test_editing_one_window_cap_keeps_the_others() -> None:
    base = parse_plan(
        {
            "name": "Max",
            "kind": "subscription",
            "amount": "100",
            "windows": "5h:tokens=1000,requests=50; 7d:requests=900; 24h:tokens=7",
        }
    )
    edited = parse_plan({"window_5h_requests": "60", "window_7d_requests": ""}, base=base)
    assert edited.windows == (WindowCap(5, 1000, 60), WindowCap(24, 7, None))


def test_window_fields_on_a_budget_are_refused_where_they_were_typed() -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan(
            {"name": "x", "amount": "5", "window_5h_tokens": "100", "window_7d_requests": ""}
        )
    assert info.value.errors == {
        "window_5h_tokens": "token and request caps belong to subscriptions"
    }


def test_turning_a_subscription_into_a_budget_blames_the_kept_windows() -> None:
    base = parse_plan(
        {"name": "x", "amount": "5", "kind": "subscription", "windows": "5h:tokens=9"}
    )
    with pytest.raises(PlanInputError) as info:
        parse_plan({"kind": "budget"}, base=base)
    assert info.value.errors == {"windows": "token and request caps belong to subscriptions"}


def test_a_taken_name_is_refused_whatever_its_case() -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan({"name": "openai api", "amount": "5"}, taken=["OpenAI API", "Other"])
    assert info.value.errors == {"name": "a plan named 'openai api' already exists"}
    assert parse_plan({"name": "DeepSeek 充值", "amount": "5"}, taken=["OpenAI API"]).name == (
        "DeepSeek 充值"
    )


@pytest.mark.parametrize(("text", "active"), [("yes", True), ("No", False), ("0", False)])
def test_active(text: str, active: bool) -> None:
    assert parse_plan({"name": "x", "amount": "5", "active": text}).active is active


def test_active_is_yes_or_no() -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan({"name": "x", "amount": "5", "active": "maybe"})
    assert info.value.errors == {"active": "active is yes or no"}


@pytest.mark.parametrize(
    "fields",
    [
        {
            "name": "Claude Max",
            "kind": "subscription",
            "currency": "USD",
            "amount": "200",
            "providers": "anthropic",
            "models": "claude-*, claude-opus-*",
            "reset_day": "17",
            "timezone": "Asia/Shanghai",
            "monthly_tokens": "50000000",
            "windows": "5h:tokens=1000000,requests=200; 7d:requests=900; 24h:tokens=5",
            "thresholds": "50, 90",
            "start": "2026-11-01T09:00:00+08:00",
            "active": "no",
        },
        {
            "name": "DeepSeek 充值",
            "kind": "prepaid",
            "currency": "CNY",
            "amount": "99.95",
            "low_balance": "20.5",
            "start": "2026-11-03",
        },
    ],
)
def test_plan_fields_read_back_into_the_same_plan(fields: dict[str, str]) -> None:
    plan = parse_plan(fields)
    text = plan_fields(plan)
    assert set(text) == set(FIELDS)
    assert parse_plan(text) == plan


def test_plan_fields_text() -> None:
    plan = parse_plan(
        {
            "name": "Max",
            "kind": "subscription",
            "amount": "20.50",
            "windows": "5h:tokens=1000; 168h:requests=9; 2d:tokens=4",
        }
    )
    text = plan_fields(plan)
    assert text["amount"] == "20.5"
    assert text["window_5h_tokens"] == "1000"
    assert text["window_5h_requests"] == ""
    assert text["window_7d_requests"] == "9"
    assert text["windows"] == "2d:tokens=4"
    assert text["thresholds"] == "50, 80, 100"
    assert text["low_balance"] == ""
    assert text["start"] == ""
    assert text["active"] == "yes"


def test_kind_fields() -> None:
    assert "window_5h_tokens" in KIND_FIELDS[PlanKind.SUBSCRIPTION]
    assert "window_5h_tokens" not in KIND_FIELDS[PlanKind.BUDGET]
    assert "low_balance" in KIND_FIELDS[PlanKind.PREPAID]
    assert "reset_day" not in KIND_FIELDS[PlanKind.PREPAID]
    assert "reset_day" in KIND_FIELDS[PlanKind.BUDGET]
    assert all("name" in KIND_FIELDS[k] for k in PlanKind)
    assert set().union(*KIND_FIELDS.values()) == set(FIELDS)


def test_time_zones() -> None:
    zones = time_zones()
    assert zones[0] == "UTC"
    assert "Asia/Shanghai" in zones
    assert zones[1:] == sorted(zones[1:])


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("budget", "set the monthly budget"),
        ("subscription", "set the monthly fee"),
        ("prepaid", "set the balance you topped up"),
    ],
)
def test_an_empty_amount_says_what_to_set(kind: str, message: str) -> None:
    with pytest.raises(PlanInputError) as info:
        parse_plan({"name": "x", "kind": kind, "amount": ""})
    assert info.value.errors == {"amount": message}


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"windows": "99999999999h:tokens=1"}, "windows", "at most 366 days"),
        ({"windows": "367d:tokens=1"}, "windows", "at most 366 days"),
        ({"windows": "5h:tokens=10000000000000"}, "windows", "at most 1,000,000,000,000"),
        ({"windows": "5h:requests=10000000000"}, "windows", "at most 1,000,000,000"),
        ({"window_5h_tokens": "10000000000000"}, "window_5h_tokens", "at most"),
        ({"monthly_tokens": "1" + "0" * 20}, "monthly_tokens", "at most"),
        ({"amount": "1e400"}, "amount", "at most 1,000,000,000,000"),
        ({"amount": "1000000000001"}, "amount", "at most"),
        ({"start": "0001-01-01"}, "start", "between 2000 and 2099"),
        ({"start": "2100-01-01T00:00"}, "start", "between 2000 and 2099"),
    ],
)
def test_values_out_of_range_are_refused(fields: dict[str, str], field: str, says: str) -> None:
    base = {"name": "S", "kind": "subscription", "amount": "20", **fields}
    if field == "start":
        base["kind"] = "prepaid"
    with pytest.raises(PlanInputError) as caught:
        parse_plan(base)
    assert says in caught.value.errors[field]


def test_values_at_the_limits_are_accepted() -> None:
    plan = parse_plan(
        {
            "name": "S",
            "kind": "subscription",
            "amount": "1000000000000",
            "windows": "366d:tokens=1000000000000,requests=1000000000",
            "monthly_tokens": "1000000000000",
        }
    )
    assert plan.windows == (WindowCap(366 * 24, 10**12, 10**9),)
