"""The data the user interfaces may hold: frozen data types, and pure functions on them.

Together with ``core.services`` (the one door), ``core.errors`` and ``core.countproc`` (the
counting child's parent end), this is all of the core that ``tokenbudget.gui`` and
``tokenbudget.cli`` import (``tests/test_architecture.py`` checks it). Nothing here holds a
part (a ledger, a catalogue, a vocabulary, a key store) or does I/O.

Each name is defined in its own module; this module only gathers them, so a UI module names
one place. Sections below are by domain.
"""

from __future__ import annotations

# -- models and counting ----------------------------------------------------------------------
from tokenbudget.core.catalog import ModelInfo, default_models
from tokenbudget.core.count_report import CountReport, ModelEstimate

# -- entries and history ----------------------------------------------------------------------
from tokenbudget.core.entries import SOURCE_ESTIMATE, SOURCE_MANUAL, Entry, NewEntry, TokenCounts

# -- counting ---------------------------------------------------------------------------------
from tokenbudget.core.estimate import ESTIMATORS, get_estimator
from tokenbudget.core.history_filter import HistoryFilter, Totals
from tokenbudget.core.import_report import ImportReport

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

# -- plans ------------------------------------------------------------------------------------
from tokenbudget.core.plans import CapStatus, Measure, Plan, PlanKind, PlanStatus, WindowCap
from tokenbudget.core.providers import BALANCE_IDS as BALANCE_PROVIDERS
from tokenbudget.core.providers import COUNT_IDS as COUNT_PROVIDERS
from tokenbudget.core.providers import KEY_NAMES as KEY_PROVIDERS
from tokenbudget.core.providers import NAMES as PROVIDER_NAMES
from tokenbudget.core.remote_count import RemoteConfig, RemoteResult
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
from tokenbudget.core.plan_input import format_windows, parse_plan

__all__ = [
    "BALANCE_PROVIDERS",
    "COUNT_PROVIDERS",
    "CURRENCIES",
    "EMPTY_MARK",
    "ESTIMATORS",
    "KEY_PROVIDERS",
    "MAX_REQUESTS",
    "MAX_ROWS",
    "MAX_TOKENS",
    "PROVIDER_NAMES",
    "SOURCE_ESTIMATE",
    "SOURCE_MANUAL",
    "SYMBOLS",
    "CapStatus",
    "CountReport",
    "Entry",
    "ExchangeRate",
    "ExchangeRates",
    "HistoryFilter",
    "ImportReport",
    "Measure",
    "ModelEstimate",
    "ModelInfo",
    "Money",
    "NewEntry",
    "Plan",
    "PlanKind",
    "PlanStatus",
    "RemoteConfig",
    "RemoteResult",
    "Span",
    "TextStats",
    "Token",
    "TokenCounts",
    "Tokenization",
    "Totals",
    "WindowCap",
    "check_amount",
    "check_currency",
    "check_date",
    "check_moment",
    "check_rate",
    "count_words",
    "default_models",
    "format_windows",
    "from_micros",
    "get_estimator",
    "marker",
    "parse_decimal",
    "parse_plan",
    "printable",
    "split_for_display",
    "text_stats",
    "to_micros",
    "visible_runs",
]
