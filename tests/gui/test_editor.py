"""The prompt editor's text mirror: equal to ``toPlainText`` after any edit, however made."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextFormat
from pytestqt.qtbot import QtBot

from tokenbudget.gui.editor import LINE, SOFT, PromptEditor, cut_at
from tokenbudget.gui.text_mirror import TextMirror, from_units, plain, to_units

# Line breaks, a no-break space, astral characters (emoji, a CJK extension B ideograph) and
# combining marks: everything where Qt's positions or toPlainText differ from a Python str.
ALPHABET = "ab \n\u00a0\t中文👍🏽\U00020000e\u0301\u2028"


def test_the_soft_property_is_the_first_free_user_property() -> None:
    assert int(QTextFormat.Property.UserProperty) + 1 == SOFT


def test_units_round_trip() -> None:
    text = "a👍🏽b\U00020000"
    units = to_units(text)
    assert len(units) == len(text.encode("utf-16-le")) // 2
    assert from_units(units) == text
    assert plain("a\u2029b\u00a0c\u2028") == "a\nb c\n"


def test_mirror_splices_runs_of_insertions() -> None:
    mirror = TextMirror("hello")
    assert mirror.apply(5, " wor", 9)
    assert mirror.apply(9, "ld", 11)
    assert mirror.text() == "hello world"
    assert mirror.apply(0, "", 10)  # one unit removed at the start
    assert mirror.text() == "ello world"
    assert not mirror.apply(50, "x", 51)  # impossible: the caller resets


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1), st.text(alphabet=ALPHABET, max_size=12)),
        max_size=12,
    )
)
def test_mirror_equals_to_plain_text_after_random_edits(
    qtbot: QtBot, edits: list[tuple[float, float, str]]
) -> None:
    editor = PromptEditor()
    editor.setPlainText("start 👍🏽 text\nsecond line")
    for a, b, insert in edits:
        cursor = editor.textCursor()
        units = to_units(editor.toPlainText())

        def at(share: float, units: str = units) -> int:
            # Never inside a surrogate pair: no user edit can split one.
            pos = int(share * len(units))
            return pos - 1 if pos < len(units) and "\udc00" <= units[pos] <= "\udfff" else pos

        cursor.setPosition(at(a))
        cursor.setPosition(at(b), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(insert)
        assert editor.text() == editor.toPlainText()
    editor.undo()
    assert editor.text() == editor.toPlainText()
    editor.setPlainText("再来 once more")
    assert editor.text() == editor.toPlainText()
    editor.deleteLater()


def test_large_paste_of_bytes_keeps_every_character(qtbot: QtBot) -> None:
    editor = PromptEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("head ")
    editor.moveCursor(QTextCursor.MoveOperation.End)
    # Multi-byte characters land on every slice edge somewhere in 300 KB.
    big = ("数据 👍🏽 x\u00a0y\n" * 20_000)[:100_003]
    mime = QMimeData()
    mime.setText(big)
    editor.insertFromMimeData(mime)
    assert editor.pasting
    qtbot.waitUntil(lambda: not editor.pasting, timeout=10_000)
    assert editor.toPlainText() == "head " + big.replace("\u00a0", " ")
    assert editor.text() == editor.toPlainText()


def test_large_file_loads_in_slices_and_reports_when_in(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    content = "第一行 line\n" * 40_000
    path.write_text(content, encoding="utf-8")
    editor = PromptEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("replaced")
    with qtbot.waitSignal(editor.file_loaded, timeout=10_000) as loaded:
        assert editor.load_file(path)
        assert editor.pasting
    assert loaded.args == [str(path)]
    assert editor.text() == content == editor.toPlainText()
    editor.undo()  # one step back to what was there
    assert editor.toPlainText() == "replaced"


def test_a_second_file_waits_for_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x\n" * 100_000, encoding="utf-8")
    editor = PromptEditor()
    qtbot.addWidget(editor)
    messages: list[str] = []
    editor.refused.connect(messages.append)
    assert editor.load_file(path)
    assert not editor.load_file(path)
    assert messages and "Wait" in messages[0]
    qtbot.waitUntil(lambda: not editor.pasting, timeout=10_000)


def test_clipboard_paste_goes_through_the_mirror(qtbot: QtBot) -> None:
    editor = PromptEditor()
    qtbot.addWidget(editor)
    QGuiApplication.clipboard().setText("pasted 中文")
    editor.paste()
    assert editor.text() == "pasted 中文"


def _one_line(size: int) -> str:
    """Minified JSON on one line, with astral characters and no break for a long way."""
    record = '{"id":12345,"name":"a👍🏽 b","tags":["x","中文"],"blob":"' + "z" * 5000 + '"},'
    return ("[" + record * (size // len(record) + 1))[:size]


def test_one_long_line_goes_in_with_progress_and_the_loop_keeps_running(
    qtbot: QtBot, tmp_path: Path
) -> None:
    line = _one_line(2_000_000)
    path = tmp_path / "one-line.json"
    path.write_text(line, encoding="utf-8")
    editor = PromptEditor()
    qtbot.addWidget(editor)
    progress: list[tuple[int, int]] = []
    editor.progress.connect(lambda done, total: progress.append((done, total)))
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(len(progress)))
    timer.start()
    with qtbot.waitSignal(editor.file_loaded, timeout=60_000):
        assert editor.load_file(path)
    timer.stop()
    # The loop ran between slices: the timer ticked while the text was going in.
    assert len({t for t in ticks if 0 < t < len(progress)}) > 1
    assert progress[0] == (0, len(line)) and progress[-1] == (len(line), len(line))
    assert all(a[0] <= b[0] for a, b in pairwise(progress))
    # Shown in pieces, none of them a 2 MB paragraph; the text itself is the file's.
    assert editor.document().blockCount() > len(line) // (2 * LINE)
    assert max(len(b) for b in editor.toPlainText().split("\n")) <= LINE + 2
    assert editor.text() == line


def test_display_breaks_stay_out_of_text_copy_and_edits(qtbot: QtBot) -> None:
    line = _one_line(3 * LINE)
    editor = PromptEditor()
    qtbot.addWidget(editor)
    mime = QMimeData()
    mime.setText(line)
    editor.insertFromMimeData(mime)  # under the slice size: inserted at once, in pieces
    assert editor.document().blockCount() > 2
    assert editor.text() == line
    # Copying across a display break copies the real text.
    editor.selectAll()
    assert editor.createMimeDataFromSelection().text() == line
    second = editor.document().begin().next()
    cursor = editor.textCursor()
    cursor.setPosition(second.position())
    editor.setTextCursor(cursor)
    cut = len(editor.document().begin().text()) - 1
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # removes the character before, not the break
    assert editor.text() == line[:cut] + line[cut + 1 :]
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # a typed line break is a real one
    assert editor.text() == line[:cut] + "\n" + line[cut + 1 :]
    editor.undo()
    editor.undo()
    assert editor.text() == line
    editor.redo()
    assert editor.text() == line[:cut] + line[cut + 1 :]


def test_cut_at_prefers_a_natural_break() -> None:
    text = "word " * 2000
    cut = cut_at(text, LINE)
    assert cut <= LINE and text[cut - 1] == " "
    assert cut_at("x" * 10_000, LINE) == LINE


def _joined_blocks(editor: PromptEditor) -> str:
    """The text as the blocks hold it, display-only breaks left out (a second derivation)."""
    parts = []
    block = editor.document().begin()
    while block.isValid():
        if block != editor.document().begin() and not block.blockFormat().hasProperty(SOFT):
            parts.append("\n")
        parts.append(block.text().replace("\u2028", "\n").replace("\u00a0", " "))
        block = block.next()
    return "".join(parts)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1), st.text(alphabet=ALPHABET, max_size=12)),
        max_size=10,
    )
)
def test_text_leaves_out_display_breaks_after_random_edits(
    qtbot: QtBot, edits: list[tuple[float, float, str]]
) -> None:
    editor = PromptEditor()
    mime = QMimeData()
    mime.setText("start\n" + "ab, cd 中文 " * 1500 + "\nend")
    editor.insertFromMimeData(mime)
    assert editor.text() == _joined_blocks(editor)
    for a, b, insert in edits:
        cursor = editor.textCursor()
        units = to_units(editor.toPlainText())

        def at(share: float, units: str = units) -> int:
            pos = int(share * len(units))
            return pos - 1 if pos < len(units) and "\udc00" <= units[pos] <= "\udfff" else pos

        cursor.setPosition(at(a))
        cursor.setPosition(at(b), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(insert)
        assert editor.text() == _joined_blocks(editor)
    while editor.document().isUndoAvailable():
        editor.undo()
        assert editor.text() == _joined_blocks(editor)
    editor.deleteLater()
