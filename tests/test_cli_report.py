"""``tokenbudget report`` and ``history --project`` end to end, on ``project_entries``.

The local time zone is Asia/Shanghai (UTC+8) here, so a report's days are not UTC days.
"""

from __future__ import annotations

import io
import json
import os
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from project_entries import ENTRIES, A, B, C

from tokenbudget import cli
from tokenbudget.core.services import Service
from tokenbudget.core.types import ExchangeRate


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert (code, err) == (0, "")
    return out


def refused(*argv: str) -> str:
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1  # one line
    return err


@pytest.fixture(autouse=True)
def shanghai() -> Iterator[None]:
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()


@pytest.fixture(autouse=True)
def seeded() -> None:
    service = Service()
    service.entries.record_many(ENTRIES)
    service.settings.set_exchange_rate(ExchangeRate("CNY", Decimal(7), date(2026, 11, 1)))
    service.settings.save()
    service.close()


def test_report_by_project_is_a_table_largest_cost_first_with_a_total() -> None:
    assert ok("report", "--by", "project").splitlines() == [
        "Project         Entries  Requests  Input  Cache read  Cache write  Output"
        "                          Cost  Path",
        "--------------  -------  --------  -----  ----------  -----------  ------"
        "  ----------------------------  ------------------",
        "商城                  3         3    600          10           12      90"
        "                 ¥7.00 + $3.50  /home/li/项目/商城",
        "/work/api             2         4     60           0            0       6"
        "           $4.00 (+1 unpriced)  /work/api",
        "/srv/other/api        1         1      5           0            0       5"
        "                         $3.00  /srv/other/api",
        "(no project)          1         1      1           0            0       1"
        "                         $0.25",
        "--------------  -------  --------  -----  ----------  -----------  ------"
        "  ----------------------------  ------------------",
        "Total                 7         9    666          10           12     102"
        "  ¥7.00 + $10.75 (+1 unpriced)",
    ]
    assert ok("report") == ok("report", "--by", "project")  # the default


def test_report_by_day_is_in_local_days_in_date_order() -> None:
    rows = json.loads(ok("report", "--by", "day", "--json"))
    assert [(r["key"], r["entries"]) for r in rows] == [
        ("2026-11-01", 1),
        ("2026-11-02", 3),  # 23:30 UTC on the 1st is 07:30 on the 2nd in Shanghai
        ("2026-11-03", 2),
        ("2026-11-04", 1),
    ]
    text = ok("report", "--by", "day").splitlines()
    assert [line.split()[0] for line in text[2:6]] == [r["key"] for r in rows]


def test_report_json_has_the_key_the_tokens_and_decimal_costs_with_currency() -> None:
    rows = json.loads(ok("report", "--by", "project", "--json"))
    assert rows[0] == {
        "key": A,
        "label": "商城",
        "entries": 3,
        "requests": 3,
        "input_tokens": 600,
        "cache_read_tokens": 10,
        "cache_write_tokens": 12,
        "output_tokens": 90,
        "cost": None,  # two currencies: see costs
        "currency": None,
        "costs": [{"cost": "7", "currency": "CNY"}, {"cost": "3.5", "currency": "USD"}],
        "unpriced": 0,
    }
    assert [(r["key"], r["label"], r["cost"], r["currency"], r["unpriced"]) for r in rows[1:]] == [
        (B, B, "4", "USD", 1),
        (C, C, "3", "USD", 0),
        (None, "(no project)", "0.25", "USD", 0),
    ]


def test_report_by_model_and_provider_with_the_history_filters() -> None:
    by_model = json.loads(ok("report", "--by", "model", "--json", "--provider", "openai"))
    assert [(r["key"], r["entries"], r["cost"]) for r in by_model] == [
        ("gpt-5.5", 3, "5.25"),
        ("gpt-5.4-mini", 1, "3"),
    ]
    by_provider = json.loads(
        ok("report", "--by", "provider", "--json", "--since", "2026-11-02", "--project", "商城")
    )
    # Local midnight of the 2nd is 16:00 UTC on the 1st: A's 23:30 entry is in.
    assert [(r["key"], r["entries"], r["costs"]) for r in by_provider] == [
        ("anthropic", 1, [{"cost": "2.5", "currency": "USD"}]),
        ("deepseek", 1, [{"cost": "7", "currency": "CNY"}]),
    ]


def test_history_project_filters_by_path_or_short_name() -> None:
    by_name = json.loads(ok("history", "--json", "--project", "商城"))
    assert [(e["model"], e["project"]) for e in by_name] == [
        ("deepseek-v4-flash", A),
        ("claude-sonnet-4-6", A),
        ("gpt-5.5", A),
    ]
    both = json.loads(ok("history", "--json", "--project", B, "--project", "/srv/other/api/x"))
    assert [e["project"] for e in both] == [C, B, B]
    text = ok("history", "--project", B)
    assert text.endswith("\n2 of 2 entries shown; total $4.00 (+1 unpriced); 66 tokens\n")
    assert [line.split()[-1] for line in text.splitlines()[2:4]] == ["api", "api"]  # short name


def test_an_unknown_grouping_is_one_line_and_exit_2() -> None:
    assert refused("report", "--by", "week") == (
        "tokenbudget: --by takes project, model, provider, device, day, not 'week'\n"
    )


def test_an_unknown_or_ambiguous_project_is_one_line_and_exit_2() -> None:
    assert refused("report", "--project", "nope") == (
        "tokenbudget: no project 'nope' in the ledger (projects: api, 商城)\n"
    )
    assert refused("history", "--project", "api") == (
        "tokenbudget: 'api' names 2 projects (/srv/other/api, /work/api); give the project's path\n"
    )


def test_nothing_matching_says_so() -> None:
    assert ok("report", "--since", "2030-01-01") == "No entries match.\n"
    assert json.loads(ok("report", "--since", "2030-01-01", "--json")) == []


def test_import_help_says_deleted_entries_come_back(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.run(["import", "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--rescan forget what was read before and read every log again" in text
    assert "entries you deleted by hand come back if their logs still exist" in text


def test_import_rescan_reads_a_file_again_and_brings_back_a_deleted_entry(tmp_path: Path) -> None:
    exported = tmp_path / "spend.csv"
    ok("export", str(exported), "--project", "商城")
    service = Service()
    service.entries.delete([e.id for e in service.entries.history()])
    service.close()
    assert ok("import", "csv", str(exported)).startswith("Imported 3 new or updated entries")
    service = Service()
    service.entries.delete([service.entries.history()[0].id])
    service.close()
    assert ok("import", "csv", str(exported)).startswith("csv: Nothing new in")  # read before
    assert sum(r["entries"] for r in json.loads(ok("report", "--json"))) == 2
    assert ok("import", "csv", str(exported), "--rescan").startswith("Imported 3 new or updated")
    rows = json.loads(ok("report", "--json", "--by", "model"))
    assert sorted((r["key"], r["entries"]) for r in rows) == [
        ("claude-sonnet-4-6", 1),
        ("deepseek-v4-flash", 1),
        ("gpt-5.5", 1),
    ]
