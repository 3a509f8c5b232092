"""Arguments of the ledger commands: plan, log, status, history, report, import, export, ledger.

Their handlers (``tokenbudget.cli.plans`` and ``tokenbudget.cli.entries``) import the ledger
stack (SQLite, time zones, plans); they are imported only when one of these commands runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tokenbudget.cli.common import bounded_int
from tokenbudget.core.types import MAX_REQUESTS, MAX_ROWS, MAX_TOKENS

_PLANS = "tokenbudget.cli.plans"
_ENTRIES = "tokenbudget.cli.entries"

PLAN_OPTIONS = (
    ("kind", "budget, subscription or prepaid"),
    ("amount", "monthly budget, monthly fee, or prepaid balance"),
    ("currency", "ISO currency code (default USD)"),
    ("providers", "providers it covers, comma-separated (default: all)"),
    ("models", "model patterns it covers, e.g. 'claude-*' (default: all)"),
    ("reset-day", "day of the month the period starts (1-31)"),
    ("timezone", "time zone of the period boundaries, e.g. Asia/Shanghai"),
    ("monthly-tokens", "subscription: tokens per month"),
    (
        "windows",
        "subscription: rolling caps, e.g. '5h:tokens=1000000,requests=200; 7d:requests=900'",
    ),
    ("thresholds", "alert thresholds in percent (default 50,80,100)"),
    ("low-balance", "prepaid: warn below this balance"),
    ("start", "prepaid: when the balance was topped up (default: now)"),
)


def add_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add the ledger subcommands to ``sub``, each naming its handler (``handler``)."""
    plan = sub.add_parser("plan", help="add, list, edit or remove the plans you pay under")
    plan.set_defaults(handler=f"{_PLANS}:run_plan")
    actions = plan.add_subparsers(dest="plan_command", metavar="ACTION", parser_class=parser_class)
    add = actions.add_parser("add", help="add a plan")
    add.add_argument("name")
    edit = actions.add_parser("edit", help="change a plan's fields")
    edit.add_argument("name", help="the plan's name or id")
    edit.add_argument("--rename", help="a new name")
    for p in (add, edit):
        for option, text in PLAN_OPTIONS:
            p.add_argument(f"--{option}", help=text)
    listing = actions.add_parser("list", help="list plans")
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="remove a plan (its entries stay)")
    remove.add_argument("name")
    for p in (add, edit, remove):
        p.add_argument("--json", action="store_true", help="print the plan as JSON")

    _add_entry_commands(sub)

    ledger = sub.add_parser("ledger", help="look after the ledger database itself")
    ledger.set_defaults(handler="tokenbudget.cli.recover:run_ledger")
    ledger_actions = ledger.add_subparsers(
        dest="ledger_command", metavar="ACTION", parser_class=parser_class
    )
    recover = ledger_actions.add_parser(
        "recover",
        help="move a damaged ledger aside and rebuild it from what can still be read "
        "(close the window and live sync first)",
        description="Move a damaged ledger aside (it is kept, renamed) and rebuild it from "
        "the plans, entries and importer state that can still be read. Close the tokenbudget "
        "window and stop live sync first: a program that keeps the ledger open would go on "
        "writing to the moved file.",
    )
    recover.add_argument("--json", action="store_true", help="print one JSON object")


