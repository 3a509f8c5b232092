"""The history view's filter bar: period, provider, model, plan, source, project, device, search.

The bar only collects input: ``current_filter`` turns it into a ``HistoryFilter`` and
``changed`` says when to apply it (at once for the pickers, after a quiet ``delay_ms`` for the
search, at once on Enter).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QWidget

from tokenbudget.core.types import (
    THIS_DEVICE,
    Choices,
    HistoryFilter,
    Period,
    period_bounds,
    project_name,
)
from tokenbudget.gui.history_model import provider_name, source_label


def project_labels(projects: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(label, path)`` of each project: its short name, or its path when another has it."""
    names = [project_name(p) for p in projects]
    return [(n if names.count(n) == 1 else p, p) for n, p in zip(names, projects, strict=True)]


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class HistoryFilterBar(QWidget):
    """The pickers and the search over the history table.

    Args:
        now: The clock.
        tz: The time zone of the periods (None: the system's).
        delay_ms: How long the search waits after the last key.
        parent: The parent widget.

    Signals:
        changed: The filter changed: apply it.
    """

    changed = Signal()

    def __init__(
        self,
        now: Callable[[], datetime],
        tz: tzinfo | None,
        *,
        delay_ms: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._tz = tz
        self.choices = Choices((), (), (), (), ())
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(delay_ms)
        self.search_timer.timeout.connect(self.changed)
        self.period = QComboBox()
        for period, label in (
            (Period.ALL, self.tr("All time")),
            (Period.TODAY, self.tr("Today")),
            (Period.LAST_7_DAYS, self.tr("Last 7 days")),
            (Period.THIS_MONTH, self.tr("This month")),
            (Period.LAST_MONTH, self.tr("Last month")),
            (Period.LAST_30_DAYS, self.tr("Last 30 days")),
            (Period.THIS_YEAR, self.tr("This year")),
            (Period.CUSTOM, self.tr("Custom…")),
        ):
            self.period.addItem(label, period.value)
        now_day = self.today()
        today = QDate(now_day.year, now_day.month, now_day.day)
        self.first_day = QDateEdit(today.addDays(-30))
        self.last_day = QDateEdit(today)
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setVisible(False)
            edit.dateChanged.connect(self.changed)
        self.provider = QComboBox()
        self.model_box = QComboBox()
        self.plan = QComboBox()
        self.source = QComboBox()
        self.project = QComboBox()
        self.project.setToolTip(self.tr("Project: the repository or folder the tools ran in"))
        self.device = QComboBox()
        self.device.setToolTip(self.tr("Device: the computer that recorded or imported the entry"))
        self.device.setAccessibleName(self.tr("Device"))
        for box in self._boxes():
            # As wide as their longest choice when there is room; on a small screen they
            # give way (down to a few characters, the whole text in their list) so the
            # search field keeps a usable width.
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMinimumWidth(box.fontMetrics().averageCharWidth() * 9)
        # "Laptop (this device)" would make it the widest picker: past "All devices" its
        # text is cut, the whole of it in its list and tooltip.
        self.device.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.device.setMinimumContentsLength(max(len(self.tr("All devices")), 12))
        self.fill_choices(Choices((), (), (), (), ()))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search notes and prompts"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.search.fontMetrics().averageCharWidth() * 18)
        self.search.setAccessibleName(self.tr("Search notes and prompts"))
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        self.search.returnPressed.connect(self.changed)
        self.period.currentIndexChanged.connect(self._period_changed)
        for box in self._boxes():
            box.currentIndexChanged.connect(self.changed)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (self.period, self.first_day, self.last_day):
            bar.addWidget(widget)
        for box in self._boxes():
            bar.addWidget(box)
        bar.addWidget(self.search, 1)

    def _boxes(self) -> tuple[QComboBox, ...]:
        return (self.provider, self.model_box, self.plan, self.source, self.project, self.device)

    def fill_choices(self, choices: Choices) -> None:
        """Offer ``choices`` in the pickers, keeping what is chosen."""
        self.choices = choices
        for box, every, items in (
            (
                self.provider,
                self.tr("All providers"),
                [(provider_name(p), p) for p in choices.providers],
            ),
            (self.model_box, self.tr("All models"), [(m, m) for m in choices.models]),
            (self.plan, self.tr("All plans"), [(name, pid) for pid, name in choices.plans]),
            (
                self.source,
                self.tr("All sources"),
                [(source_label(s), s) for s in choices.sources],
            ),
            (self.project, self.tr("All projects"), project_labels(choices.projects)),
            (self.device, self.tr("All devices"), self._device_labels(choices.devices)),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(every, None)
            for text, value in items:
                box.addItem(text, value)
            if chosen is not None and box.findData(chosen) < 0 and box is not self.plan:
                # still chosen, though no entry (or no known device) has it now
                box.addItem(
                    self.tr("This device") if chosen == THIS_DEVICE else str(chosen), chosen
                )
            if box is self.project:  # the full path of each, on hover
                for index in range(1, box.count()):
                    box.setItemData(index, box.itemData(index), Qt.ItemDataRole.ToolTipRole)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)
        self.project.setVisible(bool(choices.projects) or self.project.currentData() is not None)
        # Only where another device shares the sync folder: one device has nothing to tell apart.
        self.device.setVisible(bool(choices.devices) or self.device.currentData() is not None)

    def _device_labels(self, devices: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        """``(label, id)`` of each device; this one's name says it is this one."""
        return [
            (self.tr("{name} (this device)").format(name=name) if d == THIS_DEVICE else name, d)
            for d, name in devices
        ]

    def choose_device(self, device: str | None) -> None:
        """Filter on ``device`` (an id; ``THIS_DEVICE``; None: all); ``changed`` follows."""
        index = self.device.findData(device)
        if index < 0 and device is not None:
            return  # not a device this ledger knows
        self.device.setCurrentIndex(max(0, index))

    def choose_project(self, project: str | None) -> None:
        """Filter on ``project`` (None: every project); ``changed`` follows."""
        index = self.project.findData(project)
        if index < 0 and project is not None:
            self.project.addItem(project, project)
            index = self.project.count() - 1
        self.project.setVisible(True)
        self.project.setCurrentIndex(max(0, index))

    def clear(self) -> None:
        """Every entry of all time again: no period, picker or search; ``changed`` follows."""
        widgets = (self.period, *self._boxes(), self.search)
        for widget in widgets:
            widget.blockSignals(True)
        self.period.setCurrentIndex(max(0, self.period.findData(Period.ALL.value)))
        for box in self._boxes():
            box.setCurrentIndex(0)
        self.search.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self.search_timer.stop()
        self.first_day.setVisible(False)
        self.last_day.setVisible(False)
        self.changed.emit()

    def is_cleared(self) -> bool:
        """Whether the bar filters nothing out (all time, every choice, no search)."""
        return (
            self.period.currentData() == Period.ALL.value
            and all(box.currentData() is None for box in self._boxes())
            and not self.search.text().strip()
        )

    def forget_plan(self, exists: Callable[[int], bool]) -> None:
        """Choose every plan again if the chosen one no longer ``exists``."""
        chosen = self.plan.currentData()
        if chosen is None or exists(chosen):
            return
        self.plan.blockSignals(True)
        self.plan.removeItem(self.plan.currentIndex())
        self.plan.setCurrentIndex(0)
        self.plan.blockSignals(False)

    def _period_changed(self) -> None:
        custom = self.period.currentData() == Period.CUSTOM.value
        self.first_day.setVisible(custom)
        self.last_day.setVisible(custom)
        self.changed.emit()

    def focus_search(self) -> None:
        """Put the cursor in the search, its text selected."""
        self.search.setFocus()
        self.search.selectAll()

    def today(self) -> date:
        """The local date now (in the bar's time zone)."""
        now = self._now()
        return (now.astimezone(self._tz) if self._tz else now.astimezone()).date()

    def current_filter(self) -> HistoryFilter:
        """The filter the bar describes."""
        period = Period(self.period.currentData())
        first, last = sorted([_to_date(self.first_day.date()), _to_date(self.last_day.date())])
        since, until = period_bounds(period, self.today(), tz=self._tz, first=first, last=last)
        provider = self.provider.currentData()
        model = self.model_box.currentData()
        source = self.source.currentData()
        project = self.project.currentData()
        device = self.device.currentData()
        return HistoryFilter(
            since=since,
            until=until,
            providers=(provider,) if provider else (),
            models=(model,) if model else (),
            sources=(source,) if source else (),
            plan_id=self.plan.currentData(),
            text=self.search.text().strip() or None,
            projects=(project,) if project else (),
            devices=(device,) if device is not None else (),
        )
