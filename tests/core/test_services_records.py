"""The services the history, the budgets view and live sync call (no Qt, no part handed out)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tokenbudget.core.errors import LedgerError
from tokenbudget.core.services import HistoryJobs, Service
from tokenbudget.core.types import (
    HistoryFilter,
    NewEntry,
    Plan,
    PlanKind,
    Snapshot,
    SyncReport,
    TokenCounts,
    WatchRoot,
)

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def manual(n: int, *, model: str = "gpt-5.5", plan_id: int | None = None) -> NewEntry:
    return NewEntry(
        at=NOW - timedelta(minutes=n),
        provider="openai",
        model=model,
        tokens=TokenCounts(input_tokens=1000, output_tokens=100),
        cost_micros=1_500_000,
        currency="USD",
        source="manual",
        note=f"entry {n}",
        prompt_text=None,
        plan_id=plan_id,
    )


def test_history_jobs_read_on_another_thread_with_a_connection_of_their_own(
    service: Service, tmp_path: Path
) -> None:
    for n in range(5):
        service.entries.record(manual(n))
    jobs = service.entries.jobs()
    assert isinstance(jobs, HistoryJobs)
    found: list[Snapshot] = []
    worker = threading.Thread(target=lambda: found.append(jobs.snapshot(HistoryFilter())))
    worker.start()
    worker.join(10)
    (snap,) = found  # SQLite refuses a connection made on another thread: this one is its own
    assert snap.totals.entries == 5
    assert snap.row_map.total == 5
    assert snap.choices.models == ("gpt-5.5",)
    target = tmp_path / "out.csv"
    assert jobs.export_csv(HistoryFilter(), target) == 5
    assert len(target.read_text(encoding="utf-8").splitlines()) == 6  # a header and 5 rows


def test_a_page_of_the_history_is_read_through_the_service(service: Service) -> None:
    for n in range(5):
        service.entries.record(manual(n))
    snap = service.entries.jobs().snapshot(HistoryFilter())
    page = service.entries.page(snap.row_map, 1, 3)
    assert [e.note for e in page if e is not None] == ["entry 1", "entry 2", "entry 3"]


def test_jobs_are_refused_when_the_ledger_cannot_open(service: Service, tmp_path: Path) -> None:
    service.recover_ledger = False
    Path(service.ledger_location).parent.mkdir(parents=True, exist_ok=True)
    Path(service.ledger_location).mkdir()  # a folder where the database should be
    with pytest.raises(LedgerError):
        service.entries.jobs()


def test_an_edited_entry_is_priced_from_the_catalogue(service: Service) -> None:
    tokens = TokenCounts(input_tokens=1000, output_tokens=100)
    micros, currency = service.entries.price("openai/gpt-5.5", tokens)
    assert currency == "USD" and micros is not None and micros > 0
    assert service.entries.price("gpt-5.5", tokens) == (micros, currency)
    assert service.entries.price("no-such-model", tokens) == (None, None)
    found = service.entries.find_model("openai/gpt-5.5")
    assert found is not None and found.id == "gpt-5.5"
    assert "gpt-5.5" in service.entries.model_ids()
    assert service.entries.model_ids() == sorted(service.entries.model_ids())


def test_plan_cards_and_assigned_entries(service: Service) -> None:
    plan = service.plans.add(
        Plan(name="Budget", kind=PlanKind.BUDGET, currency="USD", amount_micros=10_000_000),
        now=NOW - timedelta(days=1),
    )
    service.entries.record(manual(1, plan_id=plan.id))
    service.entries.record(manual(2))
    (card,) = service.plans.cards(NOW)
    assert card.status.plan.id == plan.id
    assert service.plans.assigned_entries(plan.id) == 1


def test_balances_are_checked_only_for_prepaid_plans_with_checking_on(service: Service) -> None:
    prepaid = Plan(
        name="Top-up",
        kind=PlanKind.PREPAID,
        currency="CNY",
        amount_micros=100_000_000,
        providers=("DeepSeek", "openai"),
    )
    assert service.plans.balance_providers(prepaid) == []  # checking is off by default
    service.settings.set("balance_check", {"deepseek": True})
    assert service.plans.balance_providers(prepaid) == ["deepseek"]
    budget = Plan(name="B", kind=PlanKind.BUDGET, currency="USD", amount_micros=1)
    assert service.plans.balance_providers(budget) == []
    # With no key stored the check asks nobody and reports nothing.
    assert service.plans.balance_check(("deepseek",), NOW)() == {}


def test_live_sync_through_the_imports_service(service: Service, tmp_path: Path) -> None:
    projects = tmp_path / ".claude" / "projects"
    (projects / "-home-dev-app").mkdir(parents=True)
    root = WatchRoot("claude-code", projects.resolve())
    log = root.path / "-home-dev-app" / "s1.jsonl"
    row = {
        "type": "assistant",
        "timestamp": "2026-11-20T09:00:01.000Z",
        "requestId": "req_1",
        "message": {
            "id": "msg_1",
            "model": "claude-sonnet-4-5-20250929",
            "usage": {"input_tokens": 101, "output_tokens": 10},
        },
    }
    log.write_text(json.dumps(row) + "\n")
    assert service.imports.reads("claude-code", log)
    assert not service.imports.reads("no-such-importer", log)
    dirs, files = service.imports.watch_targets([root], NOW)
    assert root.path in dirs and log in files
    assert service.imports.sync([log], [root], now=NOW) == SyncReport(records=1)
    assert service.imports.sync([log], [root], now=NOW) == SyncReport()  # nothing new
    assert service.entries.count() == 1


def test_record_many_prices_what_has_no_cost_and_keeps_what_has_one(service: Service) -> None:
    tokens = TokenCounts(input_tokens=1_000_000, output_tokens=0)
    given = NewEntry(NOW, "openai", "gpt-5.5", tokens, 7_000_000, "USD", source="manual")
    unpriced = NewEntry(NOW, "openai", "gpt-5.5", tokens, None, None, source="manual")
    service.entries.record_many([given, unpriced])
    stored = {e.cost_micros for e in service.entries.iter_entries()}
    assert 7_000_000 in stored
    assert service.entries.price("gpt-5.5", tokens)[0] in stored
    assert service.entries.count() == 2


def test_the_windows_export_refuses_a_pipe_as_the_command_line_does(
    service: Service, tmp_path: Path
) -> None:
    """One export writer for both faces: a target that is no regular file is never replaced."""
    import os
    import stat

    from tokenbudget.core.errors import UserInputError

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    jobs = service.entries.jobs()
    with pytest.raises(UserInputError, match="a pipe, not a regular file"):
        jobs.export_csv(HistoryFilter(), fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert not (tmp_path / "pipe.part").exists()
