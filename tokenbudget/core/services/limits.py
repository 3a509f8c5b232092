"""The limits service: the official plan limits that coding tools write down.

It also installs tokenbudget as Claude Code's status-line command, which is where Claude
Code's own limits come from (see ``core.claude_settings``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from tokenbudget.core.claude_settings import StatusLinePlan
    from tokenbudget.core.money import ExchangeRates
    from tokenbudget.core.official_limits import LimitSnapshot
    from tokenbudget.core.services._parts import Parts
    from tokenbudget.core.statusline_state import LimitWindow

#: How long the status line reuses its plan part while the plans and limits are unchanged
#: (seconds): the plan's rolling windows move with every entry, so this is kept short.
PLAN_TTL = 30


class QuickParts(NamedTuple):
    """The status line's ledger parts, read without the ``Ledger`` class.

    Attributes:
        today: Today's spend (``today $3.20``; "" when nothing was recorded today).
        claude: The stored Claude Code windows, the input's included.
        plan: The plan part (kept by an earlier run, with the current official figures), or
            None when it must be computed (``plans.status``; then keep its base with
            ``keep_plan_part(now, plan_key, ...)``).
        plan_key: What the plan part depends on, besides the time and the official limits.
    """

    today: str
    claude: list[LimitWindow]
    plan: str | None
    plan_key: list[object]


#: Where ``install`` remembers the user's previous status line, in tokenbudget's config folder.
_RECORD_NAME = "claude_statusline.json"


class LimitsService:
    """Official limit snapshots (``official_limits``): stored by imports and the status line."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def latest(self, source: str | None = None) -> list[LimitSnapshot]:
        """The newest snapshot per source, limit family and window (of one source)."""
        self._take_pending()
        return self._parts.ledger.official_limits(source)

    def for_provider(self, provider: str) -> list[LimitSnapshot]:
        """The newest snapshots that belong to ``provider``'s plans."""
        return [s for s in self.latest() if s.provider == provider.lower()]

    def record(self, snapshots: Sequence[LimitSnapshot]) -> None:
        """Store snapshots; an older one never replaces a newer one of the same window."""
        self._take_pending()
        self._parts.ledger.record_limits(snapshots)

    def _take_pending(self) -> None:
        """Move the snapshots the status line left for later into the ledger."""
        from tokenbudget.core.statusline_state import take_pending

        ledger = self._parts.ledger  # open first: a ledger that fails loses nothing pending
        pending = take_pending(_pending_file())
        if pending:
            ledger.record_limits(pending)

    # -- what the status line keeps between runs (no ledger; see core.statusline_state) -----

    @staticmethod
    def keep_for_later(snapshots: Sequence[LimitSnapshot | LimitWindow]) -> None:
        """Keep snapshots for the ledger to take on its next use of limits.

        Raises:
            OSError: when they cannot be written.
        """
        from tokenbudget.core.statusline_state import add_pending

        add_pending(_pending_file(), snapshots)

    @staticmethod
    def kept_status_parts(now: datetime) -> dict[str, str] | None:
        """The status line's ledger parts kept by an earlier run, if still true at ``now``."""
        from tokenbudget.core.statusline_state import read_parts

        return read_parts(_parts_file(), _stamped_files(), now)

    @staticmethod
    def keep_status_parts(now: datetime, parts: dict[str, str]) -> None:
        """Keep the status line's ledger parts for the next runs (best effort)."""
        from tokenbudget.core.statusline_state import write_parts

        write_parts(_parts_file(), _stamped_files(), now, parts)

    @staticmethod
    def quick_status_parts(
        now: datetime, snapshots: Sequence[LimitSnapshot | LimitWindow]
    ) -> QuickParts | None:
        """Store ``snapshots`` (and the pending ones) and read the line's ledger parts.

        Uses ``core.ledger.quick``: no ``Ledger``, no migration, nothing moved aside. None
        when the ledger is missing, of an older schema or not usable: the caller then takes
        the full path (``Service``), which creates, migrates or reports it.

        Snapshots that cannot be stored at once (another process is writing, say) are left
        pending, and shown as if stored.

        Raises:
            sqlite3.Error: when a read fails on an opened ledger.
        """
        import sqlite3

        from tokenbudget.core import paths
        from tokenbudget.core.ledger import quick

        db = quick.open_current(paths.ledger_file())
        if db is None:
            return None
        try:
            from tokenbudget.core.settings import Settings
            from tokenbudget.core.statusline_state import (
                add_pending,
                plan_line,
                read_keyed,
                stamp,
                take_pending_windows,
            )

            # Pending first: the input's snapshots are newer and win in the upsert.
            taken = take_pending_windows(_pending_file())
            new = [*taken, *(_window(s) for s in snapshots)]
            waiting: list[LimitWindow] = []
            try:
                quick.store_limit_rows(db, [_row(s) for s in new])
            except sqlite3.OperationalError:  # busy (an import), read-only: store them later
                waiting = new
                with contextlib.suppress(OSError):
                    add_pending(_pending_file(), new)
            except BaseException:  # keep what was pending for the full path
                with contextlib.suppress(OSError):
                    add_pending(_pending_file(), taken)
                raise
            rows = quick.limit_rows(db)
            midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
            count, cost = quick.today_costs(db, _us(midnight))
            plans = quick.plans_key(db)
        finally:
            db.close()
        settings_file = paths.config_dir() / "settings.json"
        settings = Settings.load_or_defaults(settings_file)
        today = today_line(count, cost, settings.display_currency, settings.exchange_rates())
        stored = _newest([*(_snapshot(r) for r in rows), *waiting])
        claude = [s for s in stored if s.source == "claude-code"]
        if not plans:
            return QuickParts(today, claude, "", [])
        # The plan's own caps depend on the plans, the rates and the entries (the last only
        # moves them within PLAN_TTL); the official figures are added to them at every run.
        key: list[object] = [plans, stamp([settings_file])]
        plan = None
        with contextlib.suppress(ValueError, TypeError, KeyError, ArithmeticError):
            kept = read_keyed(_plan_file(), key, now, PLAN_TTL)
            if kept is not None:
                plan = plan_line(json.loads(kept["base"]), stored, now)
        return QuickParts(today, claude, plan, key)

    @staticmethod
    def keep_plan_part(now: datetime, key: list[object], base: Mapping[str, object]) -> None:
        """Keep the status line's plan part under ``key`` for ``PLAN_TTL`` (best effort).

        ``base`` is the plan without its official figures (``statusline_state.plan_line``).
        """
        from tokenbudget.core.statusline_state import write_keyed

        write_keyed(_plan_file(), key, now, {"base": json.dumps(base, ensure_ascii=False)})

    @staticmethod
    def plan_line(
        base: Mapping[str, Any], snapshots: Sequence[LimitSnapshot], now: datetime
    ) -> str:
        """The status line's plan part from ``base`` and the official ``snapshots``."""
        from tokenbudget.core.statusline_state import plan_line

        return plan_line(base, snapshots, now)

    def today_line(self, count: int, cost_micros: Mapping[str, int]) -> str:
        """``today $3.20`` for today's ``count`` entries costing ``cost_micros`` per currency.

        In the display currency where a rate allows (see ``today_line``, the function).
        """
        settings = self._parts.settings
        return today_line(count, cost_micros, settings.display_currency, settings.exchange_rates())

    @staticmethod
    def claude_windows(rate_limits: object, observed_at: datetime) -> list[LimitWindow]:
        """``from_claude_code``'s windows without the dataclass module (for the status line)."""
        from tokenbudget.core.statusline_state import claude_windows

        return claude_windows(rate_limits, observed_at)

    @staticmethod
    def from_claude_code(rate_limits: object, observed_at: datetime) -> list[LimitSnapshot]:
        """The windows of Claude Code's status-line ``rate_limits`` (reads no ledger).

        Absent or malformed ``rate_limits`` give none (the limit is unknown, not 0).
        """
        from tokenbudget.core.official_limits import from_claude_code

        return from_claude_code(rate_limits, observed_at)

    # -- Claude Code's status line -----------------------------------------------------------

    @staticmethod
    def claude_settings_file() -> Path:
        """Claude Code's settings file (``$CLAUDE_CONFIG_DIR`` or ``~/.claude``)."""
        from tokenbudget.core.claude_settings import settings_file

        return settings_file()

    def statusline_plan(self, settings: Path | None = None) -> StatusLinePlan:
        """What installing the status line would change (reads only).

        Raises:
            UserInputError: when the settings file is not a JSON object.
        """
        from tokenbudget.core.claude_settings import executable, plan_install, settings_file

        return plan_install(settings or settings_file(), executable(), self._record_file())

    def install_statusline(self, now: datetime, settings: Path | None = None) -> StatusLinePlan:
        """Make ``tokenbudget statusline`` Claude Code's status line (backup first).

        Raises:
            UserInputError: when the settings file is not a JSON object or cannot be written.
        """
        from tokenbudget.core.claude_settings import executable, install, settings_file

        path = settings or settings_file()
        return install(path, executable(), self._record_file(), now=now)

    def uninstall_statusline(self, now: datetime, settings: Path | None = None) -> bool:
        """Put back the status line the user had; False when ours was not installed.

        Raises:
            UserInputError: when the settings file is not a JSON object or cannot be written.
        """
        from tokenbudget.core.claude_settings import settings_file, uninstall

        return uninstall(settings or settings_file(), self._record_file(), now=now)

    @staticmethod
    def _record_file() -> Path:
        from tokenbudget.core import paths

        return paths.config_dir() / _RECORD_NAME


