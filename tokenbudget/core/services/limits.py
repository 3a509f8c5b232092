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
        return self._parts.ledger.official_limits(source)

    def for_provider(self, provider: str) -> list[LimitSnapshot]:
        """The newest snapshots that belong to ``provider``'s plans."""
        return [s for s in self.latest() if s.provider == provider.lower()]

    def record(self, snapshots: Sequence[LimitSnapshot]) -> None:
        """Store snapshots; an older one never replaces a newer one of the same window."""
        self._parts.ledger.record_limits(snapshots)

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
