"""Spend in the display currency: totals, per period and provider for the charts, reports.

Periods are local days or months, which rarely start at a UTC midnight. Sums are exact all
the same: a UTC day that lies wholly inside one period comes from the rollup; a day that a
period boundary cuts (every day, in a zone away from UTC) is summed from its entries, each
entry counted in the period it falls in. Amounts are converted with the user's rates; those
in a currency without a rate are left out of the bars and reported apart, never guessed.

A report (``spend_report``) groups a filter's sums by project, model, provider or local day;
rates only order its rows, its amounts stay in their own currencies.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta, tzinfo
from decimal import Decimal

from tokenbudget.core.entries import TokenCounts
from tokenbudget.core.history_filter import (
    NO_PROJECT,
    Report,
    ReportRow,
    Totals,
    add_totals,
    check_report_key,
)
from tokenbudget.core.history_query import local_midnight, month_start, offset_spans
from tokenbudget.core.ledger import DAY_US, HistoryFilter, Ledger, to_us
from tokenbudget.core.ledger.reports import GroupSums
from tokenbudget.core.money import ExchangeRates, Money, from_micros
from tokenbudget.core.projects import project_name

#: (provider, currency or None when unpriced) -> [cost micros, entries]
Sums = dict[tuple[str, str | None], list[int]]


@dataclass(frozen=True)
class Spend:
    """Costs in several currencies, shown in one where the user's rates allow.

    Attributes:
        shown: The convertible part in the display currency (``converted`` when a rate was
            used), or None when nothing could be shown in it.
        apart: Amounts in currencies without a rate, each in its own currency.
    """

    shown: Money | None
    apart: tuple[Money, ...]


def spend_in(costs: Mapping[str, int], rates: ExchangeRates, currency: str) -> Spend:
    """``costs`` (micro-units per currency) in ``currency``, what has no rate kept apart."""
    shown: Money | None = None
    apart = []
    for code, micros in sorted(costs.items()):
        money = Money(from_micros(micros), code)
        if rates.can_convert(code, currency):
            converted = rates.convert(money, currency)
            shown = converted if shown is None else shown + converted
        else:
            apart.append(money)
    return Spend(shown, tuple(apart))


@dataclass(frozen=True)
class SpendSeries:
    """Spend per period and provider in one currency: the bars of a stacked chart.

    Attributes:
        currency: The currency of ``values``.
        starts: The first local day of each period, oldest first.
        providers: Provider keys, the biggest spender first (the bottom of the stack).
        values: Per provider, the amount of each period (as long as ``starts``).
        converted: The providers whose amounts were converted with a user-set rate (in part
            or whole).
        left_out: Amounts in currencies without a rate, per currency (not in the bars).
        unpriced: Entries without a price in these periods (not in the bars).
    """

    currency: str
    starts: tuple[date, ...]
    providers: tuple[str, ...]
    values: dict[str, tuple[Decimal, ...]]
    converted: frozenset[str]
    left_out: dict[str, Decimal]
    unpriced: int

    def total(self, index: int) -> Decimal:
        """The stacked height of period ``index``."""
        return sum((self.values[p][index] for p in self.providers), Decimal(0))


def period_sums(ledger: Ledger, flt: HistoryFilter, boundaries: list[int]) -> list[Sums]:
    """Sums per provider and currency of each period ``[boundaries[i], boundaries[i+1])``.

    Args:
        ledger: The ledger.
        flt: Providers, models, sources, projects, devices and plan to keep; its period and
            text are ignored.
        boundaries: Increasing UTC microseconds, all after the first day of 1970.
    """
    flt = replace(flt, since=None, until=None, text=None)
    periods: list[Sums] = [defaultdict(lambda: [0, 0]) for _ in boundaries[1:]]
    if not periods:
        return []
    low, high = boundaries[0], boundaries[-1]
    if flt.projects or flt.devices:
        # The rollup knows no projects or devices: their entries are read (a project's
        # through its index).
        for sums in ledger.provider_period_sums(flt, low, high, 0, boundaries[1:-1]):
            _add(periods[sums.key], sums.provider, sums.currency, sums.cost_micros, sums.entries)
        return periods
    split = {b // DAY_US for b in boundaries if b % DAY_US}
    first, end = -(-low // DAY_US), high // DAY_US
    if first < end:
        for sums in ledger.rollup_provider_days(flt, first, end):
            if sums.key not in split and sums.entries:
                cells = periods[bisect.bisect_right(boundaries, sums.key * DAY_US) - 1]
                _add(cells, sums.provider, sums.currency, sums.cost_micros, sums.entries)
    runs = _runs(sorted(split), low, high)
    if runs and not flt.providers:
        # Naming the providers lets SQLite read (provider, at_us, ...) index entries alone
        # instead of every entry's row: five times faster for a month of entries.
        present = ledger.providers_between_days(runs[0][0] // DAY_US, (runs[-1][1] - 1) // DAY_US)
        flt = replace(flt, providers=tuple(present) or ("",))
    for run_low, run_high in runs:
        base = bisect.bisect_right(boundaries, run_low) - 1
        inside = [b for b in boundaries if run_low < b < run_high]
        for sums in ledger.provider_period_sums(flt, run_low, run_high, base, inside):
            _add(periods[sums.key], sums.provider, sums.currency, sums.cost_micros, sums.entries)
    return periods


def _add(sums: Sums, provider: str, currency: str | None, cost: int | None, n: int) -> None:
    cell = sums[(provider, currency)]
    cell[0] += int(cost or 0)
    cell[1] += int(n)


def _runs(days: list[int], low: int, high: int) -> list[tuple[int, int]]:
    """Consecutive ``days`` joined into ranges, clipped to ``[low, high)``."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][1] == day * DAY_US:
            runs[-1][1] = (day + 1) * DAY_US
        else:
            runs.append([day * DAY_US, (day + 1) * DAY_US])
    clipped = [(max(a, low), min(b, high)) for a, b in runs]
    return [(a, b) for a, b in clipped if a < b]


