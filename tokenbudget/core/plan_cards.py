"""What the budgets view shows for one plan, worked out from its status. Pure: no Qt, no clock.

A :class:`PlanCard` is built from a :class:`~tokenbudget.core.plans.PlanStatus`, which
carries the ``now`` it was computed at, so the GUI only has to format. Money is ``Money``
(``Decimal``), never a float.

Decisions worth knowing (each is tested in ``tests/core/test_plan_cards.py``):

* **Level.** The most-used *rated* cap decides (``plans.rated_caps``: a fresh official
  figure replaces our estimate of its window): at least 80 % is a warning, at least 100 %
  is over. A prepaid balance below its low-balance mark is at least a warning. A plan
  without caps (a subscription with no token or request limits) is normal.
* **Official rows.** A subscription shows one row per official window of its provider:
  the official figure, when it resets, how long ago it was seen (rounded down to whole
  minutes), whether it is stale, and our estimate of a window of the same length.
* **Too early.** While ``status.projectable`` is False the card has ``too_early`` set and
  shows no burn rate, projection or future "cap reached" moment.
* **Headline** (tray tooltip, popup header): for a subscription, its most-used rated cap
  (official when known and fresh); for a budget, spend against it; for prepaid, spend of
  the top-up and what is left. Its level is the card's level, so the icon and the text agree.
* **Bars** are filled to at most 100 %; the real share stays in the cap's ``basis_points``.
* **Countdowns** are rounded *up* to whole minutes, so a window that resets in 30 seconds
  says 1 minute, never 0. A moment at or before ``now`` is a countdown of zero.
* **The card's "cap reached" moment** is the earliest ``reached_at`` of its caps: one
  already reached (in the past) before any projected one. None means "not at this rate".
* **Approximate money.** When entries were converted with the user's exchange rates, the
  money figures built from entry costs are marked ``converted`` (shown with ``~``). A
  subscription's fee is exact either way.
* **Value of a subscription** is its API-equivalent cost over its fee, exact; None for a
  fee of zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tokenbudget.core.money import Money, from_micros
from tokenbudget.core.plans import (
    CapStatus,
    Measure,
    OfficialWindow,
    Plan,
    PlanKind,
    PlanStatus,
    rated_caps,
    top_cap,
)

#: A cap used this much (10000 = 100 %) shows a warning.
WARNING_BASIS_POINTS = 8_000
#: A cap used this much is over.
OVER_BASIS_POINTS = 10_000

_MICRO = timedelta(microseconds=1)
_MINUTE_MICROS = 60_000_000


class Level(StrEnum):
    """How close to its caps a plan (or one cap) is."""

    NORMAL = "normal"
    WARNING = "warning"
    OVER = "over"


def level_of(basis_points: int) -> Level:
    """The level of a cap used ``basis_points`` hundredths of a percent."""
    if basis_points >= OVER_BASIS_POINTS:
        return Level.OVER
    if basis_points >= WARNING_BASIS_POINTS:
        return Level.WARNING
    return Level.NORMAL


@dataclass(frozen=True)
class Countdown:
    """Time left, in whole minutes rounded up, split into days, hours and minutes."""

    days: int
    hours: int
    minutes: int

    @property
    def total_minutes(self) -> int:
        """The whole countdown in minutes."""
        return (self.days * 24 + self.hours) * 60 + self.minutes


def countdown(now: datetime, until: datetime) -> Countdown:
    """Time from ``now`` to ``until``, rounded up to whole minutes (zero when past)."""
    minutes = max(0, -(-(until - now) // _MICRO // _MINUTE_MICROS))  # ceiling, in integers
    return _split(minutes)


def elapsed_since(then: datetime, now: datetime) -> Countdown:
    """Time from ``then`` to ``now``, rounded down to whole minutes (zero when ahead)."""
    return _split(max(0, (now - then) // _MICRO // _MINUTE_MICROS))


def _split(minutes: int) -> Countdown:
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    return Countdown(days, hour, minute)


@dataclass(frozen=True)
class CapBar:
    """One cap as a progress bar.

    Attributes:
        cap: The cap's status (label, used, limit, real ``basis_points``, measure, window).
        level: Its level.
        fill: How full to draw the bar, in basis points, between 0 and 10000.
        remaining: ``limit - used``; negative when over.
        resets_in: Time until the cap resets (None for a balance, and for a window with
            nothing in it).
        reached_at: When the cap was or will be reached at this rate, or None.
        already_reached: True when ``reached_at`` is at or before ``now``.
    """

    cap: CapStatus
    level: Level
    fill: int
    remaining: int
    resets_in: Countdown | None
    reached_at: datetime | None
    already_reached: bool


@dataclass(frozen=True)
class Reach:
    """The first moment one of the plan's caps was or will be reached."""

    at: datetime
    already: bool
    cap: CapStatus


