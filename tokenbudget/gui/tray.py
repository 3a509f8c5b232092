"""The system-tray icon: the month at a glance, a quick estimate in two clicks, alerts.

The icon turns amber when a plan passes its warning threshold and red at its cap; the
tooltip says why: the main plan's headline (``core.plan_cards.Headline``: a subscription's
most-used cap, official when known and fresh; a budget's spend against it; a prepaid
balance's spend and what is left), then every other plan that is at warning or over.
The quick popup's header is the tooltip's first two lines. The menu and the popup are plain
objects that tests drive directly (the offscreen platform has no tray to click).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QRect, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from tokenbudget.core.types import (
    ALERT_OK,
    Alert,
    Headline,
    Level,
    Measure,
    PlanKind,
    PlanStatus,
    alert_state,
    headline,
    main_status,
)
from tokenbudget.gui.formatting import format_datetime, format_money, format_percent, render
from tokenbudget.gui.icons import app_icon, state_icon

__all__ = ["Tray", "alert_text", "app_icon", "state_icon"]


class Tray(QObject):
    """The tray icon and its menu.

    Signals:
        quick_requested(QRect): left click or "Quick estimate" (the icon's geometry).
        open_requested, budgets_requested, history_requested, sources_requested,
            quit_requested: menu items.
        pause_toggled(bool): "Pause alerts" was switched.
    """

    quick_requested = Signal(QRect)
    open_requested = Signal()
    budgets_requested = Signal()
    history_requested = Signal()
    sources_requested = Signal()
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
        self.sources_action = self._action(self.tr("Sources"), self.sources_requested.emit)
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
        """``tokenbudget · plan``, its headline, its outlook, then the other plans at risk."""
        main = main_status(statuses, main_plan_id)
        if main is None:
            return self.tr("tokenbudget\nNo plans yet: add one under Budgets.")
        top = headline(main)
        lines = [f"tokenbudget · {main.plan.name}", self.headline_text(top)]
        if not main.projectable:
            lines.append(self.tr("too early to project"))
        others = [s for s in statuses if s.plan.active and s is not main]
        at_risk = [h for h in (headline(s) for s in others) if h.level is not Level.NORMAL]
        lines.extend(f"{h.plan.name} · {self.headline_text(h)}" for h in at_risk)
        rest = len(others) - len(at_risk)
        if rest > 0:
            lines.append(self.tr("and %n more plans", "", rest))
        return "\n".join(lines)

    def headline_text(self, top: Headline) -> str:
        """``weekly 143 % (official)``, ``$8.50 of $10.00 this period (85 %)``, ..."""
        plan = top.plan
        spent, limit = format_money(QLocale(), top.spent), format_money(QLocale(), top.limit)
        if plan.kind is PlanKind.SUBSCRIPTION:
            if top.cap is None or top.basis_points is None:
                return self.tr("{fee} a month, no caps set").format(fee=limit)
            text = self.tr("{cap} {share}").format(
                cap=self.cap_name(top), share=format_percent(QLocale(), top.basis_points // 100)
            )
            if top.official:
                text += " " + self.tr("(official)")
            return text
        if plan.kind is PlanKind.PREPAID and top.remaining is not None:
            left = format_money(QLocale(), top.remaining)
            if top.remaining.amount < 0:
                over = format_money(QLocale(), replace(top.remaining, amount=-top.remaining.amount))
                return self.tr("spent {spent} of {limit} · over by {over}").format(
                    spent=spent, limit=limit, over=over
                )
            return self.tr("spent {spent} of {limit} · {left} left").format(
                spent=spent, limit=limit, left=left
            )
        if not plan.amount_micros or top.basis_points is None:
            return self.tr("{spent} this period").format(spent=spent)
        return self.tr("{spent} of {cap} this period ({share})").format(
            spent=spent, cap=limit, share=format_percent(QLocale(), top.basis_points // 100)
        )

    def cap_name(self, top: Headline) -> str:
        """``weekly``, ``5-hour``, ``monthly tokens``, ``weekly requests`` ..."""
        cap = top.cap
        if cap is None:
            return ""
        window = {5: self.tr("5-hour"), 168: self.tr("weekly")}.get(
            cap.window_hours or 0,
            self.tr("{hours}-hour").format(hours=cap.window_hours),
        )
        if cap.window_hours is None:
            window = self.tr("monthly") if cap.measure is not Measure.PERCENT else cap.label
        what = {
            Measure.TOKENS: self.tr("tokens"),
            Measure.REQUESTS: self.tr("requests"),
        }.get(cap.measure)
        return window if what is None else f"{window} {what}"

    def notify(self, alert: Alert) -> None:
        """A desktop notification for a threshold passed."""
        title, body = alert_text(self, alert)
        over = alert.basis_points >= 10_000
        icon = QSystemTrayIcon.MessageIcon.Critical if over else QSystemTrayIcon.MessageIcon.Warning
        self.icon.showMessage(title, body, icon, 15_000)


def alert_text(context: QObject, alert: Alert) -> tuple[str, str]:
    """Title and body of an alert's notification."""
    share = format_percent(QLocale(), alert.basis_points // 100)
    title = QCoreApplication.translate("Alerts", "{plan}: {share} of {cap}").format(
        plan=alert.plan_name, share=share, cap=render(alert.cap)
    )
    if alert.basis_points >= 10_000:
        body = QCoreApplication.translate("Alerts", "The cap is reached.")
    else:
        body = QCoreApplication.translate("Alerts", "Past the {threshold} threshold.").format(
            threshold=format_percent(QLocale(), alert.threshold)
        )
    if alert.resets_at is not None:
        body += " " + QCoreApplication.translate("Alerts", "Resets {when}.").format(
            when=format_datetime(QLocale(), alert.resets_at)
        )
    return title, body
