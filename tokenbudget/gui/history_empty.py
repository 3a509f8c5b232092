"""What the history view shows instead of an empty table.

``EmptyLedgerPage``: the ledger has no entry at all, so the view says how entries get there
(import the coding tools' usage, or add one by hand). ``NoMatchPage``: entries exist but the
filter hides them all, so it offers to clear the filter.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def _heading(text: str, scale: float) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


def _centred(layout: QVBoxLayout, widget: QWidget, width: int) -> None:
    widget.setMaximumWidth(width)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget, 10)
    row.addStretch(1)
    layout.addLayout(row)


class EmptyLedgerPage(QWidget):
    """No entries yet: import the coding tools' usage, or add an entry.

    Signals:
        import_requested: "Import usage from your coding tools" was clicked.
        add_requested: "Add an entry" was clicked.
    """

    import_requested = Signal()
    add_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = _heading(self.tr("No usage recorded yet"), 1.4)
        self.text = QLabel(
            self.tr(
                "tokenbudget reads the usage logs that Claude Code, Codex, Gemini CLI and other "
                "coding tools keep on this computer, and prices every request. Import them now, "
                "or add spend by hand. Estimates you record in the main window show here too."
            )
        )
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.import_button = QPushButton(self.tr("Import usage from your coding tools"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_requested)
        self.add_button = QPushButton(self.tr("Add an entry"))
        self.add_button.clicked.connect(self.add_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addSpacing(8)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(heading)
        layout.addSpacing(8)
        _centred(layout, self.text, 560)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(3)


class NoMatchPage(QWidget):
    """Entries exist, but none matches the filter.

    Signals:
        clear_requested: "Clear the filter" was clicked.
    """

    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = _heading(self.tr("No entries match the filter"), 1.15)
        self.text = QLabel(
            self.tr("Choose another period, provider, model, plan, source or search.")
        )
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clear_button = QPushButton(self.tr("Clear the filter"))
        self.clear_button.clicked.connect(self.clear_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(heading)
        _centred(layout, self.text, 520)
        layout.addSpacing(8)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
