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
"""

from tokenbudget.core.errors import (
    LedgerBusyError,
    LedgerCorruptError,
    LedgerDamagedError,
    LedgerDiskError,
    LedgerError,
    LedgerInputError,
    LedgerReadOnlyError,
)
from tokenbudget.core.history_filter import HistoryFilter, Totals
from tokenbudget.core.ledger.filters import day_split
from tokenbudget.core.ledger.recovery import RecoveryReport, recover
from tokenbudget.core.ledger.reports import ProviderSums, UsageSums
from tokenbudget.core.ledger.rows import from_us, to_us
from tokenbudget.core.ledger.schema import DAY_US, MIGRATIONS, SCHEMA_VERSION
from tokenbudget.core.ledger.store import Ledger

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
