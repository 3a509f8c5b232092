"""``update_prices``: sources, validation, atomic install, and failures that change nothing.

No test reaches the network: downloads go to an HTTP server on 127.0.0.1 started here, or to
a fake ``fetch``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tokenbudget.core import price_update
from tokenbudget.core.errors import PriceUpdateError, TokenbudgetError
from tokenbudget.core.litellm_format import dump_snapshot
from tokenbudget.core.price_update import (
    DEFAULT_URL,
    META_FILE,
    PREVIOUS_META_FILE,
    PREVIOUS_SNAPSHOT_FILE,
    SNAPSHOT_FILE,
    UpdateReport,
    fetch_url,
    update_prices,
)

TODAY = dt.date(2026, 11, 27)


def entry(provider: str, inp: float = 1e-06, out: float = 2e-06, **extra: Any) -> dict[str, Any]:
    return {
        "litellm_provider": provider,
        "mode": "chat",
        "input_cost_per_token": inp,
        "output_cost_per_token": out,
        "max_input_tokens": 128000,
        "max_output_tokens": 8192,
        **extra,
    }


def upstream(count: int = 25, **overrides: dict[str, Any]) -> dict[str, Any]:
    """A LiteLLM-shaped table with ``count`` usable models and some that are left out."""
    table: dict[str, Any] = {
        "sample_spec": {"litellm_provider": "one of the providers", "mode": "one of: chat"},
        "gemini/gemini-2.5-pro": entry("gemini", 1.25e-06, 1e-05),
        "dashscope/deepseek-v4-pro": entry("dashscope"),
        "ft:gpt-4o": entry("openai"),
        "bedrock/anthropic.claude": entry("bedrock"),
    }
    for i in range(count - 1):
        table[f"gpt-t{i}"] = entry("openai")
    table.update(overrides)
    return table


def as_bytes(table: object) -> bytes:
    return json.dumps(table).encode()


def snapshot_of(ids: list[str]) -> dict[str, Any]:
    return {model_id: {**entry("openai"), "litellm_key": model_id} for model_id in ids}


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its contents (to prove nothing changed)."""
    if not directory.exists():
        return {}
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def no_network(url: str, timeout: float) -> bytes:
    raise AssertionError(f"unexpected download of {url}")


@pytest.fixture
def source_file(tmp_path: Path) -> Path:
    path = tmp_path / "prices.json"
    path.write_bytes(as_bytes(upstream()))
    return path


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "data" / "prices"


# --- a local HTTP server ---------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]]] = {}

    def do_GET(self) -> None:
        self.routes.get(self.path, _not_found)(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _not_found(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_error(404, "Not Found")


def _body(data: bytes) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return respond


@pytest.fixture
def server() -> Iterator[
    tuple[str, dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]]]
]:
    routes: dict[str, Callable[[http.server.BaseHTTPRequestHandler], None]] = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# --- successful updates ----------------------------------------------------------------------


