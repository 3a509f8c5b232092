"""The history view's devices: the Device column and the device picker.

Three homes on one machine share a sync folder through the real sync path (as
``tests/test_cli_devices.py`` does): a work laptop and a desktop record their own entries and
share them, then this device (the test's own home, "MacBook") records its own and joins. The
view then shows every device's entries, names each entry's device, and narrows rows and
totals to one device, this one included.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from pytestqt.qtbot import QtBot

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.history_filter import THIS_DEVICE
from tokenbudget.core.services import Service
from tokenbudget.gui.history_model import ENTRY_ROLE, SORT_ROLE, Column
from tokenbudget.gui.history_view import HistoryView, inline_runner

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
#: Each device's name and what it records: (hours before NOW, output tokens, cost in cents).
DEVICES = {
    "Work laptop": [(1, 100, 30), (5, 200, 70)],
    "Desktop": [(2, 300, 110), (6, 400, 130), (9, 500, 170)],
    "MacBook": [(3, 600, 190), (4, 700, 230), (8, 800, 290), (10, 900, 310)],
}


def entries(name: str) -> list[NewEntry]:
    return [
        NewEntry(
            at=NOW - timedelta(hours=hours),
            provider="openai",
            model="gpt-5.5",
            tokens=TokenCounts(1000, 0, 0, 0, output),
            cost_micros=cents * 10_000,
            currency="USD",
            source="manual",
            note=f"{name} {hours}",
        )
        for hours, output, cents in DEVICES[name]
    ]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


def share(home: Path, folder: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Record ``name``'s entries in ``home`` and share them through ``folder``."""
    monkeypatch.setenv("TOKENBUDGET_HOME", str(home))
    service = Service()
    service.entries.record_many(entries(name))
    service.devices.use(folder, name)
    service.close()


@pytest.fixture
def service(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Service]:
    folder = tmp_path / "Sync"
    folder.mkdir()
    share(tmp_path / "laptop", folder, "Work laptop", monkeypatch)
    share(tmp_path / "desktop", folder, "Desktop", monkeypatch)
    monkeypatch.setenv("TOKENBUDGET_HOME", str(isolated_home))
    made = Service()
    made.entries.record_many(entries("MacBook"))
    made.devices.use(folder, "MacBook")
    yield made
    made.close()


