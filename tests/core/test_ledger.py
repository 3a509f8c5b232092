"""The SQLite ledger: schema and migrations, recovery, concurrency, crash safety, queries."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ledger_support import raw_sql

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryFilter,
    Ledger,
    LedgerCorruptError,
    LedgerError,
    to_us,
)
from tokenbudget.core.plans import Plan, PlanKind, WindowCap

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def entry(minutes: int = 0, **kw: object) -> NewEntry:
    values: dict[str, object] = {
        "at": T0 + timedelta(minutes=minutes),
        "provider": "anthropic",
        "model": "claude-sonnet-4-6",
        "tokens": TokenCounts(100, 50, 10, 0, 20),
        "cost_micros": 1234,
        "currency": "USD",
        "source": "manual",
    }
    values.update(kw)
    return NewEntry(**values)  # type: ignore[arg-type]


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger.open(tmp_path / "ledger.sqlite3")


def test_new_database_is_current_and_uses_wal(ledger: Ledger) -> None:
    assert ledger.schema_version == SCHEMA_VERSION
    mode = raw_sql(ledger, "PRAGMA journal_mode")[0][0]
    assert mode == "wal"
    assert raw_sql(ledger, "PRAGMA foreign_keys")[0][0] == 1


def test_an_old_version_database_is_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + ";PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO plans (name, kind, currency, amount_micros, created_us) VALUES "
        "('Claude Max', 'subscription', 'USD', 200000000, 0)"
    )
    rows = [
        (
            to_us(T0) + i,
            "anthropic",
            "claude-opus-4-7",
            i,
            0,
            0,
            0,
            2 * i,
            10 * i,
            "USD",
            "claude-code",
            f"m{i}",
            None,
            1,
        )
        for i in range(500)
    ]
    db.executemany(
        "INSERT INTO entries (at_us, provider, model, input_tokens, cache_read_tokens, "
        "cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, cost_micros, currency, "
        "source, source_ref, note, plan_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.commit()
    db.close()

    with Ledger.open(path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert upgraded.count() == 500
        totals = upgraded.totals()
        assert totals.tokens.input_tokens == sum(range(500))
        assert totals.tokens.output_tokens == 2 * sum(range(500))
        assert totals.cost_micros == {"USD": 10 * sum(range(500))}
        assert totals.requests == 500  # the new column defaults to one request per entry
        (plan,) = upgraded.plans()
        assert plan.name == "Claude Max"
        assert plan.kind is PlanKind.SUBSCRIPTION
        assert upgraded.plan(plan.id).thresholds == (50, 80, 100)


def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(LedgerError, match="newer tokenbudget"):
        Ledger.open(path)
    assert path.read_bytes() == before


def test_corrupt_database_is_moved_aside_never_deleted(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    garbage = b"this is not a database\x00" * 300
    path.write_bytes(garbage)
    with pytest.raises(LedgerCorruptError):
        Ledger.open(path, recover=False)
    assert path.read_bytes() == garbage  # --no-recover leaves it exactly as it was

    now = datetime(2026, 11, 27, 8, 30, 5, tzinfo=UTC)
    with Ledger.open(path, now=now) as fresh:
        assert fresh.recovered_from == tmp_path / "ledger.sqlite3.corrupt-20261127T083005Z"
        assert fresh.recovered_from.read_bytes() == garbage
        assert fresh.count() == 0
        fresh.add_entry(entry())
    # A second corruption at the same second gets its own name.
    path.write_bytes(garbage)
    with Ledger.open(path, now=now) as again:
        assert again.recovered_from is not None
        assert again.recovered_from.name.endswith("-1")


def test_upsert_keeps_the_most_complete_row_and_reimport_adds_nothing(ledger: Ledger) -> None:
    first = entry(
        source="claude-code", source_ref="msg_1:req_1", tokens=TokenCounts(10, 0, 0, 0, 1)
    )
    final = entry(
        source="claude-code", source_ref="msg_1:req_1", tokens=TokenCounts(10, 0, 0, 0, 120)
    )
    stale = entry(
        source="claude-code", source_ref="msg_1:req_1", tokens=TokenCounts(10, 0, 0, 0, 50)
    )
    (a,) = ledger.add_entries([first])
    (b,) = ledger.add_entries([final])
    (c,) = ledger.add_entries([stale])
    assert a == b == c
    assert ledger.count() == 1
    assert ledger.entry(a).tokens.output_tokens == 120
    ledger.add_entries([first, final, stale], want_ids=False)
    assert ledger.count() == 1
    assert ledger.entry(a).tokens.output_tokens == 120


def test_import_state_is_saved_in_the_same_transaction(ledger: Ledger) -> None:
    ledger.add_entries(
        [entry(source="codex", source_ref="s:1")],
        state=("codex", {"files": {"a": 10}}),
        want_ids=False,
    )
    assert ledger.import_state("codex") == {"files": {"a": 10}}

    class BoomError(Exception):
        pass

    def exploding():  # type: ignore[no-untyped-def]
        yield entry(source="codex", source_ref="s:2")
        raise BoomError

    with pytest.raises(BoomError):
        ledger.add_entries(exploding(), state=("codex", {"files": {"a": 20}}), want_ids=False)
    assert ledger.count() == 1  # nothing half-imported
    assert ledger.import_state("codex") == {"files": {"a": 10}}


def test_history_pages_filters_and_totals(ledger: Ledger) -> None:
    ledger.add_entries(
        [
            entry(
                i,
                provider="openai" if i % 3 == 0 else "anthropic",
                model="gpt-5.5" if i % 3 == 0 else "claude-sonnet-4-6",
                note="refactor parser" if i == 7 else None,
            )
            for i in range(30)
        ]
    )
    ledger.add_entry(entry(31, cost_micros=None, currency=None, prompt_text="translate 你好"))
    page1 = ledger.history(limit=10)
    assert [e.at for e in page1] == sorted((e.at for e in page1), reverse=True)
    last = page1[-1]
    page2 = ledger.history(limit=10, before=(to_us(last.at), last.id))
    assert not {e.id for e in page1} & {e.id for e in page2}
    assert page2[0].at < last.at
    openai = HistoryFilter(providers=("openai",))
    assert ledger.count(openai) == 10
    assert all(e.provider == "openai" for e in ledger.history(openai))
    assert [e.note for e in ledger.history(HistoryFilter(text="parser"))] == ["refactor parser"]
    assert len(ledger.history(HistoryFilter(text="你好"))) == 1
    assert ledger.history(HistoryFilter(text="100%")) == []  # LIKE wildcards are escaped
    window = HistoryFilter(since=T0 + timedelta(minutes=10), until=T0 + timedelta(minutes=20))
    assert ledger.count(window) == 10
    totals = ledger.totals()
    assert totals.entries == 31
    assert totals.unpriced == 1
    assert totals.cost_micros == {"USD": 30 * 1234}


def test_plans_crud_and_assignment(ledger: Ledger) -> None:
    plan = Plan(
        name="Claude Max",
        kind=PlanKind.SUBSCRIPTION,
        currency="USD",
        amount_micros=200_000_000,
        providers=("anthropic",),
        models=("claude-*",),
        windows=(WindowCap(5, max_tokens=1_000_000), WindowCap(168, max_requests=900)),
        timezone="Asia/Shanghai",
        reset_day=31,
    )
    stored = ledger.add_plan(plan, now=T0)
    assert stored.id > 0
    assert stored.windows == plan.windows and stored.timezone == "Asia/Shanghai"
    with pytest.raises(LedgerError, match="already exists"):
        ledger.add_plan(plan, now=T0)
    other = ledger.add_plan(
        Plan(
            name="OpenAI API",
            kind=PlanKind.BUDGET,
            currency="USD",
            amount_micros=50_000_000,
            providers=("openai",),
        ),
        now=T0,
    )
    ledger.add_entries(
        [
            entry(1),  # matches Claude Max
            entry(2, provider="openai", model="gpt-5.5"),  # matches OpenAI API
            entry(3, plan_id=other.id),  # an anthropic entry explicitly assigned to OpenAI API
        ]
    )
    assert ledger.count(HistoryFilter(plan_id=stored.id)) == 1
    assert ledger.count(HistoryFilter(plan_id=other.id)) == 2
    assert ledger.find_plan("claude max").id == stored.id
    with pytest.raises(LedgerError, match="no plan named"):
        ledger.find_plan("nope")
    ledger.remove_plan(other.id)
    assert ledger.count() == 3  # entries outlive their plan, unassigned
    assert all(e.plan_id is None for e in ledger.history())


def test_delete_and_restore_is_an_undo(ledger: Ledger) -> None:
    ids = ledger.add_entries([entry(i, source="codex", source_ref=f"r{i}") for i in range(5)])
    removed = ledger.delete_entries(ids[1:3])
    assert ledger.count() == 3
    ledger.restore_entries(removed)
    assert ledger.count() == 5
    assert ledger.entry(ids[1]) == removed[0]


def test_alerts_are_remembered_once_per_period(ledger: Ledger) -> None:
    plan = ledger.add_plan(
        Plan(name="p", kind=PlanKind.BUDGET, currency="USD", amount_micros=1), now=T0
    )
    assert ledger.mark_alert_sent(plan.id, T0, 80, T0)
    assert not ledger.mark_alert_sent(plan.id, T0, 80, T0)
    assert ledger.alert_sent(plan.id, T0, 80)
    assert not ledger.alert_sent(plan.id, T0 + timedelta(days=30), 80)


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta
    from pathlib import Path
    from tokenbudget.core.entries import NewEntry, TokenCounts
    from tokenbudget.core.ledger import Ledger

    path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    ledger = Ledger.open(path)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(count):
        ledger.add_entries([NewEntry(at=start + timedelta(seconds=i), provider="openai",
            model="gpt-5.5", tokens=TokenCounts(i, 0, 0, 0, 1), cost_micros=i, currency="USD",
            source="test", source_ref=f"{tag}-{i}")], want_ids=False)
        print(i + 1, flush=True)
    """
)


