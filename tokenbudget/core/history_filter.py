"""What a history query asks (``HistoryFilter``) and what sums it gives back (``Totals``).

Plain frozen data, apart from the SQL that answers them (``core.ledger``), so that the user
interfaces can hold them (``core.types``) without loading SQLite. A spend report
(``Report``: the sums of a filter grouped by project, model, provider or local day) is made
of the same sums, one ``Totals`` per group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from tokenbudget.core.entries import TokenCounts
from tokenbudget.core.errors import UserInputError


@dataclass(frozen=True)
class HistoryFilter:
    """What the history view and ``tokenbudget history`` filter on (all optional).

    ``projects`` are project paths as stored (``projects.project_of``); an entry without a
    project matches no project filter. ``devices`` are the ids of the devices that recorded
    the entries (``THIS_DEVICE`` for this one), when a sync folder is shared.
    """

    since: datetime | None = None
    until: datetime | None = None
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    plan_id: int | None = None
    text: str | None = None
    projects: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()


#: ``HistoryFilter.devices``' name for this device (its entries have no ``device``).
THIS_DEVICE: Final = ""


@dataclass(frozen=True)
class Totals:
    """Sums over a set of entries; cost per currency (unpriced entries counted apart)."""

    entries: int
    requests: int
    tokens: TokenCounts
    cost_micros: dict[str, int]
    unpriced: int


#: What a spend report groups by (``tokenbudget report --by``).
REPORT_KEYS: Final = ("project", "model", "provider", "device", "day")
#: The label of the group of entries that have no project.
NO_PROJECT: Final = "(no project)"


@dataclass(frozen=True)
class ReportRow:
    """One group of a spend report.

    Attributes:
        key: The project path, model id, provider key, device id (``THIS_DEVICE`` for this
            one) or local date (ISO 8601); None for the entries without a project.
        label: What to show for it: a project's short name (its path when another project
            in the report has the same short name), ``NO_PROJECT``, a device's name, or
            ``key``.
        totals: The group's sums.
    """

    key: str | None
    label: str
    totals: Totals


@dataclass(frozen=True)
class Report:
    """A filter's spend grouped by ``by`` (one of ``REPORT_KEYS``).

    Rows are ordered by date for ``day``; otherwise by cost in the display currency, the
    largest first (amounts in a currency without an exchange rate after those, by amount),
    then by label. ``totals`` sums every row.
    """

    by: str
    rows: tuple[ReportRow, ...]
    totals: Totals


def check_report_key(by: str) -> str:
    """``by`` if a report can be grouped by it.

    Raises:
        UserInputError: for anything else (one line naming the choices).
    """
    if by not in REPORT_KEYS:
        raise UserInputError(
            f"a report cannot be grouped by '{by[:40]}' (choose {', '.join(REPORT_KEYS)})"
        )
    return by


def add_totals(parts: Sequence[Totals]) -> Totals:
    """The sums of ``parts`` together."""
    tokens = [0] * 5
    cost: dict[str, int] = {}
    for part in parts:
        t = part.tokens
        for i, value in enumerate(
            (
                t.input_tokens,
                t.cache_read_tokens,
                t.cache_write_5m_tokens,
                t.cache_write_1h_tokens,
                t.output_tokens,
            )
        ):
            tokens[i] += value
        for currency, micros in part.cost_micros.items():
            cost[currency] = cost.get(currency, 0) + micros
    return Totals(
        sum(p.entries for p in parts),
        sum(p.requests for p in parts),
        TokenCounts(*tokens),
        cost,
        sum(p.unpriced for p in parts),
    )
