"""Editing one ledger entry: time, model, tokens, cost, note and plan.

Each field is checked as it is typed; a problem shows next to the field and keeps OK
disabled, so the dialog only ever returns an entry the ledger accepts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import EntriesService
from tokenbudget.core.types import (
    CURRENCIES,
    Entry,
    Plan,
    TokenCounts,
    from_micros,
    to_micros,
    to_us,
)
from tokenbudget.gui.a11y import link_labels
from tokenbudget.gui.formatting import error_text
from tokenbudget.gui.palette import Tone, tint

#: The token fields, in the order of the form.
TOKEN_FIELDS = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
)


class EntryDialog(QDialog):
    """Edit ``entry``; ``edited()`` is the result once accepted.

    Args:
        entry: The entry as stored.
        plans: Plans an entry can be assigned to.
        entries: The entries service: model names to offer, and prices for "Price from
            catalogue" (optional).
        parent: The parent widget.
    """

    def __init__(
        self,
        entry: Entry,
        *,
        plans: list[Plan],
        entries: EntriesService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit entry {id}").format(id=entry.id))
        self._entry = entry
        self._entries = entries
        self._edited: Entry | None = None
        self.errors: dict[str, QLabel] = {}

        self.time = QDateTimeEdit(QDateTime.fromMSecsSinceEpoch(_shown_ms(entry)))
        self.time.setCalendarPopup(True)
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.model = QComboBox()
        self.model.setEditable(True)
        if entries is not None:
            self.model.addItems(entries.model_ids())
        self.model.setCurrentText(entry.model)
        self.provider = QLabel()
        self.tokens = {name: QLineEdit(str(getattr(entry.tokens, name))) for name in TOKEN_FIELDS}
        self.cost = QLineEdit(
            "" if entry.cost_micros is None else str(from_micros(entry.cost_micros))
        )
        self.cost.setPlaceholderText(self.tr("empty: unpriced"))
        self.currency = QComboBox()
        self.currency.addItems(list(CURRENCIES))
        self.currency.setCurrentText(entry.currency or "USD")
        self.reprice = QPushButton(self.tr("Price from catalogue"))
        self.reprice.setEnabled(entries is not None)
        self.note = QLineEdit(entry.note or "")
        self.plan = QComboBox()
        self.plan.addItem(self.tr("Every plan that covers it"), None)
        for plan in plans:
            self.plan.addItem(plan.name, plan.id)
        self.plan.setCurrentIndex(max(0, self.plan.findData(entry.plan_id)))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form())
        layout.addWidget(self.buttons)
        link_labels(self)

        self.time.dateTimeChanged.connect(self.validate)
        self.model.currentTextChanged.connect(self.validate)
        for field in (*self.tokens.values(), self.cost, self.note):
            field.textChanged.connect(self.validate)
        self.currency.currentIndexChanged.connect(self.validate)
        self.plan.currentIndexChanged.connect(self.validate)
        self.reprice.clicked.connect(self.price_from_catalogue)
        self.validate()

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow(self.tr("Time"), self._with_error("time", self.time))
        form.addRow(self.tr("Model"), self._with_error("model", self.model))
        form.addRow(self.tr("Provider"), self.provider)
        labels = {
            "input_tokens": self.tr("Input tokens"),
            "cache_read_tokens": self.tr("Cache read tokens"),
            "cache_write_5m_tokens": self.tr("Cache write tokens (5 min)"),
            "cache_write_1h_tokens": self.tr("Cache write tokens (1 hour)"),
            "output_tokens": self.tr("Output tokens"),
        }
        for name in TOKEN_FIELDS:
            form.addRow(labels[name], self._with_error(name, self.tokens[name]))
        cost_row = QHBoxLayout()
        cost_row.addWidget(self.cost, 1)
        cost_row.addWidget(self.currency)
        cost_row.addWidget(self.reprice)
        cost_box = QWidget()
        cost_box.setLayout(cost_row)
        cost_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Cost"), self._with_error("cost", cost_box))
        form.addRow(self.tr("Note"), self.note)
        form.addRow(self.tr("Count toward"), self.plan)
        return form

    def _with_error(self, name: str, field: QWidget) -> QWidget:
        error = QLabel()
        tint(error, Tone.ERROR)
        error.setVisible(False)
        self.errors[name] = error
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        row.addWidget(error)
        return box

    def error(self, name: str) -> str:
        """The message shown next to field ``name`` ("" when it is fine)."""
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""

    def edited(self) -> Entry | None:
        """The entry as edited, or None while a field is invalid."""
        return self._edited

    def validate(self) -> None:
        """Check every field, show what is wrong next to it, and enable OK when all is fine."""
        problems: dict[str, str] = {}
        model = self.model.currentText().strip()
        if not model:
            problems["model"] = self.tr("Enter a model")
        counts: dict[str, int] = {}
        for name, field in self.tokens.items():
            text = field.text().strip().replace(",", "").replace("_", "")
            if not (text.isascii() and text.isdigit()):
                problems[name] = self.tr("A whole number, 0 or more")
            else:
                counts[name] = int(text)
        cost_micros = None
        cost_text = self.cost.text().strip()
        if cost_text:
            try:
                amount = Decimal(cost_text)
            except InvalidOperation:
                amount = Decimal(-1)
            if not amount.is_finite() or amount < 0:
                problems["cost"] = self.tr("A number, 0 or more (empty: unpriced)")
            else:
                cost_micros = to_micros(amount)
        at = self._time()
        if at > datetime.now(UTC) + timedelta(days=1):
            problems["time"] = self.tr("This is in the future")
        info = self._entries.find_model(model) if self._entries is not None and model else None
        provider = info.provider if info is not None else self._entry.provider
        self.provider.setText(info.provider_name if info is not None else provider)
        for name, label in self.errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        self._edited = None
        if not problems:
            try:
                self._edited = replace(
                    self._entry,
                    at=at,
                    model=model,
                    provider=provider,
                    tokens=TokenCounts(**counts),
                    cost_micros=cost_micros,
                    currency=None if cost_micros is None else self.currency.currentText(),
                    note=self.note.text().strip() or None,
                    plan_id=self.plan.currentData(),
                )
            except (TokenbudgetError, ValueError) as exc:  # a backstop: the checks above
                self.errors["cost"].setText(error_text(exc))
                self.errors["cost"].setVisible(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self._edited is not None)

    def _time(self) -> datetime:
        """The time entered, as UTC; the stored time (to the microsecond) if unchanged."""
        ms = self.time.dateTime().toMSecsSinceEpoch()
        if ms == _shown_ms(self._entry):
            return self._entry.at
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)

    def price_from_catalogue(self) -> None:
        """Fill in the cost the catalogue gives for this model and these tokens."""
        if self._entries is None:
            return
        model = self.model.currentText().strip()
        try:
            tokens = TokenCounts(
                **{
                    n: int(f.text().strip().replace(",", "").replace("_", ""))
                    for n, f in self.tokens.items()
                }
            )
        except (ValueError, TokenbudgetError):
            return  # the token fields already say what is wrong
        micros, currency = self._entries.price(model, tokens)
        if micros is None or currency is None:
            self.errors["cost"].setText(self.tr("The catalogue has no price for this model"))
            self.errors["cost"].setVisible(True)
            return
        self.currency.setCurrentText(currency)
        self.cost.setText(str(from_micros(micros)))


def _shown_ms(entry: Entry) -> int:
    """The entry's time in whole seconds, as the editor shows it (milliseconds)."""
    return to_us(entry.at) // 1_000_000 * 1000
