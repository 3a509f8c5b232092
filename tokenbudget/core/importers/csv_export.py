"""CSV: our own export of ledger entries.

The columns are ``EXPORT_COLUMNS``: one row per ledger entry, times in UTC (ISO 8601 with
``Z``), the cost as an exact decimal with six places (empty when unpriced), and last the name
of the device that recorded it (this device's for its own; the id of a device whose name is
not known). ``csvfiles`` reads it back exactly (by column name: the device is informational,
like the id, and an export made before it was added still reads).
"""

from __future__ import annotations

import csv
import stat
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Protocol, TextIO

from tokenbudget.core.entries import TOKEN_FIELDS, TokenCounts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.history_filter import THIS_DEVICE
from tokenbudget.core.money import from_micros

EXPORT_COLUMNS: Final = (
    "id",
    "time_utc",
    "provider",
    "model",
    *TOKEN_FIELDS,
    "requests",
    "cost",
    "currency",
    "source",
    "source_ref",
    "note",
    "device",
)


class ExportableEntry(Protocol):
    """What ``write_csv`` reads from an entry (``entries.Entry`` has all of it)."""

    @property
    def id(self) -> int: ...  # noqa: D102
    @property
    def at(self) -> datetime: ...  # noqa: D102
    @property
    def provider(self) -> str: ...  # noqa: D102
    @property
    def model(self) -> str: ...  # noqa: D102
    @property
    def tokens(self) -> TokenCounts: ...  # noqa: D102
    @property
    def requests(self) -> int: ...  # noqa: D102
    @property
    def cost_micros(self) -> int | None: ...  # noqa: D102
    @property
    def currency(self) -> str | None: ...  # noqa: D102
    @property
    def source(self) -> str: ...  # noqa: D102
    @property
    def source_ref(self) -> str | None: ...  # noqa: D102
    @property
    def note(self) -> str | None: ...  # noqa: D102
    @property
    def device(self) -> str | None: ...  # noqa: D102


def format_time(at: datetime) -> str:
    """``at`` in UTC as ISO 8601 with ``Z`` (microseconds only when there are some)."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def write_csv(
    entries: Iterable[ExportableEntry],
    file: TextIO,
    device_names: Mapping[str, str] | None = None,
) -> int:
    """Write ``entries`` in our export format; return how many rows were written.

    Open ``file`` with ``newline=""`` (the csv module writes CRLF line ends itself) and UTF-8.
    ``device_names`` names the devices by id, this one under ``THIS_DEVICE``
    (``device_names.device_names``); without it this device's entries have an empty device.
    """
    names = device_names or {}
    writer = csv.writer(file)
    writer.writerow(EXPORT_COLUMNS)
    rows = 0
    for entry in entries:
        device = entry.device or THIS_DEVICE
        tokens = entry.tokens
        cost = "" if entry.cost_micros is None else f"{from_micros(entry.cost_micros):.6f}"
        writer.writerow(
            [
                entry.id,
                format_time(entry.at),
                entry.provider,
                entry.model,
                tokens.input_tokens,
                tokens.cache_read_tokens,
                tokens.cache_write_5m_tokens,
                tokens.cache_write_1h_tokens,
                tokens.output_tokens,
                entry.requests,
                cost,
                entry.currency or "",
                entry.source,
                entry.source_ref or "",
                entry.note or "",
                names.get(device, device),
            ]
        )
        rows += 1
    return rows


def check_target(path: Path) -> None:
    """Refuse an export target that exists and is not a regular file.

    Export writes a temporary file and renames it over the target: over a device (run as
    root, ``export /dev/full`` turned the device into a CSV file), a pipe or a folder that
    would replace it, and writing into it in place could damage a disk.

    Raises:
        UserInputError: for a folder, a device, a pipe or another special file.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UserInputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        what = "a folder"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    elif stat.S_ISFIFO(mode):
        what = "a pipe"
    else:
        what = "a special file"
    raise UserInputError(
        f"{path} is {what}, not a regular file; export writes CSV files only "
        "(to print CSV, use: tokenbudget history --csv)"
    )


def write_csv_file(
    entries: Iterable[ExportableEntry],
    target: Path,
    device_names: Mapping[str, str] | None = None,
) -> int:
    """Write ``entries`` to the CSV file ``target``, replaced whole or not at all.

    The target is checked first (``check_target``); a temporary ``<name>.part`` is written and
    renamed over it, and removed if anything fails. Returns how many entries were written.
    """
    check_target(target)
    part = target.with_name(target.name + ".part")
    try:
        with part.open("w", encoding="utf-8", newline="") as handle:
            count = write_csv(entries, handle, device_names)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return count
