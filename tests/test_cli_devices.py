"""``tokenbudget devices`` end to end: two homes on one machine share one folder."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tokenbudget import cli


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 0, err
    return out


def as_device(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("TOKENBUDGET_HOME", str(home))


def test_two_devices_share_spend_plans_and_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    as_device(monkeypatch, laptop)
    assert "Not sharing" in ok("devices")
    ok("plan", "add", "OpenAI API", "--kind", "budget", "--amount", "50")
    ok("log", "-m", "gpt-5.5", "-i", "1000", "-o", "200", "--note", "from the laptop")
    out = ok("devices", "use", str(folder), "--name", "Laptop")
    assert "Sharing through" in out and "'Laptop'" in out

    as_device(monkeypatch, desktop)
    ok("log", "-m", "deepseek-v4-flash", "-i", "5000", "-o", "100", "--note", "desktop")
    ok("devices", "use", str(folder), "--name", "Desktop")
    history = json.loads(ok("history", "--json"))
    assert {e["note"] for e in history} == {"from the laptop", "desktop"}
    assert "OpenAI API" in ok("plan", "list")

    as_device(monkeypatch, laptop)
    ok("devices", "sync")
    listing = json.loads(ok("devices", "--json"))
    names = {d["name"]: d for d in listing["devices"]}
    assert set(names) == {"Laptop", "Desktop"}
    assert names["Laptop"]["this_device"] and not names["Desktop"]["this_device"]
    assert names["Desktop"]["entries"] == 1 and names["Laptop"]["entries"] == 1
    laptop_view = json.loads(ok("history", "--json"))
    status_laptop = json.loads(ok("status", "--json"))
    by_note = {e["note"]: e["device"] for e in laptop_view}
    ids = {d["name"]: d["id"] for d in listing["devices"]}
    assert by_note == {"from the laptop": ids["Laptop"], "desktop": ids["Desktop"]}

    as_device(monkeypatch, desktop)
    ok("devices", "sync")
    assert _same(json.loads(ok("history", "--json")), laptop_view)
    assert _plans(json.loads(ok("status", "--json"))) == _plans(status_laptop)


def _same(one: list[dict[str, object]], two: list[dict[str, object]]) -> bool:
    drop = {"id"}
    strip = [{k: v for k, v in e.items() if k not in drop} for e in one]
    other = [{k: v for k, v in e.items() if k not in drop} for e in two]
    return sorted(map(repr, strip)) == sorted(map(repr, other))


def _plans(status: list[dict[str, object]]) -> list[object]:
    return sorted(repr({k: v for k, v in s.items() if k != "id"}) for s in status)


def test_devices_commands_refuse_bad_input_with_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run("devices", "use", str(tmp_path / "missing"))
    assert code == 2 and "is not a folder" in err
    code, _, err = run("devices", "sync")
    assert code == 2 and "devices use FOLDER" in err
    code, _, err = run("devices", "name", "   ")
    assert code == 2 and "cannot be empty" in err


def test_a_folder_gone_missing_warns_but_reading_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    ok("log", "-m", "gpt-5.5", "-i", "10", "-o", "2")
    ok("devices", "use", str(folder))
    folder.rename(tmp_path / "Gone")
    (tmp_path / "Sync").write_text("now a file", encoding="utf-8")
    code, out, err = run("history", "--json")
    assert code == 0 and len(json.loads(out)) == 1
    assert "could not sync with your other devices" in err


def test_history_filters_and_report_groups_by_device(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    as_device(monkeypatch, laptop)
    ok("log", "-m", "gpt-5.5", "-i", "1000", "-o", "200", "--cost", "1.50", "--currency", "USD")
    ok("devices", "use", str(folder), "--name", "Laptop")
    as_device(monkeypatch, desktop)
    for _ in range(2):
        ok("log", "-m", "gpt-5.5", "-i", "10", "-o", "2", "--cost", "0.25", "--currency", "USD")
    ok("devices", "use", str(folder), "--name", "Desktop")
    report = {r["label"]: r for r in json.loads(ok("report", "--by", "device", "--json"))}
    assert set(report) == {"Laptop", "Desktop"}
    assert (report["Laptop"]["cost"], report["Desktop"]["cost"]) == ("1.5", "0.5")
    assert report["Desktop"]["entries"] == 2
    ids = {d["name"]: d["id"] for d in json.loads(ok("devices", "--json"))["devices"]}
    assert {r["key"] for r in report.values()} == {ids["Laptop"], ids["Desktop"]}
    mine = json.loads(ok("history", "--json", "--device", "Desktop"))
    theirs = json.loads(ok("history", "--json", "--device", "laptop"))
    assert len(mine) == 2 and len(theirs) == 1
    code, _, err = run("history", "--device", "Laptpo")
    assert code == 2 and "did you mean 'Laptop'" in err


def test_history_json_names_no_device_until_this_one_shares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenbudget.core import paths

    as_device(monkeypatch, tmp_path / "home")
    ok("log", "-m", "gpt-5.5", "-i", "10", "-o", "2", "--json")
    (entry,) = json.loads(ok("history", "--json"))
    assert entry["device"] is None
    assert not paths.device_file().exists()  # reading made no identity
    folder = tmp_path / "Sync"
    folder.mkdir()
    ok("devices", "use", str(folder))
    (entry,) = json.loads(ok("history", "--json"))
    assert entry["device"] == json.loads(ok("devices", "--json"))["devices"][0]["id"]
