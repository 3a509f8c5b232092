"""The running app: the window, the tray, the quick popup, the budgets, history and sources views.

Created once by ``gui.app.run``; a second ``tokenbudget`` start hands its message
(``activate``, ``quick``, ``budgets``, ``history``, ``sources``) to ``handle``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon, QWidget

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.core.services import Service
from tokenbudget.gui.counting import CountHub
from tokenbudget.gui.formatting import error_text, render
from tokenbudget.gui.jobs import Runner
from tokenbudget.gui.main_window import MainWindow

if TYPE_CHECKING:  # live sync's importers are not needed before the first paint
    from tokenbudget.core.types import DeviceSyncReport, SyncReport, WatchRoot
    from tokenbudget.gui.live_sync import LiveSync
    from tokenbudget.gui.quick_popup import QuickPopup
    from tokenbudget.gui.tray import Tray

#: How often the tray's status and alerts are checked without anything happening.
STATUS_INTERVAL_MS = 60_000


class Shell(QObject):
    """Owns the app's windows and its tray; every way in (menu, tray, second start) ends here.

    Args:
        service: The facade.
        tray_available: Whether the desktop has a system tray (None: ask Qt).
        hub: The counting process (None: the app's one).
        now: Clock (tests).
        live_sync: Whether to import the coding tools' usage as they write it (None: the
            ``live_sync`` setting, on by default; with ``fill_later``, read once the window
            has painted).
        sync_roots: Where live sync looks (None: the importers' default folders; tests).
        fill_later: The window reads the catalogue after its first paint (the app's start).
    """

    def __init__(
        self,
        service: Service,
        *,
        tray_available: bool | None = None,
        delay_ms: int = 150,
        hub: CountHub | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        live_sync: bool | None = None,
        sync_roots: Callable[[], list[WatchRoot]] | None = None,
        fill_later: bool = False,
        device_runner: Runner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.now = now
        self._hub = hub
        self._delay = delay_ms
        self.window = MainWindow(
            service,
            delay_ms=delay_ms,
            hub=hub,
            fill_later=fill_later,
            device_runner=device_runner,
        )
        self._sync_problem = ""
        self._popup: QuickPopup | None = None
        self._views: dict[str, QMainWindow] = {}
        #: Where the sources view runs its reads and imports (None: its own thread; tests).
        self.sources_runner: Runner | None = None
        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self._tray_available = tray_available
        self.tray: Tray | None = None
        if tray_available and not fill_later:
            self._make_tray()
        self.window.recorded.connect(self.refresh_status)
        self.window.recorded.connect(self._changed_here)
        self.window.budgets_requested.connect(self.show_budgets)
        self.window.history_requested.connect(self.show_history)
        self.window.sources_requested.connect(self.show_sources)
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_INTERVAL_MS)
        self._timer.timeout.connect(self.refresh_status)
        self._sync_roots = sync_roots
        self._started = False
        #: Offer to add the app to the desktop's menu on its first start (the app; not tests).
        self.offer_launcher = False
        if live_sync is None and not fill_later:
            live_sync = service.settings.get("live_sync") is not False
        self._want_sync = live_sync  # None: decided once the window has painted
        self.live_sync: LiveSync | None = None
        if live_sync:
            self._make_live_sync()
        self.window.settings_applied.connect(self._settings_applied)

    def _make_live_sync(self) -> LiveSync:
        from tokenbudget.gui.live_sync import LiveSync  # its importers are not needed sooner

        sync = LiveSync(self.service, roots=self._sync_roots, parent=self)
        sync.imported.connect(self._usage_imported)
        sync.reported.connect(self._sync_reported)
        self.live_sync = sync
        return sync

    def _settings_applied(self) -> None:
        """Turn live sync on or off as the settings now say."""
        wanted = self.service.settings.get("live_sync") is not False
        if wanted and self.live_sync is None:
            sync = self._make_live_sync()
            if self._started:
                sync.start()
        elif not wanted and self.live_sync is not None:
            self.live_sync.stop()
            self.live_sync = None

    def _make_tray(self) -> Tray:
        from tokenbudget.gui.tray import Tray  # with the plans and alerts it shows

        tray = self.tray = Tray(self, paused=bool(self.service.settings.get("alerts_paused")))
        self._connect_tray(tray)
        self.window.keep_in_tray = self._hide_to_tray
        return tray

    def _connect_tray(self, tray: Tray) -> None:
        tray.quick_requested.connect(self.show_quick)
        tray.open_requested.connect(self.show_window)
        tray.budgets_requested.connect(self.show_budgets)
        tray.history_requested.connect(self.show_history)
        tray.sources_requested.connect(self.show_sources)
        tray.quit_requested.connect(self.quit)
        tray.pause_toggled.connect(self._pause)

    # -- start and stop ----------------------------------------------------------------

    def start(self, *, in_tray: bool = False, after_paint: bool = False) -> None:
        """Show the tray icon and (unless starting in the tray) the window.

        With ``after_paint``, what the first frame does not need (the status and alerts, live
        sync) starts once the window has painted.
        """
        if self._tray_available and self.tray is None and (in_tray or not after_paint):
            self._make_tray()
        if self.tray is not None:
            self.tray.show()
        shown = not in_tray or not self._tray_available
        if shown:
            self.window.show()
        else:
            self.window.fill()  # no paint to wait for
        if not self._tray_available:
            QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]
            self.window.statusBar().showMessage(
                self.tr(
                    "This desktop has no system tray, so tokenbudget runs as a window: "
                    "closing it quits. Alerts show here."
                ),
                20_000,
            )
        else:
            QApplication.instance().setQuitOnLastWindowClosed(False)  # type: ignore[union-attr]
        self._started = True
        if after_paint and shown:
            # On the next turn: the frame is flushed to the screen first.
            self.window.first_painted.connect(
                lambda _at: QTimer.singleShot(0, self._start_behind),
                Qt.ConnectionType.SingleShotConnection,
            )
        else:
            self._start_behind()

    def _start_behind(self) -> None:
        """Start what works behind the window: its icon, the tray, status checks, live sync."""
        from tokenbudget.gui.icons import app_icon  # icons are loaded after the first paint

        self.window.setWindowIcon(app_icon())
        if self.offer_launcher:
            from tokenbudget.gui.launcher_offer import offer_launcher

            offer_launcher(self.window, self.service)
        if self._tray_available and self.tray is None:
            self._make_tray().show()
        self._timer.start()
        QTimer.singleShot(0, self.refresh_status)
        if self._want_sync is None and self.service.settings.get("live_sync") is not False:
            self._make_live_sync()
        if self.live_sync is not None:
            self.live_sync.start()
        devices = self.window.device_sync
        devices.synced.connect(self._devices_synced)
        devices.failed.connect(self._devices_failed)
        devices.start()

    def quit(self) -> None:
        """End the app."""
        self.window.save_window_state()
        QApplication.quit()

    def close(self) -> None:
        """Release what the shell holds (the app is quitting)."""
        self._timer.stop()
        self.window.device_sync.close()
        if self.live_sync is not None:
            self.live_sync.stop()
        if self.tray is not None:
            self.tray.hide()
        if self._popup is not None:
            self._popup.close_counting()
        sources = self.view("sources")
        close_worker = getattr(sources, "close_worker", None)
        if callable(close_worker):
            close_worker()
        self.window.coordinator.close()

    # -- second starts -----------------------------------------------------------------

    def handle(self, message: str) -> None:
        """A message from a second ``tokenbudget`` start."""
        {
            "quick": lambda: self.show_quick(QRect()),
            "budgets": self.show_budgets,
            "history": self.show_history,
            "sources": self.show_sources,
        }.get(message, self.show_window)()

    # -- windows -----------------------------------------------------------------------

    def show_window(self) -> None:
        """Bring the estimate window forward."""
        _bring_forward(self.window)

    def _hide_to_tray(self) -> bool:
        if self.tray is None:
            return False
        settings = self.service.settings
        if not settings.get("tray_hint_shown"):
            self.tray.icon.showMessage(
                "tokenbudget",
                self.tr(
                    "tokenbudget keeps running in the tray. Click the icon for a quick "
                    "estimate; choose Quit from its menu to end it."
                ),
                QSystemTrayIcon.MessageIcon.Information,
                10_000,
            )
            settings.set("tray_hint_shown", True)
            self._save_settings()
        return True

    @property
    def popup(self) -> QuickPopup:
        """The quick-estimate popup (made on first use)."""
        if self._popup is None:
            from tokenbudget.gui.quick_popup import QuickPopup  # when first opened

            self._popup = QuickPopup(self.service, delay_ms=self._delay, hub=self._hub)
            self._popup.recorded.connect(self.refresh_status)
            self._popup.recorded.connect(self._changed_here)
            self._popup.open_in_window.connect(self._open_text)
            self._popup.addActions(self.window.window_actions())  # Ctrl+B and Ctrl+H
        return self._popup

    def show_quick(self, anchor: QRect) -> None:
        """Open the quick-estimate popup near the tray icon."""
        if self.tray is not None:
            lines = self.tray.icon.toolTip().splitlines()
            self.popup.summary.setText(" · ".join(lines[:2]).removeprefix("tokenbudget · "))
        self.popup.popup(anchor)

    def _open_text(self, text: str) -> None:
        if text and text != self.window.editor.text():
            self.window.editor.setPlainText(text)
        self.show_window()

    def show_budgets(self) -> None:
        """Open the budgets view."""
        from tokenbudget.gui.budgets_view import BudgetsView
        from tokenbudget.gui.view_window import budgets_actions

        def make() -> tuple[QWidget, list[QAction]]:
            view = BudgetsView(self.service)
            view.plans_changed.connect(self.refresh_status)
            view.plans_changed.connect(self._changed_here)
            return view, budgets_actions(view)

        _bring_forward(self._view("budgets", self.tr("tokenbudget: budgets"), make))

    def show_history(self) -> None:
        """Open the history view."""
        from tokenbudget.gui.history_view import HistoryView
        from tokenbudget.gui.view_window import history_actions

        def make() -> tuple[QWidget, list[QAction]]:
            view = HistoryView(self.service)
            view.changed.connect(self.refresh_status)
            view.changed.connect(self._changed_here)
            view.sources_requested.connect(self.show_sources)
            return view, history_actions(view)

        _bring_forward(self._view("history", self.tr("tokenbudget: history"), make))

    def show_sources(self) -> None:
        """Open the sources view: the coding tools, their imports and live-sync switches."""
        from tokenbudget.gui.sources_view import SourcesView

        def make() -> tuple[QWidget, list[QAction]]:
            view = SourcesView(self.service, runner=self.sources_runner)
            view.imported.connect(self._sources_imported)
            view.live_sync_changed.connect(self._live_sync_roots_changed)
            return view, []

        _bring_forward(self._view("sources", self.tr("tokenbudget: sources"), make))

    def _live_sync_roots_changed(self) -> None:
        """A tool's live-sync switch changed: live sync looks at the tools' folders again."""
        if self.live_sync is not None:
            self.live_sync.sync_all()

    def _view(
        self, key: str, title: str, make: Callable[[], tuple[QWidget, list[QAction]]]
    ) -> QMainWindow:
        host = self._views.get(key)
        if host is None:
            from tokenbudget.gui.geometry import WindowMemory
            from tokenbudget.gui.icons import app_icon
            from tokenbudget.gui.view_window import ViewWindow

            view, actions = make()
            memory = WindowMemory(self.service.settings.window_state_file())
            host = ViewWindow(view, key, title, memory=memory, actions=actions)
            host.setWindowIcon(app_icon())
            host.go.connect(self.handle)
            self._views[key] = host
        else:
            refresh = getattr(host.centralWidget(), "refresh", None)
            if callable(refresh):
                refresh()
        return host

    def view(self, key: str) -> QWidget | None:
        """The budgets or history view, if open (tests)."""
        host = self._views.get(key)
        return host.centralWidget() if host is not None else None

    # -- status and alerts -------------------------------------------------------------

    def refresh_status(self) -> None:
        """Update the tray from the plans' status and notify thresholds passed."""
        try:
            statuses = self.service.plans.status(self.now())
        except TokenbudgetError as exc:
            self.window.statusBar().showMessage(error_text(exc), 10_000)
            return
        if self.tray is not None:
            main = self.service.settings.get("main_plan")
            self.tray.show_status(statuses, main if isinstance(main, int) else None)
        if self.service.settings.get("alerts_paused"):
            return
        alerts = self.service.plans.due_alerts(statuses)
        for alert in alerts:
            if self.tray is not None:
                self.tray.notify(alert)
            else:
                from tokenbudget.gui.tray import alert_text

                title, body = alert_text(self, alert)
                self.window.statusBar().showMessage(f"{title}. {body}", 30_000)
        if alerts:
            try:
                self.service.plans.mark_alerts_sent(alerts, self.now())
            except TokenbudgetError as exc:
                self.window.statusBar().showMessage(error_text(exc), 10_000)

    def _usage_imported(self, records: int) -> None:
        """Live sync wrote entries: bring the tray, alerts and the open views up to date.

        History reloads on its worker and keeps its selection and scroll place.
        """
        self._refresh_views("budgets", "history", "sources")
        self._changed_here()

    def _sources_imported(self, records: int) -> None:
        """The sources view imported (it shows its own records again)."""
        self._refresh_views("budgets", "history")
        self._changed_here()

    def _changed_here(self, *_args: object) -> None:
        """Entries or plans changed here: the other devices get them a few seconds later."""
        self.window.device_sync.request()

    def _devices_synced(self, report: DeviceSyncReport) -> None:
        """A sync with the other devices ran: their entries count now; its problems are said."""
        from tokenbudget.gui.device_sync import changed_anything

        if changed_anything(report):
            self._refresh_views("budgets", "history")
        problem = "; ".join(render(p) for p in report.problems)
        if problem and problem != self._sync_problem:
            self.window.statusBar().showMessage(
                self.tr("Syncing with your other devices: {problem}").format(problem=problem),
                15_000,
            )
        self._sync_problem = problem

    def _devices_failed(self, message: str) -> None:
        if message != self._sync_problem:
            self.window.statusBar().showMessage(
                self.tr("Syncing with your other devices failed: {reason}").format(reason=message),
                15_000,
            )
        self._sync_problem = message

    def _refresh_views(self, *keys: str) -> None:
        self.refresh_status()
        for key in keys:
            refresh = getattr(self.view(key), "refresh", None)
            if callable(refresh):
                refresh()

    def _sync_reported(self, report: SyncReport) -> None:
        if report.errors:
            self.window.statusBar().showMessage(
                self.tr("Live usage sync failed: {reason}").format(
                    reason="; ".join(render(error) for error in report.errors)
                ),
                10_000,
            )

    def _pause(self, paused: bool) -> None:
        self.service.settings.set("alerts_paused", paused)
        self._save_settings()
        if not paused:
            self.refresh_status()

    def _save_settings(self) -> None:
        try:
            self.service.settings.save()
        except TokenbudgetError as exc:
            self.window.statusBar().showMessage(error_text(exc), 10_000)


def _bring_forward(window: QWidget) -> None:
    window.show()
    window.raise_()
    window.activateWindow()
