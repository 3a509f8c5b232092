"""The imports service: usage from coding tools' logs and CSV files into the ledger."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tokenbudget.core.import_report import ImportReport

if TYPE_CHECKING:
    from tokenbudget.core.entries import NewEntry
    from tokenbudget.core.importers.base import Importer
    from tokenbudget.core.live_sync import SyncReport, WatchRoot
    from tokenbudget.core.services._parts import Parts


class ImportsService:
    """Incremental, idempotent imports of other tools' usage."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def run(
        self,
        importer: str | Importer,
        roots: Sequence[Path] = (),
        *,
        now: datetime,
        rescan: bool = False,
    ) -> ImportReport:
        """Import new usage from a coding tool's logs (incremental and idempotent).

        A large scan stores its records in batches as it goes (memory stays flat); the last
        batch is written in one transaction with the importer's state. An import that fails
        midway has stored no state, so the next run reads the same logs again, and the
        references keep that from adding anything twice. Records are priced from the
        catalogue as of now, unless the file states a cost itself (our own CSV export).

        With ``rescan``, the importer's state is forgotten and every log read again: the
        references keep that from adding anything twice, and an entry stored before it had
        a project gets the one its record names (its other fields follow the duplicate
        rule). An entry deleted by hand comes back while its log exists.
        """
        from tokenbudget.core.import_store import Stored, store_batch, store_import
        from tokenbudget.core.importers import get_importer

        if isinstance(importer, str):
            importer = get_importer(importer)
        if not roots:
            roots = importer.default_roots(os.environ, Path.home())
        ledger = self._parts.ledger
        catalog, name = self._parts.catalog, importer.name
        handed = Stored(0, 0, ())

        def sink(records: list[NewEntry]) -> None:
            nonlocal handed
            handed += store_batch(ledger, catalog, name, records, now=now)
            if rescan:
                ledger.fill_projects(records)

        result = importer.scan(roots, {} if rescan else ledger.import_state(name), sink=sink)
        stored = handed + store_import(ledger, catalog, name, result, now=now)
        if rescan:
            # A record that does not replace the stored entry (a tie under the duplicate
            # rule) leaves its project unset: fill it in.
            ledger.fill_projects(result.records)
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

    def run_csv(
        self,
        paths: Sequence[Path],
        mapping: Mapping[str, str] | None = None,
        *,
        default_provider: str | None = None,
        default_model: str | None = None,
        now: datetime,
        rescan: bool = False,
    ) -> ImportReport:
        """Import CSV files: our own export, or any CSV with ``mapping`` (field -> column).

        ``rescan`` reads files read before again (see ``run``).

        Raises:
            UserInputError: for a mapping that names an unknown field (or misses a needed
                one), for no files, or for a file or folder that does not exist.
        """
        from tokenbudget.core.errors import UserInputError
        from tokenbudget.core.importers.csvfiles import CsvImporter

        if not paths:
            raise UserInputError("import csv needs the CSV file(s) to read")
        try:
            importer = CsvImporter(
                mapping, default_provider=default_provider, default_model=default_model
            )
        except ValueError as exc:
            raise UserInputError(str(exc)) from None
        for path in paths:
            if not path.exists():
                raise UserInputError(f"{path}: no such file or folder")
        return self.run(importer, paths, now=now, rescan=rescan)
