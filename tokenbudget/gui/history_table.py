"""The history view's table: set up once for a million rows (nothing measures every row)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from tokenbudget.core.types import CONVERTED_MARK, Money
from tokenbudget.gui.formatting import format_int, format_money
from tokenbudget.gui.history_model import Column, HistoryModel

#: The columns of figures: sized to their contents, never cut.
NUMERIC_COLUMNS = (
    Column.INPUT,
    Column.CACHE_READ,
    Column.CACHE_WRITE,
    Column.OUTPUT,
    Column.COST,
)


def history_table(model: HistoryModel) -> QTableView:
    """A table of ``model``'s rows: whole rows selected, fixed row heights, sized columns."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure a million rows
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
    columns = table.horizontalHeader()
    columns.setStretchLastSection(True)
    columns.setHighlightSections(False)
    metrics = table.fontMetrics()
    longest_time = QDateTime(QDate(2026, 12, 31), QTime(23, 59))  # two-digit day and month
    locale = model.locale
    # Counts as the locale writes them (its group separator), as long as a busy day's are;
    # longer ones widen their column when loaded (``fit_numeric_columns``).
    widths = {
        Column.TIME: locale.toString(longest_time, QLocale.FormatType.ShortFormat),
        Column.PROVIDER: "Alibaba Qwen",
        Column.MODEL: "claude-sonnet-4-6",
        Column.INPUT: format_int(locale, 9_999_999),
        Column.CACHE_READ: format_int(locale, 99_999_999),
        Column.CACHE_WRITE: format_int(locale, 9_999_999),
        Column.OUTPUT: format_int(locale, 9_999_999),
        Column.COST: CONVERTED_MARK + format_money(locale, Money(Decimal("12345.6789"), "USD")),
        Column.SOURCE: "claude-code",
        Column.PLAN: "Claude Max",
        Column.PROJECT: "tokenbudget",
        Column.DEVICE: "Work laptop",
    }
    for column, sample in widths.items():
        header = model.headerData(column, Qt.Orientation.Horizontal) or ""
        text = max(sample, str(header), key=metrics.horizontalAdvance)
        columns.resizeSection(column, metrics.horizontalAdvance(text) + 16)
    # The cost beside the model, before the token counts: what a row cost is what History is
    # read for, and on a small screen (800x600) it is then in view without scrolling.
    columns.moveSection(columns.visualIndex(Column.COST), columns.visualIndex(Column.INPUT))
    # ``sizeHintForColumn`` reads at most this many rows (the shown ones first).
    rows.setResizeContentsPrecision(300)
    table.setAccessibleName(QCoreApplication.translate("HistoryTable", "Spend entries"))
    return table


def fit_numeric_columns(table: QTableView) -> None:
    """Widen a number column whose loaded figures are wider than it (never narrows one)."""
    for column in NUMERIC_COLUMNS:
        needed = table.sizeHintForColumn(column)
        if needed > table.columnWidth(column):
            table.setColumnWidth(column, needed)
