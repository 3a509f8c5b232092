"""The imports service: usage from coding tools' logs and CSV files into the ledger."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenbudget.core.importers.base import Importer, Problem
    from tokenbudget.core.live_sync import SyncReport, WatchRoot
    from tokenbudget.core.services._parts import Parts


@dataclass(frozen=True)
class ImportReport:
    """What one import did."""

    importer: str
    records: int
    files_read: int
    bytes_read: int
    unpriced: int
    problems: tuple[Problem, ...]


class ImportsService:
    """Incremental, idempotent imports of other tools' usage."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def run(
        self, importer: str | Importer, roots: Sequence[Path] = (), *, now: datetime
    ) -> ImportReport:
        """Import new usage from a coding tool's logs (incremental and idempotent).

        Everything found is written in one transaction together with the importer's state,
        so an import that fails leaves nothing half-done behind. Records are priced from the
        catalogue as of now, unless the file states a cost itself (our own CSV export).
        """
        from tokenbudget.core.import_store import store_import
        from tokenbudget.core.importers import get_importer

        if isinstance(importer, str):
            importer = get_importer(importer)
        if not roots:
            roots = importer.default_roots(os.environ, Path.home())
        ledger = self._parts.ledger
        result = importer.scan(roots, ledger.import_state(importer.name))
        stored = store_import(ledger, self._parts.catalog, importer.name, result, now=now)
        return ImportReport(
            importer.name,
            stored.records,
            result.files_read,
            result.bytes_read,
            stored.unpriced,
            (*result.problems, *stored.problems),
        )

    # -- live sync -------------------------------------------------------------------------

    def watch_roots(self) -> list[WatchRoot]:
        """The importers' default log folders that exist now (for this user)."""
        from tokenbudget.core.live_sync import watch_roots

        return watch_roots(os.environ, Path.home())

    def watch_targets(
        self, roots: Sequence[WatchRoot], now: datetime
    ) -> tuple[list[Path], list[Path]]:
        """The folders and the recently changed log files to watch below ``roots``."""
        from tokenbudget.core.live_sync import watch_targets

        return watch_targets(roots, now)

    def reads(self, importer: str, path: Path) -> bool:
        """Whether ``importer`` reads the file ``path`` (False for an unknown importer)."""
        from tokenbudget.core.live_sync import reads

        return reads(importer, path)

    def sync(
        self, changed: Sequence[Path], roots: Sequence[WatchRoot], *, now: datetime
    ) -> SyncReport:
        """Import what is new in ``changed`` files and folders below ``roots``.

        One transaction per importer; never raises for a failed import (each is one line in
        the report's ``errors``). See ``core.live_sync``.
        """
        from tokenbudget.core.live_sync import sync_with

        return sync_with(
            lambda importer, targets: self.run(importer, targets, now=now), changed, roots
        )
