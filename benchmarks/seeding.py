"""What the ledger benchmarks share: a home folder to seed, and storing entries timed.

Not a benchmark itself.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
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


def use_home(keep: Path | None, prefix: str) -> Path:
    """Point ``TOKENBUDGET_HOME`` at ``keep/home``, or at a new temporary folder.

    Call it before importing tokenbudget, so that the ledger is the benchmark's. With
    ``keep`` (``--keep``), a ledger seeded by an earlier run is reused.

    Returns:
        The work folder (``keep`` or the temporary one), for other files of the run.
    """
    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TOKENBUDGET_HOME"] = str(work / "home")
    return work


def report_seeded(count: int, seconds: float, db_path: Path) -> None:
    """Print how long seeding ``count`` entries took and how large the file became."""
    size_mb = db_path.stat().st_size / 1e6
    print(f"seeded {count:,} entries in {seconds:.1f} s ({size_mb:.0f} MB)")
