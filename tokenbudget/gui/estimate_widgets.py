"""Pieces of the estimate view that the window and the tray's quick popup share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.core.types import Money
from tokenbudget.gui.counting import CountCoordinator
from tokenbudget.gui.estimate_model import SORT_ROLE, Column, EstimateModel
from tokenbudget.gui.formatting import error_text, format_int, format_money_micros

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyledItemDelegate

    from tokenbudget.core.types import Entry, ModelInfo
    from tokenbudget.gui.dialogs import RecordDialog


class EstimateTable(QTableView):
    """The table of models and costs, sorted numerically, cheapest first."""

    def __init__(self, model: EstimateModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(Column.TOTAL, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # The context column's bars are drawn by a delegate set once rows show (``fit_columns``):
        # the empty table of a window's first frame needs none.
        self._bars: QStyledItemDelegate | None = None
        self.verticalHeader().hide()
        # Long model names lose their middle, keeping the version and the "cheapest" tag.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)  # one line per row: a narrow name elides, it does not wrap
        self.setAccessibleName(self.tr("Estimated cost per model"))
        self.setAccessibleDescription(
            self.tr("One row per model: tokens, share of its context window, and cost.")
        )
        header = self.horizontalHeader()
        # Widths are fitted when the longest text of a column changes (``fit_columns``), not
        # on every change: ResizeToContents measured every cell again on each update,
        # thousands of calls into Python per keystroke.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.MODEL, QHeaderView.ResizeMode.Stretch)
        self._lengths: tuple[int, ...] = ()

    def fit_columns(self, lengths: tuple[int, ...]) -> None:
        """Size the columns to their contents when the longest texts changed."""
        if self._bars is None and any(lengths):
            from tokenbudget.gui.widgets import ContextBarDelegate

            self._bars = ContextBarDelegate(self)
            self.setItemDelegateForColumn(Column.CONTEXT, self._bars)
        if lengths == self._lengths:
            return
        self._lengths = lengths
        for column in Column:
            if column != Column.MODEL and not self.isColumnHidden(column):
                self.resizeColumnToContents(column)


class Recorder:
    """Records the estimate a view shows as spend (the window's and the popup's "Record")."""

    def __init__(self, parent: QWidget, service: Service, coordinator: CountCoordinator) -> None:
        self.parent = parent
        self.service = service
        self.coordinator = coordinator

    def dialog(
        self, models: list[ModelInfo], selected: str | None, highlighted: str | None = None
    ) -> RecordDialog:
        """The record dialog: it shows the cost it will record.

        It is set to ``selected``, else the highlighted (cheapest) row's model, else the first.
        """
        selected = selected or highlighted or (models[0].id if models else None)
        model = next((m for m in models if m.id == selected), None)
        output = self.coordinator.output_for(model) if model is not None else 0
        try:
            plans = self.service.plans.all(active_only=True)
        except TokenbudgetError:
            plans = []
        from tokenbudget.gui.dialogs import RecordDialog  # when first opened

        return RecordDialog(
            models,
            plans,
            selected=selected,
            output_tokens=output,
            price=lambda model_id, tokens: self.price(models, model_id, tokens),
            parent=self.parent,
        )

    def price(
        self, models: list[ModelInfo], model_id: str, output_tokens: int
    ) -> tuple[Money | None, str]:
        """What recording ``model_id`` stores: the catalogue's price of the shown count.

        The entry is priced as ``EntriesService.record`` prices it (input and output tokens,
        in the model's own currency), so the amount shown is the amount stored.
        """
        tr = self.parent.tr
        model = next((m for m in models if m.id == model_id), None)
        coordinator = self.coordinator
        tokens = (
            coordinator.count_for(model) if model is not None and not coordinator.dirty else None
        )
        if model is None or tokens is None:
            return None, tr("counted when recorded")
        try:
            # In the model's own currency and at its list price, as the entry is stored.
            own = model.pricing.currency if model.pricing is not None else None
            estimate = self.service.counting.price_tokens(
                model, tokens, output_tokens=output_tokens, currency=own, off_peak=False
            )
        except TokenbudgetError as exc:
            return None, error_text(exc)
        if estimate.total_cost is None:
            return None, tr("no price is known for this model")
        return estimate.total_cost, ""

    def record(
        self, dialog: RecordDialog, models: list[ModelInfo], text: str
    ) -> tuple[Entry | None, str]:
        """Record what ``dialog`` holds; the count shown is used when it is current.

        Returns the new entry (None if refused) and a message for the status bar.
        """
        choice = dialog.choice()
        model = next((m for m in models if m.id == choice.model_id), None)
        coordinator = self.coordinator
        known = (
            coordinator.count_for(model) if model is not None and not coordinator.dirty else None
        )
        tr = self.parent.tr
        try:
            entry = self.service.entries.record_estimate(
                text,
                choice.model_id,
                output_tokens=choice.output_tokens,
                now=datetime.now(UTC),
                plan_id=choice.plan_id,
                note=choice.note,
                input_tokens=known,
            )
        except TokenbudgetError as exc:
            return None, tr("Not recorded: {why}").format(why=error_text(exc))
        tokens = format_int(QLocale(), entry.tokens.total_tokens)
        if entry.cost_micros is None or entry.currency is None:
            return entry, tr("Recorded {model}: {tokens} tokens (no price known)").format(
                model=entry.model, tokens=tokens
            )
        amount = format_money_micros(entry.cost_micros, entry.currency)
        return entry, tr("Recorded {amount} for {model} ({tokens} tokens)").format(
            amount=amount, model=entry.model, tokens=tokens
        )
