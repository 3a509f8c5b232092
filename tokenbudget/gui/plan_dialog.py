"""The dialog that adds or edits a plan, checking every field as it is typed.

All the rules live in ``core.plan_input.parse_plan``, the same ones the command line uses;
the dialog collects text, shows each field's message right under the field, and keeps OK
disabled while any field is invalid. A message about a required field the user has not
reached yet is shown as a quiet hint rather than an error.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, QTimeZone
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import PlanInputError
from tokenbudget.core.money import CURRENCIES
from tokenbudget.core.plan_input import (
    KIND_FIELDS,
    WINDOW_FIELDS,
    parse_plan,
    plan_fields,
    time_zones,
)
from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.gui.formatting import format_int

#: Fields whose empty text means "none", sent even when they do not apply to the kind, so
#: that switching a subscription to a budget clears its caps.
_CLEARABLE = frozenset({"monthly_tokens", "windows", "low_balance", *WINDOW_FIELDS})
#: Fields typed as numbers: the locale's separators are accepted.
_NUMERIC = frozenset({"amount", "low_balance", "monthly_tokens", *WINDOW_FIELDS})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_ERROR_COLOR = QColor(198, 40, 40)


def system_time_zone() -> str:
    """The IANA name of this computer's time zone, or ``UTC`` when it has none."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return name if name in time_zones() else "UTC"


