"""One plan as a card: its caps as bars, spend, burn rate, projection and when a cap is hit.

Everything shown is computed in ``core.plan_cards``; this module only formats it for the
user's locale and colours it by level (normal, warning from 80 %, over from 100 %).
Moments are shown in the computer's local time; the period's days in the plan's time zone.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, QTime, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
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

from tokenbudget.core.types import BalanceResult, CapBar, Level, Money, PlanCard
from tokenbudget.gui import palette
from tokenbudget.gui.formatting import render
from tokenbudget.gui.palette import Tone
from tokenbudget.gui.plan_card_text import (
    COLORS,
    PAUSED_COLOR,
    STAT_KEYS,
    CardTextMixin,
)


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
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(3)
        self.column.addLayout(top)
        self.column.addWidget(self.bar)
        self.column.addWidget(self.caption)

    def paint(self, color: QColor) -> None:
        """Colour the bar's fill and the percentage."""
        self.bar.setStyleSheet(
            "QProgressBar { background: rgba(128, 128, 128, 60); border: none;"
            " border-radius: 4px; }"
            f"QProgressBar::chunk {{ background: {color.name()}; border-radius: 4px; }}"
        )
        # The percentage is text: the accent, made lighter or darker until it reads on the
        # card's background under the current theme.
        colours = palette.current()
        _color(self.percent, palette.readable(color, colours.base, colours.dark))


class OfficialRowWidget(BarRow):
    """One official window: its title and percentage above a bar, then two lines.

    The lines are the official figure (reset, when seen, stale) and our estimate of the
    window of the same length.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount.hide()
        self.caption.hide()
        self.official_line = QLabel()
        self.official_line.setWordWrap(True)
        _small(self.official_line)
        self.estimate_line = QLabel()
        self.estimate_line.setWordWrap(True)
        _small(self.estimate_line)
        _dim(self.estimate_line)
        self.column.addWidget(self.official_line)
        self.column.addWidget(self.estimate_line)


class PlanCardWidget(CardTextMixin, QFrame):
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
        # Reachable with Tab (Enter edits it), and its focus shows as a highlighted border.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
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

        self._official_layout = QVBoxLayout()
        self._official_layout.setSpacing(10)
        #: One row per official window: the provider's figure beside our estimate.
        self.official: list[OfficialRowWidget] = []
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
        layout.addLayout(self._official_layout)
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

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter or Return edits the focused card's plan."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.edit_requested.emit(self.plan_id)
            return
        super().keyPressEvent(event)

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
            " QFrame#planCard:focus { border: 2px solid palette(highlight); }"
        )
        self.setAccessibleName(self.tr("Plan {name}").format(name=plan.name))
        self._show_chip(card)
        self.subtitle.setText(self._subtitle(card))
        self._show_official(card)
        self._show_bars(card)
        self._show_stats(card)
        notes = self._notes(card)
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.edit_button.setToolTip(self.tr("Edit “{name}”").format(name=plan.name))
        self.remove_button.setToolTip(self.tr("Remove “{name}”").format(name=plan.name))
        self.edit_button.setAccessibleName(self.edit_button.toolTip())
        self.remove_button.setAccessibleName(self.remove_button.toolTip())
        state = self.chip.text() if self.chip.isVisibleTo(self) else ""
        self.setAccessibleDescription(
            " · ".join(part for part in (self.subtitle.text(), state) if part)
        )

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
                    reason=render(result.error or ""), time=checked
                )
            if len(results) > 1:
                line = f"{result.provider}: {line}"
            lines.append(line)
        self.balance.setText("\n".join(lines))
        self.balance.setVisible(bool(lines))

    # -- parts ---------------------------------------------------------------------------

    def _show_chip(self, card: PlanCard) -> None:
        if card.paused:
            text, tone, accent = self.tr("Paused"), Tone.MUTED, PAUSED_COLOR
        elif card.level is Level.OVER:
            text, tone, accent = self.tr("Over cap"), Tone.ERROR, COLORS[Level.OVER]
        elif card.level is Level.WARNING:
            text = self.tr("Low balance") if card.status.low_balance else self.tr("Near cap")
            tone, accent = Tone.WARNING, COLORS[Level.WARNING]
        else:
            self.chip.hide()
            return
        self.chip.setText(text)
        # A translucent tint of the level's accent over the card: the text colour is the
        # theme's (checked for contrast on light and dark), not a light-theme hex.
        color = palette.current().tone(tone)
        self.chip.setStyleSheet(
            f"QLabel {{ color: {color.name()};"
            f" background: rgba({accent.red()}, {accent.green()}, {accent.blue()}, 40);"
            " border-radius: 9px; padding: 2px 8px; font-weight: bold; }"
        )
        self.chip.show()

    def _show_official(self, card: PlanCard) -> None:
        while len(self.official) > len(card.official):
            gone = self.official.pop()
            self._official_layout.removeWidget(gone)
            gone.deleteLater()
        while len(self.official) < len(card.official):
            widget = OfficialRowWidget(self)
            self._official_layout.addWidget(widget)
            widget.show()
            self.official.append(widget)
        for widget, row in zip(self.official, card.official, strict=True):
            widget.title.setText(self._official_title(row))
            widget.percent.setText(self._percent(row.basis_points))
            widget.bar.setValue(row.fill)
            widget.bar.setToolTip(
                self.tr("{percent} used, as the provider reports it").format(
                    percent=self._percent(row.basis_points, exact=True)
                )
            )
            color = PAUSED_COLOR if card.paused or row.stale else COLORS[row.level]
            widget.paint(color)
            widget.official_line.setText(self._official_line(row, card))
            estimate = self._estimate_line(row)
            widget.estimate_line.setText(estimate)
            widget.estimate_line.setVisible(bool(estimate))

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
        row.amount.setText(self._bar_amount(bar, card))
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
