"""CSV: our own export read back exactly, and other tools' CSV through a mapping.

Our export (written by ``csv_export``) has the columns ``EXPORT_COLUMNS``. Reading it back
keeps each row's original ``source`` and ``source_ref`` and its cost, so importing an export
twice, or into the ledger it came from, updates instead of duplicating.
A row without a ``source_ref`` (a manual entry, say) gets one derived from its content, so
re-importing the same file is still idempotent. The ``id`` column is informational: ids
belong to one ledger.

Any other CSV is read with a mapping ``{our field: their column}`` over ``GENERIC_FIELDS``;
``time`` is required and takes ISO 8601 (naive means UTC) or unix seconds (milliseconds from
10^11 up). A missing provider is the default given, else guessed from the model name; a
missing model is the default given. Such rows get the source ``csv`` and, unless a column is
mapped to ``source_ref``, a reference derived from the row's content (identical rows are
numbered, so they stay distinct).

Files are expected in UTF-8 (a BOM is fine). Bad rows are problems with their line number.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final, TextIO

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import TOKEN_FIELDS, NewEntry, TokenCounts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.importers.base import SOURCE_CSV, ImportResult, Problem, ProblemLog
from tokenbudget.core.importers.csv_export import EXPORT_COLUMNS
from tokenbudget.core.importers.scan import Found, Sink, discover, scan_files
from tokenbudget.core.importers.streaming import FileCursor
from tokenbudget.core.importers.values import (
    MAX_COUNT,
    checked_cost,
    guess_provider,
    parse_time,
    usage_entry,
)
from tokenbudget.core.messages import message as msg
from tokenbudget.core.messages import text_of
from tokenbudget.core.money import check_currency, parse_decimal, to_micros

_REQUIRED: Final = ("time_utc", "provider", "model", "input_tokens", "output_tokens")
#: The columns a row's derived reference is made of: its content, not the ``id`` or the
#: ``device`` (informational, and added later: older exports must keep their references).
_REF_COLUMNS: Final = tuple(c for c in EXPORT_COLUMNS[1:] if c != "device")
GENERIC_FIELDS: Final = (
    "time",
    "provider",
    "model",
    *TOKEN_FIELDS,
    "requests",
    "note",
    "source_ref",
)


def read_csv(file: TextIO, name: str = "<csv>") -> tuple[list[NewEntry], list[Problem]]:
    """Read our own export back; ``name`` labels problems."""
    problems: list[Problem] = []
    log = ProblemLog(name, problems)
    records = _read_export(file, log)
    log.close()
    return records, problems


def read_generic_csv(
    file: TextIO,
    mapping: Mapping[str, str],
    *,
    default_provider: str | None = None,
    default_model: str | None = None,
    name: str = "<csv>",
) -> tuple[list[NewEntry], list[Problem]]:
    """Read another tool's CSV through ``mapping`` (``{our field: their column}``).

    Raises:
        UserInputError: if the mapping names an unknown field or lacks ``time``.
    """
    check_mapping(mapping)
    problems: list[Problem] = []
    log = ProblemLog(name, problems)
    records = _read_generic(file, mapping, default_provider, default_model, log)
    log.close()
    return records, problems


def check_mapping(mapping: Mapping[str, str]) -> None:
    """Refuse a mapping that names unknown fields or has no ``time`` column.

    Raises:
        UserInputError: naming the problem.
    """
    unknown = sorted(set(mapping) - set(GENERIC_FIELDS))
    if unknown:
        known = ", ".join(GENERIC_FIELDS)
        raise UserInputError(msg(mt.CSV_UNKNOWN_FIELD, fields=", ".join(unknown), known=known))
    if not mapping.get("time"):
        raise UserInputError(msg(mt.CSV_NEEDS_TIME))


class CsvImporter:
    """Imports CSV files: our export by default, another layout when given a mapping."""

    name = SOURCE_CSV
    per_session = False

    def __init__(
        self,
        mapping: Mapping[str, str] | None = None,
        *,
        default_provider: str | None = None,
        default_model: str | None = None,
    ) -> None:
        if mapping is not None:
            check_mapping(mapping)
        self.mapping = dict(mapping) if mapping is not None else None
        self.default_provider = default_provider
        self.default_model = default_model

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """None: CSV files are chosen by the user."""
        return []

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it (``**/*.csv``)."""
        return path.suffix == ".csv"

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read every new or changed ``*.csv`` under ``roots`` (each file whole)."""
        found = Found(sink)

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
            try:
                if self.mapping is None:
                    records = _read_export(text, log)
                else:
                    records = _read_generic(
                        text, self.mapping, self.default_provider, self.default_model, log
                    )
            except UnicodeDecodeError:
                log.add(None, msg(mt.NOT_UTF8_TEXT))
                records = []
            finally:
                text.detach()
            for record in records:
                found.add(record)
            return fh.seek(0, io.SEEK_END), 0, {}

        paths = discover(roots, ("**/*.csv",))
        return scan_files(paths, roots, state, read, found, appendable=lambda _: False)


# --- reading -------------------------------------------------------------------------------


def _rows(file: TextIO, log: ProblemLog) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (quoted fields may span lines).

    A record the csv module cannot read (a field over its size limit, say) is a problem on
    its line; reading goes on after it.
    """
    reader = csv.reader(file)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            log.add(start, msg(mt.UNREADABLE_CSV, why=str(err)))
            if reader.line_num < start:
                return  # nothing was consumed: going on would not get further
            start = reader.line_num + 1
            continue
        yield start, row
        start = reader.line_num + 1