class PlanDialog(QDialog):
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
        self.setMinimumWidth(880)
        self._build(now or datetime.now(UTC))
        self._fill(plan, default_timezone or system_time_zone())
        self._connect()
        self._kind_changed()

    # -- building ------------------------------------------------------------------------

    def _build(self, now: datetime) -> None:
        self._build_plan_editors()
        self._build_period_editors(now)
        self._build_limit_editors()
        self._build_scope_editors()
        self._lay_out()

    def _build_plan_editors(self) -> None:
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)  # the core refuses more than 80; say so, not truncate
        self.name_edit.setPlaceholderText(self.tr("e.g. OpenAI API, Claude Max, DeepSeek 充值"))
        self.kind_box = QComboBox()
        for kind, text in (
            (PlanKind.BUDGET, self.tr("Pay-as-you-go budget")),
            (PlanKind.SUBSCRIPTION, self.tr("Subscription")),
            (PlanKind.PREPAID, self.tr("Prepaid balance")),
        ):
            self.kind_box.addItem(text, kind.value)
        self.currency_box = QComboBox()
        self.currency_box.addItems(list(CURRENCIES))
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(self._locale.toString(50) + self._point() + "00")
        self.low_balance_edit = QLineEdit()
        self.low_balance_edit.setPlaceholderText(self.tr("Optional: warn below this balance"))
        self.thresholds_edit = QLineEdit()
        self.thresholds_edit.setPlaceholderText("50, 80, 100")
        self.paused_check = QCheckBox(self.tr("Paused (kept, but left out of status)"))

    def _build_period_editors(self, now: datetime) -> None:
        self.reset_day_spin = QSpinBox()
        self.reset_day_spin.setRange(1, 31)
        self.reset_day_spin.setToolTip(
            self.tr("In months shorter than this, the period starts on the last day.")
        )
        self.timezone_box = QComboBox()
        self.timezone_box.setEditable(True)
        self.timezone_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        zones = time_zones()
        self.timezone_box.addItems(zones)
        completer = QCompleter(zones, self.timezone_box)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone_box.setCompleter(completer)
        self.start_check = QCheckBox()
        self.start_edit = QDateTimeEdit(_qdatetime(now))
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat(
            self._locale.dateTimeFormat(QLocale.FormatType.ShortFormat)
        )
        self._start_secs = _secs(now)
        self._start_original: datetime | None = None

    def _build_limit_editors(self) -> None:
        self.monthly_tokens_edit = QLineEdit()
        self.monthly_tokens_edit.setPlaceholderText(self.tr("No monthly cap"))
        self.window_edits: dict[str, QLineEdit] = {}
        for field, (_, what) in WINDOW_FIELDS.items():
            edit = QLineEdit()
            edit.setPlaceholderText(
                self.tr("Tokens: no cap") if what == "tokens" else self.tr("Requests: no cap")
            )
            self.window_edits[field] = edit
        self.windows_edit = QLineEdit()
        self.windows_edit.setPlaceholderText(self.tr("Other windows, e.g. 24h:requests=500"))

    def _build_scope_editors(self) -> None:
        self.providers_edit = QLineEdit()
        self.providers_edit.setPlaceholderText(self.tr("All providers, or e.g. anthropic, openai"))
        self.models_edit = QLineEdit()
        self.models_edit.setPlaceholderText(self.tr("All models, or patterns like claude-*"))

    def _lay_out(self) -> None:
        plan_box = self._plan_group()
        period_box = self._period_group()
        self.limits_box = self._limits_group()
        covers_box = self._covers_group()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Save") if self._base else self.tr("Add plan"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(plan_box)
        left.addWidget(period_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.limits_box)
        right.addWidget(covers_box)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.buttons)

    def _plan_group(self) -> QGroupBox:
        plan_box, plan_form = self._group(self.tr("Plan"))
        self._row(plan_form, "name", self.tr("Name"), self.name_edit)
        self._row(plan_form, "kind", self.tr("Kind"), self.kind_box)
        self._row(plan_form, "currency", self.tr("Currency"), self.currency_box)
        self._row(plan_form, "amount", self.tr("Monthly budget"), self.amount_edit)
        self._row(plan_form, "low_balance", self.tr("Low balance"), self.low_balance_edit)
        self._row(plan_form, "thresholds", self.tr("Alert at (%)"), self.thresholds_edit)
        self._row(plan_form, "active", "", self.paused_check)
        return plan_box

    def _period_group(self) -> QGroupBox:
        period_box, period_form = self._group(self.tr("Period"))
        self._row(period_form, "reset_day", self.tr("Starts on day"), self.reset_day_spin)
        self._row(period_form, "timezone", self.tr("Time zone"), self.timezone_box)
        start_row = QWidget()
        start_layout = QGridLayout(start_row)
        start_layout.setContentsMargins(0, 0, 0, 0)
        start_layout.setVerticalSpacing(2)
        start_layout.addWidget(self.start_check, 0, 0)
        start_layout.addWidget(self.start_edit, 0, 1)
        start_layout.setColumnStretch(1, 1)
        self.start_note = QLabel()
        self.start_note.setWordWrap(True)
        _paint(self.start_note, hint=True)
        start_layout.addWidget(self.start_note, 1, 0, 1, 2)
        self._row(period_form, "start", self.tr("Start"), start_row)
        return period_box

    def _limits_group(self) -> QGroupBox:
        limits_box, limits_form = self._group(self.tr("Usage limits"))
        monthly = self.monthly_tokens_edit
        self._row(limits_form, "monthly_tokens", self.tr("Tokens a month"), monthly)
        for hours, title in ((5, self.tr("5-hour window")), (168, self.tr("Weekly window"))):
            label = "5h" if hours == 5 else "7d"
            limits_form.addRow(title, self._window_row(label))
        self._row(limits_form, "windows", self.tr("Other windows"), self.windows_edit)
        return limits_box

    def _covers_group(self) -> QGroupBox:
        covers_box, covers_form = self._group(self.tr("Counts spend of"))
        self._row(covers_form, "providers", self.tr("Providers"), self.providers_edit)
        self._row(covers_form, "models", self.tr("Models"), self.models_edit)
        covers_note = QLabel(
            self.tr(
                "Entries recorded for this plan always count; other entries count when they "
                "match both lists."
            )
        )
        covers_note.setWordWrap(True)
        _paint(covers_note, hint=True)
        covers_form.addRow(covers_note)
        return covers_box

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    def _message_label(self, field: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"message_{field}")
        label.setWordWrap(True)
        label.setVisible(False)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)
        self._messages[field] = label
        return label

    def _with_message(self, field: str, editor: QWidget) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        box.addWidget(self._message_label(field))
        self._editors[field] = editor
        return holder

    def _row(self, form: QFormLayout, field: str, title: str, editor: QWidget) -> None:
        holder = self._with_message(field, editor)
        form.addRow(title, holder)
        self._rows[field] = (form, holder)

    def _window_row(self, label: str) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        for column, what in enumerate(("tokens", "requests")):
            field = f"window_{label}_{what}"
            grid.addWidget(self.window_edits[field], 0, column)
            grid.addWidget(self._message_label(field), 1, column)
            self._editors[field] = self.window_edits[field]
        return holder

    def _point(self) -> str:
        return self._locale.decimalPoint()

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
            self.start_edit.setDateTime(_qdatetime(plan.start))
            self._start_secs = _secs(plan.start)
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
        return (_EPOCH + secs * _SECOND).isoformat()

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
            label.setText(QCoreApplication.translate("PlanInput", text) if text else "")
            label.setProperty("severity", "hint" if hint else "error")
            _paint(label, hint=hint)
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


def _paint(label: QLabel, *, hint: bool) -> None:
    """Grey like placeholder text for a hint, red for an error."""
    palette = label.palette()
    role = QPalette.ColorRole.WindowText
    if hint:
        palette.setColor(role, palette.color(QPalette.ColorRole.PlaceholderText))
    else:
        palette.setColor(role, _ERROR_COLOR)
    label.setPalette(palette)


def _secs(moment: datetime) -> int:
    return (moment - _EPOCH) // _SECOND


def _qdatetime(moment: datetime) -> QDateTime:
    """``moment`` as a local ``QDateTime`` (to the second)."""
    return QDateTime.fromSecsSinceEpoch(_secs(moment))
