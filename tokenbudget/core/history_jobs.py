"""The history view's background work: pure functions of immutable input.

Each opens its own connection to the ledger (SQLite connections belong to one thread) and
returns plain data; the view runs them on a worker thread and shows what they return. None
of them touches Qt. The user interfaces get them bound to the ledger as a
``services.HistoryJobs`` (``service.entries.jobs()``), so they never handle the ledger's path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path

from tokenbudget.core.charts_data import SpendSeries, daily_spend, monthly_spend, spend_report
from tokenbudget.core.device_names import device_choices, device_names
from tokenbudget.core.entries import Entry
from tokenbudget.core.history_filter import Report
from tokenbudget.core.history_query import RowMap, build_row_map
from tokenbudget.core.ledger import HistoryFilter, Ledger, Totals
from tokenbudget.core.money import ExchangeRates


@dataclass(frozen=True)
class Choices:
    """What the filter pickers offer.

    ``projects``: every project path an entry names. ``devices``: ``(id, name)`` of this
    device (``THIS_DEVICE``) and then every other device that shares the sync folder, by
    name; empty while no other device is known (``device_names.device_choices``).
    """

    providers: tuple[str, ...]
    models: tuple[str, ...]
    sources: tuple[str, ...]
    plans: tuple[tuple[int, str], ...]
    projects: tuple[str, ...] = ()
    devices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """A filter's rows, totals and the pickers' choices, read together."""

    row_map: RowMap
    totals: Totals
    choices: Choices


@dataclass(frozen=True)
class ChartData:
    """The two charts' series."""

    daily: SpendSeries
    monthly: SpendSeries


def load_snapshot(path: Path, flt: HistoryFilter, device_file: Path | None = None) -> Snapshot:
    """Read ``flt``'s row map, totals and the pickers' choices (on a worker thread).

    ``device_file`` is this device's identity (``paths.device_file()``), for its name among
    the devices; without it the devices are not read.
    """
    with Ledger.open(path, recover=False) as ledger:
        devices: tuple[tuple[str, str], ...] = ()
        if device_file is not None:
            devices = device_choices(device_names(ledger.sync_side(), device_file)[0])
        choices = Choices(
            tuple(ledger.distinct("provider")),
            tuple(ledger.distinct("model")),
            tuple(ledger.distinct("source")),
            tuple((p.id, p.name) for p in ledger.plans()),
            tuple(ledger.projects()),
            devices,
        )
        return Snapshot(build_row_map(ledger, flt), ledger.totals(flt), choices)


def load_charts(
    path: Path,
    flt: HistoryFilter,
    *,
    today: date,
    tz: tzinfo | None,
    rates: ExchangeRates,
    currency: str,
) -> ChartData:
    """Sum the charts' series (on a worker thread)."""
    with Ledger.open(path, recover=False) as ledger:
        return ChartData(
            daily_spend(ledger, flt, today, tz=tz, rates=rates, currency=currency),
            monthly_spend(ledger, flt, today, tz=tz, rates=rates, currency=currency),
        )


def load_report(
    path: Path,
    by: str,
    flt: HistoryFilter,
    *,
    tz: tzinfo | None,
    rates: ExchangeRates,
    currency: str,
) -> Report:
    """``flt``'s spend grouped by ``by`` (``charts_data.spend_report``; on a worker thread)."""
    with Ledger.open(path, recover=False) as ledger:
        return spend_report(ledger, by, flt, tz=tz, rates=rates, currency=currency)


def export_csv_file(
    path: Path,
    flt: HistoryFilter,
    target: Path,
    progress: Callable[[int], None] | None = None,
    *,
    device_file: Path | None = None,
) -> int:
    """Write ``flt``'s entries to ``target`` as our CSV export; returns how many.

    Written to ``target.part`` first and renamed, so a failed export leaves no half file; a
    target that is a folder, a device or a pipe is refused (``csv_export.check_target``).
    ``progress`` is called with the rows written so far, every thousand rows (from the
    worker thread: it must not touch Qt). ``device_file`` is this device's identity, for
    its name in the device column (without it, this device's entries have none).
    """
    from tokenbudget.core.importers.csv_export import write_csv_file

    def counted(entries: Iterator[Entry]) -> Iterator[Entry]:
        for done, entry in enumerate(entries, 1):
            if progress is not None and done % 1000 == 0:
                progress(done)
            yield entry

    with Ledger.open(path, recover=False) as ledger:
        names = device_names(ledger.sync_side(), device_file)[0] if device_file else None
        return write_csv_file(counted(ledger.iter_entries(flt)), target, names)
