"""Settings → exchange rates: the user's own rate per currency beside the ECB reference rate.

One row per currency the app shows (USD, the base, aside): "CNY per 1 USD", a text field
checked as a decimal number as it is typed (a ``QRegularExpressionValidator``, read into a
``Decimal``, never a float), the day the rate is for, the reference rate in use (read-only,
with its source and date), and the row's error, next to the field. An empty field means the
reference rate is used.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, QLocale, QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDateEdit, QGridLayout, QLabel, QLineEdit, QWidget

from tokenbudget.core.types import CURRENCIES, ExchangeRate
from tokenbudget.gui.formatting import format_date, format_decimal

#: Up to 9 whole digits and 10 decimals, with a point or a comma (the user's decimal point).
_NUMBER = QRegularExpression(r"^\s*\d{0,9}([.,]\d{0,10})?\s*$")


class RatesEditor(QWidget):
    """The rates grid; ``rates()`` reads it (errors are shown beside their fields)."""

    def __init__(
        self,
        mine: tuple[ExchangeRate, ...],
        reference: tuple[ExchangeRate, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Exchange rates"))
        locale = QLocale()
        own = {r.currency: r for r in mine}
        ref = {r.currency: r for r in reference}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, title in enumerate(
            (
                self.tr("Currency"),
                self.tr("Your rate"),
                self.tr("Your rate's date"),
                self.tr("Reference rate"),
            )
        ):
            header = QLabel(f"<b>{title}</b>")
            grid.addWidget(header, 0, column)
        self.fields: dict[str, QLineEdit] = {}
        self.dates: dict[str, QDateEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.reference_labels: dict[str, QLabel] = {}
        codes = sorted(set(CURRENCIES) - {"USD"})
        for row, code in enumerate(codes, start=1):
            label = QLabel(self.tr("{code} per 1 USD").format(code=code))
            field = QLineEdit()
            field.setValidator(QRegularExpressionValidator(_NUMBER, field))
            field.setAccessibleName(self.tr("Your rate: {code} per 1 USD").format(code=code))
            label.setBuddy(field)
            rate = own.get(code)
            if rate is not None:
                field.setText(f"{rate.per_usd.normalize():f}")
            reference_rate = ref.get(code)
            field.setPlaceholderText(
                self.tr("reference rate") if reference_rate is not None else self.tr("no rate")
            )
            as_of = rate.as_of if rate is not None else date.today()
            editor = QDateEdit(QDate(as_of.year, as_of.month, as_of.day))
            editor.setCalendarPopup(True)
            editor.setAccessibleName(self.tr("Date of your {code} rate").format(code=code))
            shown = QLabel(self._reference_text(locale, reference_rate))
            error = QLabel()
            error.setStyleSheet("color: #b00020")
            error.setVisible(False)
            editor.setEnabled(rate is not None)  # a date only for a rate of the user's own
            field.textChanged.connect(lambda text, code=code: self._edited(code, text))
            for column, widget in enumerate((label, field, editor, shown, error)):
                grid.addWidget(widget, row, column)
            self.fields[code], self.dates[code] = field, editor
            self.errors[code], self.reference_labels[code] = error, shown
        grid.setColumnStretch(5, 1)

    def _reference_text(self, locale: QLocale, rate: ExchangeRate | None) -> str:
        if rate is None:
            return self.tr("none: set your own to show costs in it")
        return self.tr("{rate} ({source}, {date})").format(
            rate=format_decimal(locale, rate.per_usd, 4),
            source=rate.source,
            date=format_date(locale, rate.as_of),
        )

    def _edited(self, code: str, text: str) -> None:
        self._clear_error(code)
        self.dates[code].setEnabled(bool(text.strip()))

    def _clear_error(self, code: str) -> None:
        self.errors[code].clear()
        self.errors[code].setVisible(False)

    def _error(self, code: str, text: str) -> None:
        self.errors[code].setText(text)
        self.errors[code].setVisible(True)

    def rates(self) -> tuple[ExchangeRate, ...] | None:
        """The user's rates, or None when a field is wrong (its error is shown beside it)."""
        found = []
        ok = True
        decimal_point = QLocale().decimalPoint()
        for code, field in self.fields.items():
            text = field.text().strip().replace(decimal_point, ".").replace(",", ".")
            if not text:
                self._clear_error(code)
                continue
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = Decimal(0)
            if not value.is_finite() or value <= 0:
                self._error(code, self.tr("Enter a number above 0."))
                ok = False
                continue
            self._clear_error(code)
            qdate = self.dates[code].date()
            found.append(ExchangeRate(code, value, date(qdate.year(), qdate.month(), qdate.day())))
        return tuple(found) if ok else None

    def has_rate(self, code: str, reference: tuple[ExchangeRate, ...]) -> bool:
        """True when ``code`` can be shown: USD, a reference rate, or a rate typed here."""
        if code == "USD" or any(r.currency == code for r in reference):
            return True
        field = self.fields.get(code)
        return field is not None and bool(field.text().strip())
