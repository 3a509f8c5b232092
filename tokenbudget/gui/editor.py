"""The prompt editor: type, paste, open or drop text, and never freeze on a large one."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.services import CountingService
from tokenbudget.gui.text_mirror import TextMirror


class PromptEditor(QPlainTextEdit):
    """The prompt: type, paste, or drop text files onto it.

    ``text()`` is the editor's text without converting the whole document on every call (see
    ``text_mirror``). Large pastes and files go in a slice per event-loop turn, as one undo
    step, so the window keeps painting.

    Signals:
        file_loaded(str): a dropped or opened file was read (its path).
        refused(str): a file was not loaded (binary, not UTF-8, unreadable): the message.
    """

    file_loaded = Signal(str)
    refused = Signal(str)
    #: Texts longer than this (in characters, or bytes of a paste) go in slices: inserting
    #: 10 MB at once blocks Qt for about 0.7 s here.
    SLICE = 64 * 1024
    #: Each slice is sized to take about this long (inserting gets slower as the document
    #: grows: 64 KB took 7 ms into an empty document, 30 ms at the end of 10 MB).
    SLICE_SECONDS = 0.006

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setTabChangesFocus(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText(
            self.tr("Paste or type a prompt, or drop a text file here, to see what it costs.")
        )
        self._mirror = TextMirror(self.toPlainText())
        self.document().contentsChange.connect(self._contents_changed)
        self._left: QByteArray | str = ""
        self._offset = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._paste_cursor: QTextCursor | None = None
        self._slice = self.SLICE
        self._loaded_path: str | None = None

    # -- the text ----------------------------------------------------------------------

    def text(self) -> str:
        """The whole text, equal to ``toPlainText()``."""
        return self._mirror.text()

    def _contents_changed(self, position: int, _removed: int, added: int) -> None:
        length = self.document().characterCount() - 1
        fragment = ""
        end = min(position + added, length)
        if end > position:
            cursor = QTextCursor(self.document())
            cursor.setPosition(position)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            fragment = cursor.selectedText()
        if not self._mirror.apply(position, fragment, length):
            self._mirror.reset(self.toPlainText())

    # -- progressive insertion ---------------------------------------------------------

    @property
    def pasting(self) -> bool:
        """True while a large paste or file is still being inserted."""
        return self._paste_cursor is not None

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        """Insert large text pastes progressively; everything else as Qt does."""
        if self.pasting or source.hasUrls() or not source.hasFormat("text/plain"):
            super().insertFromMimeData(source)
            return
        # The bytes, kept in Qt and decoded a slice at a time: ``source.text()`` converts
        # 10 MB in one 60 ms call, and copying them all into Python costs 10 ms more. Qt
        # decodes text/plain as UTF-8, replacing what is malformed; so do we.
        data = source.data("text/plain")
        if data.size() <= self.SLICE:
            super().insertFromMimeData(source)
            return
        self._start(self.textCursor(), data)

    def _start(self, cursor: QTextCursor, text: QByteArray | str) -> None:
        self.blockSignals(True)  # one textChanged at the end, not one per slice
        cursor.beginEditBlock()  # one undo step for the whole insertion
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self._paste_cursor = cursor
        self._left, self._offset = text, 0
        self._slice = self.SLICE // 4  # the first slice also lays out the visible lines
        self._decoder.reset()
        self.setReadOnly(True)
        # Reading the paste was this turn's work; a short delay lets timers that are due and
        # a paint run before the first slice (a 0 ms timer would run in the same pass).
        QTimer.singleShot(2, self._insert_slice)

    def _size(self) -> int:
        left = self._left
        return left.size() if isinstance(left, QByteArray) else len(left)

    def _next_piece(self) -> str:
        left, start = self._left, self._offset
        end = min(start + self._slice, self._size())
        self._offset = end
        final = end >= self._size()
        if isinstance(left, QByteArray):
            return self._decoder.decode(left.mid(start, end - start).data(), final)
        if not final and "\ud800" <= left[end - 1] <= "\udbff":
            self._offset = end = end + 1  # never split a surrogate pair
        return left[start:end]

    def _insert_slice(self) -> None:
        cursor = self._paste_cursor
        if cursor is None:
            return
        piece = self._next_piece()
        started = time.perf_counter()
        cursor.joinPreviousEditBlock()
        cursor.insertText(piece)
        cursor.endEditBlock()
        took = max(time.perf_counter() - started, 1e-4)
        size = int(self._slice * self.SLICE_SECONDS / took)
        self._slice = max(4096, min(2 * self.SLICE, size, 2 * self._slice))
        if self._offset < self._size():
            QTimer.singleShot(0, self._insert_slice)
            return
        self._left, self._offset = "", 0
        self._paste_cursor = None
        self.setTextCursor(cursor)
        self.setReadOnly(False)
        self.blockSignals(False)
        self.textChanged.emit()
        if self._loaded_path is not None:
            path, self._loaded_path = self._loaded_path, None
            self.file_loaded.emit(path)

    # -- files -------------------------------------------------------------------------

    def load_file(self, path: Path) -> bool:
        """Replace the text with a file's; refuses what is not UTF-8 text, with a message.

        A large file goes in slices like a large paste; ``file_loaded`` follows when it is in.
        """
        if self.pasting:
            self._refuse(self.tr("Wait until the current text is in, then try again."))
            return False
        try:
            text = CountingService.read_text_file(path)
        except UserInputError as exc:
            self._refuse(str(exc))
            return False
        if len(text) <= self.SLICE:
            self.setPlainText(text)
            self.file_loaded.emit(str(path))
            return True
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        self._loaded_path = str(path)
        self._start(cursor, text)
        return True

    def _refuse(self, message: str) -> None:
        # Signals are blocked while a text goes in (one textChanged at the end); a refusal
        # must still be heard.
        blocked = self.blockSignals(False)
        self.refused.emit(message)
        self.blockSignals(blocked)

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
