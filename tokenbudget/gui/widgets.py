"""The context-window bar of the estimate table."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from tokenbudget.gui import palette
from tokenbudget.gui.estimate_model import CONTEXT_ROLE

#: Shown before a share past the context window (colour is not the only sign).
OVER_MARK = "⚠"
#: The bar's height under the text, in pixels.
BAR_HEIGHT = 4


class ContextBarDelegate(QStyledItemDelegate):
    """Draws the share of the context window as a thin bar under the text; red past 100 %.

    The text keeps the theme's colours (the bar is not behind it); a share past the window
    is drawn in the theme's error colour, bold, after a warning sign.
    """

    def initStyleOption(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Mark a share past the window (sign, bold, error colour)."""
        super().initStyleOption(option, index)
        share = index.data(CONTEXT_ROLE)
        if isinstance(share, float) and share > 1.0 and option.text:
            colours = palette.current()
            option.text = f"{OVER_MARK} {option.text}"
            option.font.setBold(True)
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                option.palette.setColor(group, QPalette.ColorRole.Text, colours.error)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The cell as usual, then the bar along its bottom edge."""
        super().paint(painter, option, index)
        share = index.data(CONTEXT_ROLE)
        if not isinstance(share, float):
            return
        colours = palette.current()
        cell: QRect = option.rect
        rect = QRect(cell.x() + 3, cell.bottom() - BAR_HEIGHT - 1, cell.width() - 6, BAR_HEIGHT)
        full = share > 1.0
        width = int(rect.width() * min(share, 1.0))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.bar_track)
        painter.drawRoundedRect(rect, 2, 2)
        fill = colours.bar_full if full else colours.bar_fill
        if selected:
            fill = option.palette.color(QPalette.ColorRole.HighlightedText)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRect(rect.x(), rect.y(), max(width, 2), rect.height()), 2, 2)
        painter.restore()
