"""The history view's charts: spend per day this month and per month, stacked by provider.

Drawn with pyqtgraph (``BarGraphItem``, one per provider, each stacked on the ones below it
through ``y0``). Importing this module imports pyqtgraph, which takes most of a second, so
the view imports it off the UI thread and builds the charts when it is ready. Bar heights are
floats, for plotting only; the tooltip of a bar gives the exact amounts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtCore import QLocale, QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QToolTip, QVBoxLayout, QWidget

from tokenbudget.core.types import Money, SpendSeries
from tokenbudget.gui.formatting import format_money
from tokenbudget.gui.history_model import provider_name

_LEGEND_COLUMNS = 4

#: Each provider's colour, close to its own brand colour where that stays readable.
COLOURS = {
    "openai": "#10a37f",
    "anthropic": "#d97757",
    "gemini": "#4285f4",
    "deepseek": "#2f3f9e",
    "dashscope": "#8b5cf6",
    "zai": "#0ea5e9",
    "moonshot": "#374151",
    "minimax": "#e11d48",
    "mistral": "#f59e0b",
    "xai": "#9ca3af",
}
_OTHER = ["#84cc16", "#14b8a6", "#a855f7", "#f97316", "#64748b", "#db2777"]


def colour(provider: str) -> QColor:
    """The colour of a provider's bars (others take one from a fixed list, by name)."""
    known = COLOURS.get(provider)
    if known is None:
        known = _OTHER[sum(map(ord, provider)) % len(_OTHER)]
    return QColor(known)


class SpendChart(pg.PlotWidget):  # type: ignore[misc]
    """One stacked bar chart of a ``SpendSeries``, with a legend and date labels."""

    def __init__(self, title: str, parent: QWidget | None = None, *, legend: bool = True) -> None:
        palette = QApplication.palette()
        super().__init__(parent, background=palette.color(QPalette.ColorRole.Base))
        self._series: SpendSeries | None = None
        self.locale = QLocale()
        text = palette.color(QPalette.ColorRole.Text)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.25)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setTextPen(text)
            axis.setPen(text)
            axis.enableAutoSIPrefix(False)
        item.setTitle(title, color=text.name(), size="10pt")
        self._legend = None
        if legend:
            self._legend = item.addLegend(offset=(8, 4), colCount=_LEGEND_COLUMNS)
            self._legend.setLabelTextColor(text)
            self._legend.setBrush(pg.mkBrush(palette.color(QPalette.ColorRole.Base)))
        self.scene().sigMouseMoved.connect(self._hover)

    def set_series(self, series: SpendSeries, labels: list[str], title: str) -> None:
        """Draw ``series``; ``labels`` name each bar (empty strings leave a bar unlabelled)."""
        self._series = series
        item = self.getPlotItem()
        item.clear()
        if self._legend is not None:
            self._legend.clear()
        item.setTitle(title)
        positions = list(range(len(series.starts)))
        base = [0.0] * len(positions)
        for provider in series.providers:
            # Floats from here on: coordinates to draw, never money to add up.
            heights = [float(v) for v in series.values[provider]]
            bars = pg.BarGraphItem(
                x=positions,
                height=heights,
                y0=list(base),
                width=0.72,
                brush=pg.mkBrush(colour(provider)),
                pen=pg.mkPen(None),
                name=provider_name(provider),
            )
            item.addItem(bars)
            base = [b + h for b, h in zip(base, heights, strict=True)]
        top = max(base, default=0.0) or 1.0
        rows = -(-len(series.providers) // _LEGEND_COLUMNS) if self._legend is not None else 0
        item.setYRange(0, top * (1.08 + 0.14 * rows), padding=0)  # the legend sits above
        item.setXRange(-0.6, len(positions) - 0.4, padding=0)
        ticks = [(i, label) for i, label in enumerate(labels) if label]
        item.getAxis("bottom").setTicks([ticks, []])
        unit = series.currency + (" ≈" if series.converted else "")  # some bars converted
        item.getAxis("left").setLabel(unit)

    def bar_text(self, index: int) -> str:
        """The exact amounts of bar ``index``, one provider a line, biggest first.

        An amount converted with the user's rate is marked ``~``, and so is a total with one.
        """
        series = self._series
        if series is None or not 0 <= index < len(series.starts):
            return ""
        shown = sorted(
            (p for p in series.providers if series.values[p][index]),
            key=lambda p: -series.values[p][index],
        )
        lines = [
            f"{provider_name(p)}: {self._money(series.values[p][index], p in series.converted)}"
            for p in shown
        ]
        total = self._money(series.total(index), bool(series.converted & set(shown)))
        return "\n".join([*lines, self.tr("Total: {total}").format(total=total)])

    def _money(self, amount: Decimal, converted: bool) -> str:
        return format_money(self.locale, Money(amount, self._currency(), converted))

    def _currency(self) -> str:
        return self._series.currency if self._series is not None else ""

    def _hover(self, position: QPointF) -> None:
        series = self._series
        item = self.getPlotItem()
        if series is None or not item.sceneBoundingRect().contains(position):
            return
        x = item.getViewBox().mapSceneToView(position).x()
        index = round(x)
        if abs(x - index) <= 0.36 and 0 <= index < len(series.starts) and series.total(index):
            day = series.starts[index]
            head = self.locale.toString(day, QLocale.FormatType.ShortFormat)
            QToolTip.showText(QCursor.pos(), f"{head}\n{self.bar_text(index)}", self)
        else:
            QToolTip.hideText()


class HistoryChart(QWidget):
    """Spend per day of this month and per month of the last twelve, side by side.

    The daily chart carries the legend; the monthly one uses the same colours.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.daily = SpendChart(self.tr("Spend per day"), self)
        self.monthly = SpendChart(self.tr("Spend per month"), self, legend=False)
        lines = self.monthly.fontMetrics().lineSpacing()
        self.monthly.getPlotItem().getAxis("bottom").setHeight(2 * lines + 12)  # month, year
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        charts = QHBoxLayout()
        charts.setContentsMargins(0, 0, 0, 0)
        charts.addWidget(self.daily, 3)
        charts.addWidget(self.monthly, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(charts, 1)
        layout.addWidget(self.note)

    def set_series(self, daily: SpendSeries, monthly: SpendSeries, note: str) -> None:
        """Show both series; ``note`` says what the bars leave out."""
        locale = self.daily.locale
        month = daily.starts[0] if daily.starts else date.today()
        name = self.tr("{month} {year}").format(  # translators may reorder: 2026年11月
            month=locale.standaloneMonthName(month.month), year=month.year
        )
        day_labels = [str(d.day) if d.day == 1 or d.day % 5 == 0 else "" for d in daily.starts]
        self.daily.set_series(
            daily, day_labels, self.tr("Spend per day, {month}").format(month=name)
        )
        month_labels = [self._month_label(locale, d, i) for i, d in enumerate(monthly.starts)]
        self.monthly.set_series(monthly, month_labels, self.tr("Spend per month"))
        self.note.setText(note)
        self.note.setVisible(bool(note))

    @staticmethod
    def _month_label(locale: QLocale, start: date, index: int) -> str:
        short = locale.standaloneMonthName(start.month, QLocale.FormatType.ShortFormat)
        return f"{short}\n{start.year}" if index == 0 or start.month == 1 else short
