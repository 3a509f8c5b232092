"""The ledger commands of ``tokenbudget``: plans, logging, status, history, import, export.

Times are shown in the local time zone; money in each plan's or entry's own currency.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TextIO

from tokenbudget.cli_ledger_args import PLAN_OPTIONS
from tokenbudget.core.entries import SOURCE_MANUAL, Entry, NewEntry, TokenCounts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.ledger import HistoryFilter
from tokenbudget.core.money import Money, check_currency, from_micros, parse_decimal
from tokenbudget.core.plan_input import format_windows, parse_plan
from tokenbudget.core.plans import Plan, PlanKind, PlanStatus
from tokenbudget.core.service import Service

NO_PLANS = "No plans yet. Add one: tokenbudget plan add 'OpenAI API' --kind budget --amount 50\n"


def _now() -> datetime:
    return datetime.now(UTC)


def _local(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def _money(micros: int | None, currency: str | None) -> str:
    if micros is None or currency is None:
        return "unpriced"
    return Money(from_micros(micros), currency).format()


def parse_when(text: str) -> datetime:
    """A date or time as typed (local time unless it names a zone).

    Raises:
        UserInputError: if it is not ISO 8601.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserInputError(
            f"'{text}' is not a date or time like 2026-11-27 or 2026-11-27T14:30"
        ) from None
    return value if value.tzinfo else value.astimezone()


def _service(args: argparse.Namespace) -> Service:
    service = Service()
    service.recover_ledger = not getattr(args, "no_recover", False)
    ledger = service.ledger
    if ledger.recovered_from is not None:
        err: TextIO = getattr(args, "err", None) or sys.stderr
        err.write(
            f"tokenbudget: the ledger was unreadable; it was moved to {ledger.recovered_from} "
            "and a new one started\n"
        )
    return service


def _plan_fields(args: argparse.Namespace) -> dict[str, str]:
    fields = {}
    for option, _ in PLAN_OPTIONS:
        value = getattr(args, option.replace("-", "_"))
        if value is not None:
            fields[option.replace("-", "_")] = value
    return fields


def _cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    service = _service(args)
    ledger = service.ledger
    if args.plan_command == "add":
        fields = {"name": args.name, **_plan_fields(args)}
        stored = service.add_plan(parse_plan(fields), now=_now())
        out.write(f"Added plan {stored.id}: {describe_plan(stored)}\n")
    elif args.plan_command == "edit":
        current = ledger.find_plan(args.name)
        fields = _plan_fields(args)
        if args.rename:
            fields["name"] = args.rename
        updated = ledger.update_plan(parse_plan(fields, base=current))
        out.write(f"Updated plan {updated.id}: {describe_plan(updated)}\n")
    elif args.plan_command == "remove":
        plan = ledger.find_plan(args.name)
        ledger.remove_plan(plan.id)
        out.write(f"Removed plan '{plan.name}'; its entries are kept.\n")
    else:
        plans = ledger.plans()
        if getattr(args, "json", False):
            json.dump([plan_json(p) for p in plans], out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif not plans:
            out.write(NO_PLANS)
        for p in plans if not getattr(args, "json", False) else ():
            out.write(f"{p.id:>3}  {describe_plan(p)}\n")
    return 0


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


def _cmd_log(args: argparse.Namespace, out: TextIO) -> int:
    service = _service(args)
    info = service.catalog.get(args.model) if args.provider is None else None
    provider = args.provider or (info.provider if info else "custom")
    plan_id = service.ledger.find_plan(args.plan).id if args.plan else None
    cost = None
    if args.cost is not None:
        if not args.currency:
            raise UserInputError("--cost needs --currency (e.g. --currency USD)")
        amount = parse_decimal(args.cost, "cost")
        if amount < 0:
            raise UserInputError("cost must be 0 or more")
        cost = Money(amount, check_currency(args.currency))
    elif args.currency:
        raise UserInputError("--currency goes with --cost")
    at = parse_when(args.at) if args.at else _now()
    entry = service.record(
        NewEntry(
            at=at,
            provider=provider,
            model=info.id if info else args.model,
            tokens=TokenCounts(args.input, args.cached, args.cache_write, 0, args.output),
            cost_micros=None,
            currency=None,
            source=SOURCE_MANUAL,
            note=args.note,
            plan_id=plan_id,
            requests=args.requests,
        ),
        cost=cost,
    )
    out.write(
        f"Logged entry {entry.id}: {entry.model}, {entry.tokens.total_tokens:,} tokens, "
        f"{_money(entry.cost_micros, entry.currency)} at {_local(entry.at)}\n"
    )
    return 0


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

    return {
        "plan": st.plan.name,
        "kind": st.plan.kind.value,
        "currency": st.plan.currency,
        "period": {"start": st.period.start.isoformat(), "end": st.period.end.isoformat()},
        "spent": money(st.spent_micros),
        "remaining": money(st.remaining_micros),
        "api_equivalent": money(st.api_equivalent_micros),
        "burn_per_day": money(st.burn_micros_per_day),
        "projected_period_end": money(st.projected_period_micros),
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
            }
            for c in st.caps
        ],
        "crossed_thresholds": list(st.crossed_thresholds),
        "low_balance": st.low_balance,
    }


