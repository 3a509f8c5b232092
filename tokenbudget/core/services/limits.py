"""The limits service: the official plan limits that coding tools write down."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenbudget.core.official_limits import LimitSnapshot
    from tokenbudget.core.services._parts import Parts


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
