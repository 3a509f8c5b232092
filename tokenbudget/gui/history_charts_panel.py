"""The history view's charts: built once the view is shown, their sums as jobs.

The charts follow the provider, model, plan, source, project and device filters but not the period
or the search, so a search never sums again. Their sums are a job of the view's ``Jobs`` (lane
``"charts"``); the charts module is imported as a job too (lane ``"import"``), so that a view
opens without it.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import date, tzinfo
from types import ModuleType
from typing import Any

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from tokenbudget.core.services import HistoryJobs, Service
from tokenbudget.core.types import ChartData, HistoryFilter, Money, SpendSeries
from tokenbudget.gui.formatting import format_money, sentences
from tokenbudget.gui.history_model import HistoryModel
from tokenbudget.gui.jobs import Jobs


def import_charts() -> ModuleType:
    """Import the charts module (``history_chart``)."""
    return importlib.import_module("tokenbudget.gui.history_chart")


class ChartsMixin:
    """Charts for ``HistoryView`` (a ``QWidget`` with the attributes declared here)."""

    service: Service
    model: HistoryModel
    chart: Any
    chart_status: QLabel
    charts_loaded: SignalInstance
    _jobs: Jobs
    _history: HistoryJobs | None
    _tz: tzinfo | None
    _charts_started: bool
    _charts_filter: HistoryFilter | None
    _chart_box: QWidget
    _chart_layout: QVBoxLayout
    device: QComboBox

    def today(self) -> date:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def current_filter(self) -> HistoryFilter:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def _read_failed(self, why: str) -> None:  # pragma: no cover
        """Provided by the view."""
        raise NotImplementedError

    def _tr_charts(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        assert isinstance(self, QObject)
        return self.tr(text, disambiguation, n)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Start the charts the first time the view is shown."""
        assert isinstance(self, QWidget)
        QWidget.showEvent(self, event)
        if not self._charts_started:
            self.start_charts()

    def start_charts(self) -> None:
        """Import the charts module off the UI thread, then build and fill the charts."""
        self._charts_started = True
        # A lambda: ``import_charts`` is looked up when the job runs (tests replace it).
        self._jobs.submit(
            "import",
            lambda: import_charts(),  # noqa: PLW0108
            self._make_chart,
            self._charts_failed,
        )

    def _charts_failed(self, why: str) -> None:
        self.chart_status.setText(
            self._tr_charts("The charts are not available: {why}").format(why=why)
        )

    def _make_chart(self, module: ModuleType) -> None:
        self.chart = module.HistoryChart(self._chart_box)
        self._chart_layout.insertWidget(0, self.chart, 1)
        self.chart_status.setVisible(False)
        self._charts_filter = None
        self._load_charts()

    def _load_charts(self) -> None:
        if self.chart is None or self._history is None:
            return
        flt = replace(self.current_filter(), since=None, until=None, text=None)
        if flt == self._charts_filter:
            return  # the charts ignore the period and the search
        self._charts_filter = flt
        settings = self.service.settings
        jobs, today, tz = self._history, self.today(), self._tz
        rates, currency = settings.exchange_rates(), settings.display_currency
        self._jobs.submit(
            "charts",
            lambda: jobs.charts(flt, today=today, tz=tz, rates=rates, currency=currency),
            self._show_charts,
            self._read_failed,
        )

    def _show_charts(self, data: ChartData) -> None:
        self.chart.set_series(data.daily, data.monthly, self._charts_note(data.monthly))
        self.chart_status.setVisible(False)
        self.charts_loaded.emit()

    def _charts_note(self, monthly: SpendSeries) -> str:
        loc = self.model.locale
        parts = [
            self._tr_charts("{amount} has no exchange rate to {currency}").format(
                amount=format_money(loc, Money(amount, code), 2), currency=monthly.currency
            )
            for code, amount in monthly.left_out.items()
        ]
        if monthly.unpriced:
            parts.append(self._tr_charts("%Ln unpriced entries", "", monthly.unpriced))
        notes = []
        if parts:
            notes.append(self._tr_charts("Not in the bars: {what}.").format(what="; ".join(parts)))
        if monthly.converted:
            from tokenbudget.core.types import CONVERTED_MARK

            notes.append(
                self._tr_charts(
                    "{mark}: converted with your exchange rates or the ECB's of the day."
                ).format(mark=CONVERTED_MARK)
            )
        if self.device.count() > 1:  # other devices are known: the device picker is offered
            notes.append(
                self._tr_charts(
                    "The charts follow the provider, model, plan, source, project and device "
                    "filters."
                )
            )
        else:
            notes.append(
                self._tr_charts(
                    "The charts follow the provider, model, plan, source and project filters."
                )
            )
        return sentences(notes)
