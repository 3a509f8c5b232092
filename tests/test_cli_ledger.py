"""The ledger commands end to end: plans, log, status, history, import, export."""

from __future__ import annotations

import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from tokenbudget import cli
from tokenbudget.core import paths


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 0, err
    return out


def test_plan_lifecycle() -> None:
    out = ok(
        "plan",
        "add",
        "Claude Max",
        "--kind",
        "subscription",
        "--amount",
        "200",
        "--providers",
        "anthropic",
        "--windows",
        "5h:tokens=1000000,requests=200; 7d:requests=900",
        "--monthly-tokens",
        "50000000",
    )
    assert "Added plan 1: Claude Max: subscription $200.00/month" in out
    ok(
        "plan",
        "add",
        "OpenAI API",
        "--kind",
        "budget",
        "--amount",
        "50",
        "--providers",
        "openai",
        "--reset-day",
        "31",
        "--timezone",
        "Asia/Shanghai",
    )
    plans = json.loads(ok("plan", "list", "--json"))
    assert [p["name"] for p in plans] == ["Claude Max", "OpenAI API"]
    assert plans[0]["windows"] == [
        {"hours": 5, "max_tokens": 1000000, "max_requests": 200},
        {"hours": 168, "max_tokens": None, "max_requests": 900},
    ]
    ok("plan", "edit", "openai api", "--amount", "75", "--rename", "OpenAI")
    assert "OpenAI: budget $75.00/month from day 31" in ok("plan", "list")
    ok("plan", "remove", "OpenAI")
    assert "OpenAI" not in ok("plan", "list")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("plan", "add", "x", "--amount", "-5"), "amount: amount must be greater than 0"),
        (("plan", "add", "x", "--amount", "5", "--currency", "XYZ"), "unknown currency"),
        (
            ("plan", "add", "x", "--amount", "5", "--reset-day", "40"),
            "reset day is a day of the month",
        ),
        (
            (
                "plan",
                "add",
                "x",
                "--kind",
                "subscription",
                "--amount",
                "5",
                "--monthly-tokens",
                "0",
            ),
            "greater than 0",
        ),
        (("plan", "edit", "nope", "--amount", "5"), "no plan named 'nope'"),
        (("log", "-m", "gpt-5.5", "-i", "-3"), "must be 0 or more"),
        (("log", "-m", "gpt-5.55", "-i", "3"), "unknown model 'gpt-5.55'"),
        (("log", "-m", "gpt-5.5", "--cost", "1"), "--cost needs --currency"),
        (("history", "--since", "yesterday"), "is not a date or time"),
    ],
)
def test_bad_values_exit_2_with_one_line(argv: tuple[str, ...], message: str) -> None:
    code, _out, err = run(*argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_duplicate_plan_name_exits_2() -> None:
    ok("plan", "add", "A", "--amount", "5")
    code, _, err = run("plan", "add", "a", "--amount", "5")
    assert code == 2 and "already exists" in err


def test_log_prices_from_the_catalogue_and_status_shows_it() -> None:
    ok("plan", "add", "OpenAI API", "--kind", "budget", "--amount", "1", "--providers", "openai")
    out = ok("log", "-m", "gpt-5.5", "-i", "100000", "-o", "10000", "--note", "batch job")
    # $5 / M input + $30 / M output: 0.50 + 0.30
    assert "$0.800000" in out
    status = json.loads(ok("status", "--json"))
    (plan,) = status
    assert D(plan["spent"]) == D("0.8")
    assert D(plan["remaining"]) == D("0.2")
    assert plan["caps"][0]["label"] == "budget"
    assert D(plan["caps"][0]["percent"]) == D("80")
    assert plan["crossed_thresholds"] == [50, 80]
    text = ok("status")
    assert "OpenAI API (budget" in text and "80.0%" in text


def test_long_prompts_are_priced_at_the_long_context_rate() -> None:
    # 1M input passes gpt-5.5's 272k threshold: $10 / M input and $45 / M output apply.
    out = ok("log", "-m", "gpt-5.5", "-i", "1000000", "-o", "100000")
    assert "$14.50" in out


def test_explicit_cost_and_plan_assignment() -> None:
    ok("plan", "add", "Team", "--amount", "100", "--currency", "CNY")
    ok(
        "log",
        "-m",
        "my-local-model",
        "--provider",
        "local",
        "-i",
        "10",
        "--cost",
        "12.5",
        "--currency",
        "CNY",
        "--plan",
        "Team",
    )
    (entry,) = json.loads(ok("history", "--json"))
    assert entry["model"] == "my-local-model"
    assert entry["cost"] == "12.5" and entry["currency"] == "CNY"
    (plan,) = json.loads(ok("status", "--json"))
    assert D(plan["spent"]) == D("12.5")


def test_unpriced_entry_is_counted_apart() -> None:
    ok("plan", "add", "All", "--amount", "10")
    ok("log", "-m", "mystery-model", "--provider", "local", "-i", "10")
    (plan,) = json.loads(ok("status", "--json"))
    assert plan["unpriced_entries"] == 1
    assert D(plan["spent"]) == 0
    assert "unpriced" in ok("history")


def test_history_filters_and_csv_export_round_trip(tmp_path: Path) -> None:
    for model, provider in (
        ("gpt-5.5", "openai"),
        ("claude-sonnet-4-6", "anthropic"),
        ("gpt-5.4-mini", "openai"),
    ):
        ok(
            "log",
            "-m",
            model,
            "--provider",
            provider,
            "-i",
            "1000",
            "-o",
            "10",
            "--at",
            "2026-11-20T10:00:00+00:00",
        )
    assert len(json.loads(ok("history", "--json", "--provider", "openai"))) == 2
    assert len(json.loads(ok("history", "--json", "--model", "claude-sonnet-4-6"))) == 1
    assert json.loads(ok("history", "--json", "--since", "2026-11-21T00:00:00+00:00")) == []
    csv_text = ok("history", "--csv")
    assert csv_text.splitlines()[0].startswith("id,time_utc,provider,model")
    export = tmp_path / "spend.csv"
    assert "Exported 3 entries" in ok("export", str(export))
    # Importing our own export into a fresh ledger gives the same entries and costs.
    paths.ledger_file().unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(paths.ledger_file()) + suffix).unlink(missing_ok=True)
    out = ok("import", "csv", str(export))
    assert "Imported 3 new or updated entries" in out
    again = ok("import", "csv", str(export))
    assert again == f"csv: Nothing new in {export}.\n"
    rows = json.loads(ok("history", "--json"))
    assert sorted(r["model"] for r in rows) == ["claude-sonnet-4-6", "gpt-5.4-mini", "gpt-5.5"]


