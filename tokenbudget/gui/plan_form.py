"""The plan dialog's form: its editors, grouped and laid out (a mixin of ``PlanDialog``).

A mixin, so that every string keeps the dialog's translation context. Each field's editor is
registered in ``_editors`` with a message label under it (``_messages``); the dialog's logic
(filling, reading, checking) is in ``plan_dialog``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
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

from tokenbudget.core.types import CURRENCIES, WINDOW_FIELDS, Plan, PlanKind, time_zones

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ERROR_COLOR = QColor(198, 40, 40)
SECOND = timedelta(seconds=1)


def secs(moment: datetime) -> int:
    """Whole seconds since the epoch."""
    return (moment - EPOCH) // SECOND


def qdatetime(moment: datetime) -> QDateTime:
    """``moment`` as a local ``QDateTime`` (to the second)."""
    return QDateTime.fromSecsSinceEpoch(secs(moment))


def paint_message(label: QLabel, *, hint: bool) -> None:
    """Grey like placeholder text for a hint, red for an error."""
    palette = label.palette()
    role = QPalette.ColorRole.WindowText
    if hint:
        palette.setColor(role, palette.color(QPalette.ColorRole.PlaceholderText))
    else:
        palette.setColor(role, _ERROR_COLOR)
    label.setPalette(palette)


class PlanFormMixin:
    """The editors of ``PlanDialog``."""

    _base: Plan | None
    _locale: QLocale
    _messages: dict[str, QLabel]
    _editors: dict[str, QWidget]
    _rows: dict[str, tuple[QFormLayout, QWidget]]

    if TYPE_CHECKING:

        def tr(self, source: str, disambiguation: str | None = None, n: int = -1) -> str:
            """Provided by Qt (the dialog is a ``QWidget``)."""
            ...

        def accept(self) -> None:
            """Provided by ``QDialog``."""

        def reject(self) -> None:
            """Provided by ``QDialog``."""

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
        self.start_edit = QDateTimeEdit(qdatetime(now))
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat(
            self._locale.dateTimeFormat(QLocale.FormatType.ShortFormat)
        )
        self._start_secs = secs(now)
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
        assert isinstance(self, QWidget)
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
        paint_message(self.start_note, hint=True)
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
        paint_message(covers_note, hint=True)
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
