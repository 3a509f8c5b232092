"""Seven entries in three projects with hand-summed figures, for the spend-by-project tests.

Projects A, B and C; B and C share the short name ``api``; one entry has no project. With
CNY at 7 per USD, project A spent $3.50 + ¥7.00 = $4.50, B $4.00 (and one unpriced entry),
C $3.00, no project $0.25. In UTC the entries fall on 2026-11-01 (two), 11-02 (two), 11-03
(two) and 11-04 (one).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tokenbudget.core.entries import NewEntry, TokenCounts

A = "/home/li/项目/商城"
B = "/work/api"
C = "/srv/other/api"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def entry(
    when: str,
    model: str,
    project: str | None,
    tokens: tuple[int, int, int, int, int],
    cost: tuple[int, str] | None,
    *,
    requests: int = 1,
    note: str | None = None,
) -> NewEntry:
    """An entry at ``when`` (UTC) of ``model`` (``provider/model``)."""
    provider, _, name = model.partition("/")
    return NewEntry(
        at=at(when),
        provider=provider,
        model=name,
        tokens=TokenCounts(*tokens),
        cost_micros=None if cost is None else cost[0],
        currency=None if cost is None else cost[1],
        source="manual",
        requests=requests,
        project=project,
        note=note,
    )


ENTRIES = [
    entry("2026-11-01T10:00", "openai/gpt-5.5", A, (100, 10, 5, 0, 20), (1_000_000, "USD")),
    entry(
        "2026-11-01T23:30",
        "anthropic/claude-sonnet-4-6",
        A,
        (200, 0, 0, 7, 30),
        (2_500_000, "USD"),
        note="refactor checkout",
    ),
    entry(
        "2026-11-02T08:00", "deepseek/deepseek-v4-flash", A, (300, 0, 0, 0, 40), (7_000_000, "CNY")
    ),
    entry(
        "2026-11-02T12:00", "openai/gpt-5.5", B, (50, 0, 0, 0, 5), (4_000_000, "USD"), requests=3
    ),
    entry("2026-11-03T01:00", "custom/my-model", B, (10, 0, 0, 0, 1), None),
    entry("2026-11-03T02:00", "openai/gpt-5.5", None, (1, 0, 0, 0, 1), (250_000, "USD")),
    entry("2026-11-04T00:00", "openai/gpt-5.4-mini", C, (5, 0, 0, 0, 5), (3_000_000, "USD")),
]
