"""What a history query asks (``HistoryFilter``) and what sums it gives back (``Totals``).

Plain frozen data, apart from the SQL that answers them (``core.ledger``), so that the user
interfaces can hold them (``core.types``) without loading SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tokenbudget.core.entries import TokenCounts


@dataclass(frozen=True)
class HistoryFilter:
    """What the history view and ``tokenbudget history`` filter on (all optional)."""

    since: datetime | None = None
    until: datetime | None = None
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    plan_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class Totals:
    """Sums over a set of entries; cost per currency (unpriced entries counted apart)."""

    entries: int
    requests: int
    tokens: TokenCounts
    cost_micros: dict[str, int]
    unpriced: int
