"""The ledger's schema: numbered migrations, the entry columns and the upsert.

``MIGRATIONS[n]`` takes a database from ``user_version`` n to n + 1. ``connection`` runs them
under one write lock and re-reads the version inside it, so two processes opening an old or
fresh file at once never apply a step twice. The text index is no numbered step (it needs
FTS5, which not every SQLite has): ``text`` builds it.
"""

from __future__ import annotations

import sqlite3

from tokenbudget.core.entries import upsert_replaces_sql
from tokenbudget.core.ledger.sync_schema import MIGRATION_7

SCHEMA_VERSION = 7
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
SUMMED = (
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
    + ", ".join(f"{c} = {c} + excluded.{c}" for c in SUMMED)
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
    # no numbered step: it needs FTS5, which not every SQLite has (``text``).
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
        {", ".join(f"{c} INTEGER NOT NULL" for c in SUMMED)},
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
    # 4 -> 5: the project of an imported entry, the precedence of a copy (``entries``), and
    # the official limit snapshots the tools log (``official_limits``). Claude Code entries
    # are keyed by message id alone and Codex token counts by when and at what running total
    # they were logged (``importers``): old references are rewritten so that importing the
    # same logs again adds nothing; of two old entries that now share a reference, the
    # earlier (then the first recorded) is kept, the other was a replayed copy.
    """
    ALTER TABLE entries ADD COLUMN project TEXT;
    ALTER TABLE entries ADD COLUMN precedence INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX entries_project_at ON entries(project, at_us) WHERE project IS NOT NULL;
    CREATE TEMP TABLE rekey AS
        SELECT id, at_us, CASE
            WHEN source = 'claude-code' AND source_ref NOT LIKE 'row:%'
                 AND instr(source_ref, ':') > 0
                THEN substr(source_ref, 1, instr(source_ref, ':') - 1)
            WHEN source = 'codex' AND instr(source_ref, ':') > 0
                 AND source_ref NOT LIKE 't%:%'
                THEN 't' || (at_us / 1000) || ':' || substr(source_ref, instr(source_ref, ':') + 1)
            ELSE source_ref END AS new_ref, source
        FROM entries WHERE source IN ('claude-code', 'codex') AND source_ref IS NOT NULL;
    DELETE FROM entries WHERE id IN (
        SELECT a.id FROM rekey a JOIN rekey b
            ON a.source = b.source AND a.new_ref = b.new_ref AND a.id <> b.id
        WHERE b.at_us < a.at_us OR (b.at_us = a.at_us AND b.id < a.id));
    UPDATE entries SET source_ref = (SELECT new_ref FROM rekey WHERE rekey.id = entries.id)
        WHERE id IN (SELECT id FROM rekey WHERE new_ref <> source_ref);
    DROP TABLE rekey;
    CREATE TABLE official_limits (
        source TEXT NOT NULL,
        limit_id TEXT NOT NULL,
        window TEXT NOT NULL,
        window_minutes INTEGER,
        used_percent TEXT NOT NULL,
        resets_us INTEGER,
        observed_us INTEGER NOT NULL,
        plan_type TEXT,
        PRIMARY KEY (source, limit_id, window)
    ) WITHOUT ROWID;
    """,
    # 5 -> 6: what each importer's last run saw (``sources``: files read, lines skipped).
    """
    CREATE TABLE import_runs (
        importer TEXT PRIMARY KEY,
        at_us INTEGER NOT NULL,
        files_read INTEGER NOT NULL,
        records INTEGER NOT NULL,
        problem_count INTEGER NOT NULL,
        problems TEXT NOT NULL
    );
    """,
    # 6 -> 7: what sharing with other devices needs (``sync_schema``).
    MIGRATION_7,
)

ENTRY_COLUMNS = (
    "at_us, provider, model, input_tokens, cache_read_tokens, cache_write_5m_tokens, "
    "cache_write_1h_tokens, output_tokens, cost_micros, currency, source, source_ref, note, "
    "plan_id, requests, prompt_text, project, precedence"
)
#: The columns ``entry_from_row`` reads after ``id``: the stored ones and the sync names.
ENTRY_READ = f"{ENTRY_COLUMNS}, uid, device"
#: Every column ``entry_from_row`` reads; add ``WHERE``/``ORDER BY`` to it.
ENTRY_SELECT = f"SELECT id, {ENTRY_READ} FROM entries"
TOKEN_COLUMNS = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
)


#: Re-recording a (source, source_ref) follows the one rule, ``entries.DUPLICATE_WINNERS``.
UPSERT = (
    f"INSERT INTO entries ({ENTRY_COLUMNS}) VALUES ({', '.join('?' * 18)}) "
    "ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO UPDATE SET "
    "at_us = excluded.at_us, provider = excluded.provider, model = excluded.model, "
    + ", ".join(f"{c} = excluded.{c}" for c in TOKEN_COLUMNS)
    + ", cost_micros = excluded.cost_micros, currency = excluded.currency, "
    "note = COALESCE(excluded.note, entries.note), requests = excluded.requests, "
    "project = COALESCE(excluded.project, entries.project), precedence = excluded.precedence "
    f"WHERE {upsert_replaces_sql()}"
)


def statements(script: str) -> list[str]:
    """Split a migration script into single statements (a trigger body stays whole).

    The steps run one statement at a time inside a transaction that the caller holds:
    ``executescript`` would commit it first.
    """
    found: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                found.append(pending.strip())
            pending = ""
    if pending.strip(" \n\t;"):
        found.append(pending.strip())
    return found
