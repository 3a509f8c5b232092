"""The Sources table: one row per coding tool, found or not, over core ``SourceInfo`` records.

A thin adapter (``Column`` switches ``data``). The live-sync column is a check box; ticking it
asks (``live_sync_toggled``) rather than changes anything itself: the view saves the switch
and shows the new records.
"""

from __future__ import annotations

from decimal import Decimal
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
from PySide6.QtGui import QBrush

from tokenbudget.core.messages import QT_TRANSLATE_NOOP
from tokenbudget.core.types import Money, SourceInfo, home_short, to_us
from tokenbudget.gui import palette
from tokenbudget.gui.formatting import format_int, format_money, money_places

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
#: The raw value of a cell (numbers for the numeric columns).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CENT = Decimal("0.01")


class Column(IntEnum):
    """The table's columns."""

    TOOL = 0
    WHERE = 1
    LAST_IMPORT = 2
    ENTRIES = 3
    TOKENS = 4
    COST = 5
    NOTE = 6
    LIVE_SYNC = 7


def _tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate("SourcesModel", text, disambiguation, n)


HEADERS = {
    Column.TOOL: QT_TRANSLATE_NOOP("SourcesModel", "Tool"),
    Column.WHERE: QT_TRANSLATE_NOOP("SourcesModel", "Where"),
    Column.LAST_IMPORT: QT_TRANSLATE_NOOP("SourcesModel", "Last import"),
    Column.ENTRIES: QT_TRANSLATE_NOOP("SourcesModel", "Entries"),
    Column.TOKENS: QT_TRANSLATE_NOOP("SourcesModel", "Tokens"),
    Column.COST: QT_TRANSLATE_NOOP("SourcesModel", "Cost"),
    Column.NOTE: QT_TRANSLATE_NOOP("SourcesModel", "Note"),
    Column.LIVE_SYNC: QT_TRANSLATE_NOOP("SourcesModel", "Live sync"),
}
_NUMERIC = frozenset({Column.ENTRIES, Column.TOKENS, Column.COST})


def where_text(info: SourceInfo, separator: str = "; ") -> str:
    """Where its logs are, or where they were looked for (folders joined by ``separator``)."""
    if info.is_found:
        return separator.join(home_short(p) for p in info.found)
    if info.unreadable:
        return _tr("Cannot be read (permission denied): {roots}").format(
            roots=separator.join(home_short(p) for p in info.unreadable)
        )
    roots = separator.join(home_short(p) for p in info.roots)
    if separator == "\n":
        roots = "\n" + roots  # a folder a line, under the words
    return _tr("Not found — looked in {roots}").format(roots=roots)