def _pending_file() -> Path:
    from tokenbudget.core import paths

    return paths.data_dir() / "limits-pending.jsonl"


def _parts_file() -> Path:
    from tokenbudget.core import paths

    return paths.cache_dir() / "statusline.json"


def _stamped_files() -> list[Path]:
    """What the status line's ledger parts come from: the ledger and the settings."""
    from tokenbudget.core import paths

    ledger = paths.ledger_file()
    return [ledger, ledger.with_name(ledger.name + "-wal"), paths.config_dir() / "settings.json"]


def today_line(
    count: int, cost_micros: Mapping[str, int], target: str, rates: ExchangeRates
) -> str:
    """``today $3.20``: each currency converted to ``target`` where ``rates`` can.

    "" when entries were recorded today but none has a cost; ``today $0.00`` (in ``target``)
    when none was recorded.
    """
    from tokenbudget.core.money import Money, from_micros

    if not cost_micros:
        return "" if count else f"today {Money(from_micros(0), target).format(2)}"
    amounts: dict[str, Money] = {}
    for currency, micros in sorted(cost_micros.items()):
        money = Money(from_micros(micros), currency)
        if currency != target and rates.can_convert(currency, target):
            money = rates.convert(money, target)
        amounts[money.currency] = (
            amounts[money.currency] + money if money.currency in amounts else money
        )
    return "today " + " + ".join(m.format(2) for m in amounts.values())


