"""The system-tray icon: the month at a glance, a quick estimate in two clicks, alerts.

The icon turns amber when a plan passes its warning threshold and red at its cap; the
tooltip gives the main plan's spend against its cap. The menu and the popup are plain
objects that tests drive directly (the offscreen platform has no tray to click).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from tokenbudget.core.services import icons_dir
from tokenbudget.core.types import ALERT_OK, Alert, PlanStatus, alert_state, main_status
from tokenbudget.gui.formatting import format_money_micros


def state_icon(state: str) -> QIcon:
    """The app icon for a tray state (``ok``, ``warning``, ``over``), every bundled size."""
    name = "tokenbudget" if state == ALERT_OK else f"tokenbudget-{state}"
    icon = QIcon()
    directory = icons_dir()
    for png in sorted(directory.glob(f"{name}-*.png")):
        if png.stem.removeprefix(name + "-").isdigit():
            icon.addFile(str(png))
    icon.addFile(str(directory / f"{name}.svg"))
    return icon


def app_icon() -> QIcon:
    """The application's icon."""
    return state_icon(ALERT_OK)


class Tray(QObject):
    """The tray icon and its menu.

    Signals:
        quick_requested(QRect): left click or "Quick estimate" (the icon's geometry).
        open_requested, budgets_requested, history_requested, quit_requested: menu items.
        pause_toggled(bool): "Pause alerts" was switched.
    """

    quick_requested = Signal(QRect)
    open_requested = Signal()
    budgets_requested = Signal()
    history_requested = Signal()
    quit_requested = Signal()
    pause_toggled = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, paused: bool = False) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.state = ALERT_OK
        self.menu = QMenu()
        self.quick_action = self._action(self.tr("Quick estimate"), self._quick)
        self.open_action = self._action(self.tr("Open tokenbudget"), self.open_requested.emit)
        self.budgets_action = self._action(self.tr("Budgets"), self.budgets_requested.emit)
        self.history_action = self._action(self.tr("History"), self.history_requested.emit)
        self.menu.addSeparator()
        self.pause_action = self._action(self.tr("Pause alerts"), None)
        self.pause_action.setCheckable(True)
        self.pause_action.setChecked(paused)
        self.pause_action.toggled.connect(self.pause_toggled.emit)
        self.menu.addSeparator()
        self.quit_action = self._action(self.tr("Quit"), self.quit_requested.emit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.setToolTip("tokenbudget")

    def _action(self, text: str, slot: object) -> QAction:
        action = QAction(text, self.menu)
        if slot is not None:
            action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def show(self) -> None:
        """Put the icon in the tray."""
        self.icon.show()

    def hide(self) -> None:
        """Take the icon out of the tray."""
        self.icon.hide()

    def _quick(self) -> None:
        self.quick_requested.emit(self.icon.geometry())

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.MiddleClick,
        ):
            self._quick()
        elif reason == QSystemTrayIcon.ActivationReason.DoubleClick:
            self.open_requested.emit()

    # -- status ------------------------------------------------------------------------

    def show_status(self, statuses: list[PlanStatus], main_plan_id: int | None) -> None:
        """Update the icon's state and the tooltip from the plans' status."""
        state = alert_state(statuses)
        if state != self.state:
            self.state = state
            self.icon.setIcon(state_icon(state))
        self.icon.setToolTip(self.tooltip(statuses, main_plan_id))

    def tooltip(self, statuses: list[PlanStatus], main_plan_id: int | None) -> str:
        """``tokenbudget``, then the main plan's spend against its cap."""
        main = main_status(statuses, main_plan_id)
        if main is None:
            return self.tr("tokenbudget\nNo plans yet: add one under Budgets.")
        plan = main.plan
        spent = format_money_micros(main.spent_micros, plan.currency)
        lines = [f"tokenbudget · {plan.name}"]
        if plan.amount_micros:
            cap = format_money_micros(plan.amount_micros, plan.currency)
            share = main.spent_micros * 100 // plan.amount_micros
            lines.append(
                self.tr("{spent} of {cap} this period ({share} %)").format(
                    spent=spent, cap=cap, share=share
                )
            )
        else:
            lines.append(self.tr("{spent} this period").format(spent=spent))
        for cap_status in main.caps:
            if cap_status.label in {"budget", "balance", "fee"}:
                continue
            lines.append(f"{cap_status.label}: {cap_status.basis_points // 100} %")
        others = len([s for s in statuses if s.plan.active]) - 1
        if others > 0:
            lines.append(self.tr("and {n} more plans").format(n=others))
        return "\n".join(lines)

    def notify(self, alert: Alert) -> None:
        """A desktop notification for a threshold passed."""
        title, body = alert_text(self, alert)
        over = alert.basis_points >= 10_000
        icon = QSystemTrayIcon.MessageIcon.Critical if over else QSystemTrayIcon.MessageIcon.Warning
        self.icon.showMessage(title, body, icon, 15_000)


def alert_text(context: QObject, alert: Alert) -> tuple[str, str]:
    """Title and body of an alert's notification."""
    title = context.tr("{plan}: {share} % of {cap}").format(
        plan=alert.plan_name, share=alert.basis_points // 100, cap=alert.cap
    )
    if alert.basis_points >= 10_000:
        body = context.tr("The cap is reached.")
    else:
        body = context.tr("Past the {threshold} % threshold.").format(threshold=alert.threshold)
    if alert.resets_at is not None:
        body += " " + context.tr("Resets {when}.").format(
            when=alert.resets_at.astimezone().strftime("%Y-%m-%d %H:%M")
        )
    return title, body
