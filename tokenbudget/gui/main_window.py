"""The estimate window: a prompt on the left, what it costs on every shown model on the right."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontDatabase, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import AutostartError, TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.gui.counting import CountCoordinator, CountHub, OutputSetting
from tokenbudget.gui.editor import PromptEditor
from tokenbudget.gui.elided import ElidedLabel
from tokenbudget.gui.estimate_model import MODEL_ID_ROLE, EstimateModel
from tokenbudget.gui.estimate_widgets import EstimateTable, Recorder
from tokenbudget.gui.formatting import error_text, format_int
from tokenbudget.gui.geometry import available_area, fit_to_screen, fits
from tokenbudget.gui.palette import Tone, tint
from tokenbudget.gui.remote_counting import RemoteCounting
from tokenbudget.gui.translation import button_text

if TYPE_CHECKING:  # the dialogs are imported when first opened, not before the first paint
    from tokenbudget.core.types import ModelInfo
    from tokenbudget.gui.device_sync import DeviceSyncer
    from tokenbudget.gui.dialogs import RecordDialog, SettingsValues
    from tokenbudget.gui.jobs import Runner


class _FirstPaint(QObject):
    """Reports the first paint of the window (start-up benchmark)."""

    painted = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Emit once on the first paint event."""
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            watched.removeEventFilter(self)  # no Python call for every later event
            self.painted.emit()
        return False


#: The window's size when the screen has room for it.
PREFERRED_SIZE = QSize(1240, 720)
#: Below this width the prompt goes above the table instead of beside it, so the cost
#: columns keep the full width (an 800×600 screen).
STACK_BELOW = 980


