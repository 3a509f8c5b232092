"""Core messages the window shows, in Simplified Chinese from the shipped catalogue.

Each test installs zh_CN, makes the core produce the message, and reads what the GUI shows;
the English (what the command line prints) is checked to be unchanged next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.sources_support import fake_home
from tokenbudget.core.errors import AutostartError, LauncherError
from tokenbudget.core.messages import Message
from tokenbudget.core.services import Service, install_launcher
from tokenbudget.core.types import home_short, problem_text
from tokenbudget.gui import translation
from tokenbudget.gui.jobs import inline_runner
from tokenbudget.gui.sources_view import SourcesView


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The interface in Simplified Chinese for one test."""
    default = QLocale()
    installed = translation.install(qapp, "zh_CN")
    yield
    translation.uninstall(qapp, installed)
    QLocale.setDefault(default)


@pytest.fixture
def sources_view(qtbot: QtBot, service: Service) -> Iterator[Callable[[], SourcesView]]:
    made: list[SourcesView] = []

    def make() -> SourcesView:
        view = SourcesView(service, runner=inline_runner)
        qtbot.addWidget(view)
        made.append(view)
        return view

    yield make
    for view in made:
        view.close_worker()


def test_import_problems_are_shown_in_chinese_and_stay_english_for_the_cli(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    service: Service,
    chinese: None,
    sources_view: Callable[[], SourcesView],
) -> None:
    fake_home(monkeypatch, tmp_path / "home", "claude", "codex")
    view = sources_view()
    view.import_all()
    with_problems = [s for s in service.imports.sources() if s.problem_count]
    assert with_problems  # the fixtures hold damaged lines
    for info in with_problems:
        # Read back from the ledger: each stored problem is still a message.
        assert all(isinstance(p.message, Message) for p in info.problems), info.problems
        view.select(view.model.row_of(info.name))
        lines = view.problem_lines()
        assert len(lines) == len(info.problems)
        for line, problem in zip(lines, info.problems, strict=True):
            where = home_short(problem.path) + (f":{problem.line}" if problem.line else "")
            assert line.startswith(f"{where}: ")
            assert has_chinese(line), line
            assert not has_chinese(problem_text(problem))  # the command line's English


def test_a_failed_start_at_login_is_reported_in_chinese(
    qtbot: QtBot, isolated_home: Path, chinese: None
) -> None:
    from dataclasses import replace

    from tokenbudget.core import autostart
    from tokenbudget.gui.main_window import MainWindow

    blocked = isolated_home / "autostart"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(AutostartError) as raised:
        autostart.enable()
    assert str(raised.value).startswith("could not write the autostart entry ")  # the CLI's
    window = MainWindow(Service(), delay_ms=0)
    qtbot.addWidget(window)
    window.apply_settings(replace(window.settings_values(), start_at_login=True))
    shown = window.statusBar().currentMessage()
    assert has_chinese(shown) and str(blocked) in shown, shown
    assert not autostart.is_enabled()


def test_a_failed_menu_entry_is_reported_in_chinese(
    qtbot: QtBot, isolated_home: Path, chinese: None
) -> None:
    from tokenbudget.gui.launcher_offer import offer_launcher
    from tokenbudget.gui.main_window import MainWindow

    (isolated_home / "share").write_text("a file where the folder should be")
    window = MainWindow(Service(), delay_ms=0)
    qtbot.addWidget(window)
    offer = offer_launcher(window, window.service)
    assert offer is not None
    with qtbot.waitSignal(offer.finished) as signal:
        offer.install_button.click()
    assert signal.args == ["failed"]
    assert has_chinese(offer.text.text()), offer.text.text()
    with pytest.raises(LauncherError, match=r"^could not install the menu entry: "):
        install_launcher()
