"""The estimate table: one row per shown model, a thin adapter over core ``ModelEstimate`` rows.

Sorting uses ``SORT_ROLE`` (numbers, never formatted strings). A row whose count is not in yet
(its tokenizer still loading) shows "loading" and sorts last. The cheapest priced row gets
``CHEAPEST_ROLE``, a highlight colour taken from the theme (``gui.palette``) and, so that
colour is not the only sign, a "★ cheapest" tag after its model name and an accessible
description.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from tokenbudget.core.messages import QT_TRANSLATE_NOOP
from tokenbudget.core.types import ESTIMATED_MARK
from tokenbudget.core.types import PROVIDER_NAMES as PROVIDER_LABELS
from tokenbudget.gui import palette

if TYPE_CHECKING:  # the catalogue's types: not imported before the first paint
    from tokenbudget.core.types import ModelEstimate, ModelInfo, Money, RemoteResult
from tokenbudget.gui.conversion import conversion_note
from tokenbudget.gui.formatting import (
    column_places,
    format_date,
    format_int,
    format_money,
    format_percent,
    render,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CONTEXT_ROLE = Qt.ItemDataRole.UserRole + 2  # share of the context window, as a float 0..n
CHEAPEST_ROLE = Qt.ItemDataRole.UserRole + 3
MODEL_ID_ROLE = Qt.ItemDataRole.UserRole + 4

#: The tag after the cheapest row's model name (colour is not the only sign).
CHEAPEST_MARK = "★"
_MISSING = float("inf")
Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The table's columns."""

    PROVIDER = 0
    MODEL = 1
    TOKENS = 2
    CONTEXT = 3
    INPUT = 4
    OUTPUT = 5
    TOTAL = 6


#: The columns by number, and the roles as plain ints: ``data`` runs for every painted cell
#: and role, and making an enum member there costs more than the rest of the call.
_COLUMNS = tuple(Column)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleDescriptionRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _tr(text: str) -> str:
    return QCoreApplication.translate("EstimateModel", text)


HEADERS = {
    Column.PROVIDER: QT_TRANSLATE_NOOP("EstimateModel", "Provider"),
    Column.MODEL: QT_TRANSLATE_NOOP("EstimateModel", "Model"),
    Column.TOKENS: QT_TRANSLATE_NOOP("EstimateModel", "Tokens"),
    Column.CONTEXT: QT_TRANSLATE_NOOP("EstimateModel", "Context"),
    Column.INPUT: QT_TRANSLATE_NOOP("EstimateModel", "Input"),
    Column.OUTPUT: QT_TRANSLATE_NOOP("EstimateModel", "Output"),
    Column.TOTAL: QT_TRANSLATE_NOOP("EstimateModel", "Total"),
}


@dataclass(frozen=True)
class Row:
    """One model and, once counted, its estimate."""

    model: ModelInfo
    estimate: ModelEstimate | None = None
    output_tokens: int = 0
    #: The estimate is the previous text's; the current one is being counted.
    updating: bool = False
    #: The provider's exact count (then ``estimate`` is priced from it), or why there is none.
    remote: RemoteResult | None = None


#: Amounts in different currencies cannot be compared without a rate: sorting keeps each
#: currency together, the most common one first.
_CURRENCY_OFFSET = 1e15


def _amount(money: Money | None, currencies: dict[str, int]) -> float:
    # Sorting only: the exact amounts are shown through format_money.
    if money is None:
        return _MISSING
    return currencies.get(money.currency, len(currencies)) * _CURRENCY_OFFSET + float(money.amount)