def _plan_file() -> Path:
    from tokenbudget.core import paths

    return paths.cache_dir() / "statusline-plan.json"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(at: datetime) -> int:
    """UTC microseconds since the epoch (``ledger.rows.to_us``, without loading the rows)."""
    delta = at.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _row(
    snap: LimitSnapshot | LimitWindow,
) -> tuple[str, str, str, int | None, str, int | None, int, str | None]:
    """A snapshot as an ``official_limits`` row (as ``ledger.limits.store_limits`` writes it)."""
    resets = None if snap.resets_at is None else _us(snap.resets_at)
    return (
        snap.source,
        snap.limit_id,
        snap.window,
        snap.window_minutes,
        str(snap.used_percent),
        resets,
        _us(snap.observed_at),
        snap.plan_type,
    )


def _snapshot(
    row: tuple[str, str, str, int | None, str, int | None, int, str | None],
) -> LimitWindow:
    """A stored row as a window (as ``ledger.limits.read_limits`` reads it)."""
    from datetime import timedelta
    from decimal import Decimal

    from tokenbudget.core.statusline_state import LimitWindow

    return LimitWindow(
        source=row[0],
        limit_id=row[1],
        window=row[2],
        window_minutes=row[3],
        used_percent=Decimal(row[4]),
        resets_at=None if row[5] is None else _EPOCH + timedelta(microseconds=row[5]),
        observed_at=_EPOCH + timedelta(microseconds=row[6]),
        plan_type=row[7],
    )


def _window(snap: LimitSnapshot | LimitWindow) -> LimitWindow:
    from tokenbudget.core.statusline_state import LimitWindow

    if isinstance(snap, LimitWindow):
        return snap
    return LimitWindow(
        snap.source,
        snap.window,
        snap.window_minutes,
        snap.used_percent,
        snap.resets_at,
        snap.observed_at,
        snap.plan_type,
        snap.limit_id,
    )


def _newest(windows: Sequence[LimitWindow]) -> list[LimitWindow]:
    """The newest per source, family and window, as the table keeps them, in its order."""
    kept: dict[tuple[str, str, str], LimitWindow] = {}
    for window in windows:
        key = (window.source, window.limit_id, window.window)
        old = kept.get(key)
        if old is None or window.observed_at >= old.observed_at:
            kept[key] = window
    return sorted(
        kept.values(), key=lambda w: (w.source, w.limit_id, w.window_minutes or 0, w.window)
    )
