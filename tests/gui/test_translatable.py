"""Every user-visible string in ``tokenbudget/gui`` goes through Qt's translation.

The check reads the source (no Qt needed): a string literal, an f-string or a literal's
``.format(...)`` passed to a call that shows text (``setText``, ``QLabel(...)``, ...) or
returned by a model's ``headerData`` is untranslatable text, unless it has no letters (``"%"``,
``"…"``) or is on the short allow-list below.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tokenbudget.gui

GUI = Path(tokenbudget.gui.__file__).parent

#: Methods whose text arguments a user sees.
SINKS = frozenset(
    {
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setPlaceholderText",
        "setStatusTip",
        "setWhatsThis",
        "showMessage",
        "addMenu",
        "addAction",
        "addTab",
        "setTabText",
        "setTitle",
        "setLabelText",
        "setSpecialValueText",
        "setPrefix",
        "setSuffix",
        "setAccessibleName",
        "setAccessibleDescription",
        "setHorizontalHeaderLabels",
        "setVerticalHeaderLabels",
        "addRow",
        "addItem",
        "addItems",
        "setHeaderLabels",
        "setNameFilter",
        "information",
        "warning",
        "critical",
        "question",
        "about",
        "getOpenFileName",
        "getSaveFileName",
        "getText",
    }
)
#: Widgets and actions whose constructors take their text.
CONSTRUCTORS = frozenset(
    {
        "QLabel",
        "QPushButton",
        "QToolButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        "QMessageBox",
        "QCommandLinkButton",
    }
)
#: Functions that translate (a literal inside them is what lupdate extracts).
TRANSLATE = frozenset({"tr", "translate", "_tr", "_tr_charts", "_tr_export", "QT_TRANSLATE_NOOP"})
#: Reviewed exceptions: the same in every language.
ALLOWED = frozenset(
    {
        "English",  # the language choice names each language in itself
        "简体中文",
        "tokenbudget",  # the app's name
    }
)


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _untranslated(node: ast.expr) -> list[ast.expr]:
    """The parts of ``node`` that are text a user would see untranslated."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if _has_words(text) and text not in ALLOWED:
            return [node]
        return []
    if isinstance(node, ast.JoinedStr):
        literal = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return [node] if _has_words(literal) else []
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) + _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return [bad for element in node.elts for bad in _untranslated(element)]
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name in TRANSLATE:
            return []
        if name in {"format", "join"} and isinstance(node.func, ast.Attribute):
            return _untranslated(node.func.value) + [
                bad for arg in node.args for bad in _untranslated(arg)
            ]
    return []


def _text_args(name: str | None, args: list[ast.expr]) -> list[ast.expr]:
    """The arguments of a call to ``name`` that are shown as text."""
    if name in {"addItem", "setItemData"}:  # (text, data) or (icon, text, data)
        return args[: max(1, len(args) - 1)]
    if name in {"getOpenFileName", "getSaveFileName"}:  # (parent, caption, dir, filter)
        return [arg for i, arg in enumerate(args) if i != 2]
    return args


def _has_words(text: str) -> bool:
    """Whether ``text`` has letters outside HTML tags."""
    return any(ch.isalpha() for ch in re.sub(r"<[^>]*>", "", text))


def untranslatable(source: str, filename: str = "<snippet>") -> list[str]:
    """``file:line: text`` for each untranslatable user-visible string in ``source``."""
    tree = ast.parse(source, filename)
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in SINKS or name in CONSTRUCTORS:
                for arg in [
                    *_text_args(name, node.args),
                    *(k.value for k in node.keywords if k.arg == "text"),
                ]:
                    found += _untranslated(arg)
        elif isinstance(node, ast.FunctionDef) and node.name == "headerData":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    found += _untranslated(inner.value)
    found.sort(key=lambda n: (n.lineno, n.col_offset))
    return [f"{filename}:{n.lineno}: {ast.unparse(n)}" for n in found]


def test_the_check_flags_literals_fstrings_and_formats() -> None:
    snippet = """
class W(QWidget):
    def build(self, n):
        self.setWindowTitle("Settings")
        QLabel(f"{n} plans")
        self.button = QPushButton("&Save", self)
        self.status.showMessage("Saved {n}".format(n=n), 3000)
        QMessageBox.warning(self, "Error", self.tr("Not saved"))
        self.label.setText(self.tr("Fine") + " · " + "more")
        self.ok.setText(self.tr("Fine: {n}").format(n=n))
        self.sep.setText("…")
        self.tab.addTab(page, "English")
        self.box.addItem(self.tr("output tokens"), "tokens")
        self.box.addItem("Fast", "fast")
        grid.addWidget(QLabel(f"<b>{name}</b>"), 0, 0)

    def headerData(self, section, orientation, role):
        return "Model"
"""
    found = untranslatable(snippet)
    texts = [line.split(": ", 1)[1] for line in found]
    assert texts == [
        "'Settings'",
        "f'{n} plans'",
        "'&Save'",
        "'Saved {n}'",
        "'Error'",
        "'more'",
        "'Fast'",
        "'Model'",
    ]


def test_every_user_visible_string_in_the_gui_is_translatable() -> None:
    problems = []
    for path in sorted(GUI.glob("*.py")):
        problems += untranslatable(path.read_text(encoding="utf-8"), path.name)
    assert problems == []