def make_view(qtbot: QtBot, service: Service) -> HistoryView:
    view = HistoryView(service, runner=inline_runner, delay_ms=0, tz=UTC, now=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    return view


def shown(view: HistoryView, column: Column = Column.DEVICE) -> list[str]:
    return [view.model.index(row, column).data() for row in range(view.model.rowCount())]


def notes(view: HistoryView) -> list[str]:
    rows = range(view.model.rowCount())
    return [view.model.index(row, 0).data(ENTRY_ROLE).note for row in rows]


def choose_device(view: HistoryView, name: str) -> None:
    index = view.device.findText(name)
    assert index >= 0, [view.device.itemText(i) for i in range(view.device.count())]
    view.device.setCurrentIndex(index)


def test_every_devices_entries_are_shown_with_their_devices_names(
    qtbot: QtBot, service: Service
) -> None:
    view = make_view(qtbot, service)
    assert not view.table.isColumnHidden(Column.DEVICE)
    assert view.model.headerData(Column.DEVICE, Qt.Orientation.Horizontal) == "Device"
    # Newest first: the hours of DEVICES, in order.
    assert shown(view) == [
        "Work laptop",
        "Desktop",
        "MacBook",
        "MacBook",
        "Work laptop",
        "Desktop",
        "MacBook",
        "Desktop",
        "MacBook",
    ]
    assert all(n.startswith(d) for n, d in zip(notes(view), shown(view), strict=True))
    own = view.model.index(2, Column.DEVICE).data(Qt.ItemDataRole.ToolTipRole)
    assert own == "Recorded or imported on this device"
    other = view.model.index(0, Column.DEVICE).data(Qt.ItemDataRole.ToolTipRole)
    assert other.startswith("Recorded or imported on Work laptop (device ")
    assert view.model.index(0, Column.DEVICE).data(SORT_ROLE) == "work laptop"
    assert "9 entries" in view.totals.text()


def test_the_picker_offers_every_device_this_one_first(qtbot: QtBot, service: Service) -> None:
    view = make_view(qtbot, service)
    assert view.device.isVisibleTo(view)
    items = [(view.device.itemText(i), view.device.itemData(i)) for i in range(view.device.count())]
    assert [text for text, _ in items] == [
        "All devices",
        "MacBook (this device)",
        "Desktop",
        "Work laptop",
    ]
    assert items[0][1] is None and items[1][1] == THIS_DEVICE
    assert {items[2][1], items[3][1]} == {d.id for d in service.devices.devices()[1:]}


@pytest.mark.parametrize("name", ["Work laptop", "Desktop"])
def test_another_device_narrows_rows_and_totals_to_its_entries(
    qtbot: QtBot, service: Service, name: str
) -> None:
    view = make_view(qtbot, service)
    with qtbot.waitSignal(view.loaded):
        choose_device(view, name)
    want = DEVICES[name]
    assert shown(view) == [name] * len(want)
    assert view.current_filter().devices == (view.device.currentData(),)
    cost = sum(cents for _, _, cents in want) / 100
    tokens = sum(1000 + output for _, output, _ in want)
    assert view.totals.text().startswith(f"{len(want)} entries · {tokens:,} tokens · ${cost:.2f}")


def test_this_device_narrows_to_its_own_entries(qtbot: QtBot, service: Service) -> None:
    view = make_view(qtbot, service)
    with qtbot.waitSignal(view.loaded):
        choose_device(view, "MacBook (this device)")
    assert view.current_filter().devices == (THIS_DEVICE,)
    assert shown(view) == ["MacBook"] * 4
    assert notes(view) == ["MacBook 3", "MacBook 4", "MacBook 8", "MacBook 10"]
    assert view.totals.text().startswith("4 entries · 7,000 tokens · $10.20")
    with qtbot.waitSignal(view.loaded):
        view.filter_bar.clear()  # every device again
    assert view.model.rowCount() == 9 and view.device.currentData() is None


def test_the_export_follows_the_device_filter_and_names_the_device(
    qtbot: QtBot, service: Service, tmp_path: Path
) -> None:
    import csv

    view = make_view(qtbot, service)
    with qtbot.waitSignal(view.loaded):
        choose_device(view, "Desktop")
    target = tmp_path / "desktop.csv"
    view.export_csv(target)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["device"] for r in rows] == ["Desktop"] * 3
    assert sorted(r["note"] for r in rows) == ["Desktop 2", "Desktop 6", "Desktop 9"]


def test_the_charts_follow_the_device_filter(qtbot: QtBot, service: Service) -> None:
    view = make_view(qtbot, service)
    view.show()
    qtbot.waitExposed(view)
    assert view.chart is not None
    qtbot.waitUntil(lambda: bool(view.chart.daily.heights()), timeout=10_000)

    def today_in_usd() -> float:  # every entry is of NOW's day (the 20th), all OpenAI
        return view.chart.daily.heights()["OpenAI"][NOW.day - 1]  # type: ignore[no-any-return]

    assert today_in_usd() == pytest.approx(15.30)  # every device's spend
    with qtbot.waitSignal(view.charts_loaded, timeout=10_000):
        choose_device(view, "Work laptop")
    assert today_in_usd() == pytest.approx(1.00)
    with qtbot.waitSignal(view.charts_loaded, timeout=10_000):
        choose_device(view, "MacBook (this device)")
    assert today_in_usd() == pytest.approx(10.20)
    assert view.chart.monthly.heights()["OpenAI"][-1] == pytest.approx(10.20)
    assert "project and device filters" in view.chart.note.text()


def test_one_device_alone_has_no_picker_and_no_column(qtbot: QtBot) -> None:
    service = Service()
    service.entries.record_many(entries("MacBook"))
    view = make_view(qtbot, service)
    view.show()
    assert view.model.rowCount() == 4
    assert not view.device.isVisible()
    assert view.table.isColumnHidden(Column.DEVICE)
    assert view.current_filter().devices == ()
    # The model still names this device's entries, should the column be shown.
    assert view.model.index(0, Column.DEVICE).data() == "This device"
    service.close()
