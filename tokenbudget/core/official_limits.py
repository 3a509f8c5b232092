"""Official limit snapshots: the provider's own view of a plan's rate-limit windows.

Coding tools write down what the provider told them about the user's plan limits:

* Codex: every ``event_msg``/``token_count`` row may carry ``payload.rate_limits`` with a
  ``primary`` and a ``secondary`` window (``used_percent`` 0-100, ``window_minutes``,
  ``resets_at`` unix seconds, or the older relative ``resets_in_seconds``), plus
  ``limit_id``, ``plan_type`` and ``credits``.
* Claude Code: hands ``rate_limits`` to its status-line command: ``five_hour`` and
  ``seven_day``, each with ``used_percentage`` (may pass 100) and ``resets_at`` (unix seconds
  or an ISO string). Absent until the first response, and only for subscribers: absence is
  "unknown", never 0.

A ``LimitSnapshot`` is one window as observed at one moment. The ledger keeps the newest per
``(source, limit_id, window)``. A snapshot whose window has reset since it was seen is
*stale*: it says nothing about the current window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from tokenbudget.core.limit_values import epoch, percent

SOURCE_CODEX: Final = "codex"
SOURCE_CLAUDE_CODE: Final = "claude-code"
#: The family of Codex's own usage limits (others, for other products, may be reported too).
CODEX_LIMIT_ID: Final = "codex"

#: Which provider's plan each source's limits belong to.
SOURCE_PROVIDERS: Final[Mapping[str, str]] = {
    SOURCE_CODEX: "openai",
    SOURCE_CLAUDE_CODE: "anthropic",
}

_NAMED_WINDOWS: Final[Mapping[int, str]] = {300: "5h", 10080: "7d"}


@dataclass(frozen=True)
class LimitSnapshot:
    """One official rate-limit window, as a tool saw it.

    Attributes:
        source: ``codex`` or ``claude-code``.
        window: ``5h``, ``7d``, or ``<minutes>m`` for any other length (``primary`` /
            ``secondary`` when the length is unknown).
        window_minutes: The window's length, when known.
        used_percent: How much of the window was used (may pass 100).
        resets_at: When the window resets (UTC), when known.
        observed_at: When the tool saw the figure (UTC).
        plan_type: The plan's name as the provider gives it (``plus``, ``pro`` ...).
        limit_id: Which family of limits (Codex may report several; ``""`` when unnamed).
    """

    source: str
    window: str
    window_minutes: int | None
    used_percent: Decimal
    resets_at: datetime | None
    observed_at: datetime
    plan_type: str | None = None
    limit_id: str = ""

    @property
    def provider(self) -> str:
        """The provider whose plan this limit belongs to."""
        return SOURCE_PROVIDERS.get(self.source, self.source)

    def is_stale(self, now: datetime) -> bool:
        """Whether the window has reset since the snapshot was seen."""
        return self.resets_at is not None and now >= self.resets_at > self.observed_at

    def to_json(self) -> dict[str, Any]:
        """The object ``tokenbudget limits --json`` prints."""
        data: dict[str, Any] = {
            "source": self.source,
            "window": self.window,
            "window_minutes": self.window_minutes,
            "used_percent": format(self.used_percent.normalize(), "f"),
            "resets_at": None if self.resets_at is None else iso_utc(self.resets_at),
            "observed_at": iso_utc(self.observed_at),
        }
        if self.plan_type:
            data["plan_type"] = self.plan_type
        if self.limit_id:
            data["limit_id"] = self.limit_id
        return data


def iso_utc(at: datetime) -> str:
    """``2026-12-03T18:00:00Z``: ISO 8601 in UTC, whole seconds."""
    return at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_name(minutes: int | None, fallback: str) -> str:
    """``5h`` / ``7d`` for the usual lengths, ``<n>m`` for others, ``fallback`` if unknown."""
    if minutes is None:
        return fallback
    return _NAMED_WINDOWS.get(minutes, f"{minutes}m")


def _minutes(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    minutes = int(value)
    return minutes if 0 < minutes <= 10_000_000 else None


def from_codex(rate_limits: object, observed_at: datetime) -> list[LimitSnapshot]:
    """The windows in one Codex ``token_count`` row's ``rate_limits`` (empty if none)."""
    if not isinstance(rate_limits, dict):
        return []
    limit_id = rate_limits.get("limit_id")
    plan_type = rate_limits.get("plan_type")
    found: list[LimitSnapshot] = []
    for slot in ("primary", "secondary"):
        window = rate_limits.get(slot)
        if not isinstance(window, dict):
            continue
        used = percent(window.get("used_percent"))
        if used is None:
            continue
        minutes = _minutes(window.get("window_minutes"))
        resets = epoch(window.get("resets_at"))
        if resets is None:
            relative = window.get("resets_in_seconds")
            if (
                isinstance(relative, int | float)
                and not isinstance(relative, bool)
                and 0 <= relative < 10**9
            ):
                resets = observed_at + timedelta(seconds=float(relative))
        found.append(
            LimitSnapshot(
                source=SOURCE_CODEX,
                window=window_name(minutes, slot),
                window_minutes=minutes,
                used_percent=used,
                resets_at=resets,
                observed_at=observed_at.astimezone(UTC),
                plan_type=plan_type.strip().lower()
                if isinstance(plan_type, str) and plan_type.strip()
                else None,
                # Builds before limit families named none: theirs is the Codex family.
                limit_id=limit_id.strip()[:100]
                if isinstance(limit_id, str) and limit_id.strip()
                else CODEX_LIMIT_ID,
            )
        )
    return found


_CLAUDE_WINDOWS: Final = (("five_hour", 300), ("seven_day", 10080))


def from_claude_code(rate_limits: object, observed_at: datetime) -> list[LimitSnapshot]:
    """The windows in Claude Code's status-line ``rate_limits`` (empty if absent)."""
    if not isinstance(rate_limits, dict):
        return []
    found: list[LimitSnapshot] = []
    for key, minutes in _CLAUDE_WINDOWS:
        window = rate_limits.get(key)
        if not isinstance(window, dict):
            continue
        used = percent(window.get("used_percentage"))
        if used is None:
            continue
        found.append(
            LimitSnapshot(
                source=SOURCE_CLAUDE_CODE,
                window=window_name(minutes, key),
                window_minutes=minutes,
                used_percent=used,
                resets_at=epoch(window.get("resets_at")),
                observed_at=observed_at.astimezone(UTC),
            )
        )
    return found


def newest(snapshots: list[LimitSnapshot]) -> list[LimitSnapshot]:
    """The newest snapshot per ``(source, limit_id, window)``, in a stable order."""
    kept: dict[tuple[str, str, str], LimitSnapshot] = {}
    for snap in snapshots:
        key = (snap.source, snap.limit_id, snap.window)
        old = kept.get(key)
        if old is None or snap.observed_at >= old.observed_at:
            kept[key] = snap
    return sorted(kept.values(), key=lambda s: (s.source, s.limit_id, s.window_minutes or 0))