class EstimateModel(QAbstractTableModel):
    """Rows of ``Row``; replace them with ``set_rows``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._currencies: dict[str, int] = {}
        self._cheapest: str | None = None
        self.locale = QLocale()
        #: Each row's shown texts, made when first asked for after the row changed.
        self._cells: dict[int, tuple[str, ...]] = {}
        #: Each money column's decimals (``_places``), worked out once per ``set_rows``.
        self._column_places: dict[int, int] = {}
        self._brushes: tuple[int, QBrush, QBrush, QBrush] | None = None
        palette.watcher().changed.connect(self._theme_changed)

    def _theme_brushes(self) -> tuple[QBrush, QBrush, QBrush]:
        """The cheapest row's background and text, and the muted text, for the current theme."""
        colours = palette.current()
        key = id(colours)
        if self._brushes is None or self._brushes[0] != key:
            self._brushes = (
                key,
                QBrush(colours.cheapest_bg),
                QBrush(colours.cheapest_fg),
                QBrush(colours.muted),
            )
        return self._brushes[1:]

    def _theme_changed(self) -> None:
        self._brushes = None
        if self._rows:
            last = len(Column) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, last))

    # -- updates -------------------------------------------------------------------------

    def set_rows(self, rows: list[Row]) -> None:
        """Show ``rows``; keeps the row set when only the numbers changed (no reset)."""
        same_models = [r.model.id for r in rows] == [r.model.id for r in self._rows]
        cheapest = self._cheapest
        self._cheapest = self._find_cheapest(rows)
        self._currencies = currency_ranks(rows)
        places = self._money_places()
        self._column_places.clear()
        if same_models:
            # Only the rows that changed: each repainted cell calls back into Python.
            old, self._rows = self._rows, rows
            marked = {cheapest, self._cheapest}
            changed = [
                i
                for i, (a, b) in enumerate(zip(old, rows, strict=True))
                if a != b or (cheapest != self._cheapest and b.model.id in marked)
            ]
            if changed and self._money_places() != places:
                # A changed row needs more (or fewer) decimals: every amount is written again,
                # so the columns stay aligned.
                changed = list(range(len(rows)))
            for i in changed:
                self._cells.pop(i, None)
            if changed:  # one signal: each makes the sorting proxy sort again
                last = len(Column) - 1
                self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))
            return
        self.beginResetModel()
        self._rows = rows
        self._cells.clear()
        self.endResetModel()

    @staticmethod
    def _find_cheapest(rows: list[Row]) -> str | None:
        """The core rule (``core.cheapest``), once every shown row's count is in."""
        from tokenbudget.core.types import cheapest_model

        if any(r.estimate is None or r.updating for r in rows):
            return None  # a loading row may be the cheapest: no highlight until counts are in
        output = max((r.output_tokens for r in rows), default=0)
        today = date.today()
        # A retired model cannot be used any more, however cheap its old price.
        usable = [r.estimate for r in rows if r.estimate is not None and not r.model.retired(today)]
        return cheapest_model(usable, output)

    def cheapest_model_id(self) -> str | None:
        """The model of the highlighted (cheapest) row, if any."""
        return self._cheapest

    def text_lengths(self) -> tuple[int, ...]:
        """The longest shown text of each column (the view refits its columns on a change)."""
        cells = [self._row_cells(i) for i in range(len(self._rows))]
        return tuple(max((len(c[column]) for c in cells), default=0) for column in Column)

    def _row_cells(self, row: int) -> tuple[str, ...]:
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = tuple(
                self._display(self._rows[row], column) for column in _COLUMNS
            )
        return cells

    def mixed_currencies(self) -> list[str]:
        """The currencies of the totals shown, when there is more than one."""
        return list(self._currencies) if len(self._currencies) > 1 else []

    def rows(self) -> list[Row]:
        """The rows shown, in model order."""
        return list(self._rows)

    # -- QAbstractTableModel ----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of shown models."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of columns."""
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[Column(section)])
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.TextAlignmentRole and section >= Column.TOKENS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell contents by role; sorting reads ``SORT_ROLE``."""
        number = index.row()
        if not 0 <= number < len(self._rows) or not index.isValid():
            return None
        if role == _DISPLAY:
            return self._row_cells(number)[index.column()]
        row = self._rows[number]
        column = _COLUMNS[index.column()]
        est = row.estimate
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == MODEL_ID_ROLE:
            return row.model.id
        if role == CHEAPEST_ROLE:
            return row.model.id == self._cheapest
        cheapest = row.model.id == self._cheapest
        if role == _BACKGROUND and cheapest:
            return self._theme_brushes()[0]
        if role == _ACCESSIBLE and cheapest:
            return _tr("Cheapest model for this prompt")
        if role == CONTEXT_ROLE and est is not None:
            share = est.context_share(row.output_tokens)
            return None if share is None else float(share)
        if role == _ALIGNMENT and column >= Column.TOKENS:
            return _RIGHT
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if role == _FOREGROUND:
            if est is None or row.updating:
                return self._theme_brushes()[2]
            if cheapest:
                return self._theme_brushes()[1]
        return None

    def _display(self, row: Row, column: Column) -> str:
        est = row.estimate
        if column == Column.PROVIDER:
            return row.model.provider_name
        if column == Column.MODEL:
            if row.model.id == self._cheapest:
                return f"{row.model.id}  {CHEAPEST_MARK} " + _tr("cheapest")
            if row.model.retired(date.today()):
                return _tr("{model} (retired)").format(model=row.model.id)
            return row.model.id
        if est is None:
            return _tr("loading…") if column == Column.TOKENS else ""
        if column == Column.TOKENS:
            count = format_int(self.locale, est.tokens)
            return count if est.exact else ESTIMATED_MARK + count
        if column == Column.CONTEXT:
            share = est.context_share(row.output_tokens)
            return "" if share is None else format_percent(self.locale, Decimal(share * 100), 1)
        money = {Column.INPUT: est.input_cost, Column.OUTPUT: est.output_cost}.get(
            column, est.total_cost
        )
        if money is None:
            return _tr("unpriced") if column == Column.TOTAL else ""
        return format_money(self.locale, money, self._places(column))

    def _money_places(self) -> tuple[int, ...]:
        return tuple(self._places(c) for c in (Column.INPUT, Column.OUTPUT, Column.TOTAL))

    def _places(self, column: int) -> int:
        """One number of decimals for a money column, so its amounts align."""
        places = self._column_places.get(column)
        if places is None:  # not once per cell: each would walk every row
            costs = (r.estimate for r in self._rows if r.estimate is not None)
            if column == Column.INPUT:
                places = column_places(e.input_cost for e in costs)
            elif column == Column.OUTPUT:
                places = column_places(e.output_cost for e in costs)
            else:
                places = column_places(e.total_cost for e in costs)
            self._column_places[column] = places
        return places

    def _sort_key(self, row: Row, column: Column) -> Any:
        est = row.estimate
        if column == Column.PROVIDER:
            return row.model.provider_name.lower()
        if column == Column.MODEL:
            return row.model.id.lower()
        if est is None:
            return _MISSING
        if column == Column.TOKENS:
            return est.tokens
        if column == Column.CONTEXT:
            share = est.context_share(row.output_tokens)
            return _MISSING if share is None else float(share)
        money = {Column.INPUT: est.input_cost, Column.OUTPUT: est.output_cost}.get(
            column, est.total_cost
        )
        return _amount(money, self._currencies)

    def _tooltip(self, row: Row, column: Column) -> str | None:
        est = row.estimate
        if column == Column.MODEL and row.model.id == self._cheapest:
            return _tr("The cheapest of the models shown for this prompt.")
        if column == Column.MODEL and row.model.deprecated and row.model.retired(date.today()):
            return _tr("Retired by its provider on {date}; kept to price past spend.").format(
                date=format_date(self.locale, row.model.deprecated)
            )
        if est is None:
            return _tr("The tokenizer for this model is still loading.")
        if column == Column.TOKENS:
            if row.updating:
                return _tr("Counting the changed text; this is the count before the change.")
            if row.remote is not None:
                return remote_tooltip(row.remote, est.method)
            return est.method
        if column in (Column.INPUT, Column.OUTPUT, Column.TOTAL):
            if est.input_cost is None:
                return _tr("No price is known for this model; it is not free.")
            checked = format_date(self.locale, est.price_checked) if est.price_checked else "?"
            tip = _tr("Price from {source}, checked {date}.").format(
                source=est.price_source or "?", date=checked
            )
            if est.price_band and est.price_band != "base":
                tip += " " + _tr("Long-prompt price band: {band}.").format(band=est.price_band)
            total = est.total_cost
            if est.off_peak:
                tip += " " + _tr("Off-peak price applied (Settings: use off-peak prices).")
            elif est.off_peak_total is not None:
                tip += " " + _tr(
                    "Off-peak, outside the provider's peak hours: {total} in all."
                ).format(total=format_money(self.locale, est.off_peak_total))
            if total is not None and total.converted:
                tip += " " + conversion_note(total, self.locale)
            return tip
        if column == Column.CONTEXT and row.model.context_window:
            return _tr("{window} tokens context window").format(
                window=format_int(self.locale, row.model.context_window)
            )
        return None


def remote_tooltip(remote: RemoteResult, method: str) -> str:
    """Where an online count came from, or why the row shows the estimate instead."""
    provider = PROVIDER_LABELS.get(remote.provider, remote.provider)
    if remote.tokens is None:
        return _tr("{provider} count failed: {reason}; showing the estimate ({method}).").format(
            provider=provider, reason=render(remote.reason or "?"), method=method
        )
    if remote.provider == "anthropic":
        if remote.frame is None:
            return _tr(
                "Exact from Anthropic's count endpoint, including the message frame (a few tokens)."
            )
        return _tr(
            "Exact from Anthropic's count endpoint, including the message frame "
            "(about {frame} tokens)."
        ).format(frame=remote.frame)
    return _tr("Exact from {provider}'s count endpoint.").format(provider=provider)


def currency_ranks(rows: list[Row]) -> dict[str, int]:
    """Each total's currency ranked by how many rows use it (0: the most common)."""
    counts: dict[str, int] = {}
    for r in rows:
        if r.estimate is not None and r.estimate.total_cost is not None:
            currency = r.estimate.total_cost.currency
            counts[currency] = counts.get(currency, 0) + 1
    ordered = sorted(counts, key=lambda c: (-counts[c], c))
    return {currency: rank for rank, currency in enumerate(ordered)}
