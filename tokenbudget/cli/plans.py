"""``plan`` and ``status``: the plans you pay under and where each stands this period.

Times are shown in the local time zone; money in each plan's own currency. A prepaid plan
has no period end: it shows "since" its top-up (JSON ``period.end`` is null). A
subscription shows its provider's official limits beside our estimates. While there is too
little history, no rate or projection is printed ("too early to project"; JSON
``projection`` is null and ``projection_reason`` says why).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

from tokenbudget.cli.common import EXIT_OK, local, open_service, utc_now, write_json
from tokenbudget.cli.ledger_args import PLAN_OPTIONS
from tokenbudget.core.types import (
    Money,
    Plan,
    PlanKind,
    PlanStatus,
    format_windows,
    from_micros,
    parse_plan,
)

#: What status says, and status --json gives as ``projection_reason``, without enough history.
TOO_EARLY = "too early to project"
TOO_EARLY_REASON = (
    "too early to project: less than a day of the period has passed and fewer than "
    "5 entries over 2 hours"
)

NO_PLANS = "No plans yet. Add one: tokenbudget plan add 'OpenAI API' --kind budget --amount 50\n"


def _plan_fields(args: argparse.Namespace) -> dict[str, str]:
    fields = {}
    for option, _ in PLAN_OPTIONS:
        value = getattr(args, option.replace("-", "_"))
        if value is not None:
            fields[option.replace("-", "_")] = value
    return fields


def run_plan(args: argparse.Namespace, out: TextIO) -> int:
    """``plan add|edit|remove|list``."""
    service = open_service(args)
    plans = service.plans
    if args.plan_command == "add":
        fields = {"name": args.name, **_plan_fields(args)}
        plan = parse_plan(fields)
        service.entries.check_model_patterns(plan.models)
        stored = plans.add(plan, now=utc_now())
        if args.json:
            write_json(plan_json(stored), out)
            return EXIT_OK
        out.write(f"Added plan {stored.id}: {describe_plan(stored)}\n")
    elif args.plan_command == "edit":
        current = plans.find(args.name)
        fields = _plan_fields(args)
        if args.rename:
            fields["name"] = args.rename
        changed = parse_plan(fields, base=current)
        if "models" in fields:
            service.entries.check_model_patterns(changed.models)
        updated = plans.update(changed)
        if args.json:
            write_json(plan_json(updated), out)
            return EXIT_OK
        out.write(f"Updated plan {updated.id}: {describe_plan(updated)}\n")
    elif args.plan_command == "remove":
        plan = plans.find(args.name)
        plans.remove(plan.id)
        if args.json:
            write_json({**plan_json(plan), "removed": True}, out)
            return EXIT_OK
        out.write(f"Removed plan '{plan.name}'; its entries are kept.\n")
    else:
        every = plans.all()
        if getattr(args, "json", False):
            write_json([plan_json(p) for p in every], out)
        elif not every:
            out.write(NO_PLANS)
        for p in every if not getattr(args, "json", False) else ():
            out.write(f"{p.id:>3}  {describe_plan(p)}\n")
    return EXIT_OK


def describe_plan(plan: Plan) -> str:
    """One line about a plan."""
    amount = Money(from_micros(plan.amount_micros), plan.currency).format()
    what = {
        PlanKind.BUDGET: f"budget {amount}/month from day {plan.reset_day}",
        PlanKind.SUBSCRIPTION: f"subscription {amount}/month from day {plan.reset_day}",
        PlanKind.PREPAID: f"prepaid balance {amount}",
    }[plan.kind]
    scope = ", ".join(plan.providers) or "all providers"
    if plan.models:
        scope += f" ({', '.join(plan.models)})"
    caps = []
    if plan.monthly_token_cap:
        caps.append(f"{plan.monthly_token_cap:,} tokens/month")
    if plan.windows:
        caps.append(format_windows(plan.windows))
    extra = f"; caps {'; '.join(caps)}" if caps else ""
    return f"{plan.name}: {what}; {scope}{extra}; {plan.timezone}"


def plan_json(plan: Plan) -> dict[str, Any]:
    """A plan as JSON (money as decimal strings)."""
    return {
        "id": plan.id,
        "name": plan.name,
        "kind": plan.kind.value,
        "currency": plan.currency,
        "amount": str(from_micros(plan.amount_micros)),
        "providers": list(plan.providers),
        "models": list(plan.models),
        "reset_day": plan.reset_day,
        "timezone": plan.timezone,
        "monthly_token_cap": plan.monthly_token_cap,
        "windows": [w.__dict__ for w in plan.windows],
        "thresholds": list(plan.thresholds),
        "low_balance": None
        if plan.low_balance_micros is None
        else str(from_micros(plan.low_balance_micros)),
        "start": plan.start.isoformat() if plan.start else None,
    }


def _pct(basis_points: int) -> str:
    return f"{Decimal(basis_points) / 100:.1f}%"


def _until(now: datetime, at: datetime | None) -> str:
    if at is None:
        return ""
    seconds = int((at - now).total_seconds())
    if seconds <= 0:
        return "now"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    return f"{days}d {hours}h" if days else f"{hours}h {rest // 60}m"


def status_json(st: PlanStatus) -> dict[str, Any]:
    """One plan's status as JSON (money as decimal strings in the plan's currency)."""

    def money(micros: int | None) -> str | None:
        return None if micros is None else str(from_micros(micros))

    prepaid = st.plan.kind is PlanKind.PREPAID
    burn = money(st.burn_micros_per_day) if st.projectable else None
    projection: dict[str, Any] | None = None
    if st.projectable:
        projection = {
            "burn_per_day": burn,
            "period_end": money(st.projected_period_micros),
            "reached_at": _first_projected(st),
        }
    return {
        "plan": st.plan.name,
        "kind": st.plan.kind.value,
        "currency": st.plan.currency,
        "period": {
            "start": st.period.start.isoformat(),
            "end": None if prepaid else st.period.end.isoformat(),
        },
        "spent": money(st.spent_micros),
        "remaining": money(st.remaining_micros),
        "api_equivalent": money(st.api_equivalent_micros),
        "burn_per_day": burn,
        "projected_period_end": money(st.projected_period_micros),
        "projection": projection,
        "projection_reason": None if st.projectable else TOO_EARLY_REASON,
        "tokens": {
            "input": st.input_tokens,
            "cache_read": st.cache_read_tokens,
            "cache_write": st.cache_write_tokens,
            "output": st.output_tokens,
        },
        "requests": st.requests,
        "unpriced_entries": st.unpriced_entries,
        "converted_entries": st.converted_entries,
        "caps": [
            {
                "label": c.label,
                "used": c.used,
                "limit": c.limit,
                "percent": str(Decimal(c.basis_points) / 100),
                "resets_at": c.resets_at.isoformat() if c.resets_at else None,
                "reached_at": c.reached_at.isoformat() if c.reached_at else None,
                "passed": c.reached_at is not None and c.reached_at <= st.now,
            }
            for c in st.caps
        ],
        "crossed_thresholds": list(st.crossed_thresholds),
        "low_balance": st.low_balance,
        "official_limits": [snap.to_json() for snap in st.official_limits],
    }


def _first_projected(st: PlanStatus) -> str | None:
    """The earliest future moment a cap is reached at this rate (ISO), or None."""
    ahead = [c.reached_at for c in st.caps if c.reached_at is not None and c.reached_at > st.now]
    return min(ahead).isoformat() if ahead else None


def _cap_amount(st: PlanStatus, label: str, value: int) -> str:
    if label in ("budget", "balance"):
        return Money(from_micros(value), st.plan.currency).format(2)
    return f"{value:,}"


def _ago(now: datetime, then: datetime) -> str:
    minutes = max(0, int((now - then).total_seconds()) // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} d ago"


def status_lines(st: PlanStatus, now: datetime) -> list[str]:
    """What ``status`` prints for one plan."""
    cur = st.plan.currency

    def fmt(micros: int) -> str:
        return Money(from_micros(micros), cur).format(2)

    if st.plan.kind is PlanKind.PREPAID:
        when = f"since {local(st.period.start)}"
    else:
        when = f"{local(st.period.start)} to {local(st.period.end)}"
    lines = [f"{st.plan.name} ({st.plan.kind.value}, {when})"]
    line = f"  spent {fmt(st.spent_micros)}"
    if st.unpriced_entries:
        line += f" (+{st.unpriced_entries:,} unpriced)"  # never a bare $0 for unpriced use
    if st.plan.kind is PlanKind.PREPAID and st.remaining_micros is not None:
        line += f" of {fmt(st.plan.amount_micros)}, {fmt(st.remaining_micros)} left"
    elif st.remaining_micros is not None:
        line += f", remaining {fmt(st.remaining_micros)}"
    if st.api_equivalent_micros is not None:
        line += f", API-equivalent {fmt(st.api_equivalent_micros)}"
    if not st.projectable:
        line += f"; {TOO_EARLY}"
    else:
        line += f", burn {fmt(st.burn_micros_per_day)}/day"
        if st.projected_period_micros is not None:
            line += f", projected {fmt(st.projected_period_micros)}"
    lines.append(line)
    lines.append(
        f"  tokens: {st.input_tokens:,} in, {st.cache_read_tokens:,} cached, "
        f"{st.cache_write_tokens:,} cache writes, {st.output_tokens:,} out; "
        f"{st.requests:,} requests"
    )
    lines.extend(_official_lines(st, now))
    lines.extend(_cap_lines(st, now))
    notes = []
    if st.unpriced_entries:
        notes.append(f"{st.unpriced_entries} unpriced entries not in the spend")
    if st.converted_entries:
        notes.append(f"{st.converted_entries} entries converted with your exchange rates")
    if st.low_balance:
        notes.append("LOW BALANCE")
    if st.crossed_thresholds:
        notes.append(f"passed {max(st.crossed_thresholds)}%")
    if notes:
        lines.append("  " + "; ".join(notes))
    return lines


def _official_lines(st: PlanStatus, now: datetime) -> list[str]:
    """The provider's own figures, each beside our estimate of the same window."""
    lines = []
    for window in st.official:
        snap = window.snapshot
        name = f"official {snap.window}"
        percent = _pct(window.basis_points)
        reset = "" if snap.resets_at is None else local(snap.resets_at)
        if window.stale:
            text = f"  {name:<16} {percent} before the {reset} reset; stale"
        else:
            text = f"  {name:<16} {percent}"
            if reset:
                text += f"; reset {reset}"
        text += f"; seen {_ago(now, snap.observed_at)} ({snap.source})"
        if window.estimate is not None:
            text += f"; estimated from logs: {_pct(window.estimate.basis_points)}"
        lines.append(text)
    return lines


