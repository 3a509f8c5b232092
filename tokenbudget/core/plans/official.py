"""Official limits beside our estimates: which snapshots a plan shows, and which figure rates it.

A subscription that covers a provider shows that provider's official rate-limit windows
(:mod:`tokenbudget.core.official_limits`): Claude Code's for ``anthropic``, Codex's for
``openai``. Only subscriptions: a pay-as-you-go budget is not rate limited by a plan. When
Codex reports several limit families, the ``codex`` family is shown, else the unnamed one,
else every family (newest per window).

**Which figure rates a window.** A *fresh* official figure (its window has not reset since
it was seen) is the provider's own count and outranks our estimate of the same window
length: thresholds, alerts and the plan's level use it instead of our caps of that length.
An official window we have no cap for is rated too. A *stale* figure rates nothing; our
estimate stands. Official figures are percentages (``Measure.PERCENT``, limit 10000).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from tokenbudget.core import message_texts as texts
from tokenbudget.core.messages import message
from tokenbudget.core.official_limits import SOURCE_CODEX, LimitSnapshot
from tokenbudget.core.plans.model import (
    CapStatus,
    Measure,
    OfficialWindow,
    Plan,
    PlanKind,
    PlanStatus,
)

_FULL = 10_000
_PREFERRED_CODEX_FAMILIES = ("codex", "")


def plan_snapshots(
    plan: Plan, snapshots: Sequence[LimitSnapshot], *, any_kind: bool = False
) -> list[LimitSnapshot]:
    """The official snapshots ``plan`` shows: its providers', one per window, shortest first.

    Empty unless ``plan`` is a subscription (or ``any_kind``). A plan with no providers
    covers them all.
    """
    if plan.kind is not PlanKind.SUBSCRIPTION and not any_kind:
        return []
    wanted = {p.lower() for p in plan.providers}
    mine = [s for s in snapshots if not wanted or s.provider in wanted]
    codex = [s for s in mine if s.source == SOURCE_CODEX]
    families = {s.limit_id for s in codex}
    if len(families) > 1:
        keep = next((f for f in _PREFERRED_CODEX_FAMILIES if f in families), None)
        if keep is not None:
            mine = [s for s in mine if s.source != SOURCE_CODEX or s.limit_id == keep]
    newest: dict[tuple[str, str], LimitSnapshot] = {}
    for snap in mine:
        key = (snap.source, snap.window)
        old = newest.get(key)
        if old is None or snap.observed_at > old.observed_at:
            newest[key] = snap
    return sorted(newest.values(), key=lambda s: (s.window_minutes or 0, s.source))


def official_basis_points(snapshot: LimitSnapshot) -> int:
    """The official percentage in hundredths of a percent, rounded down (10000 = 100 %)."""
    return int(snapshot.used_percent * 100)


def with_official(status: PlanStatus, snapshots: Sequence[LimitSnapshot]) -> PlanStatus:
    """``status`` with its plan's official windows, and its thresholds rated as they say.

    Args:
        status: The plan's status from :func:`~tokenbudget.core.plans.plan_status`.
        snapshots: The newest official snapshots of every source (any provider).

    Returns:
        The status with ``official_limits`` (any kind of plan) and ``official`` (a
        subscription's, rated) set (see :func:`plan_snapshots`) and
        ``crossed_thresholds`` worked out from :func:`rated_caps`.
    """
    listed = tuple(plan_snapshots(status.plan, snapshots, any_kind=True))
    windows = tuple(
        _window(status, snap, status.now) for snap in plan_snapshots(status.plan, snapshots)
    )
    if not windows:
        return replace(status, official_limits=listed) if listed else status
    rated = replace(status, official=windows, official_limits=listed)
    return replace(rated, crossed_thresholds=crossed(rated))


def _window(status: PlanStatus, snap: LimitSnapshot, now: datetime) -> OfficialWindow:
    minutes = snap.window_minutes
    same = [
        c
        for c in status.caps
        if c.window_hours is not None and minutes is not None and c.window_hours * 60 == minutes
    ]
    estimate = max(same, key=lambda c: c.basis_points, default=None)
    return OfficialWindow(snap, official_basis_points(snap), snap.is_stale(now), estimate)


def rated_caps(status: PlanStatus) -> tuple[CapStatus, ...]:
    """The caps thresholds, alerts and levels use (see the module docstring).

    Our caps, less those whose window length a fresh official figure covers, then one
    ``PERCENT`` cap per fresh official window (label ``"7d official"``).
    """
    fresh = [w for w in status.official if not w.stale]
    covered = {w.snapshot.window_minutes for w in fresh if w.snapshot.window_minutes}
    ours = tuple(
        c for c in status.caps if c.window_hours is None or c.window_hours * 60 not in covered
    )
    theirs = tuple(
        CapStatus(
            label=message(texts.CAP_OFFICIAL, window=w.snapshot.window),
            used=w.basis_points,
            limit=_FULL,
            basis_points=w.basis_points,
            resets_at=w.snapshot.resets_at,
            reached_at=None,
            measure=Measure.PERCENT,
            window_hours=w.window_hours,
        )
        for w in fresh
    )
    return ours + theirs


def top_cap(status: PlanStatus) -> CapStatus | None:
    """The most-used rated cap (an official one wins a tie), or None without caps."""
    caps = rated_caps(status)
    return max(
        reversed(caps), key=lambda c: (c.basis_points, c.measure is Measure.PERCENT), default=None
    )


def crossed(status: PlanStatus) -> tuple[int, ...]:
    """The plan's thresholds that its most-used rated cap has reached, ascending."""
    top = top_cap(status)
    if top is None:
        return ()
    return tuple(sorted(t for t in status.plan.thresholds if top.basis_points >= t * 100))
