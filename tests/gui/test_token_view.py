"""The token view: counts, colours, tooltips, white space, truncation, CJK, requests."""

from __future__ import annotations

import gc
from collections.abc import Callable
from itertools import pairwise
from types import SimpleNamespace

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QPoint
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QDialogButtonBox, QToolTip
from pytestqt.qtbot import QtBot

from tokenbudget.core.errors import ResourceError
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry
from tokenbudget.gui.formatting import format_int
from tokenbudget.gui.token_view import (
    ORIGINAL_PROPERTY,
    PALETTE,
    TokenView,
    TokenViewDialog,
)

ENGLISH = "Hello world, how are you?\n\tIndented line with  two spaces."
CHINESE = "请估算这段提示词的费用。今天天气很好！龘"
MIXED = ENGLISH + "\n" + CHINESE + " 😀👨‍👩‍👧"

Job = Callable[[], None]


def inline(job: Job) -> None:
    job()


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


@pytest.fixture
def make_view(qtbot: QtBot, registry: TokenizerRegistry) -> Callable[..., TokenView]:
    def make(text: str = MIXED, tokenizer: str = "o200k_base", **kwargs: object) -> TokenView:
        kwargs.setdefault("runner", inline)
        view = TokenView(Service(registry).counting, text, tokenizer, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(view)
        return view

    return make


def grouped(number: int) -> str:
    return format_int(QLocale(), number)


def format_at(view: TokenView, position: int) -> QTextCharFormat:
    cursor = QTextCursor(view.editor.document())
    cursor.setPosition(position + 1)  # charFormat() is the format of the character before
    return cursor.charFormat()


def drawn_text(view: TokenView) -> str:
    return "".join(span.text for span in view.spans())


def char_center(view: TokenView, position: int) -> QPoint:
    cursor = QTextCursor(view.editor.document())
    cursor.setPosition(position)
    left = view.editor.cursorRect(cursor)
    cursor.setPosition(position + 1)
    right = view.editor.cursorRect(cursor)
    return QPoint((left.x() + right.x()) // 2, left.center().y())


@pytest.mark.parametrize("tokenizer", ["o200k_base", "cl100k_base", "qwen2", "deepseek-v3"])
def test_count_equals_the_tokenizer_encoding(
    make_view: Callable[..., TokenView], registry: TokenizerRegistry, tokenizer: str
) -> None:
    view = make_view(MIXED, tokenizer)
    expected = len(registry.get(tokenizer).encode(MIXED))
    result = view.result()
    assert result is not None and result.error is None
    assert result.total == expected == result.shown
    assert sum(len(span.tokens) for span in view.spans()) == expected
    assert drawn_text(view) == MIXED
    assert view.tokens_label.text() == f"Tokens: {grouped(expected)}"
    assert view.chars_label.text() == f"Characters: {grouped(len(MIXED))}"


def test_neighbouring_tokens_get_different_backgrounds(
    make_view: Callable[..., TokenView],
) -> None:
    view = make_view(ENGLISH)
    colours = [
        format_at(view, view.span_start(i)).background().color().name()
        for i in range(len(view.spans()))
    ]
    assert len(colours) > len(PALETTE)
    assert all(a != b for a, b in pairwise(colours))
    assert set(colours) == {QColor(c).name() for c in PALETTE}


def test_tooltip_shows_id_and_bytes_of_the_hovered_token(
    make_view: Callable[..., TokenView], registry: TokenizerRegistry, qtbot: QtBot
) -> None:
    view = make_view(ENGLISH)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    ids = registry.get("o200k_base").encode(ENGLISH)
    index = next(i for i, span in enumerate(view.spans()) if span.text == " world")
    start = view.span_start(index)
    # the "w" of " world": the space is drawn as "·" plus a zero-width break opportunity
    assert view.span_index_at(char_center(view, start + 2)) == index
    assert view.span_index_at(char_center(view, start)) == index
    assert view.span_index_at(char_center(view, start - 1)) == index - 1
    tip = view.tooltip(index)
    assert f"<tt>{ids[index]}</tt>" in tip
    assert "20 77 6f 72 6c 64" in tip  # the bytes of " world"
    assert f"Token {index + 1}</b> of {len(ids)}" in tip


def test_no_tooltip_past_the_end_of_a_line(
    make_view: Callable[..., TokenView], qtbot: QtBot
) -> None:
    view = make_view("short\nline")
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    cursor = QTextCursor(view.editor.document())
    rect = view.editor.cursorRect(cursor)
    assert view.span_index_at(QPoint(500, rect.center().y())) is None


def test_tooltip_event_shows_the_token_under_the_mouse(
    make_view: Callable[..., TokenView], qtbot: QtBot
) -> None:
    view = make_view(ENGLISH)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    index = next(i for i, span in enumerate(view.spans()) if span.text == "Hello")
    point = char_center(view, view.span_start(index) + 1)
    viewport = view.editor.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    view.editor.viewportEvent(event)
    assert "48 65 6c 6c 6f" in QToolTip.text()
    QToolTip.hideText()


def test_white_space_is_visible_and_muted_but_copies_as_itself(
    make_view: Callable[..., TokenView],
) -> None:
    text = "a b\tc\r\nd\u3000e"
    view = make_view(text)
    document = view.editor.document()
    shown = document.toPlainText()
    assert "·" in shown and "→" in shown and "␍↵" in shown and "⟨U+3000⟩" in shown
    assert document.blockCount() == 2  # "↵" is followed by a real line break
    dot = shown.index("·")
    assert format_at(view, dot).property(ORIGINAL_PROPERTY) == " "
    assert format_at(view, dot).foreground().color() != format_at(view, 0).foreground().color()
    view.editor.selectAll()
    assert view.editor.createMimeDataFromSelection().text() == text
    assert view.editor.source_text(0, shown.index("c") + 1) == "a b\tc"


def test_a_literal_middle_dot_is_not_taken_for_a_space(
    make_view: Callable[..., TokenView],
) -> None:
    view = make_view("a·b c")
    view.editor.selectAll()
    assert view.editor.createMimeDataFromSelection().text() == "a·b c"


def test_large_text_is_cut_at_max_tokens_and_says_so(
    make_view: Callable[..., TokenView], registry: TokenizerRegistry
) -> None:
    text = ENGLISH * 100  # over a thousand tokens: the counts are grouped
    total = len(registry.get("o200k_base").encode(text))
    view = make_view(text, max_tokens=7)
    result = view.result()
    assert result is not None
    assert (result.shown, result.total) == (7, total)
    assert sum(len(span.tokens) for span in view.spans()) == 7
    assert view.notice.text().startswith(f"Showing the first 7 of {grouped(total)} tokens.")
    assert not view.notice.isHidden()
    assert view.tokens_label.text() == f"Tokens: {grouped(total)}"


def test_cut_inside_a_character_shows_escaped_bytes(
    make_view: Callable[..., TokenView],
) -> None:
    # cl100k splits 😀 into f0 9f 98 | 80; stop after the first of the two
    view = make_view("😀", "cl100k_base", max_tokens=1)
    assert drawn_text(view) == "\\xf0\\x9f\\x98"


def test_chinese_text_renders_as_characters(
    make_view: Callable[..., TokenView], registry: TokenizerRegistry
) -> None:
    view = make_view(CHINESE, "cl100k_base")
    ids = registry.get("cl100k_base").encode(CHINESE)
    result = view.result()
    assert result is not None and result.total == len(ids)
    assert drawn_text(view) == CHINESE
    assert view.editor.document().toPlainText() == CHINESE  # no markers, no escapes
    grouped = [i for i, span in enumerate(view.spans()) if len(span.tokens) > 1]
    assert grouped, "cl100k splits some of these characters across tokens"
    span = view.spans()[grouped[0]]
    tip = view.tooltip(grouped[0])
    assert all(f"<tt>{token.id}</tt>" in tip for token in span.tokens)
    assert format_at(view, view.span_start(grouped[0])).underlineStyle() == (
        QTextCharFormat.UnderlineStyle.DotLine
    )
    assert "Dotted underline" in view.notice.text()


def test_chinese_text_set_later_is_encoded_again(
    make_view: Callable[..., TokenView], registry: TokenizerRegistry, qtbot: QtBot
) -> None:
    view = make_view("")
    assert view.result() is not None and view.result().total == 0  # type: ignore[union-attr]
    with qtbot.waitSignal(view.tokenized) as blocker:
        view.set_text(CHINESE)
    assert blocker.args == ["o200k_base", len(registry.get("o200k_base").encode(CHINESE))]
    assert view.chars_label.text() == f"Characters: {grouped(len(CHINESE))}"


def test_hugging_face_partial_characters_are_shown_exactly(
    make_view: Callable[..., TokenView],
) -> None:
    # deepseek-v3 (through its kitoken definition) reports each token's own bytes, so tokens
    # that hold part of an emoji are drawn exactly, like tiktoken's, not realigned
    view = make_view("ok 😀👨‍👩‍👧 龘", "deepseek-v3")
    assert drawn_text(view) == "ok 😀👨‍👩‍👧 龘"
    assert all(t.exact for s in view.spans() for t in s.tokens)
    assert any(len(s.tokens) > 1 for s in view.spans())  # a character of several tokens


def test_switching_tokenizer_encodes_again(
    make_view: Callable[..., TokenView], registry: TokenizerRegistry, qtbot: QtBot
) -> None:
    view = make_view(MIXED, "o200k_base")
    with (
        qtbot.waitSignal(view.tokenizer_changed) as changed,
        qtbot.waitSignal(view.tokenized) as done,
    ):
        view.combo.setCurrentIndex(view.combo.findData("cl100k_base"))
    assert changed.args == ["cl100k_base"]
    assert done.args == ["cl100k_base", len(registry.get("cl100k_base").encode(MIXED))]
    assert view.tokenizer_id() == "cl100k_base"
    view.set_tokenizer("no-such-vocabulary")
    assert view.tokenizer_id() == "cl100k_base"


def test_combo_lists_every_vocabulary_with_its_models(
    make_view: Callable[..., TokenView], registry: TokenizerRegistry
) -> None:
    view = make_view("x")
    assert [view.combo.itemData(i) for i in range(view.combo.count())] == registry.ids()
    assert "GPT-4o" in view.combo.itemText(view.combo.findData("o200k_base"))


def test_a_late_result_of_an_older_request_is_dropped(
    qtbot: QtBot, registry: TokenizerRegistry
) -> None:
    jobs: list[Job] = []
    view = TokenView(Service(registry).counting, "first text", "o200k_base", runner=jobs.append)
    qtbot.addWidget(view)
    view.set_text("second, longer text")
    assert len(jobs) == 2 and view.result() is None
    assert not view.busy_label.isHidden()
    jobs[1]()  # the newer request finishes first
    assert drawn_text(view) == "second, longer text"
    assert view.busy_label.isHidden()
    with qtbot.assertNotEmitted(view.tokenized):
        jobs[0]()  # the older one arrives late
    assert drawn_text(view) == "second, longer text"


def test_typing_is_debounced_when_a_delay_is_set(qtbot: QtBot, registry: TokenizerRegistry) -> None:
    jobs: list[Job] = []
    view = TokenView(Service(registry).counting, "a", "o200k_base", runner=jobs.append, delay_ms=20)
    qtbot.addWidget(view)
    view.set_text("ab")
    view.set_text("abc")
    qtbot.waitUntil(lambda: len(jobs) == 1)
    jobs[0]()
    assert drawn_text(view) == "abc"


def test_encoding_on_the_thread_pool(qtbot: QtBot, registry: TokenizerRegistry) -> None:
    text = MIXED * 50
    view = TokenView(Service(registry).counting, "", "o200k_base")
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.tokenized, timeout=10_000) as blocker:
        view.set_text(text)
    assert blocker.args == ["o200k_base", len(registry.get("o200k_base").encode(text))]
    assert drawn_text(view) == text


def test_a_vocabulary_that_fails_to_load_is_reported(
    make_view: Callable[..., TokenView],
    registry: TokenizerRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(tokenizer_id: str) -> object:
        raise ResourceError(f"vocabulary {tokenizer_id} does not match its sha256 pin")

    monkeypatch.setattr(registry, "get", broken)
    view = make_view("text")
    assert "does not match its sha256 pin" in view.notice.text()
    assert view.spans() == ()


def test_dialog_wraps_the_view(qtbot: QtBot, registry: TokenizerRegistry) -> None:
    dialog = TokenViewDialog(Service(registry).counting, CHINESE, "qwen2", runner=inline)
    qtbot.addWidget(dialog)
    assert dialog.view.tokenizer_id() == "qwen2"
    assert drawn_text(dialog.view) == CHINESE
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    with qtbot.waitSignal(dialog.rejected):
        buttons.button(QDialogButtonBox.StandardButton.Close).click()


def test_a_result_arriving_after_the_dialog_closed_is_harmless(
    qtbot: QtBot, registry: TokenizerRegistry
) -> None:
    jobs: list[Job] = []
    dialog = TokenViewDialog(Service(registry).counting, CHINESE, "o200k_base", runner=jobs.append)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.close()  # the dialog deletes itself on close
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(dialog)
    del dialog
    gc.collect()
    jobs[0]()  # the worker finishes after the window is gone


class EmptyPieceTokenizer:
    """Decodes its middle token to nothing (as some added tokens of HF vocabularies do)."""

    id = "fake"

    def encode(self, text: str) -> list[int]:
        return [1, 2, 3]

    def decode_pieces(self, ids: object) -> list[bytes]:
        return [b"a", b"", b"b"]


class FakeRegistry:
    def ids(self) -> list[str]:
        return ["fake"]

    def spec(self, tokenizer_id: str) -> SimpleNamespace:
        return SimpleNamespace(id=tokenizer_id, models="Fake models")

    def get(self, tokenizer_id: str) -> EmptyPieceTokenizer:
        return EmptyPieceTokenizer()


def test_a_token_that_decodes_to_nothing_is_drawn_as_a_mark(qtbot: QtBot) -> None:
    view = TokenView(Service(FakeRegistry()).counting, "ab", runner=inline)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    assert [s.text for s in view.spans()] == ["a", "", "b"]
    assert view.editor.document().toPlainText() == "a∅b"
    assert view.span_index_at_position(1) == 1
    view.editor.selectAll()
    assert view.editor.createMimeDataFromSelection().text() == "ab"
