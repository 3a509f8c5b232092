"""What a plan is and what its status says: plain frozen data, no maths.

See :mod:`tokenbudget.core.plans` for the decisions the status maths takes.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenbudget.core.official_limits import LimitSnapshot


class PlanKind(StrEnum):
    """The three kinds of plan people pay under."""

    BUDGET = "budget"
    SUBSCRIPTION = "subscription"
    PREPAID = "prepaid"


@dataclass(frozen=True)
class WindowCap:
    """A cap over a rolling window, e.g. 5 hours or 7 days.

    Attributes:
        hours: Window length in hours (5 for five hours, 168 for a week).
        max_tokens: Token cap in the window (prompt + output), or None.
        max_requests: Request cap in the window, or None.
    """

    hours: int
    max_tokens: int | None = None
    max_requests: int | None = None


DEFAULT_THRESHOLDS: tuple[int, ...] = (50, 80, 100)


@dataclass(frozen=True)
class Plan:
    """What the user pays under.

    Attributes:
        id: Ledger id (0 before it is stored).
        name: Unique display name.
        kind: Budget, subscription or prepaid.
        currency: ISO code of ``amount_micros`` and of the plan's spend.
        amount_micros: Budget per month (budget), fee per month (subscription), or the
            top-up amount (prepaid), in micro-units of ``currency``.
        providers: Provider keys it covers; empty means every provider.
        models: Model patterns it covers (``fnmatch``, e.g. ``claude-*``); empty means all.
        reset_day: Day of the month the period starts (1-31; in shorter months the last day).
        timezone: IANA name of the zone the period boundaries are in.
        monthly_token_cap: Tokens per period (subscription), or None.
        windows: Rolling-window caps (subscription).
        thresholds: Alert thresholds in percent, ascending.
        low_balance_micros: Warn when a prepaid balance falls below this.
        start: When the plan starts counting (prepaid: when the balance was topped up).
        active: Inactive plans are kept but not shown in status.
    """

    name: str
    kind: PlanKind
    currency: str
    amount_micros: int
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    reset_day: int = 1
    timezone: str = "UTC"
    monthly_token_cap: int | None = None
    windows: tuple[WindowCap, ...] = ()
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    low_balance_micros: int | None = None
    start: datetime | None = None
    active: bool = True
    id: int = 0

    def covers(self, provider: str, model: str) -> bool:
        """True if an entry of ``provider``/``model`` counts toward this plan by matching."""
        if self.providers and provider.lower() not in {p.lower() for p in self.providers}:
            return False
        return not self.models or any(
            fnmatch.fnmatch(model.lower(), pattern.lower()) for pattern in self.models
        )


@dataclass(frozen=True)
class Period:
    """A billing period ``[start, end)`` in UTC-aware datetimes."""

    start: datetime
    end: datetime

    def contains(self, at: datetime) -> bool:
        """True if ``start <= at < end``."""
        return self.start <= at < self.end


@dataclass(frozen=True)
class UsagePoint:
    """What the status maths needs of one entry (the ledger supplies these).

    Attributes:
        at: When (timezone-aware).
        tokens: Prompt + output tokens.
        input_tokens, cache_read_tokens, cache_write_tokens, output_tokens: The parts.
        requests: Requests it stands for.
        cost_micros: Cost in the plan's currency (micro-units), already converted by the
            caller when the entry was in another currency; None when unpriced or when no
            exchange rate was available.
        converted: True when ``cost_micros`` was converted from another currency.
        entries: How many ledger entries the point stands for. A caller may sum entries
            that lie on the same side of every boundary (period start, window starts) into
            one point dated at the oldest of them; totals stay exact, and the point's
            ``at`` is then what a window's reset and a cap's crossing time are read from.
    """

    at: datetime
    tokens: int
    input_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    output_tokens: int
    requests: int
    cost_micros: int | None
    converted: bool = False
    entries: int = 1


class Measure(StrEnum):
    """What a cap counts."""

    MONEY = "money"
    TOKENS = "tokens"
    REQUESTS = "requests"
    #: An official figure: ``used`` is in basis points of 100 % (``limit`` 10000).
    PERCENT = "percent"


@dataclass(frozen=True)
class CapStatus:
    """Use of one cap.

    Attributes:
        label: ``budget``, ``balance``, ``monthly tokens``, ``5h tokens``, ``7d requests`` ...
        used: Amount used (micro-units for money, else tokens or requests).
        limit: The cap.
        basis_points: ``used / limit`` in hundredths of a percent, rounded down (exact
            integer maths; 10000 = 100 %).
        resets_at: When the window or period next resets (None for prepaid balances).
        reached_at: Projected moment the cap is reached at the current rate, or None.
        measure: What ``used`` and ``limit`` count: money (micro-units of the plan's
            currency), tokens or requests.
        window_hours: The rolling window's length, or None for a period or balance cap.
    """

    label: str
    used: int
    limit: int
    basis_points: int
    resets_at: datetime | None
    reached_at: datetime | None
    measure: Measure = Measure.MONEY
    window_hours: int | None = None


@dataclass(frozen=True)
class PlanStatus:
    """Everything the status line, the budgets view and alerts need for one plan at ``now``.

    Money is in micro-units of ``plan.currency``. ``spent_micros`` is the sum of entry
    costs for budgets and prepaid plans, and the fee for subscriptions (whose entry costs
    are their ``api_equivalent_micros`` instead). ``remaining_micros`` is budget or balance
    left (None for subscriptions). ``burn_micros_per_day`` is the average daily spend so far
    this period (API-equivalent for subscriptions). ``crossed_thresholds`` are the plan's
    thresholds that the most-used cap has reached (official figures included, see
    :mod:`tokenbudget.core.plans.official`).

    ``projectable`` is False while there is too little history to project from (see
    :mod:`tokenbudget.core.plans`): then ``burn_micros_per_day`` is still the plain average
    but ``projected_period_micros`` is None and no cap has a ``reached_at`` in the future.
    ``official`` holds the provider's own figures for the plan's rate-limit windows.
    """

    plan: Plan
    now: datetime
    period: Period
    spent_micros: int
    remaining_micros: int | None
    input_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    output_tokens: int
    requests: int
    unpriced_entries: int
    converted_entries: int
    caps: tuple[CapStatus, ...]
    burn_micros_per_day: int
    projected_period_micros: int | None
    api_equivalent_micros: int | None
    crossed_thresholds: tuple[int, ...]
    low_balance: bool
    projectable: bool = True
    official: tuple[OfficialWindow, ...] = ()
    #: The provider's official snapshots for any kind of plan (``status --json``); only a
    #: subscription's are rated and shown as ``official`` windows.
    official_limits: tuple[LimitSnapshot, ...] = ()


@dataclass(frozen=True)
class OfficialWindow:
    """A provider's own figure for one rate-limit window, beside our estimate of it.

    Attributes:
        snapshot: The newest official snapshot of the window.
        basis_points: Its percentage in hundredths (10000 = 100 %), rounded down.
        stale: True when the window has reset since the snapshot was seen.
        estimate: Our most-used cap of the same window length, or None.
    """

    snapshot: LimitSnapshot
    basis_points: int
    stale: bool
    estimate: CapStatus | None

    @property
    def window_hours(self) -> int | None:
        """The window's length in whole hours, or None when unknown or not whole."""
        minutes = self.snapshot.window_minutes
        return None if minutes is None or minutes % 60 else minutes // 60


#: End of a prepaid plan's period: a balance does not reset.
FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)


def window_label(hours: int) -> str:
    """``5h`` for 5 hours, ``7d`` for 168 hours, else ``{hours}h``."""
    return {5: "5h", 168: "7d"}.get(hours, f"{hours}h")


def counting_plans(
    plans: Sequence[Plan], plan_id: int | None, provider: str, model: str, at: datetime
) -> list[Plan]:
    """The plans an entry counts toward (what the History's Plan column shows).

    An entry assigned to a plan (``plan_id``) counts there only; an unassigned one counts
    toward every active plan that covers its provider and model and had started by ``at``
    (a plan without a start counts every period).
    """
    if plan_id is not None:
        return [p for p in plans if p.id == plan_id]
    return [
        p
        for p in plans
        if p.active and p.covers(provider, model) and (p.start is None or p.start <= at)
    ]
