"""Arguments of the ledger commands (kept apart so the command line starts fast).

The handlers live in ``tokenbudget.cli_ledger``, which imports the ledger stack (SQLite, time
zones, plans); it is only imported when one of these commands actually runs.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

Handler = Callable[[argparse.Namespace, TextIO], int]
IMPORT_SOURCES = ("claude-code", "codex", "gemini-cli", "csv")


def _non_negative(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be 0 or more (tokens cannot be negative)")
    return value


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


def add_commands(sub: Any, parser_class: type[argparse.ArgumentParser]) -> dict[str, Handler]:
    """Add the ledger subcommands to ``sub``; returns their handlers by command name."""
    plan = sub.add_parser("plan", help="add, list, edit or remove the plans you pay under")
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

    log = sub.add_parser("log", help="record spend by hand")
    log.add_argument("-m", "--model", required=True)
    log.add_argument("--provider", help="provider key (default: from the catalogue)")
    log.add_argument(
        "-i", "--input", type=_non_negative, default=0, help="input tokens (not cached)"
    )
    log.add_argument("-o", "--output", type=_non_negative, default=0, help="output tokens")
    log.add_argument("--cached", type=_non_negative, default=0, help="tokens read from cache")
    log.add_argument("--cache-write", type=_non_negative, default=0, help="tokens written to cache")
    log.add_argument("--requests", type=_non_negative, default=1)
    log.add_argument("--at", help="when (default: now)")
    log.add_argument("--cost", help="the cost, if you know it (default: priced from the catalogue)")
    log.add_argument("--currency", help="currency of --cost")
    log.add_argument("--note")
    log.add_argument("--plan", help="count it toward this plan only")

    status = sub.add_parser("status", help="where every plan stands this period")
    status.add_argument("--json", action="store_true")

    history = sub.add_parser("history", help="recorded entries, newest first")
    history.add_argument("--since")
    history.add_argument("--until")
    history.add_argument("--provider", action="append", default=[])
    history.add_argument("--model", action="append", default=[])
    history.add_argument("--source", action="append", default=[])
    history.add_argument("--plan")
    history.add_argument("--search", help="text in notes and prompt previews")
    history.add_argument("--limit", type=_non_negative, default=50)
    fmt = history.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true", help="every matching entry as CSV")

    imp = sub.add_parser("import", help="import usage from coding tools' logs or a CSV")
    imp.add_argument("tool", choices=IMPORT_SOURCES)
    imp.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: the tool's own)"
    )
    imp.add_argument(
        "--map", action="append", default=[], metavar="FIELD=COLUMN", help="csv: column mapping"
    )
    imp.add_argument("--default-provider", help="csv: provider when there is no such column")
    imp.add_argument("--default-model", help="csv: model when there is no such column")

    export = sub.add_parser("export", help="export entries to CSV (re-importable)")
    export.add_argument("file", type=Path)
    export.add_argument("--since")
    export.add_argument("--until")

    return {
        name: _lazy(f"_cmd_{name}")
        for name in ("plan", "log", "status", "history", "import", "export")
    }


def _lazy(function: str) -> Handler:
    def run(args: argparse.Namespace, out: TextIO) -> int:
        module = importlib.import_module("tokenbudget.cli_ledger")
        result: int = getattr(module, function)(args, out)
        return result

    return run
