"""Every test runs with its own empty user directories (TOKENBUDGET_HOME) and no network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest


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