@dataclass(frozen=True)
class SubscriptionValue:
    """What a subscription's use this period would have cost on the API, against its fee.

    Attributes:
        api_equivalent: Entry costs this period at API prices.
        fee: The monthly fee.
        ratio: ``api_equivalent / fee`` exactly, or None for a fee of zero.
    """

    api_equivalent: Money
    fee: Money
    ratio: Decimal | None


@dataclass(frozen=True)
class OfficialRow:
    """One official rate-limit window on a subscription's card, beside our estimate.

    Attributes:
        window: The official figure (snapshot, basis points, stale) and our estimate.
        level: Its level; a stale figure is normal (it says nothing about the current window).
        fill: How full to draw its bar, between 0 and 10000.
        resets_at: When the official window resets (UTC), when known.
        seen_ago: How long ago the figure was seen, rounded down.
        estimate: Our most-used cap of the same window length, or None.
    """

    window: OfficialWindow
    level: Level
    fill: int
    resets_at: datetime | None
    seen_ago: Countdown
    estimate: CapStatus | None

    @property
    def stale(self) -> bool:
        """True when the window has reset since the figure was seen."""
        return self.window.stale

    @property
    def basis_points(self) -> int:
        """The official figure (10000 = 100 %)."""
        return self.window.basis_points


def official_row(window: OfficialWindow, now: datetime) -> OfficialRow:
    """The card row of one official window at ``now``."""
    return OfficialRow(
        window=window,
        level=Level.NORMAL if window.stale else level_of(window.basis_points),
        fill=min(max(window.basis_points, 0), OVER_BASIS_POINTS),
        resets_at=window.snapshot.resets_at,
        seen_ago=elapsed_since(window.snapshot.observed_at, now),
        estimate=window.estimate,
    )


@dataclass(frozen=True)
class Headline:
    """One plan in a line (the tray's tooltip and the quick popup's header).

    Attributes:
        plan: The plan.
        level: The plan's level (the card's), which the tray icon's colour shows.
        cap: What a subscription's headline is about: its most-used rated cap (an official
            one is ``Measure.PERCENT``), or None when it has no caps. None for other kinds.
        spent: Spend this period (budget, prepaid) or the fee (subscription).
        limit: The budget, the top-up or the fee.
        remaining: Budget or balance left (None for subscriptions).
        basis_points: ``cap``'s use, or spend against the budget or top-up; None for a
            subscription without caps.
    """

    plan: Plan
    level: Level
    cap: CapStatus | None
    spent: Money
    limit: Money
    remaining: Money | None
    basis_points: int | None

    @property
    def official(self) -> bool:
        """True when the headline figure is the provider's own."""
        return self.cap is not None and self.cap.measure is Measure.PERCENT


@dataclass(frozen=True)
class PlanCard:
    """Everything one card in the budgets view shows.

    Attributes:
        status: The status it was built from (plan, ``now``, period, token totals).
        level: The plan's level (see the module docstring).
        bars: One bar per cap, in the order of ``status.caps``.
        spent: Spend this period (the fee for subscriptions).
        limit: The budget, the prepaid balance, or the fee.
        remaining: Budget or balance left; negative when over; None for subscriptions.
        burn_per_day: Average daily spend this period (API-equivalent for subscriptions).
        projected: Spend projected to the end of the period at that rate (API-equivalent
            for subscriptions); None for prepaid balances, which have no period end.
        projected_basis_points: ``projected`` against the budget (budgets only).
        reach: When the first cap was or will be reached; None when no cap is reached at
            this rate, or the plan has no caps.
        value: A subscription's API-equivalent value against its fee (subscriptions only).
        period_resets_in: Time until the period ends (None for prepaid balances).
        first_day: The period's first day in the plan's time zone (prepaid: the top-up day).
        last_day: The period's last day in the plan's time zone (None for prepaid).
        paused: True for an inactive plan.
        official: One row per official window (subscriptions covering a provider whose
            tool reported its limits).
        too_early: True while there is too little history to project from.
    """

    status: PlanStatus
    level: Level
    bars: tuple[CapBar, ...]
    spent: Money
    limit: Money
    remaining: Money | None
    burn_per_day: Money
    projected: Money | None
    projected_basis_points: int | None
    reach: Reach | None
    value: SubscriptionValue | None
    period_resets_in: Countdown | None
    first_day: date
    last_day: date | None
    paused: bool
    official: tuple[OfficialRow, ...] = ()
    too_early: bool = False

    @property
    def top_basis_points(self) -> int | None:
        """Use of the most-used rated cap, or None when the plan has no caps."""
        return max((cap.basis_points for cap in rated_caps(self.status)), default=None)

    @property
    def headline(self) -> Headline:
        """The plan in one line (see the module docstring)."""
        plan, cap = self.status.plan, None
        share: int | None
        if plan.kind is PlanKind.SUBSCRIPTION:
            cap = top_cap(self.status)
            share = None if cap is None else cap.basis_points
        else:
            share = self.status.spent_micros * 10_000 // max(plan.amount_micros, 1)
        return Headline(plan, self.level, cap, self.spent, self.limit, self.remaining, share)


