"""The Sources window: every coding tool found or not, Import now, live-sync switches, skipped lines.

Expected rows come from the core's own records and the fake home on disk; expected totals from
the ledger, counted here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.sources_support import every_tool, fake_home
from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.ledger import HistoryFilter
from tokenbudget.core.services import Service
from tokenbudget.core.types import SourceInfo, home_short, problem_text
from tokenbudget.gui.formatting import format_int
from tokenbudget.gui.jobs import inline_runner
from tokenbudget.gui.live_sync import LiveSync
from tokenbudget.gui.sources_model import Column
from tokenbudget.gui.sources_view import SourcesView

CHECK = Qt.ItemDataRole.CheckStateRole
TIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def two_tools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A home with Claude Code's and Codex's logs, and no other tool's."""
    return fake_home(monkeypatch, tmp_path / "home", "claude", "codex")


@pytest.fixture
def make_view(qtbot: QtBot, service: Service) -> Iterator[Callable[..., SourcesView]]:
    made: list[SourcesView] = []

    def make(**kw: object) -> SourcesView:
        options: dict[str, object] = {"runner": inline_runner}
        options.update(kw)
        view = SourcesView(service, **options)  # type: ignore[arg-type]
        qtbot.addWidget(view)
        view.resize(1000, 700)
        made.append(view)
        return view

    yield make
    for view in made:
        view.close_worker()


def cell(view: SourcesView, name: str, column: Column, role: int = 0) -> object:
    row = view.model.row_of(name)
    assert row >= 0, name
    return view.model.index(row, column).data(role)


def entries_of(service: Service, name: str) -> int:
    return service.entries.count(HistoryFilter(sources=(name,)))


def found(service: Service) -> list[SourceInfo]:
    return [s for s in service.imports.sources() if s.is_found]


def test_every_tool_is_listed_found_or_not(
    two_tools: Path, service: Service, make_view: Callable[..., SourcesView]
) -> None:
    view = make_view()
    infos = service.imports.sources()
    assert len(infos) == 9
    assert [s.name for s in view.model.sources()] == [s.name for s in infos]
    shown_found = 0
    for info in infos:
        exists = [root for root in info.roots if root.exists()]
        assert info.is_found == bool(exists)
        assert cell(view, info.name, Column.TOOL) == info.label
        where = str(cell(view, info.name, Column.WHERE))
        last = cell(view, info.name, Column.LAST_IMPORT)
        assert last == "Never"
        if exists:
            shown_found += 1
            assert not where.startswith("Not found")
            assert all(Path(root).name in where for root in exists)
            assert all(root.is_relative_to(two_tools) for root in exists)
        else:
            assert where.startswith("Not found — looked in")
            tip = str(cell(view, info.name, Column.LIVE_SYNC, TIP))
            assert "not found" in tip  # why its switch is off
            index = view.model.index(view.model.row_of(info.name), Column.LIVE_SYNC)
            assert not view.model.flags(index) & Qt.ItemFlag.ItemIsEnabled
    assert shown_found == 2
    assert "2 of 9 tools found" in view.summary.text()
    assert view.import_button.isEnabled()


def test_import_now_imports_every_tool_found_and_the_rows_follow(
    two_tools: Path, service: Service, make_view: Callable[..., SourcesView], qtbot: QtBot
) -> None:
    view = make_view()
    tools = found(service)
    assert all(cell(view, s.name, Column.ENTRIES) == "0" for s in tools)
    shown: list[str] = []
    original = view.show_status

    def spy(text: str, error: bool = False) -> None:
        shown.append(text)
        original(text, error)

    view.show_status = spy  # type: ignore[method-assign]
    with qtbot.waitSignal(view.imported) as signal:
        view.import_all()
    written = {s.name: entries_of(service, s.name) for s in tools}
    assert all(written.values()), written
    assert signal.args == [sum(written.values())]
    locale = QLocale()
    for info in tools:
        assert cell(view, info.name, Column.ENTRIES) == format_int(locale, written[info.name])
        assert cell(view, info.name, Column.LAST_IMPORT) != "Never"
        assert cell(view, info.name, Column.TOKENS) != "—"
    progress = [t for t in shown if t.startswith("Importing ")]
    assert progress[-len(tools) :] == [
        f"Importing {info.label}… {i} of {len(tools)}" for i, info in enumerate(tools, 1)
    ]
    summary = view.status.text()
    assert summary.startswith(
        f"Imported {locale.toString(sum(written.values()))} entries from {len(tools)} tools"
    )
    assert not view.progress.isVisibleTo(view)
    assert view.import_button.isEnabled() and not view.importing()


