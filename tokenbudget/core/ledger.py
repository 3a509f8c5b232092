"""The ledger: plans and spend entries in one local SQLite database.

* WAL journal, ``busy_timeout`` and foreign keys on, so the command line and a running window
  can use the database at the same time; every write is one ``BEGIN IMMEDIATE`` transaction.
* The schema is versioned with ``PRAGMA user_version`` and migrated on open, step by step.
* Money is integer micro-units plus an ISO code; times are UTC microseconds since the epoch.
* A database that cannot be opened as one is never deleted or overwritten: it is moved aside
  to a timestamped backup and a fresh one is started, or, with ``recover=False``, refused.
* Queries return frozen dataclasses.
* ``daily_rollup`` holds exact daily sums per provider, model, plan, currency and source, kept
  by triggers; totals and counts without a text search read it for whole UTC days and the
  entries only for the partial days at the edges of the period. ``daily_totals`` is the same
  sums without the source (a view, for plan status).
* Notes and prompt previews have an FTS5 trigram index (``entries_text``, kept by triggers),
  so a text search is a substring search that does not scan the entries. Where this Python's
  SQLite has no FTS5 (or no trigram tokenizer), searches fall back to ``LIKE``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tokenbudget.core.entries import (
    Entry,
    NewEntry,
    TokenCounts,
    upsert_replaces_sql,
)
from tokenbudget.core.errors import TokenbudgetError, UserInputError
from tokenbudget.core.ledger_text import (
    ensure_text_index,
    fts5_available,
    text_condition,
    text_index_current,
)
from tokenbudget.core.plans import Plan, PlanKind, WindowCap

SCHEMA_VERSION = 4
DAY_US = 86_400_000_000

_ROLLUP_VALUES = (
    "{r}.at_us / 86400000000, {r}.provider, {r}.model, COALESCE({r}.plan_id, 0), "
    "COALESCE({r}.currency, ''), {sign}1, {sign}{r}.requests, {sign}{r}.input_tokens, "
    "{sign}{r}.cache_read_tokens, {sign}({r}.cache_write_5m_tokens + {r}.cache_write_1h_tokens), "
    "{sign}{r}.output_tokens, {sign}COALESCE({r}.cost_micros, 0)"
)
_ROLLUP_UPSERT = (
    "INSERT INTO daily_totals VALUES ({values}) "
    "ON CONFLICT (day, provider, model, plan_key, currency) DO UPDATE SET "
    "entries = entries + excluded.entries, requests = requests + excluded.requests, "
    "input_tokens = input_tokens + excluded.input_tokens, "
    "cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, "
    "cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, "
    "output_tokens = output_tokens + excluded.output_tokens, "
    "cost_micros = cost_micros + excluded.cost_micros;"
)
#: Status sums read these columns straight from the indexes (index-only scans).
_COVERED = (
    "plan_id, model, currency, requests, input_tokens, cache_read_tokens, "
    "cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, cost_micros"
)
_ADD_NEW = _ROLLUP_UPSERT.format(values=_ROLLUP_VALUES.format(r="NEW", sign=""))
_REMOVE_OLD = _ROLLUP_UPSERT.format(values=_ROLLUP_VALUES.format(r="OLD", sign="-"))

#: Schema 4's rollup: by source too, cache writes kept apart (what ``Totals`` needs).
_SUMMED = (
    "entries",
    "requests",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "cost_micros",
)
_ROLLUP4_VALUES = (
    "{r}.at_us / 86400000000, {r}.provider, {r}.model, COALESCE({r}.plan_id, 0), "
    "COALESCE({r}.currency, ''), {r}.source, {sign}1, {sign}{r}.requests, "
    "{sign}{r}.input_tokens, {sign}{r}.cache_read_tokens, {sign}{r}.cache_write_5m_tokens, "
    "{sign}{r}.cache_write_1h_tokens, {sign}{r}.output_tokens, {sign}COALESCE({r}.cost_micros, 0)"
)
_ROLLUP4_UPSERT = (
    "INSERT INTO daily_rollup VALUES ({values}) "
    "ON CONFLICT (day, provider, model, plan_key, currency, source) DO UPDATE SET "
    + ", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMMED)
    + ";"
)
_ADD4_NEW = _ROLLUP4_UPSERT.format(values=_ROLLUP4_VALUES.format(r="NEW", sign=""))
_REMOVE4_OLD = _ROLLUP4_UPSERT.format(values=_ROLLUP4_VALUES.format(r="OLD", sign="-"))
#: An update that changes none of these leaves the sums as they are (a note, say).
_ROLLUP_INPUTS = (
    "at_us, provider, model, plan_id, currency, source, requests, input_tokens, "
    "cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, cost_micros"
)


#: Migration ``n`` takes a database from ``user_version`` n to n + 1.
MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: plans and entries.
    """
    CREATE TABLE plans (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL CHECK (kind IN ('budget', 'subscription', 'prepaid')),
        currency TEXT NOT NULL,
        amount_micros INTEGER NOT NULL CHECK (amount_micros >= 0),
        providers TEXT NOT NULL DEFAULT '[]',
        models TEXT NOT NULL DEFAULT '[]',
        reset_day INTEGER NOT NULL DEFAULT 1 CHECK (reset_day BETWEEN 1 AND 31),
        timezone TEXT NOT NULL DEFAULT 'UTC',
        monthly_token_cap INTEGER,
        windows TEXT NOT NULL DEFAULT '[]',
        thresholds TEXT NOT NULL DEFAULT '[50, 80, 100]',
        low_balance_micros INTEGER,
        start_us INTEGER,
        active INTEGER NOT NULL DEFAULT 1,
        created_us INTEGER NOT NULL
    );
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        at_us INTEGER NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL CHECK (input_tokens >= 0),
        cache_read_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0),
        cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cache_write_5m_tokens >= 0),
        cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cache_write_1h_tokens >= 0),
        output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
        cost_micros INTEGER,
        currency TEXT,
        source TEXT NOT NULL,
        source_ref TEXT,
        note TEXT,
        plan_id INTEGER REFERENCES plans(id) ON DELETE SET NULL
    );
    CREATE INDEX entries_at ON entries(at_us);
    CREATE UNIQUE INDEX entries_source_ref ON entries(source, source_ref)
        WHERE source_ref IS NOT NULL;
    """,
    # 1 -> 2: request counts and prompt text on entries; importer state; alerts sent.
    """
    ALTER TABLE entries ADD COLUMN requests INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE entries ADD COLUMN prompt_text TEXT;
    CREATE INDEX entries_provider_at ON entries(provider, at_us);
    CREATE TABLE import_state (
        importer TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_us INTEGER NOT NULL
    );
    CREATE TABLE alerts_sent (
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        period_start_us INTEGER NOT NULL,
        threshold INTEGER NOT NULL,
        sent_us INTEGER NOT NULL,
        PRIMARY KEY (plan_id, period_start_us, threshold)
    );
    """,
    # 2 -> 3: daily totals per provider, model, plan and currency, kept exact by triggers, so
    # status sums whole days from a few hundred rows instead of a month of entries.
    f"""
    UPDATE entries SET provider = LOWER(provider) WHERE provider <> LOWER(provider);
    CREATE TABLE daily_totals (
        day INTEGER NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        plan_key INTEGER NOT NULL,
        currency TEXT NOT NULL,
        entries INTEGER NOT NULL,
        requests INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_micros INTEGER NOT NULL,
        PRIMARY KEY (day, provider, model, plan_key, currency)
    ) WITHOUT ROWID;
    CREATE TRIGGER entries_rollup_insert AFTER INSERT ON entries BEGIN {_ADD_NEW} END;
    CREATE TRIGGER entries_rollup_delete AFTER DELETE ON entries BEGIN {_REMOVE_OLD} END;
    CREATE TRIGGER entries_rollup_update AFTER UPDATE ON entries BEGIN
        {_REMOVE_OLD} {_ADD_NEW}
    END;
    DROP INDEX entries_at;
    DROP INDEX entries_provider_at;
    CREATE INDEX entries_at_cover ON entries(at_us, {_COVERED});
    CREATE INDEX entries_provider_cover ON entries(provider, at_us, {_COVERED});
    CREATE INDEX entries_plan_at ON entries(plan_id, at_us) WHERE plan_id IS NOT NULL;
    INSERT INTO daily_totals
        SELECT at_us / 86400000000, provider, model, COALESCE(plan_id, 0),
               COALESCE(currency, ''), COUNT(*), SUM(requests), SUM(input_tokens),
               SUM(cache_read_tokens), SUM(cache_write_5m_tokens + cache_write_1h_tokens),
               SUM(output_tokens), SUM(COALESCE(cost_micros, 0))
        FROM entries GROUP BY 1, 2, 3, 4, 5;
    """,
    # 3 -> 4: the rollup by source too, with both kinds of cache write, so history totals
    # and counts for any filter but a text search come from it. ``daily_totals`` keeps its
    # columns as a view (plan status reads it). The text index comes with schema 4 but is
    # no numbered step: it needs FTS5, which not every SQLite has (``ledger_text``).
    f"""
    DROP TRIGGER entries_rollup_insert;
    DROP TRIGGER entries_rollup_delete;
    DROP TRIGGER entries_rollup_update;
    DROP TABLE daily_totals;
    CREATE TABLE daily_rollup (
        day INTEGER NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        plan_key INTEGER NOT NULL,
        currency TEXT NOT NULL,
        source TEXT NOT NULL,
        {", ".join(f"{c} INTEGER NOT NULL" for c in _SUMMED)},
        PRIMARY KEY (day, provider, model, plan_key, currency, source)
    ) WITHOUT ROWID;
    INSERT INTO daily_rollup
        SELECT at_us / 86400000000, provider, model, COALESCE(plan_id, 0),
               COALESCE(currency, ''), source, COUNT(*), SUM(requests), SUM(input_tokens),
               SUM(cache_read_tokens), SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens),
               SUM(output_tokens), SUM(COALESCE(cost_micros, 0))
        FROM entries GROUP BY 1, 2, 3, 4, 5, 6;
    CREATE VIEW daily_totals AS
        SELECT day, provider, model, plan_key, currency, SUM(entries) AS entries,
               SUM(requests) AS requests, SUM(input_tokens) AS input_tokens,
               SUM(cache_read_tokens) AS cache_read_tokens,
               SUM(cache_write_5m_tokens + cache_write_1h_tokens) AS cache_write_tokens,
               SUM(output_tokens) AS output_tokens, SUM(cost_micros) AS cost_micros
        FROM daily_rollup GROUP BY day, provider, model, plan_key, currency;
    CREATE TRIGGER entries_rollup_insert AFTER INSERT ON entries BEGIN {_ADD4_NEW} END;
    CREATE TRIGGER entries_rollup_delete AFTER DELETE ON entries BEGIN {_REMOVE4_OLD} END;
    CREATE TRIGGER entries_rollup_update AFTER UPDATE OF {_ROLLUP_INPUTS} ON entries BEGIN
        {_REMOVE4_OLD} {_ADD4_NEW}
    END;
    """,
)

_ENTRY_COLUMNS = (
    "at_us, provider, model, input_tokens, cache_read_tokens, cache_write_5m_tokens, "
    "cache_write_1h_tokens, output_tokens, cost_micros, currency, source, source_ref, note, "
    "plan_id, requests, prompt_text"
)
#: Every column ``entry_from_row`` reads; add ``WHERE``/``ORDER BY`` to it.
ENTRY_SELECT = f"SELECT id, {_ENTRY_COLUMNS} FROM entries"
_TOKEN_COLUMNS = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
)


#: Re-recording a (source, source_ref) follows the one rule, ``entries.DUPLICATE_WINNERS``.
_UPSERT = (
    f"INSERT INTO entries ({_ENTRY_COLUMNS}) VALUES ({', '.join('?' * 16)}) "
    "ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO UPDATE SET "
    "at_us = excluded.at_us, provider = excluded.provider, model = excluded.model, "
    + ", ".join(f"{c} = excluded.{c}" for c in _TOKEN_COLUMNS)
    + ", cost_micros = excluded.cost_micros, currency = excluded.currency, "
    "note = COALESCE(excluded.note, entries.note), requests = excluded.requests "
    f"WHERE {upsert_replaces_sql()}"
)


class LedgerError(TokenbudgetError):
    """The ledger database could not be used (message says why, on one line)."""


class LedgerInputError(LedgerError, UserInputError):
    """A plan name that is taken, or a plan or entry that does not exist (user-fixable)."""


class LedgerCorruptError(LedgerError):
    """The database file is not a usable SQLite database (and was left untouched)."""


def to_us(at: datetime) -> int:
    """UTC microseconds since the epoch of an aware datetime."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    delta = at.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_us(us: int) -> datetime:
    """Aware UTC datetime of microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True)
class HistoryFilter:
    """What the history view and ``tokenbudget history`` filter on (all optional)."""

    since: datetime | None = None
    until: datetime | None = None
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    plan_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class Totals:
    """Sums over a set of entries; cost per currency (unpriced entries counted apart)."""

    entries: int
    requests: int
    tokens: TokenCounts
    cost_micros: dict[str, int]
    unpriced: int


def _plan_from_row(row: sqlite3.Row) -> Plan:
    return Plan(
        id=row["id"],
        name=row["name"],
        kind=PlanKind(row["kind"]),
        currency=row["currency"],
        amount_micros=row["amount_micros"],
        providers=tuple(json.loads(row["providers"])),
        models=tuple(json.loads(row["models"])),
        reset_day=row["reset_day"],
        timezone=row["timezone"],
        monthly_token_cap=row["monthly_token_cap"],
        windows=tuple(WindowCap(**w) for w in json.loads(row["windows"])),
        thresholds=tuple(json.loads(row["thresholds"])),
        low_balance_micros=row["low_balance_micros"],
        start=None if row["start_us"] is None else from_us(row["start_us"]),
        active=bool(row["active"]),
    )


def _plan_values(plan: Plan) -> dict[str, Any]:
    return {
        "name": plan.name,
        "kind": plan.kind.value,
        "currency": plan.currency,
        "amount_micros": plan.amount_micros,
        "providers": json.dumps(list(plan.providers)),
        "models": json.dumps(list(plan.models)),
        "reset_day": plan.reset_day,
        "timezone": plan.timezone,
        "monthly_token_cap": plan.monthly_token_cap,
        "windows": json.dumps(
            [
                {"hours": w.hours, "max_tokens": w.max_tokens, "max_requests": w.max_requests}
                for w in plan.windows
            ]
        ),
        "thresholds": json.dumps(list(plan.thresholds)),
        "low_balance_micros": plan.low_balance_micros,
        "start_us": None if plan.start is None else to_us(plan.start),
        "active": int(plan.active),
    }


def entry_from_row(row: sqlite3.Row) -> Entry:
    """Build an ``Entry`` from a row of ``SELECT id, <entry columns>``."""
    return Entry(
        id=row["id"],
        at=from_us(row["at_us"]),
        provider=row["provider"],
        model=row["model"],
        tokens=TokenCounts(
            row["input_tokens"],
            row["cache_read_tokens"],
            row["cache_write_5m_tokens"],
            row["cache_write_1h_tokens"],
            row["output_tokens"],
        ),
        cost_micros=row["cost_micros"],
        currency=row["currency"],
        source=row["source"],
        source_ref=row["source_ref"],
        note=row["note"],
        prompt_text=row["prompt_text"],
        plan_id=row["plan_id"],
        requests=row["requests"],
    )


def _entry_params(entry: NewEntry) -> tuple[Any, ...]:
    t = entry.tokens
    return (
        to_us(entry.at),
        entry.provider.lower(),
        entry.model,
        t.input_tokens,
        t.cache_read_tokens,
        t.cache_write_5m_tokens,
        t.cache_write_1h_tokens,
        t.output_tokens,
        entry.cost_micros,
        entry.currency,
        entry.source,
        entry.source_ref,
        entry.note,
        entry.plan_id,
        entry.requests,
        entry.prompt_text,
    )


class Ledger:
    """One open ledger database. Not shared between threads: open one per thread."""

    def __init__(
        self, connection: sqlite3.Connection, path: Path, recovered_from: Path | None
    ) -> None:
        self._db = connection
        self.path = path
        #: Whether text searches use the FTS5 index (else ``LIKE`` over the entries).
        self.text_index = fts5_available(connection) and text_index_current(connection)
        #: Where a corrupt database was moved to when this one was started fresh, if it was.
        self.recovered_from = recovered_from

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, recover: bool = True, now: datetime | None = None) -> Ledger:
        """Open (creating and migrating as needed) the ledger at ``path``.

        Raises:
            LedgerCorruptError: when the file is not a usable database and ``recover`` is
                False (the file is left exactly as it was).
            LedgerError: when the file cannot be opened for another reason.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return cls(_connect(path), path, None)
        except LedgerCorruptError as exc:
            if not recover:
                raise
            backup = _move_aside(path, now or datetime.now(UTC))
            try:
                connection = _connect(path)
            except LedgerCorruptError:
                raise LedgerError(f"cannot start a fresh ledger at {path}: {exc}") from exc
            return cls(connection, path, backup)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The database's ``user_version``."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: all of it is committed, or none of it."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LedgerError(f"the ledger is busy: {exc}") from exc
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- plans ---------------------------------------------------------------------------

    def add_plan(self, plan: Plan, *, now: datetime) -> Plan:
        """Store a new plan; returns it with its id.

        Raises:
            LedgerError: if a plan of that name exists.
        """
        values = _plan_values(plan)
        values["created_us"] = to_us(now)
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        try:
            with self._write() as db:
                cursor = db.execute(f"INSERT INTO plans ({columns}) VALUES ({marks})", values)
        except sqlite3.IntegrityError:
            raise LedgerInputError(f"a plan named '{plan.name}' already exists") from None
        return self.plan(int(cursor.lastrowid or 0))

    def update_plan(self, plan: Plan) -> Plan:
        """Replace a stored plan's fields (by id).

        Raises:
            LedgerError: for an unknown id or a name clash.
        """
        values = _plan_values(plan)
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        values["id"] = plan.id
        try:
            with self._write() as db:
                cursor = db.execute(f"UPDATE plans SET {assignments} WHERE id = :id", values)
        except sqlite3.IntegrityError:
            raise LedgerInputError(f"a plan named '{plan.name}' already exists") from None
        if cursor.rowcount == 0:
            raise LedgerInputError(f"no plan with id {plan.id}")
        return self.plan(plan.id)

    def remove_plan(self, plan_id: int) -> None:
        """Delete a plan; its entries stay (unassigned).

        Raises:
            LedgerError: for an unknown id.
        """
        with self._write() as db:
            cursor = db.execute("DELETE FROM plans WHERE id = ?", (plan_id,))
        if cursor.rowcount == 0:
            raise LedgerInputError(f"no plan with id {plan_id}")

    def plan(self, plan_id: int) -> Plan:
        """The plan with ``plan_id``.

        Raises:
            LedgerError: for an unknown id.
        """
        row = self._db.execute("SELECT * FROM plans WHERE id = ?", (plan_id,)).fetchone()
        if row is None:
            raise LedgerInputError(f"no plan with id {plan_id}")
        return _plan_from_row(row)

    def plans(self, *, active_only: bool = False) -> list[Plan]:
        """Every plan, by name."""
        where = "WHERE active = 1" if active_only else ""
        rows = self._db.execute(f"SELECT * FROM plans {where} ORDER BY name COLLATE NOCASE")
        return [_plan_from_row(r) for r in rows]

    def find_plan(self, name_or_id: str) -> Plan:
        """A plan by exact name (case-insensitive) or numeric id.

        Raises:
            LedgerError: if there is none.
        """
        if name_or_id.isdigit():
            return self.plan(int(name_or_id))
        row = self._db.execute(
            "SELECT * FROM plans WHERE name = ? COLLATE NOCASE", (name_or_id,)
        ).fetchone()
        if row is None:
            names = ", ".join(p.name for p in self.plans()) or "none yet"
            raise LedgerInputError(f"no plan named '{name_or_id}' (plans: {names})")
        return _plan_from_row(row)

    # -- entries -------------------------------------------------------------------------

    def add_entry(self, entry: NewEntry) -> Entry:
        """Record one entry; returns it with its id (an upsert when it has a source_ref)."""
        ids = self.add_entries([entry])
        return self.entry(ids[0])

    def add_entries(
        self,
        entries: Iterable[NewEntry],
        *,
        state: tuple[str, dict[str, Any]] | None = None,
        now: datetime | None = None,
        want_ids: bool = True,
    ) -> list[int]:
        """Record many entries (and optionally an importer's state) in one transaction.

        An entry whose ``(source, source_ref)`` is already recorded replaces the stored one
        by the rule of ``entries.DUPLICATE_WINNERS`` (see ``_UPSERT``): importing twice adds
        nothing.

        Returns:
            The ids of the stored rows, in order (empty when ``want_ids`` is False, which
            lets a bulk import use one ``executemany``).
        """
        ids: list[int] = []
        with self._write() as db:
            if not want_ids:
                db.executemany(_UPSERT, (_entry_params(e) for e in entries))
            for entry in entries if want_ids else ():
                row = db.execute(_UPSERT + " RETURNING id", _entry_params(entry)).fetchone()
                if row is None:  # a conflict that kept the stored row
                    row = db.execute(
                        "SELECT id FROM entries WHERE source = ? AND source_ref = ?",
                        (entry.source, entry.source_ref),
                    ).fetchone()
                ids.append(int(row[0]))
            if state is not None:
                importer, value = state
                db.execute(
                    "INSERT INTO import_state (importer, state, updated_us) VALUES (?, ?, ?) "
                    "ON CONFLICT (importer) DO UPDATE SET state = excluded.state, "
                    "updated_us = excluded.updated_us",
                    (importer, json.dumps(value), to_us(now or datetime.now(UTC))),
                )
        return ids

    def entry(self, entry_id: int) -> Entry:
        """The entry with ``entry_id``.

        Raises:
            LedgerError: for an unknown id.
        """
        row = self._db.execute(
            f"SELECT id, {_ENTRY_COLUMNS} FROM entries WHERE id = ?",
            (entry_id,),
        ).fetchone()
        if row is None:
            raise LedgerInputError(f"no entry with id {entry_id}")
        return entry_from_row(row)

    def update_entry(self, entry: Entry) -> Entry:
        """Replace a stored entry's fields (by id).

        Raises:
            LedgerInputError: for an unknown id, or a source reference another entry has.
        """
        assignments = ", ".join(f"{c.strip()} = ?" for c in _ENTRY_COLUMNS.split(","))
        try:
            with self._write() as db:
                cursor = db.execute(
                    f"UPDATE entries SET {assignments} WHERE id = ?",
                    (*_entry_params(entry), entry.id),
                )
        except sqlite3.IntegrityError as exc:
            why = (
                f"plan {entry.plan_id} does not exist"
                if "FOREIGN KEY" in str(exc)
                else "another entry has its source reference"
            )
            raise LedgerInputError(f"entry {entry.id} cannot be changed so: {why}") from None
        if cursor.rowcount == 0:
            raise LedgerInputError(f"no entry with id {entry.id}")
        return self.entry(entry.id)

    def delete_entries(self, entry_ids: Sequence[int]) -> list[Entry]:
        """Delete entries; returns what was deleted (so it can be restored: undo)."""
        removed = [self.entry(i) for i in entry_ids]
        with self._write() as db:
            db.executemany("DELETE FROM entries WHERE id = ?", [(i,) for i in entry_ids])
        return removed

    def restore_entries(self, entries: Sequence[Entry]) -> None:
        """Put deleted entries back with their original ids (all of them, or none).

        An entry whose plan was removed meanwhile comes back unassigned, as it would be had
        it stayed (plans are removed with ``ON DELETE SET NULL``).

        Raises:
            LedgerInputError: if an entry recorded since took one of their ids or source
                references.
        """
        try:
            with self._write() as db:
                plans = {r[0] for r in db.execute("SELECT id FROM plans")}
                db.executemany(
                    f"INSERT INTO entries (id, {_ENTRY_COLUMNS}) VALUES ({', '.join('?' * 17)})",
                    [
                        (
                            e.id,
                            *_entry_params(e if e.plan_id in plans else replace(e, plan_id=None)),
                        )
                        for e in entries
                    ],
                )
        except sqlite3.IntegrityError:
            raise LedgerInputError(
                "the entries cannot be put back: an entry recorded since has the id or "
                "source reference of one of them"
            ) from None

    # -- filters ---------------------------------------------------------------------------

    def _conditions(
        self, flt: HistoryFilter, *, period: bool, rollup: bool
    ) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if period and flt.since is not None:
            clauses.append("at_us >= ?")
            params.append(to_us(flt.since))
        if period and flt.until is not None:
            clauses.append("at_us < ?")
            params.append(to_us(flt.until))
        for column, values in (
            ("provider", flt.providers),
            ("model", flt.models),
            ("source", flt.sources),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if flt.plan_id is not None:
            clause, plan_params = plan_clause(self.plan(flt.plan_id), rollup=rollup)
            clauses.append(clause)
            params.extend(plan_params)
        if flt.text and not rollup:
            clause, text_params = text_condition(self._db, flt.text, indexed=self.text_index)
            clauses.append(clause)
            params.extend(text_params)
        return clauses, params

    def _where(self, flt: HistoryFilter) -> tuple[str, list[Any]]:
        clauses, params = self._conditions(flt, period=True, rollup=False)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def filter_sql(self, flt: HistoryFilter, *, period: bool = True) -> tuple[str, list[Any]]:
        """The condition on ``entries`` for ``flt`` (``1`` when it keeps everything).

        Args:
            flt: The filter.
            period: False to leave out ``since`` and ``until`` (the caller bounds ``at_us``).
        """
        clauses, params = self._conditions(flt, period=period, rollup=False)
        return " AND ".join(clauses) or "1", params

    def rollup_filter_sql(self, flt: HistoryFilter) -> tuple[str, list[Any]] | None:
        """The condition on ``daily_rollup`` for ``flt`` without its period.

        None when the rollup cannot answer (a text search).
        """
        if flt.text:
            return None
        clauses, params = self._conditions(flt, period=False, rollup=True)
        return " AND ".join(clauses) or "1", params

    def _pieces(
        self, flt: HistoryFilter
    ) -> tuple[tuple[str, list[Any]] | None, list[tuple[str, list[Any]]]]:
        """Where ``flt``'s rows are: a rollup condition for whole days, and entry conditions.

        Returns ``(rollup, entries)``: ``rollup`` is None when no whole day can come from the
        rollup; each of ``entries`` is a condition on ``entries`` for a part read directly.
        """
        rollup = self.rollup_filter_sql(flt)
        since = None if flt.since is None else to_us(flt.since)
        until = None if flt.until is None else to_us(flt.until)
        days, pieces = day_split(since, until) if rollup is not None else (None, [])
        if rollup is None or days is None:
            return None, [self.filter_sql(flt)]
        condition, params = rollup
        first, end = days
        day_clause = "day >= ?" + ("" if end is None else " AND day < ?")
        day_params = [first] if end is None else [first, end]
        bare, bare_params = self.filter_sql(flt, period=False)
        parts = []
        for low, high in pieces:
            bounds = [("at_us >= ?", low), ("at_us < ?", high)]
            clauses = [c for c, v in bounds if v is not None]
            values = [v for _, v in bounds if v is not None]
            parts.append((" AND ".join([*clauses, bare]), [*values, *bare_params]))
        return (f"{day_clause} AND {condition}", [*day_params, *params]), parts

    def history(
        self,
        flt: HistoryFilter = HistoryFilter(),
        *,
        limit: int = 200,
        before: tuple[int, int] | None = None,
    ) -> list[Entry]:
        """Entries matching ``flt``, newest first, a page at a time.

        Args:
            flt: The filter.
            limit: Page size.
            before: Keyset cursor ``(at_us, id)`` of the last row of the previous page.
        """
        where, params = self._where(flt)
        if before is not None:
            where += (" AND " if where else " WHERE ") + "(at_us, id) < (?, ?)"
            params.extend(before)
        rows = self._db.execute(
            f"SELECT id, {_ENTRY_COLUMNS} FROM entries{where} ORDER BY at_us DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        return [entry_from_row(r) for r in rows]

    def count(self, flt: HistoryFilter = HistoryFilter()) -> int:
        """How many entries match ``flt`` (whole days from the rollup, unless searching)."""
        rollup, parts = self._pieces(flt)
        total = 0
        if rollup is not None:
            row = self._db.execute(
                f"SELECT SUM(entries) FROM daily_rollup WHERE {rollup[0]}", rollup[1]
            ).fetchone()
            total += int(row[0] or 0)
        for condition, params in parts:
            row = self._db.execute(f"SELECT COUNT(*) FROM entries WHERE {condition}", params)
            total += int(row.fetchone()[0])
        return total

    def totals(self, flt: HistoryFilter = HistoryFilter()) -> Totals:
        """Sums of the entries matching ``flt`` (whole days from the rollup, unless searching)."""
        rollup, parts = self._pieces(flt)
        rows: list[Sequence[Any]] = []
        if rollup is not None:
            rows += self._db.execute(
                "SELECT NULLIF(currency, ''), "
                + ", ".join(f"SUM({c})" for c in _SUMMED)
                + f" FROM daily_rollup WHERE {rollup[0]} GROUP BY currency",
                rollup[1],
            ).fetchall()
        for condition, params in parts:
            rows += self._db.execute(
                "SELECT currency, COUNT(*), "
                + ", ".join(f"SUM({c})" for c in _SUMMED[1:])
                + f" FROM entries WHERE {condition} GROUP BY currency",
                params,
            ).fetchall()
        counts = [0] * 7
        cost: dict[str, int] = {}
        unpriced = 0
        for row in rows:
            for i in range(7):
                counts[i] += int(row[i + 1] or 0)
            if row[0] is None:
                unpriced += int(row[1] or 0)
            elif row[1]:
                cost[row[0]] = cost.get(row[0], 0) + int(row[8] or 0)
        return Totals(counts[0], counts[1], TokenCounts(*counts[2:7]), cost, unpriced)

    def iter_entries(self, flt: HistoryFilter = HistoryFilter()) -> Iterator[Entry]:
        """Every matching entry, oldest first, streamed (for export)."""
        where, params = self._where(flt)
        cursor = self._db.execute(
            f"SELECT id, {_ENTRY_COLUMNS} FROM entries{where} ORDER BY at_us, id",
            params,
        )
        for row in cursor:
            yield entry_from_row(row)

    def distinct(self, column: str) -> list[str]:
        """Distinct values of ``provider``, ``model`` or ``source`` (for filter pickers).

        Read from the rollup: a few thousand rows instead of every entry.
        """
        if column not in ("provider", "model", "source"):
            raise ValueError(column)
        rows = self._db.execute(
            f"SELECT {column} FROM daily_rollup GROUP BY 1 HAVING SUM(entries) > 0 ORDER BY 1"
        )
        return [r[0] for r in rows]

    # -- importer state and alerts ----------------------------------------------------

    def import_state(self, importer: str) -> dict[str, Any]:
        """The state an importer left last time (empty at first)."""
        row = self._db.execute(
            "SELECT state FROM import_state WHERE importer = ?", (importer,)
        ).fetchone()
        return {} if row is None else dict(json.loads(row[0]))

    def alert_sent(self, plan_id: int, period_start: datetime, threshold: int) -> bool:
        """Whether the alert for this plan, period and threshold was already sent."""
        row = self._db.execute(
            "SELECT 1 FROM alerts_sent WHERE plan_id = ? AND period_start_us = ? AND threshold = ?",
            (plan_id, to_us(period_start), threshold),
        ).fetchone()
        return row is not None

    def mark_alert_sent(
        self, plan_id: int, period_start: datetime, threshold: int, now: datetime
    ) -> bool:
        """Remember an alert; returns False if it had been sent already."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO alerts_sent (plan_id, period_start_us, threshold, sent_us) "
                "VALUES (?, ?, ?, ?)",
                (plan_id, to_us(period_start), threshold, to_us(now)),
            )
        return cursor.rowcount == 1

    # -- raw access for status --------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Run a read-only query (for the status aggregation in ``budget.py``)."""
        return self._db.execute(sql, params).fetchall()


def day_split(
    since_us: int | None, until_us: int | None
) -> tuple[tuple[int, int | None] | None, list[tuple[int | None, int | None]]]:
    """Split a period into whole UTC days and the pieces around them.

    Args:
        since_us: Start (inclusive), or None for no start.
        until_us: End (exclusive), or None for no end.

    Returns:
        ``(days, pieces)``: ``days`` is ``(first, end)``, the whole days to read from the
        rollup (``end`` exclusive, None for no end), or None when there are none; ``pieces``
        are the ``(low, high)`` microsecond ranges left over (None for open), for the
        entries. Day 0 is always a piece: the rollup's integer division is exact only for
        times after the epoch.
    """
    first = 1 if since_us is None else max(1, -(-since_us // DAY_US))
    end = None if until_us is None else until_us // DAY_US
    if end is not None and end <= first:
        return None, [(since_us, until_us)]
    pieces: list[tuple[int | None, int | None]] = []
    if since_us is None or since_us < first * DAY_US:
        pieces.append((since_us, first * DAY_US))
    if end is not None and until_us is not None and until_us > end * DAY_US:
        pieces.append((end * DAY_US, until_us))
    return (first, end), pieces


def plan_clauses(plan: Plan, *, rollup: bool = False) -> list[tuple[str, list[Any]]]:
    """SQL conditions (with parameters) for the two kinds of rows that count toward ``plan``.

    An entry assigned to a plan counts only there (the first condition); an unassigned entry
    counts toward every plan whose providers and model patterns match it (the second). Kept
    apart so each can use its own index. With ``rollup`` they are for ``daily_totals``, where
    an unassigned row has ``plan_key`` 0. Providers are stored lower-case.
    """
    match: list[str] = []
    params: list[Any] = []
    if plan.providers:
        match.append(f"provider IN ({', '.join('?' * len(plan.providers))})")
        params.extend(p.lower() for p in plan.providers)
    if plan.models:
        match.append("(" + " OR ".join("LOWER(model) GLOB ?" for _ in plan.models) + ")")
        params.extend(m.lower() for m in plan.models)
    unassigned = "plan_key = 0" if rollup else "plan_id IS NULL"
    assigned = "plan_key = ?" if rollup else "plan_id = ?"
    return [(assigned, [plan.id]), (" AND ".join([unassigned, *match]), params)]


def plan_clause(plan: Plan, *, rollup: bool = False) -> tuple[str, list[Any]]:
    """One SQL condition for every row that counts toward ``plan`` (see ``plan_clauses``)."""
    (assigned, a_params), (matched, m_params) = plan_clauses(plan, rollup=rollup)
    return f"({assigned} OR ({matched}))", [*a_params, *m_params]


def _connect(path: Path) -> sqlite3.Connection:
    """Open, configure and migrate; raises LedgerCorruptError for a file that is no database."""
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise LedgerError(f"cannot open the ledger {path}: {exc}") from exc
    db.row_factory = sqlite3.Row
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:  # checked before anything could change the file
            db.close()
            raise LedgerError(
                f"the ledger {path} was written by a newer tokenbudget (schema {version}); "
                "update tokenbudget to open it"
            )
        db.execute("PRAGMA foreign_keys = ON")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise LedgerError(f"the ledger {path} cannot use WAL journaling (got {mode})")
        db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        db.close()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise LedgerError(f"the ledger {path} is locked by another program: {exc}") from exc
        raise LedgerCorruptError(f"the ledger {path} is not a usable database ({exc})") from exc
    try:
        for step in range(version, SCHEMA_VERSION):
            # executescript commits any open transaction before it runs, so each step carries
            # its own BEGIN ... COMMIT: a step is applied whole or not at all.
            try:
                db.executescript(
                    f"BEGIN IMMEDIATE;{MIGRATIONS[step]};PRAGMA user_version = {step + 1};COMMIT;"
                )
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
    except sqlite3.DatabaseError as exc:
        db.close()
        raise LedgerCorruptError(f"the ledger {path} could not be upgraded ({exc})") from exc
    ensure_text_index(db)
    return db


def _move_aside(path: Path, now: datetime) -> Path:
    """Rename a database (and its WAL/SHM files) to a timestamped backup; returns it."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            source.rename(Path(str(backup) + suffix))
    return backup