def spend_series(
    ledger: Ledger,
    flt: HistoryFilter,
    starts: list[date],
    end: date,
    *,
    tz: tzinfo | None,
    rates: ExchangeRates,
    currency: str,
) -> SpendSeries:
    """Spend per provider in local periods ``[starts[i], starts[i+1])``, the last to ``end``.

    Args:
        ledger: The ledger.
        flt: Providers, models, sources, projects and plan to keep (period and text are
            ignored).
        starts: First local day of each period, increasing.
        end: The local day after the last period.
        tz: The time zone of the days (None: the system's).
        rates: The user's exchange rates.
        currency: The currency to show.
    """
    boundaries = [to_us(local_midnight(d, tz)) for d in [*starts, end]]
    values: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * len(starts))
    left_out: dict[str, Decimal] = defaultdict(Decimal)
    converted: set[str] = set()
    unpriced = 0
    for index, sums in enumerate(period_sums(ledger, flt, boundaries)):
        for (provider, cur), (micros, entries) in sums.items():
            if cur is None:
                unpriced += entries
            elif rates.can_convert(cur, currency):
                # The rate of the period's last day (the latest one for the current period).
                last_day = (starts[index + 1] if index + 1 < len(starts) else end) - timedelta(1)
                money = rates.convert(Money(from_micros(micros), cur), currency, last_day)
                values[provider][index] += money.amount
                if money.converted:
                    converted.add(provider)
            else:
                left_out[cur] += from_micros(micros)
    providers = sorted((p for p in values if any(values[p])), key=lambda p: (-sum(values[p]), p))
    return SpendSeries(
        currency=currency,
        starts=tuple(starts),
        providers=tuple(providers),
        values={p: tuple(values[p]) for p in providers},
        converted=frozenset(converted & set(providers)),
        left_out={c: a for c, a in sorted(left_out.items()) if a},
        unpriced=unpriced,
    )


def daily_spend(
    ledger: Ledger,
    flt: HistoryFilter,
    today: date,
    *,
    tz: tzinfo | None,
    rates: ExchangeRates,
    currency: str,
) -> SpendSeries:
    """Spend per day of ``today``'s month (every day of it, the days to come empty)."""
    first = month_start(today)
    after = month_start(today, -1)
    days = [first + timedelta(days=i) for i in range((after - first).days)]
    return spend_series(ledger, flt, days, after, tz=tz, rates=rates, currency=currency)


