"""The prompt editor: type, paste, open or drop text, and never freeze on a large one.

Over-long lines are shown in pieces. Qt lays out a whole paragraph (a text block) again on
every change to it, at about 0.2 ms per KB here: inserting a 2.2 MB single line a slice at a
time re-laid the line out for every slice and locked the window for minutes, and even one
``setPlainText`` of it takes 1.2 s. So a line longer than ``LINE`` goes into the document as
several blocks; the blocks after such a display-only break carry the ``SOFT`` block property.
The breaks look like the line wrapping the editor does anyway; ``text()``, copy, cut and drag
leave them out, so counts are those of the real text; the property is part of the document,
so undo and redo keep it.
"""

from __future__ import annotations

import codecs
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from tokenbudget.core.errors import UserInputError
from tokenbudget.gui.formatting import error_text
from tokenbudget.gui.text_mirror import TextMirror

if TYPE_CHECKING:  # Qt makes each class's type when first named: not before the first paint
    from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent, QTextBlockFormat

#: The block property marking a block that follows a display-only break
#: (``QTextFormat.Property.UserProperty + 1``; a test checks the value).
SOFT = 0x100000 + 1
#: Lines longer than this many characters are shown in pieces about this long.
LINE = 4096
#: What ``QTextCursor.insertText`` turns into a new block.
_BREAKS = re.compile("\r\n|[\r\n\u2029\ufdd0\ufdd1]")
#: A piece of an over-long line preferably ends after one of these, within the last
#: ``_LOOK_BACK`` characters, so that the break looks like ordinary wrapping.
_GOOD_END = re.compile(r"[\s,;:}\])>]")
_LOOK_BACK = 512


def _longest_line(text: str) -> int:
    return max(map(len, _BREAKS.split(text)), default=0)


def _block_format() -> QTextBlockFormat:
    """A plain block format (a real line break)."""
    from PySide6.QtGui import QTextBlockFormat

    return QTextBlockFormat()


def _soft_format() -> QTextBlockFormat:
    block_format = _block_format()
    block_format.setProperty(SOFT, True)
    return block_format


def cut_at(line: str, limit: int) -> int:
    """Where to end the first piece of ``line`` shown in at most ``limit`` characters (≥ 1)."""
    limit = max(limit, 1)
    window = line[max(0, limit - _LOOK_BACK) : limit]
    ends = [m.end() for m in _GOOD_END.finditer(window)]
    cut = limit - len(window) + ends[-1] if ends else limit
    if "\ud800" <= line[cut - 1] <= "\udbff":
        cut = cut - 1 if cut > 1 else cut + 1  # never split a surrogate pair
    return cut


