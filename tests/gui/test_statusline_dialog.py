"""The Claude Code status-line dialog: says what changes, installs and uninstalls on a click."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tokenbudget.core.services import Service
from tokenbudget.gui.statusline_dialog import StatusLineDialog

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
THEIRS = {"type": "command", "command": "bash ~/.claude/line.sh"}


@pytest.fixture
def svc() -> Iterator[Service]:
    service = Service()
    yield service
    service.close()


def make(qtbot: QtBot, svc: Service, settings: Path) -> StatusLineDialog:
    dialog = StatusLineDialog(svc.limits, settings_file=settings, now=lambda: NOW)
    qtbot.addWidget(dialog)
    return dialog


def test_it_explains_installs_and_uninstalls(qtbot: QtBot, svc: Service, tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    original = {"model": "opus", "statusLine": THEIRS}
    settings.write_text(json.dumps(original, indent=2), encoding="utf-8")
    dialog = make(qtbot, svc, settings)
    assert str(settings) in dialog.change.text() and "copy" in dialog.change.text()
    assert THEIRS["command"] in dialog.previous.text()
    assert dialog.command.text().endswith("statusline --then 'bash ~/.claude/line.sh'")
    assert json.loads(settings.read_text()) == original  # nothing written before a click
    assert dialog.state.text() == "Not installed."
    assert not dialog.uninstall_button.isEnabled()

    qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    data = json.loads(settings.read_text())
    assert data["model"] == "opus"
    assert data["statusLine"]["command"] == dialog.command.text()
    assert dialog.state.text().startswith("Installed.")
    assert not dialog.install_button.isEnabled() and dialog.uninstall_button.isEnabled()
    assert len(list(tmp_path.glob("settings.json.tokenbudget-*.bak"))) == 1

    qtbot.mouseClick(dialog.uninstall_button, Qt.MouseButton.LeftButton)
    assert json.loads(settings.read_text()) == original
    assert dialog.state.text() == "Not installed."


def test_a_broken_settings_file_is_reported_and_left_alone(
    qtbot: QtBot, svc: Service, tmp_path: Path
) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text("{broken", encoding="utf-8")
    dialog = make(qtbot, svc, settings)
    assert "is not valid JSON" in dialog.error.text()
    assert not dialog.install_button.isEnabled() and not dialog.uninstall_button.isEnabled()
    assert settings.read_text() == "{broken"


def test_no_file_yet(qtbot: QtBot, svc: Service, tmp_path: Path) -> None:
    dialog = make(qtbot, svc, tmp_path / "none" / "settings.json")
    assert "creates" in dialog.change.text()
    assert dialog.previous.text() == "You have no status line of your own now."


def test_the_main_window_opens_it_from_the_view_menu(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tokenbudget.core.tokenizers import TokenizerRegistry
    from tokenbudget.gui.main_window import MainWindow

    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "cc"))
    opened: list[StatusLineDialog] = []
    monkeypatch.setattr(StatusLineDialog, "exec", lambda self: opened.append(self) or 0)
    service = Service(TokenizerRegistry.bundled())
    win = MainWindow(service, delay_ms=0)
    qtbot.addWidget(win)
    view = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    assert win.statusline_action in view.actions()
    win.statusline_action.trigger()
    assert len(opened) == 1
    assert str(tmp_path / "cc" / "settings.json") in opened[0].change.text()
    assert not (tmp_path / "cc").exists()  # nothing written before a click
