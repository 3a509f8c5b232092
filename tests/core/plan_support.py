"""Helpers for the plan tests: dates, usage points and the three kinds of plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tokenbudget.core.plans import Plan, PlanKind, UsagePoint

USD = 1_000_000  # one dollar in micro-units
US = timedelta(microseconds=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def point(
    at: datetime,
    cost: int | None = 0,
    *,
    tokens: int = 0,
    requests: int = 1,
    converted: bool = False,
    entries: int = 1,
) -> UsagePoint:
    """A point whose token parts add up to ``tokens`` (input 1/2, output the rest)."""
    return UsagePoint(
        at=at,
        tokens=tokens,
        input_tokens=tokens // 2,
        cache_read_tokens=0,
        cache_write_tokens=0,
        output_tokens=tokens - tokens // 2,
        requests=requests,
        cost_micros=cost,
        converted=converted,
        entries=entries,
    )


def budget(amount: int = 100 * USD, **kw: object) -> Plan:
    return Plan("budget", PlanKind.BUDGET, "USD", amount, **kw)  # type: ignore[arg-type]


def subscription(fee: int = 20 * USD, **kw: object) -> Plan:
    return Plan("sub", PlanKind.SUBSCRIPTION, "USD", fee, **kw)  # type: ignore[arg-type]


def prepaid(amount: int = 50 * USD, **kw: object) -> Plan:
    return Plan("prepaid", PlanKind.PREPAID, "USD", amount, **kw)  # type: ignore[arg-type]