def last_import_text(info: SourceInfo, locale: QLocale) -> str:
    """Its last import in local time, or "Never"."""
    if info.last_import is None:
        return _tr("Never")
    moment = QDateTime.fromMSecsSinceEpoch(to_us(info.last_import) // 1000).toLocalTime()
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def cost_text(info: SourceInfo, locale: QLocale) -> str:
    """Cost in each currency, plus unpriced entries counted apart (never as zero)."""
    parts = [
        # Cents, as History shows them; a sum under a cent keeps digits enough (not $0.00).
        format_money(locale, money, 2 if abs(money.amount) >= CENT else min(4, money_places(money)))
        for money in (Money(amount, currency) for currency, amount in sorted(info.cost.items()))
    ]
    if info.unpriced:
        parts.append(_tr("%Ln unpriced", "", info.unpriced))
    return " + ".join(parts) if parts else ("—" if not info.entries else "")


def note_parts(info: SourceInfo, locale: QLocale) -> list[str]:
    """Short notes: session totals, lines the last import skipped."""
    parts = []
    if info.per_session:
        parts.append(_tr("totals per session"))
    if info.problem_count:
        parts.append(_tr("%Ln lines skipped", "", info.problem_count))
    return parts


class SourcesModel(QAbstractTableModel):
    """The tools as rows.

    Signals:
        live_sync_toggled(str, bool): The user ticked or cleared a tool's live-sync box.
    """

    live_sync_toggled = Signal(str, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SourceInfo] = []
        self.locale = QLocale()

    def set_sources(self, sources: list[SourceInfo]) -> None:
        """Show ``sources`` (the same tools in the same order keep the selection)."""
        if [s.name for s in sources] == [s.name for s in self._rows]:
            self._rows = list(sources)
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
                )
            return
        self.beginResetModel()
        self._rows = list(sources)
        self.endResetModel()

    def source(self, row: int) -> SourceInfo | None:
        """The tool of ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def sources(self) -> list[SourceInfo]:
        """Every tool shown, in order."""
        return list(self._rows)

    def row_of(self, name: str) -> int:
        """The row of the tool ``name`` (-1 when not shown)."""
        return next((i for i, s in enumerate(self._rows) if s.name == name), -1)

    # -- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """One row per tool."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of columns."""
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[column])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.LIVE_SYNC:
            return _tr("Import what the tool writes as it writes it, while tokenbudget runs.")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rows select whole; the live-sync box of a found tool can be ticked."""
        info = self.source(index.row()) if index.isValid() else None
        if info is None:
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if index.column() == Column.LIVE_SYNC:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
            if not info.is_found:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell contents by role."""
        info = self.source(index.row()) if index.isValid() else None
        if info is None:
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(info, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.LIVE_SYNC:
            return Qt.CheckState.Checked if info.live_sync else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _NUMERIC else _CENTRE if column == Column.LIVE_SYNC else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not info.is_found and column in (Column.TOOL, Column.WHERE, Column.LAST_IMPORT):
                return QBrush(palette.current().muted)  # the theme's, read on light and dark
            if column == Column.NOTE and info.problem_count:
                return QBrush(palette.current().warning)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(info, column)
        if role == SORT_ROLE:
            return {
                Column.ENTRIES: info.entries,
                Column.TOKENS: info.tokens,
                Column.LAST_IMPORT: to_us(info.last_import) if info.last_import else -1,
            }.get(column, self._text(info, column))
        return None

    def setData(  # noqa: N802
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        """A tick in the live-sync column asks for the switch (``live_sync_toggled``)."""
        info = self.source(index.row()) if index.isValid() else None
        if info is None or index.column() != Column.LIVE_SYNC:
            return False
        if role != Qt.ItemDataRole.CheckStateRole or not info.is_found:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        if on != info.live_sync:
            self.live_sync_toggled.emit(info.name, on)
        return True

    # -- text ----------------------------------------------------------------------------

    def _text(self, info: SourceInfo, column: Column) -> str:
        loc = self.locale
        if column == Column.TOOL:
            return info.label
        if column == Column.WHERE:
            return where_text(info, "\n")  # a folder a line: the rows grow, nothing is cut
        if column == Column.LAST_IMPORT:
            return last_import_text(info, loc)
        if column == Column.ENTRIES:
            return format_int(loc, info.entries) if info.entries or info.is_found else "—"
        if column == Column.TOKENS:
            return format_int(loc, info.tokens) if info.entries else "—"
        if column == Column.COST:
            return cost_text(info, loc)
        if column == Column.NOTE:
            return " · ".join(note_parts(info, loc))
        return ""

    def _tooltip(self, info: SourceInfo, column: Column) -> str | None:
        if column in (Column.TOOL, Column.WHERE):
            lines = [
                (_tr("{path} (found)") if p in info.found else _tr("{path} (not there)")).format(
                    path=p
                )
                for p in info.roots
            ]
            return "\n".join(lines) or None
        if column == Column.LIVE_SYNC and not info.is_found:
            return _tr(
                "{tool}'s logs were not found on this computer, so live sync has nothing to "
                "watch. It can be switched once they are."
            ).format(tool=info.label)
        if column == Column.NOTE or (column == Column.ENTRIES and info.per_session):
            tips = []
            if info.per_session:
                tips.append(
                    _tr(
                        "{tool} logs only one total per session, so each of its entries is a "
                        "whole session, not a single request."
                    ).format(tool=info.label)
                )
            if info.problem_count:
                tips.append(_tr("Select the row to see the lines its last import skipped."))
            return "\n".join(tips) or None
        if column == Column.COST and info.unpriced:
            return _tr(
                "Entries of models without a known price are counted apart: they are not free."
            )
        return None
