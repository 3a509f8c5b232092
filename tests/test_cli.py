"""The command line: output, JSON shape, exit codes and one-line errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from tokenbudget import cli
from tokenbudget.core import paths


def run(
    *argv: str, stdin: bytes | None = None, monkeypatch: pytest.MonkeyPatch | None = None
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def count_json(*argv: str, text: str, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "prompt.txt"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("count", str(path), "--json", *argv)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def by_model(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["model"]: r for r in data["results"] if r["model"]}


def test_count_a_file_with_the_default_models(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("Summarise this article in three bullet points.\n", encoding="utf-8")
    code, out, err = run("count", str(path))
    assert code == 0, err
    assert err == ""
    for model in ("gpt-5.5", "claude-sonnet-4-6", "deepseek-v4-flash", "qwen-plus", "glm-5.3"):
        assert model in out
    assert "~ estimate" in out  # Claude rows are estimates and say so


def test_count_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run("count", "-m", "gpt-5.5", stdin=b"hello world", monkeypatch=monkeypatch)
    assert code == 0
    assert "gpt-5.5" in out


def test_json_shape_and_exact_money(tmp_path: Path) -> None:
    data = count_json(
        "-m",
        "gpt-5.5",
        "-m",
        "claude-opus-4-7",
        "-t",
        "cl100k_base",
        "-o",
        "1000",
        text="hello world",
        tmp_path=tmp_path,
    )
    assert data["chars"] == 11
    gpt, claude = (by_model(data)[m] for m in ("gpt-5.5", "claude-opus-4-7"))
    raw = data["results"][-1]  # raw tokenizer rows come after the models
    keys = {
        "model",
        "provider",
        "tokenizer",
        "tokens",
        "exact",
        "method",
        "context_window",
        "input_cost",
        "output_cost",
        "total_cost",
        "currency",
    }
    assert keys <= gpt.keys()
    assert gpt["model"] == "gpt-5.5"
    assert gpt["provider"] == "OpenAI"
    assert gpt["tokenizer"] == "o200k_base"
    assert gpt["tokens"] == 2  # "hello world" is 2 o200k tokens
    assert gpt["exact"] is True
    assert gpt["currency"] == "USD"
    # $5 / M input, $30 / M output (bundled snapshot)
    assert D(gpt["input_cost"]) == D("0.00001")
    assert D(gpt["output_cost"]) == D("0.03")
    assert D(gpt["total_cost"]) == D("0.03001")
    assert claude["exact"] is False
    assert claude["method"].startswith("estimate:")
    assert raw["model"] is None
    assert raw["tokenizer"] == "cl100k_base"
    assert raw["total_cost"] is None


def test_same_vocabulary_is_counted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenbudget.core import tokenizers

    calls: list[str] = []
    real = tokenizers.TokenizerRegistry.count

    def spy(self: tokenizers.TokenizerRegistry, tokenizer_id: str, text: str) -> int:
        calls.append(tokenizer_id)
        return real(self, tokenizer_id, text)

    monkeypatch.setattr(tokenizers.TokenizerRegistry, "count", spy)
    models = ("-m", "gpt-5.5", "-m", "gpt-5.4-mini", "-m", "gpt-4o", "-t", "o200k_base")
    count_json(*models, text="hi there", tmp_path=tmp_path)
    assert calls == ["o200k_base"]


def test_unknown_model_exits_2_with_suggestions(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("x", encoding="utf-8")
    code, out, err = run("count", str(path), "-m", "gpt-5.55")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown model 'gpt-5.55'" in err
    assert "gpt-5.5" in err


def test_unknown_tokenizer_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("x", encoding="utf-8")
    code, _, err = run("count", str(path), "-t", "o200k")
    assert code == 2
    assert "unknown tokenizer 'o200k'" in err and "o200k_base" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_files_that_are_not_text_exit_2_with_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(content)
    code, out, err = run("count", str(path))
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1


def test_missing_file_and_directory_exit_2(tmp_path: Path) -> None:
    code, _, err = run("count", str(tmp_path / "nope.txt"))
    assert code == 2 and "no such file" in err
    code, _, err = run("count", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_bad_usage_exits_2_with_one_line() -> None:
    code, _, err = run("count", "--output-tokens", "-5")
    assert code == 2
    assert "must be 0 or more" in err
    assert err.count("\n") == 1
    code, _, err = run("frobnicate")
    assert code == 2 and err.count("\n") == 1


def test_utf8_bom_is_not_counted(tmp_path: Path) -> None:
    with_bom = count_json("-t", "o200k_base", text="\ufeffhello", tmp_path=tmp_path)
    without = count_json("-t", "o200k_base", text="hello", tmp_path=tmp_path)
    assert with_bom["results"][0]["tokens"] == without["results"][0]["tokens"] == 1


def test_empty_file_counts_zero(tmp_path: Path) -> None:
    data = count_json(
        "-m", "gpt-5.5", "-m", "claude-sonnet-4-6", "-o", "0", text="", tmp_path=tmp_path
    )
    assert [r["tokens"] for r in data["results"]] == [0, 0]
    assert D(by_model(data)["gpt-5.5"]["total_cost"]) == 0


def test_special_token_text_is_ordinary_text(tmp_path: Path) -> None:
    data = count_json(
        "-t",
        "o200k_base",
        "-t",
        "qwen2",
        "-t",
        "deepseek-v3",
        text="<|endoftext|><|im_start|>",
        tmp_path=tmp_path,
    )
    assert all(r["tokens"] > 2 for r in data["results"])


def test_unpriced_model_is_never_free(tmp_path: Path) -> None:
    overrides = paths.price_overrides_file()
    overrides.parent.mkdir(parents=True)
    overrides.write_text(
        json.dumps({"my-model": {"litellm_provider": "local", "tokenizer": "o200k_base"}}),
        encoding="utf-8",
    )
    data = count_json("-m", "my-model", text="hello", tmp_path=tmp_path)
    (row,) = data["results"]
    assert row["tokens"] == 1
    assert row["total_cost"] is None
    assert row["priced"] is False
    code, out, _ = run("count", str(tmp_path / "prompt.txt"), "-m", "my-model")
    assert code == 0
    assert "unpriced" in out


def test_cny_list_price_and_currency_conversion(tmp_path: Path) -> None:
    data = count_json(
        "-m", "deepseek-v4-pro", "-m", "gpt-5.5", "-o", "1000000", text="hi", tmp_path=tmp_path
    )
    deepseek, gpt = by_model(data)["deepseek-v4-pro"], by_model(data)["gpt-5.5"]
    # ¥27 per million output tokens (cited list price), at the bundled ECB rate of 2026-10-30
    ecb_cny = D("7.4326") / D("1.1172")
    assert deepseek["currency"] == "USD" and deepseek["converted"] is True
    assert D(deepseek["output_cost"]) == D("27") / ecb_cny
    assert deepseek["rates"] == [
        {"currency": "CNY", "per_usd": str(ecb_cny), "as_of": "2026-10-30", "source": "ECB"}
    ]
    assert gpt["currency"] == "USD" and gpt["converted"] is False

    code, _, err = run("count", str(tmp_path / "prompt.txt"), "--currency", "TWD", "-m", "gpt-5.5")
    assert code == 2 and "no exchange rate for TWD" in err

    assert run("rates", "set", "CNY", "7.2", "--date", "2026-11-20")[0] == 0
    code, out, _ = run("rates", "list")
    assert "1 USD = 7.2 CNY (yours, as of 2026-11-20)" in out
    assert "EUR (ECB 2026-10-30, bundled)" in out
    data = count_json(
        "-m", "gpt-5.5", "-o", "1000000", "--currency", "CNY", text="hi", tmp_path=tmp_path
    )
    (row,) = data["results"]
    assert row["currency"] == "CNY"
    assert row["converted"] is True
    assert D(row["output_cost"]) == D("216")  # $30 x 7.2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("rates", "set", "XYZ", "2"), "unknown currency"),
        (("rates", "set", "CNY", "-1"), "must be greater than 0"),
        (("rates", "set", "CNY", "abc"), "not a number"),
        (("rates", "set", "CNY", "7", "--date", "yesterday"), "not YYYY-MM-DD"),
        (("currency", "ABC"), "unknown currency"),
    ],
)
def test_bad_rates_and_currencies_exit_2(argv: tuple[str, ...], message: str) -> None:
    code, _, err = run(*argv)
    assert code == 2
    assert message in err


def test_display_currency_setting_is_used(tmp_path: Path) -> None:
    run("rates", "set", "EUR", "0.9")
    assert run("currency", "EUR")[0] == 0
    data = count_json("-m", "gpt-5.5", "-o", "1000000", text="hi", tmp_path=tmp_path)
    assert data["results"][0]["currency"] == "EUR"
    assert D(data["results"][0]["output_cost"]) == D("27")


def test_models_lists_prices_with_dates() -> None:
    code, out, _ = run("models", "--provider", "deepseek", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows and all(r["provider"] == "DeepSeek" for r in rows)
    assert all(r["checked"] and r["source"] for r in rows)
    code, out, _ = run("models")
    assert code == 0 and "claude-opus-4-7" in out and "Checked" in out
    code, _, err = run("models", "--provider", "nobody")
    assert code == 2 and "unknown provider" in err


def test_tokenizers_lists_sources_and_licences() -> None:
    code, out, _ = run("tokenizers", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {r["id"] for r in rows} == {
        "o200k_base",
        "cl100k_base",
        "deepseek-v3",
        "qwen2",
        "qwen3.5",
        "mistral-tekken",
        "gemma3",
        "glm-5",
        "minimax-m2",
    }
    assert all(r["licence"] and r["source"] for r in rows)


def test_prices_update_offline_fails_cleanly_and_changes_nothing() -> None:
    code, _, err = run("prices", "update", "--from", "https://prices.example.invalid/p.json")
    assert code == 1
    assert err.startswith("tokenbudget: ") and err.count("\n") == 1
    assert not (paths.price_snapshot_dir() / "litellm_snapshot.json").exists()


def test_prices_update_from_a_file_is_used_by_count(tmp_path: Path) -> None:
    snapshot = json.loads(
        (paths.resources_dir() / "prices" / "litellm_snapshot.json").read_text("utf-8")
    )
    raw = {
        entry["litellm_key"]: {k: v for k, v in entry.items() if k != "litellm_key"}
        for entry in snapshot.values()
    }
    raw["gpt-5.5"]["input_cost_per_token"] = 1e-05
    source = tmp_path / "litellm.json"
    source.write_text(json.dumps(raw), encoding="utf-8")
    code, out, err = run("prices", "update", "--from", str(source))
    assert code == 0, err
    assert "re-priced: 1\n    gpt-5.5: input 5 → 10 (prices per million tokens)" in out
    data = count_json("-m", "gpt-5.5", text="hello world", tmp_path=tmp_path)
    assert D(data["results"][0]["input_cost"]) == D("0.00002")


def test_malformed_override_file_is_one_line_exit_1(tmp_path: Path) -> None:
    overrides = paths.price_overrides_file()
    overrides.parent.mkdir(parents=True)
    overrides.write_text("{broken", encoding="utf-8")
    path = tmp_path / "p.txt"
    path.write_text("x", encoding="utf-8")
    code, _, err = run("count", str(path), "-m", "gpt-5.5")
    assert code == 1
    assert str(overrides) in err and err.count("\n") == 1


def test_no_arguments_prints_help() -> None:
    code, out, _ = run()
    assert code == 0
    assert "count" in out and "models" in out


def test_real_process_exit_codes_and_no_traceback(tmp_path: Path) -> None:
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02")
    env = {**os.environ, "TOKENBUDGET_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "tokenbudget", "count", str(binary)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_50_mb_file_counts(tmp_path: Path) -> None:
    block = (
        "The quick brown fox jumps over the lazy dog; the budget counts every token.\n"
        "def f(x):\n    return [i * 2 for i in range(x) if i % 3]\n"
        "今天我们讨论大型语言模型的费用，以及如何控制每月的预算。\n"
    )
    path = tmp_path / "big.txt"
    reps = 50_000_000 // len(block.encode()) + 1
    path.write_text(block * reps, encoding="utf-8")
    assert path.stat().st_size >= 50_000_000
    code, out, err = run(
        "count",
        str(path),
        "--json",
        "-m",
        "gpt-5.5",
        "-m",
        "deepseek-v4-flash",
        "-m",
        "claude-sonnet-4-6",
    )
    assert code == 0, err
    found = by_model(json.loads(out))
    results = [found[m] for m in ("gpt-5.5", "deepseek-v4-flash", "claude-sonnet-4-6")]
    one_found = by_model(
        json.loads(
            run(
                "count",
                "--json",
                "-m",
                "gpt-5.5",
                "-m",
                "deepseek-v4-flash",
                str(_write(tmp_path / "one.txt", block)),
            )[1]
        )
    )
    one = [one_found[m] for m in ("gpt-5.5", "deepseek-v4-flash")]
    # A file of N identical blocks whose joins are safe cuts counts exactly N times one block.
    assert results[0]["tokens"] == reps * one[0]["tokens"]
    assert results[1]["tokens"] == reps * one[1]["tokens"]
    assert results[2]["tokens"] > results[0]["tokens"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
