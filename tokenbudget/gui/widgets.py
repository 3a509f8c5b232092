"""Small widgets of the estimate view: the prompt editor and the context-window bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QPainter, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.textinput import read_text_file
from tokenbudget.gui.estimate_model import CONTEXT_ROLE


class PromptEditor(QPlainTextEdit):
    """The prompt: type, paste, or drop text files onto it.

    Signals:
        file_loaded(str): a dropped or opened file was read (its path).
        refused(str): a file was not loaded (binary, not UTF-8, unreadable): the message.
    """

    file_loaded = Signal(str)
    refused = Signal(str)
    #: Pastes longer than this are inserted a slice per event-loop turn, so the window keeps
    #: painting (inserting 10 MB at once blocks Qt for about 0.7 s here).
    SLICE = 256 * 1024

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setTabChangesFocus(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText(
            self.tr("Paste or type a prompt, or drop a text file here, to see what it costs.")
        )
        self._paste_left = ""
        self._paste_cursor: QTextCursor | None = None

    @property
    def pasting(self) -> bool:
        """True while a large paste is still being inserted."""
        return self._paste_cursor is not None

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        """Insert large text pastes progressively; everything else as Qt does."""
        text = source.text() if source.hasText() and not source.hasUrls() else ""
        if len(text) <= self.SLICE or self.pasting:
            super().insertFromMimeData(source)
            return
        self.blockSignals(True)  # one textChanged at the end, not one per slice
        cursor = self.textCursor()
        cursor.beginEditBlock()  # one undo step for the whole paste
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self._paste_cursor = cursor
        self._paste_left = text
        self.setReadOnly(True)
        self._insert_slice()

    def _insert_slice(self) -> None:
        cursor = self._paste_cursor
        if cursor is None:
            return
        cut = min(len(self._paste_left), self.SLICE)
        if cut < len(self._paste_left) and "\ud800" <= self._paste_left[cut - 1] <= "\udbff":
            cut += 1  # never split a surrogate pair
        piece, self._paste_left = self._paste_left[:cut], self._paste_left[cut:]
        cursor.joinPreviousEditBlock()
        cursor.insertText(piece)
        cursor.endEditBlock()
        if self._paste_left:
            QTimer.singleShot(0, self._insert_slice)
            return
        self._paste_cursor = None
        self.setTextCursor(cursor)
        self.setReadOnly(False)
        self.blockSignals(False)
        self.textChanged.emit()

    def load_file(self, path: Path) -> bool:
        """Replace the text with a file's; refuses what is not UTF-8 text, with a message."""
        try:
            text = read_text_file(path)
        except UserInputError as exc:
            self.refused.emit(str(exc))
            return False
        self.setPlainText(text)
        self.file_loaded.emit(str(path))
        return True

    @staticmethod
    def _local_files(mime: QMimeData) -> list[Path]:
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept file drops (text drops are handled by the editor itself)."""
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]  # noqa: N802
        """Keep accepting file drags over the editor."""
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Load the first dropped file."""
        files = self._local_files(event.mimeData())
        if not files:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.load_file(files[0])


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
