"""The budgets view: every plan as a card in a grid that reflows with the width.

Figures come from the ledger through ``service.plans`` (its ``cards``); the view
refreshes them on a timer while it is shown (so reset countdowns move), and after a plan is
added, edited or removed through it. Paused plans are shown too, greyed, after the others,
so that they can be edited back to active.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.core.types import BalanceResult, Plan
from tokenbudget.gui.formatting import error_text
from tokenbudget.gui.jobs import Jobs, thread_runner
from tokenbudget.gui.plan_card import PlanCardWidget
from tokenbudget.gui.plan_dialog import PlanDialog

#: Cards are never narrower than this; the grid has as many columns as fit.
MIN_CARD_WIDTH = 360
_SPACING = 14


def _utc_now() -> datetime:
    return datetime.now(UTC)


#: A balance check is a few HTTP requests: a daemon thread each, which never holds up quitting.
_thread_runner = thread_runner("tokenbudget-balances")


class BudgetsView(QWidget):
    """The plans as cards, with Add, Edit and Remove.

    Args:
        service: The facade (its ledger, settings and exchange rates).
        parent: The parent widget.
        refresh_ms: How often the figures are recomputed while the view is shown
            (0: never by itself).
        clock: Where ``now`` comes from when ``refresh`` is not given one.
        balance_runner: Runs the balance check (None: a thread of its own; tests run it
            inline). Prepaid plans whose providers have ``balance_check`` on and a key show
            the provider's own balance; it is asked again at every refresh, off the UI thread
            (a ``gui.jobs`` lane).

    Signals:
        plans_changed(): A plan was added, edited or removed through the view.
    """

    plans_changed = Signal()

    def __init__(
        self,
        service: Service,
        parent: QWidget | None = None,
        *,
        refresh_ms: int = 60_000,
        clock: Callable[[], datetime] = _utc_now,
        balance_runner: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._clock = clock
        self._jobs = Jobs(balance_runner or _thread_runner, owner=self)
        #: The latest balance per provider (shown again when cards are rebuilt).
        self.balances: dict[str, BalanceResult] = {}
        self._cards: dict[int, PlanCardWidget] = {}
        self._order: list[int] = []
        self._columns = 0
        self._refreshed = False
        #: The dialog open now, if any (so tests and callers can reach it).
        self.dialog: PlanDialog | None = None
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(refresh_ms)
        self.refresh_timer.timeout.connect(self._tick)
        self._build()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel(self.tr("Budgets"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        self.add_button = QPushButton(self.tr("Add plan…"))
        self.add_button.clicked.connect(self.add_plan)
        header = QHBoxLayout()
        palette = self.summary.palette()
        palette.setColor(
            QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
        )
        self.summary.setPalette(palette)
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.summary)
        header.addStretch(1)
        header.addWidget(self.add_button)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(_SPACING)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.grid_host)
        self.scroll_area.viewport().installEventFilter(self)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_page())
        self.stack.addWidget(self.scroll_area)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.error_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)

    def _empty_page(self) -> QWidget:
        page = QWidget()
        heading = QLabel(self.tr("No plans yet"))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text = QLabel(
            self.tr(
                "A plan is what you pay under: a monthly API budget, a subscription with its "
                "usage limits (tokens a month, a 5-hour or weekly window), or a prepaid "
                "balance. Add one to see what you have spent against it, how fast, and when "
                "you will reach its cap."
            )
        )
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A fixed width, so that the wrapped text's height is measured at the width it gets.
        self.empty_text.setFixedWidth(min(560, self.empty_text.sizeHint().width() * 2))
        self.empty_add_button = QPushButton(self.tr("Add your first plan…"))
        self.empty_add_button.clicked.connect(self.add_plan)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(heading)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(self.empty_text)
        centred.addStretch(1)
        layout.addLayout(centred)
        layout.addSpacing(8)
        layout.addWidget(self.empty_add_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    # -- figures -------------------------------------------------------------------------

    def refresh(self, now: datetime | None = None) -> None:
        """Recompute every card from the ledger at ``now`` (default: the clock)."""
        now = self._clock() if now is None else now
        self._refreshed = True
        try:
            cards = self._service.plans.cards(now)
        except TokenbudgetError as exc:
            self.error_label.setText(
                self.tr("The plans cannot be shown: {error}").format(error=error_text(exc))
            )
            self.stack.setCurrentWidget(self.error_label)
            self.summary.setText("")
            return
        seen = set()
        for card in cards:
            plan_id = card.status.plan.id
            seen.add(plan_id)
            widget = self._cards.get(plan_id)
            if widget is None:
                widget = PlanCardWidget(card, self.grid_host)
                widget.edit_requested.connect(self.edit_plan)
                widget.remove_requested.connect(self.remove_plan)
                self._cards[plan_id] = widget
            else:
                widget.set_card(card)
        for plan_id in set(self._cards) - seen:
            gone = self._cards.pop(plan_id)
            self.grid.removeWidget(gone)
            gone.deleteLater()
        self._order = [card.status.plan.id for card in cards]
        self._relayout(force=True)
        self.stack.setCurrentIndex(1 if cards else 0)
        self.summary.setText(self._summary(len(cards), now))
        self._show_balances()
        self._check_balances([card.status.plan for card in cards], now)

    # -- balances at providers -------------------------------------------------------------

    def _balance_providers(self, plan: Plan) -> list[str]:
        return self._service.plans.balance_providers(plan)

    def _check_balances(self, plans: list[Plan], now: datetime) -> None:
        providers = tuple(dict.fromkeys(p for plan in plans for p in self._balance_providers(plan)))
        if not providers or self._jobs.busy("balances"):
            return
        check = self._service.plans.balance_check(providers, now)

        def failed(why: str) -> None:
            self._deliver_balances({p: BalanceResult(p, now, error=why) for p in providers})

        self._jobs.submit(
            "balances",
            check,
            self._deliver_balances,
            failed,
        )

    def _deliver_balances(self, found: dict[str, BalanceResult]) -> None:
        self.balances.update(found)
        self._show_balances()

    def _show_balances(self) -> None:
        for widget in self._cards.values():
            shown = [
                self.balances[p]
                for p in self._balance_providers(widget.card.status.plan)
                if p in self.balances
            ]
            widget.set_balances(shown)

    def _tick(self) -> None:
        self.refresh()

    def _summary(self, count: int, now: datetime) -> str:
        if not count:
            return ""
        local = now.astimezone()
        clock = QLocale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)
        return self.tr("%n plans · as of {time}", "", count).format(time=clock)

    def cards(self) -> list[PlanCardWidget]:
        """The cards in the order shown."""
        return [self._cards[i] for i in self._order]

    def card(self, plan_id: int) -> PlanCardWidget:
        """The card of the plan ``plan_id``.

        Raises:
            KeyError: when it is not shown.
        """
        return self._cards[plan_id]

    # -- layout --------------------------------------------------------------------------

    def columns(self) -> int:
        """How many columns of cards fit the current width."""
        width = self.scroll_area.viewport().width()
        return max(1, (width + _SPACING) // (MIN_CARD_WIDTH + _SPACING))

    def _relayout(self, *, force: bool = False) -> None:
        columns = self.columns()
        if columns == self._columns and not force:
            return
        self._columns = columns
        while self.grid.count():
            self.grid.takeAt(0)
        for index, plan_id in enumerate(self._order):
            row, column = divmod(index, columns)
            card = self._cards[plan_id]
            self.grid.addWidget(card, row, column, Qt.AlignmentFlag.AlignTop)
            card.show()  # now, not on the next event-loop turn (see PlanCardWidget)
        for column in range(max(columns, self.grid.columnCount())):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
            self.grid.setColumnMinimumWidth(column, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Reflow the cards when the visible width changes."""
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._relayout()
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Load the figures the first time, and keep them fresh while shown."""
        super().showEvent(event)
        if not self._refreshed:
            self.refresh()
        if self.refresh_timer.interval() > 0:
            self.refresh_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        """No refreshing while nobody looks."""
        super().hideEvent(event)
        self.refresh_timer.stop()

    # -- add, edit, remove ---------------------------------------------------------------

    def _other_names(self, plan_id: int | None) -> list[str]:
        return [p.name for p in self._service.plans.all() if p.id != plan_id]

    def add_plan(self) -> PlanDialog:
        """Open the dialog for a new plan; it is saved when the dialog is accepted."""
        dialog = PlanDialog(taken_names=self._other_names(None), now=self._clock(), parent=self)
        dialog.accepted.connect(lambda: self._save(dialog, new=True))
        return self._open(dialog)

    def edit_plan(self, plan_id: int) -> PlanDialog | None:
        """Open the dialog for the plan ``plan_id``; it is saved when accepted.

        Returns:
            The dialog, or None when the plan no longer exists (removed elsewhere).
        """
        try:
            plan = self._service.plans.get(plan_id)
        except TokenbudgetError as exc:
            self._gone(exc)
            return None
        dialog = PlanDialog(
            plan, taken_names=self._other_names(plan_id), now=self._clock(), parent=self
        )
        dialog.accepted.connect(lambda: self._save(dialog, new=False))
        return self._open(dialog)

    def _open(self, dialog: PlanDialog) -> PlanDialog:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: PlanDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _gone(self, error: TokenbudgetError) -> None:
        QMessageBox.warning(self, self.tr("The plan is gone"), error_text(error))
        self.refresh()

    def _save(self, dialog: PlanDialog, *, new: bool) -> None:
        try:
            plan = dialog.plan()
            if new:
                self._service.plans.add(plan, now=self._clock())
            else:
                self._service.plans.update(plan)
        except TokenbudgetError as exc:
            QMessageBox.warning(self, self.tr("The plan was not saved"), error_text(exc))
            return
        self.refresh()
        self.plans_changed.emit()

    def remove_plan(self, plan_id: int) -> bool:
        """Ask, then remove the plan ``plan_id`` (its entries stay); True if removed."""
        plans = self._service.plans
        try:
            plan = plans.get(plan_id)
        except TokenbudgetError as exc:
            self._gone(exc)
            return False
        answer = QMessageBox.question(
            self,
            self.tr("Remove plan"),
            self.removal_question(plan, plans.assigned_entries(plan_id)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            plans.remove(plan_id)
        except TokenbudgetError as exc:
            QMessageBox.warning(self, self.tr("The plan was not removed"), error_text(exc))
            return False
        self.refresh()
        self.plans_changed.emit()
        return True

    def removal_question(self, plan: Plan, assigned: int) -> str:
        """What the confirmation says: no spend is deleted, and what happens to it."""
        text = self.tr(
            "Remove the plan “{name}”?\n\nNo spend is deleted: every entry stays in the "
            "ledger and in the history."
        ).format(name=plan.name)
        if assigned:
            text += " " + self.tr(
                "The %n entries recorded for this plan become unassigned, and then count "
                "toward any other plan that covers their provider and model.",
                "",
                assigned,
            )
        return text
