"""What Claude Code's status line keeps between its runs, so that most runs open no ledger.

Claude Code runs ``tokenbudget statusline`` after every message. Opening the ledger means
importing most of the core, which alone takes longer than a status line should. So:

* **Pending snapshots.** The official limits a run reads from its input are appended to a
  small JSON-lines file (``limits-pending.jsonl`` in the data folder). The limits service
  moves them into the ledger before anything reads or records limits (``take_pending``), and
  the status line does so whenever it opens the ledger anyway (at most ``TTL`` apart).
* **The last line's ledger parts.** Today's spend, the stored limits and the plan's state are
  kept (``statusline.json`` in the cache folder) with a *stamp* of the files they came from:
  the ledger (and its write-ahead log) and the settings. A run reuses them while the stamp is
  unchanged, the local day is the same and they are younger than ``TTL`` (plans' rolling
  windows move with the clock); otherwise it computes them again.
* **The plan part.** Computing a plan's status needs most of the core, so that part is also
  kept on its own (``read_keyed`` / ``write_keyed``, ``statusline-plan.json``) under a key of
  what it depends on besides the time (the plans and the settings; see
  ``LimitsService.quick_status_parts``) for ``PLAN_TTL`` seconds. What is kept is the plan
  *without* its official windows (``plan_base``'s shape); ``plan_line`` adds the current
  official figures, which change with almost every response, as ``plans.with_official``,
  ``rated_caps``, ``top_cap`` and ``plan_cards.headline`` would (a test holds them equal).

Only the standard library: this module is on the status line's fast path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tokenbudget.core.limit_values import epoch, percent

if TYPE_CHECKING:
    from tokenbudget.core.official_limits import LimitSnapshot

#: How long the ledger parts of the line are reused (seconds).
TTL = 60
_CLAUDE_WINDOWS = (("five_hour", 300, "5h"), ("seven_day", 10080, "7d"))
#: Which provider's plan each source's limits belong to (``official_limits``).
_SOURCE_PROVIDERS = {"codex": "openai", "claude-code": "anthropic"}
#: Codex limit families a plan shows when Codex reports several (``plans.official``).
_PREFERRED_CODEX_FAMILIES = ("codex", "")
#: Pending snapshots beyond this size are dropped (the ledger would have had them long ago).
_MAX_PENDING = 1024 * 1024


class LimitWindow(NamedTuple):
    """One official rate-limit window: ``official_limits.LimitSnapshot``'s fields and reads.

    The status line's own, so that its runs need no dataclass module (a ``LimitSnapshot``
    and a ``LimitWindow`` of the same figures have equal fields; a test holds them so).
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
        return _SOURCE_PROVIDERS.get(self.source, self.source)

    def is_stale(self, now: datetime) -> bool:
        """Whether the window has reset since the snapshot was seen."""
        return self.resets_at is not None and now >= self.resets_at > self.observed_at


def claude_windows(rate_limits: object, observed_at: datetime) -> list[LimitWindow]:
    """The windows in Claude Code's status-line ``rate_limits``, as ``from_claude_code``."""
    if not isinstance(rate_limits, dict):
        return []
    found: list[LimitWindow] = []
    for key, minutes, name in _CLAUDE_WINDOWS:
        window = rate_limits.get(key)
        if not isinstance(window, dict):
            continue
        used = percent(window.get("used_percentage"))
        if used is None:
            continue
        resets = epoch(window.get("resets_at"))
        found.append(
            LimitWindow("claude-code", name, minutes, used, resets, observed_at.astimezone(UTC))
        )
    return found


def stamp(files: Sequence[Path]) -> list[int]:
    """The size and modification time of each file (zeros for a missing one)."""
    found: list[int] = []
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            found += [0, 0]
        else:
            found += [info.st_size, info.st_mtime_ns]
    return found


def read_parts(
    cache: Path, files: Sequence[Path], now: datetime, ttl: float = TTL
) -> dict[str, str] | None:
    """The kept parts, if still true for ``now`` (same stamp, same local day, within ``ttl``)."""
    return read_keyed(cache, stamp(files), now, ttl)


def write_parts(
    cache: Path, files: Sequence[Path], now: datetime, parts: Mapping[str, str]
) -> None:
    """Keep ``parts`` with the current stamp of ``files`` (best effort: errors are ignored)."""
    write_keyed(cache, stamp(files), now, parts)