def _cap_amount(st: PlanStatus, label: str, value: int) -> str:
    if label in ("budget", "balance"):
        return Money(from_micros(value), st.plan.currency).format(2)
    return f"{value:,}"


def _cmd_status(args: argparse.Namespace, out: TextIO) -> int:
    service = _service(args)
    now = _now()
    statuses = service.status(now)
    if args.json:
        json.dump([status_json(s) for s in statuses], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not statuses:
        out.write(NO_PLANS)
        return 0
    for st in statuses:
        cur = st.plan.currency
        out.write(
            f"{st.plan.name} ({st.plan.kind.value}, "
            f"{_local(st.period.start)} to {_local(st.period.end)})\n"
        )
        line = f"  spent {Money(from_micros(st.spent_micros), cur).format(2)}"
        if st.remaining_micros is not None:
            line += f", remaining {Money(from_micros(st.remaining_micros), cur).format(2)}"
        if st.api_equivalent_micros is not None:
            line += (
                f", API-equivalent {Money(from_micros(st.api_equivalent_micros), cur).format(2)}"
            )
        line += f", burn {Money(from_micros(st.burn_micros_per_day), cur).format(2)}/day"
        if st.projected_period_micros is not None:
            line += f", projected {Money(from_micros(st.projected_period_micros), cur).format(2)}"
        out.write(line + "\n")
        out.write(
            f"  tokens: {st.input_tokens:,} in, {st.cache_read_tokens:,} cached, "
            f"{st.cache_write_tokens:,} cache writes, {st.output_tokens:,} out; "
            f"{st.requests:,} requests\n"
        )
        for cap in st.caps:
            used = _cap_amount(st, cap.label, cap.used)
            limit = _cap_amount(st, cap.label, cap.limit)
            parts = [f"  {cap.label:<16} {used} / {limit}  {_pct(cap.basis_points)}"]
            if cap.resets_at:
                parts.append(f"resets in {_until(now, cap.resets_at)}")
            if cap.reached_at:
                parts.append(f"cap reached {_local(cap.reached_at)} at this rate")
            out.write("; ".join(parts) + "\n")
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
            out.write("  " + "; ".join(notes) + "\n")
    return 0


def _filter(service: Service, args: argparse.Namespace) -> HistoryFilter:
    return HistoryFilter(
        since=parse_when(args.since) if args.since else None,
        until=parse_when(args.until) if args.until else None,
        providers=tuple(getattr(args, "provider", ())),
        models=tuple(getattr(args, "model", ())),
        sources=tuple(getattr(args, "source", ())),
        plan_id=service.ledger.find_plan(args.plan).id if getattr(args, "plan", None) else None,
        text=getattr(args, "search", None),
    )


def entry_json(e: Entry) -> dict[str, Any]:
    """An entry as JSON."""
    return {
        "id": e.id,
        "time": e.at.isoformat(),
        "provider": e.provider,
        "model": e.model,
        "input_tokens": e.tokens.input_tokens,
        "cache_read_tokens": e.tokens.cache_read_tokens,
        "cache_write_5m_tokens": e.tokens.cache_write_5m_tokens,
        "cache_write_1h_tokens": e.tokens.cache_write_1h_tokens,
        "output_tokens": e.tokens.output_tokens,
        "requests": e.requests,
        "cost": None if e.cost_micros is None else str(from_micros(e.cost_micros)),
        "currency": e.currency,
        "source": e.source,
        "note": e.note,
    }


def _cmd_history(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core.importers.csv_export import write_csv

    service = _service(args)
    flt = _filter(service, args)
    ledger = service.ledger
    if args.csv:
        write_csv(ledger.iter_entries(flt), out)
        return 0
    entries = ledger.history(flt, limit=args.limit or 50)
    if args.json:
        json.dump([entry_json(e) for e in entries], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    totals = ledger.totals(flt)
    rows = [["Time", "Provider", "Model", "Input", "Cached", "Output", "Cost", "Source", "Note"]]
    for e in entries:
        rows.append(
            [
                _local(e.at),
                e.provider,
                e.model,
                f"{e.tokens.prompt_tokens - e.tokens.cache_read_tokens:,}",
                f"{e.tokens.cache_read_tokens:,}",
                f"{e.tokens.output_tokens:,}",
                _money(e.cost_micros, e.currency),
                e.source,
                (e.note or "")[:40],
            ]
        )
    from tokenbudget.cli import table

    table(rows, {3, 4, 5, 6}, out)
    spent = (
        ", ".join(Money(from_micros(v), k).format(2) for k, v in sorted(totals.cost_micros.items()))
        or "nothing"
    )
    out.write(
        f"\n{len(entries)} of {totals.entries:,} entries shown; total {spent}"
        + (f" (+{totals.unpriced} unpriced)" if totals.unpriced else "")
        + f"; {totals.tokens.total_tokens:,} tokens\n"
    )
    return 0


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core.importers import get_importer
    from tokenbudget.core.importers.csvfiles import CsvImporter

    service = _service(args)
    importer: Any
    if args.tool == "csv":
        if not args.paths:
            raise UserInputError("import csv needs the CSV file(s) to read")
        mapping = None
        if args.map:
            mapping = {}
            for item in args.map:
                field, sep, column = item.partition("=")
                if not sep:
                    raise UserInputError(f"--map takes FIELD=COLUMN, not '{item}'")
                mapping[field.strip()] = column.strip()
        try:
            importer = CsvImporter(
                mapping, default_provider=args.default_provider, default_model=args.default_model
            )
        except ValueError as exc:
            raise UserInputError(str(exc)) from None
    else:
        importer = get_importer(args.tool)
    for path in args.paths:
        if not path.exists():
            raise UserInputError(f"{path}: no such file or folder")
    report = service.import_usage(importer, args.paths, now=_now())
    out.write(
        f"Imported {report.records:,} new or updated entries from {report.importer} "
        f"({report.files_read} files, {report.bytes_read / 1e6:.1f} MB read)"
        + (f"; {report.unpriced} unpriced (model not in the catalogue)" if report.unpriced else "")
        + ".\n"
    )
    if report.problems:
        out.write(f"{len(report.problems)} lines could not be read:\n")
        for problem in report.problems[:20]:
            where = f"{problem.path}:{problem.line}" if problem.line else problem.path
            out.write(f"  {where}: {problem.message}\n")
        if len(report.problems) > 20:
            out.write(f"  ... and {len(report.problems) - 20} more\n")
    return 0


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core.importers.csv_export import write_csv

    service = _service(args)
    flt = _filter(service, args)
    tmp = args.file.with_name(args.file.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            count = write_csv(service.ledger.iter_entries(flt), handle)
        tmp.replace(args.file)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserInputError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    out.write(f"Exported {count:,} entries to {args.file}.\n")
    return 0
