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
from tokenbudget.core.catalog import ModelInfo

# -- entries and history ----------------------------------------------------------------------
from tokenbudget.core.entries import SOURCE_ESTIMATE, SOURCE_MANUAL, Entry, NewEntry, TokenCounts
from tokenbudget.core.ledger import HistoryFilter, Totals

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
from tokenbudget.core.services.counting import CountReport, ModelEstimate
from tokenbudget.core.services.imports import ImportReport
from tokenbudget.core.textstats import TextStats

__all__ = [
    "CURRENCIES",
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
    "TextStats",
    "TokenCounts",
    "Totals",
    "WindowCap",
    "check_currency",
    "from_micros",
    "parse_decimal",
    "to_micros",
]
