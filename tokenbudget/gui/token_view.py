r"""A prompt split into tokens, as one vocabulary sees it.

Drawn like the providers' tokenizer pages: tokens on pastel backgrounds that cycle so that
neighbours always differ, a token's id and bytes on hover, and white space made visible in a
muted colour (``·`` space, ``→`` tab, ``↵`` then a real line break, ``␍`` carriage return,
``⟨U+200D⟩`` for other invisible characters). Copying gives back the original text.

Characters split across tokens: byte-level vocabularies cut some characters (emoji, rare CJK)
into tokens whose bytes are not UTF-8 on their own. Neighbouring tokens are decoded together
until they end on a character boundary, and the group is drawn once, underlined with dots;
its tooltip lists every token of the group with its bytes. So a reader sees 龘 rather than
``\xe9`` ``\xbe`` ``\x98``, and every token is still counted and can be inspected. Escapes such
as ``\xe4`` appear only where no character can be completed: at the cut of a truncated view.
Hugging Face vocabularies report a token only as decoded text, which turns a partial character
into U+FFFD; such runs are re-aligned with the prompt's own bytes between the exact tokens
around them.

Encoding runs through a ``runner``: the global ``QThreadPool`` by default, an inline call in
tests. Each request carries an id, and a result for anything but the latest request is dropped.
"""

from __future__ import annotations

import codecs
import html
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from math import ceil