def test_corrupt_ledger_is_moved_aside_or_refused() -> None:
    db = paths.ledger_file()
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 1000)
    code, _, err = run("--no-recover", "status")
    assert code == 1
    assert "not a usable database" in err and err.count("\n") == 1
    assert db.read_bytes() == b"garbage" * 1000
    code, _out, err = run("status")
    assert code == 0
    assert "moved to" in err and ".corrupt-" in err
    assert list(db.parent.glob("ledger.sqlite3.corrupt-*"))


def test_import_reports_missing_paths() -> None:
    code, _, err = run("import", "claude-code", "/nonexistent/dir")
    assert code == 2 and "no such file or folder" in err


@pytest.mark.parametrize(
    ("mode", "kept"),
    [("none", None), ("preview", "preview"), ("full", "full")],
)
def test_recording_an_estimate_keeps_prompt_text_as_the_privacy_setting_says(
    tmp_path: Path, mode: str, kept: str | None
) -> None:
    text = "Explain this function:\n" + "x " * 300
    prompt = tmp_path / "p.txt"
    prompt.write_text(text, encoding="utf-8")
    ok("privacy", mode)
    out = ok(
        "count", str(prompt), "-m", "gpt-5.5", "-o", "500", "--record", "--note", "from the CLI"
    )
    assert "Recorded entry 1: gpt-5.5" in out
    (row,) = json.loads(ok("history", "--json"))
    assert row["source"] == "estimate"
    assert row["output_tokens"] == 500
    assert row["note"] == "from the CLI"
    from tokenbudget.core.ledger import Ledger

    with Ledger.open(paths.ledger_file()) as ledger:
        stored = ledger.entry(1).prompt_text
    if kept == "full":
        assert stored == text
    elif kept == "preview":
        # white space folded, the first 199 characters, an ellipsis: 200 in all
        assert stored == " ".join(text.split())[:199] + "…"
    else:
        assert stored is None


def test_record_needs_exactly_one_model(tmp_path: Path) -> None:
    prompt = tmp_path / "p.txt"
    prompt.write_text("hi", encoding="utf-8")
    code, _, err = run("count", str(prompt), "--record")
    assert code == 2 and "exactly one --model" in err
