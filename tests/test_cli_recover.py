"""``tokenbudget ledger recover`` end to end, on a ledger with a really damaged page.

The damage is the one ``tests/core/test_ledger_recovery.py`` makes: a leaf page of
``entries`` in the middle of the file is overwritten behind a valid header, so the ledger
opens, and every command that reads all the entries fails with the hint to recover.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tokenbudget import cli
from tokenbudget.core import paths
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import Ledger
from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.core.services import Service

T0 = datetime(2026, 9, 1, tzinfo=UTC)
COUNT = 3000


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def damaged(damage_entries_page: Callable[[Path], int]) -> dict[str, str]:
    """A damaged ledger where the command line looks for it; returns note by entry uid."""
    path = paths.ledger_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with Ledger.open(path) as ledger:
        plan = ledger.add_plan(
            Plan(name="Team", kind=PlanKind.BUDGET, currency="USD", amount_micros=10**9), now=T0
        )
        ledger.add_entries(
            [
                NewEntry(
                    at=T0 + timedelta(minutes=7 * i),
                    provider="openai",
                    model="gpt-5.5",
                    tokens=TokenCounts(100 + i, 0, 0, 0, 10),
                    cost_micros=1000 + i,
                    currency="USD",
                    source="codex",
                    source_ref=f"ref-{i}",
                    note=f"entry number {i} " + "lorem ipsum " * 10,
                    plan_id=plan.id if i % 3 == 0 else None,
                )
                for i in range(COUNT)
            ],
            want_ids=False,
        )
        written = {e.uid or "": e.note or "" for e in ledger.iter_entries()}
    damage_entries_page(path)
    return written


def test_recover_rebuilds_a_damaged_ledger_and_history_works_again(
    damaged: dict[str, str],
) -> None:
    code, _, err = run("history", "--csv")
    assert code == 1
    assert err.count("\n") == 1 and "tokenbudget ledger recover" in err

    code, out, err = run("ledger", "recover")
    assert code == 0, err
    backups = [
        p
        for p in paths.ledger_file().parent.iterdir()
        if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(backups) == 1 and backups[0].is_file()
    assert f"the damaged file is kept as {backups[0]}" in out
    kept_line = next(line for line in out.splitlines() if "kept:" in line)
    kept = int(kept_line.split("kept: 1 plans, ")[1].split(" entries")[0].replace(",", ""))
    assert 0 < COUNT - kept < COUNT // 10  # one page's rows lost, no more
    assert f"entries lost: {COUNT - kept:,}" in out
    assert "restart" in out and "Traceback" not in out + err

    code, out, err = run("history", "--json", "--limit", str(COUNT))
    assert code == 0, err
    entries = json.loads(out)
    assert len(entries) == kept
    assert all(damaged[e["id"]] == e["note"] for e in entries)  # the salvaged rows, intact
    code, out, _ = run("plan", "list", "--json")
    assert code == 0 and [p["name"] for p in json.loads(out)] == ["Team"]


def test_recover_reports_as_json(damaged: dict[str, str]) -> None:
    code, out, err = run("ledger", "recover", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ledger"] == str(paths.ledger_file())
    assert Path(report["backup"]).is_file() and ".corrupt-" in report["backup"]
    assert report["salvaged"]["plans"] == 1
    assert report["entries_expected"] == COUNT
    assert report["entries_lost"] == COUNT - report["salvaged"]["entries"] > 0
    assert report["damaged_stretches_skipped"] >= 1


def test_recover_closes_the_services_own_connection_first(damaged: dict[str, str]) -> None:
    service = Service()
    assert service.entries.count() == COUNT  # the ledger is open (the rollup still reads)
    report = service.entries.recover_ledger(now=datetime(2026, 12, 3, 9, tzinfo=UTC))
    kept = report.salvaged["entries"]
    # The service reads the rebuilt file, not the moved one it had open.
    assert service.entries.count() == kept < COUNT
    assert len(service.entries.history(limit=COUNT)) == kept
    service.close()


def test_recover_without_a_ledger_says_so_and_creates_nothing() -> None:
    code, out, err = run("ledger", "recover")
    assert code == 2
    assert err.startswith("tokenbudget: there is no ledger at ") and err.count("\n") == 1
    assert "nothing to recover" in err and out == ""
    assert not paths.ledger_file().exists()


def test_ledger_needs_an_action() -> None:
    code, _, err = run("ledger")
    assert code == 2 and "ledger needs an action: recover" in err


def test_recover_help_says_to_close_the_window_and_live_sync_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.run(["ledger", "recover", "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Close the tokenbudget window and stop live sync first" in text
