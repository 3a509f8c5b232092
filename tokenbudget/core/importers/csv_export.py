"""CSV: our own export of ledger entries.

The columns are ``EXPORT_COLUMNS``: one row per ledger entry, times in UTC (ISO 8601 with
``Z``), the cost as an exact decimal with six places (empty when unpriced). ``csvfiles`` reads
it back exactly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final, Protocol, TextIO

from tokenbudget.core.entries import TOKEN_FIELDS, TokenCounts
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


def format_time(at: datetime) -> str:
    """``at`` in UTC as ISO 8601 with ``Z`` (microseconds only when there are some)."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def write_csv(entries: Iterable[ExportableEntry], file: TextIO) -> int:
    """Write ``entries`` in our export format; return how many rows were written.

    Open ``file`` with ``newline=""`` (the csv module writes CRLF line ends itself) and UTF-8.
    """
    writer = csv.writer(file)
    writer.writerow(EXPORT_COLUMNS)
    rows = 0
    for entry in entries:
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
            ]
        )
        rows += 1
    return rows
