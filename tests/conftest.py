"""Every test runs with its own empty user directories (TOKENBUDGET_HOME) and no network.

Also the fixtures many tests share: the bundled tokenizers, a service over them, and a way to
damage a ledger the way a failing disk does.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TOKENBUDGET_HOME", str(home))
    # The user's own home too: live sync watches ~/.claude, ~/.codex and ~/.gemini, and a
    # test must never import (or even read) a developer's real logs.
    user = home / "user-home"
    user.mkdir()
    monkeypatch.setenv("HOME", str(user))
    return home


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections to anything but the loopback interface."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)  # type: ignore[arg-type]  # local (D-Bus) only
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"tests may not reach {host}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    """The bundled tokenizers, one registry per test module.

    Each vocabulary loads once, on first use (gemma3 takes about a second), and no module
    sees what another loaded.
    """
    return TokenizerRegistry.bundled()


@pytest.fixture
def service(registry: TokenizerRegistry) -> Iterator[Service]:
    """A service over the module's registry, closed after the test."""
    svc = Service(registry)
    yield svc
    svc.close()


@pytest.fixture
def damage_entries_page() -> Callable[[Path], int]:
    """A function that damages a ledger behind a valid header; it returns the page's number.

    It overwrites a leaf page of ``entries`` in the middle of the file (never page 1), as a
    failing disk or a torn copy would: the database still opens, and reading those rows fails.
    """

    def damage(path: Path) -> int:
        db = sqlite3.connect(path)
        size = db.execute("PRAGMA page_size").fetchone()[0]
        query = (
            "SELECT pageno FROM dbstat WHERE name = 'entries' AND pagetype = 'leaf' ORDER BY pageno"
        )
        leaves = [r[0] for r in db.execute(query)]
        db.close()
        page = leaves[len(leaves) // 2]
        assert page > 1
        with path.open("r+b") as handle:
            handle.seek((page - 1) * size + 16)
            handle.write(bytes(range(256)) * ((size - 32) // 256))
        return int(page)

    return damage
