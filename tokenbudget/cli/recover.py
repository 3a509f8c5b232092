"""``ledger recover``: rebuild a damaged ledger from what SQLite can still read.

The damaged file is renamed, never deleted; the report says where it went, what was kept
and how many entries were lost. The ledger is not opened before: opening may be what fails.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from tokenbudget.cli.common import EXIT_OK, utc_now, write_json
from tokenbudget.core.errors import UsageError

#: What the rebuilt tables hold, in the words of the report.
_TABLES = (
    ("plans", "plans"),
    ("entries", "entries"),
    ("import_state", "importer states"),
    ("alerts_sent", "alerts sent"),
)


def run_ledger(args: argparse.Namespace, out: TextIO) -> int:
    """``ledger recover [--json]``."""
    from tokenbudget.core.services import Service

    if args.ledger_command != "recover":
        raise UsageError("ledger needs an action: recover (see 'tokenbudget ledger --help')")
    service = Service()
    try:
        location = service.ledger_location
        report = service.entries.recover_ledger(now=utc_now())
    finally:
        service.close()
    lost = report.entries_lost
    if args.json:
        write_json(
            {
                "ledger": location,
                "backup": str(report.backup),
                "salvaged": dict(report.salvaged),
                "damaged_stretches_skipped": report.skipped,
                "entries_expected": report.entries_expected,
                "entries_lost": lost,
            },
            out,
        )
        return EXIT_OK
    kept = ", ".join(f"{report.salvaged.get(key, 0):,} {words}" for key, words in _TABLES)
    out.write(f"Rebuilt the ledger {location}.\n")
    out.write(f"  the damaged file is kept as {report.backup}\n")
    out.write(f"  kept: {kept}\n")
    out.write(f"  damaged stretches skipped: {report.skipped}\n")
    if lost is None:
        out.write("  entries lost: unknown (the damaged daily totals could not be read)\n")
    else:
        out.write(f"  entries lost: {lost:,}\n")
    out.write(
        "If the window or live sync was running, restart it now: "
        "it still has the damaged file open.\n"
    )
    return EXIT_OK
