"""Helpers for the importer tests: the fixture tree and token totals."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tokenbudget.core.entries import NewEntry

FIXTURES = Path(__file__).parent / "fixtures"


def totals(records: Iterable[NewEntry]) -> tuple[int, int, int, int, int]:
    """(input, cache read, cache write 5m, cache write 1h, output) summed."""
    parts = [0, 0, 0, 0, 0]
    for record in records:
        t = record.tokens
        values = (
            t.input_tokens,
            t.cache_read_tokens,
            t.cache_write_5m_tokens,
            t.cache_write_1h_tokens,
            t.output_tokens,
        )
        for i, value in enumerate(values):
            parts[i] += value
    return (parts[0], parts[1], parts[2], parts[3], parts[4])
