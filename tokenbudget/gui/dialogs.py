"""The record dialog and the settings dialog of the estimate window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.messages import QT_TRANSLATE_NOOP
from tokenbudget.core.services import ProvidersService
from tokenbudget.core.types import (
    CURRENCIES,
    ExchangeRate,
    ModelInfo,
    Plan,
    check_currency,
    parse_decimal,
)
from tokenbudget.core.types import KEY_PROVIDERS as PROVIDERS
from tokenbudget.gui.formatting import error_text
from tokenbudget.gui.providers_page import ProviderSettings, ProvidersPage, Tester


@dataclass(frozen=True)
class RecordChoice:
    """What the user chose to record."""

    model_id: str
    plan_id: int | None
    output_tokens: int
    note: str | None


class RecordDialog(QDialog):
    """Record the current estimate as spend: model, plan, expected output, note."""

    def __init__(
        self,
        models: list[ModelInfo],
        plans: list[Plan],
        *,
        selected: str | None,
        output_tokens: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record spend"))
        self.model_box = QComboBox()
        for model in models:
            self.model_box.addItem(f"{model.id} ({model.provider_name})", model.id)
        if selected is not None:
            self.model_box.setCurrentIndex(max(0, self.model_box.findData(selected)))
        self.plan_box = QComboBox()
        self.plan_box.addItem(self.tr("Every plan that covers this model"), None)
        for plan in plans:
            self.plan_box.addItem(plan.name, plan.id)
        self.output = QSpinBox()
        self.output.setRange(0, 10_000_000)
        self.output.setGroupSeparatorShown(True)
        self.output.setValue(output_tokens)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Optional"))
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model_box)
        form.addRow(self.tr("Count toward"), self.plan_box)
        form.addRow(self.tr("Expected output tokens"), self.output)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Record"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def choice(self) -> RecordChoice:
        """The values entered."""
        note = self.note.text().strip()
        return RecordChoice(
            model_id=str(self.model_box.currentData()),
            plan_id=self.plan_box.currentData(),
            output_tokens=self.output.value(),
            note=note or None,
        )


@dataclass(frozen=True)
class SettingsValues:
    """Everything the settings dialog edits."""

    display_currency: str
    rates: tuple[ExchangeRate, ...]
    prompt_text: str
    font_size: int
    start_at_login: bool = False
    live_sync: bool = True
    providers: ProviderSettings = field(default_factory=ProviderSettings)
    language: str = "system"


class SettingsDialog(QDialog):
    """Display currency and exchange rates, prompt-text privacy, the font size, and providers.

    API keys are set and deleted at once through ``providers`` (``service.providers``): they
    live only in the keyring, never in the values this dialog returns.
    """

    PRIVACY = (
        ("none", QT_TRANSLATE_NOOP("SettingsDialog", "Keep no prompt text")),
        ("preview", QT_TRANSLATE_NOOP("SettingsDialog", "Keep a short preview (200 characters)")),
        ("full", QT_TRANSLATE_NOOP("SettingsDialog", "Keep the full prompt text")),
    )

    def __init__(
        self,
        values: SettingsValues,
        parent: QWidget | None = None,
        *,
        providers: ProvidersService,
        tester: Tester | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.providers = ProvidersPage(providers, values.providers, tester=tester)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_page(values), self.tr("General"))
        self.tabs.addTab(self.providers, self.tr("Providers"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._values = values

    def _general_page(self, values: SettingsValues) -> QWidget:
        self.currency = QComboBox()
        self.currency.addItems(sorted(CURRENCIES))
        self.currency.setCurrentText(values.display_currency)
        self.rates = QTableWidget(0, 3)
        self.rates.setHorizontalHeaderLabels(
            [self.tr("Currency"), self.tr("Units per 1 USD"), self.tr("As of")]
        )
        self.rates.horizontalHeader().setStretchLastSection(True)
        self.rates.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for rate in values.rates:
            self._add_rate_row(rate.currency, str(rate.per_usd), rate.as_of)
        add = QPushButton(self.tr("Add rate"))
        add.clicked.connect(lambda: self._add_rate_row("CNY", "", date.today()))
        remove = QPushButton(self.tr("Remove rate"))
        remove.clicked.connect(self._remove_rate_row)
        rate_buttons = QHBoxLayout()
        rate_buttons.addWidget(add)
        rate_buttons.addWidget(remove)
        rate_buttons.addStretch()
        self.privacy = QButtonGroup(self)
        privacy_box = QVBoxLayout()
        for mode, label in self.PRIVACY:
            button = QRadioButton(self.tr(label))
            button.setProperty("mode", mode)
            button.setChecked(mode == values.prompt_text)
            self.privacy.addButton(button)
            privacy_box.addWidget(button)
        self.font_size = QSpinBox()
        self.font_size.setRange(0, 48)
        self.font_size.setSpecialValueText(self.tr("System default"))
        self.font_size.setValue(values.font_size)
        form = QFormLayout()
        form.addRow(self.tr("Show costs in"), self.currency)
        form.addRow(self.tr("Exchange rates"), self.rates)
        form.addRow("", rate_buttons)
        form.addRow(self.tr("Recorded prompts"), privacy_box)
        form.addRow(self.tr("Editor font size"), self.font_size)
        self.start_at_login = QCheckBox(self.tr("Start tokenbudget in the tray when I log in"))
        self.start_at_login.setChecked(values.start_at_login)
        form.addRow(self.tr("Login"), self.start_at_login)
        self.live_sync = QCheckBox(
            self.tr("Import Claude Code, Codex and Gemini CLI usage as it is written")
        )
        self.live_sync.setChecked(values.live_sync)
        form.addRow(self.tr("Coding tools"), self.live_sync)
        form.addRow(self.tr("&Language"), self._language_box(values.language))
        page = QWidget()
        page.setLayout(form)
        return page

    def _language_box(self, current: str) -> QWidget:
        """The language choice, with the note that it applies at the next start."""
        self.language = QComboBox()
        # Each language is named in itself, so it can be found in any interface language.
        for code, name in (
            ("system", self.tr("System language")),
            ("en", "English"),
            ("zh_CN", "简体中文"),
        ):
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        note = QLabel(self.tr("Applies the next time tokenbudget starts."))
        note.setEnabled(False)
        note.setVisible(False)
        self.language.currentIndexChanged.connect(
            lambda _i: note.setVisible(self.language.currentData() != current)
        )
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.language)
        box.addWidget(note)
        widget = QWidget()
        widget.setLayout(box)
        return widget

    def _add_rate_row(self, currency: str, per_usd: str, as_of: date) -> None:
        row = self.rates.rowCount()
        self.rates.insertRow(row)
        self.rates.setItem(row, 0, QTableWidgetItem(currency))
        self.rates.setItem(row, 1, QTableWidgetItem(per_usd))
        editor = QDateEdit(QDate(as_of.year, as_of.month, as_of.day))
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("yyyy-MM-dd")
        self.rates.setCellWidget(row, 2, editor)

    def _remove_rate_row(self) -> None:
        rows = sorted({i.row() for i in self.rates.selectedIndexes()}, reverse=True)
        for row in rows or [self.rates.rowCount() - 1]:
            if row >= 0:
                self.rates.removeRow(row)

    def _read_rates(self) -> tuple[ExchangeRate, ...]:
        rates = []
        for row in range(self.rates.rowCount()):
            code_item, value_item = self.rates.item(row, 0), self.rates.item(row, 1)
            code = check_currency(code_item.text() if code_item else "")
            if code == "USD":
                raise UserInputError(self.tr("USD needs no rate: rates are units per 1 USD"))
            value = parse_decimal(value_item.text() if value_item else "", f"rate for {code}")
            if value <= 0:
                raise UserInputError(
                    self.tr("the rate for {code} must be above 0").format(code=code)
                )
            editor = self.rates.cellWidget(row, 2)
            qdate = editor.date() if isinstance(editor, QDateEdit) else QDate.currentDate()
            rates.append(ExchangeRate(code, value, date(qdate.year(), qdate.month(), qdate.day())))
        return tuple(rates)

    def _accept(self) -> None:
        try:
            self._values = SettingsValues(
                display_currency=self.currency.currentText(),
                rates=self._read_rates(),
                prompt_text=self._privacy_mode(),
                font_size=self.font_size.value(),
                start_at_login=self.start_at_login.isChecked(),
                live_sync=self.live_sync.isChecked(),
                providers=self._provider_values(),
                language=str(self.language.currentData()),
            )
        except UserInputError as exc:
            self.error.setText(error_text(exc))
            return
        self.accept()

    def _provider_values(self) -> ProviderSettings:
        values = self.providers.values()
        for provider, url in values.base_urls.items():
            if not url.startswith(("https://", "http://")):
                self.tabs.setCurrentWidget(self.providers)
                raise UserInputError(
                    self.tr("The {name} address must start with https:// (or http://).").format(
                        name=PROVIDERS[provider]
                    )
                )
        return values

    def _privacy_mode(self) -> str:
        checked = self.privacy.checkedButton()
        return str(checked.property("mode")) if checked is not None else "preview"

    def values(self) -> SettingsValues:
        """The accepted values."""
        return self._values
