"""The history view's "by project" breakdown: spend per project for the current filter.

A short list beside the charts, the largest spender first (``Report``'s order): each project's
spend in the display currency (amounts without an exchange rate said apart), its share of the
shown spend as a bar, and its entries. The core sums it (``HistoryJobs.report``); this widget
only shows it. Activating a row (double-click, Enter) filters the history on that project.
"""

from __future__ import annotations

from datetime import tzinfo
from decimal import Decimal

from PySide6.QtCore import (
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.services import HistoryJobs, Service
from tokenbudget.core.types import ExchangeRates, HistoryFilter, Report, ReportRow, spend_in
from tokenbudget.gui.formatting import format_decimal, format_int, format_money
from tokenbudget.gui.history_model import HistoryModel
from tokenbudget.gui.jobs import Jobs

#: Where a row keeps its project (None: the entries without one).
PROJECT_ROLE = Qt.ItemDataRole.UserRole + 1
#: The share of a row (0 to 1, a float only for drawing the bar).
SHARE_ROLE = Qt.ItemDataRole.UserRole + 2
NAME, SPEND, SHARE, ENTRIES = range(4)


class _ShareBar(QStyledItemDelegate):
    """Draws the share column as a bar under its text."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        share = index.data(SHARE_ROLE)
        if isinstance(share, float) and share > 0:
            rect: QRect = option.rect.adjusted(2, 3, -2, -3)
            rect.setWidth(max(1, round(rect.width() * share)))
            colour = QColor(option.palette.highlight().color())
            colour.setAlpha(70)
            painter.fillRect(rect, colour)
        super().paint(painter, option, index)


class ProjectBreakdown(QWidget):
    """Spend per project, largest first.

    Signals:
        chosen: A row was activated: its project (None for the entries without one).
    """

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("By project"))
        self.setToolTip(
            self.tr(
                "Spend per project of the entries that every filter keeps, the period and the "
                "search included. Double-click a project to show only its entries."
            )
        )
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Spend by project"))
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("Project"), self.tr("Spend"), "%", self.tr("Entries")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setItemDelegateForColumn(SHARE, _ShareBar(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (SPEND, ENTRIES):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Wide enough for the share's bar to be read at a glance.
        header.setSectionResizeMode(SHARE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(SHARE, self.fontMetrics().horizontalAdvance("100") * 3)
        self.tree.itemActivated.connect(
            lambda item, _column: self.chosen.emit(item.data(NAME, PROJECT_ROLE))
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)

    def show_report(
        self, report: Report, rates: ExchangeRates, currency: str, locale: QLocale
    ) -> None:
        """Show ``report`` (grouped by project) in ``currency`` where ``rates`` allow."""
        shown = [spend_in(r.totals.cost_micros, rates, currency) for r in report.rows]
        whole = sum((s.shown.amount for s in shown if s.shown is not None), Decimal(0))
        self.tree.clear()
        items = []
        for row, spend in zip(report.rows, shown, strict=True):
            parts = [] if spend.shown is None else [format_money(locale, spend.shown, 2)]
            parts += [format_money(locale, m, 2) for m in spend.apart]
            if row.totals.unpriced:
                parts.append(self.tr("%Ln unpriced", "", row.totals.unpriced))
            share = (
                spend.shown.amount / whole if spend.shown is not None and whole > 0 else Decimal(0)
            )
            item = QTreeWidgetItem(
                [
                    self._name(row),
                    " + ".join(parts),
                    format_decimal(locale, share * 100, 0) if whole > 0 else "",
                    format_int(locale, row.totals.entries),
                ]
            )
            item.setData(NAME, PROJECT_ROLE, row.key)
            item.setData(SHARE, SHARE_ROLE, float(share))  # only the bar's length
            item.setToolTip(NAME, row.key or self.tr("Entries whose logs name no project"))
            for column in (SPEND, SHARE, ENTRIES):
                item.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            items.append(item)
        self.tree.addTopLevelItems(items)

    def _name(self, row: ReportRow) -> str:
        return self.tr("(no project)") if row.key is None else row.label

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The texts shown, row by row (for tests and accessibility checks)."""
        return [
            (item.text(NAME), item.text(SPEND), item.text(SHARE), item.text(ENTRIES))
            for item in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
            if item is not None
        ]


class ProjectsMixin:
    """Loads the breakdown for ``HistoryView`` (a ``QWidget`` with these attributes)."""

    service: Service
    model: HistoryModel
    breakdown: ProjectBreakdown
    project: QComboBox  # the filter bar's project picker
    projects_loaded: SignalInstance
    _jobs: Jobs
    _tz: tzinfo | None

    def _read_failed(self, why: str) -> None:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def _load_breakdown(self, jobs: HistoryJobs, flt: HistoryFilter) -> None:
        """Sum ``flt``'s spend per project off the UI thread (the whole filter applies)."""
        settings = self.service.settings
        rates, currency, tz = settings.exchange_rates(), settings.display_currency, self._tz
        self._jobs.submit(
            "projects",
            lambda: jobs.report("project", flt, tz=tz, rates=rates, currency=currency),
            self._show_breakdown,
            self._read_failed,
        )

    def _show_breakdown(self, report: Report) -> None:
        settings = self.service.settings
        self.breakdown.show_report(
            report, settings.exchange_rates(), settings.display_currency, self.model.locale
        )
        # Hidden while no entry names a project (a user of no coding tool never sees it).
        named = any(r.key is not None for r in report.rows)
        self.breakdown.setVisible(named or self.project.currentData() is not None)
        self.projects_loaded.emit()
