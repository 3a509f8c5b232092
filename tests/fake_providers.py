"""A local stand-in for the providers' count endpoints (127.0.0.1, a free port, one thread).

It speaks the four shapes of ``tokenbudget.core.remote_count`` and counts words (split on
whitespace); Anthropic's answer adds ``FRAME`` tokens for the message frame. Tell it to fail
with ``server.mode = "401" | "403" | "429" | "500" | "slow" | "malformed" | "shape"``, or to
answer ``server.redirect_status`` pointing at ``server.redirect_to`` with ``"redirect"``. Every
request (POST, and GET too, which a followed redirect turns a POST into) is recorded (path,
headers, body) for the tests to check.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FRAME = 7


def fake_count(text: str) -> int:
    """What the fake server answers for ``text`` (before Anthropic's frame)."""
    return len(text.split())


@dataclass
class Recorded:
    """One request the server saw."""

    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes


class FakeProviders(ThreadingHTTPServer):
    """The server; ``url`` is its base URL for every provider."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.slow_s = 2.0
        #: Extra delay for every answer (the benchmark leaves it at 0).
        self.delay_s = 0.0
        self.retry_after = "30"
        #: Where ``mode = "redirect"`` sends the client, and with which status.
        self.redirect_to = ""
        self.redirect_status = 302
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL (``http://127.0.0.1:PORT``)."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def paths(self) -> list[str]:
        """The paths requested so far."""
        with self.lock:
            return [r.path for r in self.requests]


def _answer(path: str, body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict):
        return 404, {"error": {"message": "not found"}}
    if path == "/v1/messages/count_tokens":
        text = body["messages"][0]["content"]
        return 200, {"input_tokens": fake_count(text) + FRAME}
    if path.startswith("/v1beta/models/") and path.endswith(":countTokens"):
        text = "".join(p["text"] for c in body["contents"] for p in c["parts"])
        return 200, {"totalTokens": fake_count(text)}
    if path == "/v1/responses/input_tokens":
        return 200, {"object": "response.input_tokens", "input_tokens": fake_count(body["input"])}
    if path == "/v1/tokenize-text":
        n = fake_count(body["text"])
        return 200, {"token_ids": list(range(n)), "string_tokens": ["w"] * n}
    return 404, {"error": {"message": "not found"}}


class _Handler(BaseHTTPRequestHandler):
    server: FakeProviders

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        server = self.server
        with server.lock:
            server.requests.append(
                Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body, raw)
            )
            mode = server.mode
        if server.delay_s:
            time.sleep(server.delay_s)
        if mode == "slow":
            time.sleep(server.slow_s)
        if mode in ("401", "403", "500"):
            self._send(int(mode), {"error": {"message": "fake failure"}})
        elif mode == "429":
            self._send(
                429, {"error": {"message": "slow down"}}, {"Retry-After": server.retry_after}
            )
        elif mode == "redirect":
            location = server.redirect_to + self.path
            self._send(server.redirect_status, {"moved": location}, {"Location": location})
        elif mode == "malformed":
            self._send_raw(200, b"{not json")
        elif mode == "shape":
            self._send(200, {"unexpected": True})
        else:
            self._send(*_answer(self.path, body))

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), headers)

    def _send_raw(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (a timeout test)


@contextmanager
def running() -> Iterator[FakeProviders]:
    """A started server, shut down afterwards."""
    server = FakeProviders()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