class PromptEditor(QPlainTextEdit):
    """The prompt: type, paste, or drop text files onto it.

    ``text()`` is the editor's text without converting the whole document on every call (see
    ``text_mirror``). Large pastes and files go in a slice per event-loop turn, as one undo
    step, so the window keeps painting.

    Signals:
        file_loaded(str): a dropped or opened file was read (its path).
        progress(int, int): a large paste or file is going in (done, total; equal at the end).
        refused(str): a file was not loaded (binary, not UTF-8, unreadable): the message.
    """

    file_loaded = Signal(str)
    refused = Signal(str)
    #: A large text is going in: characters (or bytes) done, of the total. Ends with done == total.
    progress = Signal(int, int)
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
        self._carry = ""  # a "\r" held back from the end of a slice (it may start a "\r\n")
        #: False only when the document certainly has no display-only break.
        self._soft = False
        self._real: str | None = None  # text() when there are display-only breaks

    # -- the text ----------------------------------------------------------------------

    def text(self) -> str:
        """The whole text: ``toPlainText()`` less the display-only breaks."""
        if not self._soft:
            return self._mirror.text()
        if self._real is None:
            breaks = self._soft_breaks()
            self._soft = bool(breaks)
            self._real = self._mirror.without(breaks)
        return self._real

    def _soft_breaks(self, start: int = 0, end: int | None = None) -> list[int]:
        """Positions of the display-only breaks from ``start`` to ``end`` (sorted)."""
        document = self.document()
        block = document.findBlock(start)
        last = document.lastBlock() if end is None else document.findBlock(end)
        breaks = []
        while block.isValid():
            if block.blockFormat().hasProperty(SOFT) and block.position() > start:
                breaks.append(block.position() - 1)
            if block == last:
                break
            block = block.next()
        return breaks

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
        self._real = None
        # Undo or redo can bring display-only breaks back: they come with a block separator.
        if not self._soft and not self.pasting and "\u2029" in fragment:
            self._soft = bool(self._soft_breaks(position, end))

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802
        """Copy, cut and drag the selected text without the display-only breaks."""
        cursor = self.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        if not self._soft or end <= start:
            return super().createMimeDataFromSelection()
        # Qt's own mime data fills its text in lazily from the document: a plain one instead.
        mime = QMimeData()
        mime.setText(self._mirror.without(self._soft_breaks(start, end), start, end))
        return mime

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Keep keys that add or remove a line break right about display-only breaks."""
        cursor = self.textCursor()
        if self._soft and not self.isReadOnly() and self._soft_key(event, cursor):
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            event.accept()
            return
        super().keyPressEvent(event)

    def _soft_key(self, event: QKeyEvent, cursor: QTextCursor) -> bool:
        block = cursor.block()
        if event.matches(QKeySequence.StandardKey.InsertParagraphSeparator):
            # Qt gives a new block the current block's format: a typed line break would be
            # taken for a display-only one.
            cursor.beginEditBlock()
            cursor.removeSelectedText()
            cursor.insertBlock(_block_format())
            cursor.endEditBlock()
            return True
        if cursor.hasSelection():
            return False
        step = None
        if (
            event.key() == Qt.Key.Key_Backspace
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and cursor.positionInBlock() == 0
            and block.blockFormat().hasProperty(SOFT)
        ):
            step = QTextCursor.MoveOperation.PreviousCharacter
        elif (
            event.matches(QKeySequence.StandardKey.Delete)
            and cursor.atBlockEnd()
            and block.next().isValid()
            and block.next().blockFormat().hasProperty(SOFT)
        ):
            step = QTextCursor.MoveOperation.NextCharacter
        if step is None:
            return False
        # The break is invisible: remove it and the character the user meant.
        cursor.movePosition(step, QTextCursor.MoveMode.KeepAnchor, 2)
        cursor.removeSelectedText()
        return True

    # -- progressive insertion ---------------------------------------------------------

    @property
    def pasting(self) -> bool:
        """True while a large paste or file is still being inserted."""
        return self._paste_cursor is not None

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        """Insert large text pastes progressively, long lines in pieces; the rest as Qt does."""
        if self.pasting or source.hasUrls() or not source.hasFormat("text/plain"):
            super().insertFromMimeData(source)
            return
        # The bytes, kept in Qt and decoded a slice at a time: ``source.text()`` converts
        # 10 MB in one 60 ms call, and copying them all into Python costs 10 ms more. Qt
        # decodes text/plain as UTF-8, replacing what is malformed; so do we.
        data = source.data("text/plain")
        if data.size() > self.SLICE:
            self._start(self.textCursor(), data)
            return
        text = source.text()
        if (self._soft and _BREAKS.search(text)) or _longest_line(text) > LINE:
            cursor = self.textCursor()
            cursor.beginEditBlock()
            cursor.removeSelectedText()
            self._insert_piece(cursor, text)
            cursor.endEditBlock()
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            return
        super().insertFromMimeData(source)

    def _start(self, cursor: QTextCursor, text: QByteArray | str) -> None:
        self.blockSignals(True)  # one textChanged at the end, not one per slice
        cursor.beginEditBlock()  # one undo step for the whole insertion
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self._paste_cursor = cursor
        self._left, self._offset, self._carry = text, 0, ""
        self._slice = self.SLICE // 4  # the first slice also lays out the visible lines
        self._decoder.reset()
        self.setReadOnly(True)
        self._progress(0)
        # Reading the paste was this turn's work; a short delay lets timers that are due and
        # a paint run before the first slice (a 0 ms timer would run in the same pass).
        QTimer.singleShot(2, self._insert_slice)

    def _progress(self, done: int) -> None:
        blocked = self.blockSignals(False)
        self.progress.emit(done, self._size())
        self.blockSignals(blocked)

    def _size(self) -> int:
        left = self._left
        return left.size() if isinstance(left, QByteArray) else len(left)

    def _next_piece(self) -> str:
        left, start = self._left, self._offset
        end = min(start + self._slice, self._size())
        self._offset = end
        final = end >= self._size()
        if isinstance(left, QByteArray):
            piece = self._decoder.decode(left.mid(start, end - start).data(), final)
        else:
            if not final and "\ud800" <= left[end - 1] <= "\udbff":
                self._offset = end = end + 1  # never split a surrogate pair
            piece = left[start:end]
        piece, self._carry = self._carry + piece, ""
        if not final and piece.endswith("\r"):
            piece, self._carry = piece[:-1], "\r"  # a "\r\n" split by the slice is one break
        return piece

    def _insert_piece(self, cursor: QTextCursor, piece: str) -> None:
        """Insert ``piece`` at ``cursor``, a line longer than ``LINE`` in display pieces."""
        column = cursor.positionInBlock()
        for index, whole in enumerate(_BREAKS.split(piece)):
            line = whole
            if index:
                cursor.insertBlock(_block_format())  # a real line break
                column = 0
            while column + len(line) > LINE:
                cut = cut_at(line, LINE - column)
                cursor.insertText(line[:cut])
                cursor.insertBlock(_soft_format())
                self._soft, self._real = True, None
                line, column = line[cut:], 0
            if line:
                cursor.insertText(line)
                column += len(line)

    def _insert_slice(self) -> None:
        cursor = self._paste_cursor
        if cursor is None:
            return
        piece = self._next_piece()
        started = time.perf_counter()
        cursor.joinPreviousEditBlock()
        self._insert_piece(cursor, piece)
        cursor.endEditBlock()
        took = max(time.perf_counter() - started, 1e-4)
        size = int(self._slice * self.SLICE_SECONDS / took)
        self._slice = max(4096, min(2 * self.SLICE, size, 2 * self._slice))
        self._progress(self._offset)
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
            from tokenbudget.core.services import CountingService  # not before the first paint

            text = CountingService.read_text_file(path)
        except UserInputError as exc:
            self._refuse(error_text(exc))
            return False
        if len(text) <= self.SLICE and _longest_line(text) <= LINE:
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
