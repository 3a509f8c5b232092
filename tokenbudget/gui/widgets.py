"""The context-window bar of the estimate table."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from tokenbudget.gui.estimate_model import CONTEXT_ROLE


class ContextBarDelegate(QStyledItemDelegate):
    """Draws the share of the context window as a bar; red past 100 %."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """A bar under the percentage text."""
        share = index.data(CONTEXT_ROLE)
        if isinstance(share, float):
            rect: QRect = option.rect.adjusted(3, 4, -3, -4)
            full = share > 1.0
            width = int(rect.width() * min(share, 1.0))
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(235, 235, 235))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setBrush(QColor(220, 60, 60) if full else QColor(90, 150, 230, 170))
            painter.drawRoundedRect(QRect(rect.x(), rect.y(), max(width, 2), rect.height()), 3, 3)
            painter.restore()
        super().paint(painter, option, index)
