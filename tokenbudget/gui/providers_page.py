"""The settings dialog's Providers page: API keys (only in the OS keyring) and what they do.

Keys are set, replaced, tested and deleted at once, in the keyring; they never pass through
the settings file. The switches that use them (counting online, balances) and the base URLs
are settings, saved with the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import SecretsError
from tokenbudget.core.services import ProvidersService
from tokenbudget.core.types import BALANCE_PROVIDERS, COUNT_PROVIDERS
from tokenbudget.core.types import KEY_PROVIDERS as PROVIDERS
from tokenbudget.core.types import PROVIDER_TABLE as TABLE
from tokenbudget.gui.formatting import error_text, render
from tokenbudget.gui.geometry import available_area
from tokenbudget.gui.jobs import Jobs, Runner, thread_runner
from tokenbudget.gui.palette import Tone, tint

__all__ = ["BALANCE_PROVIDERS", "COUNT_PROVIDERS", "ProviderSettings", "ProvidersPage", "Tester"]

#: The grid's base-URL column.
_URL_COLUMN = 4

#: ``tester(provider, base_urls) -> message``: checks the stored key against the provider
#: (run on a worker thread: it goes over the network).
Tester = Callable[[str, dict[str, str]], str]


@dataclass(frozen=True)
class ProviderSettings:
    """What the page edits besides the keys (saved with the dialog)."""

    remote_count: dict[str, bool] = field(default_factory=dict)
    balance_check: dict[str, bool] = field(default_factory=dict)
    base_urls: dict[str, str] = field(default_factory=dict)


class ProvidersPage(QWidget):
    """A row per provider: key (masked), Set or Replace, Test, Delete, and its switches."""

    def __init__(
        self,
        providers: ProvidersService,
        values: ProviderSettings,
        *,
        tester: Tester | None = None,
        runner: Runner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        #: The keys, in the keyring (``service.providers``).
        self.keys = providers
        self.tester = tester
        # A test goes over the network: a daemon thread each (a lane per provider).
        self._jobs = Jobs(runner or thread_runner("key-test"), owner=self)
        status = providers.keyring_status()
        self.keyring_note = QLabel(render(status.message))
        self.keyring_note.setWordWrap(True)
        tint(self.keyring_note, Tone.NORMAL if status.usable else Tone.ERROR)
        self.privacy_note = QLabel(
            self.tr(
                "Counting online sends the prompt text to that provider to be counted, after "
                "you stop typing. Nothing is sent unless you turn it on here and a key is set."
            )
        )
        self.privacy_note.setWordWrap(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.key_labels: dict[str, QLabel] = {}
        self.set_buttons: dict[str, QPushButton] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.delete_buttons: dict[str, QPushButton] = {}
        self.switches: dict[str, QCheckBox] = {}
        self.base_urls: dict[str, QLineEdit] = {}
        #: Every provider's name label, in the table's order (those the app sends nothing to,
        #: too: their prices are in the catalogue).
        self.name_labels: dict[str, QLabel] = {}
        self.headers: list[QLabel] = []
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setColumnStretch(_URL_COLUMN, 1)
        for column, title in enumerate(
            (self.tr("Provider"), self.tr("API key"), "", self.tr("Uses"), self.tr("Base URL"))
        ):
            header = QLabel(f"<b>{title}</b>" if title else "")
            grid.addWidget(header, 0, column)
            self.headers.append(header)
        self._url_width = (
            max(self.fontMetrics().horizontalAdvance(p.base_url or "") for p in TABLE)
            + 3 * self.fontMetrics().averageCharWidth()
        )
        for row, provider in enumerate(TABLE, start=1):
            if provider.id in PROVIDERS:
                self._add_row(grid, row, provider.id, provider.name, values, usable=status.usable)
            else:
                self._add_price_only_row(grid, row, provider.id, provider.name)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(grid_host)
        # As wide as the table wants (every column, the URLs whole) and tall enough for most
        # rows, within the screen; past that it scrolls.
        area = available_area(self)
        bar = scroll.verticalScrollBar().sizeHint().width()
        wanted = grid_host.sizeHint()
        scroll.setMinimumWidth(min(wanted.width() + bar + 4, area.width() - 120))
        scroll.setMinimumHeight(min(wanted.height() + 4, max(area.height() // 2, 200)))
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_note)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.privacy_note)
        layout.addWidget(self.result)
        self.refresh_keys()

    def _add_price_only_row(self, grid: QGridLayout, row: int, provider: str, name: str) -> None:
        """A provider the app only prices: no key, nothing sent, so no address."""
        label = QLabel(f"<b>{name}</b>")
        label.setAccessibleName(name)
        note = QLabel(self.tr("Prices only: tokenbudget sends it nothing"))
        tint(note, Tone.MUTED)
        grid.addWidget(label, row, 0)
        grid.addWidget(note, row, 1, 1, 3)
        none = QLabel("—")
        none.setToolTip(self.tr("No address: nothing is sent to {name}").format(name=name))
        tint(none, Tone.MUTED)
        grid.addWidget(none, row, _URL_COLUMN)
        self.name_labels[provider] = label

    def _add_row(
        self,
        grid: QGridLayout,
        row: int,
        provider: str,
        name: str,
        values: ProviderSettings,
        *,
        usable: bool,
    ) -> None:
        key_label = QLabel()
        set_button = QPushButton(self.tr("Set…"))
        test_button = QPushButton(self.tr("Test"))
        delete_button = QPushButton(self.tr("Delete"))
        for button in (set_button, test_button, delete_button):
            button.setEnabled(usable)
        set_button.clicked.connect(lambda: self.ask_key(provider))
        test_button.clicked.connect(lambda: self.test_key(provider))
        delete_button.clicked.connect(lambda: self.delete_key(provider))
        if provider in COUNT_PROVIDERS:
            switch = QCheckBox(self.tr("Count prompts online"))
            switch.setChecked(bool(values.remote_count.get(provider)))
        else:
            switch = QCheckBox(self.tr("Show the balance"))
            switch.setChecked(bool(values.balance_check.get(provider)))
        url = QLineEdit(values.base_urls.get(provider, ""))
        default = next((p.base_url for p in TABLE if p.id == provider), None) or ""
        # The default address in full as the placeholder, and room for it: never cut.
        url.setPlaceholderText(default)
        url.setMinimumWidth(self._url_width)
        url.setToolTip(
            self.tr("Base URL, for a proxy or a compatible service. Default: {url}").format(
                url=default
            )
        )
        url.setAccessibleName(self.tr("{name} base URL").format(name=name))
        buttons = QHBoxLayout()
        for button in (set_button, test_button, delete_button):
            buttons.addWidget(button)
        name_label = QLabel(f"<b>{name}</b>")
        name_label.setAccessibleName(name)
        self.name_labels[provider] = name_label
        grid.addWidget(name_label, row, 0)
        grid.addWidget(key_label, row, 1)
        grid.addLayout(buttons, row, 2)
        grid.addWidget(switch, row, 3)
        grid.addWidget(url, row, 4)
        self.key_labels[provider] = key_label
        self.set_buttons[provider] = set_button
        self.test_buttons[provider] = test_button
        self.delete_buttons[provider] = delete_button
        self.switches[provider] = switch
        self.base_urls[provider] = url

    # -- keys (applied at once, in the keyring) ---------------------------------------

    def refresh_keys(self) -> None:
        """Show each provider's key, masked, and what can be done with it."""
        usable = self.keys.keyring_status().usable
        for provider in PROVIDERS:
            try:
                key = self.keys.masked_key(provider) if usable else None
            except SecretsError as exc:
                key = None
                self.result.setText(error_text(exc))
            self.key_labels[provider].setText(key if key else self.tr("no key"))
            self.set_buttons[provider].setText(self.tr("Replace…") if key else self.tr("Set…"))
            self.test_buttons[provider].setEnabled(bool(key) and self.tester is not None)
            self.delete_buttons[provider].setEnabled(bool(key))

    def ask_key(self, provider: str) -> None:
        """Ask for a key (hidden as typed) and store it."""
        key, ok = QInputDialog.getText(
            self,
            self.tr("API key"),
            self.tr("{name} API key (kept in the system keyring):").format(
                name=PROVIDERS[provider]
            ),
            QLineEdit.EchoMode.Password,
        )
        if ok:
            self.set_key(provider, key)

    def set_key(self, provider: str, key: str) -> bool:
        """Store ``key`` for ``provider``; says what happened (never the key)."""
        try:
            self.keys.set_key(provider, key)
        except SecretsError as exc:
            self.result.setText(error_text(exc))
            return False
        self.result.setText(self.tr("The {name} key is stored.").format(name=PROVIDERS[provider]))
        self.refresh_keys()
        return True

    def delete_key(self, provider: str, *, confirm: bool = True) -> bool:
        """Delete the provider's key (after asking)."""
        name = PROVIDERS[provider]
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Delete key"),
                self.tr("Delete the {name} key from the system keyring?").format(name=name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            deleted = self.keys.delete_key(provider)
        except SecretsError as exc:
            self.result.setText(error_text(exc))
            return False
        self.result.setText(self.tr("The {name} key is deleted.").format(name=name))
        self.refresh_keys()
        return deleted

    def test_key(self, provider: str) -> None:
        """Check the stored key against the provider (only when asked), off the UI thread."""
        tester = self.tester
        if tester is None:
            return
        urls = self.values().base_urls
        self.test_buttons[provider].setEnabled(False)
        self.result.setText(self.tr("Asking {name}…").format(name=PROVIDERS[provider]))

        def answered(message: str) -> None:
            self.result.setText(message)
            self.test_buttons[provider].setEnabled(True)

        self._jobs.submit(f"test:{provider}", lambda: tester(provider, urls), answered, answered)

    # -- settings (saved with the dialog) ---------------------------------------------

    def values(self) -> ProviderSettings:
        """The switches and base URLs as set on the page."""
        count = {p: self.switches[p].isChecked() for p in COUNT_PROVIDERS}
        balance = {p: self.switches[p].isChecked() for p in BALANCE_PROVIDERS}
        urls = {p: e.text().strip() for p, e in self.base_urls.items() if e.text().strip()}
        return ProviderSettings(count, balance, urls)
