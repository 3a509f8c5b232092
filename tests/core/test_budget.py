"""Status from the ledger's rollups and segments equals status from every raw entry."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from ledger_support import raw_sql

from tokenbudget.core import budget
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import SCHEMA_VERSION, Ledger, to_us
from tokenbudget.core.money import ExchangeRate, ExchangeRates, Money, from_micros, to_micros
from tokenbudget.core.plans import Plan, PlanKind, UsagePoint, WindowCap, plan_status

RATES = ExchangeRates.of([ExchangeRate("CNY", Decimal("7.2"), date(2026, 11, 1))])
PROVIDERS = [
    ("anthropic", "claude-sonnet-4-6"),
    ("anthropic", "claude-opus-4-7"),
    ("openai", "gpt-5.5"),
    ("deepseek", "deepseek-v4-flash"),
]
BASE = datetime(2026, 9, 20, tzinfo=UTC)


def plans() -> list[Plan]:
    return [
        Plan(
            name="budget",
            kind=PlanKind.BUDGET,
            currency="USD",
            amount_micros=50_000_000,
            providers=("openai",),
            timezone="America/New_York",
            reset_day=31,
        ),
        Plan(
            name="sub",
            kind=PlanKind.SUBSCRIPTION,
            currency="USD",
            amount_micros=200_000_000,
            providers=("anthropic",),
            models=("claude-*",),
            monthly_token_cap=5_000_000,
            windows=(
                WindowCap(5, max_tokens=200_000, max_requests=50),
                WindowCap(168, max_requests=400),
            ),
            timezone="Asia/Shanghai",
            reset_day=3,
        ),
        Plan(
            name="prepaid",
            kind=PlanKind.PREPAID,
            currency="CNY",
            amount_micros=100_000_000,
            providers=("deepseek",),
            start=datetime(2026, 10, 1, tzinfo=UTC),
            low_balance_micros=10_000_000,
        ),
        Plan(
            name="all",
            kind=PlanKind.BUDGET,
            currency="USD",
            amount_micros=300_000_000,
            timezone="Europe/London",
        ),
    ]


def seeded(tmp_path: Path, seed: int) -> tuple[Ledger, list[Plan]]:
    rng = random.Random(seed)
    ledger = Ledger.open(tmp_path / f"l{seed}.sqlite3")
    stored = [ledger.add_plan(p, now=BASE) for p in plans()]
    entries = []
    for i in range(600):
        provider, model = rng.choice(PROVIDERS)
        currency = rng.choice(["USD", "USD", "CNY", None])
        entries.append(
            NewEntry(
                at=BASE + timedelta(seconds=rng.randrange(70 * 86_400)),
                provider=provider,
                model=model,
                tokens=TokenCounts(
                    rng.randrange(5000),
                    rng.randrange(5000),
                    rng.randrange(500),
                    rng.randrange(100),
                    rng.randrange(2000),
                ),
                cost_micros=None if currency is None else rng.randrange(1, 400_000),
                currency=currency,
                source="test",
                source_ref=f"r{i}",
                plan_id=stored[rng.randrange(4)].id if rng.random() < 0.1 else None,
                requests=rng.randrange(1, 3),
            )
        )
    ledger.add_entries(entries, want_ids=False)
    return ledger, stored


def raw_points(ledger: Ledger, plan: Plan, now: datetime) -> list[UsagePoint]:
    """One point per entry that counts toward the plan: the slow, obviously right way."""
    points = []
    for e in ledger.iter_entries():
        if e.plan_id is not None and e.plan_id != plan.id:
            continue
        if e.plan_id is None and not plan.covers(e.provider, e.model):
            continue
        if e.at > now:
            continue
        cost, converted = e.cost_micros, False
        if e.currency is not None and e.currency != plan.currency:
            money = RATES.convert(Money(from_micros(e.cost_micros or 0), e.currency), plan.currency)
            cost, converted = to_micros(money.amount), True
        t = e.tokens
        points.append(
            UsagePoint(
                at=e.at,
                tokens=t.total_tokens,
                input_tokens=t.input_tokens,
                cache_read_tokens=t.cache_read_tokens,
                cache_write_tokens=t.cache_write_5m_tokens + t.cache_write_1h_tokens,
                output_tokens=t.output_tokens,
                requests=e.requests,
                cost_micros=cost if e.currency is not None else None,
                converted=converted,
            )
        )
    return points


@pytest.mark.parametrize("seed", range(8))
def test_aggregated_status_equals_status_from_raw_entries(tmp_path: Path, seed: int) -> None:
    ledger, stored = seeded(tmp_path, seed)
    rng = random.Random(1000 + seed)
    for _ in range(6):
        now = BASE + timedelta(seconds=rng.randrange(75 * 86_400))
        for plan in stored:
            fast = budget.status(ledger, plan, now, RATES)
            slow = plan_status(plan, raw_points(ledger, plan, now), now)
            # Conversion rounds once per group rather than once per entry: allow that much.
            assert abs(fast.spent_micros - slow.spent_micros) <= 1 + slow.converted_entries
            for name in (
                "input_tokens",
                "cache_read_tokens",
                "cache_write_tokens",
                "output_tokens",
                "requests",
                "unpriced_entries",
                "converted_entries",
                "period",
                "crossed_thresholds",
                "low_balance",
            ):
                assert getattr(fast, name) == getattr(slow, name), (plan.name, name, now)
            for f_cap, s_cap in zip(fast.caps, slow.caps, strict=True):
                assert f_cap.label == s_cap.label
                assert f_cap.limit == s_cap.limit
                if f_cap.label in ("budget", "balance"):
                    assert abs(f_cap.used - s_cap.used) <= 1 + slow.converted_entries
                else:
                    assert f_cap.used == s_cap.used, (plan.name, f_cap.label, now)
                    assert f_cap.resets_at == s_cap.resets_at, (plan.name, f_cap.label, now)
    ledger.close()


def _rollup(ledger: Ledger) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in raw_sql(
            ledger, "SELECT * FROM daily_totals WHERE entries != 0 ORDER BY 1, 2, 3, 4, 5"
        )
    ]


def _fresh_rollup(ledger: Ledger) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in raw_sql(
            ledger,
            "SELECT at_us / 86400000000, provider, model, COALESCE(plan_id, 0), COALESCE(currency, ''), "
            "COUNT(*), SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), "
            "SUM(cache_write_5m_tokens + cache_write_1h_tokens), SUM(output_tokens), "
            "SUM(COALESCE(cost_micros, 0)) FROM entries GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5",
        )
    ]


def test_rollups_follow_every_kind_of_change(tmp_path: Path) -> None:
    ledger, stored = seeded(tmp_path, 99)
    assert _rollup(ledger) == _fresh_rollup(ledger)
    some = ledger.history(limit=40)
    ledger.delete_entries([e.id for e in some[:10]])  # delete
    ledger.update_entry(
        replace(some[10], at=some[10].at - timedelta(days=3), cost_micros=5, currency="USD")
    )  # move + reprice
    ledger.add_entries(
        [replace(some[11], tokens=TokenCounts(99_999, 0, 0, 0, 99_999))], want_ids=False
    )  # upsert
    ledger.remove_plan(stored[0].id)  # assigned entries become unassigned (ON DELETE SET NULL)
    ledger.restore_entries(some[:10])  # undo the delete
    assert _rollup(ledger) == _fresh_rollup(ledger)
    ledger.close()


def test_migration_to_rollups_backfills_existing_entries(tmp_path: Path) -> None:

    from tokenbudget.core.ledger import MIGRATIONS

    path = tmp_path / "v2.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + ";" + MIGRATIONS[1] + ";PRAGMA user_version = 2;")
    at = to_us(BASE)
    db.executemany(
        "INSERT INTO entries (at_us, provider, model, input_tokens, output_tokens, cost_micros, currency, source) VALUES (?, ?, 'm', 1, 2, 3, 'USD', 'x')",
        [(at + i * 3_600_000_000, "OpenAI" if i % 2 else "openai") for i in range(100)],
    )
    db.commit()
    db.close()
    with Ledger.open(path) as ledger:
        assert ledger.distinct("provider") == ["openai"]  # providers are normalised to lower case
        assert _rollup(ledger) == _fresh_rollup(ledger)
        assert sum(r[5] for r in _rollup(ledger)) == 100
        assert ledger.count() == 100
        assert ledger.schema_version == SCHEMA_VERSION  # upgraded all the way


def test_paused_plans_have_a_status_on_request(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "p.sqlite3") as ledger:
        ledger.add_plan(replace(plans()[0], name="on"), now=BASE)
        ledger.add_plan(replace(plans()[0], name="off", active=False), now=BASE)
        assert [s.plan.name for s in budget.all_status(ledger, BASE, RATES)] == ["on"]
        every = budget.all_status(ledger, BASE, RATES, include_paused=True)
        assert [s.plan.name for s in every] == ["off", "on"]


def test_assigned_entries_counts_only_explicit_assignments(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "a.sqlite3") as ledger:
        mine = ledger.add_plan(replace(plans()[0], name="mine"), now=BASE)
        other = ledger.add_plan(replace(plans()[0], name="other"), now=BASE)

        def entry(i: int, plan_id: int | None) -> NewEntry:
            return NewEntry(
                at=BASE + timedelta(minutes=i),
                provider="openai",
                model="gpt-5.5",
                tokens=TokenCounts(1, 0, 0, 0, 1),
                cost_micros=1,
                currency="USD",
                source="test",
                plan_id=plan_id,
            )

        ledger.add_entries(
            [entry(0, mine.id), entry(1, mine.id), entry(2, other.id), entry(3, None)]
        )
        assert budget.assigned_entries(ledger, mine.id) == 2
        assert budget.assigned_entries(ledger, other.id) == 1
        ledger.remove_plan(mine.id)
        assert budget.assigned_entries(ledger, mine.id) == 0
        assert ledger.count() == 4  # removing a plan keeps its entries
