"""Core messages the window shows, in Simplified Chinese from the shipped catalogue.

Each test installs zh_CN, makes the core produce the message, and reads what the GUI shows;
the English (what the command line prints) is checked to be unchanged next to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.sources_support import fake_home
from tokenbudget.core.errors import AutostartError, LauncherError, LedgerBusyError, LedgerError
from tokenbudget.core.ledger.connection import RECOVER_HINT, classify
from tokenbudget.core.live_sync import WatchRoot, sync_with
from tokenbudget.core.messages import Message
from tokenbudget.core.services import Service, install_launcher
from tokenbudget.core.types import home_short, problem_text
from tokenbudget.gui import translation
from tokenbudget.gui.formatting import error_text, render
from tokenbudget.gui.jobs import Jobs, inline_runner
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


def _busy_error() -> LedgerError:
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    return classify(locked, Path("/data/ledger.sqlite3"), "write to")


def test_ledger_errors_reach_the_window_in_chinese(chinese: None) -> None:
    busy = _busy_error()
    assert isinstance(busy, LedgerBusyError)
    assert str(busy) == (  # the command line's English, as before
        "the ledger /data/ledger.sqlite3 is busy: another program kept it locked for more "
        "than 10 s; try again when it is done (database is locked)"
    )
    readonly = classify(PermissionError(13, "Permission denied"), Path("/l.sqlite3"), "open")
    assert str(readonly).startswith("cannot open the ledger /l.sqlite3: its folder cannot be")
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    damaged.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
    hinted = classify(damaged, Path("/l.sqlite3"), "read")
    assert str(hinted).endswith(RECOVER_HINT)
    # Every view reports a failed job through Jobs, which renders the error.
    reported: list[str] = []
    jobs = Jobs(runner=inline_runner)
    for number, error in enumerate((busy, readonly, hinted)):

        def fail(error: LedgerError = error) -> None:
            raise error

        jobs.submit(f"ledger-{number}", fail, lambda _result: None, reported.append)
    assert len(reported) == 3
    for text in reported:
        assert has_chinese(text) and ("/l.sqlite3" in text or "/data/" in text), text
    assert "打开" in reported[1] and "tokenbudget ledger recover" in reported[2]


def test_live_sync_errors_are_shown_in_chinese(
    qtbot: QtBot, tmp_path: Path, service: Service, chinese: None
) -> None:
    from tokenbudget.gui.shell import Shell

    def run(_importer: object, _targets: object) -> object:
        raise _busy_error()

    codex = tmp_path / ".codex"
    codex.mkdir()
    report = sync_with(run, [codex], [WatchRoot("codex", codex)])
    (error,) = report.errors
    assert error.startswith("codex: the ledger /data/ledger.sqlite3 is busy")  # English
    shell = Shell(service, tray_available=False, delay_ms=0, live_sync=False)
    qtbot.addWidget(shell.window)
    shell._sync_reported(report)
    shown = shell.window.statusBar().currentMessage()
    assert has_chinese(shown) and "codex" in shown and "正忙" in shown, shown


def test_a_broken_prices_json_is_reported_in_chinese(isolated_home: Path, chinese: None) -> None:
    from tokenbudget.core import paths

    path = paths.price_overrides_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    service = Service()
    service.recover_prices = True  # as the window does
    assert [m.id for m in service.counting.known_models(["gpt-5.5"])] == ["gpt-5.5"]
    (warning,) = service.warnings()
    assert "is not valid JSON" in warning and "started without that file" in warning  # the CLI's
    shown = render(warning)
    assert has_chinese(shown) and str(path) in shown and "已在不使用该文件的情况下启动" in shown
    service.close()


def test_settings_keyring_and_balance_errors_in_chinese(tmp_path: Path, chinese: None) -> None:
    from tokenbudget.core import balances
    from tokenbudget.core.errors import BalanceError, SettingsError
    from tokenbudget.core.settings import Settings

    path = tmp_path / "settings.json"
    settings = Settings.load_or_defaults(path)
    path.write_text("{broken", encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        settings.save()
    assert str(refused.value) == (
        f"settings file {path} is malformed; fix or remove it before changing settings"
    )
    assert has_chinese(error_text(refused.value)) and str(path) in error_text(refused.value)
    answers: list[tuple[object, str]] = [
        ({}, "unexpected answer (no balance_infos)"),
        ({"balance_infos": [{"currency": "CNY"}]}, "unexpected answer (total_balance missing)"),
        (
            {"balance_infos": [{"currency": "CNY", "total_balance": "x"}]},
            "unexpected answer (total_balance is not a number)",
        ),
    ]
    for answer, english in answers:
        with pytest.raises(BalanceError) as bad:
            balances._deepseek(answer, "https://api.deepseek.com")
        assert str(bad.value) == english
        shown = error_text(bad.value)
        assert has_chinese(shown) and "(" not in shown, shown  # the Chinese brackets
    with pytest.raises(BalanceError) as none:
        balances._openrouter({"data": {"limit": None}}, "https://openrouter.ai")
    assert str(none.value) == "this key has no credit limit"
    assert has_chinese(error_text(none.value))


def test_keyring_failures_in_chinese(chinese: None) -> None:
    from tokenbudget.core.errors import SecretsError
    from tokenbudget.core.secrets import KeyringStore

    class Refusing:
        """A keyring backend that refuses (a locked keyring, a dismissed prompt)."""

        priority = 1

        def get_password(self, service: str, name: str) -> str | None:
            raise RuntimeError("locked")

        def set_password(self, service: str, name: str, value: str) -> None:
            raise RuntimeError("dismissed")

    store = KeyringStore(Refusing())
    with pytest.raises(SecretsError) as refused:
        store.set("deepseek", "sk-123")
    assert str(refused.value) == "the keyring did not store the deepseek key: RuntimeError"
    assert has_chinese(error_text(refused.value)) and "deepseek" in error_text(refused.value)


def test_a_broken_claude_settings_file_is_reported_in_chinese(
    qtbot: QtBot, service: Service, tmp_path: Path, chinese: None
) -> None:
    from tokenbudget.core.claude_settings import read_settings
    from tokenbudget.core.errors import UserInputError
    from tokenbudget.gui.statusline_dialog import StatusLineDialog

    settings = tmp_path / "settings.json"
    settings.write_text("{broken", encoding="utf-8")
    with pytest.raises(UserInputError, match=r"is not valid JSON .*; fix it first"):
        read_settings(settings)
    dialog = StatusLineDialog(service.limits, settings_file=settings)
    qtbot.addWidget(dialog)
    shown = dialog.error.text()
    assert has_chinese(shown) and str(settings) in shown, shown
    assert settings.read_text(encoding="utf-8") == "{broken"


@pytest.mark.parametrize(
    ("content", "english", "chinese_text"),
    [
        (b"not a database at all, just text" * 10, "not an SQLite database", "不是 SQLite 数据库"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "the database is damaged: ", "数据库已损坏"),
    ],
)
def test_a_broken_tool_database_is_a_problem_in_chinese(
    tmp_path: Path, content: bytes, english: str, chinese_text: str, chinese: None
) -> None:
    from tokenbudget.core.importers.opencode import OpenCodeImporter

    (tmp_path / "opencode.db").write_bytes(content)
    (problem,) = OpenCodeImporter().scan([tmp_path], {}).problems
    assert problem.message.startswith(english)  # the command line's
    assert render(problem.message).startswith(chinese_text), render(problem.message)


def test_a_log_row_missing_what_it_needs_is_a_problem_in_chinese(
    tmp_path: Path, chinese: None
) -> None:
    import json

    from tokenbudget.core.importers import get_importer

    usage = {"input_tokens": 10, "output_tokens": 5}
    rows = [
        {"type": "assistant", "message": {"model": "claude-sonnet-4-5", "usage": usage}},
        {"type": "assistant", "timestamp": "2026-11-02T09:00:00Z", "message": {"usage": usage}},
    ]
    log = tmp_path / "session.jsonl"
    log.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    problems = get_importer("claude-code").scan([tmp_path], {}).problems
    english = [str(p.message) for p in problems]
    assert english == [
        "assistant row without a valid timestamp",
        "assistant row without a model",
    ]
    assert [render(p.message) for p in problems] == [
        "助手记录没有有效的时间戳",
        "助手记录没有模型",
    ]


def test_csv_rows_a_missing_plan_and_a_home_that_is_a_file_in_chinese(
    tmp_path: Path, chinese: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokenbudget.core import paths
    from tokenbudget.core.errors import UserInputError
    from tokenbudget.core.importers import get_importer
    from tokenbudget.core.ledger import Ledger

    export = tmp_path / "spend.csv"
    export.write_text(
        "time_utc,provider,model,input_tokens,output_tokens\n"
        "yesterday,openai,gpt-5.5,10,1\n"
        "2026-11-02T09:00:00Z,openai,gpt-5.5,-3,1\n",
        encoding="utf-8",
    )
    problems = get_importer("csv").scan([export], {}).problems
    assert [str(p.message) for p in problems] == [
        "time_utc 'yesterday' is not an ISO 8601 time",
        "input_tokens '-3' is negative",
    ]
    assert [render(p.message) for p in problems] == [
        "time_utc 'yesterday' 不是 ISO 8601 时间",
        "input_tokens '-3' 是负数",
    ]
    with Ledger.open(tmp_path / "ledger.sqlite3") as ledger, pytest.raises(LedgerError) as missing:
        ledger.find_plan("Claude Max")
    assert str(missing.value) == "no plan named 'Claude Max' (plans: none yet)"
    assert error_text(missing.value) == "没有名为 'Claude Max' 的套餐（现有套餐：暂无）"
    a_file = tmp_path / "home.txt"
    a_file.write_text("x")
    monkeypatch.setenv("TOKENBUDGET_HOME", str(a_file))
    with pytest.raises(UserInputError) as home:
        paths.config_dir()
    assert error_text(home.value) == f"TOKENBUDGET_HOME 为 {a_file}，它是文件而不是文件夹"
