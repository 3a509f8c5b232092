"""Helpers for the database importers' tests: databases built from committed ``.sql`` files."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

from importer_support import totals

from tokenbudget.core.entries import NewEntry


def build_db(sql: Path, target: Path, *, wal: bool = False) -> Path:
    """A database at ``target`` made by running the script ``sql`` (closed, so no -wal)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(target)
    try:
        if wal:
            connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(sql.read_text(encoding="utf-8"))
        connection.commit()
    finally:
        connection.close()
    return target


def run_sql(target: Path, script: str) -> None:
    """Run ``script`` against the database at ``target`` as its tool would (then close)."""
    connection = sqlite3.connect(target)
    try:
        connection.executescript(script)
        connection.commit()
    finally:
        connection.close()


def per_model(records: Iterable[NewEntry]) -> dict[str, tuple[int, int, int, int, int]]:
    """``importer_support.totals`` for each model."""
    groups: dict[str, list[NewEntry]] = defaultdict(list)
    for record in records:
        groups[record.model].append(record)
    return {model: totals(group) for model, group in groups.items()}


def per_day(records: Iterable[NewEntry]) -> dict[str, tuple[int, int, int, int, int]]:
    """``importer_support.totals`` for each UTC day."""
    groups: dict[str, list[NewEntry]] = defaultdict(list)
    for record in records:
        groups[record.at.astimezone(UTC).date().isoformat()].append(record)
    return {day: totals(group) for day, group in groups.items()}
