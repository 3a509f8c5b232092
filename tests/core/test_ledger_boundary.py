"""The storage boundary: all SQL lives in ``tokenbudget.core.ledger``; callers get dataclasses.

The one exception is ``importers.foreign_db``, which reads other tools' databases read-only.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import tokenbudget
from tokenbudget.core.ledger import Ledger

PACKAGE = Path(tokenbudget.__file__).resolve().parent
LEDGER = PACKAGE / "core" / "ledger"
# Reads other tools' SQLite databases (read-only); importers name tables, never SQL.
FOREIGN_DB = PACKAGE / "core" / "importers" / "foreign_db.py"
SQL = re.compile(
    r"\b(SELECT\s+\S+|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|"
    r"CREATE\s+(TABLE|INDEX|TRIGGER|VIEW|VIRTUAL)|DROP\s+(TABLE|INDEX|TRIGGER|VIEW)|PRAGMA\s+\w+)"
    r"|\.execute(many|script)?\(|\bset_trace_callback\b"
)


def test_no_module_outside_the_ledger_package_holds_sql() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if LEDGER not in path.parents and path != FOREIGN_DB
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line)
    ]
    assert offenders == []


def test_every_ledger_module_stays_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in LEDGER.glob("*.py")}
    assert max(sizes.values()) < 400, sizes


def test_the_ledger_hands_out_no_cursor_and_no_rows() -> None:
    assert not hasattr(Ledger, "execute")
    for name, member in inspect.getmembers(Ledger):
        if name.startswith("_") or not callable(member):
            continue
        returns = str(inspect.signature(member).return_annotation)
        assert "sqlite3" not in returns and "Cursor" not in returns, (name, returns)
