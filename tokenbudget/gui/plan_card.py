"""One plan as a card: its caps as bars, spend, burn rate, projection and when a cap is hit.

Everything shown is computed in ``core.plan_cards``; this module only formats it for the
user's locale and colours it by level (normal, warning from 80 %, over from 100 %).
Moments are shown in the computer's local time; the period's days in the plan's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QDate, QLocale, Qt, QTime, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.balances import BalanceResult
from tokenbudget.core.money import Money, from_micros
from tokenbudget.core.plan_cards import CapBar, Countdown, Level, PlanCard
from tokenbudget.core.plans import CapStatus, Measure, PlanKind
from tokenbudget.gui.formatting import format_decimal, format_int, format_money

#: Accent colours by level (bar chunk, card edge, level chip text).
COLORS = {
    Level.NORMAL: QColor(59, 130, 246),
    Level.WARNING: QColor(217, 119, 6),
    Level.OVER: QColor(220, 38, 38),
}
PAUSED_COLOR = QColor(156, 163, 175)
#: The figures under the bars, in the order shown (``PlanCardWidget.stats`` keys).
STAT_KEYS = ("fee", "value", "spent", "remaining", "burn", "projected", "reach")
_CHIP_BACKGROUNDS = {
    Level.WARNING: QColor(254, 243, 199),
    Level.OVER: QColor(254, 226, 226),
}


class BarRow(QWidget):
    """One cap: title, amounts and percentage above a bar, countdown below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.amount = QLabel()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.percent = QLabel()
        self.percent.setMinimumWidth(48)
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bold = self.percent.font()
        bold.setBold(True)
        self.percent.setFont(bold)
        self.bar = QProgressBar()
        self.bar.setRange(0, 10_000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        _small(self.caption)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.amount)
        top.addWidget(self.percent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.caption)

    def paint(self, color: QColor) -> None:
        """Colour the bar's fill and the percentage."""
        self.bar.setStyleSheet(
            "QProgressBar { background: rgba(128, 128, 128, 60); border: none;"
            " border-radius: 4px; }"
            f"QProgressBar::chunk {{ background: {color.name()}; border-radius: 4px; }}"
        )
        _color(self.percent, color)


