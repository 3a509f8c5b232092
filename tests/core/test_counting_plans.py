"""``counting_plans``: the plans an entry counts toward (the History's Plan column)."""

from __future__ import annotations

from datetime import UTC, datetime

from tokenbudget.core.plans import Plan, PlanKind, counting_plans

AT = datetime(2026, 11, 10, 12, tzinfo=UTC)


def _plan(pid: int, **kw: object) -> Plan:
    return Plan(name=f"p{pid}", kind=PlanKind.BUDGET, currency="USD", amount_micros=1, id=pid, **kw)  # type: ignore[arg-type]


def test_an_assigned_entry_counts_only_toward_its_plan() -> None:
    plans = [_plan(1), _plan(2, providers=("openai",))]
    assert [p.id for p in counting_plans(plans, 2, "anthropic", "claude-x", AT)] == [2]


def test_an_unassigned_entry_counts_toward_every_matching_active_started_plan() -> None:
    plans = [
        _plan(1),  # everything
        _plan(2, providers=("Anthropic",), models=("claude-*",)),
        _plan(3, providers=("openai",)),  # other provider
        _plan(4, active=False),  # inactive
        _plan(5, start=datetime(2026, 11, 11, tzinfo=UTC)),  # starts after the entry
        _plan(6, start=AT),  # starts at it
        _plan(7, models=("gpt-*",)),  # other model
    ]
    assert [p.id for p in counting_plans(plans, None, "anthropic", "Claude-Opus", AT)] == [1, 2, 6]
    assert counting_plans([], None, "anthropic", "m", AT) == []
