"""Issue 11 in ``status`` and ``status --json``: official limits, no placeholders, no
projection from too little history, and caps passed said as passed."""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tokenbudget import cli
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.official_limits import LimitSnapshot
from tokenbudget.core.plans import Plan, PlanKind, WindowCap
from tokenbudget.core.services import Service

UNIT = 1_000_000


@pytest.fixture(autouse=True)
def utc_local_time() -> Iterator[None]:
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()


def status_at(now: datetime, monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    monkeypatch.setattr("tokenbudget.cli.plans.utc_now", lambda: now)
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["status", *argv], out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


def entry(at: datetime, provider: str, cost: int, currency: str, **kw: int) -> NewEntry:
    return NewEntry(
        at=at,
        provider=provider,
        model="m",
        tokens=TokenCounts(input_tokens=kw.get("tokens", 0)),
        cost_micros=cost,
        currency=currency,
        source="test",
        requests=kw.get("requests", 1),
    )


def seed(plans: list[Plan], entries: list[NewEntry], at: datetime) -> Service:
    service = Service()
    for plan in plans:
        service.plans.add(plan, now=at)
    service.entries.record_many(entries)
    return service


def fresh_prepaid(now: datetime) -> None:
    """¥50 topped up 8 minutes ago; one entry of ¥6.40 three minutes ago."""
    plan = Plan(
        "DeepSeek 充值", PlanKind.PREPAID, "CNY", 50 * UNIT, start=now - timedelta(minutes=8)
    )
    seed([plan], [entry(now - timedelta(minutes=3), "deepseek", 6_400_000, "CNY")], now).close()


def test_a_prepaid_plan_shows_no_placeholder_end(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2026, 11, 2, 0, 8, tzinfo=UTC)
    fresh_prepaid(now)
    text = status_at(now, monkeypatch)
    assert text.splitlines()[0] == "DeepSeek 充值 (prepaid, since 2026-11-02 00:00)"
    assert "9999" not in text  # it said "2026-11-02 00:00 to 9999-12-31 00:00"
    (plan_json,) = json.loads(status_at(now, monkeypatch, "--json"))
    assert plan_json["period"] == {"start": "2026-11-02T00:00:00+00:00", "end": None}
    assert plan_json["official_limits"] == []


def test_one_fresh_entry_is_too_early_to_project(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2026, 11, 2, 0, 8, tzinfo=UTC)
    fresh_prepaid(now)
    (plan_json,) = json.loads(status_at(now, monkeypatch, "--json"))
    assert plan_json["burn_per_day"] is None  # it said 153.6 (¥6.40 over the 1-hour minimum)
    assert plan_json["projection"] is None
    assert plan_json["projection_reason"].startswith("too early to project")
    assert plan_json["caps"][0]["reached_at"] is None  # it said 06:57 that morning
    lines = status_at(now, monkeypatch).splitlines()
    assert lines[1] == "  spent ¥6.40 of ¥50.00, ¥43.60 left; too early to project"
    assert lines[3] == "  spent            ¥6.40 / ¥50.00  12.8%"
    assert not any("burn" in line or "reached" in line for line in lines)


def test_a_cap_already_passed_says_when_it_was_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    plan = Plan("OpenAI API", PlanKind.BUDGET, "USD", 10 * UNIT, providers=("openai",))
    entries = [
        entry(datetime(2026, 12, 1, 2, tzinfo=UTC), "openai", 6 * UNIT, "USD"),
        entry(datetime(2026, 12, 1, 5, tzinfo=UTC), "openai", 4 * UNIT, "USD"),  # $10: passed
        entry(datetime(2026, 12, 2, 9, tzinfo=UTC), "openai", 1 * UNIT, "USD"),
    ]
    seed([plan], entries, now - timedelta(days=5)).close()
    text = status_at(now, monkeypatch)
    assert (
        "  budget           $11.00 / $10.00  110.0%; resets in 28d 12h; "
        "cap passed 2026-12-01 05:00\n"
    ) in text
    assert "at this rate" not in text
    (plan_json,) = json.loads(status_at(now, monkeypatch, "--json"))
    cap = plan_json["caps"][0]
    assert (cap["reached_at"], cap["passed"]) == ("2026-12-01T05:00:00+00:00", True)
    # 2.5 days in with $11: $4.40 a day; 28.5 days to go: 11 + 4.4 * 28.5 = 136.4.
    assert plan_json["projection"] == {
        "burn_per_day": "4.4",
        "period_end": "136.4",
        "reached_at": None,
    }
    assert plan_json["projection_reason"] is None


def test_a_subscription_lists_its_official_limits_beside_the_estimates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = datetime(2026, 12, 3, 15, 57, tzinfo=UTC)
    plan = Plan(
        "Claude Pro",
        PlanKind.SUBSCRIPTION,
        "USD",
        20 * UNIT,
        providers=("anthropic",),
        windows=(WindowCap(5, max_tokens=1_000),),
    )
    recent = entry(now - timedelta(hours=1), "anthropic", UNIT, "USD", tokens=370)
    service = seed([plan], [recent], now - timedelta(days=3))
    seen = now - timedelta(minutes=3)
    fresh = LimitSnapshot(
        "claude-code", "5h", 300, Decimal(42), datetime(2026, 12, 3, 18, tzinfo=UTC), seen
    )
    stale = LimitSnapshot(
        "claude-code",
        "7d",
        10080,
        Decimal("97.5"),
        datetime(2026, 12, 3, 9, tzinfo=UTC),
        datetime(2026, 12, 2, 9, tzinfo=UTC),
    )
    codex = LimitSnapshot("codex", "5h", 300, Decimal(7), now + timedelta(hours=1), seen)
    service.limits.record([fresh, stale, codex])
    service.close()
    text = status_at(now, monkeypatch)
    assert (
        "  official 5h      42.0%; reset 2026-12-03 18:00; seen 3 min ago (claude-code); "
        "estimated from logs: 37.0%\n"
    ) in text
    assert (
        "  official 7d      97.5% before the 2026-12-03 09:00 reset; stale; "
        "seen 30 h ago (claude-code)\n"
    ) in text
    (plan_json,) = json.loads(status_at(now, monkeypatch, "--json"))
    assert plan_json["official_limits"] == [fresh.to_json(), stale.to_json()]
    assert plan_json["official_limits"][0] == {
        "source": "claude-code",
        "window": "5h",
        "window_minutes": 300,
        "used_percent": "42",
        "resets_at": "2026-12-03T18:00:00Z",
        "observed_at": "2026-12-03T15:54:00Z",
    }
    assert plan_json["crossed_thresholds"] == []  # 42 % official; the stale 97.5 % rates nothing


def test_every_plan_of_a_provider_lists_its_official_limits_in_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``status --json``: each plan gains its provider's official limits; only a
    subscription's are shown on its card and rated (a budget's thresholds stay its own)."""
    now = datetime(2026, 12, 3, 15, 57, tzinfo=UTC)
    budget = Plan("OpenAI API", PlanKind.BUDGET, "USD", 40 * UNIT, providers=("openai",))
    other = Plan("Claude Max", PlanKind.SUBSCRIPTION, "USD", 100 * UNIT, providers=("anthropic",))
    service = seed([budget, other], [], now - timedelta(days=3))
    seen = now - timedelta(minutes=3)
    codex = LimitSnapshot(
        "codex", "5h", 300, Decimal(91), now + timedelta(hours=1), seen, "plus", "codex"
    )
    service.limits.record([codex])
    service.close()
    by_name = {p["plan"]: p for p in json.loads(status_at(now, monkeypatch, "--json"))}
    assert by_name["OpenAI API"]["official_limits"] == [codex.to_json()]
    assert by_name["OpenAI API"]["official_limits"][0]["plan_type"] == "plus"
    assert by_name["OpenAI API"]["crossed_thresholds"] == []  # 91 % official is not its cap
    assert by_name["Claude Max"]["official_limits"] == []
