"""What the commands share: exit codes, the parser class, argument types with ranges, tables.

Imports nothing heavy: the parser is built from this on every start.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NoReturn, TextIO

from tokenbudget.core.errors import UsageError, UserInputError
from tokenbudget.core.types import Money, check_moment, from_micros

if TYPE_CHECKING:
    from tokenbudget.core.services import Service

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2

#: A command: takes the parsed arguments and standard output, returns the exit code.
Handler = Callable[[argparse.Namespace, TextIO], int]


class CliParser(argparse.ArgumentParser):
    """An argument parser that raises ``UsageError`` instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of exiting (``argparse`` calls this on bad arguments)."""
        raise UsageError(f"{message} (see '{self.prog} --help')")


def bounded_int(high: int, what: str = "tokens") -> Callable[[str], int]:
    """An argument type: a whole number from 0 to ``high`` (``,`` and ``_`` allowed)."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace(",", "").replace("_", "").strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a whole number") from None
        if value < 0:
            raise argparse.ArgumentTypeError(
                f"'{text}' must be 0 or more ({what} cannot be negative)"
            )
        if value > high:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is more than {high:,} {what}")
        return value

    return parse


def decimal_text(value: Decimal) -> str:
    """``12.5``: an exact number without exponent or trailing zeros."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def money_text(micros: int | None, currency: str | None) -> str:
    """Stored micro-units as money text, or ``unpriced``."""
    if micros is None or currency is None:
        return "unpriced"
    return Money(from_micros(micros), currency).format()


def utc_now() -> datetime:
    """The current moment (UTC)."""
    return datetime.now(UTC)


def local(at: datetime) -> str:
    """A moment in the local time zone, to the minute."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def parse_when(text: str, what: str = "date") -> datetime:
    """A date or time as typed (local time unless it names a zone), 2000 to 2099.

    Raises:
        UserInputError: if it is not ISO 8601 or outside the range ``limits`` allows.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserInputError(
            f"'{text[:40]}' is not a date or time like 2026-11-27 or 2026-11-27T14:30"
        ) from None
    # Check the range before converting: local time of year 1 is year 0 (ValueError).
    check_moment(value if value.tzinfo else value.replace(tzinfo=UTC), what)
    return value if value.tzinfo else value.astimezone()


def open_service(args: argparse.Namespace) -> Service:
    """The service with the ledger open, saying on stderr when the ledger was recovered."""
    from tokenbudget.core.services import Service

    service = Service()
    service.recover_ledger = not getattr(args, "no_recover", False)
    recovered_from = service.entries.open_ledger()
    err: TextIO = getattr(args, "err", None) or sys.stderr
    if recovered_from is not None:
        err.write(
            f"tokenbudget: the ledger was unreadable; it was moved to {recovered_from} "
            "and a new one started\n"
        )
    if getattr(args, "command", None) in SYNC_FIRST:
        _sync_devices(service, err)
    return service


#: Commands that read totals: with a sync folder set, they take in the other devices' spend
#: first (at most every ``SYNC_BEFORE_READING_S`` seconds within one process).
SYNC_FIRST = frozenset({"status", "history", "report", "log"})


def _sync_devices(service: Service, err: TextIO) -> None:
    """Sync with the other devices; a folder that cannot be used is a warning, not a failure."""
    from tokenbudget.core.errors import TokenbudgetError

    try:
        report = service.devices.sync_if_due()
    except (TokenbudgetError, OSError) as exc:
        err.write(f"tokenbudget: could not sync with your other devices: {exc}\n")
        return
    for problem in report.problems if report else ():
        err.write(f"tokenbudget: could not sync with your other devices: {problem}\n")


def width(text: str) -> int:
    """How many terminal columns ``text`` takes: wide (CJK) characters take two."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        for c in text
    )


def table(
    rows: list[list[str]], right: set[int], out: TextIO, footer: list[str] | None = None
) -> None:
    """Write ``rows`` (the first is the header) as aligned columns; ``right`` aligns right.

    Columns are aligned by display width, so Chinese text lines up. A ``footer`` row (a
    total) comes after a rule.
    """
    every = [*rows, footer] if footer is not None else rows
    widths = [max(width(row[i]) for row in every) for i in range(len(rows[0]))]

    def line(row: list[str]) -> str:
        cells = []
        for i, (cell, size) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (size - width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        return "  ".join(cells).rstrip() + "\n"

    rule = "  ".join("-" * w for w in widths) + "\n"
    for n, row in enumerate(rows):
        out.write(line(row))
        if n == 0:
            out.write(rule)
    if footer is not None:
        out.write(rule + line(footer))


def write_json(data: object, out: TextIO) -> None:
    """Write ``data`` as indented JSON and a line break."""
    import json

    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
