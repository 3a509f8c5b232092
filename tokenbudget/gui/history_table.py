"""The history view's table: set up once for a million rows (nothing measures every row)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from tokenbudget.core.types import CONVERTED_MARK
from tokenbudget.gui.history_model import Column, HistoryModel


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
    widths = {
        Column.TIME: model.locale.toString(longest_time, QLocale.FormatType.ShortFormat),
        Column.PROVIDER: "Alibaba Qwen",
        Column.MODEL: "claude-sonnet-4-6",
        Column.INPUT: "123,456",
        Column.CACHE_READ: "1,234,567",
        Column.CACHE_WRITE: "123,456",
        Column.OUTPUT: "123,456",
        Column.COST: CONVERTED_MARK + "$1,234.5678",
        Column.SOURCE: "claude-code",
        Column.PLAN: "Claude Max",
        Column.PROJECT: "tokenbudget",
    }
    for column, sample in widths.items():
        header = model.headerData(column, Qt.Orientation.Horizontal) or ""
        text = max(sample, str(header), key=metrics.horizontalAdvance)
        columns.resizeSection(column, metrics.horizontalAdvance(text) + 16)
    return table
