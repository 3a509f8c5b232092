"""The history view's charts: spend per day this month and per month, stacked by provider.

Drawn with ``QPainter`` on a plain widget: a title, a legend, a value axis with round ticks
and grid lines, and one stacked bar per period (each provider's part on the ones below it).
Bar heights are floats, for drawing only; the tooltip of a bar gives the exact amounts.

This replaces pyqtgraph, which (with numpy) was about 85 MB installed and most of a second to
import, for two bar charts.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, QEvent, QLocale, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from tokenbudget.core.types import CONVERTED_MARK, Money, SpendSeries
from tokenbudget.gui.formatting import format_money
from tokenbudget.gui.history_model import provider_name

_LEGEND_COLUMNS = 4
#: The share of a period's width its bar takes.
_BAR_WIDTH = 0.72
_PAD = 6

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


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """Round values from 0 up to at least ``top`` (1, 2, 2.5 or 5 times a power of ten apart)."""
    if top <= 0:
        return [0.0, 1.0]
    rough = top / max(1, most - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    count = math.ceil(top / step - 1e-9)
    return [float(i * step) for i in range(count + 1)]


#: The least room between two period labels, in pixels.
_LABEL_GAP = 8


def visible_on(fill: QColor, ground: QColor) -> QColor:
    """``fill``, lightened or darkened until it stands out from ``ground`` (dark themes)."""
    from tokenbudget.gui.palette import contrast_ratio

    shown = QColor(fill)
    dark = ground.lightness() < 128
    for _ in range(6):
        if contrast_ratio(shown, ground) >= 1.8:
            break
        shown = shown.lighter(130) if dark else shown.darker(130)
    return shown


class SpendChart(QWidget):
    """One stacked bar chart of a ``SpendSeries``, with a legend and date labels."""

    def __init__(self, title: str, parent: QWidget | None = None, *, legend: bool = True) -> None:
        super().__init__(parent)
        self._series: SpendSeries | None = None
        self._labels: list[str] = []
        self._title = title
        self._legend = legend
        self._heights: dict[str, list[float]] = {}
        self._tick_values = nice_ticks(0.0)
        self.money_locale = QLocale()
        self.setMouseTracking(True)
        self.setMinimumSize(220, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_series(self, series: SpendSeries, labels: list[str], title: str) -> None:
        """Draw ``series``; ``labels`` name each bar (empty strings leave a bar unlabelled)."""
        self._series = series
        self._labels = list(labels)
        self._title = title
        # Floats from here on: coordinates to draw, never money to add up.
        self._heights = {p: [float(v) for v in series.values[p]] for p in series.providers}
        tops = [sum(h[i] for h in self._heights.values()) for i in range(len(series.starts))]
        self._tick_values = nice_ticks(max(tops, default=0.0))
        self.update()

    def heights(self) -> dict[str, list[float]]:
        """Each provider's bar heights by name, as drawn (bottom to top in legend order)."""
        return {provider_name(p): list(h) for p, h in self._heights.items()}

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
        currency = self._series.currency if self._series is not None else ""
        return format_money(self.money_locale, Money(amount, currency, converted))

    # -- layout ----------------------------------------------------------------------------

    def _legend_rows(self) -> int:
        if not self._legend or self._series is None:
            return 0
        return -(-len(self._series.providers) // self._legend_columns())

    def _legend_columns(self) -> int:
        """As many legend columns as the widest name (and its swatch) fits, at most four."""
        if self._series is None or not self._series.providers:
            return _LEGEND_COLUMNS
        metrics = QFontMetrics(self.font())
        widest = max(metrics.horizontalAdvance(provider_name(p)) for p in self._series.providers)
        room = self.width() - 2 * _PAD
        return max(1, min(_LEGEND_COLUMNS, room // (widest + metrics.lineSpacing() + 20)))

    def _label_lines(self) -> int:
        return max((label.count("\n") + 1 for label in self._labels if label), default=1)

    def plot_rect(self) -> QRectF:
        """Where the bars are drawn, inside the title, legend, axis and labels."""
        metrics = QFontMetrics(self.font())
        line = metrics.lineSpacing()
        top = _PAD + int(line * 1.3) + self._legend_rows() * (line + 4) + _PAD
        ticks = self._tick_values
        widest = max(metrics.horizontalAdvance(self._tick_text(t, ticks)) for t in ticks)
        left = _PAD + line + 4 + widest + 6  # the unit, turned, then the tick labels
        bottom = self._label_lines() * line + 8
        return QRectF(
            left, top, max(10, self.width() - left - _PAD), max(10, self.height() - top - bottom)
        )

    def _tick_text(self, value: float, ticks: list[float]) -> str:
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        places = 0 if step >= 1 else min(6, -math.floor(math.log10(step)) + 1)
        return self.money_locale.toString(float(value), "f", places)

    def bar_at(self, point: QPoint) -> int | None:
        """The index of the bar under ``point`` (a point of this widget), or None."""
        series = self._series
        if series is None or not series.starts:
            return None
        rect = self.plot_rect()
        if not rect.adjusted(0, -4, 0, 0).contains(point.toPointF()):
            return None
        slot = rect.width() / len(series.starts)
        index = int((point.x() - rect.left()) // slot)
        centre = rect.left() + (index + 0.5) * slot
        if not 0 <= index < len(series.starts) or abs(point.x() - centre) > slot * _BAR_WIDTH / 2:
            return None
        return index

    # -- events ----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        """Show a bar's exact amounts as its tooltip."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(event.pos())
            series = self._series
            if index is not None and series is not None and series.total(index):
                day = series.starts[index]
                head = self.money_locale.toString(
                    QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat
                )
                QToolTip.showText(event.globalPos(), f"{head}\n{self.bar_text(index)}", self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Title, legend, grid and value axis, stacked bars, period labels."""
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(text)
            metrics = QFontMetrics(self.font())
            line = metrics.lineSpacing()
            title_font = self.font()
            title_font.setBold(True)
            painter.setFont(title_font)
            painter.drawText(
                QRectF(0, _PAD, self.width(), line * 1.3), Qt.AlignmentFlag.AlignCenter, self._title
            )
            painter.setFont(self.font())
            self._paint_legend(painter, _PAD + int(line * 1.3), line)
            rect = self.plot_rect()
            self._paint_axis(painter, rect, text)
            self._paint_bars(painter, rect)
            self._paint_labels(painter, rect, line)
        finally:
            painter.end()

    def _paint_legend(self, painter: QPainter, top: int, line: int) -> None:
        if not self._legend_rows() or self._series is None:
            return
        columns = self._legend_columns()
        width = (self.width() - 2 * _PAD) / columns
        for i, provider in enumerate(self._series.providers):
            row, column = divmod(i, columns)
            x = _PAD + column * width + 12
            y = top + _PAD + row * (line + 4)
            ground = self.palette().color(QPalette.ColorRole.Base)
            painter.fillRect(
                QRectF(x, y + 2, line - 4, line - 4), visible_on(colour(provider), ground)
            )
            painter.drawText(
                QRectF(x + line, y, width - line - 4, line),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                provider_name(provider),
            )

    def _paint_axis(self, painter: QPainter, rect: QRectF, text: QColor) -> None:
        ticks = self._tick_values
        scale = rect.height() / ticks[-1]
        grid = QColor(text)
        grid.setAlphaF(0.18)
        metrics = QFontMetrics(self.font())
        for value in ticks:
            y = rect.bottom() - value * scale
            painter.setPen(QPen(grid, 1))
            painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
            painter.setPen(text)
            label = QRectF(0, y - metrics.height() / 2, rect.left() - 6, metrics.height())
            align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(label, align, self._tick_text(value, ticks))
        painter.drawLine(int(rect.left()), int(rect.top()), int(rect.left()), int(rect.bottom()))
        painter.drawLine(
            int(rect.left()), int(rect.bottom()), int(rect.right()), int(rect.bottom())
        )
        series = self._series
        if series is None:
            return
        unit = series.currency + (
            " " + CONVERTED_MARK if series.converted else ""
        )  # some bars converted
        painter.save()
        painter.translate(_PAD + metrics.ascent(), rect.center().y())
        painter.rotate(-90)
        width = metrics.horizontalAdvance(unit)
        painter.drawText(
            QRectF(-width / 2 - 2, -metrics.ascent(), width + 4, metrics.height()), unit
        )
        painter.restore()

    def _paint_bars(self, painter: QPainter, rect: QRectF) -> None:
        series = self._series
        if series is None or not series.starts:
            return
        scale = rect.height() / self._tick_values[-1]
        slot = rect.width() / len(series.starts)
        base = [0.0] * len(series.starts)
        ground = self.palette().color(QPalette.ColorRole.Base)
        for provider in series.providers:
            fill = visible_on(colour(provider), ground)
            for i, height in enumerate(self._heights[provider]):
                if height <= 0:
                    continue
                x = rect.left() + (i + 0.5 - _BAR_WIDTH / 2) * slot
                top = rect.bottom() - (base[i] + height) * scale
                painter.fillRect(QRectF(x, top, slot * _BAR_WIDTH, height * scale), fill)
                base[i] += height

    def label_boxes(self) -> list[tuple[str, QRectF]]:
        """The period labels drawn and where: every k-th one, so no two run together.

        Each label is as wide as its widest line measured in the chart's font; k is the
        smallest step at which the widest label and a gap fit between two drawn ones.
        """
        if not self._labels:
            return []
        rect = self.plot_rect()
        metrics = QFontMetrics(self.font())
        line = metrics.lineSpacing()
        widths = [
            max((metrics.horizontalAdvance(part) for part in label.split("\n")), default=0)
            for label in self._labels
        ]
        slot = rect.width() / len(self._labels)
        step = max(1, math.ceil((max(widths) + _LABEL_GAP) / max(slot, 1e-6)))
        boxes: list[tuple[str, QRectF]] = []
        for i, label in enumerate(self._labels):
            if not label or i % step:
                continue
            centre = rect.left() + (i + 0.5) * slot
            width = widths[i] + 2
            left = min(max(centre - width / 2, 0.0), self.width() - width)
            height = line * (label.count("\n") + 1)
            boxes.append((label, QRectF(left, rect.bottom() + 4, width, height)))
        return boxes

    def _paint_labels(self, painter: QPainter, rect: QRectF, line: int) -> None:
        for label, box in self.label_boxes():
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)


class HistoryChart(QWidget):
    """Spend per day of this month and per month of the last twelve, side by side.

    The daily chart carries the legend; the monthly one uses the same colours.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.daily = SpendChart(self.tr("Spend per day"), self)
        self.monthly = SpendChart(self.tr("Spend per month"), self, legend=False)
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
        locale = self.daily.money_locale
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