def monthly_spend(
    ledger: Ledger,
    flt: HistoryFilter,
    today: date,
    *,
    months: int = 12,
    tz: tzinfo | None,
    rates: ExchangeRates,
    currency: str,
) -> SpendSeries:
    """Spend per month for the last ``months`` months, ``today``'s month last."""
    starts = [month_start(today, back) for back in range(months - 1, -1, -1)]
    after = month_start(today, -1)
    return spend_series(ledger, flt, starts, after, tz=tz, rates=rates, currency=currency)


def spend_report(
    ledger: Ledger,
    by: str,
    flt: HistoryFilter,
    *,
    tz: tzinfo | None,
    rates: ExchangeRates,
    currency: str,
    device_names: Mapping[str, str] | None = None,
) -> Report:
    """``flt``'s spend grouped by ``by`` (see ``Report`` for the order of its rows).

    Args:
        ledger: The ledger.
        by: ``project``, ``model``, ``provider`` or ``day`` (a local day of ``tz``).
        flt: The entries to report on (every part of it applies).
        tz: The time zone of the days (None: the system's).
        rates: The user's exchange rates (for the order only).
        currency: The display currency (for the order only).
        device_names: Devices' names by id (``THIS_DEVICE`` for this one), for ``device``.

    Raises:
        UserInputError: for another ``by``.
    """
    check_report_key(by)
    groups: dict[str | None, list[GroupSums]] = defaultdict(list)
    if by == "day":
        known = ledger.time_range()
        low, high = known or (0, 0)
        if flt.since is not None:
            low = max(low, to_us(flt.since))
        if flt.until is not None:
            high = min(high, to_us(flt.until))
        for sums in ledger.local_day_sums(flt, offset_spans(low, high, tz)):
            groups[_day_text(int(sums.key or 0))].append(sums)
    else:
        for sums in ledger.group_sums(flt, by):
            groups[None if sums.key is None else str(sums.key)].append(sums)
    names = [project_name(k) for k in groups if k is not None] if by == "project" else []
    rows = [ReportRow(key, _label(by, key, names), _totals(parts)) for key, parts in groups.items()]
    if by == "device":
        shown = device_names or {}
        rows = [replace(r, label=shown.get(r.key or "", r.key or "")) for r in rows]
    if by == "day":
        rows.sort(key=lambda r: r.key or "")
    else:

        def largest(row: ReportRow) -> tuple[Decimal, Decimal, str]:
            spend = spend_in(row.totals.cost_micros, rates, currency)
            shown = Decimal(0) if spend.shown is None else spend.shown.amount
            return -shown, -sum((m.amount for m in spend.apart), Decimal(0)), row.label

        rows.sort(key=largest)
    return Report(by, tuple(rows), add_totals([r.totals for r in rows]))


def _day_text(number: int) -> str:
    """A local day number as an ISO date (clamped to the years ``date`` can hold)."""
    ordinal = min(max(_EPOCH_ORDINAL + number, 1), date.max.toordinal())
    return date.fromordinal(ordinal).isoformat()


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _label(by: str, key: str | None, names: list[str]) -> str:
    """A project's short name (its path when the name is shared), else the key itself."""
    if key is None:
        return NO_PROJECT
    if by != "project":
        return key
    name = project_name(key)
    return name if names.count(name) == 1 else key


def _totals(parts: list[GroupSums]) -> Totals:
    """One group's sums over its currencies (and its rollup and entry parts)."""
    counts = [0] * 7
    cost: dict[str, int] = {}
    unpriced = 0
    for part in parts:
        for i, value in enumerate(part[2:9]):
            counts[i] += int(value)
        if part.currency is None:
            unpriced += part.entries
        else:
            cost[part.currency] = cost.get(part.currency, 0) + part.cost_micros
    return Totals(counts[0], counts[1], TokenCounts(*counts[2:7]), cost, unpriced)