def _table(
    file: TextIO, log: ProblemLog
) -> tuple[Iterator[tuple[int, list[str]]], dict[str, int]] | None:
    """The header's column positions and the non-blank rows after it; None if empty."""
    rows = _rows(file, log)
    header = next(rows, None)
    if header is None:
        return None
    columns = {name.strip(): index for index, name in enumerate(header[1])}
    filled = ((line, row) for line, row in rows if any(cell.strip() for cell in row))
    return filled, columns


def _read_export(file: TextIO, log: ProblemLog) -> list[NewEntry]:
    table = _table(file, log)
    if table is None:
        return []
    rows, columns = table
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        log.add(1, msg(mt.NOT_AN_EXPORT, columns=", ".join(missing)))
        return []
    refs = _RefMaker()
    records = []
    for line, row in rows:
        try:
            records.append(_export_row(row, columns, refs))
        except (ValueError, UserInputError) as err:
            log.add(line, text_of(err))
    return records


def _export_row(row: list[str], columns: dict[str, int], refs: _RefMaker) -> NewEntry:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    at = parse_time(cell("time_utc"))
    if at is None:
        raise ValueError(msg(mt.CSV_BAD_TIME_UTC, value=cell("time_utc")))
    if not cell("provider") or not cell("model"):
        raise ValueError(msg(mt.CSV_NEEDS_PROVIDER_MODEL))
    cost, currency = cell("cost"), cell("currency")
    cost_micros = to_micros(checked_cost(parse_decimal(cost, "cost"))) if cost else None
    if (cost_micros is None) != (not currency):
        raise ValueError("cost and currency go together")
    values = [cell(name) for name in _REF_COLUMNS]
    source = cell("source") or SOURCE_CSV
    return usage_entry(
        at=at,
        provider=cell("provider"),
        model=cell("model"),
        tokens=_tokens(cell),
        source=source,
        source_ref=cell("source_ref") or refs.make(values),
        note=_raw(row, columns, "note") or None,
        requests=_whole(cell("requests"), "requests", default=1),
        cost_micros=cost_micros,
        currency=check_currency(currency) if currency else None,
    )


def _raw(row: list[str], columns: dict[str, int], name: str) -> str:
    """A cell as written (notes keep their spaces)."""
    index = columns.get(name)
    return row[index] if index is not None and index < len(row) else ""


def _read_generic(
    file: TextIO,
    mapping: Mapping[str, str],
    default_provider: str | None,
    default_model: str | None,
    log: ProblemLog,
) -> list[NewEntry]:
    table = _table(file, log)
    if table is None:
        return []
    rows, columns = table
    missing = [theirs for theirs in mapping.values() if theirs not in columns]
    if missing:
        log.add(1, msg(mt.NO_COLUMNS_IN_HEADER, columns=", ".join(repr(m) for m in missing)))
        return []
    refs = _RefMaker()
    records = []
    for line, row in rows:

        def cell(field: str, row: list[str] = row) -> str:
            theirs = mapping.get(field)
            index = columns[theirs] if theirs else None
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            at = parse_time(cell("time"))
            if at is None:
                raise ValueError(msg(mt.CSV_BAD_TIME, value=cell("time")))
            model = cell("model") or default_model
            if not model:
                raise ValueError(msg(mt.CSV_NO_MODEL))
            provider = cell("provider") or default_provider or guess_provider(model)
            if not provider:
                raise ValueError(msg(mt.CSV_NO_PROVIDER, model=model))
            values = [cell(field) for field in GENERIC_FIELDS]
            records.append(
                usage_entry(
                    at=at,
                    provider=provider,
                    model=model,
                    tokens=_tokens(cell),
                    source=SOURCE_CSV,
                    source_ref=cell("source_ref") or refs.make(values),
                    note=cell("note") or None,
                    requests=_whole(cell("requests"), "requests", default=1),
                )
            )
        except (ValueError, UserInputError) as err:
            log.add(line, text_of(err))
    return records


def _tokens(cell: Callable[[str], str]) -> TokenCounts:
    return TokenCounts(**{name: _whole(cell(name), name) for name in TOKEN_FIELDS})


def _whole(text: str, name: str, default: int = 0) -> int:
    """A whole number from 0 to ``MAX_COUNT`` from a cell; empty is ``default``.

    Thousands separators are allowed.
    """
    if not text:
        return default
    shown = text if len(text) <= 30 else text[:27] + "..."
    cleaned = text.replace(",", "").replace("_", "")
    try:
        value = int(cleaned)
    except ValueError:
        try:
            number = float(cleaned)
        except ValueError:
            raise ValueError(msg(mt.COUNT_NOT_WHOLE, name=name, value=shown)) from None
        if not number.is_integer():
            raise ValueError(msg(mt.COUNT_NOT_WHOLE, name=name, value=shown)) from None
        value = int(number)
    if value < 0:
        raise ValueError(msg(mt.COUNT_NEGATIVE, name=name, value=shown))
    if value > MAX_COUNT:
        raise ValueError(msg(mt.COUNT_TOO_LARGE, name=name, value=shown, most=MAX_COUNT))
    return value


class _RefMaker:
    """Content-derived references; a repeated row gets ``#2``, ``#3`` ..."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def make(self, values: Sequence[str]) -> str:
        digest = hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:20]
        self._seen[digest] += 1
        n = self._seen[digest]
        return f"row:{digest}" if n == 1 else f"row:{digest}#{n}"
