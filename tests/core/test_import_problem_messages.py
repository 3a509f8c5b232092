"""Import problems are core messages: stored with their template, read back as messages.

The Sources window translates a problem through its template; the command line prints the
same English as before. Rows stored before problems had ids (plain English) read as they are.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from tokenbudget.core import message_texts as mt
from tokenbudget.core.importers.base import MAX_PROBLEMS_PER_FILE, Problem, ProblemLog
from tokenbudget.core.importers.streaming import describe, parse_json
from tokenbudget.core.ledger import Ledger
from tokenbudget.core.ledger.runs import ImportRun
from tokenbudget.core.messages import Message, message, message_from_json, message_json
from tokenbudget.core.sources import problem_text

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def _parse_error(text: str) -> ValueError:
    try:
        parse_json(text)
    except ValueError as err:
        return err
    raise AssertionError("parsed")


def test_a_bad_json_line_is_a_message_with_the_same_english() -> None:
    early = describe(_parse_error('{"a": 1'))
    assert isinstance(early, Message) and early.template == mt.JSON_ENDS_EARLY
    assert early == "not valid JSON: the text ends early (truncated?)"
    bad = describe(_parse_error('{"a": x}'))
    assert isinstance(bad, Message) and bad.template == mt.JSON_INVALID_AT
    assert bad == "not valid JSON: Expecting value (column 7)"
    deep = describe(_parse_error("[" * 100_000))
    assert isinstance(deep, Message) and deep.template == mt.JSON_TOO_DEEP


def test_the_line_saying_how_many_more_is_a_message() -> None:
    problems: list[Problem] = []
    log = ProblemLog("/logs/a.jsonl", problems)
    for line in range(MAX_PROBLEMS_PER_FILE + 1_200):
        log.add(line + 1, message(mt.LINE_TOO_LONG))
    log.close()
    last = problems[-1]
    assert isinstance(last.message, Message) and last.message.params == {"count": 1_200}
    assert problem_text(last) == "/logs/a.jsonl: 1,200 more problems not listed"


def test_json_form_round_trips_nested_messages_and_refuses_anything_else() -> None:
    nested = message(mt.IN_SESSION, session="s1", problem=message(mt.NOT_VALID_UTF8))
    again = message_from_json(json.loads(json.dumps(message_json(nested))))
    assert again == nested == "session s1: not valid UTF-8"
    assert isinstance(again, Message) and isinstance(again.params["problem"], Message)
    assert message_json("plain text") is None
    for broken in (None, "x", {"t": 1}, {"t": "{a}", "p": {}}, {"t": "a", "p": {"k": [1]}}):
        assert message_from_json(broken) is None


def test_stored_problems_come_back_as_messages_and_old_rows_as_text(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    new = Problem("/logs/b.jsonl", 4, message(mt.CANNOT_BE_READ_TYPE, kind="TypeError"))
    with Ledger.open(path) as ledger:
        ledger.record_run(ImportRun("codex", AT, 1, 0, 1, (new,)))
    db = sqlite3.connect(path)
    # A row an earlier version wrote: [path, line, English], and one whose template is damaged.
    old = [["/logs/a.jsonl", 3, "not valid JSON: Expecting value (column 1)"]]
    old.append(["/logs/c.jsonl", None, "not UTF-8 text", {"t": "{nope}", "p": {}}])
    db.execute(
        "INSERT INTO import_runs (importer, at_us, files_read, records, problem_count, problems)"
        " VALUES ('claude-code', 0, 1, 0, 2, ?)",
        (json.dumps(old),),
    )
    db.commit()
    db.close()
    with Ledger.open(path) as ledger:
        runs = ledger.import_runs()
    (back,) = runs["codex"].problems
    assert back == new and isinstance(back.message, Message)
    assert back.message.template == mt.CANNOT_BE_READ_TYPE
    assert back.message.params == {"kind": "TypeError"}
    first, second = runs["claude-code"].problems
    assert first.message == "not valid JSON: Expecting value (column 1)"
    assert not isinstance(first.message, Message)
    assert second.message == "not UTF-8 text" and not isinstance(second.message, Message)
