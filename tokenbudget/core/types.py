"""The data the user interfaces may hold: frozen data types, and pure functions on them.

Together with ``core.services`` (the one door), ``core.errors`` and ``core.countproc`` (the
counting child's parent end), this is all of the core that ``tokenbudget.gui`` and
``tokenbudget.cli`` import (``tests/test_architecture.py`` checks it). Nothing here holds a
part (a ledger, a catalogue, a vocabulary, a key store) or does I/O.

Each name is defined in its own module; this module only gathers them, so a UI module names
one place. Sections below are by domain.

Names are imported lazily (PEP 562 ``__getattr__``): ``from tokenbudget.core.types import
Money`` imports ``core.money`` and nothing else, so the command line's start and ``count``
load no SQLite, no HTTP client and no services. A new name goes in three places: its import
under ``TYPE_CHECKING`` (for the type checker), ``_WHERE`` and ``__all__``;
``tests/test_architecture.py`` checks that the three agree.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # -- records: history, plans' cards and dialogs, balances, alerts, live sync -----------------
    from tokenbudget.core.alerts import OK as ALERT_OK
    from tokenbudget.core.alerts import Alert, main_status
    from tokenbudget.core.alerts import state as alert_state
    from tokenbudget.core.balances import BalanceResult

    # -- models and counting ----------------------------------------------------------------------
    from tokenbudget.core.catalog import ModelInfo, default_models
    from tokenbudget.core.charts_data import Spend, SpendSeries, spend_in
    from tokenbudget.core.cheapest import cheapest_model
    from tokenbudget.core.claude_settings import StatusLinePlan
    from tokenbudget.core.count_report import CountReport, ModelEstimate

    # -- devices sharing a sync folder -------------------------------------------------------------
    from tokenbudget.core.devices import DeviceInfo, DeviceSyncReport

    # -- entries and history ----------------------------------------------------------------------
    from tokenbudget.core.entries import (
        SOURCE_ESTIMATE,
        SOURCE_MANUAL,
        Entry,
        NewEntry,
        TokenCounts,
    )

    # -- counting ---------------------------------------------------------------------------------
    from tokenbudget.core.estimate import ESTIMATORS, get_estimator
    from tokenbudget.core.history_filter import (
        NO_PROJECT,
        REPORT_KEYS,
        THIS_DEVICE,
        HistoryFilter,
        Report,
        ReportRow,
        Totals,
    )
    from tokenbudget.core.history_jobs import ChartData, Choices, Snapshot
    from tokenbudget.core.history_query import PageCache, Period, RowMap, period_bounds
    from tokenbudget.core.import_report import ImportReport
    from tokenbudget.core.importers.base import Problem
    from tokenbudget.core.ledger import to_us
    from tokenbudget.core.live_sync import SyncReport, WatchRoot, root_of
    from tokenbudget.core.memory import release_freed_memory
    from tokenbudget.core.model_names import closest
    from tokenbudget.core.money import (
        CONVERTED_MARK,
        CURRENCIES,
        ESTIMATED_MARK,
        SYMBOLS,
        ExchangeRate,
        ExchangeRates,
        Money,
        check_currency,
        from_micros,
        parse_decimal,
        to_micros,
    )

    # -- money ------------------------------------------------------------------------------------
    from tokenbudget.core.official_limits import LimitSnapshot
    from tokenbudget.core.plan_cards import (
        CapBar,
        Countdown,
        Headline,
        Level,
        OfficialRow,
        PlanCard,
        headline,
    )
    from tokenbudget.core.plan_input import (
        KIND_FIELDS,
        WINDOW_FIELDS,
        parse_plan,
        plan_fields,
        time_zones,
    )

    # -- plans ------------------------------------------------------------------------------------
    from tokenbudget.core.plans import (
        CapStatus,
        Measure,
        Plan,
        PlanKind,
        PlanStatus,
        WindowCap,
        counting_plans,
    )
    from tokenbudget.core.price_update import Repricing, UpdateReport
    from tokenbudget.core.projects import project_name
    from tokenbudget.core.providers import BALANCE_IDS as BALANCE_PROVIDERS
    from tokenbudget.core.providers import COUNT_IDS as COUNT_PROVIDERS
    from tokenbudget.core.providers import KEY_NAMES as KEY_PROVIDERS
    from tokenbudget.core.providers import NAMES as PROVIDER_NAMES
    from tokenbudget.core.providers import TABLE as PROVIDER_TABLE
    from tokenbudget.core.remote_count import RemoteConfig, RemoteResult
    from tokenbudget.core.sources import LABELS as TOOL_LABELS
    from tokenbudget.core.sources import SourceInfo, home_short, problem_text, source_json
    from tokenbudget.core.statusline_state import LimitWindow
    from tokenbudget.core.textstats import TextStats, count_words, text_stats
    from tokenbudget.core.token_split import (
        EMPTY_MARK,
        Span,
        Token,
        Tokenization,
        marker,
        printable,
        split_for_display,
        visible_runs,
    )

    # isort: split
    # -- cli --------------------------------------------------------------------------------------
    from tokenbudget.core.limits import (
        MAX_REQUESTS,
        MAX_ROWS,
        MAX_TOKENS,
        check_amount,
        check_date,
        check_moment,
        check_rate,
    )
    from tokenbudget.core.plan_input import format_windows

#: Where each name is defined, as (module, name there). Its module is imported on first use
#: (``__getattr__``), so that importing this module costs nothing: the command line imports it
#: on every start, and a name the GUI needs (a history snapshot, say) must not load SQLite
#: into ``tokenbudget count``. Keep it in step with the imports above (a test checks it).
_WHERE: dict[str, tuple[str, str]] = {
    "ALERT_OK": ("tokenbudget.core.alerts", "OK"),
    "Alert": ("tokenbudget.core.alerts", "Alert"),
    "alert_state": ("tokenbudget.core.alerts", "state"),
    "main_status": ("tokenbudget.core.alerts", "main_status"),
    "BalanceResult": ("tokenbudget.core.balances", "BalanceResult"),
    "ModelInfo": ("tokenbudget.core.catalog", "ModelInfo"),
    "StatusLinePlan": ("tokenbudget.core.claude_settings", "StatusLinePlan"),
    "default_models": ("tokenbudget.core.catalog", "default_models"),
    "Spend": ("tokenbudget.core.charts_data", "Spend"),
    "SpendSeries": ("tokenbudget.core.charts_data", "SpendSeries"),
    "spend_in": ("tokenbudget.core.charts_data", "spend_in"),
    "CountReport": ("tokenbudget.core.count_report", "CountReport"),
    "cheapest_model": ("tokenbudget.core.cheapest", "cheapest_model"),
    "ModelEstimate": ("tokenbudget.core.count_report", "ModelEstimate"),
    "DeviceInfo": ("tokenbudget.core.devices", "DeviceInfo"),
    "DeviceSyncReport": ("tokenbudget.core.devices", "DeviceSyncReport"),
    "Entry": ("tokenbudget.core.entries", "Entry"),
    "LimitSnapshot": ("tokenbudget.core.official_limits", "LimitSnapshot"),
    "LimitWindow": ("tokenbudget.core.statusline_state", "LimitWindow"),
    "NewEntry": ("tokenbudget.core.entries", "NewEntry"),
    "SOURCE_ESTIMATE": ("tokenbudget.core.entries", "SOURCE_ESTIMATE"),
    "SOURCE_MANUAL": ("tokenbudget.core.entries", "SOURCE_MANUAL"),
    "TokenCounts": ("tokenbudget.core.entries", "TokenCounts"),
    "ESTIMATORS": ("tokenbudget.core.estimate", "ESTIMATORS"),
    "get_estimator": ("tokenbudget.core.estimate", "get_estimator"),
    "HistoryFilter": ("tokenbudget.core.history_filter", "HistoryFilter"),
    "THIS_DEVICE": ("tokenbudget.core.history_filter", "THIS_DEVICE"),
    "Totals": ("tokenbudget.core.history_filter", "Totals"),
    "NO_PROJECT": ("tokenbudget.core.history_filter", "NO_PROJECT"),
    "REPORT_KEYS": ("tokenbudget.core.history_filter", "REPORT_KEYS"),
    "Report": ("tokenbudget.core.history_filter", "Report"),
    "ReportRow": ("tokenbudget.core.history_filter", "ReportRow"),
    "project_name": ("tokenbudget.core.projects", "project_name"),
    "ChartData": ("tokenbudget.core.history_jobs", "ChartData"),
    "Choices": ("tokenbudget.core.history_jobs", "Choices"),
    "Snapshot": ("tokenbudget.core.history_jobs", "Snapshot"),
    "PageCache": ("tokenbudget.core.history_query", "PageCache"),
    "Period": ("tokenbudget.core.history_query", "Period"),
    "RowMap": ("tokenbudget.core.history_query", "RowMap"),
    "period_bounds": ("tokenbudget.core.history_query", "period_bounds"),
    "ImportReport": ("tokenbudget.core.import_report", "ImportReport"),
    "to_us": ("tokenbudget.core.ledger", "to_us"),
    "MAX_REQUESTS": ("tokenbudget.core.limits", "MAX_REQUESTS"),
    "MAX_ROWS": ("tokenbudget.core.limits", "MAX_ROWS"),
    "MAX_TOKENS": ("tokenbudget.core.limits", "MAX_TOKENS"),
    "check_amount": ("tokenbudget.core.limits", "check_amount"),
    "check_date": ("tokenbudget.core.limits", "check_date"),
    "check_moment": ("tokenbudget.core.limits", "check_moment"),
    "check_rate": ("tokenbudget.core.limits", "check_rate"),
    "SyncReport": ("tokenbudget.core.live_sync", "SyncReport"),
    "WatchRoot": ("tokenbudget.core.live_sync", "WatchRoot"),
    "root_of": ("tokenbudget.core.live_sync", "root_of"),
    "SourceInfo": ("tokenbudget.core.sources", "SourceInfo"),
    "Problem": ("tokenbudget.core.importers.base", "Problem"),
    "TOOL_LABELS": ("tokenbudget.core.sources", "LABELS"),
    "problem_text": ("tokenbudget.core.sources", "problem_text"),
    "home_short": ("tokenbudget.core.sources", "home_short"),
    "release_freed_memory": ("tokenbudget.core.memory", "release_freed_memory"),
    "source_json": ("tokenbudget.core.sources", "source_json"),
    "Repricing": ("tokenbudget.core.price_update", "Repricing"),
    "closest": ("tokenbudget.core.model_names", "closest"),
    "UpdateReport": ("tokenbudget.core.price_update", "UpdateReport"),
    "CURRENCIES": ("tokenbudget.core.money", "CURRENCIES"),
    "CONVERTED_MARK": ("tokenbudget.core.money", "CONVERTED_MARK"),
    "ESTIMATED_MARK": ("tokenbudget.core.money", "ESTIMATED_MARK"),
    "ExchangeRate": ("tokenbudget.core.money", "ExchangeRate"),
    "ExchangeRates": ("tokenbudget.core.money", "ExchangeRates"),
    "Money": ("tokenbudget.core.money", "Money"),
    "SYMBOLS": ("tokenbudget.core.money", "SYMBOLS"),
    "check_currency": ("tokenbudget.core.money", "check_currency"),
    "from_micros": ("tokenbudget.core.money", "from_micros"),
    "parse_decimal": ("tokenbudget.core.money", "parse_decimal"),
    "to_micros": ("tokenbudget.core.money", "to_micros"),
    "CapBar": ("tokenbudget.core.plan_cards", "CapBar"),
    "Headline": ("tokenbudget.core.plan_cards", "Headline"),
    "OfficialRow": ("tokenbudget.core.plan_cards", "OfficialRow"),
    "headline": ("tokenbudget.core.plan_cards", "headline"),
    "Countdown": ("tokenbudget.core.plan_cards", "Countdown"),
    "Level": ("tokenbudget.core.plan_cards", "Level"),
    "PlanCard": ("tokenbudget.core.plan_cards", "PlanCard"),
    "KIND_FIELDS": ("tokenbudget.core.plan_input", "KIND_FIELDS"),
    "WINDOW_FIELDS": ("tokenbudget.core.plan_input", "WINDOW_FIELDS"),
    "format_windows": ("tokenbudget.core.plan_input", "format_windows"),
    "parse_plan": ("tokenbudget.core.plan_input", "parse_plan"),
    "plan_fields": ("tokenbudget.core.plan_input", "plan_fields"),
    "time_zones": ("tokenbudget.core.plan_input", "time_zones"),
    "CapStatus": ("tokenbudget.core.plans", "CapStatus"),
    "Measure": ("tokenbudget.core.plans", "Measure"),
    "Plan": ("tokenbudget.core.plans", "Plan"),
    "PlanKind": ("tokenbudget.core.plans", "PlanKind"),
    "PlanStatus": ("tokenbudget.core.plans", "PlanStatus"),
    "WindowCap": ("tokenbudget.core.plans", "WindowCap"),
    "counting_plans": ("tokenbudget.core.plans", "counting_plans"),
    "BALANCE_PROVIDERS": ("tokenbudget.core.providers", "BALANCE_IDS"),
    "COUNT_PROVIDERS": ("tokenbudget.core.providers", "COUNT_IDS"),
    "KEY_PROVIDERS": ("tokenbudget.core.providers", "KEY_NAMES"),
    "PROVIDER_NAMES": ("tokenbudget.core.providers", "NAMES"),
    "PROVIDER_TABLE": ("tokenbudget.core.providers", "TABLE"),
    "RemoteConfig": ("tokenbudget.core.remote_count", "RemoteConfig"),
    "RemoteResult": ("tokenbudget.core.remote_count", "RemoteResult"),
    "TextStats": ("tokenbudget.core.textstats", "TextStats"),
    "count_words": ("tokenbudget.core.textstats", "count_words"),
    "text_stats": ("tokenbudget.core.textstats", "text_stats"),
    "EMPTY_MARK": ("tokenbudget.core.token_split", "EMPTY_MARK"),
    "Span": ("tokenbudget.core.token_split", "Span"),
    "Token": ("tokenbudget.core.token_split", "Token"),
    "Tokenization": ("tokenbudget.core.token_split", "Tokenization"),
    "marker": ("tokenbudget.core.token_split", "marker"),
    "printable": ("tokenbudget.core.token_split", "printable"),
    "split_for_display": ("tokenbudget.core.token_split", "split_for_display"),
    "visible_runs": ("tokenbudget.core.token_split", "visible_runs"),
}

__all__ = [
    "ALERT_OK",
    "BALANCE_PROVIDERS",
    "CONVERTED_MARK",
    "COUNT_PROVIDERS",
    "CURRENCIES",
    "EMPTY_MARK",
    "ESTIMATED_MARK",
    "ESTIMATORS",
    "KEY_PROVIDERS",
    "KIND_FIELDS",
    "MAX_REQUESTS",
    "MAX_ROWS",
    "MAX_TOKENS",
    "NO_PROJECT",
    "PROVIDER_NAMES",
    "PROVIDER_TABLE",
    "REPORT_KEYS",
    "SOURCE_ESTIMATE",
    "SOURCE_MANUAL",
    "SYMBOLS",
    "THIS_DEVICE",
    "TOOL_LABELS",
    "WINDOW_FIELDS",
    "Alert",
    "BalanceResult",
    "CapBar",
    "CapStatus",
    "ChartData",
    "Choices",
    "CountReport",
    "Countdown",
    "DeviceInfo",
    "DeviceSyncReport",
    "Entry",
    "ExchangeRate",
    "ExchangeRates",
    "Headline",
    "HistoryFilter",
    "ImportReport",
    "Level",
    "LimitSnapshot",
    "LimitWindow",
    "Measure",
    "ModelEstimate",
    "ModelInfo",
    "Money",
    "NewEntry",
    "OfficialRow",
    "PageCache",
    "Period",
    "Plan",
    "PlanCard",
    "PlanKind",
    "PlanStatus",
    "Problem",
    "RemoteConfig",
    "RemoteResult",
    "Report",
    "ReportRow",
    "Repricing",
    "RowMap",
    "Snapshot",
    "SourceInfo",
    "Span",
    "Spend",
    "SpendSeries",
    "StatusLinePlan",
    "SyncReport",
    "TextStats",
    "Token",
    "TokenCounts",
    "Tokenization",
    "Totals",
    "UpdateReport",
    "WatchRoot",
    "WindowCap",
    "alert_state",
    "cheapest_model",
    "check_amount",
    "check_currency",
    "check_date",
    "check_moment",
    "check_rate",
    "closest",
    "count_words",
    "counting_plans",
    "default_models",
    "format_windows",
    "from_micros",
    "get_estimator",
    "headline",
    "home_short",
    "main_status",
    "marker",
    "parse_decimal",
    "parse_plan",
    "period_bounds",
    "plan_fields",
    "printable",
    "problem_text",
    "project_name",
    "release_freed_memory",
    "root_of",
    "source_json",
    "spend_in",
    "split_for_display",
    "text_stats",
    "time_zones",
    "to_micros",
    "to_us",
    "visible_runs",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use (PEP 562); keep the value."""
    try:
        module, attribute = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every name, loaded or not."""
    return sorted({*globals(), *_WHERE})
