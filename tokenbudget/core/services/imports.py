"""The imports service: usage from coding tools' logs and CSV files into the ledger."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tokenbudget.core.import_report import ImportReport

if TYPE_CHECKING:
    from tokenbudget.core.entries import NewEntry
    from tokenbudget.core.importers.base import Importer
    from tokenbudget.core.live_sync import SyncReport, WatchRoot
    from tokenbudget.core.services._parts import Parts
    from tokenbudget.core.settings import Setting
    from tokenbudget.core.sources import SourceInfo

#: Called before each tool of ``run_all`` is imported: (tool's name, its index, how many).
Progress = Callable[[str, int, int], None]


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
        from tokenbudget.core.ledger.runs import ImportRun

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

        state = {} if rescan else ledger.import_state(name)
        result = importer.scan(roots, state, sink=sink)
        stored = handed + store_import(ledger, catalog, name, result, now=now)
        if rescan:
            # A record that does not replace the stored entry (a tie under the duplicate
            # rule) leaves its project unset: fill it in.
            ledger.fill_projects(result.records)
        report = ImportReport(
            importer.name,
            stored.records,
            result.files_read,
            result.bytes_read,
            stored.unpriced,
            (*result.problems, *stored.problems),
            roots=tuple(roots),
            seen_before=_read_before(state) or _holds_entries(ledger.source_totals().get(name)),
        )
        ledger.record_run(
            ImportRun(
                name, now, report.files_read, report.records, len(report.problems), report.problems
            )
        )
        return report

    # -- the tools, found or not -------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        """Every coding tool tokenbudget can import (all importers but CSV), found or not.

        Each says where its logs are by default (the tools' env overrides honoured), which
        of those places exist, its last import and the lines that import skipped, what the
        ledger holds from it, and whether live sync watches it.
        """
        from tokenbudget.core.importers import IMPORTERS
        from tokenbudget.core.settings import LIVE_SYNC_OFF
        from tokenbudget.core.sources import describe

        ledger = self._parts.ledger
        return describe(
            IMPORTERS,
            os.environ,
            Path.home(),
            runs=ledger.import_runs(),
            totals=ledger.source_totals(),
            live_sync_off=set(self._off(LIVE_SYNC_OFF)),
        )

    def _off(self, setting: Setting[list[str]]) -> list[str]:
        value: list[str] = self._parts.settings.value(setting)
        return value

    def run_all(
        self, *, now: datetime, progress: Progress | None = None, rescan: bool = False
    ) -> list[tuple[str, ImportReport | None]]:
        """Import every tool whose logs exist; (name, report), None for a tool not found.

        ``rescan`` reads every log again (see ``run``).

        Raises:
            TokenbudgetError: when an import fails (those before it are stored).
        """
        from tokenbudget.core.importers import IMPORTERS
        from tokenbudget.core.paths import can_look_at
        from tokenbudget.core.sources import tool_importers

        tools = tool_importers(IMPORTERS)
        done: list[tuple[str, ImportReport | None]] = []
        for index, importer in enumerate(tools):
            roots = [r for r in importer.default_roots(os.environ, Path.home()) if can_look_at(r)]
            if not roots:
                done.append((importer.name, None))
                continue
            if progress is not None:
                progress(importer.name, index, len(tools))
            done.append((importer.name, self.run(importer, roots, now=now, rescan=rescan)))
        return done

    def set_live_sync(self, name: str, on: bool) -> None:
        """Let live sync watch the tool ``name`` (on) or leave it alone; saved at once.

        Raises:
            UserInputError: for an unknown importer.
            SettingsError: when the settings file cannot be written.
        """
        from tokenbudget.core.importers import get_importer
        from tokenbudget.core.settings import LIVE_SYNC_OFF

        get_importer(name)
        settings = self._parts.settings
        off = [n for n in settings.value(LIVE_SYNC_OFF) if n != name]
        settings.put(LIVE_SYNC_OFF, off if on else [*off, name])
        settings.save()

    # -- live sync -------------------------------------------------------------------------

    def watch_roots(self) -> list[WatchRoot]:
        """The importers' default log folders that exist now (for this user).

        A tool whose live sync is switched off (``set_live_sync``) has none.
        """
        from tokenbudget.core.importers import IMPORTERS
        from tokenbudget.core.live_sync import watch_roots
        from tokenbudget.core.settings import LIVE_SYNC_OFF

        off = set(self._off(LIVE_SYNC_OFF))
        return watch_roots(os.environ, Path.home(), [i for i in IMPORTERS if i.name not in off])

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
        from tokenbudget.core.settings import LIVE_SYNC_OFF

        off = set(self._off(LIVE_SYNC_OFF))
        roots = [root for root in roots if root.importer not in off]
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


def _read_before(state: Mapping[str, object]) -> bool:
    """Whether an importer's stored state remembers any file it read."""
    return any(isinstance(v, Mapping | list) and bool(v) for v in state.values())


def _holds_entries(totals: object) -> bool:
    """Whether a source's totals (``SourceTotals`` or None) count any entry."""
    return bool(getattr(totals, "entries", 0))
