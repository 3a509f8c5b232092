"""The dialog that adds or edits a plan, checking every field as it is typed.

All the rules live in ``core.plan_input.parse_plan``, the same ones the command line uses;
the dialog collects text, shows each field's message right under the field, and keeps OK
disabled while any field is invalid. A message about a required field the user has not
reached yet is shown as a quiet hint rather than an error.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from PySide6.QtCore import QLocale, QTimeZone
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from tokenbudget.core.errors import PlanInputError
from tokenbudget.core.types import (
    KIND_FIELDS,
    WINDOW_FIELDS,
    Plan,
    PlanKind,
    parse_plan,
    plan_fields,
    time_zones,
)
from tokenbudget.gui.a11y import link_labels
from tokenbudget.gui.formatting import format_int, render
from tokenbudget.gui.geometry import FRAME_ALLOWANCE, available_area
from tokenbudget.gui.plan_form import EPOCH, SECOND, PlanFormMixin, paint_message, qdatetime, secs

#: Fields whose empty text means "none", sent even when they do not apply to the kind, so
#: that switching a subscription to a budget clears its caps.
_CLEARABLE = frozenset({"monthly_tokens", "windows", "low_balance", *WINDOW_FIELDS})
#: Fields typed as numbers: the locale's separators are accepted.
_NUMERIC = frozenset({"amount", "low_balance", "monthly_tokens", *WINDOW_FIELDS})


def system_time_zone() -> str:
    """The IANA name of this computer's time zone, or ``UTC`` when it has none."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return name if name in time_zones() else "UTC"


