"""The tray's quick-estimate popup: paste, see tokens and cost for the favourite models.

It is the estimate view in small: the same prompt editor, counting coordinator (on its own
channel of the shared counting process), table model and recorder as the window.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.services import Service
from tokenbudget.core.types import ModelInfo
from tokenbudget.gui.counting import CountCoordinator, CountHub, OutputSetting
from tokenbudget.gui.dialogs import RecordDialog
from tokenbudget.gui.editor import PromptEditor
from tokenbudget.gui.estimate_model import MODEL_ID_ROLE, Column, EstimateModel
from tokenbudget.gui.estimate_widgets import EstimateTable, Recorder
from tokenbudget.gui.palette import Tone, tint
from tokenbudget.gui.remote_counting import RemoteCounting

#: The popup shows at most this many models (the favourites, else the first shown ones).
MAX_MODELS = 6


class QuickPopup(QFrame):
    """A small frameless window near the tray icon; Escape or a click elsewhere closes it.

    Signals:
        open_in_window(str): "Open in window" with the popup's text.
        recorded(int): an estimate was recorded (the entry id).
    """

    open_in_window = Signal(str)
    recorded = Signal(int)

    def __init__(
        self,
        service: Service,
        *,
        delay_ms: int = 150,
        hub: CountHub | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint)
        self.service = service
        self.setObjectName("quick-popup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.editor = PromptEditor()
        self.editor.setPlaceholderText(self.tr("Paste a prompt to see what it costs."))
        self.model = EstimateModel(self)
        self.coordinator = CountCoordinator(service, delay_ms=delay_ms, hub=hub, parent=self)
        self.coordinator.set_output(
            OutputSetting(tokens=int(service.settings.get("output_tokens") or 500))
        )
        # The providers switched on for exact online counts count here too.
        self.remote = RemoteCounting(service, self.coordinator, parent=self)
        self.table = EstimateTable(self.model)
        for column in (Column.CONTEXT, Column.INPUT, Column.OUTPUT):
            self.table.setColumnHidden(column, True)
        self.recorder = Recorder(self, service, self.coordinator)
        self.summary = QLabel()  # the main plan at a glance (set by the app)
        tint(self.summary, Tone.MUTED)
        self.status = QLabel()
        tint(self.status, Tone.MUTED)
        self.record_button = QPushButton(self.tr("Record…"))
        self.open_button = QPushButton(self.tr("Open in window"))
        self._build()
        self.editor.textChanged.connect(lambda: self.coordinator.set_text(self.editor.text))
        self.coordinator.updated.connect(self._refresh)
        self.record_button.clicked.connect(self.record)
        self.open_button.clicked.connect(self._open_in_window)
        self.resize(540, 400)

    def _build(self) -> None:
        title = QLabel(self.tr("<b>Quick estimate</b>"))
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch()
        heading.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.addLayout(heading)
        layout.addWidget(self.editor, 2)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)

    # -- models ------------------------------------------------------------------------

    def models(self) -> list[ModelInfo]:
        """The favourite models (else the window's first shown ones, else the defaults)."""
        from datetime import UTC, datetime

        counting = self.service.counting
        settings = self.service.settings
        for key in ("favourite_models", "shown_models"):
            models = counting.known_models(settings.get(key) or [])
            if models:
                return models[:MAX_MODELS]
        return counting.default_models(datetime.now(UTC).date())[:MAX_MODELS]

    # -- showing -----------------------------------------------------------------------

    def popup(self, anchor: QRect | None = None) -> None:
        """Show near ``anchor`` (the tray icon's geometry) or the mouse pointer.

        The paste box is pre-filled from the clipboard when it holds text.
        """
        self.coordinator.set_models(self.models())
        clip = QGuiApplication.clipboard().text()
        if clip.strip() and clip != self.editor.text():
            self.editor.setPlainText(clip)
            self.coordinator.flush()
        self.move(self._position(anchor))
        self.show()
        self.raise_()
        self.activateWindow()
        self.editor.setFocus()
        self.editor.selectAll()

    def _position(self, anchor: QRect | None) -> QPoint:
        from PySide6.QtGui import QCursor

        point = anchor.center() if anchor is not None and anchor.isValid() else QCursor.pos()
        screen = QGuiApplication.screenAt(point) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        size = self.size()
        # Above the icon when it sits at the bottom of the screen, below it otherwise.
        x = min(max(point.x() - size.width() // 2, area.left()), area.right() - size.width())
        below = point.y() < area.center().y()
        y = point.y() + 16 if below else point.y() - size.height() - 16
        y = min(max(y, area.top()), area.bottom() - size.height())
        return QPoint(x, y)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Escape closes the popup."""
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    # -- actions -----------------------------------------------------------------------

    def _refresh(self) -> None:
        self.model.set_rows(self.coordinator.rows())
        self.table.fit_columns(self.model.text_lengths())

    def selected_model_id(self) -> str | None:
        """The model of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(MODEL_ID_ROLE) if rows else None

    def record(self) -> int | None:
        """Record the estimate (a dialog asks model, plan, output and note)."""
        dialog = self.recorder.dialog(
            self.models(), self.selected_model_id(), self.model.cheapest_model_id()
        )
        if dialog.exec() != RecordDialog.DialogCode.Accepted:
            return None
        return self.record_choice(dialog)

    def record_choice(self, dialog: RecordDialog) -> int | None:
        """Record what ``dialog`` holds (split out so tests can drive it)."""
        entry, message = self.recorder.record(dialog, self.models(), self.editor.text())
        self.status.setText(message)
        if entry is None:
            return None
        self.recorded.emit(entry.id)
        return entry.id

    def _open_in_window(self) -> None:
        self.hide()
        self.open_in_window.emit(self.editor.text())

    def close_counting(self) -> None:
        """Stop counting (the app is quitting)."""
        self.coordinator.close()
