"""Schema 4: the text index (FTS5 trigram) and totals and counts from the rollup.

Every expected value is computed here from the entries as written, in plain Python.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_support import raw_sql, v3_file

from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.ledger import (
    SCHEMA_VERSION,
    HistoryFilter,
    Ledger,
    LedgerInputError,
    to_us,
)
from tokenbudget.core.ledger import text as ledger_text
from tokenbudget.core.plans import Plan, PlanKind

T0 = datetime(2026, 10, 30, 17, 0, tzinfo=UTC)
NOTES = [
    "refactor the parser",
    "Fix flaky test in billing",
    "总结会议记录",
    "翻译产品说明书",
    "100% done_ok",
    'say "hi"',
    r"back\slash",
    "ab",
    "x",
    None,
]
PROMPTS = [
    "Summarise this article in three sentences",
    "请用三句话总结这篇文章",
    None,
    None,
]
SOURCES = ["manual", "estimate", "codex", "claude-code"]
MODELS = [
    ("anthropic", "claude-sonnet-4-6", "USD"),
    ("openai", "gpt-5.5", "USD"),
    ("deepseek", "deepseek-v4-flash", "CNY"),
    ("mistral", "my-finetune", None),
]


def make_entries(count: int, seed: int = 1, plan_id: int | None = None) -> list[NewEntry]:
    rng = random.Random(seed)
    entries = []
    for _ in range(count):
        provider, model, currency = rng.choice(MODELS)
        entries.append(
            NewEntry(
                at=T0 + timedelta(minutes=rng.randrange(-60 * 24 * 5, 60 * 24 * 5)),
                provider=provider,
                model=model,
                tokens=TokenCounts(
                    rng.randrange(1000), rng.randrange(500), rng.randrange(50), rng.randrange(30), 7
                ),
                cost_micros=None if currency is None else rng.randrange(1, 9000),
                currency=currency,
                source=rng.choice(SOURCES),
                note=rng.choice(NOTES),
                prompt_text=rng.choice(PROMPTS),
                plan_id=plan_id if plan_id and rng.random() < 0.3 else None,
                requests=rng.randrange(1, 3),
            )
        )
    return entries


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.sqlite3") as opened:
        opened.add_entries(make_entries(400), want_ids=False)
        yield opened


def every(ledger: Ledger) -> list[Entry]:
    return list(ledger.iter_entries())


def contains(entry: Entry, text: str) -> bool:
    """What a search means: a substring of the note or prompt text, ASCII case ignored."""
    return any(
        field is not None and text.lower() in field.lower()
        for field in (entry.note, entry.prompt_text)
    )


QUERIES = [
    "parser",
    "PARSER",
    "flaky test",
    "会议",
    "会",
    "说明书",
    "书",
    "100%",
    "%",
    "_",
    "done_ok",
    '"hi"',
    '"',
    "\\",
    "back\\slash",
    "ab",
    "b",
    "x",
    " ",
    "three sentences",
    "nowhere to be found",
    "s" * 40,
]


@pytest.mark.parametrize("query", QUERIES)
def test_text_search_finds_exactly_the_substring_matches(ledger: Ledger, query: str) -> None:
    assert ledger.text_index
    expected = sorted(e.id for e in every(ledger) if contains(e, query))
    flt = HistoryFilter(text=query)
    assert sorted(e.id for e in ledger.iter_entries(flt)) == expected
    assert ledger.count(flt) == len(expected)
    assert ledger.totals(flt).entries == len(expected)


def test_short_queries_with_many_trigrams_scan_the_index_instead(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_text, "MAX_SHORT_QUERY_TERMS", 1)
    for query in ("e", "会", "ab", "%"):
        expected = sorted(e.id for e in every(ledger) if contains(e, query))
        assert sorted(e.id for e in ledger.iter_entries(HistoryFilter(text=query))) == expected


def test_text_search_combines_with_other_filters(ledger: Ledger) -> None:
    flt = HistoryFilter(text="会议", providers=("openai",), since=T0 - timedelta(days=1))
    expected = [
        e.id
        for e in every(ledger)
        if contains(e, "会议") and e.provider == "openai" and e.at >= T0 - timedelta(days=1)
    ]
    assert expected  # the seed gives some
    assert [e.id for e in reversed(ledger.history(flt, limit=1000))] == expected


def test_the_index_follows_inserts_edits_deletes_restores_and_upserts(ledger: Ledger) -> None:
    def found(text: str) -> set[int]:
        return {e.id for e in ledger.iter_entries(HistoryFilter(text=text))}

    added = ledger.add_entry(replace(make_entries(1)[0], note="zebra crossing", prompt_text=None))
    assert found("zebra") == {added.id}
    ledger.update_entry(replace(added, note="giraffe"))
    assert found("zebra") == set()
    assert found("giraffe") == {added.id}
    ledger.update_entry(replace(added, note=None, prompt_text="a giraffe prompt"))
    assert found("giraffe") == {added.id}
    ledger.update_entry(replace(added, note=None, prompt_text=None))
    assert found("giraffe") == set()
    ledger.update_entry(replace(added, note="okapi"))
    removed = ledger.delete_entries([added.id])
    assert found("okapi") == set()
    ledger.restore_entries(removed)
    assert found("okapi") == {added.id}
    # An importer's upsert keeps the stored note unless the new record has one.
    imported = replace(make_entries(1)[0], source="codex", source_ref="r1", note="llama")
    ledger.add_entries([imported])
    ledger.add_entries([replace(imported, note=None)])
    assert len(found("llama")) == 1
    ledger.add_entries([replace(imported, note="alpaca")])
    assert found("llama") == set()
    assert len(found("alpaca")) == 1
    (fts_rows,) = raw_sql(ledger, "SELECT COUNT(*) FROM entries_text")[0]
    with_text = sum(1 for e in every(ledger) if e.note is not None or e.prompt_text is not None)
    assert fts_rows == with_text


def test_a_version_3_ledger_is_upgraded_intact(tmp_path: Path) -> None:
    written = make_entries(300, seed=7, plan_id=1)
    path = tmp_path / "v3.sqlite3"
    v3_file(path, written)
    with Ledger.open(path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION >= 6
        assert upgraded.text_index
        stored = every(upgraded)
        assert len(stored) == 300
        key = lambda e: (e.at, e.model, e.note, e.tokens)  # noqa: E731
        assert sorted(map(key, stored)) == sorted(map(key, written))
        # The rollup by source matches the entries, cache writes kept apart.
        rollup = raw_sql(
            upgraded,
            "SELECT day, provider, model, plan_key, currency, source, entries, requests, "
            "input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, "
            "output_tokens, cost_micros FROM daily_rollup ORDER BY 1, 2, 3, 4, 5, 6",
        )
        assert [tuple(r) for r in rollup] == expected_rollup(stored)
        # daily_totals keeps its columns and sums (plan status reads it).
        totals = raw_sql(upgraded, "SELECT * FROM daily_totals ORDER BY 1, 2, 3, 4, 5")
        assert [tuple(r) for r in totals] == expected_daily_totals(stored)
        assert {e.id for e in upgraded.iter_entries(HistoryFilter(text="会议"))} == {
            e.id for e in stored if contains(e, "会议")
        }
        # The triggers keep it all in step after the upgrade.
        upgraded.add_entry(replace(written[0], note="after the upgrade"))
        assert upgraded.count(HistoryFilter(text="after the")) == 1
        rollup = raw_sql(
            upgraded,
            "SELECT day, provider, model, plan_key, currency, source, entries, requests, "
            "input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, "
            "output_tokens, cost_micros FROM daily_rollup WHERE entries != 0 "
            "ORDER BY 1, 2, 3, 4, 5, 6",
        )
        assert [tuple(r) for r in rollup] == expected_rollup(every(upgraded))


def expected_rollup(entries: list[Entry]) -> list[tuple[object, ...]]:
    groups: dict[tuple[object, ...], list[int]] = {}
    for e in entries:
        key = (
            to_us(e.at) // 86_400_000_000,
            e.provider,
            e.model,
            e.plan_id or 0,
            e.currency or "",
            e.source,
        )
        t = e.tokens
        values = [
            1,
            e.requests,
            t.input_tokens,
            t.cache_read_tokens,
            t.cache_write_5m_tokens,
            t.cache_write_1h_tokens,
            t.output_tokens,
            e.cost_micros or 0,
        ]
        sums = groups.setdefault(key, [0] * 8)
        for i, v in enumerate(values):
            sums[i] += v
    return [(*k, *v) for k, v in sorted(groups.items())]  # type: ignore[arg-type]


def expected_daily_totals(entries: list[Entry]) -> list[tuple[object, ...]]:
    groups: dict[tuple[object, ...], list[int]] = {}
    for row in expected_rollup(entries):
        sums = groups.setdefault(row[:5], [0] * 7)
        values = row[6:]
        merged = [values[0], values[1], values[2], values[3], values[4] + values[5], *values[6:]]
        for i, v in enumerate(merged):
            sums[i] += v  # type: ignore[operator]
    return [(*k, *v) for k, v in sorted(groups.items())]  # type: ignore[arg-type]


def test_without_fts5_searches_use_like_and_writes_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as first:
        first.add_entries(make_entries(100), want_ids=False)
        assert first.text_index
    monkeypatch.setattr(ledger_text, "_FTS5", False)  # as if this SQLite had no FTS5
    with Ledger.open(path) as plain:
        assert not plain.text_index
        triggers = raw_sql(plain, "SELECT name FROM sqlite_master WHERE name LIKE 'entries_text_%'")
        assert not [r for r in triggers if r[0].endswith(("insert", "update", "delete"))]
        plain.add_entry(replace(make_entries(1)[0], note="written without fts5"))
        for query in ("fts5", "会议", "5", "%"):
            expected = sorted(e.id for e in every(plain) if contains(e, query))
            assert sorted(e.id for e in plain.iter_entries(HistoryFilter(text=query))) == expected
    monkeypatch.setattr(ledger_text, "_FTS5", None)  # FTS5 back: the index is rebuilt
    with Ledger.open(path) as again:
        assert again.text_index
        assert again.count(HistoryFilter(text="without fts5")) == 1


def test_restoring_over_a_taken_id_is_a_clear_error(ledger: Ledger) -> None:
    last = max(e.id for e in every(ledger))
    removed = ledger.delete_entries([last])
    retaken = ledger.add_entry(replace(make_entries(1)[0], note="took the id"))
    assert retaken.id == last  # SQLite gives the highest id out again
    with pytest.raises(LedgerInputError, match="cannot be put back"):
        ledger.restore_entries(removed)
    assert ledger.entry(last).note == "took the id"


# -- totals and counts from the rollup ------------------------------------------------------


def python_totals(entries: list[Entry]) -> tuple[int, int, TokenCounts, dict[str, int], int]:
    cost: dict[str, int] = {}
    parts = [0] * 5
    for e in entries:
        if e.currency is not None and e.cost_micros is not None:
            cost[e.currency] = cost.get(e.currency, 0) + e.cost_micros
        t = e.tokens
        for i, v in enumerate(
            (
                t.input_tokens,
                t.cache_read_tokens,
                t.cache_write_5m_tokens,
                t.cache_write_1h_tokens,
                t.output_tokens,
            )
        ):
            parts[i] += v
    unpriced = sum(1 for e in entries if e.cost_micros is None)
    requests = sum(e.requests for e in entries)
    return len(entries), requests, TokenCounts(*parts), cost, unpriced


def matches(ledger: Ledger, e: Entry, flt: HistoryFilter) -> bool:
    if flt.since is not None and e.at < flt.since:
        return False
    if flt.until is not None and e.at >= flt.until:
        return False
    if flt.providers and e.provider not in flt.providers:
        return False
    if flt.models and e.model not in flt.models:
        return False
    if flt.sources and e.source not in flt.sources:
        return False
    if flt.plan_id is not None:
        plan = ledger.plan(flt.plan_id)
        counts = e.plan_id == plan.id or (
            e.plan_id is None and (not plan.providers or e.provider in plan.providers)
        )
        if not counts:
            return False
    return not flt.text or contains(e, flt.text)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, list[Entry]]]:
    path = tmp_path_factory.mktemp("rollup") / "ledger.sqlite3"
    with Ledger.open(path) as opened:
        plan = opened.add_plan(
            Plan(
                name="OpenAI",
                kind=PlanKind.BUDGET,
                currency="USD",
                amount_micros=1,
                providers=("openai",),
            ),
            now=T0,
        )
        opened.add_entries(make_entries(800, seed=3, plan_id=plan.id), want_ids=False)
        yield opened, every(opened)


offsets = st.none() | st.integers(min_value=-6 * 24 * 60, max_value=6 * 24 * 60)
filters = st.builds(
    HistoryFilter,
    since=offsets.map(lambda m: None if m is None else T0 + timedelta(minutes=m, seconds=17)),
    until=offsets.map(lambda m: None if m is None else T0 + timedelta(minutes=m)),
    providers=st.sets(
        st.sampled_from(["openai", "anthropic", "deepseek", "mistral"]), max_size=2
    ).map(lambda s: tuple(sorted(s))),
    models=st.sets(st.sampled_from(["gpt-5.5", "claude-sonnet-4-6"]), max_size=1).map(tuple),
    sources=st.sets(st.sampled_from(SOURCES), max_size=2).map(lambda s: tuple(sorted(s))),
    plan_id=st.sampled_from([None, 1]),  # the module's one plan
    text=st.sampled_from([None, None, "会议", "parser", "e"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flt=filters)
def test_totals_and_counts_match_the_entries_for_any_filter(
    shared: tuple[Ledger, list[Entry]], flt: HistoryFilter
) -> None:
    ledger, entries = shared
    kept = [e for e in entries if matches(ledger, e, flt)]
    totals = ledger.totals(flt)
    assert (
        totals.entries,
        totals.requests,
        totals.tokens,
        totals.cost_micros,
        totals.unpriced,
    ) == python_totals(kept)
    assert ledger.count(flt) == len(kept)


def test_filter_pickers_list_what_is_left(ledger: Ledger) -> None:
    assert ledger.distinct("provider") == sorted({e.provider for e in every(ledger)})
    assert ledger.distinct("source") == sorted(SOURCES)
    ledger.delete_entries([e.id for e in every(ledger) if e.provider == "mistral"])
    assert ledger.distinct("provider") == ["anthropic", "deepseek", "openai"]
    assert ledger.distinct("model") == sorted({e.model for e in every(ledger)})


def test_whole_days_come_from_the_rollup(shared: tuple[Ledger, list[Entry]]) -> None:
    ledger, _ = shared
    statements: list[str] = []
    ledger._db.set_trace_callback(statements.append)
    try:
        flt = HistoryFilter(
            since=datetime(2026, 10, 27, 8, tzinfo=UTC), until=datetime(2026, 11, 2, 9, tzinfo=UTC)
        )
        ledger.totals(flt)
    finally:
        ledger._db.set_trace_callback(None)
    # Whole days 28 Oct to 1 Nov from the rollup; 27 Oct from 08:00 and 2 Nov to 09:00 apart.
    assert sum("FROM daily_rollup" in s for s in statements) == 1
    entry_reads = [s for s in statements if "FROM entries" in s and "daily_rollup" not in s]
    assert len(entry_reads) == 2
    assert all("at_us >= " in s and "at_us < " in s for s in entry_reads)


def test_short_queries_with_letters_of_other_scripts(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite3") as ledger:
        ids = ledger.add_entries(
            [
                replace(make_entries(1)[0], note=note)
                for note in ("École", "école", "Straße", "ΣΟΦΙΑ", "σοφία", "İstanbul")
            ]
        )
        assert ledger.text_index

        def found(text: str) -> set[int]:
            return {e.id for e in ledger.iter_entries(HistoryFilter(text=text))}

        # Short queries outside ASCII are scanned with LIKE: exact, case kept.
        assert found("Éc") == {ids[0]}
        assert found("ß") == {ids[2]}
        assert found("İ") == {ids[5]}
        # Three characters or more use the index, which folds case in every script.
        assert found("éco") == {ids[0], ids[1]}
        assert found("σοφ") == {ids[3], ids[4]}


def test_undoing_a_delete_after_its_plan_was_removed_restores_it_unassigned(
    ledger: Ledger,
) -> None:
    plan = ledger.add_plan(
        Plan(name="gone soon", kind=PlanKind.BUDGET, currency="USD", amount_micros=1), now=T0
    )
    entry = ledger.add_entry(replace(make_entries(1)[0], plan_id=plan.id))
    removed = ledger.delete_entries([entry.id])
    ledger.remove_plan(plan.id)
    ledger.restore_entries(removed)
    assert ledger.entry(entry.id) == replace(entry, plan_id=None)


def test_an_edit_naming_a_removed_plan_says_so(ledger: Ledger) -> None:
    entry = ledger.history(limit=1)[0]
    with pytest.raises(LedgerInputError, match="plan 999 does not exist"):
        ledger.update_entry(replace(entry, plan_id=999))
    assert ledger.entry(entry.id) == entry