class PlanCardWidget(QFrame):
    """A plan's card; ``set_card`` shows a new status of the same plan.

    Signals:
        edit_requested(int): The Edit button was pressed (the plan's id).
        remove_requested(int): The Remove button was pressed (the plan's id).
    """

    edit_requested = Signal(int)
    remove_requested = Signal(int)

    def __init__(self, card: PlanCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._locale = QLocale()
        header = self._header()
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        _small(self.subtitle)
        _dim(self.subtitle)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        _small(self.notes)
        _dim(self.notes)
        #: What the providers say is left (prepaid plans with balance checking on).
        self.balance = QLabel()
        self.balance.setWordWrap(True)
        self.balance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _small(self.balance)
        self.balance.hide()

        self._bars_layout = QVBoxLayout()
        self._bars_layout.setSpacing(10)
        self._stats_layout = QGridLayout()
        self._stats_layout.setHorizontalSpacing(12)
        self._stats_layout.setVerticalSpacing(4)
        self._stats_layout.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 14, 14)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.subtitle)
        layout.addSpacing(4)
        layout.addLayout(self._bars_layout)
        layout.addSpacing(4)
        layout.addLayout(self._stats_layout)
        layout.addWidget(self.balance)
        layout.addWidget(self.notes)
        #: The bars, in the order of the plan's caps.
        self.bars: list[BarRow] = []
        #: Value labels of the figures below the bars, by key: ``spent``, ``fee``,
        #: ``remaining``, ``value``, ``burn``, ``projected``, ``reach``.
        self.stats: dict[str, QLabel] = {}
        self._stat_labels: dict[str, tuple[QLabel | None, QLabel]] = {}
        self._make_stats()
        self.card = card
        self.set_card(card)

    def _header(self) -> QHBoxLayout:
        """Name, level chip, Edit and Remove."""
        self.name_label = QLabel()
        self.name_label.setWordWrap(True)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        title_font = QFont(self.name_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.name_label.setFont(title_font)
        self.chip = QLabel()
        self.edit_button = QToolButton()
        self.edit_button.setText(self.tr("Edit"))
        self.remove_button = QToolButton()
        self.remove_button.setText(self.tr("Remove"))
        for button in (self.edit_button, self.remove_button):
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.plan_id))
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.plan_id))
        header = QHBoxLayout()
        header.addWidget(self.name_label, 1)
        header.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        return header

    @property
    def plan_id(self) -> int:
        """The plan's ledger id."""
        return self.card.status.plan.id

    @property
    def level(self) -> Level:
        """The plan's level as shown."""
        return self.card.level

    def set_card(self, card: PlanCard) -> None:
        """Show ``card`` (a fresh status of this plan)."""
        self.card = card
        self._year = card.status.now.astimezone().year
        plan = card.status.plan
        self.name_label.setText(plan.name)
        self.setProperty("level", "paused" if card.paused else card.level.value)
        width = 1 if card.paused or card.level is Level.NORMAL else 2
        self.setStyleSheet(
            "QFrame#planCard { background: palette(base); border-radius: 8px;"
            f" border: {width}px solid {_border(card)}; }}"
        )
        self._show_chip(card)
        self.subtitle.setText(self._subtitle(card))
        self._show_bars(card)
        self._show_stats(card)
        notes = self._notes(card)
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.edit_button.setToolTip(self.tr("Edit “{name}”").format(name=plan.name))
        self.remove_button.setToolTip(self.tr("Remove “{name}”").format(name=plan.name))

    def set_balances(self, results: list[BalanceResult]) -> None:
        """Show the providers' own balances (or why they could not be read); [] hides them."""
        lines = []
        for result in results:
            local = result.as_of.astimezone()
            checked = self._locale.toString(
                QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat
            )
            if result.balance is not None:
                balance = result.balance
                amount = self._money(Money(balance.amount, balance.currency))
                line = self.tr("Balance at provider: {amount} (checked {time})").format(
                    amount=amount, time=checked
                )
            else:
                line = self.tr("Balance at provider: not available ({reason}, {time})").format(
                    reason=result.error or "", time=checked
                )
            if len(results) > 1:
                line = f"{result.provider}: {line}"
            lines.append(line)
        self.balance.setText("\n".join(lines))
        self.balance.setVisible(bool(lines))

    # -- parts ---------------------------------------------------------------------------

    def _show_chip(self, card: PlanCard) -> None:
        if card.paused:
            text, color, background = self.tr("Paused"), PAUSED_COLOR, QColor(243, 244, 246)
        elif card.level is Level.OVER:
            text, color = self.tr("Over cap"), COLORS[Level.OVER]
            background = _CHIP_BACKGROUNDS[Level.OVER]
        elif card.level is Level.WARNING:
            text = self.tr("Low balance") if card.status.low_balance else self.tr("Near cap")
            color, background = COLORS[Level.WARNING], _CHIP_BACKGROUNDS[Level.WARNING]
        else:
            self.chip.hide()
            return
        self.chip.setText(text)
        self.chip.setStyleSheet(
            f"QLabel {{ color: {color.name()}; background: {background.name()};"
            " border-radius: 9px; padding: 2px 8px; font-weight: bold; }"
        )
        self.chip.show()

    def _subtitle(self, card: PlanCard) -> str:
        plan = card.status.plan
        kind = {
            PlanKind.BUDGET: self.tr("Monthly budget"),
            PlanKind.SUBSCRIPTION: self.tr("Subscription"),
            PlanKind.PREPAID: self.tr("Prepaid balance"),
        }[plan.kind]
        parts = [kind]
        if card.last_day is None:
            parts.append(self.tr("since {day}").format(day=self._day(card.first_day)))
        else:
            parts.append(
                self.tr("{first} – {last}").format(
                    first=self._day(card.first_day), last=self._day(card.last_day)
                )
            )
        if card.period_resets_in is not None:
            parts.append(
                self.tr("resets in {time}").format(time=self._countdown(card.period_resets_in))
            )
        scope = ", ".join(plan.providers) or self.tr("all providers")
        if plan.models:
            scope += " (" + ", ".join(plan.models) + ")"
        parts.append(scope)
        return " · ".join(parts)

    def _show_bars(self, card: PlanCard) -> None:
        while len(self.bars) > len(card.bars):
            row = self.bars.pop()
            self._bars_layout.removeWidget(row)
            row.deleteLater()
        while len(self.bars) < len(card.bars):
            row = BarRow(self)
            self._bars_layout.addWidget(row)
            row.show()  # now, not on the next event-loop turn (see ``_make_stats``)
            self.bars.append(row)
        for row, bar in zip(self.bars, card.bars, strict=True):
            self._show_bar(row, bar, card)

    def _show_bar(self, row: BarRow, bar: CapBar, card: PlanCard) -> None:
        cap = bar.cap
        row.title.setText(self._cap_title(cap, card.status.plan.kind))
        row.amount.setText(
            self.tr("{used} of {limit}").format(
                used=self._measure(cap.used, cap, card), limit=self._measure(cap.limit, cap, card)
            )
        )
        row.percent.setText(self._percent(cap.basis_points))
        row.bar.setValue(bar.fill)
        row.bar.setToolTip(
            self.tr("{percent} used").format(percent=self._percent(cap.basis_points, exact=True))
        )
        row.paint(PAUSED_COLOR if card.paused else COLORS[bar.level])
        caption = self._bar_caption(bar, card)
        row.caption.setText(caption)
        row.caption.setVisible(bool(caption))
        _dim(row.caption)

    def _bar_caption(self, bar: CapBar, card: PlanCard) -> str:
        """For rolling windows: when the window frees up, and when it fills at this rate."""
        if bar.cap.window_hours is None:
            return ""
        parts = []
        if bar.resets_in is None:
            parts.append(self.tr("nothing used in this window"))
        else:
            parts.append(self.tr("resets in {time}").format(time=self._countdown(bar.resets_in)))
        if bar.reached_at is not None:
            when = self._when(bar.reached_at, card.status.now, already=bar.already_reached)
            if bar.already_reached:
                parts.append(self.tr("cap reached {when}").format(when=when))
            else:
                parts.append(self.tr("full {when} at this rate").format(when=when))
        return " · ".join(parts)

    def _make_stats(self) -> None:
        """One row per figure, made once and shown or hidden for each plan kind.

        Made up front, not as needed: a widget added to a shown card only appears on the
        next turn of the event loop, and a grid that measured the card before that keeps
        the smaller height.
        """
        for key in STAT_KEYS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row = self._stats_layout.rowCount()
            if key == "value":  # a sentence of its own, across both columns
                self._stats_layout.addWidget(value, row, 0, 1, 2)
                name = None
            else:
                name = QLabel()
                _dim(name)
                self._stats_layout.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
                self._stats_layout.addWidget(value, row, 1)
            self._stat_labels[key] = (name, value)

    def _show_stats(self, card: PlanCard) -> None:
        rows = {key: (title, text, color) for key, title, text, color in self._stat_rows(card)}
        self.stats = {}
        for key, (name, value) in self._stat_labels.items():
            shown = key in rows
            if shown:
                title, text, color = rows[key]
                value.setText(text)
                _color(value, color or self.palette().color(QPalette.ColorRole.WindowText))
                if name is not None:
                    name.setText(title)
                self.stats[key] = value
            value.setVisible(shown)
            if name is not None:
                name.setVisible(shown)

    def _stat_rows(self, card: PlanCard) -> list[tuple[str, str, str, QColor | None]]:
        plan = card.status.plan
        over = COLORS[Level.OVER]
        rows: list[tuple[str, str, str, QColor | None]] = []
        if card.value is not None:
            rows.append(
                (
                    "fee",
                    self.tr("Fee"),
                    self.tr("{fee} a month").format(fee=self._money(card.limit)),
                    None,
                )
            )
            ratio = card.value.ratio
            text = self.tr("API-equivalent value {value} vs fee {fee}").format(
                value=self._money(card.value.api_equivalent), fee=self._money(card.value.fee)
            )
            if ratio is not None:
                text += " " + self.tr("({ratio}×)").format(
                    ratio=format_decimal(self._locale, ratio, 2)
                )
            rows.append(("value", "", text, None))
        else:
            spent = self.tr("{spent} of {limit}").format(
                spent=self._money(card.spent), limit=self._money(card.limit)
            )
            rows.append(("spent", self.tr("Spent"), spent, None))
        if card.remaining is not None:
            if card.remaining.amount < 0:
                over_by = Money(
                    -card.remaining.amount, card.remaining.currency, card.remaining.converted
                )
                text = self.tr("none: over by {amount}").format(amount=self._money(over_by))
                rows.append(("remaining", self.tr("Remaining"), text, over))
            else:
                rows.append(("remaining", self.tr("Remaining"), self._money(card.remaining), None))
        burn = self.tr("{amount} a day").format(amount=self._money(card.burn_per_day))
        if plan.kind is PlanKind.SUBSCRIPTION:
            burn = self.tr("{amount} a day at API prices").format(
                amount=self._money(card.burn_per_day)
            )
        rows.append(("burn", self.tr("Burn rate"), burn, None))
        if card.projected is not None and card.last_day is not None:
            title = self.tr("By {day}").format(day=self._day(card.last_day))
            text = self._money(card.projected)
            color = None
            if card.projected_basis_points is not None:
                text += " " + self.tr("({percent} of budget)").format(
                    percent=self._percent(card.projected_basis_points)
                )
                if card.projected_basis_points >= 10_000:
                    color = over
            elif plan.kind is PlanKind.SUBSCRIPTION:
                text += " " + self.tr("at API prices")
            rows.append(("projected", title, text, color))
        if card.bars:
            title = (
                self.tr("Balance runs out")
                if plan.kind is PlanKind.PREPAID
                else self.tr("Cap reached")
            )
            text, color = self._reach_text(card)
            rows.append(("reach", title, text, color))
        return rows

    def _reach_text(self, card: PlanCard) -> tuple[str, QColor | None]:
        reach = card.reach
        if reach is None:
            return self.tr("not at this rate"), None
        text = self._when(reach.at, card.status.now, already=reach.already)
        if len(card.bars) > 1:
            text += " " + self.tr("({cap})").format(
                cap=self._cap_title(reach.cap, card.status.plan.kind)
            )
        return text, COLORS[Level.OVER] if reach.already else None

    def _notes(self, card: PlanCard) -> list[str]:
        status = card.status
        notes = []
        if status.unpriced_entries:
            notes.append(
                self.tr("%n unpriced entries are not in the spend.", "", status.unpriced_entries)
            )
        if status.converted_entries:
            notes.append(
                self.tr(
                    "~ %n entries converted with your exchange rates.",
                    "",
                    status.converted_entries,
                )
            )
        if card.paused:
            notes.append(self.tr("Paused: not counted in status or alerts."))
        return notes

    # -- formatting ----------------------------------------------------------------------

    def _cap_title(self, cap: CapStatus, kind: PlanKind) -> str:
        if cap.measure is Measure.MONEY:
            return self.tr("Balance") if kind is PlanKind.PREPAID else self.tr("Budget")
        what = self.tr("tokens") if cap.measure is Measure.TOKENS else self.tr("requests")
        hours = cap.window_hours
        if hours is None:
            return self.tr("Monthly {what}").format(what=what)
        if hours == 5:
            window = self.tr("5-hour window")
        elif hours == 168:
            window = self.tr("Weekly window")
        elif hours % 24 == 0:
            window = self.tr("%n-day window", "", hours // 24)
        else:
            window = self.tr("%n-hour window", "", hours)
        return self.tr("{window}, {what}").format(window=window, what=what)

    def _measure(self, value: int, cap: CapStatus, card: PlanCard) -> str:
        if cap.measure is Measure.MONEY:
            return self._money(Money(from_micros(value), card.status.plan.currency))
        return format_int(self._locale, value)

    def _money(self, money: Money) -> str:
        return format_money(self._locale, money)

    def _percent(self, basis_points: int, *, exact: bool = False) -> str:
        value = Decimal(basis_points) / 100
        if not exact:
            value = Decimal(basis_points // 100)
        return self.tr("{number} %").format(
            number=format_decimal(self._locale, value, 2 if exact else 0)
        )

    def _countdown(self, left: Countdown) -> str:
        if left.days:
            return self.tr("{days} d {hours} h").format(days=left.days, hours=left.hours)
        if left.hours:
            return self.tr("{hours} h {minutes} min").format(hours=left.hours, minutes=left.minutes)
        return self.tr("{minutes} min").format(minutes=left.minutes)

    def _day(self, day: date) -> str:
        qdate = QDate(day.year, day.month, day.day)
        pattern = self.tr("d MMM") if day.year == self._year else self.tr("d MMM yyyy")
        return self._locale.toString(qdate, pattern)

    def _when(self, at: datetime, now: datetime, *, already: bool) -> str:
        """``around 16:40 today``, ``around 23 Nov``, ``at 14:02 today``, ``on 20 Nov``.

        In local time; a time of day when it is today, tomorrow or yesterday, else a day.
        """
        local, today = at.astimezone(), now.astimezone().date()
        clock = self._locale.toString(
            QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat
        )
        days = (local.date() - today).days
        if already:
            if days == 0:
                return self.tr("at {time} today").format(time=clock)
            if days == -1:
                return self.tr("at {time} yesterday").format(time=clock)
            return self.tr("on {day}").format(day=self._day(local.date()))
        if days == 0:
            return self.tr("around {time} today").format(time=clock)
        if days == 1:
            return self.tr("around {time} tomorrow").format(time=clock)
        return self.tr("around {day}").format(day=self._day(local.date()))


def _border(card: PlanCard) -> str:
    if card.paused or card.level is Level.NORMAL:
        return "rgba(128, 128, 128, 90)"
    return COLORS[card.level].name()


def _small(label: QLabel) -> None:
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)


def _dim(label: QLabel) -> None:
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)


def _color(label: QLabel, color: QColor) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)
