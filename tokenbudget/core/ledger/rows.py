"""Row mapping: SQLite rows to the core's dataclasses and back; times as microseconds."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.plans import Plan, PlanKind, WindowCap


def to_us(at: datetime) -> int:
    """UTC microseconds since the epoch of an aware datetime."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    delta = at.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_us(us: int) -> datetime:
    """Aware UTC datetime of microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=us)


def plan_from_row(row: sqlite3.Row) -> Plan:
    """Build a ``Plan`` from a row of ``SELECT * FROM plans``."""
    return Plan(
        id=row["id"],
        name=row["name"],
        kind=PlanKind(row["kind"]),
        currency=row["currency"],
        amount_micros=row["amount_micros"],
        providers=tuple(json.loads(row["providers"])),
        models=tuple(json.loads(row["models"])),
        reset_day=row["reset_day"],
        timezone=row["timezone"],
        monthly_token_cap=row["monthly_token_cap"],
        windows=tuple(WindowCap(**w) for w in json.loads(row["windows"])),
        thresholds=tuple(json.loads(row["thresholds"])),
        low_balance_micros=row["low_balance_micros"],
        start=None if row["start_us"] is None else from_us(row["start_us"]),
        active=bool(row["active"]),
    )


def plan_values(plan: Plan) -> dict[str, Any]:
    """The ``plans`` columns of ``plan`` (without ``id`` and ``created_us``), by name."""
    return {
        "name": plan.name,
        "kind": plan.kind.value,
        "currency": plan.currency,
        "amount_micros": plan.amount_micros,
        "providers": json.dumps(list(plan.providers)),
        "models": json.dumps(list(plan.models)),
        "reset_day": plan.reset_day,
        "timezone": plan.timezone,
        "monthly_token_cap": plan.monthly_token_cap,
        "windows": json.dumps(
            [
                {"hours": w.hours, "max_tokens": w.max_tokens, "max_requests": w.max_requests}
                for w in plan.windows
            ]
        ),
        "thresholds": json.dumps(list(plan.thresholds)),
        "low_balance_micros": plan.low_balance_micros,
        "start_us": None if plan.start is None else to_us(plan.start),
        "active": int(plan.active),
    }


def entry_from_row(row: sqlite3.Row) -> Entry:
    """Build an ``Entry`` from a row of ``SELECT id, <entry columns>``."""
    return Entry(
        id=row["id"],
        at=from_us(row["at_us"]),
        provider=row["provider"],
        model=row["model"],
        tokens=TokenCounts(
            row["input_tokens"],
            row["cache_read_tokens"],
            row["cache_write_5m_tokens"],
            row["cache_write_1h_tokens"],
            row["output_tokens"],
        ),
        cost_micros=row["cost_micros"],
        currency=row["currency"],
        source=row["source"],
        source_ref=row["source_ref"],
        note=row["note"],
        prompt_text=row["prompt_text"],
        plan_id=row["plan_id"],
        requests=row["requests"],
        project=row["project"],
        precedence=row["precedence"],
        uid=row["uid"],
        device=row["device"],
    )


def entry_params(entry: NewEntry) -> tuple[Any, ...]:
    """The values of ``schema.ENTRY_COLUMNS`` for ``entry``, in order."""
    t = entry.tokens
    return (
        to_us(entry.at),
        entry.provider.lower(),
        entry.model,
        t.input_tokens,
        t.cache_read_tokens,
        t.cache_write_5m_tokens,
        t.cache_write_1h_tokens,
        t.output_tokens,
        entry.cost_micros,
        entry.currency,
        entry.source,
        entry.source_ref,
        entry.note,
        entry.plan_id,
        entry.requests,
        entry.prompt_text,
        entry.project,
        entry.precedence,
    )
