"""``sources`` and ``import`` with no tool: every coding tool tokenbudget reads, at once.

``sources`` lists each tool, found or not: where its logs are, its last import, what the ledger
holds from it and the lines its last import skipped. ``import`` with no tool name imports every
tool whose logs exist, one after the other, and says what each gave.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from tokenbudget.cli.common import EXIT_OK, local, open_service, table, utc_now, write_json
from tokenbudget.core.types import Money, home_short, problem_text, source_json

if TYPE_CHECKING:
    from tokenbudget.core.types import ImportReport, SourceInfo

#: Skipped lines shown per tool (``--json`` has every stored one).
SHOWN_PROBLEMS = 20


def run_sources(args: argparse.Namespace, out: TextIO) -> int:
    """List every coding tool tokenbudget can import, found or not."""
    infos = open_service(args).imports.sources()
    if args.json:
        write_json([source_json(info) for info in infos], out)
        return EXIT_OK
    rows = [["Tool", "Found", "Logs", "Last import", "Entries", "Tokens", "Cost"]]
    for info in infos:
        rows.append(
            [
                info.label + (" *" if info.per_session else ""),
                "yes" if info.is_found else ("unreadable" if info.unreadable else "no"),
                _where(info),
                local(info.last_import) if info.last_import else "never",
                f"{info.entries:,}",
                f"{info.tokens:,}",
                cost_text(info),
            ]
        )
    table(rows, {4, 5}, out)
    if any(info.per_session for info in infos):
        out.write("* logs one total per session: each of its entries is a whole session.\n")
    off = [info.label for info in infos if not info.live_sync]
    if off:
        out.write(f"Live sync is off for: {', '.join(off)}.\n")
    for info in infos:
        if info.problem_count:
            skipped = _plural(info.problem_count, "line or record", "lines or records")
            out.write(f"\n{info.label}: its last import skipped {skipped}:\n")
            _problems(info.problems, info.problem_count, out)
    for info in infos:
        for root in info.unreadable:
            out.write(
                f"\n{info.label}: {home_short(root)} exists but cannot be read "
                "(permission denied); its logs are not imported.\n"
            )
    if not any(info.is_found for info in infos):
        out.write("\nNo coding tool's logs were found in their usual places.\n")
    return EXIT_OK


def run_import_all(args: argparse.Namespace, out: TextIO) -> int:
    """Import every coding tool whose logs exist (``import`` without a tool name)."""
    service = open_service(args)

    def progress(name: str, index: int, count: int) -> None:
        err = getattr(args, "err", None)
        if err is not None and err.isatty():
            err.write(f"importing {name} ({index + 1} of {count})...\n")

    done = service.imports.run_all(now=utc_now(), progress=progress, rescan=args.rescan)
    found = [(name, report) for name, report in done if report is not None]
    if getattr(args, "json", False):
        write_json([report_json(report) for _name, report in found], out)
        return EXIT_OK
    if not found:
        out.write(
            "No coding tool's logs were found in their usual places "
            "(`tokenbudget sources` lists where each is looked for).\n"
        )
        return EXIT_OK
    for _name, report in found:
        write_report(report, out)
    total = sum(report.records for _name, report in found)
    missing = [name for name, report in done if report is None]
    entries = _plural(total, "new or updated entry", "new or updated entries")
    out.write(f"In all: {entries} from {_plural(len(found), 'tool', 'tools')}.")
    out.write(f" Not found: {', '.join(missing)}.\n" if missing else "\n")
    return EXIT_OK


def report_json(report: ImportReport) -> dict[str, Any]:
    """What one import did, as JSON (each skipped line as ``file:line: message``)."""
    return {
        "importer": report.importer,
        "entries": report.records,
        "files_read": report.files_read,
        "bytes_read": report.bytes_read,
        "unpriced": report.unpriced,
        "problems": [problem_text(p) for p in report.problems],
        "roots": [str(r) for r in report.roots],
        "found_nothing": report.found_nothing,
    }


def write_report(report: ImportReport, out: TextIO) -> None:
    """What one import did, and the first lines it could not read."""
    if report.found_nothing and report.roots:
        existing = [r for r in report.roots if r.exists()] or list(report.roots)
        where = ", ".join(home_short(r) for r in existing)
        what = "Nothing new" if report.seen_before else "Nothing found"
        out.write(f"{report.importer}: {what} in {where}.\n")
        return
    entries = _plural(report.records, "new or updated entry", "new or updated entries")
    out.write(
        f"Imported {entries} from {report.importer} "
        f"({_plural(report.files_read, 'file', 'files')}, {report.bytes_read / 1e6:.1f} MB read)"
        + (f"; {report.unpriced} unpriced (model not in the catalogue)" if report.unpriced else "")
        + ".\n"
    )
    if report.problems:
        lines = _plural(len(report.problems), "line or record", "lines or records")
        out.write(f"{lines} could not be read:\n")
        _problems(report.problems, len(report.problems), out)


def _problems(problems: Sequence[Any], count: int, out: TextIO) -> None:
    """The first of ``problems`` (the core's ``Problem``s), ``file:line: message`` each."""
    shown = problems[:SHOWN_PROBLEMS]
    for problem in shown:
        out.write(f"  {problem_text(problem)}\n")
    if count > len(shown):
        out.write(f"  ... and {count - len(shown):,} more\n")


def cost_text(info: SourceInfo) -> str:
    """The cost of a tool's entries per currency, with its unpriced entries (never $0)."""
    parts = [Money(amount, currency).format() for currency, amount in sorted(info.cost.items())]
    if info.unpriced:
        parts.append(f"+{info.unpriced:,} unpriced")
    return ", ".join(parts) if parts else ("-" if not info.entries else "")


def _where(info: SourceInfo) -> str:
    """Where its logs were found, or the first place they are looked for (--json has all)."""
    paths = info.found or info.roots[:1]
    return ", ".join(home_short(p) for p in paths)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"
