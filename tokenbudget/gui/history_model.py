"""The history table: a lazy model over a core ``RowMap``, read a page at a time.

``rowCount`` is the map's total (from the rollup: no row is read for it); a row's page of
entries is read when the view first asks for it and kept in a small LRU cache
(``PageCache``). A page is a couple of milliseconds even a million rows deep (measured in
``benchmarks/bench_history.py``), so pages are read on the UI thread; building the map,
which can take longer, happens elsewhere (``HistoryView``). A row the ledger no longer has
shows a dash until the next refresh.

Rows keep the ledger's order (newest first); ``SORT_ROLE`` gives raw values, not text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.messages import QT_TRANSLATE_NOOP
from tokenbudget.core.types import (
    PROVIDER_NAMES,
    THIS_DEVICE,
    Entry,
    ExchangeRates,
    Money,
    PageCache,
    Plan,
    RowMap,
    counting_plans,
    from_micros,
    project_name,
    to_us,
)
from tokenbudget.gui.conversion import conversion_note
from tokenbudget.gui.formatting import error_text, format_int, format_money, ledger_places

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2
ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
#: The roles answered from an entry; every other role is None without reading a row.
_ROLES = frozenset({_DISPLAY, _FOREGROUND, _TOOLTIP, SORT_ROLE, ENTRY_ROLE, ENTRY_ID_ROLE})


class Column(IntEnum):
    """The table's columns."""

    TIME = 0
    PROVIDER = 1
    MODEL = 2
    INPUT = 3
    CACHE_READ = 4
    CACHE_WRITE = 5
    OUTPUT = 6
    COST = 7
    SOURCE = 8
    DEVICE = 9
    PLAN = 10
    PROJECT = 11
    NOTE = 12


NUMERIC = frozenset(
    {Column.INPUT, Column.CACHE_READ, Column.CACHE_WRITE, Column.OUTPUT, Column.COST}
)
_NUMERIC_COLUMNS = frozenset(int(c) for c in NUMERIC)
_COLUMNS = len(Column)
_GREY_BRUSH = QBrush(QColor(128, 128, 128))


def _tr(text: str) -> str:
    return QCoreApplication.translate("HistoryModel", text)


HEADERS = {
    Column.TIME: QT_TRANSLATE_NOOP("HistoryModel", "Time"),
    Column.PROVIDER: QT_TRANSLATE_NOOP("HistoryModel", "Provider"),
    Column.MODEL: QT_TRANSLATE_NOOP("HistoryModel", "Model"),
    Column.INPUT: QT_TRANSLATE_NOOP("HistoryModel", "Input"),
    Column.CACHE_READ: QT_TRANSLATE_NOOP("HistoryModel", "Cache read"),
    Column.CACHE_WRITE: QT_TRANSLATE_NOOP("HistoryModel", "Cache write"),
    Column.OUTPUT: QT_TRANSLATE_NOOP("HistoryModel", "Output"),
    Column.COST: QT_TRANSLATE_NOOP("HistoryModel", "Cost"),
    Column.SOURCE: QT_TRANSLATE_NOOP("HistoryModel", "Source"),
    Column.DEVICE: QT_TRANSLATE_NOOP("HistoryModel", "Device"),
    Column.PLAN: QT_TRANSLATE_NOOP("HistoryModel", "Plan"),
    Column.PROJECT: QT_TRANSLATE_NOOP("HistoryModel", "Project"),
    Column.NOTE: QT_TRANSLATE_NOOP("HistoryModel", "Note or prompt"),
}


def provider_name(key: str) -> str:
    """A provider's display name (its key when unknown)."""
    return PROVIDER_NAMES.get(key, key)


#: Reads rows ``start`` to ``start + count`` of a row map (``EntriesService.page``).
PageReader = Callable[[RowMap, int, int], list[Entry | None]]


