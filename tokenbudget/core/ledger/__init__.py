"""The ledger: plans and spend entries in one local SQLite database, behind one boundary.

All of tokenbudget's SQL lives in this package; callers get dataclasses, never a cursor.

* ``schema``: the numbered migrations, the entry columns and the upsert.
* ``connection``: opening, migrating under one exclusive lock, and what each SQLite error
  means (``classify``); only a file that is no database, or a damaged one, is moved aside.
* ``recovery``: rebuilding a damaged ledger from what still reads.
* ``rows``: rows to dataclasses and back. ``filters``: ``HistoryFilter`` as SQL.
* ``text``: the FTS5 trigram index over notes and prompt text.
* ``queries``, ``reports``, ``store``: the ``Ledger`` class (reads, aggregates, writes).

Money is integer micro-units plus an ISO code; times are UTC microseconds since the epoch.
``daily_rollup`` holds exact daily sums per provider, model, plan, currency and source,
kept by triggers; ``daily_totals`` is the same sums without the source (a view).

The names below are imported on first use (PEP 562), so that a small module of the package
(``quick``, for the status line) loads without the store, its reports and filters.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tokenbudget.core.errors import (
    LedgerBusyError,
    LedgerCorruptError,
    LedgerDamagedError,
    LedgerDiskError,
    LedgerError,
    LedgerInputError,
    LedgerReadOnlyError,
)

if TYPE_CHECKING:
    from tokenbudget.core.history_filter import HistoryFilter, Totals
    from tokenbudget.core.ledger.filters import day_split
    from tokenbudget.core.ledger.recovery import RecoveryReport, recover
    from tokenbudget.core.ledger.reports import ProviderSums, UsageSums
    from tokenbudget.core.ledger.rows import from_us, to_us
    from tokenbudget.core.ledger.schema import DAY_US, MIGRATIONS, SCHEMA_VERSION
    from tokenbudget.core.ledger.store import Ledger

#: Where each lazily imported name lives.
_LAZY = {
    "HistoryFilter": "tokenbudget.core.history_filter",
    "Totals": "tokenbudget.core.history_filter",
    "day_split": "tokenbudget.core.ledger.filters",
    "RecoveryReport": "tokenbudget.core.ledger.recovery",
    "recover": "tokenbudget.core.ledger.recovery",
    "ProviderSums": "tokenbudget.core.ledger.reports",
    "UsageSums": "tokenbudget.core.ledger.reports",
    "from_us": "tokenbudget.core.ledger.rows",
    "to_us": "tokenbudget.core.ledger.rows",
    "DAY_US": "tokenbudget.core.ledger.schema",
    "MIGRATIONS": "tokenbudget.core.ledger.schema",
    "SCHEMA_VERSION": "tokenbudget.core.ledger.schema",
    "Ledger": "tokenbudget.core.ledger.store",
}


def __getattr__(name: str) -> Any:
    """The names above, from their modules (kept here once imported)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "DAY_US",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "HistoryFilter",
    "Ledger",
    "LedgerBusyError",
    "LedgerCorruptError",
    "LedgerDamagedError",
    "LedgerDiskError",
    "LedgerError",
    "LedgerInputError",
    "LedgerReadOnlyError",
    "ProviderSums",
    "RecoveryReport",
    "Totals",
    "UsageSums",
    "day_split",
    "from_us",
    "recover",
    "to_us",
]