def read_keyed(cache: Path, key: object, now: datetime, ttl: float = TTL) -> dict[str, str] | None:
    """The parts kept under ``key`` (JSON-able), if kept within ``ttl`` on the same local day."""
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        written = datetime.fromisoformat(kept["at"])
        parts = kept["parts"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    age = (now - written).total_seconds()
    if not (0 <= age < ttl) or written.astimezone().date() != now.astimezone().date():
        return None
    if kept.get("stamp") != _plain(key) or not isinstance(parts, dict):
        return None
    return {str(k): str(v) for k, v in parts.items()}


def write_keyed(cache: Path, key: object, now: datetime, parts: Mapping[str, str]) -> None:
    """Keep ``parts`` under ``key`` (best effort: errors are ignored)."""
    data = {"at": now.isoformat(), "stamp": _plain(key), "parts": dict(parts)}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass


def _plain(key: object) -> object:
    """``key`` as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(key))


def add_pending(pending: Path, snapshots: Sequence[LimitSnapshot | LimitWindow]) -> None:
    """Append snapshots for the ledger to take later (one short line each, appended whole).

    Raises:
        OSError: when the file cannot be written.
    """
    if not snapshots:
        return
    lines = "".join(json.dumps(_json(s), ensure_ascii=False) + "\n" for s in snapshots)
    pending.parent.mkdir(parents=True, exist_ok=True)
    try:
        if pending.stat().st_size > _MAX_PENDING:
            return
    except FileNotFoundError:
        pass
    fd = os.open(pending, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, lines.encode("utf-8"))
    finally:
        os.close(fd)


def take_pending(pending: Path) -> list[LimitSnapshot]:
    """The pending snapshots, removed from the file (malformed lines are skipped)."""
    from tokenbudget.core.official_limits import LimitSnapshot

    return [LimitSnapshot(**w._asdict()) for w in take_pending_windows(pending)]


def take_pending_windows(pending: Path) -> list[LimitWindow]:
    """``take_pending``, as ``LimitWindow`` (no dataclass module needed)."""
    taking = pending.with_name(f"{pending.name}.{os.getpid()}.taking")
    try:
        os.replace(pending, taking)  # appends from now on start a new file
    except OSError:
        return []
    try:
        text = taking.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    finally:
        taking.unlink(missing_ok=True)
    found = []
    for line in text.splitlines():
        snapshot = _snapshot(line)
        if snapshot is not None:
            found.append(snapshot)
    return found


def _json(snapshot: LimitSnapshot | LimitWindow) -> dict[str, object]:
    """``LimitSnapshot.to_json``'s object, with the moments to the microsecond."""
    data: dict[str, object] = {
        "source": snapshot.source,
        "window": snapshot.window,
        "window_minutes": snapshot.window_minutes,
        "used_percent": format(snapshot.used_percent.normalize(), "f"),
        "resets_at": None if snapshot.resets_at is None else snapshot.resets_at.isoformat(),
        "observed_at": snapshot.observed_at.isoformat(),
    }
    if snapshot.plan_type:
        data["plan_type"] = snapshot.plan_type
    if snapshot.limit_id:
        data["limit_id"] = snapshot.limit_id
    return data


def _snapshot(line: str) -> LimitWindow | None:
    try:
        data = json.loads(line)
        resets = data.get("resets_at")
        minutes = data.get("window_minutes")
        return LimitWindow(
            source=str(data["source"]),
            window=str(data["window"]),
            window_minutes=int(minutes) if isinstance(minutes, int) else None,
            used_percent=Decimal(str(data["used_percent"])),
            resets_at=_moment(resets) if resets else None,
            observed_at=_moment(data["observed_at"]),
            plan_type=data.get("plan_type") or None,
            limit_id=str(data.get("limit_id") or ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation):
        return None


def _moment(text: object) -> datetime:
    at = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if at.tzinfo is None:
        raise ValueError("no time zone")
    return at


def plan_line(
    base: Mapping[str, Any], snapshots: Sequence[LimitSnapshot | LimitWindow], now: datetime
) -> str:
    """The status line's plan part: ``base`` with the official figures of ``snapshots``.

    Args:
        base: ``{"text": line}`` for a plan whose line has no official figure (a budget, a
            balance, no plan: ``""``); for a subscription ``{"name": shown name,
            "providers": [...], "caps": [[label, basis points, window hours or None,
            is percent], ...]}`` with its own caps (``PlanStatus.caps``) in order.
        snapshots: The newest stored official snapshots of every source.
        now: The moment (a snapshot whose window has reset since is left out).

    Returns:
        ``Claude Max 7d official 43%``: the name, then the most-used rated cap, if any.
    """
    if "text" in base:
        return str(base["text"])
    fresh = [s for s in _plan_snapshots(base["providers"], snapshots) if not s.is_stale(now)]
    covered = {s.window_minutes for s in fresh if s.window_minutes}
    caps: list[tuple[str, int, bool]] = [
        (str(label), int(points), bool(percent))
        for label, points, hours, percent in base["caps"]
        if hours is None or hours * 60 not in covered
    ]
    caps += [(f"{s.window} official", int(s.used_percent * 100), True) for s in fresh]
    top = max(reversed(caps), key=lambda c: (c[1], c[2]), default=None)
    name = str(base["name"])
    return name if top is None else f"{name} {top[0]} {top[1] // 100}%"


def _plan_snapshots(
    providers: Sequence[str], snapshots: Sequence[LimitSnapshot | LimitWindow]
) -> list[LimitSnapshot | LimitWindow]:
    """The snapshots a subscription of ``providers`` shows (``plans.plan_snapshots``)."""
    wanted = {str(p).lower() for p in providers}
    mine = [s for s in snapshots if not wanted or s.provider in wanted]
    families = {s.limit_id for s in mine if s.source == "codex"}
    if len(families) > 1:
        keep = next((f for f in _PREFERRED_CODEX_FAMILIES if f in families), None)
        if keep is not None:
            mine = [s for s in mine if s.source != "codex" or s.limit_id == keep]
    newest: dict[tuple[str, str], LimitSnapshot | LimitWindow] = {}
    for snap in mine:
        key = (snap.source, snap.window)
        old = newest.get(key)
        if old is None or snap.observed_at > old.observed_at:
            newest[key] = snap
    return sorted(newest.values(), key=lambda s: (s.window_minutes or 0, s.source))