def test_two_writers_at_once_never_see_database_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    Ledger.open(path).close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag, "300"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        for tag in ("a", "b")
    ]
    with Ledger.open(path) as reader:
        while any(p.poll() is None for p in procs):
            reader.count()  # a reader in the middle of it all, like the window
    for p in procs:
        _, err = p.communicate()
        assert p.returncode == 0, err
    with Ledger.open(path) as done:
        assert done.count() == 600


def test_sigkill_mid_stream_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "k", "100000"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    committed = 0
    for line in proc.stdout:
        committed = int(line)
        if committed >= 400:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    db.close()
    # Every commit the writer reported is there; at most the few it committed after the last
    # line we read (before the kill landed) are extra.
    assert rows >= committed
    with Ledger.open(path) as reopened:
        assert reopened.count() == rows
        assert reopened.recovered_from is None


def test_other_sources_take_the_newest_record(ledger: Ledger) -> None:
    """A re-imported CSV row names the same request: the latest record is the truth."""
    first = entry(source="csv", source_ref="chat:m1", tokens=TokenCounts(500, 0, 0, 0, 90))
    corrected = entry(source="csv", source_ref="chat:m1", tokens=TokenCounts(480, 0, 0, 0, 60))
    (a,) = ledger.add_entries([first])
    (b,) = ledger.add_entries([corrected])
    assert a == b
    assert ledger.entry(a).tokens == TokenCounts(480, 0, 0, 0, 60)


def test_duplicate_rule_is_one_table_for_sql_and_python(tmp_path: Path) -> None:
    """The ledger's upsert and ``replaces`` decide alike for every source in the table."""
    from tokenbudget.core.entries import DUPLICATE_WINNERS, replaces

    at = datetime(2026, 5, 1, tzinfo=UTC)
    small, large = TokenCounts(1, 0, 0, 0, 5), TokenCounts(1, 0, 0, 0, 9)
    with Ledger.open(tmp_path / "l.db") as ledger:
        for source in [*DUPLICATE_WINNERS, "codex", "csv"]:
            for first, second in ((small, large), (large, small), (large, large)):
                ref = f"{source}-{first.output_tokens}-{second.output_tokens}"
                made = [
                    NewEntry(at, "x", "m", tokens, None, None, source=source, source_ref=ref)
                    for tokens in (first, second)
                ]
                for entry in made:
                    ledger.add_entry(entry)
                stored = [e for e in ledger.history() if e.source_ref == ref]
                assert len(stored) == 1
                want = second if replaces(made[0], made[1]) else first
                assert stored[0].tokens == want, (source, first, second)
