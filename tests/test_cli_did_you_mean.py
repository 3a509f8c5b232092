"""Unknown models and providers get "did you mean" from every command, and exit code 2."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tokenbudget import cli
from tokenbudget.core.model_names import closest, match_name


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hello\n")))


def test_the_helper() -> None:
    assert closest("gpt4o", ["gpt-4o", "gpt-4.1", "claude-opus-4-7"])[0] == "gpt-4o"
    assert closest("sonnet", ["claude-sonnet-4-6", "gpt-5"]) == ["claude-sonnet-4-6"]
    assert closest("zz", ["gpt-5"]) == []
    assert match_name("OpenAI", {"openai": "openai"}, "provider") == "openai"


@pytest.mark.parametrize(
    "argv",
    [
        ("history", "--model", "gpt4o"),
        ("report", "--model", "gpt4o"),
        ("count", "-m", "gpt4o"),
        ("log", "-m", "gpt4o", "-i", "10"),
        ("plan", "add", "P", "--kind", "budget", "--amount", "5", "--models", "gpt4o"),
    ],
)
def test_an_unknown_model(argv: tuple[str, ...]) -> None:
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert "'gpt4o'" in err and "did you mean gpt-4o" in err, err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ("history", "--provider", "opnai"),
        ("report", "--provider", "opnai"),
        ("log", "-m", "my-model", "--provider", "opnai", "-i", "10"),
        ("plan", "add", "P", "--kind", "budget", "--amount", "5", "--providers", "opnai"),
        ("models", "--provider", "opnai"),
    ],
)
def test_an_unknown_provider(argv: tuple[str, ...]) -> None:
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert "unknown provider 'opnai'; did you mean openai" in err, err


def test_a_tokenizer() -> None:
    code, _, err = run("count", "-t", "o200k")
    assert code == 2 and "did you mean o200k_base" in err


def test_names_are_matched_as_stored() -> None:
    assert run("log", "-m", "gpt-5.5", "-i", "10")[0] == 0
    assert run("log", "-m", "my-finetune", "--provider", "custom", "-i", "10")[0] == 0
    for argv in (
        ("--model", "GPT-5.5"),
        ("--provider", "OpenAI"),
        ("--provider", "gpt"),
        ("--model", "my-finetune"),  # in the ledger though not in the catalogue
    ):
        code, out, err = run("history", *argv, "--json")
        assert code == 0, err
        assert len(json.loads(out)) == 1, argv
    # a known model nobody used: no error, no rows
    code, out, _ = run("history", "--model", "claude-opus-4-7", "--json")
    assert code == 0 and json.loads(out) == []
    code, _, err = run(
        "plan", "add", "C", "--kind", "budget", "--amount", "5", "--models", "claude-*"
    )
    assert code == 0, err
