"""The ledger's text index: FTS5 with the trigram tokenizer over notes and prompt text.

A search is a substring search, as ``LIKE '%text%'`` was, without scanning the entries:

* the index holds the entries that have a note or prompt text (rowid = entry id), kept in
  step by triggers on ``entries``;
* each indexed text ends in two sentinel characters (U+0001), so every substring of one or
  two characters begins some trigram: a short query becomes the trigrams that start with it,
  read from the vocabulary table, or, when there are too many, a scan of the indexed rows;
* a query of three characters or more is one FTS5 phrase of trigrams.

Not every SQLite has FTS5 with the trigram tokenizer. Where it is missing, the triggers are
dropped (writes keep working), the index goes stale and searches use ``LIKE``; the next open
with FTS5 rebuilds it. So does an index that another version defined differently.
"""

from __future__ import annotations

import sqlite3
from typing import Any

_TEXT_SCHEMA: dict[str, str] = {
    "entries_text": (
        "CREATE VIRTUAL TABLE entries_text USING fts5(note, prompt_text, tokenize='trigram')"
    ),
    "entries_text_terms": (
        "CREATE VIRTUAL TABLE entries_text_terms USING fts5vocab(entries_text, 'row')"
    ),
}
_HAS_TEXT = "{r}.note IS NOT NULL OR {r}.prompt_text IS NOT NULL"
_TEXT_VALUES = "{r}.id, {r}.note || char(1, 1), {r}.prompt_text || char(1, 1)"
_TEXT_TRIGGERS: dict[str, str] = {
    "entries_text_insert": (
        "CREATE TRIGGER entries_text_insert AFTER INSERT ON entries "
        f"WHEN {_HAS_TEXT.format(r='NEW')} BEGIN "
        "INSERT INTO entries_text (rowid, note, prompt_text) "
        f"VALUES ({_TEXT_VALUES.format(r='NEW')}); END"
    ),
    "entries_text_delete": (
        "CREATE TRIGGER entries_text_delete AFTER DELETE ON entries "
        f"WHEN {_HAS_TEXT.format(r='OLD')} BEGIN "
        "DELETE FROM entries_text WHERE rowid = OLD.id; END"
    ),
    "entries_text_update": (
        "CREATE TRIGGER entries_text_update AFTER UPDATE OF id, note, prompt_text ON entries "
        f"WHEN {_HAS_TEXT.format(r='OLD')} OR {_HAS_TEXT.format(r='NEW')} BEGIN "
        "DELETE FROM entries_text WHERE rowid = OLD.id; "
        "INSERT INTO entries_text (rowid, note, prompt_text) "
        f"SELECT {_TEXT_VALUES.format(r='NEW')} WHERE {_HAS_TEXT.format(r='NEW')}; END"
    ),
}
_TEXT_FILL = (
    "INSERT INTO entries_text (rowid, note, prompt_text) "
    f"SELECT {_TEXT_VALUES.format(r='entries')} FROM entries WHERE {_HAS_TEXT.format(r='entries')}"
)
#: A short query that begins more trigrams than this scans the indexed rows instead.
MAX_SHORT_QUERY_TERMS = 200
_TEXT_MATCH = "id IN (SELECT rowid FROM entries_text WHERE entries_text MATCH ?)"


_FTS5: bool | None = None


def fts5_available(db: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (asked once per process)."""
    global _FTS5  # noqa: PLW0603 - a property of the SQLite library, the same for every file
    if _FTS5 is None:
        try:
            db.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x, tokenize='trigram')")
            db.execute("DROP TABLE temp.fts5_probe")
            _FTS5 = True
        except sqlite3.OperationalError:
            _FTS5 = False
    return _FTS5


def text_index_current(db: sqlite3.Connection) -> bool:
    """Whether the text index exists exactly as this version defines it."""
    wanted = {**_TEXT_SCHEMA, **_TEXT_TRIGGERS}
    marks = ", ".join("?" * len(wanted))
    stored = dict(
        db.execute(f"SELECT name, sql FROM sqlite_master WHERE name IN ({marks})", list(wanted))
    )
    return stored == wanted


def ensure_text_index(db: sqlite3.Connection) -> None:
    """Build the text index if it is missing or stale; drop its triggers if FTS5 is missing.

    An SQLite without FTS5 cannot run the triggers, so it drops them (writes keep working)
    and the index goes stale; the next open with FTS5 rebuilds it. So does an index that
    another version defined differently. Failing to build it is not an error: searches then
    use ``LIKE`` over the entries.
    """
    available = fts5_available(db)
    if available and text_index_current(db):
        return
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            if not available:
                for name in _TEXT_TRIGGERS:
                    db.execute(f"DROP TRIGGER IF EXISTS {name}")
            elif not text_index_current(db):  # another process may have built it meanwhile
                for name in _TEXT_TRIGGERS:
                    db.execute(f"DROP TRIGGER IF EXISTS {name}")
                for name in reversed(_TEXT_SCHEMA):
                    db.execute(f"DROP TABLE IF EXISTS {name}")
                for sql in (*_TEXT_SCHEMA.values(), _TEXT_FILL, *_TEXT_TRIGGERS.values()):
                    db.execute(sql)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite rolls back by itself after a full disk
                db.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError:
        return  # busy, read-only or full: searched with LIKE this time, built on a later open


def text_condition(db: sqlite3.Connection, text: str, *, indexed: bool) -> tuple[str, list[Any]]:
    """The condition on ``entries`` for a substring search in notes and prompt text.

    Case is ignored: with the index (``indexed``) in every script, by the trigram tokenizer's
    folding; with ``LIKE``, for ASCII letters only.
    """
    if indexed:
        if len(text) >= 3:
            # A quoted FTS5 string is one phrase of trigrams: the text itself, no syntax.
            return _TEXT_MATCH, ['"' + text.replace('"', '""') + '"']
        # Terms are looked up folded by Python, which agrees with SQLite for ASCII and for
        # text without case (CJK, digits); anything else takes the exact scan.
        caseless = text.isascii() or text.lower() == text.upper()
        terms = _short_query_terms(db, text) if caseless else None
        if terms is not None:
            if not terms:
                return "0", []
            return _TEXT_MATCH, [" OR ".join('"' + t.replace('"', '""') + '"' for t in terms)]
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    like = "(note LIKE ? ESCAPE '\\' OR prompt_text LIKE ? ESCAPE '\\')"
    if indexed:  # too common a short query: scan the indexed rows only
        return f"id IN (SELECT rowid FROM entries_text WHERE {like})", [pattern, pattern]
    return like, [pattern, pattern]


def _short_query_terms(db: sqlite3.Connection, text: str) -> list[str] | None:
    """The trigrams that begin with ``text`` (None: too many to search for)."""
    folded = text.lower()
    rows = db.execute(
        "SELECT term FROM entries_text_terms WHERE term >= ? AND term < ? LIMIT ?",
        (folded, folded + "\U0010ffff", MAX_SHORT_QUERY_TERMS + 1),
    ).fetchall()
    terms = [r[0] for r in rows if r[0].startswith(folded)]
    return None if len(rows) > MAX_SHORT_QUERY_TERMS else terms
