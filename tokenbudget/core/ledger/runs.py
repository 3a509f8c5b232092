"""The ``import_runs`` table (what each importer's last run saw) and the totals per source.

One row per importer, replaced at every run: when it ran, how many files it read and records
it wrote, and its problems (the first ``MAX_STORED_PROBLEMS`` of them, with the full count),
so that ``sources`` can say later which lines were skipped and why.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from tokenbudget.core.importers.base import Problem
from tokenbudget.core.ledger.rows import from_us, to_us
from tokenbudget.core.messages import message_from_json, message_json
from tokenbudget.core.money import from_micros

#: Problems kept per run (the count of all of them is kept too).
MAX_STORED_PROBLEMS: Final = 100


@dataclass(frozen=True)
class ImportRun:
    """What one importer's last run saw.

    Attributes:
        importer: The importer's name.
        at: When it ran.
        files_read: Files opened because they were new or had changed.
        records: Entries written (new or updated).
        problem_count: Problems reported (all of them).
        problems: The first ``MAX_STORED_PROBLEMS`` of them.
    """

    importer: str
    at: datetime
    files_read: int
    records: int
    problem_count: int
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class SourceTotals:
    """What the ledger holds from one source.

    Attributes:
        source: The source name.
        entries: Entries.
        tokens: Their tokens, all kinds summed.
        cost: Cost per currency of the priced entries.
        unpriced: Entries without a cost.
    """

    source: str
    entries: int
    tokens: int
    cost: dict[str, Decimal]
    unpriced: int


def store_run(db: sqlite3.Connection, run: ImportRun) -> None:
    """Replace ``run.importer``'s last run (in the caller's transaction)."""
    problems = [_stored(p) for p in run.problems[:MAX_STORED_PROBLEMS]]
    db.execute(
        "INSERT INTO import_runs (importer, at_us, files_read, records, problem_count, problems) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (importer) DO UPDATE SET at_us = excluded.at_us, "
        "files_read = excluded.files_read, records = excluded.records, "
        "problem_count = excluded.problem_count, problems = excluded.problems",
        (
            run.importer,
            to_us(run.at),
            run.files_read,
            run.records,
            run.problem_count,
            json.dumps(problems),
        ),
    )


def read_runs(db: sqlite3.Connection) -> dict[str, ImportRun]:
    """Each importer's last run, by name (a damaged problems column reads as none)."""
    runs: dict[str, ImportRun] = {}
    for name, at_us, files, records, count, raw in db.execute(
        "SELECT importer, at_us, files_read, records, problem_count, problems FROM import_runs"
    ):
        runs[name] = ImportRun(name, from_us(at_us), files, records, count, _problems(raw))
    return runs


def _stored(problem: Problem) -> list[object]:
    """``[path, line, English text]``, plus the message's template and fields when it has them.

    The English text stays third: the command line and ``--json`` print it, and it is what
    shows when the template cannot be rebuilt.
    """
    stored: list[object] = [problem.path, problem.line, problem.message]
    as_json = message_json(problem.message)
    if as_json is not None:
        stored.append(as_json)
    return stored


def _problems(raw: object) -> tuple[Problem, ...]:
    try:
        items = json.loads(str(raw))
    except ValueError:
        return ()
    found = []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, list) and len(item) in (3, 4):
            path, line, message = item[:3]
            if isinstance(path, str) and isinstance(message, str):
                # A row stored before messages had ids is plain English, shown as it is.
                kept = message_from_json(item[3]) if len(item) == 4 else None
                found.append(
                    Problem(path, line if isinstance(line, int) else None, kept or message)
                )
    return tuple(found)


def source_totals(db: sqlite3.Connection) -> dict[str, SourceTotals]:
    """Entries, tokens, cost per currency and unpriced entries for each source."""
    totals: dict[str, SourceTotals] = {}
    for source, currency, entries, tokens, micros, unpriced in db.execute(
        "SELECT source, COALESCE(currency, ''), COUNT(*), "
        "SUM(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens "
        "+ output_tokens), SUM(COALESCE(cost_micros, 0)), SUM(cost_micros IS NULL) "
        "FROM entries GROUP BY source, COALESCE(currency, '')"
    ):
        old = totals.get(source) or SourceTotals(source, 0, 0, {}, 0)
        cost = dict(old.cost)
        if currency and entries > unpriced:
            cost[currency] = cost.get(currency, Decimal(0)) + from_micros(micros)
        totals[source] = SourceTotals(
            source, old.entries + entries, old.tokens + tokens, cost, old.unpriced + unpriced
        )
    return totals
