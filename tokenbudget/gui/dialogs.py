"""The record dialog and the settings dialog of the estimate window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QLocale, QSize, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.messages import QT_TRANSLATE_NOOP
from tokenbudget.core.services import ProvidersService, Service
from tokenbudget.core.types import (
    CURRENCIES,
    ExchangeRate,
    ModelInfo,
    Money,
    Plan,
)
from tokenbudget.core.types import KEY_PROVIDERS as PROVIDERS
from tokenbudget.gui.a11y import link_labels
from tokenbudget.gui.device_sync import DeviceSyncer
from tokenbudget.gui.devices_page import DevicesPage
from tokenbudget.gui.formatting import error_text, format_money
from tokenbudget.gui.geometry import fit_to_screen
from tokenbudget.gui.jobs import inline_runner
from tokenbudget.gui.palette import Tone, tint
from tokenbudget.gui.providers_page import ProviderSettings, ProvidersPage, Tester
from tokenbudget.gui.rates_editor import RatesEditor


@dataclass(frozen=True)
class RecordChoice:
    """What the user chose to record."""

    model_id: str
    plan_id: int | None
    output_tokens: int
    note: str | None


#: ``price(model_id, output_tokens)``: what recording would store (None: not known yet, or
#: the model has no price), and why not as a short text.
Pricer = Callable[[str, int], tuple[Money | None, str]]


class RecordDialog(QDialog):
    """Record the current estimate as spend: model, plan, expected output, note.

    With a ``price`` function it shows the cost it will record before it is recorded, again
    whenever the model or the output changes, and its Record button names the amount.
    """

    def __init__(
        self,
        models: list[ModelInfo],
        plans: list[Plan],
        *,
        selected: str | None,
        output_tokens: int,
        price: Pricer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record spend"))
        self._price = price
        self.cost_label = QLabel()
        self.cost_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cost_label.setAccessibleName(self.tr("Cost to record"))
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
        if price is not None:
            form.addRow(self.tr("Cost to record"), self.cost_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.record_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.record_button.setText(self.tr("Record"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        link_labels(self)
        self.model_box.currentIndexChanged.connect(self._show_cost)
        self.output.valueChanged.connect(self._show_cost)
        self._show_cost()

    def cost(self) -> Money | None:
        """The cost recording the current choice would store (None: not known yet)."""
        if self._price is None or self.model_box.currentData() is None:
            return None
        return self._price(str(self.model_box.currentData()), self.output.value())[0]

    def _show_cost(self) -> None:
        if self._price is None or self.model_box.currentData() is None:
            return
        money, why = self._price(str(self.model_box.currentData()), self.output.value())
        if money is None:
            self.cost_label.setText(why)
            self.record_button.setText(self.tr("Record"))
            return
        amount = format_money(QLocale(), money)
        self.cost_label.setText(amount)
        self.record_button.setText(self.tr("Record {amount}").format(amount=amount))

    def choice(self) -> RecordChoice:
        """The values entered."""
        note = self.note.text().strip()
        return RecordChoice(
            model_id=str(self.model_box.currentData()),
            plan_id=self.plan_box.currentData(),
            output_tokens=self.output.value(),
            note=note or None,
        )


def _scrolling(page: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll


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
    #: The ECB reference rates in use (shown read-only beside the user's own).
    reference: tuple[ExchangeRate, ...] = ()
    #: Price models that have off-peak rates (DeepSeek) at them.
    off_peak: bool = False
    language: str = "system"
    #: Whether recorded prompt text goes to the user's other devices (Settings → Devices).
    sync_prompt_text: bool = False


class SettingsDialog(QDialog):
    """Currency and rates, prompt-text privacy, font size, providers, and devices.

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
        devices: DeviceSyncer | Service,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        if not isinstance(devices, DeviceSyncer):
            # The dialog alone (tests, demos): the Devices page's work runs on this thread.
            devices = DeviceSyncer(devices, runner=inline_runner, parent=self)
            self.finished.connect(devices.close)
        self.providers = ProvidersPage(providers, values.providers, tester=tester)
        self.devices = DevicesPage(devices, share_prompts=values.sync_prompt_text)
        self.error = QLabel()
        tint(self.error, Tone.ERROR)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.tabs = QTabWidget()
        general = self._general_page(values)
        scroll = _scrolling(general)
        self.tabs.addTab(scroll, self.tr("General"))
        self.tabs.addTab(self.providers, self.tr("Providers"))
        self.tabs.addTab(self.devices, self.tr("Devices"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        link_labels(self)
        self._values = values
        # The General page scrolls: on a small screen the dialog fits and its buttons show.
        wanted = self.sizeHint()
        wanted += QSize(0, general.sizeHint().height() - scroll.sizeHint().height())
        fit_to_screen(self, wanted)

    def _general_page(self, values: SettingsValues) -> QWidget:
        self.currency = QComboBox()
        self.currency.addItems(sorted(CURRENCIES))
        self.currency.setCurrentText(values.display_currency)
        self.currency_error = QLabel()
        self.currency_error.setStyleSheet("color: #b00020")
        self.currency_error.setWordWrap(True)
        self.currency_error.setVisible(False)
        self.currency.currentTextChanged.connect(lambda _code: self.currency_error.hide())
        currency_row = QHBoxLayout()
        currency_row.addWidget(self.currency)
        currency_row.addWidget(self.currency_error)
        currency_row.addStretch(1)
        self.rates = RatesEditor(values.rates, values.reference)
        rates_note = QLabel(
            self.tr(
                "Leave a rate empty to use the ECB reference rate: of the entry's own day for "
                "History, the latest for estimates. Your own rate always wins."
            )
        )
        rates_note.setWordWrap(True)
        self.off_peak = QCheckBox(
            self.tr("Use off-peak prices where a provider has them (DeepSeek: half price)")
        )
        self.off_peak.setChecked(values.off_peak)
        self.off_peak.setToolTip(
            self.tr(
                "Off-peak is outside the provider's peak hours. Unchecked, the off-peak "
                "price is shown in the cost's tooltip."
            )
        )
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
        form.addRow(self.tr("Show costs in"), currency_row)
        currency_label = form.labelForField(currency_row)
        if isinstance(currency_label, QLabel):
            currency_label.setBuddy(self.currency)
        form.addRow(self.tr("Exchange rates"), self.rates)
        form.addRow("", rates_note)
        form.addRow(self.tr("Off-peak"), self.off_peak)
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

    def _accept(self) -> None:
        rates = self.rates.rates()
        if rates is None:
            self.tabs.setCurrentIndex(0)
            self.error.setText(self.tr("Correct the exchange rates marked in red."))
            return
        code = self.currency.currentText()
        if not self.rates.has_rate(code, self._values.reference):
            self.tabs.setCurrentIndex(0)
            self.currency_error.setText(
                self.tr("No rate for {code}: enter your own rate for it below first.").format(
                    code=code
                )
            )
            self.currency_error.setVisible(True)
            return
        try:
            self._values = SettingsValues(
                display_currency=code,
                rates=rates,
                prompt_text=self._privacy_mode(),
                font_size=self.font_size.value(),
                start_at_login=self.start_at_login.isChecked(),
                live_sync=self.live_sync.isChecked(),
                providers=self._provider_values(),
                reference=self._values.reference,
                off_peak=self.off_peak.isChecked(),
                language=str(self.language.currentData()),
                sync_prompt_text=self.devices.values(),
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
