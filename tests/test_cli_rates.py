"""``rates list``, ``rates update`` and ``currency``: sources, dates, refusals, no network."""

from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest

from tests.test_cli import count_json, run
from tokenbudget.core import rates

HEADER = "Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,CNY,TWD,\n"


def ecb_zip(path: Path, *lines: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", HEADER + "".join(line + "\n" for line in lines))
    path.write_bytes(buffer.getvalue())
    return path


NEWER = (
    "2026-11-03,1.2000,180.00,N/A,N/A,24.3,7.47,N/A,0.84,8.4000,N/A,",
    "2026-11-02,1.1500,179.00,N/A,N/A,24.3,7.47,N/A,0.84,8.0500,N/A,",
)


@pytest.fixture(autouse=True)
def _fresh_reference() -> Iterator[None]:
    rates.forget()
    yield
    rates.forget()


def test_rates_list_shows_source_and_date_of_every_rate() -> None:
    code, out, _ = run("rates", "list")
    assert code == 0
    assert "1 USD = 6.652882 CNY (ECB 2026-10-30, bundled)" in out
    assert run("rates", "set", "GBP", "0.8", "--date", "2026-11-01")[0] == 0
    code, out, _ = run("rates", "list", "--json")
    data = json.loads(out)
    assert data[0] == {
        "currency": "GBP",
        "per_usd": "0.8",
        "as_of": "2026-11-01",
        "source": "set by user",
        "origin": "yours",
    }
    cny = next(r for r in data if r["currency"] == "CNY")
    assert (cny["origin"], cny["source"], cny["as_of"]) == ("bundled", "ECB", "2026-10-30")


def test_update_from_a_local_file_reports_changes_and_is_used(tmp_path: Path) -> None:
    source = ecb_zip(tmp_path / "eurofxref-hist.zip", *NEWER)
    code, out, err = run("rates", "update", "--from", str(source))
    assert code == 0, err
    assert "2026-11-02 to 2026-11-03" in out
    assert "the rates in use before ended 2026-10-30" in out
    assert "CNY per USD: 6.652882 -> 7" in out
    code, out, _ = run("rates", "list")
    assert "1 USD = 7 CNY (ECB 2026-11-03, refreshed)" in out
    data = count_json("-m", "deepseek-v4-pro", "-o", "1000000", text="hi", tmp_path=tmp_path)
    (row,) = data["results"]
    assert row["rates"][0]["as_of"] == "2026-11-03"
    assert not (
        Path(rates.__file__).parent.parent.parent / "resources/rates/rates_meta.json"
    ).exists()


def test_update_refuses_an_older_file_unless_allowed(tmp_path: Path) -> None:
    source = ecb_zip(tmp_path / "old.zip", "2026-10-01,1.1,170,N/A,N/A,24,7.4,N/A,0.8,7.7,N/A,")
    code, _, err = run("rates", "update", "--from", str(source))
    assert code == 1
    assert "before the rates in use (2026-10-30)" in err and "--allow-older" in err
    assert not (rates.rates_dir() / rates.RATES_FILE).exists()
    code, out, err = run("rates", "update", "--from", str(source), "--allow-older")
    assert code == 0, err
    code, out, _ = run("rates", "list")
    assert "(ECB 2026-10-01, refreshed)" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip or csv \xff", "not UTF-8"),
        (b"Date,GBP\n2026-01-01,1\n", "not the ECB"),
        (b"PK\x03\x04garbage", "not a readable zip"),
    ],
)
def test_update_refuses_what_is_not_ecb_rates(tmp_path: Path, content: bytes, message: str) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    code, _, err = run("rates", "update", "--from", str(source))
    assert code == 1 and message in err and "rates unchanged" in err
    assert not (rates.rates_dir() / rates.RATES_FILE).exists()


def test_update_missing_file_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("rates", "update", "--from", str(tmp_path / "none.zip"))
    assert code == 2 and "no such file" in err


def test_update_over_http_from_a_local_server(tmp_path: Path) -> None:
    body = ecb_zip(tmp_path / "served.zip", *NEWER).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/eurofxref-hist.zip"
        code, out, err = run("rates", "update", "--from", url)
    finally:
        server.shutdown()
        server.server_close()
    assert code == 0, err
    assert f"Updated exchange rates from {url}" in out


def test_currency_without_a_rate_is_refused() -> None:
    code, _, err = run("currency", "TWD")
    assert code == 2
    assert "no exchange rate for TWD" in err and "rates set TWD" in err
    code, out, _ = run("currency")
    assert "Display currency: TWD" not in out
    assert run("rates", "set", "TWD", "32")[0] == 0
    code, out, _ = run("currency", "twd")
    assert code == 0 and "Display currency: TWD" in out


def test_currency_default_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MONETARY", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "Display currency: CNY" in run("currency")[1]
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "Display currency: USD" in run("currency")[1]


def test_count_marks_estimates_and_conversions_differently(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("hello there", encoding="utf-8")
    code, out, _ = run("count", str(path), "-m", "claude-sonnet-4-6", "-m", "deepseek-v4-pro")
    assert code == 0
    claude = next(line for line in out.splitlines() if line.startswith("claude"))
    deepseek = next(line for line in out.splitlines() if line.startswith("deepseek"))
    assert " ~" in claude and "≈" not in claude  # an estimated count, a USD price
    assert "≈$" in deepseek and " ~" not in deepseek  # an exact count, a converted price
    assert "~ estimated count" in out
    assert "≈ converted at 6.652882 CNY per USD, ECB 2026-10-30" in out


def test_count_names_the_cheapest_that_fits(tmp_path: Path) -> None:
    data = count_json(
        "-m",
        "gpt-5.5",
        "-m",
        "deepseek-v4-flash",
        "-m",
        "claude-opus-4-7",
        text="hi",
        tmp_path=tmp_path,
    )
    assert data["cheapest"] == "deepseek-v4-flash"  # a CNY price competes once converted


def test_count_off_peak_note_and_flag(tmp_path: Path) -> None:
    args = ("-m", "deepseek-v4-pro", "-o", "1000000", "--currency", "CNY")
    data = count_json(*args, text="hi", tmp_path=tmp_path)
    (row,) = data["results"]
    assert row["off_peak"] is False
    assert D(row["off_peak_total"]) * 2 == D(row["total_cost"])
    data = count_json(*args, "--off-peak", text="hi", tmp_path=tmp_path)
    (cheap,) = data["results"]
    assert cheap["off_peak"] is True and cheap["off_peak_total"] is None
    assert D(cheap["total_cost"]) == D(row["off_peak_total"])
    code, out, _ = run("count", str(tmp_path / "prompt.txt"), *args)
    assert code == 0 and "Off-peak totals" in out and "deepseek-v4-pro  ¥13.50" in out
