"""The prompt editor's text mirror: equal to ``toPlainText`` after any edit, however made."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from tokenbudget.gui.editor import PromptEditor
from tokenbudget.gui.text_mirror import TextMirror, from_units, plain, to_units

# Line breaks, a no-break space, astral characters (emoji, a CJK extension B ideograph) and
# combining marks: everything where Qt's positions or toPlainText differ from a Python str.
ALPHABET = "ab \n\u00a0\t中文👍🏽\U00020000e\u0301\u2028"


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
