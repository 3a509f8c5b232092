"""Every command that prints data takes ``--json``; each output parses and has its fields."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tokenbudget import cli
from tokenbudget.core.secrets import mask

KEY = "sk-test-0123456789abcdef"


def run_json(*argv: str) -> Any:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run([*argv, "--json"], out=out, err=err)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def test_log_prints_the_entry() -> None:
    entry = run_json("log", "-m", "gpt-5.5", "-i", "1000", "-o", "200", "--note", "n")
    assert entry["model"] == "gpt-5.5" and entry["provider"] == "openai"
    assert entry["input_tokens"] == 1000 and entry["output_tokens"] == 200
    assert entry["cost"] == "0.011" and entry["currency"] == "USD"
    assert entry["note"] == "n" and entry["id"].startswith("u:")  # the same on every device
    # history --json gives the same shape
    assert run_json("history")[0] == entry


def test_rates_list() -> None:
    bundled = {r["currency"]: r for r in run_json("rates", "list")}
    assert bundled["CNY"]["origin"] == "bundled" and bundled["CNY"]["source"] == "ECB"
    out = io.StringIO()
    assert cli.run(["rates", "set", "CNY", "7.1", "--date", "2026-11-01"], out, io.StringIO()) == 0
    rates = {r["currency"]: r for r in run_json("rates", "list")}
    assert rates["CNY"]["per_usd"] == "7.1" and rates["CNY"]["as_of"] == "2026-11-01"
    assert rates["CNY"]["origin"] == "yours"


def test_currency_and_privacy() -> None:
    assert run_json("currency") == {"display_currency": "USD"}
    assert run_json("currency", "EUR") == {"display_currency": "EUR"}
    assert run_json("privacy") == {"prompt_text": "preview"}


def test_keys_list(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    from tests.core.test_secrets import DictKeyring

    backend = DictKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    monkeypatch.setattr(sys, "stdin", io.StringIO(KEY + "\n"))
    assert cli.run(["keys", "set", "openai"], io.StringIO(), io.StringIO()) == 0
    data = run_json("keys", "list")
    assert data["usable"] is True and data["keyring"]
    keys = {k["provider"]: k for k in data["keys"]}
    assert keys["openai"]["key"] == mask(KEY) and keys["openai"]["name"] == "OpenAI"
    assert keys["anthropic"]["key"] is None
    assert KEY not in json.dumps(data)


def test_limits_sources_status_plans_report() -> None:
    assert run_json("limits") == []
    sources = run_json("sources")
    assert {"claude-code", "codex"} <= {s["name"] for s in sources}
    plan = run_json("plan", "add", "API", "--kind", "budget", "--amount", "50")
    assert plan["name"] == "API" and plan["amount"] == "50" and plan["kind"] == "budget"
    assert run_json("plan", "list")[0]["id"] == plan["id"]
    edited = run_json("plan", "edit", "API", "--amount", "60")
    assert edited["amount"] == "60"
    assert run_json("status")[0]["plan"] == "API"
    run_json("log", "-m", "gpt-5.5", "-i", "10")
    assert run_json("report", "--by", "model")[0]["key"] == "gpt-5.5"
    removed = run_json("plan", "remove", "API")
    assert removed["removed"] is True and removed["id"] == plan["id"]


def test_import_and_export(tmp_path: Path) -> None:
    csv = tmp_path / "usage.csv"
    csv.write_text(
        "time_utc,provider,model,input_tokens,output_tokens,cost,currency\n"
        "2026-11-01T10:00:00Z,openai,gpt-5.5,100,10,0.001,USD\n",
        encoding="utf-8",
    )
    reports = run_json("import", "csv", str(csv))
    assert reports[0]["importer"] and reports[0]["entries"] == 1
    assert reports[0]["problems"] == [] and reports[0]["files_read"] == 1
    assert run_json("import") == []  # no coding tool's logs in the test home
    target = tmp_path / "out.csv"
    assert run_json("export", str(target)) == {"file": str(target), "entries": 1}


def test_catalogue_commands() -> None:
    models = run_json("models", "--provider", "xai")
    assert all(m["provider"] == "xAI" and "retired" in m for m in models)
    assert run_json("tokenizers")[0]["id"]
    report = run_json("count", "-m", "gpt-5.5")  # reads standard input
    assert report["results"][0]["model"] == "gpt-5.5"


@pytest.fixture(autouse=True)
def _stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello world\n")))
