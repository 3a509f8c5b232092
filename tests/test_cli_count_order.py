"""``count``: the window's expected output by default, rows cheapest first, unpriced last."""

from __future__ import annotations

import io
import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from tokenbudget import cli
from tokenbudget.core import paths


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def count(tmp_path: Path, *argv: str) -> dict[str, Any]:
    prompt = tmp_path / "p.txt"
    prompt.write_text("Summarise this article in three bullet points.\n", encoding="utf-8")
    code, out, err = run("count", str(prompt), "--json", *argv)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_default_expected_output_is_the_windows_setting(tmp_path: Path) -> None:
    assert count(tmp_path, "-m", "gpt-5.5")["output_tokens"] == 500
    settings = paths.config_dir() / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"output_tokens": 1234}), encoding="utf-8")
    data = count(tmp_path, "-m", "gpt-5.5")
    assert data["output_tokens"] == 1234
    assert D(data["results"][0]["output_cost"]) == 1234 * D("0.00003")
    assert count(tmp_path, "-m", "gpt-5.5", "-o", "0")["output_tokens"] == 0


def test_rows_are_cheapest_first_with_unpriced_and_tokenizers_last(tmp_path: Path) -> None:
    overrides = paths.price_overrides_file()
    overrides.parent.mkdir(parents=True)
    overrides.write_text(
        json.dumps({"my-model": {"litellm_provider": "local", "tokenizer": "o200k_base"}}),
        encoding="utf-8",
    )
    names = ["my-model", "claude-opus-4-7", "gpt-5.5-pro", "gpt-5.4-mini", "claude-sonnet-4-6"]
    argv = [a for m in names for a in ("-m", m)]
    data = count(tmp_path, *argv, "-t", "cl100k_base")
    order = [r["model"] or r["tokenizer"] for r in data["results"]]
    assert order == [
        "gpt-5.4-mini",
        "claude-sonnet-4-6",
        "claude-opus-4-7",
        "gpt-5.5-pro",
        "my-model",
        "cl100k_base",
    ]
    totals = [D(r["total_cost"]) for r in data["results"] if r["priced"]]
    assert totals == sorted(totals)


def test_the_default_table_is_sorted_by_total(tmp_path: Path) -> None:
    prompt = tmp_path / "p.txt"
    prompt.write_text("hello\n", encoding="utf-8")
    code, out, err = run("count", str(prompt), "--json")
    assert code == 0, err
    usd = [D(r["total_cost"]) for r in json.loads(out)["results"] if r["currency"] == "USD"]
    assert usd == sorted(usd) and len(usd) > 3
    code, out, _ = run("count", str(prompt))
    assert "expected output 500 tokens" in out
