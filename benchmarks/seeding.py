"""Storing generated entries in a ledger the way the benchmarks time it (not a benchmark)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

#: Entries per ``add_entries`` call: large enough that transaction overhead does not show.
BATCH = 50_000


def add_timed(ledger: Any, entries: Iterable[Any]) -> float:
    """Store ``entries`` in batches of ``BATCH``; returns the seconds taken.

    ``entries`` may be a generator: making them is timed too, as a real import would be.
    """
    start = time.perf_counter()
    batch: list[Any] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == BATCH:
            ledger.add_entries(batch, want_ids=False)
            batch = []
    if batch:
        ledger.add_entries(batch, want_ids=False)
    return time.perf_counter() - start
