"""One running tokenbudget per user (and per data directory): a second start hands over.

The first instance listens on a local socket named after the user and the data directory; a
second one connects, sends one line (``activate``, or ``quick`` for the tray popup), and exits.
A socket left behind by a crashed instance is detected (nobody answers) and replaced.

Asking costs the first start nothing it would notice: where local sockets are files (not on
Windows), no file means no instance, and QtNetwork (about 6 ms to import) is then not loaded
before the window's first paint; the app listens right after it.
"""

from __future__ import annotations

import getpass
import sys
import zlib
from pathlib import Path

from PySide6.QtCore import QDir, QObject, Signal

from tokenbudget.core.services import data_dir

_TIMEOUT_MS = 1000


def server_name() -> str:
    """The socket name for this user and data directory."""
    # A checksum, not a cryptographic hash: it only keeps two data directories apart, and
    # hashlib loads OpenSSL (about 4 ms of the start).
    digest = f"{zlib.crc32(str(data_dir()).encode()):08x}"
    return f"tokenbudget-{getpass.getuser()}-{digest}"


def socket_file(name: str) -> Path | None:
    """Where Qt puts the local socket ``name``; None where it is not a file (Windows)."""
    if sys.platform == "win32":
        return None
    return Path(name) if name.startswith("/") else Path(QDir.tempPath()) / name


def send_to_running(message: str, name: str | None = None) -> bool:
    """Deliver ``message`` to a running instance; False if none is running."""
    name = name or server_name()
    path = socket_file(name)
    if path is not None and not path.exists():
        return False  # nobody listens (and QtNetwork is not needed to know it)
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_TIMEOUT_MS):
        return False
    socket.write((message + "\n").encode())
    socket.flush()
    socket.waitForBytesWritten(_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for messages from later starts.

    Signals:
        message(str): a line a second instance sent (``activate``, ``quick``).
    """

    message = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtNetwork import QLocalServer

        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening, replacing a stale socket of a crashed instance."""
        if self._server.listen(self.name):
            return True
        self._server.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        """Stop listening."""
        self._server.close()

    def _accept(self) -> None:
        # The sender writes its one line right after connecting, so the line is read here,
        # briefly and synchronously; the socket is then let go (no callbacks outlive it).
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket.bytesAvailable() or socket.waitForReadyRead(_TIMEOUT_MS):
                data = bytes(socket.readAll().data()).decode("utf-8", "replace")
                for line in data.splitlines():
                    if line.strip():
                        self.message.emit(line.strip())
            socket.disconnectFromServer()
            socket.deleteLater()
