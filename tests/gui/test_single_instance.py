"""A second start hands its message to the running instance."""

from __future__ import annotations

import subprocess
import sys
import uuid

from pytestqt.qtbot import QtBot

from tokenbudget.gui.single_instance import (
    InstanceServer,
    send_to_running,
    server_name,
    socket_file,
)


def test_nothing_running_means_no_hand_over() -> None:
    assert not send_to_running("activate", f"tokenbudget-test-{uuid.uuid4().hex}")


def test_a_second_start_activates_the_first(qtbot: QtBot) -> None:
    name = f"tokenbudget-test-{uuid.uuid4().hex}"
    server = InstanceServer(name)
    assert server.listen()
    with qtbot.waitSignal(server.message, timeout=3000) as signal:
        assert send_to_running("activate", name)
    assert signal.args == ["activate"]
    with qtbot.waitSignal(server.message, timeout=3000) as signal:
        assert send_to_running("quick", name)
    assert signal.args == ["quick"]
    server.close()


def test_a_stale_socket_is_replaced(qtbot: QtBot) -> None:
    name = f"tokenbudget-test-{uuid.uuid4().hex}"
    first = InstanceServer(name)
    assert first.listen()
    first.close()  # like a crash that left the name behind
    second = InstanceServer(name)
    assert second.listen()
    with qtbot.waitSignal(second.message, timeout=3000):
        assert send_to_running("activate", name)
    second.close()


def test_the_name_depends_on_the_data_directory(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TOKENBUDGET_HOME", str(tmp_path / "a"))
    a = server_name()
    monkeypatch.setenv("TOKENBUDGET_HOME", str(tmp_path / "b"))
    assert server_name() != a


def test_the_socket_file_is_where_qt_listens() -> None:
    name = f"tokenbudget-test-{uuid.uuid4().hex}"
    path = socket_file(name)
    if path is None:  # Windows: named pipes
        return
    assert not path.exists()
    server = InstanceServer(name)
    assert server.listen()
    try:
        assert path.exists()  # what send_to_running looks for before loading QtNetwork
    finally:
        server.close()


def test_asking_with_nobody_listening_loads_no_networking() -> None:
    code = (
        "import sys, uuid\n"
        "from tokenbudget.gui.single_instance import send_to_running\n"
        "assert not send_to_running('activate', f'tokenbudget-test-{uuid.uuid4().hex}')\n"
        "assert 'PySide6.QtNetwork' not in sys.modules and 'hashlib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
