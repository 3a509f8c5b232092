"""A local stand-in for the providers' balance endpoints (127.0.0.1, a free port, a thread).

``FakeBalanceServer.replies`` maps a request path to ``(status, body)``; a body of ``None``
with status 0 means "never answer" (the client times out). With ``redirect_to`` set, every
request is answered ``redirect_status`` with a ``Location`` there instead. Every request's
path and ``Authorization`` header is kept in ``seen``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEEPSEEK = (
    b'{"is_available": true, "balance_infos": [{"currency": "CNY", "total_balance": "110.00",'
    b' "granted_balance": "10.00", "topped_up_balance": "100.00"}]}'
)
MOONSHOT = (
    b'{"code": 0, "data": {"available_balance": 49.58, "voucher_balance": 46.58,'
    b' "cash_balance": 3.0}, "scode": "0x0", "status": true}'
)
OPENROUTER = (
    b'{"data": {"label": "sk-or-v1-abc...xyz", "usage": 12.5, "limit": 100,'
    b' "limit_remaining": 87.5, "is_free_tier": false}}'
)

DEFAULT_REPLIES: dict[str, tuple[int, bytes | None]] = {
    "/user/balance": (200, DEEPSEEK),
    "/v1/users/me/balance": (200, MOONSHOT),
    "/api/v1/key": (200, OPENROUTER),
}


class FakeBalanceServer(ThreadingHTTPServer):
    """The server; ``url`` is its base URL."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: dict[str, tuple[int, bytes | None]] = dict(DEFAULT_REPLIES)
        self.seen: list[tuple[str, str | None]] = []
        self.release = threading.Event()
        self.redirect_to = ""
        self.redirect_status = 302

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeBalanceServer

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        if self.server.redirect_to:
            self.send_response(self.server.redirect_status)
            self.send_header("Location", self.server.redirect_to + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body = self.server.replies.get(self.path, (404, b'{"error": "not found"}'))
        if status == 0:
            self.server.release.wait(5)  # hang until the test is over
            return
        payload = body or b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def running() -> Iterator[FakeBalanceServer]:
    """A started server, shut down afterwards."""
    server = FakeBalanceServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