def cap_bar(cap: CapStatus, now: datetime) -> CapBar:
    """The bar of one cap at ``now``."""
    return CapBar(
        cap=cap,
        level=level_of(cap.basis_points),
        fill=min(max(cap.basis_points, 0), OVER_BASIS_POINTS),
        remaining=cap.limit - cap.used,
        resets_in=None if cap.resets_at is None else countdown(now, cap.resets_at),
        reached_at=cap.reached_at,
        already_reached=cap.reached_at is not None and cap.reached_at <= now,
    )


def plan_card(status: PlanStatus) -> PlanCard:
    """The card of one plan."""
    plan, now = status.plan, status.now
    converted = status.converted_entries > 0

    def money(micros: int, *, approximate: bool = converted) -> Money:
        return Money(from_micros(micros), plan.currency, approximate)

    bars = tuple(cap_bar(cap, now) for cap in status.caps)
    level = max(
        (level_of(cap.basis_points) for cap in rated_caps(status)),
        key=_RANK.__getitem__,
        default=Level.NORMAL,
    )
    if status.low_balance and level is Level.NORMAL:
        level = Level.WARNING
    reached = [c for c in status.caps if c.reached_at is not None]
    first = min(reached, key=lambda c: c.reached_at or now, default=None)
    reach = None
    if first is not None and first.reached_at is not None:
        reach = Reach(first.reached_at, first.reached_at <= now, first)
    fee = money(plan.amount_micros, approximate=False)
    value = None
    if plan.kind is PlanKind.SUBSCRIPTION:
        api = status.api_equivalent_micros or 0
        ratio = Decimal(api) / Decimal(plan.amount_micros) if plan.amount_micros > 0 else None
        value = SubscriptionValue(money(api), fee, ratio)
    projected_bp = None
    if plan.kind is PlanKind.BUDGET and status.projected_period_micros is not None:
        projected_bp = status.projected_period_micros * 10_000 // max(plan.amount_micros, 1)
    prepaid = plan.kind is PlanKind.PREPAID
    zone = _zone(plan.timezone)
    return PlanCard(
        status=status,
        level=level,
        bars=bars,
        spent=fee if plan.kind is PlanKind.SUBSCRIPTION else money(status.spent_micros),
        limit=fee,
        remaining=None if status.remaining_micros is None else money(status.remaining_micros),
        burn_per_day=money(status.burn_micros_per_day),
        projected=None
        if status.projected_period_micros is None
        else money(status.projected_period_micros),
        projected_basis_points=projected_bp,
        reach=reach,
        value=value,
        period_resets_in=None if prepaid else countdown(now, status.period.end),
        first_day=status.period.start.astimezone(zone).date(),
        last_day=None if prepaid else (status.period.end - _MICRO).astimezone(zone).date(),
        paused=not plan.active,
        official=tuple(official_row(w, now) for w in status.official),
        too_early=not status.projectable,
    )


def headline(status: PlanStatus) -> Headline:
    """The plan of ``status`` in one line (see :attr:`PlanCard.headline`)."""
    return plan_card(status).headline


def plan_cards(statuses: Iterable[PlanStatus]) -> list[PlanCard]:
    """Cards for ``statuses``: active plans in the given order, then paused ones."""
    cards = [plan_card(s) for s in statuses]
    return [c for c in cards if not c.paused] + [c for c in cards if c.paused]


_RANK = {Level.NORMAL: 0, Level.WARNING: 1, Level.OVER: 2}


def _zone(name: str) -> ZoneInfo:
    """The plan's zone; UTC for a name this system does not know (prepaid plans ignore it)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")