class PlanDialog(PlanFormMixin, QDialog):
    """Add a plan (``plan`` None) or edit one; ``plan()`` returns the result.

    Args:
        plan: The plan to edit, or None to add one.
        taken_names: Names of the other plans (a name must be unique, ignoring case).
        default_timezone: Time zone of a new plan (default: this computer's).
        now: The moment a new prepaid balance defaults to (default: the clock).
        parent: The parent widget.
    """

    def __init__(
        self,
        plan: Plan | None = None,
        *,
        taken_names: Collection[str] = (),
        default_timezone: str | None = None,
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._base = plan
        self._taken = tuple(taken_names)
        self._locale = QLocale()
        self._touched: set[str] = set()
        self._messages: dict[str, QLabel] = {}
        self._editors: dict[str, QWidget] = {}
        self._rows: dict[str, tuple[QFormLayout, QWidget]] = {}
        self._errors: dict[str, str] = {}
        self.setWindowTitle(self.tr("Edit plan") if plan else self.tr("Add plan"))
        # Wide enough for its two columns, but never wider than a small screen.
        self.setMinimumWidth(min(880, available_area(self).width() - FRAME_ALLOWANCE.width()))
        self._build(now or datetime.now(UTC))
        link_labels(self)
        self._fill(plan, default_timezone or system_time_zone())
        self._connect()
        self._kind_changed()

    # -- values --------------------------------------------------------------------------

    def _fill(self, plan: Plan | None, zone: str) -> None:
        if plan is None:
            self.timezone_box.setCurrentText(zone)
            self.thresholds_edit.setText("50, 80, 100")
            return
        text = plan_fields(plan)
        self.name_edit.setText(text["name"])
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(plan.kind.value)))
        if self.currency_box.findText(plan.currency) < 0:
            self.currency_box.addItem(plan.currency)
        self.currency_box.setCurrentText(plan.currency)
        self.amount_edit.setText(self._shown_number(text["amount"]))
        self.low_balance_edit.setText(self._shown_number(text["low_balance"]))
        self.thresholds_edit.setText(text["thresholds"])
        self.paused_check.setChecked(not plan.active)
        self.reset_day_spin.setValue(plan.reset_day)
        self.timezone_box.setCurrentText(plan.timezone)
        if plan.start is not None:
            self.start_check.setChecked(True)
            self.start_edit.setDateTime(qdatetime(plan.start))
            self._start_secs = secs(plan.start)
            self._start_original = plan.start
        self.monthly_tokens_edit.setText(self._shown_count(text["monthly_tokens"]))
        for field, edit in self.window_edits.items():
            edit.setText(self._shown_count(text[field]))
        self.windows_edit.setText(text["windows"])
        self.providers_edit.setText(text["providers"])
        self.models_edit.setText(text["models"])

    def _shown_count(self, text: str) -> str:
        """A whole number with the locale's digit grouping (``40,000,000``)."""
        return format_int(self._locale, int(text)) if text else ""

    def _shown_number(self, text: str) -> str:
        return text.replace(".", self._point())

    def _plain_number(self, text: str) -> str:
        """The number as the core reads it: no group separators, a ``.`` decimal point."""
        for separator in {self._locale.groupSeparator(), " ", "\u00a0", "\u202f"}:
            if separator != self._point():
                text = text.replace(separator, "")
        return text.replace(self._point(), ".")

    def _start_text(self) -> str:
        if not self.start_check.isChecked():
            return ""
        secs = self.start_edit.dateTime().toSecsSinceEpoch()
        if self._start_original is not None and secs == self._start_secs:
            return self._start_original.isoformat()  # untouched: keep it to the microsecond
        return (EPOCH + secs * SECOND).isoformat()

    def kind(self) -> PlanKind:
        """The kind of plan chosen."""
        return PlanKind(str(self.kind_box.currentData()))

    def fields(self) -> dict[str, str]:
        """The typed fields as ``parse_plan`` reads them (fields of other kinds cleared)."""
        raw = {
            "name": self.name_edit.text(),
            "kind": self.kind().value,
            "currency": self.currency_box.currentText(),
            "amount": self.amount_edit.text(),
            "low_balance": self.low_balance_edit.text(),
            "thresholds": self.thresholds_edit.text(),
            "active": "no" if self.paused_check.isChecked() else "yes",
            "reset_day": str(self.reset_day_spin.value()),
            "timezone": self.timezone_box.currentText(),
            "start": self._start_text(),
            "monthly_tokens": self.monthly_tokens_edit.text(),
            "windows": self.windows_edit.text(),
            "providers": self.providers_edit.text(),
            "models": self.models_edit.text(),
        }
        raw.update({field: edit.text() for field, edit in self.window_edits.items()})
        applies = KIND_FIELDS[self.kind()]
        fields: dict[str, str] = {}
        for field, text in raw.items():
            if field in applies:
                fields[field] = self._plain_number(text) if field in _NUMERIC else text
            elif field in _CLEARABLE:
                fields[field] = ""
        return fields

    def errors(self) -> dict[str, str]:
        """Every invalid field with its message (as last checked)."""
        return dict(self._errors)

    def editor(self, field: str) -> QWidget:
        """The widget ``field`` is typed or chosen in."""
        return self._editors[field]

    def message_label(self, field: str) -> QLabel:
        """The label under ``field`` that shows its message."""
        return self._messages[field]

    def message(self, field: str) -> str:
        """The message shown under ``field`` (empty when there is none)."""
        label = self._messages[field]
        return label.text() if label.isVisibleTo(self) else ""

    def is_error_shown(self, field: str) -> bool:
        """True when ``field`` shows an error (not a hint for a field not yet reached)."""
        return bool(self.message(field)) and self._messages[field].property("severity") == "error"

    def plan(self) -> Plan:
        """The plan as typed (with the edited plan's id).

        Raises:
            PlanInputError: when a field is invalid.
        """
        return parse_plan(self.fields(), base=self._base, taken=self._taken)

    # -- behaviour -----------------------------------------------------------------------

    def _connect(self) -> None:
        edits: dict[str, QLineEdit] = {
            "name": self.name_edit,
            "amount": self.amount_edit,
            "low_balance": self.low_balance_edit,
            "thresholds": self.thresholds_edit,
            "monthly_tokens": self.monthly_tokens_edit,
            "windows": self.windows_edit,
            "providers": self.providers_edit,
            "models": self.models_edit,
            **self.window_edits,
        }
        for field, edit in edits.items():
            edit.textChanged.connect(lambda _text, f=field: self._changed(f))
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.currency_box.currentIndexChanged.connect(lambda _i: self._changed("currency"))
        self.paused_check.toggled.connect(lambda _on: self._changed("active"))
        self.reset_day_spin.valueChanged.connect(lambda _v: self._changed("reset_day"))
        self.timezone_box.currentTextChanged.connect(lambda _t: self._changed("timezone"))
        self.start_check.toggled.connect(self._start_toggled)
        self.start_edit.dateTimeChanged.connect(lambda _d: self._changed("start"))

    def _changed(self, field: str) -> None:
        self._touched.add(field)
        self.validate()

    def _start_toggled(self, on: bool) -> None:
        self.start_edit.setEnabled(on)
        self._changed("start")

    def _kind_changed(self) -> None:
        kind = self.kind()
        applies = KIND_FIELDS[kind]
        for field, (form, holder) in self._rows.items():
            form.setRowVisible(holder, field in applies)
        self.limits_box.setVisible(kind is PlanKind.SUBSCRIPTION)
        amount_form, amount_holder = self._rows["amount"]
        label = amount_form.labelForField(amount_holder)
        if isinstance(label, QLabel):
            label.setText(
                {
                    PlanKind.BUDGET: self.tr("Monthly budget"),
                    PlanKind.SUBSCRIPTION: self.tr("Monthly fee"),
                    PlanKind.PREPAID: self.tr("Balance topped up"),
                }[kind]
            )
        start_form, start_holder = self._rows["start"]
        start_label = start_form.labelForField(start_holder)
        if isinstance(start_label, QLabel):
            start_label.setText(
                self.tr("Topped up") if kind is PlanKind.PREPAID else self.tr("Start")
            )
        prepaid = kind is PlanKind.PREPAID
        self.start_check.setText(self.tr("on") if prepaid else self.tr("only spend from"))
        self.start_note.setText(
            self.tr("Unticked: the balance is topped up now, when the plan is added.")
            if prepaid
            else self.tr("Unticked: all spend in the period counts.")
        )
        self.start_edit.setEnabled(self.start_check.isChecked())
        self.validate()

    def validate(self) -> bool:
        """Check every field, show each message, enable OK when all are valid."""
        try:
            self.plan()
        except PlanInputError as exc:
            self._errors = dict(exc.errors)
        else:
            self._errors = {}
        for field, label in self._messages.items():
            text = self._errors.get(field, "")
            # A required field not reached yet gets a quiet hint, not an error.
            hint = bool(text) and field not in self._touched and self._base is None
            label.setText(render(text) if text else "")
            label.setProperty("severity", "hint" if hint else "error")
            paint_message(label, hint=hint)
            label.setVisible(bool(text))
            editor = self._editors.get(field)
            if editor is not None:
                editor.setAccessibleDescription(label.text())
        self.ok_button.setEnabled(not self._errors)
        return not self._errors

    def accept(self) -> None:
        """Close with OK only when every field is valid."""
        self._touched.update(self._messages)
        if self.validate():
            super().accept()