class HistoryModel(QAbstractTableModel):
    """The rows of a ``RowMap``, read with ``pages`` a page at a time.

    Signals:
        load_failed: A page could not be read (the message says why, on one line).
    """

    load_failed = Signal(str)

    def __init__(self, pages: PageReader, parent: Any = None, *, page_size: int = 64) -> None:
        super().__init__(parent)
        self._pages = pages
        self._row_map: RowMap | None = None
        # 64 rows: about two screens. A jump reads one or two pages; a page's cost is mostly
        # per row, so a larger page only slows the jump.
        self._cache = PageCache(self._fetch, page_size=page_size, pages=48)
        self._failed = False
        self._last: tuple[int, Entry | None] = (-1, None)
        self._texts: dict[int, tuple[str, ...]] = {}
        self._rates = ExchangeRates()
        self._currency = "USD"
        self._plans: tuple[Plan, ...] = ()
        self._devices: dict[str, str] = {}
        self.locale = QLocale()

    # -- updates -------------------------------------------------------------------------

    def set_row_map(self, row_map: RowMap | None) -> None:
        """Show the rows of ``row_map`` (a reset: the view forgets its selection)."""
        self.beginResetModel()
        self._row_map = row_map
        self._forget()
        self.endResetModel()

    def set_display(self, currency: str, rates: ExchangeRates, plans: Sequence[Plan]) -> None:
        """The currency costs are shown in, the user's rates, and the plans (Plan column)."""
        self._currency = currency
        self._rates = rates
        self._plans = tuple(plans)
        self._texts.clear()
        self._changed_all()

    def set_devices(self, devices: Mapping[str, str]) -> None:
        """The devices' names by id (this device's under ``THIS_DEVICE``), for the Device column."""
        if dict(devices) == self._devices:
            return
        self._devices = dict(devices)
        self._texts.clear()
        self._changed_all()

    def device_name(self, entry: Entry) -> str:
        """The name of the device that recorded ``entry`` (an unknown one's id)."""
        if entry.device is None:
            #: An entry's device when this device's name is not known.
            return self._devices.get(THIS_DEVICE) or _tr("This device")
        return self._devices.get(entry.device) or entry.device

    def reread(self) -> None:
        """Read the rows again (same map: after an edit that keeps the rows in place)."""
        self._forget()
        self._changed_all()

    def _forget(self) -> None:
        self._cache.clear()
        self._texts.clear()
        self._last = (-1, None)
        self._failed = False

    def _changed_all(self) -> None:
        if self.rowCount():
            last = self.index(self.rowCount() - 1, len(Column) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    @property
    def row_map(self) -> RowMap | None:
        """The map shown."""
        return self._row_map

    @property
    def page_loads(self) -> int:
        """How many pages were read from the ledger so far."""
        return self._cache.loads

    def entry(self, row: int) -> Entry | None:
        """The entry at ``row`` (reading its page if needed), or None."""
        if row == self._last[0]:
            return self._last[1]  # a repaint asks for each cell of a row in turn
        if self._row_map is None or not 0 <= row < self._row_map.total or self._failed:
            return None
        try:
            entry = self._cache.entry(row)
        except TokenbudgetError as exc:
            self._failed = True  # one message, not one per cell, until the next refresh
            self.load_failed.emit(error_text(exc))
            return None
        self._last = (row, entry)
        return entry

    def _fetch(self, start: int, count: int) -> list[Entry | None]:
        assert self._row_map is not None
        return self._pages(self._row_map, start, count)

    # -- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows of the map (none are read to know it)."""
        if parent.isValid() or self._row_map is None:
            return 0
        return self._row_map.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of columns."""
        return 0 if parent.isValid() else _COLUMNS

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[Column(section)])
        if role == Qt.ItemDataRole.TextAlignmentRole and Column(section) in NUMERIC:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Cell contents by role; ``SORT_ROLE`` gives raw numbers, ``ENTRY_ROLE`` the entry.

        A repaint calls this a few thousand times, so it works on plain ints and answers the
        roles it has nothing for before it looks at any entry.
        """
        if role == _ALIGN:
            return _RIGHT if index.column() in _NUMERIC_COLUMNS else None
        if role not in _ROLES or not index.isValid():
            return None
        column = index.column()
        entry = self.entry(index.row())
        if entry is None:
            if role == _DISPLAY and column == Column.TIME:
                return "—"
            return _GREY_BRUSH if role == _FOREGROUND else None
        if role == _DISPLAY:
            return self._row_texts(entry)[column]
        if role == _FOREGROUND:
            grey = (column == Column.NOTE and entry.note is None) or (
                column == Column.COST and entry.cost_micros is None
            )
            return _GREY_BRUSH if grey else None
        if role == ENTRY_ROLE:
            return entry
        if role == ENTRY_ID_ROLE:
            return entry.id
        if role == SORT_ROLE:
            if column in (Column.PLAN, Column.DEVICE):  # sorted as shown
                return self._row_texts(entry)[column].casefold()
            return _sort_key(entry, Column(column))
        return self._tooltip(entry, Column(column))

    # -- text ----------------------------------------------------------------------------

    def _row_texts(self, entry: Entry) -> tuple[str, ...]:
        """Every column's text of one entry, formatted once (a repaint asks again and again)."""
        texts = self._texts.get(entry.id)
        if texts is None:
            if len(self._texts) > 4 * self._cache.page_size * self._cache.capacity:
                self._texts.clear()
            tokens = entry.tokens
            loc = self.locale
            texts = (
                self._time(entry),
                provider_name(entry.provider),
                entry.model,
                format_int(loc, tokens.input_tokens),
                format_int(loc, tokens.cache_read_tokens),
                format_int(loc, tokens.cache_write_5m_tokens + tokens.cache_write_1h_tokens),
                format_int(loc, tokens.output_tokens),
                self._cost_text(entry),
                source_label(entry.source),
                self.device_name(entry),
                ", ".join(p.name for p in self.plans_of(entry)),
                project_name(entry.project) if entry.project else "",
                _one_line(entry.note if entry.note is not None else entry.prompt_text or ""),
            )
            self._texts[entry.id] = texts
        return texts

    def plans_of(self, entry: Entry) -> list[Plan]:
        """The plans ``entry`` counts toward: its own, or every active plan that covers it."""
        return counting_plans(self._plans, entry.plan_id, entry.provider, entry.model, entry.at)

    def _time(self, entry: Entry) -> str:
        moment = QDateTime.fromMSecsSinceEpoch(to_us(entry.at) // 1000).toLocalTime()
        return self.locale.toString(moment, QLocale.FormatType.ShortFormat)

    def shown_cost(self, entry: Entry) -> Money | None:
        """The entry's cost in the display currency, or its own when there is no rate."""
        if entry.cost_micros is None or entry.currency is None:
            return None
        money = Money(from_micros(entry.cost_micros), entry.currency)
        if self._rates.can_convert(money.currency, self._currency):
            # A recorded amount is converted at the rate of its own day (the user's rate wins).
            return self._rates.convert(money, self._currency, entry.at.date())
        return money

    def _cost_text(self, entry: Entry) -> str:
        money = self.shown_cost(entry)
        if money is None:
            return _tr("unpriced")
        return format_money(self.locale, money, ledger_places(money.currency))

    def _tooltip(self, entry: Entry, column: Column) -> str | None:
        if column == Column.TIME:
            return entry.at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if column == Column.COST:
            if entry.cost_micros is None or entry.currency is None:
                return _tr("No price is known for this model; it is not free.")
            own = format_money(self.locale, Money(from_micros(entry.cost_micros), entry.currency))
            shown = self.shown_cost(entry)
            if shown is not None and shown.converted:
                return (
                    _tr("Recorded as {own}.").format(own=own)
                    + " "
                    + conversion_note(shown, self.locale)
                )
            if entry.currency != self._currency:
                return _tr("No exchange rate for {currency}: shown in {currency}.").format(
                    currency=entry.currency
                )
            return None
        if column == Column.CACHE_WRITE:
            tokens = entry.tokens
            return _tr("{short} for 5 minutes, {long} for 1 hour").format(
                short=format_int(self.locale, tokens.cache_write_5m_tokens),
                long=format_int(self.locale, tokens.cache_write_1h_tokens),
            )
        if column == Column.PLAN:
            if entry.plan_id is not None:
                return _tr("Assigned to this plan: it counts toward no other.")
            if self.plans_of(entry):
                return _tr("Not assigned: it counts toward every active plan that covers it.")
            return _tr("No active plan covers this provider and model.")
        if column == Column.PROJECT:
            return entry.project
        if column == Column.DEVICE:
            if entry.device is None:
                return _tr("Recorded or imported on this device")
            return _tr("Recorded or imported on {name} (device {id})").format(
                name=self.device_name(entry), id=entry.device
            )
        if column == Column.NOTE:
            parts = []
            if entry.note:
                parts.append(_tr("Note: {note}").format(note=entry.note))
            if entry.prompt_text:
                parts.append(_tr("Prompt: {prompt}").format(prompt=entry.prompt_text))
            return "\n\n".join(parts) or None
        return None


#: Where an entry came from, for the sources that are not a tool (a tool's name is a brand).
_OWN_SOURCES = {
    "manual": QT_TRANSLATE_NOOP("HistoryModel", "By hand"),
    "estimate": QT_TRANSLATE_NOOP("HistoryModel", "Estimate"),
    "csv": QT_TRANSLATE_NOOP("HistoryModel", "CSV file"),
}


def source_label(source: str) -> str:
    """How History names an entry's source: the tool's own name, or ours translated."""
    from tokenbudget.core.types import TOOL_LABELS

    own = _OWN_SOURCES.get(source)
    if own is not None:
        return QCoreApplication.translate("HistoryModel", own)
    return TOOL_LABELS.get(source, source)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sort_key(entry: Entry, column: Column) -> Any:
    tokens = entry.tokens
    keys: dict[Column, Any] = {
        Column.TIME: to_us(entry.at),
        Column.PROVIDER: entry.provider,
        Column.MODEL: entry.model.lower(),
        Column.INPUT: tokens.input_tokens,
        Column.CACHE_READ: tokens.cache_read_tokens,
        Column.CACHE_WRITE: tokens.cache_write_5m_tokens + tokens.cache_write_1h_tokens,
        Column.OUTPUT: tokens.output_tokens,
        Column.COST: -1 if entry.cost_micros is None else entry.cost_micros,
        Column.SOURCE: entry.source,
        Column.PROJECT: entry.project or "",
        Column.NOTE: (entry.note or entry.prompt_text or "").lower(),
    }
    return keys[column]
