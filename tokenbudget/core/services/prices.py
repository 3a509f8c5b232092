"""The prices service: the price snapshot and its updates."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from tokenbudget.core import paths

if TYPE_CHECKING:
    from tokenbudget.core.price_update import UpdateReport
    from tokenbudget.core.services._parts import Parts


class PricesService:
    """Where prices come from, and refreshing them (the only network use, on request)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def update(self, source: str | None, *, today: date) -> UpdateReport:
        """Refresh the price snapshot from LiteLLM's JSON.

        Raises:
            PriceUpdateError: when it cannot fetch or validate; nothing is changed then.
        """
        from tokenbudget.core.price_update import update_prices

        snap_dir = paths.price_snapshot_dir()
        current_path = snap_dir / "litellm_snapshot.json"
        if not current_path.is_file():
            current_path = paths.resources_dir() / "prices" / "litellm_snapshot.json"
        current = json.loads(current_path.read_text(encoding="utf-8"))
        report = update_prices(source, snap_dir, current, today=today)
        self._parts.forget_catalog()
        return report
