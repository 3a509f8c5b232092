"""Storing what an importer found: pricing, one transaction, and a last line of defence.

The importers refuse every value the ledger cannot store, line by line (see
``importers.values``), so a scan's records normally go into the ledger in one transaction
together with the importer's new state (a large scan hands its records over in batches as it
goes, ``store_batch``, so that memory stays flat; the last batch goes with the state). Should
a record still fail there (a value no check foresaw), that must neither lose the other
records nor leave the state unsaved, or every later import would read the same record and
fail the same way. So on such a failure the batch
is stored again in halves, down to the records that fail alone, which are reported as
problems; the state is saved after them.

Failures of the database itself (busy, disk full) are not about a record and are raised: the
import is then retried as a whole next time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry
from tokenbudget.core.importers.base import ImportResult, Problem
from tokenbudget.core.messages import message as msg
from tokenbudget.core.recording import find_model, price_model

if TYPE_CHECKING:
    from tokenbudget.core.catalog import Catalog, ModelInfo
    from tokenbudget.core.ledger import Ledger

#: Errors that one record's values can cause while it is priced or stored.
RECORD_ERRORS: Final = (
    ValueError,
    TypeError,
    ArithmeticError,
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
)


@dataclass(frozen=True)
class Stored:
    """What ``store_import`` wrote.

    Attributes:
        records: Records written (new or updated).
        unpriced: How many of them have no price in the catalogue.
        problems: One per record that could not be stored.
    """

    records: int
    unpriced: int
    problems: tuple[Problem, ...]

    def __add__(self, other: Stored) -> Stored:
        return Stored(
            self.records + other.records,
            self.unpriced + other.unpriced,
            self.problems + other.problems,
        )


class _Pricer:
    """Prices records from the catalogue as of now, one catalogue lookup per model."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._models: dict[str, ModelInfo | None] = {}
        self.unpriced = 0

    def price(self, record: NewEntry) -> NewEntry:
        if record.cost_micros is not None:  # the file stated its cost (our CSV export)
            return record
        if record.model not in self._models:
            self._models[record.model] = find_model(self._catalog, record.model)
        micros, currency = price_model(self._models[record.model], record.tokens)
        self.unpriced += micros is None
        if micros is None:
            return record
        # Built directly: ``dataclasses.replace`` costs twice as much, once per record.
        return NewEntry(
            at=record.at,
            provider=record.provider,
            model=record.model,
            tokens=record.tokens,
            cost_micros=micros,
            currency=currency,
            source=record.source,
            source_ref=record.source_ref,
            note=record.note,
            prompt_text=record.prompt_text,
            plan_id=record.plan_id,
            requests=record.requests,
            project=record.project,
            precedence=record.precedence,
        )

    def each(self, records: Sequence[NewEntry]) -> Iterator[NewEntry]:
        # A generator, so the entries stream into the ledger instead of being copied.
        for record in records:
            yield self.price(record)


def store_import(
    ledger: Ledger, catalog: Catalog, importer: str, result: ImportResult, *, now: datetime
) -> Stored:
    """Price ``result``'s records and store them with the importer's new state and limits.

    Raises:
        LedgerError, sqlite3.Error: when the database itself fails (nothing is written).
    """
    ledger.record_limits(result.limits)
    return _store(
        ledger, catalog, importer, result.records, state=(importer, result.state), now=now
    )


def store_batch(
    ledger: Ledger, catalog: Catalog, importer: str, records: Sequence[NewEntry], *, now: datetime
) -> Stored:
    """Price and store records a scan handed over before it ended (no state yet).

    Should the import stop before its state is stored, the next run reads the same logs
    again and the references keep that from adding anything twice.

    Raises:
        LedgerError, sqlite3.Error: when the database itself fails (nothing is written).
    """
    return _store(ledger, catalog, importer, records, state=None, now=now)


def _store(
    ledger: Ledger,
    catalog: Catalog,
    importer: str,
    records: Sequence[NewEntry],
    *,
    state: tuple[str, dict[str, Any]] | None,
    now: datetime,
) -> Stored:
    pricer = _Pricer(catalog)
    try:
        ledger.add_entries(pricer.each(records), state=state, now=now, want_ids=False)
    except RECORD_ERRORS:
        pass  # a record the importer let through: store what can be stored (module doc)
    else:
        return Stored(len(records), pricer.unpriced, ())
    pricer = _Pricer(catalog)
    problems: list[Problem] = []
    priced: list[NewEntry] = []
    for record in records:
        try:
            priced.append(pricer.price(record))
        except RECORD_ERRORS as exc:
            problems.append(_refused(importer, record, exc))
    problems.extend(_store_halves(ledger, importer, priced))
    if state is not None:
        ledger.add_entries([], state=state, now=now, want_ids=False)
    return Stored(len(records) - len(problems), pricer.unpriced, tuple(problems))


def _store_halves(ledger: Ledger, importer: str, records: Sequence[NewEntry]) -> list[Problem]:
    """Store ``records``, each half in one transaction, down to the ones that fail alone."""
    if not records:
        return []
    try:
        ledger.add_entries(records, want_ids=False)
    except RECORD_ERRORS as exc:
        if len(records) == 1:
            return [_refused(importer, records[0], exc)]
        middle = len(records) // 2
        return _store_halves(ledger, importer, records[:middle]) + _store_halves(
            ledger, importer, records[middle:]
        )
    return []


def _refused(importer: str, record: NewEntry, exc: BaseException) -> Problem:
    why = " ".join(str(exc).split())[:120] or type(exc).__name__
    ref = (record.source_ref or "")[:80].encode("utf-8", "backslashreplace").decode()
    return Problem(f"({importer})", None, msg(mt.RECORD_NOT_STORED, ref=ref, why=why))