from PySide6.QtCore import (
    QEvent,
    QLocale,
    QMimeData,
    QObject,
    QPoint,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QHelpEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.formatting import format_int

Runner = Callable[[Callable[[], None]], None]

#: Tokens past this many are counted but not drawn (a QTextDocument of 20,000 coloured
#: spans builds in about 0.1 s; millions would freeze the window).
DEFAULT_MAX_TOKENS = 20_000

#: Backgrounds of consecutive spans (the OpenAI tokenizer page's colours, made opaque).
PALETTE: tuple[str, ...] = ("#d3c6f3", "#c3f2ca", "#fbdeaf", "#f9c6c8", "#bee9f9")
_INK = "#1f1f1f"
_MUTED = "#7c7c7c"

#: The char-format property holding the original character a white-space marker stands for.
ORIGINAL_PROPERTY = QTextFormat.Property.UserProperty + 1
#: Set on the stand-in drawn for a token that decodes to nothing.
EMPTY_PROPERTY = QTextFormat.Property.UserProperty + 2

_REPLACEMENT = "\ufffd".encode()
#: A zero-width space after a marker keeps a line-break opportunity where the space was.
_MARKERS = {" ": "·\u200b", "\t": "→\u200b", "\n": "↵\n", "\r": "␍"}
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
_EMPTY = "∅"


# --- What to draw: pure functions of the tokenizer's output (no Qt) ------------------------


@dataclass(frozen=True)
class Token:
    """One token.

    Attributes:
        id: The token id.
        data: The token's bytes. When ``exact`` is False, only the tokenizer's decoded text of
            the token (with U+FFFD for a partial character), as UTF-8.
        exact: False when the tokenizer does not report the token's bytes.
    """

    id: int
    data: bytes
    exact: bool = True


@dataclass(frozen=True)
class Span:
    """Consecutive tokens drawn as one piece of text.

    Attributes:
        first: Index of the first token in the whole text.
        tokens: One token, or several that share a character split between them.
        text: What is drawn (before white space is made visible).
    """

    first: int
    tokens: tuple[Token, ...]
    text: str


@dataclass(frozen=True)
class Tokenization:
    """The result of one request.

    Attributes:
        request: The request id (results of older requests are dropped).
        tokenizer_id: The vocabulary used.
        total: Tokens in the whole text.
        chars: Characters (code points) in the text.
        spans: What is drawn: the first ``shown`` tokens.
        shown: Tokens drawn (``total`` unless the text was cut at the limit).
        error: Why nothing could be counted, or None.
    """

    request: int
    tokenizer_id: str
    total: int
    chars: int
    spans: tuple[Span, ...] = ()
    shown: int = 0
    error: str | None = None


_Chunk = tuple[tuple[Token, ...], bytes]


def _escaped(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def _group(chunks: Iterator[_Chunk]) -> list[Span]:
    """Join chunks into spans that each end on a character boundary."""
    spans: list[Span] = []
    decoder = codecs.getincrementaldecoder("utf-8")()
    tokens: list[Token] = []
    data = bytearray()
    parts: list[str] = []
    start = index = 0
    for chunk_tokens, chunk_data in chunks:
        tokens.extend(chunk_tokens)
        data += chunk_data
        index += len(chunk_tokens)
        try:
            parts.append(decoder.decode(chunk_data))
        except UnicodeDecodeError:
            decoder.reset()
            text = _escaped(bytes(data))
        else:
            if decoder.getstate()[0]:
                continue  # in the middle of a character: the next token completes it
            text = "".join(parts)
        spans.append(Span(start, tuple(tokens), text))
        start = index
        tokens, data, parts = [], bytearray(), []
    if tokens:  # cut in the middle of a character (the view's token limit)
        spans.append(Span(start, tuple(tokens), _escaped(bytes(data))))
    return spans


def _realign(
    reference: bytes, ids: Sequence[int], pieces: Sequence[bytes], *, complete: bool
) -> list[_Chunk] | None:
    """Recover the bytes of lossy runs (U+FFFD pieces) from the text; None if it fails."""
    chunks: list[_Chunk] = []
    pos = i = 0
    while i < len(pieces):
        piece = pieces[i]
        if reference.startswith(piece, pos):
            chunks.append(((Token(ids[i], piece),), piece))
            pos += len(piece)
            i += 1
            continue
        if _REPLACEMENT not in piece:
            return None
        j, least = i, 0
        while j < len(pieces) and _REPLACEMENT in pieces[j]:
            # Each U+FFFD (3 bytes) stands for at least one byte of the text.
            least += len(pieces[j]) - 2 * pieces[j].count(_REPLACEMENT)
            j += 1
        run = tuple(Token(ids[k], pieces[k], exact=False) for k in range(i, j))
        if j < len(pieces):
            end = reference.find(pieces[j], pos + least)
        else:
            end = len(reference) if complete else -1
        if end < 0:
            if j < len(pieces):
                return None
            chunks.append((run, b"".join(pieces[i:j])))  # cut by the limit: show as reported
            return chunks
        chunks.append((run, reference[pos:end]))
        pos, i = end, j
    if complete and pos != len(reference):
        return None
    return chunks


def split_for_display(
    text: str, ids: Sequence[int], pieces: Sequence[bytes], *, complete: bool = True
) -> list[Span]:
    """The spans to draw for ``ids`` (the first tokens of ``text``) and their ``pieces``.

    Args:
        text: The text that was encoded.
        ids: Token ids, possibly only the first ones.
        pieces: The bytes of each token, from ``Tokenizer.decode_pieces``.
        complete: False when ``ids`` stops before the end of the text.
    """
    if any(_REPLACEMENT in piece for piece in pieces):
        references = [text.encode("utf-8")]
        normalized = unicodedata.normalize("NFC", text)
        if normalized != text:
            references.append(normalized.encode("utf-8"))
        for reference in references:
            chunks = _realign(reference, ids, pieces, complete=complete)
            if chunks is not None:
                return _group(iter(chunks))
    return _group(((Token(i, p),), p) for i, p in zip(ids, pieces, strict=True))


def tokenize(
    registry: TokenizerRegistry, tokenizer_id: str, text: str, *, limit: int, request: int = 0
) -> Tokenization:
    """Encode ``text`` and prepare the first ``limit`` tokens for display.

    Raises:
        TokenbudgetError: if the vocabulary is unknown or its file is missing or altered.
    """
    tokenizer = registry.get(tokenizer_id)
    ids = tokenizer.encode(text)
    shown = ids[: max(limit, 0)]
    spans = split_for_display(
        text, shown, tokenizer.decode_pieces(shown), complete=len(shown) == len(ids)
    )
    return Tokenization(request, tokenizer_id, len(ids), len(text), tuple(spans), len(shown))


def marker(char: str) -> str | None:
    """The visible stand-in for a white-space or invisible character, or None."""
    if char in _MARKERS:
        return _MARKERS[char]
    if unicodedata.category(char) in _INVISIBLE:
        return f"⟨U+{ord(char):04X}⟩"
    return None


def visible_runs(text: str) -> list[tuple[str, str | None]]:
    """Split ``text`` into runs to draw: ``(shown, original)``.

    ``original`` is None for ordinary text, else the one character that every marker in
    ``shown`` stands for.
    """
    runs: list[tuple[str, str | None]] = []
    plain: list[str] = []
    for char in text:
        shown = marker(char)
        if shown is None:
            plain.append(char)
            continue
        if plain:
            runs.append(("".join(plain), None))
            plain = []
        if runs and runs[-1][1] == char:
            runs[-1] = (runs[-1][0] + shown, char)
        else:
            runs.append((shown, char))
    if plain:
        runs.append(("".join(plain), None))
    return runs


def printable(text: str) -> str:
    """``text`` with white space and invisible characters shown as markers, on one line."""
    return "".join((marker(c) or c).replace("\u200b", "").replace("\n", "") for c in text)


# --- The widgets ------------------------------------------------------------------------------


def _pool_runner(job: Callable[[], None]) -> None:
    QThreadPool.globalInstance().start(job)


class _Relay(QObject):
    """Carries results from the worker thread to the UI thread (a queued signal)."""

    finished = Signal(object)


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


class TokenView(QWidget):
    """A text split into tokens for a chosen vocabulary, with counts.

    Args:
        registry: Where the vocabularies come from.
        text: The text to show.
        tokenizer_id: The vocabulary shown first (the registry's first when None or unknown).
        max_tokens: Draw at most this many tokens; the count still covers the whole text.
        runner: Runs an encoding job; the global thread pool by default. Tests pass one that
            calls the job at once.
        delay_ms: Wait this long after a change before encoding (0: at once).
        parent: The parent widget.

    Signals:
        tokenized(str, int): a result is shown: tokenizer id and token count.
        tokenizer_changed(str): another vocabulary was chosen.
    """

    tokenized = Signal(str, int)
    tokenizer_changed = Signal(str)

    def __init__(
        self,
        registry: TokenizerRegistry,
        text: str = "",
        tokenizer_id: str | None = None,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        runner: Runner | None = None,
        delay_ms: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._registry = registry
        self._text = text
        self._max_tokens = max_tokens
        self._runner = runner or _pool_runner
        self._request = 0
        self._result: Tokenization | None = None
        self._starts: list[int] = []
        self._formats: dict[tuple[int, bool, str | None], QTextCharFormat] = {}
        self._relay = _Relay()
        self._relay.finished.connect(self._on_finished)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self._delay_ms = delay_ms

        self._build_widgets()

        start = self.combo.findData(tokenizer_id) if tokenizer_id else 0
        self.combo.setCurrentIndex(max(start, 0))
        self.combo.currentIndexChanged.connect(self._on_combo)
        self._schedule()

    def _build_widgets(self) -> None:
        self.combo = QComboBox()
        for vocab in self._registry.ids():
            models = self._registry.spec(vocab).models
            self.combo.addItem(self.tr("{id} — {models}").format(id=vocab, models=models), vocab)
            self.combo.setItemData(self.combo.count() - 1, models, Qt.ItemDataRole.ToolTipRole)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(28)
        self.combo.view().setMinimumWidth(self.combo.view().sizeHintForColumn(0) + 24)
        label = QLabel(self.tr("&Tokenizer:"))
        label.setBuddy(self.combo)
        self.busy_label = QLabel(self.tr("Counting…"))
        self.busy_label.hide()
        self.tokens_label = QLabel()
        self.chars_label = QLabel()
        self.editor = TokenText()
        self.editor.tooltip_at = self._tooltip_at
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()

        header = QHBoxLayout()
        header.addWidget(label)
        header.addWidget(self.combo, 1)
        header.addSpacing(12)
        header.addWidget(self.busy_label)
        header.addWidget(self.tokens_label)
        header.addSpacing(12)
        header.addWidget(self.chars_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.notice)

    # Public API -----------------------------------------------------------------------------

    def text(self) -> str:
        """The text being shown."""
        return self._text

    def set_text(self, text: str) -> None:
        """Show another text (encoded again, off the UI thread)."""
        self._text = text
        self._schedule()

    def tokenizer_id(self) -> str:
        """The chosen vocabulary."""
        return str(self.combo.currentData())

    def set_tokenizer(self, tokenizer_id: str) -> None:
        """Choose a vocabulary by id; an unknown id is ignored."""
        index = self.combo.findData(tokenizer_id)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def result(self) -> Tokenization | None:
        """What is shown now (None before the first result)."""
        return self._result

    def spans(self) -> tuple[Span, ...]:
        """The spans drawn, in order."""
        return self._result.spans if self._result else ()

    def span_start(self, index: int) -> int:
        """Document position where span ``index`` begins."""
        return self._starts[index]

    def span_index_at_position(self, position: int) -> int | None:
        """The span that the document character at ``position`` belongs to."""
        index = bisect_right(self._starts, position) - 1
        return index if index >= 0 else None

    def span_index_at(self, point: QPoint) -> int | None:
        """The span under ``point`` (viewport coordinates), or None off the text."""
        if not self._starts:
            return None
        cursor = self.editor.cursorForPosition(point)
        position = cursor.position()
        if point.x() < self.editor.cursorRect(cursor).x():
            if not cursor.atBlockStart():
                position -= 1  # the character left of the nearest boundary
        elif cursor.atBlockEnd():
            return None  # right of the end of a line
        return self.span_index_at_position(position)

    def tooltip(self, index: int) -> str:
        """Rich-text tooltip of span ``index``: token ids and bytes."""
        assert self._result is not None
        span = self._result.spans[index]
        locale = QLocale()
        total = format_int(locale, self._result.total)
        lines: list[str] = []
        if len(span.tokens) == 1:
            token = span.tokens[0]
            lines.append(
                self.tr("<b>Token {n}</b> of {total}").format(
                    n=format_int(locale, span.first + 1), total=total
                )
            )
            lines.append(self.tr("ID: {id}").format(id=f"<tt>{token.id}</tt>"))
            lines.append(self.tr("Bytes: {bytes}").format(bytes=self._bytes(token)))
            lines.append(self.tr("Text: “{text}”").format(text=self._escape(span.text)))
        else:
            lines.append(
                self.tr("<b>Tokens {first}–{last}</b> of {total} make up “{text}”").format(
                    first=format_int(locale, span.first + 1),
                    last=format_int(locale, span.first + len(span.tokens)),
                    total=total,
                    text=self._escape(span.text),
                )
            )
            for token in span.tokens:
                lines.append(
                    self.tr("ID {id}: {bytes}").format(
                        id=f"<tt>{token.id}</tt>", bytes=self._bytes(token)
                    )
                )
        return "<qt>" + "<br>".join(lines) + "</qt>"

    # Internals ------------------------------------------------------------------------------

    def _bytes(self, token: Token) -> str:
        if not token.exact:
            return self.tr("not reported by this tokenizer (decodes to “{text}”)").format(
                text=self._escape(token.data.decode("utf-8", "replace"))
            )
        return "<tt>" + (" ".join(f"{b:02x}" for b in token.data) or "—") + "</tt>"

    @staticmethod
    def _escape(text: str) -> str:
        return html.escape(printable(text))

    def _tooltip_at(self, point: QPoint) -> str | None:
        index = self.span_index_at(point)
        return None if index is None else self.tooltip(index)

    def _on_combo(self, _index: int) -> None:
        self.tokenizer_changed.emit(self.tokenizer_id())
        self._schedule()

    def _schedule(self) -> None:
        if self._delay_ms > 0:
            self._timer.start()
        else:
            self._start()

    def _start(self) -> None:
        self._request += 1
        request, text, vocab = self._request, self._text, self.tokenizer_id()
        registry, relay, limit = self._registry, self._relay, self._max_tokens

        def job() -> None:
            try:
                result = tokenize(registry, vocab, text, limit=limit, request=request)
            except TokenbudgetError as exc:
                result = Tokenization(request, vocab, 0, len(text), error=str(exc))
            except Exception as exc:
                # A worker has no caller to raise to: show the failure instead of hanging.
                result = Tokenization(request, vocab, 0, len(text), error=repr(exc))
            relay.finished.emit(result)

        self.busy_label.show()
        self._runner(job)

    def _on_finished(self, result: Tokenization) -> None:
        if result.request != self._request:
            return  # a newer request is on its way
        self.busy_label.hide()
        self._result = result
        locale = QLocale()
        self.tokens_label.setText(self.tr("Tokens: {n}").format(n=format_int(locale, result.total)))
        self.chars_label.setText(
            self.tr("Characters: {n}").format(n=format_int(locale, result.chars))
        )
        self._render(result)
        notes: list[str] = []
        if result.error:
            notes.append(
                self.tr("Cannot count with {id}: {why}").format(
                    id=result.tokenizer_id, why=result.error
                )
            )
        if result.shown < result.total:
            notes.append(
                self.tr("Showing the first {shown} of {total} tokens.").format(
                    shown=format_int(locale, result.shown), total=format_int(locale, result.total)
                )
            )
        if any(len(span.tokens) > 1 for span in result.spans):
            notes.append(
                self.tr(
                    "Dotted underline: one character split across several tokens "
                    "(hover to see each token)."
                )
            )
        self.notice.setText("  ".join(notes))
        self.notice.setVisible(bool(notes))
        self.tokenized.emit(result.tokenizer_id, result.total)

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

    def _render(self, result: Tokenization) -> None:
        document = self.editor.document()
        document.clear()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        starts: list[int] = []
        for index, span in enumerate(result.spans):
            starts.append(cursor.position())
            slot, grouped = index % len(PALETTE), len(span.tokens) > 1
            for shown, original in visible_runs(span.text) or [(_EMPTY, "")]:
                cursor.insertText(shown, self._format(slot, grouped, original))
        cursor.endEditBlock()
        self._starts = starts
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)


class TokenViewDialog(QDialog):
    """A window around a ``TokenView``; deletes itself when closed.

    Args:
        registry: Where the vocabularies come from.
        text: The text to show.
        tokenizer_id: The vocabulary shown first.
        max_tokens: Draw at most this many tokens.
        runner: Runs encoding jobs (see ``TokenView``).
        parent: The parent widget.
    """

    def __init__(
        self,
        registry: TokenizerRegistry,
        text: str = "",
        tokenizer_id: str | None = None,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        runner: Runner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tokens"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.view = TokenView(
            registry, text, tokenizer_id, max_tokens=max_tokens, runner=runner, parent=self
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(860, 560)
