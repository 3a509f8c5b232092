"""The limits service: the official plan limits that coding tools write down.

It also installs tokenbudget as Claude Code's status-line command, which is where Claude
Code's own limits come from (see ``core.claude_settings``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenbudget.core.claude_settings import StatusLinePlan
    from tokenbudget.core.official_limits import LimitSnapshot
    from tokenbudget.core.services._parts import Parts

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
    def keep_for_later(snapshots: Sequence[LimitSnapshot]) -> None:
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
