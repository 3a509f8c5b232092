r"""A prompt split into tokens, as one vocabulary sees it.

Drawn like the providers' tokenizer pages: tokens on pastel backgrounds that cycle so that
neighbours always differ, a token's id and bytes on hover, and white space made visible in a
muted colour (``·`` space, ``→`` tab, ``↵`` then a real line break, ``␍`` carriage return,
``⟨U+200D⟩`` for other invisible characters). Copying gives back the original text.

What to draw is computed in ``core.token_split`` (no Qt): characters split across tokens are
drawn once, underlined with dots, and their tooltip lists every token of the group.

Encoding is a job of ``gui.jobs`` (lane ``"tokenize"``, on a thread of its own by default, an
inline runner in tests): the latest request wins, an older one not yet started is skipped,
and a result for anything but the latest request is dropped.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from collections.abc import Callable

from PySide6.QtCore import QLocale, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.services import CountingService
from tokenbudget.core.types import Span, Token, Tokenization, printable, split_for_display
from tokenbudget.gui.formatting import format_int
from tokenbudget.gui.geometry import fit_to_screen
from tokenbudget.gui.jobs import Jobs, Runner, serial_runner
from tokenbudget.gui.token_text import EMPTY_PROPERTY, ORIGINAL_PROPERTY, PALETTE, TokenText

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "EMPTY_PROPERTY",
    "ORIGINAL_PROPERTY",
    "PALETTE",
    "Span",
    "Token",
    "TokenText",
    "TokenView",
    "TokenViewDialog",
    "Tokenization",
    "split_for_display",
]

#: Tokens past this many are counted but not drawn (a QTextDocument of 20,000 coloured
#: spans builds in about 0.1 s; millions would freeze the window).
DEFAULT_MAX_TOKENS = 20_000

# --- The widgets ------------------------------------------------------------------------------


def _tokens_runner(task: Callable[[], None]) -> None:
    serial_runner("tokenbudget-tokens")(task)


class TokenView(QWidget):
    """A text split into tokens for a chosen vocabulary, with counts.

    Args:
        counting: Where the vocabularies come from (``service.counting``).
        text: The text to show.
        tokenizer_id: The vocabulary shown first (the first vocabulary when None or unknown).
        max_tokens: Draw at most this many tokens; the count still covers the whole text.
        runner: Runs encoding jobs (``gui.jobs``); a thread of their own by default. Tests
            pass one that calls the job at once.
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
        counting: CountingService,
        text: str = "",
        tokenizer_id: str | None = None,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        runner: Runner | None = None,
        delay_ms: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._counting = counting
        self._text = text
        self._max_tokens = max_tokens
        self._jobs = Jobs(runner or _tokens_runner, owner=self)
        self._request = 0
        self._result: Tokenization | None = None
        self._starts: list[int] = []
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
        for spec in self._counting.vocabularies():
            vocab, models = spec.id, spec.models
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
        counting, limit = self._counting, self._max_tokens

        def failed(why: str) -> None:
            self._on_finished(Tokenization(request, vocab, 0, len(text), error=why))

        self.busy_label.show()
        self._jobs.submit(
            "tokenize",
            lambda: counting.tokenize(vocab, text, limit=limit, request=request),
            self._on_finished,
            failed,
            skip_stale=True,
        )

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
        self._starts = self.editor.show_spans(result.spans)
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


class TokenViewDialog(QDialog):
    """A window around a ``TokenView``; deletes itself when closed.

    Args:
        counting: Where the vocabularies come from (``service.counting``).
        text: The text to show.
        tokenizer_id: The vocabulary shown first.
        max_tokens: Draw at most this many tokens.
        runner: Runs encoding jobs (see ``TokenView``).
        parent: The parent widget.
    """

    def __init__(
        self,
        counting: CountingService,
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
            counting, text, tokenizer_id, max_tokens=max_tokens, runner=runner, parent=self
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(860, 560))