def test_update_from_a_local_file(source_file: Path, dest: Path) -> None:
    current = snapshot_of(["gpt-t0", "gpt-t1", "gpt-retired"])
    current["gpt-t1"]["output_cost_per_token"] = 9e-06
    report = update_prices(str(source_file), dest, current, today=TODAY, fetch=no_network)

    assert isinstance(report, UpdateReport)
    assert report.source == str(source_file)
    assert report.models == 25
    assert report.removed == ("gpt-retired",)
    assert report.changed == ("gpt-t1",)
    assert "gemini-2.5-pro" in report.added
    assert "gpt-t0" not in report.added
    assert report.dropped == ()
    assert report.snapshot_path == dest / SNAPSHOT_FILE
    assert report.previous_path is None

    written = json.loads((dest / SNAPSHOT_FILE).read_bytes())
    assert len(written) == 25
    assert written["gemini-2.5-pro"]["litellm_key"] == "gemini/gemini-2.5-pro"
    assert "deepseek-v4-pro" not in written  # hosted for another vendor
    assert dump_snapshot(written) == (dest / SNAPSHOT_FILE).read_bytes()

    meta = json.loads((dest / META_FILE).read_bytes())
    assert meta["source"] == str(source_file)
    assert meta["sha256"] == hashlib.sha256((dest / SNAPSHOT_FILE).read_bytes()).hexdigest()
    assert meta["source_sha256"] == hashlib.sha256(source_file.read_bytes()).hexdigest()
    assert meta["models"] == 25
    retrieved = dt.datetime.strptime(meta["retrieved"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(dt.datetime.now(dt.UTC).replace(tzinfo=None) - retrieved) < dt.timedelta(minutes=5)
    assert sorted(tree(dest)) == [SNAPSHOT_FILE, META_FILE]


def test_update_from_a_file_url(source_file: Path, dest: Path) -> None:
    report = update_prices(source_file.as_uri(), dest, {}, today=TODAY, fetch=no_network)
    assert report.models == 25
    assert report.source == source_file.as_uri()


def test_update_keeps_the_previous_snapshot(source_file: Path, dest: Path) -> None:
    update_prices(str(source_file), dest, {}, today=TODAY, fetch=no_network)
    first = tree(dest)

    second_source = source_file.with_name("second.json")
    second_source.write_bytes(as_bytes(upstream(30)))
    report = update_prices(str(second_source), dest, {}, today=TODAY, fetch=no_network)

    assert report.previous_path == dest / PREVIOUS_SNAPSHOT_FILE
    after = tree(dest)
    assert sorted(after) == sorted(
        [SNAPSHOT_FILE, META_FILE, PREVIOUS_SNAPSHOT_FILE, PREVIOUS_META_FILE]
    )
    assert after[PREVIOUS_SNAPSHOT_FILE] == first[SNAPSHOT_FILE]
    assert after[PREVIOUS_META_FILE] == first[META_FILE]
    assert len(json.loads(after[SNAPSHOT_FILE])) == 30

    # A third update replaces the previous pair with the second snapshot.
    update_prices(str(source_file), dest, {}, today=TODAY, fetch=no_network)
    third = tree(dest)
    assert third[PREVIOUS_SNAPSHOT_FILE] == after[SNAPSHOT_FILE]
    assert third[PREVIOUS_META_FILE] == after[META_FILE]
    assert len(third) == 4  # no temporary files left behind


def test_update_drops_a_few_invalid_entries_and_reports_them(tmp_path: Path, dest: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_bytes(as_bytes(upstream(30, **{"gpt-t3": entry("openai", inp=-1e-06)})))
    report = update_prices(str(path), dest, {}, today=TODAY, fetch=no_network)
    assert report.models == 29
    assert report.dropped == ("gpt-t3: input_cost_per_token is negative (-1e-06)",)
    assert "gpt-t3" not in json.loads((dest / SNAPSHOT_FILE).read_bytes())


def test_update_over_http(server: tuple[str, dict[str, Any]], dest: Path) -> None:
    base, routes = server
    routes["/prices.json"] = _body(as_bytes(upstream()))
    report = update_prices(f"{base}/prices.json", dest, {}, today=TODAY, timeout=5)
    assert report.models == 25
    assert report.source == f"{base}/prices.json"
    assert json.loads((dest / META_FILE).read_bytes())["source"] == f"{base}/prices.json"


def test_default_source_is_litellm_on_github(dest: Path) -> None:
    asked: list[tuple[str, float]] = []

    def fake(url: str, timeout: float) -> bytes:
        asked.append((url, timeout))
        return as_bytes(upstream())

    report = update_prices(None, dest, {}, today=TODAY, fetch=fake, timeout=7.5)
    assert asked == [(DEFAULT_URL, 7.5)]
    assert report.source == DEFAULT_URL


def test_fetch_url_reads_from_a_local_server(server: tuple[str, dict[str, Any]]) -> None:
    base, routes = server
    routes["/x"] = _body(b"[1, 2]")
    assert fetch_url(f"{base}/x", 5) == b"[1, 2]"


def test_fetch_url_refuses_oversized_bodies(
    server: tuple[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, routes = server
    routes["/big"] = _body(b"x" * 2048)
    monkeypatch.setattr(price_update, "MAX_BYTES", 1024)
    with pytest.raises(PriceUpdateError, match="larger than"):
        fetch_url(f"{base}/big", 5)


# --- failures change nothing -----------------------------------------------------------------


@pytest.fixture
def populated(source_file: Path, dest: Path) -> dict[str, bytes]:
    """``dest`` after two updates (so it has a previous snapshot too)."""
    update_prices(str(source_file), dest, {}, today=TODAY, fetch=no_network)
    update_prices(str(source_file), dest, {}, today=TODAY, fetch=no_network)
    before = tree(dest)
    assert len(before) == 4
    return before


def assert_one_line(err: pytest.ExceptionInfo[PriceUpdateError]) -> str:
    message = str(err.value)
    assert "\n" not in message
    assert message.endswith("prices unchanged")
    assert isinstance(err.value, TokenbudgetError)
    return message


def test_http_404(
    server: tuple[str, dict[str, Any]], dest: Path, populated: dict[str, bytes]
) -> None:
    base, _routes = server
    with pytest.raises(PriceUpdateError) as err:
        update_prices(f"{base}/missing.json", dest, {}, today=TODAY, timeout=5)
    message = assert_one_line(err)
    assert "127.0.0.1" in message
    assert "HTTP 404" in message
    assert tree(dest) == populated


def test_timeout(
    server: tuple[str, dict[str, Any]], dest: Path, populated: dict[str, bytes]
) -> None:
    base, routes = server
    release = threading.Event()

    def stall(handler: http.server.BaseHTTPRequestHandler) -> None:
        release.wait(10)

    routes["/slow"] = stall
    try:
        with pytest.raises(PriceUpdateError) as err:
            update_prices(f"{base}/slow", dest, {}, today=TODAY, timeout=0.3)
    finally:
        release.set()
    message = assert_one_line(err)
    assert message.startswith("could not reach 127.0.0.1: ")
    assert "timed out" in message
    assert tree(dest) == populated


def test_connection_refused(dest: Path, populated: dict[str, bytes]) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PriceUpdateError) as err:
        update_prices(f"http://127.0.0.1:{port}/p.json", dest, {}, today=TODAY, timeout=5)
    assert assert_one_line(err).startswith("could not reach 127.0.0.1: ")
    assert tree(dest) == populated


@pytest.mark.parametrize(
    "body",
    [
        b"<html>rate limited</html>",
        b'{"gpt-5": ',
        b"\xff\xfe\x00garbage",
        b'{"gpt-5": {"input_cost_per_token": NaN}}',
        b"[1, 2, 3]",
        b'"just a string"',
    ],
)
def test_garbage_over_http(
    server: tuple[str, dict[str, Any]], dest: Path, populated: dict[str, bytes], body: bytes
) -> None:
    base, routes = server
    routes["/garbage"] = _body(body)
    with pytest.raises(PriceUpdateError) as err:
        update_prices(f"{base}/garbage", dest, {}, today=TODAY, timeout=5)
    assert_one_line(err)
    assert tree(dest) == populated


@pytest.mark.parametrize(
    "table",
    [
        upstream(15),  # too few models
        {f"gpt-t{i}": entry("openai", inp=2.5) for i in range(30)},  # per-million read as per-token
        {f"emb-{i}": {**entry("openai"), "mode": "embedding"} for i in range(30)},
    ],
)
def test_rejected_snapshot(
    tmp_path: Path, dest: Path, populated: dict[str, bytes], table: dict[str, Any]
) -> None:
    path = tmp_path / "rejected.json"
    path.write_bytes(as_bytes(table))
    with pytest.raises(PriceUpdateError, match="the snapshot was rejected") as err:
        update_prices(str(path), dest, {}, today=TODAY, fetch=no_network)
    assert_one_line(err)
    assert tree(dest) == populated


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (
            urllib.error.URLError("[Errno -2] Name or service not known"),
            "could not reach raw.githubusercontent.com: ",
        ),
        (
            urllib.error.URLError(TimeoutError("timed out")),
            "could not reach raw.githubusercontent.com: timed out",
        ),
        (TimeoutError("The read operation timed out"), "timed out after 20 s"),
        (
            ConnectionResetError(104, "Connection reset by peer"),
            "could not reach raw.githubusercontent.com: ",
        ),
    ],
)
def test_network_errors_from_fetch(
    dest: Path, populated: dict[str, bytes], error: Exception, fragment: str
) -> None:
    def failing(url: str, timeout: float) -> bytes:
        raise error

    with pytest.raises(PriceUpdateError) as err:
        update_prices(None, dest, {}, today=TODAY, fetch=failing)
    assert fragment in assert_one_line(err)
    assert tree(dest) == populated


def test_missing_file_and_unsupported_scheme(
    tmp_path: Path, dest: Path, populated: dict[str, bytes]
) -> None:
    with pytest.raises(PriceUpdateError) as err:
        update_prices(str(tmp_path / "nope.json"), dest, {}, today=TODAY, fetch=no_network)
    assert "could not read" in assert_one_line(err)
    with pytest.raises(PriceUpdateError) as err:
        update_prices("ftp://example.invalid/p.json", dest, {}, today=TODAY, fetch=no_network)
    assert "ftp://" in assert_one_line(err)
    assert tree(dest) == populated


def test_a_failed_install_is_rolled_back(
    source_file: Path, dest: Path, populated: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls = {"n": 0, "failed": 0}

    def flaky_replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if Path(dst).name == META_FILE and not calls["failed"]:  # fail on the very last step
            calls["failed"] += 1
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(PriceUpdateError) as err:
        update_prices(str(source_file), dest, {}, today=TODAY, fetch=no_network)
    assert "No space left on device" in assert_one_line(err)
    assert calls["n"] > 1
    monkeypatch.setattr(os, "replace", real_replace)
    assert tree(dest) == populated


def test_no_network_at_import() -> None:
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('network access at import')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "import tokenbudget.core.price_update\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