def _add_entry_commands(sub: Any) -> None:
    tokens = bounded_int(MAX_TOKENS)
    log = sub.add_parser("log", help="record spend by hand")
    log.set_defaults(handler=f"{_ENTRIES}:run_log")
    log.add_argument("-m", "--model", required=True)
    log.add_argument("--provider", help="provider key (default: from the catalogue)")
    log.add_argument("-i", "--input", type=tokens, default=0, help="input tokens (not cached)")
    log.add_argument("-o", "--output", type=tokens, default=0, help="output tokens")
    log.add_argument("--cached", type=tokens, default=0, help="tokens read from cache")
    log.add_argument("--cache-write", type=tokens, default=0, help="tokens written to cache")
    log.add_argument("--requests", type=bounded_int(MAX_REQUESTS, "requests"), default=1)
    log.add_argument("--at", help="when (default: now)")
    log.add_argument("--cost", help="the cost, if you know it (default: priced from the catalogue)")
    log.add_argument("--currency", help="currency of --cost")
    log.add_argument("--note")
    log.add_argument("--plan", help="count it toward this plan only")
    log.add_argument("--json", action="store_true", help="print the entry recorded as JSON")

    status = sub.add_parser("status", help="where every plan stands this period")
    status.set_defaults(handler=f"{_PLANS}:run_status")
    status.add_argument("--json", action="store_true")

    history = sub.add_parser("history", help="recorded entries, newest first")
    history.set_defaults(handler=f"{_ENTRIES}:run_history")
    _add_filters(history)
    history.add_argument("--limit", type=bounded_int(MAX_ROWS, "rows"), default=50)
    fmt = history.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true", help="every matching entry as CSV")

    report = sub.add_parser(
        "report",
        help="spend grouped by project, model, provider, device or day",
        description="Spend of the matching entries grouped by project, model, provider or "
        "local day: entries, requests, tokens and cost per currency, the largest cost first "
        "(by date for days), and a total. Costs stay in their own currencies; the exchange "
        "rates only order the rows. With --json, a list of objects with key, label, the "
        "token fields, cost (a decimal string) and currency; cost and currency are null when "
        "a group has no price or several currencies (costs lists each).",
    )
    report.set_defaults(handler=f"{_ENTRIES}:run_report")
    report.add_argument(
        "--by",
        default="project",
        metavar="project|model|provider|device|day",
        help="what to group by (default: project; entries without one are '(no project)')",
    )
    _add_filters(report)
    report.add_argument("--json", action="store_true", help="print JSON")

    imp = sub.add_parser(
        "import",
        help="import usage from coding tools' logs or a CSV",
        description="Import new usage from a coding tool's logs (claude-code, codex, "
        "gemini-cli, qwen-code, kimi-cli, opencode, copilot-cli, droid, goose) or from CSV "
        "files (csv). With no tool, import every tool whose logs are found (see `tokenbudget "
        "sources`). Importing again adds only what is new.",
    )
    imp.set_defaults(handler=f"{_ENTRIES}:run_import")
    # No ``choices``: the importers' registry is the one list of names (an unknown name is
    # refused with that list), and the parser stays free of the importers.
    imp.add_argument("tool", nargs="?", help="the tool (default: every tool found)")
    imp.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: the tool's own)"
    )
    # One FIELD=COLUMN per --map, so that the files may come before or after the mappings
    # (``nargs="+"`` would swallow a file given after it).
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="csv: which column holds a field (repeatable: --map time=a --map model=b)",
    )
    imp.add_argument("--default-provider", help="csv: provider when there is no such column")
    imp.add_argument("--default-model", help="csv: model when there is no such column")
    imp.add_argument("--json", action="store_true", help="print what was imported as JSON")
    imp.add_argument(
        "--rescan",
        action="store_true",
        help="forget what was read before and read every log again, so that entries imported "
        "before projects were recorded get theirs; nothing is added twice, but entries you "
        "deleted by hand come back if their logs still exist",
    )

    sources = sub.add_parser(
        "sources",
        help="the coding tools tokenbudget imports: found or not, last import, totals",
        description="Every coding tool tokenbudget can import, found or not: where its logs "
        "are, its last import, the entries, tokens and cost the ledger holds from it, and the "
        "lines its last import skipped (file:line). With --json, a list of objects.",
    )
    sources.set_defaults(handler="tokenbudget.cli.sources:run_sources")
    sources.add_argument("--json", action="store_true", help="print JSON")

    export = sub.add_parser("export", help="export entries to CSV (re-importable)")
    export.set_defaults(handler=f"{_ENTRIES}:run_export")
    export.add_argument("file", type=Path)
    export.add_argument("--since")
    export.add_argument("--until")
    export.add_argument("--project", action="append", default=[], help=_PROJECT_HELP)
    export.add_argument("--json", action="store_true", help="print the count and file as JSON")


_PROJECT_HELP = (
    "only this project: its path, a folder in it, or its short name when no other project "
    "has it (repeatable)"
)


def _add_filters(command: argparse.ArgumentParser) -> None:
    """The filter options that ``history`` and ``report`` share."""
    command.add_argument("--since", help="from this date or time (local unless it names a zone)")
    command.add_argument("--until", help="to this date or time (exclusive)")
    command.add_argument("--provider", action="append", default=[], help="repeatable")
    command.add_argument("--model", action="append", default=[], help="repeatable")
    command.add_argument("--source", action="append", default=[], help="repeatable")
    command.add_argument("--project", action="append", default=[], help=_PROJECT_HELP)
    command.add_argument("--plan", help="only entries that count toward this plan")
    command.add_argument(
        "--device",
        action="append",
        default=[],
        help="entries recorded on this device (a name or id from 'tokenbudget devices')",
    )
    command.add_argument("--search", help="text in notes and prompt previews")


def take_late_paths(args: argparse.Namespace, extras: list[str]) -> list[str]:
    """Give ``import`` the files typed after its options; returns the arguments still unknown.

    ``argparse`` fills a ``nargs="*"`` positional at its first chance, so in
    ``import csv --map time=a FILE`` the paths are already ``[]`` when ``FILE`` comes. Any
    non-option argument left over from ``import`` is one more path.
    """
    if getattr(args, "command", None) != "import" or any(e.startswith("-") for e in extras):
        return extras
    args.paths.extend(Path(e) for e in extras)
    return []
