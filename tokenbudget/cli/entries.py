"""``log``, ``history``, ``report``, ``import`` and ``export``: the entries of the ledger.

Times are shown in the local time zone (a report's days too); money in each entry's own
currency.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any, TextIO

from tokenbudget.cli.common import (
    EXIT_OK,
    local,
    money_text,
    open_service,
    parse_when,
    table,
    utc_now,
    write_json,
)
from tokenbudget.cli.sources import report_json, run_import_all, write_report
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.services import Service
from tokenbudget.core.types import (
    REPORT_KEYS,
    SOURCE_MANUAL,
    Entry,
    HistoryFilter,
    Money,
    NewEntry,
    ReportRow,
    TokenCounts,
    Totals,
    check_amount,
    check_currency,
    from_micros,
    parse_decimal,
    project_name,
)


def run_log(args: argparse.Namespace, out: TextIO) -> int:
    """Record spend by hand (priced from the catalogue unless ``--cost`` is given)."""
    service = open_service(args)
    info = service.counting.model(args.model) if args.provider is None else None
    if args.provider is not None:  # a custom model: its provider must still be one we know
        provider = service.entries.provider_id(args.provider)
    else:
        provider = info.provider if info else "custom"
    plan_id = service.plans.find(args.plan).id if args.plan else None
    cost = None
    if args.cost is not None:
        if not args.currency:
            raise UserInputError("--cost needs --currency (e.g. --currency USD)")
        amount = check_amount(parse_decimal(args.cost, "cost"), "cost")
        cost = Money(amount, check_currency(args.currency))
    elif args.currency:
        raise UserInputError("--currency goes with --cost")
    at = parse_when(args.at) if args.at else utc_now()
    entry = service.entries.record(
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
    if args.json:
        write_json(entry_json(entry, service.devices.known_id()), out)
        return EXIT_OK
    out.write(
        f"Logged entry {entry.id}: {entry.model}, {entry.tokens.total_tokens:,} tokens, "
        f"{money_text(entry.cost_micros, entry.currency)} at {local(entry.at)}\n"
    )
    return EXIT_OK


def _filter(service: Service, args: argparse.Namespace) -> HistoryFilter:
    """The filter typed, its model and provider names checked ("did you mean")."""
    return service.entries.check_filter(
        HistoryFilter(
            since=parse_when(args.since) if args.since else None,
            until=parse_when(args.until) if args.until else None,
            providers=tuple(getattr(args, "provider", ())),
            models=tuple(getattr(args, "model", ())),
            sources=tuple(getattr(args, "source", ())),
            plan_id=service.plans.find(args.plan).id if getattr(args, "plan", None) else None,
            text=getattr(args, "search", None),
            projects=tuple(service.entries.find_project(p) for p in getattr(args, "project", ())),
            devices=tuple(service.devices.find(d) for d in getattr(args, "device", ())),
        )
    )


def entry_json(e: Entry, this_device: str | None = None) -> dict[str, Any]:
    """An entry as JSON; ``id`` names it the same on every device that shares a sync folder.

    ``device`` is the id of the device that recorded or imported it (``this_device`` for this
    one's own entries; null while this device has no id, having never shared).
    """
    return {
        "id": e.uid or str(e.id),
        "device": e.device or this_device,
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
        "project": e.project,
        "note": e.note,
    }


def run_history(args: argparse.Namespace, out: TextIO) -> int:
    """Recorded entries, newest first, as a table, JSON or CSV."""
    service = open_service(args)
    flt = _filter(service, args)
    if args.csv:
        service.entries.write_csv(out, flt)
        return EXIT_OK
    entries = service.entries.history(flt, limit=args.limit or 50)
    if args.json:
        me = service.devices.known_id()
        write_json([entry_json(e, me) for e in entries], out)
        return EXIT_OK
    totals = service.entries.totals(flt)
    rows = [
        [
            "Time",
            "Provider",
            "Model",
            "Input",
            "Cached",
            "Output",
            "Cost",
            "Source",
            "Project",
            "Note",
        ]
    ]
    for e in entries:
        rows.append(
            [
                local(e.at),
                e.provider,
                e.model,
                f"{e.tokens.prompt_tokens - e.tokens.cache_read_tokens:,}",
                f"{e.tokens.cache_read_tokens:,}",
                f"{e.tokens.output_tokens:,}",
                money_text(e.cost_micros, e.currency),
                e.source,
                project_name(e.project) if e.project else "",
                (e.note or "")[:40],
            ]
        )
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
    return EXIT_OK


CENT = Decimal("0.01")


def run_report(args: argparse.Namespace, out: TextIO) -> int:
    """Spend grouped by project, model, provider or local day, as a table or JSON."""
    if args.by not in REPORT_KEYS:  # before opening the ledger
        raise UserInputError(f"--by takes {', '.join(REPORT_KEYS)}, not '{args.by[:40]}'")
    service = open_service(args)
    report = service.entries.report(args.by, _filter(service, args))
    if args.json:
        write_json([_report_json(row) for row in report.rows], out)
        return EXIT_OK
    if not report.rows:
        out.write("No entries match.\n")
        return EXIT_OK
    header = [args.by.capitalize(), "Entries", "Requests", "Input", "Cache read"]
    header += ["Cache write", "Output", "Cost"]
    paths = args.by == "project"
    rows = [header + (["Path"] if paths else [])]
    for row in report.rows:
        cells = _report_cells(row.label, row.totals)
        rows.append(cells + ([row.key or ""] if paths else []))
    footer = _report_cells("Total", report.totals) + ([""] if paths else [])
    table(rows, set(range(1, 8)), out, footer)
    return EXIT_OK


def _report_cells(label: str, totals: Totals) -> list[str]:
    t = totals.tokens
    return [
        label,
        f"{totals.entries:,}",
        f"{totals.requests:,}",
        f"{t.input_tokens:,}",
        f"{t.cache_read_tokens:,}",
        f"{t.cache_write_5m_tokens + t.cache_write_1h_tokens:,}",
        f"{t.output_tokens:,}",
        _cost_text(totals),
    ]


def _cost_text(totals: Totals) -> str:
    """``$3.50 + ¥7.00``, with the unpriced entries said apart."""
    amounts = [Money(from_micros(v), k) for k, v in sorted(totals.cost_micros.items())]
    # Cents, unless that would show a fraction of a cent as nothing.
    text = " + ".join(m.format(None if 0 < abs(m.amount) < CENT else 2) for m in amounts)
    if totals.unpriced:
        unpriced = f"{totals.unpriced:,} unpriced"
        text = f"{text} (+{unpriced})" if text else unpriced
    return text or "-"


def _report_json(row: ReportRow) -> dict[str, Any]:
    t = row.totals.tokens
    costs = [
        {"cost": str(from_micros(v)), "currency": k}
        for k, v in sorted(row.totals.cost_micros.items())
    ]
    only = costs[0] if len(costs) == 1 else {"cost": None, "currency": None}
    return {
        "key": row.key,
        "label": row.label,
        "entries": row.totals.entries,
        "requests": row.totals.requests,
        "input_tokens": t.input_tokens,
        "cache_read_tokens": t.cache_read_tokens,
        "cache_write_tokens": t.cache_write_5m_tokens + t.cache_write_1h_tokens,
        "output_tokens": t.output_tokens,
        "cost": only["cost"],
        "currency": only["currency"],
        "costs": costs,
        "unpriced": row.totals.unpriced,
    }


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """Import usage from a coding tool's logs or from CSV files."""
    if args.tool is None:
        return run_import_all(args, out)
    service = open_service(args)
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
        report = service.imports.run_csv(
            args.paths,
            mapping,
            default_provider=args.default_provider,
            default_model=args.default_model,
            now=utc_now(),
            rescan=args.rescan,
        )
    else:
        for path in args.paths:
            if not path.exists():
                raise UserInputError(f"{path}: no such file or folder")
        report = service.imports.run(args.tool, args.paths, now=utc_now(), rescan=args.rescan)
    if args.json:
        write_json([report_json(report)], out)
        return EXIT_OK
    write_report(report, out)
    return EXIT_OK


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write the matching entries to a new CSV file (replaced whole, never half-written)."""
    service = open_service(args)
    count = service.entries.export_csv(args.file, _filter(service, args))
    if args.json:
        write_json({"file": str(args.file), "entries": count}, out)
        return EXIT_OK
    out.write(f"Exported {count:,} {'entry' if count == 1 else 'entries'} to {args.file}.\n")
    return EXIT_OK
