"""The token view's text: tokens drawn on cycling pastel backgrounds, white space as markers.

Read-only and selectable; copying gives back the original characters, not the markers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QHelpEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from tokenbudget.core.types import EMPTY_MARK, Span, marker, visible_runs

#: Backgrounds of consecutive spans (the OpenAI tokenizer page's colours, made opaque).
PALETTE: tuple[str, ...] = ("#d3c6f3", "#c3f2ca", "#fbdeaf", "#f9c6c8", "#bee9f9")
_INK = "#1f1f1f"
_MUTED = "#7c7c7c"

#: The char-format property holding the original character a white-space marker stands for.
ORIGINAL_PROPERTY = QTextFormat.Property.UserProperty + 1
#: Set on the stand-in drawn for a token that decodes to nothing.
EMPTY_PROPERTY = QTextFormat.Property.UserProperty + 2


class TokenText(QPlainTextEdit):
    """The read-only, selectable token text; copying gives back the original characters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._formats: dict[tuple[int, bool, str | None], QTextCharFormat] = {}
        #: Returns the tooltip for a point of the viewport (set by the owner).
        self.tooltip_at: Callable[[QPoint], str | None] = lambda _point: None

    def source_text(self, start: int, end: int) -> str:
        """The original text behind document positions ``start`` to ``end``."""
        parts: list[str] = []
        block = self.document().findBlock(start)
        while block.isValid() and block.position() < end:
            base = block.position()
            text = block.text()
            for fmt_range in block.textFormats():
                lo = max(base + fmt_range.start, start)
                hi = min(base + fmt_range.start + fmt_range.length, end)
                if lo >= hi:
                    continue
                piece = text[lo - base : hi - base]
                original = fmt_range.format.property(ORIGINAL_PROPERTY)
                if fmt_range.format.boolProperty(EMPTY_PROPERTY):
                    piece = ""
                elif isinstance(original, str):
                    width = len((marker(original) or original).replace("\n", ""))
                    piece = original * ceil(len(piece) / width)
                parts.append(piece)
            block = block.next()
        return "".join(parts)

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt override)
        """Copy the original text, not the markers."""
        cursor = self.textCursor()
        mime = QMimeData()
        mime.setText(self.source_text(cursor.selectionStart(), cursor.selectionEnd()))
        return mime

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """Show the tooltip of the token under the mouse."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def _format(self, slot: int, grouped: bool, original: str | None) -> QTextCharFormat:
        key = (slot, grouped, original)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(PALETTE[slot]))
            fmt.setForeground(QColor(_MUTED if original is not None else _INK))
            if grouped:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(QColor(_INK))
            if original:
                fmt.setProperty(ORIGINAL_PROPERTY, original)
            elif original == "":
                fmt.setProperty(EMPTY_PROPERTY, True)
            self._formats[key] = fmt
        return fmt

    def show_spans(self, spans: Sequence[Span]) -> list[int]:
        """Draw ``spans``; returns the document position where each begins."""
        document = self.document()
        document.clear()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        starts: list[int] = []
        for index, span in enumerate(spans):
            starts.append(cursor.position())
            slot, grouped = index % len(PALETTE), len(span.tokens) > 1
            for shown, original in visible_runs(span.text) or [(EMPTY_MARK, "")]:
                cursor.insertText(shown, self._format(slot, grouped, original))
        cursor.endEditBlock()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        return starts
