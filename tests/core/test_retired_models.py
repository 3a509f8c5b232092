"""Retired models: past their deprecation date they stay priced but leave the defaults."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from tokenbudget.cli import run
from tokenbudget.core.catalog import DEFAULT_MODELS
from tokenbudget.core.costing import Usage, request_cost
from tokenbudget.core.services import Service

RETIRED = ("claude-sonnet-4-5", "gemini-2.5-pro", "gemini-2.5-flash")
AFTER = date(2026, 12, 5)


@pytest.mark.parametrize("model", RETIRED)
def test_retired_on_their_date_and_still_priced(model: str) -> None:
    info = Service().counting.model(model)
    assert info.deprecated is not None
    assert not info.retired(date(2026, 11, 29))
    assert info.retired(info.deprecated) and info.retired(AFTER)
    assert info.pricing is not None
    assert request_cost(info.pricing, Usage(1000, 100)).total > D(0)


def test_defaults_hold_no_retired_model() -> None:
    assert not set(RETIRED) & set(DEFAULT_MODELS)
    defaults = Service().counting.default_models(AFTER)
    assert defaults and not any(m.retired(AFTER) for m in defaults)


def test_retired_models_outside_the_bundled_cut_off_are_kept_to_price_history() -> None:
    # deepseek-chat was retired on 2026-07-24, before the snapshot was taken.
    info = Service().counting.model("deepseek-chat")
    assert info.retired(date(2026, 11, 27)) and info.pricing is not None


def test_models_command_says_which_are_retired(capsys: pytest.CaptureFixture[str]) -> None:
    import io

    out = io.StringIO()
    assert run(["models", "--provider", "gemini", "--json"], out) == 0
    rows = {row["model"]: row for row in json.loads(out.getvalue())}
    assert rows["gemini-2.5-pro"]["deprecation_date"] == "2026-12-01"
    assert rows["gemini-2.5-pro"]["retired"] is (date.today() >= date(2026, 12, 1))
    assert rows["gemini-3.8-flash"]["retired"] is False
    table = io.StringIO()
    assert run(["models", "--provider", "gemini"], table) == 0
    assert "Retired" in table.getvalue().splitlines()[0]


def test_spend_on_a_retired_model_is_priced_after_a_prices_update(tmp_path: object) -> None:
    import io
    from pathlib import Path

    from tokenbudget.core import paths

    snapshot = json.loads(
        (paths.resources_dir() / "prices" / "litellm_snapshot.json").read_text("utf-8")
    )
    raw = {
        e["litellm_key"]: {k: v for k, v in e.items() if k != "litellm_key"}
        for e in snapshot.values()
    }
    source = Path(str(tmp_path)) / "litellm.json"
    source.write_text(json.dumps(raw), encoding="utf-8")
    err = io.StringIO()
    assert run(["prices", "update", "--from", str(source)], io.StringIO(), err) == 0, err
    out = io.StringIO()
    assert run(["log", "-m", "claude-sonnet-4-5", "-i", "1000000", "--json"], out) == 0
    entry = json.loads(out.getvalue())
    assert entry["cost"] == "3" and entry["currency"] == "USD"


def test_count_marks_a_retired_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"hi\n")))
    out = io.StringIO()
    assert run(["count", "-m", "deepseek-chat", "-m", "gpt-5.5"], out) == 0
    assert "deepseek-chat (retired)" in out.getvalue()
    assert "gpt-5.5 (retired)" not in out.getvalue()