class MainWindow(QMainWindow):
    """The estimate view.

    Signals:
        recorded(int): an estimate was recorded as an entry (its id).
        first_painted(float): the window painted for the first time (``time.time()``).
    """

    recorded = Signal(int)
    first_painted = Signal(float)
    budgets_requested = Signal()
    history_requested = Signal()
    sources_requested = Signal()
    #: The settings dialog's values were stored and applied.
    settings_applied = Signal()

    def __init__(
        self,
        service: Service,
        *,
        delay_ms: int = 150,
        hub: CountHub | None = None,
        fill_later: bool = False,
        device_runner: Runner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """The window; with ``fill_later`` its models (the catalogue) come after its first paint.

        ``device_runner`` is where syncing with the user's other devices runs (None: its own
        thread; tests pass ``inline_runner``).
        """
        super().__init__(parent)
        self.service = service
        self._device_runner = device_runner
        self._device_sync: DeviceSyncer | None = None
        self.setWindowTitle(self.tr("tokenbudget: what will this prompt cost?"))
        # Counts in the counting process (its chunk cache re-counts only what a key changed).
        self.coordinator = CountCoordinator(service, delay_ms=delay_ms, hub=hub, parent=self)
        # Exact counts from the providers' endpoints, for the providers switched on.
        self.remote = RemoteCounting(service, self.coordinator, parent=self)
        self.editor = PromptEditor()
        self.model = EstimateModel(self)
        self.table = EstimateTable(self.model)
        self.recorder = Recorder(self, service, self.coordinator)
        self.proxy = self.table.proxy
        self._build_controls()
        self._build_layout()
        self._build_actions()
        self._build_status_bar()
        self._connect()
        self._apply_font_size(int(self.service.settings.get("font_size") or 0))
        self._shown: list[ModelInfo] = []
        self._filled = False
        self._output_changed()  # the spin box's starting value applies from the first count
        self._restore_geometry()
        #: Set by the app when it has a tray: returns True to hide on close instead.
        self.keep_in_tray: Callable[[], bool] | None = None
        self._paint_probe = _FirstPaint(self)
        self._paint_probe.painted.connect(lambda: self.first_painted.emit(time.time()))
        self.installEventFilter(self._paint_probe)
        if fill_later:
            self.first_painted.connect(
                lambda _at: QTimer.singleShot(0, self.fill), Qt.ConnectionType.SingleShotConnection
            )
        else:
            self.fill()

    def fill(self) -> None:
        """Show the saved (or default) models: this reads the catalogue (once)."""
        if self._filled:
            return
        self._filled = True
        self._shown = self._initial_models()
        self.coordinator.set_models(self._shown)

    # -- construction ----------------------------------------------------------------

    def _build_controls(self) -> None:
        self.output_mode = QComboBox()
        self.output_mode.addItem(self.tr("output tokens"), "tokens")
        self.output_mode.addItem(self.tr("× input"), "multiple")
        self.output_tokens = QSpinBox()
        self.output_tokens.setRange(0, 10_000_000)
        self.output_tokens.setGroupSeparatorShown(True)
        self.output_tokens.setValue(int(self.service.settings.get("output_tokens") or 500))
        self.output_multiple = QDoubleSpinBox()
        self.output_multiple.setRange(0.0, 100.0)
        self.output_multiple.setDecimals(2)
        self.output_multiple.setSingleStep(0.25)
        self.output_multiple.setValue(1.0)
        self.output_multiple.hide()
        self.cached = QSpinBox()
        self.cached.setRange(0, 10_000_000)
        self.cached.setGroupSeparatorShown(True)
        self.cached.setToolTip(
            self.tr(
                "Prompt tokens you expect the provider to read from its cache (a shared prefix)."
            )
        )

    def _build_layout(self) -> None:
        controls = QHBoxLayout()
        output_label = QLabel(self.tr("Expected output:"))
        output_label.setBuddy(self.output_tokens)
        controls.addWidget(output_label)
        controls.addWidget(self.output_tokens)
        controls.addWidget(self.output_multiple)
        controls.addWidget(self.output_mode)
        controls.addSpacing(16)
        cached_label = QLabel(self.tr("Cached prefix:"))
        cached_label.setBuddy(self.cached)
        controls.addWidget(cached_label)
        controls.addWidget(self.cached)
        controls.addStretch()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(controls)
        right_layout.addWidget(self.table)
        self.currency_note = QLabel()
        self.currency_note.setWordWrap(True)
        self.currency_note.hide()  # styled when first shown (a style sheet is not free)
        right_layout.addWidget(self.currency_note)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        self.setCentralWidget(self.splitter)
        fit_to_screen(self, PREFERRED_SIZE)
        self.splitter.setSizes([self.width() * 5 // 12, self.width() * 7 // 12])
        self._arrange_for_width(self.width())

    def _build_actions(self) -> None:
        def action(
            text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot: object
        ) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        self.open_action = action(self.tr("&Open…"), QKeySequence.StandardKey.Open, self.open_file)
        self.record_action = action(self.tr("&Record spend…"), "Ctrl+R", self.record)
        self.models_action = action(self.tr("Choose &models…"), "Ctrl+M", self.choose_models)
        self.tokens_action = action(self.tr("&Token view…"), "Ctrl+T", self.show_tokens)
        self.settings_action = action(self.tr("&Settings…"), "Ctrl+,", self.edit_settings)
        self.statusline_action = action(
            self.tr("Claude Code &status line…"), None, self.edit_statusline
        )
        self.quit_action = action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.quit)
        self.budgets_action = action(self.tr("&Budgets"), "Ctrl+B", self.budgets_requested.emit)
        self.history_action = action(self.tr("&History"), "Ctrl+H", self.history_requested.emit)
        self.sources_action = action(self.tr("&Sources…"), None, self.sources_requested.emit)
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addActions([self.open_action, self.record_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view = menu.addMenu(self.tr("&View"))
        view.addActions([self.models_action, self.tokens_action, self.settings_action])
        view.addAction(self.statusline_action)
        go = menu.addMenu(self.tr("&Go"))
        go.addActions([self.budgets_action, self.history_action, self.sources_action])
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.addActions(
            [self.open_action, self.models_action, self.tokens_action, self.record_action]
        )
        for shown in toolbar.actions():
            shown.setIconText(button_text(shown.text()))

    def _build_status_bar(self) -> None:
        # Elided, so the two never overlap each other or a message at a narrow width.
        self.stats_label = ElidedLabel()
        self.selected_label = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        # Shown while a large paste or file goes in (the editor is read-only meanwhile).
        self.paste_progress = QProgressBar()
        self.paste_progress.setMaximumWidth(160)
        self.paste_progress.setTextVisible(False)
        self.paste_progress.hide()
        self.statusBar().addPermanentWidget(self.paste_progress)
        self.statusBar().addPermanentWidget(self.stats_label)
        self.statusBar().addPermanentWidget(self.selected_label)

    def _connect(self) -> None:
        self.editor.textChanged.connect(self._text_changed)
        self.editor.refused.connect(self._show_refusal)
        self.editor.progress.connect(self._paste_progress)
        self.editor.file_loaded.connect(
            lambda path: self.statusBar().showMessage(
                self.tr("Loaded {path}").format(path=path), 5000
            )
        )
        self.coordinator.updated.connect(self._refresh)
        self.coordinator.failed.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.output_mode.currentIndexChanged.connect(self._output_changed)
        self.output_tokens.valueChanged.connect(self._output_changed)
        self.output_multiple.valueChanged.connect(self._output_changed)
        self.cached.valueChanged.connect(self._output_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_status)

    # -- models shown ------------------------------------------------------------------

    def _initial_models(self) -> list[ModelInfo]:
        saved = self.service.settings.get("shown_models") or []
        counting = self.service.counting
        return counting.known_models(saved) or counting.default_models(datetime.now(UTC).date())

    def shown_models(self) -> list[ModelInfo]:
        """The models in the table."""
        return list(self._shown)

    def set_shown_models(self, models: list[ModelInfo], *, save: bool = True) -> None:
        """Show these models (re-prices known counts; counts only new vocabularies)."""
        self._shown = list(models)
        self.coordinator.set_models(self._shown)
        if save:
            self._save_setting("shown_models", [m.id for m in models])

    # -- reactions -----------------------------------------------------------------------

    def _text_changed(self) -> None:
        self.coordinator.set_text(self.editor.text)

    def _paste_progress(self, done: int, total: int) -> None:
        # Permille: a 10 MB paste overflows no int, and the bar needs no more.
        self.paste_progress.setRange(0, 1000)
        self.paste_progress.setValue(done * 1000 // max(total, 1))
        self.paste_progress.setVisible(done < total)
        message = self.tr("Inserting the text…")
        if done < total:
            self.statusBar().showMessage(message)
        elif self.statusBar().currentMessage() == message:
            self.statusBar().clearMessage()

    def _output_changed(self) -> None:
        multiple = self.output_mode.currentData() == "multiple"
        self.output_tokens.setVisible(not multiple)
        self.output_multiple.setVisible(multiple)
        setting = (
            OutputSetting(multiple=Decimal(f"{self.output_multiple.value():.2f}"))
            if multiple
            else OutputSetting(tokens=self.output_tokens.value())
        )
        self.coordinator.set_output(setting, self.cached.value())

    def _refresh(self) -> None:
        selected = self.selected_model_id()
        rows = self.coordinator.rows()
        self.model.set_rows(rows)
        self.table.fit_columns(self.model.text_lengths())
        mixed = self.model.mixed_currencies()
        if mixed and self.currency_note.property("tokenbudgetTint") is None:
            tint(self.currency_note, Tone.MUTED)
        self.currency_note.setVisible(bool(mixed))
        if mixed:
            self.currency_note.setText(
                self.tr(
                    "Prices are in {currencies}; amounts in different currencies are sorted "
                    "apart. Set exchange rates in Settings to compare them in one currency."
                ).format(currencies=", ".join(mixed))
            )
        if selected is not None:
            self.select_model(selected)
        self._update_status()

    def _update_status(self) -> None:
        locale = self.model.locale
        stats = self.coordinator.stats
        self.stats_label.setText(
            " · ".join(
                (
                    self.tr("%Ln characters", "", stats.chars),
                    self.tr("%Ln words", "", stats.words),
                    self.tr("%Ln lines", "", stats.lines),
                )
            )
        )
        model_id = self.selected_model_id()
        model = next((m for m in self._shown if m.id == model_id), None)
        if model is None:
            self.selected_label.setText("")
            return
        row = next((r for r in self.model.rows() if r.model.id == model_id), None)
        count = row.estimate.tokens if row is not None and row.estimate is not None else None
        tokens = self.tr("loading…") if count is None else format_int(locale, count)
        exact = row is not None and row.estimate is not None and row.estimate.exact
        from tokenbudget.core.types import ESTIMATED_MARK

        prefix = "" if exact or count is None else ESTIMATED_MARK
        self.selected_label.setText(
            self.tr("{model}: {tokens} tokens").format(model=model.id, tokens=prefix + tokens)
        )

    def _show_refusal(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.statusBar().showMessage(message, 10000)
        QMessageBox.warning(self, self.tr("Not a text file"), message)

    # -- selection ---------------------------------------------------------------------

    def selected_model_id(self) -> str | None:
        """The model of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(MODEL_ID_ROLE) if rows else None

    def select_model(self, model_id: str) -> None:
        """Select the row of ``model_id`` (keeps the selection across updates)."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(MODEL_ID_ROLE) == model_id:
                if self.selected_model_id() != model_id:
                    self.table.selectRow(row)
                return

    # -- actions -------------------------------------------------------------------------

    def open_file(self) -> None:
        """Open a text file into the editor."""
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open a prompt"))
        if name:
            self.editor.load_file(Path(name))

    def record(self) -> int | None:
        """Record the current estimate as spend; returns the new entry's id."""
        dialog = self._record_dialog()
        if dialog.exec() != dialog.DialogCode.Accepted:
            return None
        return self.record_choice(dialog)

    def _record_dialog(self) -> RecordDialog:
        return self.recorder.dialog(
            self._shown, self.selected_model_id(), self.model.cheapest_model_id()
        )

    def record_choice(self, dialog: RecordDialog) -> int | None:
        """Record what ``dialog`` holds (split out so tests can drive it)."""
        entry, message = self.recorder.record(dialog, self._shown, self.editor.text())
        self.statusBar().showMessage(message, 6000 if entry is not None else 10000)
        if entry is None:
            return None
        self.recorded.emit(entry.id)
        return entry.id

    def choose_models(self) -> None:
        """Pick the shown models and favourites."""
        from tokenbudget.gui.model_picker import ModelPickerDialog

        favourites = list(self.service.settings.get("favourite_models") or [])
        dialog = ModelPickerDialog(
            self.service.counting.models(), [m.id for m in self._shown], favourites, parent=self
        )
        if dialog.exec() != ModelPickerDialog.DialogCode.Accepted:
            return
        self.set_shown_models(self.service.counting.known_models(dialog.shown_ids()))
        self._save_setting("favourite_models", list(dialog.favourite_ids()))

    def show_tokens(self) -> None:
        """Show the prompt split into tokens for the selected model's vocabulary."""
        from tokenbudget.gui.token_view import TokenViewDialog

        model = next((m for m in self._shown if m.id == self.selected_model_id()), None)
        tokenizer = model.counting.tokenizer if model is not None else "o200k_base"
        dialog = TokenViewDialog(self.service.counting, self.editor.text(), tokenizer, parent=self)
        dialog.addActions(self.window_actions())  # Ctrl+B and Ctrl+H work from it too
        dialog.show()

    def window_actions(self) -> list[QAction]:
        """The actions that work from every window: budgets (Ctrl+B) and history (Ctrl+H)."""
        return [self.budgets_action, self.history_action]

    @property
    def device_sync(self) -> DeviceSyncer:
        """Syncing with the user's other devices (made on first use, after the first paint)."""
        if self._device_sync is None:
            from tokenbudget.gui.device_sync import DeviceSyncer

            self._device_sync = DeviceSyncer(self.service, runner=self._device_runner, parent=self)
        return self._device_sync

    def settings_values(self) -> SettingsValues:
        """The settings the dialog edits, as stored."""
        from tokenbudget.gui.dialogs import SettingsValues
        from tokenbudget.gui.providers_page import ProviderSettings

        settings = self.service.settings
        return SettingsValues(
            display_currency=settings.display_currency,
            rates=tuple(settings.exchange_rates().rates.values()),
            reference=tuple(settings.reference_rates()),
            off_peak=settings.get("off_peak_prices") is True,
            prompt_text=str(settings.get("prompt_text")),
            font_size=int(settings.get("font_size") or 0),
            start_at_login=settings.autostart_enabled(),
            live_sync=settings.get("live_sync") is not False,
            providers=ProviderSettings(
                remote_count=dict(settings.get("remote_count") or {}),
                balance_check=dict(settings.get("balance_check") or {}),
                base_urls=dict(settings.get("base_urls") or {}),
            ),
            language=str(settings.get("language") or "system"),
            sync_prompt_text=settings.get("sync_prompt_text") is True,
        )

    def edit_settings(self) -> None:
        """Open the settings dialog and apply what it returns."""
        from tokenbudget.gui.dialogs import SettingsDialog

        providers = self.service.providers
        dialog = SettingsDialog(
            self.settings_values(),
            parent=self,
            providers=providers,
            tester=providers.check_key,
            devices=self.device_sync,
        )
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.apply_settings(dialog.values())

    def edit_statusline(self) -> None:
        """Offer to install tokenbudget as Claude Code's status line (only on a click)."""
        from tokenbudget.gui.statusline_dialog import StatusLineDialog

        StatusLineDialog(self.service.limits, parent=self).exec()

    def apply_settings(self, values: SettingsValues) -> None:
        """Store and apply settings (currency and rates re-price at once)."""
        settings = self.service.settings
        settings.set("display_currency", values.display_currency)
        settings.set("exchange_rates", {})
        for rate in values.rates:
            settings.set_exchange_rate(rate)
        settings.set("off_peak_prices", values.off_peak)
        settings.set("prompt_text", values.prompt_text)
        settings.set("font_size", values.font_size)
        settings.set("remote_count", values.providers.remote_count)
        settings.set("balance_check", values.providers.balance_check)
        settings.set("base_urls", values.providers.base_urls)
        settings.set("live_sync", values.live_sync)
        settings.set("language", values.language)
        settings.set("sync_prompt_text", values.sync_prompt_text)
        self._save_settings()
        self._apply_font_size(values.font_size)
        self.coordinator.set_currency(None)
        self.remote.request()  # a provider switched on counts the current text at once
        self.settings_applied.emit()
        if values.start_at_login != settings.autostart_enabled():
            try:
                settings.set_autostart(values.start_at_login)
            except AutostartError as exc:
                self.statusBar().showMessage(error_text(exc), 10000)

    def _apply_font_size(self, size: int) -> None:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        fixed = QFont(font)
        if size > 0:
            fixed.setPointSize(size)
        self.editor.setFont(fixed)

    def _save_setting(self, key: str, value: object) -> None:
        self.service.settings.set(key, value)
        self._save_settings()

    def _save_settings(self) -> None:
        try:
            self.service.settings.save()
        except TokenbudgetError as exc:
            self.statusBar().showMessage(error_text(exc), 10000)

    # -- window state ------------------------------------------------------------------

    def window_state_file(self) -> Path:
        """Where geometry and splitter positions are kept."""
        return self.service.settings.window_state_file()

    def _qsettings(self) -> QSettings:
        return QSettings(str(self.window_state_file()), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        """Put back the saved layout; a geometry that no longer fits the screen is not used."""
        state = self._qsettings()
        value = state.value("geometry")
        if isinstance(value, QByteArray):
            old = self.geometry()
            if not (self.restoreGeometry(value) and fits(self.geometry(), available_area(self))):
                self.setGeometry(old)
        for key, restore in (
            ("splitter", self.splitter.restoreState),
            ("table", self.table.horizontalHeader().restoreState),
        ):
            value = state.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        self._arrange_for_width(self.width())

    def _arrange_for_width(self, width: int) -> None:
        """Prompt beside the table on a wide window, above it on a narrow one."""
        wanted = Qt.Orientation.Vertical if width < STACK_BELOW else Qt.Orientation.Horizontal
        if self.splitter.orientation() == wanted:
            return  # the user's own split stays
        self.splitter.setOrientation(wanted)
        if wanted == Qt.Orientation.Horizontal:
            self.splitter.setSizes([width * 5 // 12, width * 7 // 12])
        else:
            height = max(self.height(), 300)
            self.splitter.setSizes([height * 3 // 10, height * 7 // 10])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Re-arrange the prompt and the table for the new width."""
        super().resizeEvent(event)
        self._arrange_for_width(event.size().width())

    def save_window_state(self) -> None:
        """Remember geometry, splitter and column layout."""
        state = self._qsettings()
        state.setValue("geometry", self.saveGeometry())
        state.setValue("splitter", self.splitter.saveState())
        state.setValue("table", self.table.horizontalHeader().saveState())
        state.sync()

    def quit(self) -> None:
        """Quit the app (not just close the window, which may keep it in the tray)."""
        self.save_window_state()
        QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Save the window state; hide to the tray instead when the app keeps one."""
        self.save_window_state()
        if self.keep_in_tray is not None and self.keep_in_tray():
            event.ignore()
            self.hide()
            return
        super().closeEvent(event)