def test_import_now_is_disabled_while_it_runs_and_never_runs_twice(
    two_tools: Path, service: Service, make_view: Callable[..., SourcesView]
) -> None:
    held: list[Callable[[], None]] = []
    view = make_view(runner=held.append)
    while held:
        held.pop(0)()  # the first read of the records
    view.import_all()
    assert view.importing() and not view.import_button.isEnabled()
    assert not view.tool_import.isEnabled()
    assert view.progress.isVisibleTo(view)
    view.import_all()  # a second click while it runs does nothing
    assert len(held) == 1
    while held:
        held.pop(0)()
    assert not view.importing() and view.import_button.isEnabled()
    assert all(entries_of(service, s.name) for s in found(service))


def test_a_failed_import_is_a_message_not_a_traceback(
    two_tools: Path,
    service: Service,
    make_view: Callable[..., SourcesView],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = make_view()

    def broken(**_kw: object) -> object:
        raise TokenbudgetError("the disk is full")

    monkeypatch.setattr(view._worker.get().imports, "run_all", broken)
    view.import_all()
    assert "the disk is full" in view.status.text()
    assert "Traceback" not in view.status.text()
    assert view.status.property("tokenbudgetTint") == "error"  # the theme's error colour
    assert view.import_button.isEnabled()


def test_one_tool_imports_alone_from_its_row(
    two_tools: Path, service: Service, make_view: Callable[..., SourcesView]
) -> None:
    view = make_view()
    codex = next(s for s in found(service) if s.name == "codex")
    view.select(view.model.row_of("codex"))
    assert view.tool_import.text() == f"Import {codex.label}"
    view.tool_import.click()
    assert entries_of(service, "codex") > 0
    assert all(entries_of(service, s.name) == 0 for s in found(service) if s.name != "codex")
    assert cell(view, "codex", Column.ENTRIES) == format_int(
        QLocale(), entries_of(service, "codex")
    )
    assert view.status.text().startswith("Imported ") and codex.label in view.status.text()


def test_skipped_lines_of_the_selected_tool_are_listed_as_file_and_line(
    two_tools: Path, service: Service, make_view: Callable[..., SourcesView]
) -> None:
    view = make_view()
    view.import_all()
    with_problems = [s for s in service.imports.sources() if s.problem_count]
    assert with_problems  # the fixtures hold damaged lines
    for info in with_problems:
        view.select(view.model.row_of(info.name))
        lines = view.problem_lines()
        assert lines == [home_short(problem_text(p)) for p in info.problems]
        for line in lines:
            path, number, _message = re.split(r":(\d+): ", line, maxsplit=1)
            assert Path(path).expanduser().is_file() and int(number) > 0
        assert format_int(QLocale(), info.problem_count) in view.problems_title.text()
        assert format_int(QLocale(), info.problem_count) in str(cell(view, info.name, Column.NOTE))
    never = next(s for s in service.imports.sources() if not s.is_found)
    view.select(view.model.row_of(never.name))
    assert view.problem_lines() == []
    assert view.problems_title.text() == "Not imported yet."


def test_the_live_sync_switch_is_saved_and_live_sync_drops_the_tool(
    two_tools: Path, service: Service, make_view: Callable[..., SourcesView], qtbot: QtBot
) -> None:
    view = make_view()
    live = LiveSync(service, runner=inline_runner, debounce_ms=0)
    view.live_sync_changed.connect(live.sync_all)
    live.start()
    try:
        codex = next(s for s in found(service) if s.name == "codex")
        assert {r.importer for r in live.roots} >= {"codex", "claude-code"}
        assert any(Path(p).is_relative_to(codex.found[0]) for p in live.watched())
        index = view.model.index(view.model.row_of("codex"), Column.LIVE_SYNC)
        assert index.data(CHECK) == Qt.CheckState.Checked
        with qtbot.waitSignal(view.live_sync_changed):
            assert view.model.setData(index, Qt.CheckState.Unchecked.value, CHECK)
        assert not next(s for s in service.imports.sources() if s.name == "codex").live_sync
        assert "codex" not in {r.importer for r in service.imports.watch_roots()}
        assert index.data(CHECK) == Qt.CheckState.Unchecked
        assert "codex" not in {r.importer for r in live.roots}
        assert "claude-code" in {r.importer for r in live.roots}
        assert not any(Path(p).is_relative_to(codex.found[0]) for p in live.watched())
        # And back on.
        view.model.setData(index, Qt.CheckState.Checked.value, CHECK)
        assert "codex" in {r.importer for r in service.imports.watch_roots()}
        assert "codex" in {r.importer for r in live.roots}
    finally:
        live.stop()


def test_tools_that_log_one_total_per_session_say_so(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    service: Service,
    make_view: Callable[..., SourcesView],
) -> None:
    every_tool(monkeypatch, tmp_path / "home")
    view = make_view()
    view.import_all()
    infos = service.imports.sources()
    assert all(s.is_found for s in infos)
    for info in infos:
        note = str(cell(view, info.name, Column.NOTE))
        assert ("totals per session" in note) == info.per_session, info.name
        if info.per_session:
            assert "whole session" in str(cell(view, info.name, Column.NOTE, TIP))
        cost = str(cell(view, info.name, Column.COST))
        if info.unpriced:
            assert f"{format_int(QLocale(), info.unpriced)} unpriced" in cost
        if not info.cost:
            assert "$" not in cost  # unpriced entries never show as $0
    assert any(s.per_session for s in infos) and any(s.unpriced for s in infos)


def test_nothing_found_says_so_and_imports_nothing(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    service: Service,
    make_view: Callable[..., SourcesView],
) -> None:
    fake_home(monkeypatch, tmp_path / "empty")
    view = make_view()
    assert "No coding tool" in view.summary.text()
    assert not view.import_button.isEnabled()
    view.import_all()
    assert service.entries.count() == 0


def test_the_apps_live_sync_follows_a_switch_made_in_the_window(
    two_tools: Path, service: Service, qtbot: QtBot
) -> None:
    from tokenbudget.gui.shell import Shell

    shell = Shell(service, tray_available=False, delay_ms=0, live_sync=True)
    shell.sources_runner = inline_runner
    qtbot.addWidget(shell.window)
    shell.start()
    try:
        assert shell.live_sync is not None
        assert "codex" in {r.importer for r in shell.live_sync.roots}
        shell.window.sources_action.trigger()
        view = shell.view("sources")
        assert isinstance(view, SourcesView)
        view.model.setData(
            view.model.index(view.model.row_of("codex"), Column.LIVE_SYNC),
            Qt.CheckState.Unchecked.value,
            CHECK,
        )
        assert "codex" not in {r.importer for r in shell.live_sync.roots}
        assert "claude-code" in {r.importer for r in shell.live_sync.roots}
    finally:
        shell.close()
        view = shell.view("sources")
        if view is not None:
            view.window().close()


def test_on_its_own_worker_thread(two_tools: Path, service: Service, qtbot: QtBot) -> None:
    view = SourcesView(service)  # the thread the app uses
    qtbot.addWidget(view)
    try:
        qtbot.waitUntil(lambda: view.model.rowCount() == 9)
        with qtbot.waitSignal(view.imported, timeout=20_000):
            view.import_all()
            assert view.importing() and not view.import_button.isEnabled()
        qtbot.waitUntil(lambda: cell(view, "codex", Column.ENTRIES) not in ("0", "—"))
        assert cell(view, "codex", Column.ENTRIES) == format_int(
            QLocale(), entries_of(service, "codex")
        )
        assert view.import_button.isEnabled()
    finally:
        view.close_worker()


def test_the_table_model_follows_qts_rules(
    two_tools: Path, qtmodeltester: ModelTester, make_view: Callable[..., SourcesView]
) -> None:
    view = make_view()
    view.import_all()
    qtmodeltester.check(view.model, force_py=True)


def test_a_folder_that_cannot_be_read_says_so_rather_than_not_found(tmp_path: Path) -> None:
    from tokenbudget.gui.sources_model import where_text

    locked = tmp_path / ".kimi" / "sessions"
    info = SourceInfo(
        name="kimi-cli",
        label="Kimi",
        roots=(locked, tmp_path / "b"),
        found=(),
        unreadable=(locked,),
    )
    text = where_text(info)
    assert "permission denied" in text and str(locked.name) in text
    assert "Not found" not in text
    missing = SourceInfo(name="kimi-cli", label="Kimi", roots=(locked,), found=())
    assert where_text(missing).startswith("Not found")
