"""A ledger with damaged pages behind a valid header: a clear error, then a rebuild.

The damage is real: a leaf page of the ``entries`` table in the middle of the file is
overwritten (found with SQLite's ``dbstat``), page 1 and the schema stay intact, so the
ledger opens and its rollup answers ``status`` while reading the entries fails.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.importers.base import Problem
from tokenbudget.core.ledger import HistoryFilter, Ledger, LedgerDamagedError, LedgerError
from tokenbudget.core.ledger.runs import ImportRun
from tokenbudget.core.plans import Plan, PlanKind

T0 = datetime(2026, 9, 1, tzinfo=UTC)
COUNT = 3000


def _entries(plan_id: int) -> list[NewEntry]:
    return [
        NewEntry(
            at=T0 + timedelta(minutes=7 * i),
            provider="anthropic" if i % 2 else "openai",
            model="claude-sonnet-4-6" if i % 2 else "gpt-5.5",
            tokens=TokenCounts(100 + i, i % 7, 0, 0, 10 + i % 13),
            cost_micros=1000 + i,
            currency="USD",
            source="codex",
            source_ref=f"ref-{i}",
            note=f"entry number {i} " + "lorem ipsum " * 10,
            plan_id=plan_id if i % 3 == 0 else None,
        )
        for i in range(COUNT)
    ]


@pytest.fixture
def damaged(
    tmp_path: Path, damage_entries_page: Callable[[Path], int]
) -> tuple[Path, dict[int, Entry], Plan]:
    path = tmp_path / "ledger.sqlite3"
    with Ledger.open(path) as ledger:
        plan = ledger.add_plan(
            Plan(name="Team", kind=PlanKind.BUDGET, currency="USD", amount_micros=10**9), now=T0
        )
        ledger.add_entries(_entries(plan.id), state=("codex", {"files": {"a": 1}}), want_ids=False)
        ledger.mark_alert_sent(plan.id, T0, 80, T0)
        ledger.record_run(ImportRun("codex", T0, 3, COUNT, 1, (Problem("a", 7, "not JSON"),)))
        written = {e.id: e for e in ledger.iter_entries()}
    damage_entries_page(path)
    return path, written, plan


def test_damaged_pages_are_a_clear_error_that_says_how_to_recover(
    damaged: tuple[Path, dict[int, Entry], Plan],
) -> None:
    path, _, _ = damaged
    before = path.read_bytes()
    with Ledger.open(path, recover=False) as ledger:
        assert ledger.count() == COUNT  # whole days come from the rollup: status still works
        for read in (
            lambda: list(ledger.iter_entries()),  # export, history --json
            lambda: ledger.history(limit=COUNT),  # the history table, log
        ):
            with pytest.raises(LedgerDamagedError) as caught:
                read()
            message = str(caught.value)
            assert "\n" not in message
            assert "damaged" in message and "recover" in message
    assert path.read_bytes() == before  # nothing moved, nothing rewritten
    assert not [p for p in path.parent.iterdir() if ".corrupt-" in p.name]


def test_recover_rebuilds_the_ledger_from_what_still_reads(
    damaged: tuple[Path, dict[int, Entry], Plan],
) -> None:
    path, written, plan = damaged
    before = path.read_bytes()
    report = Ledger.recover(path, now=datetime(2026, 12, 3, 9, tzinfo=UTC))
    assert report.backup == path.with_name("ledger.sqlite3.corrupt-20261203T090000Z")
    assert report.backup.read_bytes() == before  # the damaged file, kept as it was
    kept = report.salvaged["entries"]
    assert 0 < report.entries_lost == COUNT - kept < COUNT // 10  # one page's rows, no more
    assert report.entries_expected == COUNT
    assert report.skipped >= 1
    assert report.salvaged["plans"] == 1
    assert report.salvaged["import_state"] == 1
    assert report.salvaged["alerts_sent"] == 1
    assert report.salvaged["import_runs"] == 1
    with Ledger.open(path, recover=False) as ledger:
        assert ledger._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {e.id: e for e in ledger.iter_entries()}
        assert len(stored) == kept
        assert all(written[i] == e for i, e in stored.items())  # every kept row intact
        assert ledger.plans() == [plan]
        assert ledger.import_state("codex") == {"files": {"a": 1}}
        run = ledger.import_runs()["codex"]  # the Sources page's last import, kept
        assert (run.at, run.records, run.problems) == (T0, COUNT, (Problem("a", 7, "not JSON"),))
        assert ledger.alert_sent(plan.id, T0, 80)
        # The rollup and the text index were rebuilt from the kept rows.
        totals = ledger.totals()
        assert totals.entries == kept
        assert totals.cost_micros == {"USD": sum(e.cost_micros or 0 for e in stored.values())}
        some = next(iter(stored.values()))
        number = some.note.split()[2] if some.note else ""
        found = {e.id for e in ledger.iter_entries(HistoryFilter(text=f"number {number} "))}
        assert found == {some.id}
        ledger.add_entry(NewEntry(T0, "x", "m", TokenCounts(1, 0, 0, 0, 1), None, None, "manual"))
        assert ledger.count() == kept + 1


def test_open_with_recovery_rebuilds_a_ledger_damaged_where_it_opens(tmp_path: Path) -> None:
    """Damage in the schema itself: the open fails, and recovery keeps what reads."""
    path = tmp_path / "ledger.sqlite3"
    Ledger.open(path).close()
    db = sqlite3.connect(path)
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with path.open("r+b") as handle:  # the sqlite_master page: after the 100-byte header
        handle.seek(100)
        handle.write(b"\xff" * (size - 100))
    before = path.read_bytes()
    with pytest.raises(LedgerError):
        Ledger.open(path, recover=False)
    assert path.read_bytes() == before
    with Ledger.open(path, now=datetime(2026, 12, 3, tzinfo=UTC)) as fresh:
        assert fresh.recovered_from is not None
        assert fresh.recovered_from.read_bytes() == before
        assert fresh.count() == 0
