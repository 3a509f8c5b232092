"""The window around the Budgets, History and Sources views: a menu, shortcuts, remembered size.

Each has a File menu (the view's own actions, Close on Ctrl+W), a Go menu with the same
application-wide keys as the estimate window (Ctrl+B budgets, Ctrl+H history), and Esc
closes it. Its size fits the screen and its geometry is kept under its key between runs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QWidget

from tokenbudget.core.services import Service
from tokenbudget.gui.dark_theme import resize_to
from tokenbudget.gui.geometry import WindowMemory, fit_to_screen

#: The views' size when the screen has room for it.
PREFERRED_SIZE = QSize(1000, 700)


def go_actions(window: QWidget, go: SignalInstance | None = None) -> dict[str, QAction]:
    """The Go menu's actions: estimate window, budgets (Ctrl+B), history (Ctrl+H), sources.

    Each emits ``go`` (``str``: the key) when triggered, when a signal is given.
    """
    tr = window.tr
    actions = {
        "window": (tr("&Estimate window"), "Ctrl+E"),
        "budgets": (tr("&Budgets"), "Ctrl+B"),
        "history": (tr("&History"), "Ctrl+H"),
        "sources": (tr("&Sources…"), None),
    }
    made: dict[str, QAction] = {}
    for key, (text, keys) in actions.items():
        action = QAction(text, window)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
        if go is not None:
            action.triggered.connect(lambda _=False, key=key: go.emit(key))
        made[key] = action
    return made


class ViewWindow(QMainWindow):
    """A top-level window holding one view.

    Args:
        view: The Budgets, History or Sources view.
        key: Its name ("budgets", "history", "sources"): the geometry's key and Go target.
        title: The window title (translated by the caller).
        memory: Where geometry is kept (None: not kept; tests and demos).
        actions: The view's own actions for the File menu.

    Signals:
        go(str): a Go menu item or its key (``"window"``, ``"budgets"``, ``"history"``,
            ``"sources"``).
    """

    go = Signal(str)

    def __init__(
        self,
        view: QWidget,
        key: str,
        title: str,
        *,
        memory: WindowMemory | None = None,
        actions: list[QAction] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.key = key
        self.memory = memory
        self.setObjectName(f"{key}-window")
        self.setWindowTitle(title)
        self.setCentralWidget(view)
        self.close_action = QAction(self.tr("&Close"), self)
        keys = [QKeySequence("Ctrl+W")]
        keys += [
            k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Close) if k not in keys
        ]
        self.close_action.setShortcuts(keys)
        self.close_action.triggered.connect(self.close)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        if actions:
            file_menu.addActions(actions)
            file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        self.go_actions = go_actions(self, self.go)
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        for name, action in self.go_actions.items():
            action.setEnabled(name != key)
            go_menu.addAction(action)
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape.activated.connect(self.close)
        if memory is not None:
            memory.restore(self, key, PREFERRED_SIZE)
        else:
            fit_to_screen(self, PREFERRED_SIZE)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Remember the geometry."""
        if self.memory is not None:
            self.memory.save(self, self.key)
        super().closeEvent(event)


def budgets_window(service: Service, size: str | None = None) -> ViewWindow:
    """The Budgets view in its window (the demos; the app's shell builds the same)."""
    from tokenbudget.gui.budgets_view import BudgetsView

    view = BudgetsView(service)
    title = QCoreApplication.translate("ViewWindow", "tokenbudget: budgets")
    return _hosted(view, "budgets", title, budgets_actions(view), size)


def history_window(service: Service, size: str | None = None) -> ViewWindow:
    """The History view in its window (the demos; the app's shell builds the same)."""
    from tokenbudget.gui.history_view import HistoryView

    view = HistoryView(service)
    title = QCoreApplication.translate("ViewWindow", "tokenbudget: history")
    return _hosted(view, "history", title, history_actions(view), size)


def _hosted(
    view: QWidget, key: str, title: str, actions: list[QAction], size: str | None
) -> ViewWindow:
    host = ViewWindow(view, key, title, actions=actions)
    resize_to(host, size)
    return host


def budgets_actions(view: QWidget) -> list[QAction]:
    """The Budgets view's File menu: Add plan (Ctrl+N)."""
    add = QAction(QCoreApplication.translate("ViewWindow", "&Add plan…"), view)
    add.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
    add_plan = getattr(view, "add_plan")  # noqa: B009 (any view with add_plan)
    add.triggered.connect(lambda _checked=False: add_plan())
    return [add]


def history_actions(view: QWidget) -> list[QAction]:
    """The History view's own actions (add, edit, delete, export, undo, redo)."""
    names = ("add_action", "edit_action", "delete_action", "export_action")
    found = [getattr(view, name) for name in names if hasattr(view, name)]
    return [a for a in found if isinstance(a, QAction)]