def _cap_lines(st: PlanStatus, now: datetime) -> list[str]:
    """Our caps: use, reset, and when the cap was passed or is reached at this rate."""
    lines = []
    for cap in st.caps:
        used = _cap_amount(st, cap.label, cap.used)
        limit = _cap_amount(st, cap.label, cap.limit)
        label = "spent" if cap.label == "balance" else cap.label
        parts = [f"  {label:<16} {used} / {limit}  {_pct(cap.basis_points)}"]
        if cap.resets_at:
            parts.append(f"resets in {_until(now, cap.resets_at)}")
        if cap.reached_at and cap.reached_at <= now:
            parts.append(f"cap passed {local(cap.reached_at)}")
        elif cap.reached_at:
            parts.append(f"cap reached {local(cap.reached_at)} at this rate")
        lines.append("; ".join(parts))
    return lines


def run_status(args: argparse.Namespace, out: TextIO) -> int:
    """Where every active plan stands this period."""
    service = open_service(args)
    now = utc_now()
    statuses = service.plans.status(now)
    if args.json:
        write_json([status_json(s) for s in statuses], out)
        return EXIT_OK
    if not statuses:
        out.write(NO_PLANS)
        return EXIT_OK
    for st in statuses:
        out.write("\n".join(status_lines(st, now)) + "\n")
    return EXIT_OK
