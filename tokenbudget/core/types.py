"""The data the user interfaces may hold: frozen data types, and pure functions on them.

Together with ``core.services`` (the one door), ``core.errors`` and ``core.countproc`` (the
counting child's parent end), this is all of the core that ``tokenbudget.gui`` and
``tokenbudget.cli`` import (``tests/test_architecture.py`` checks it). Nothing here holds a
part (a ledger, a catalogue, a vocabulary, a key store) or does I/O.

Each name is defined in its own module; this module only gathers them, so a UI module names
one place. Sections below are by domain.
"""

from __future__ import annotations

# -- records: history, plans' cards and dialogs, balances, alerts, live sync -----------------
from tokenbudget.core.alerts import OK as ALERT_OK
from tokenbudget.core.alerts import Alert, main_status
from tokenbudget.core.alerts import state as alert_state
from tokenbudget.core.balances import BalanceResult

# -- models and counting ----------------------------------------------------------------------
from tokenbudget.core.catalog import ModelInfo, default_models
from tokenbudget.core.charts_data import Spend, SpendSeries, spend_in

# -- entries and history ----------------------------------------------------------------------
from tokenbudget.core.entries import SOURCE_ESTIMATE, SOURCE_MANUAL, Entry, NewEntry, TokenCounts

# -- counting ---------------------------------------------------------------------------------
from tokenbudget.core.estimate import ESTIMATORS, get_estimator
from tokenbudget.core.history_jobs import ChartData, Choices, Snapshot
from tokenbudget.core.history_query import PageCache, Period, RowMap, period_bounds
from tokenbudget.core.ledger import HistoryFilter, Totals, to_us
from tokenbudget.core.live_sync import SyncReport, WatchRoot, root_of

# -- money ------------------------------------------------------------------------------------
from tokenbudget.core.money import (
    CURRENCIES,
    SYMBOLS,
    ExchangeRate,
    ExchangeRates,
    Money,
    check_currency,
    from_micros,
    parse_decimal,
    to_micros,
)
from tokenbudget.core.plan_cards import CapBar, Countdown, Level, PlanCard
from tokenbudget.core.plan_input import (
    KIND_FIELDS,
    WINDOW_FIELDS,
    parse_plan,
    plan_fields,
    time_zones,
)

# -- plans ------------------------------------------------------------------------------------
from tokenbudget.core.plans import CapStatus, Measure, Plan, PlanKind, PlanStatus, WindowCap
from tokenbudget.core.providers import BALANCE_IDS as BALANCE_PROVIDERS
from tokenbudget.core.providers import COUNT_IDS as COUNT_PROVIDERS
from tokenbudget.core.providers import KEY_NAMES as KEY_PROVIDERS
from tokenbudget.core.providers import NAMES as PROVIDER_NAMES
from tokenbudget.core.remote_count import RemoteConfig, RemoteResult
from tokenbudget.core.services.counting import CountReport, ModelEstimate
from tokenbudget.core.services.imports import ImportReport
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

__all__ = [
    "ALERT_OK",
    "BALANCE_PROVIDERS",
    "COUNT_PROVIDERS",
    "CURRENCIES",
    "EMPTY_MARK",
    "ESTIMATORS",
    "KEY_PROVIDERS",
    "KIND_FIELDS",
    "PROVIDER_NAMES",
    "SOURCE_ESTIMATE",
    "SOURCE_MANUAL",
    "SYMBOLS",
    "WINDOW_FIELDS",
    "Alert",
    "BalanceResult",
    "CapBar",
    "CapStatus",
    "ChartData",
    "Choices",
    "CountReport",
    "Countdown",
    "Entry",
    "ExchangeRate",
    "ExchangeRates",
    "HistoryFilter",
    "ImportReport",
    "Level",
    "Measure",
    "ModelEstimate",
    "ModelInfo",
    "Money",
    "NewEntry",
    "PageCache",
    "Period",
    "Plan",
    "PlanCard",
    "PlanKind",
    "PlanStatus",
    "RemoteConfig",
    "RemoteResult",
    "RowMap",
    "Snapshot",
    "Span",
    "Spend",
    "SpendSeries",
    "SyncReport",
    "TextStats",
    "Token",
    "TokenCounts",
    "Tokenization",
    "Totals",
    "WatchRoot",
    "WindowCap",
    "alert_state",
    "check_currency",
    "count_words",
    "default_models",
    "from_micros",
    "get_estimator",
    "main_status",
    "marker",
    "parse_decimal",
    "parse_plan",
    "period_bounds",
    "plan_fields",
    "printable",
    "root_of",
    "spend_in",
    "split_for_display",
    "text_stats",
    "time_zones",
    "to_micros",
    "to_us",
    "visible_runs",
]
