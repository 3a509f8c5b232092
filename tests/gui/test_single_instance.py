"""A second start hands its message to the running instance."""

from __future__ import annotations

import uuid

from pytestqt.qtbot import QtBot

from tokenbudget.gui.single_instance import InstanceServer, send_to_running, server_name


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
