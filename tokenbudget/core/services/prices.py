"""The prices service: the price snapshot and its updates."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from tokenbudget.core import paths

if TYPE_CHECKING:
    from tokenbudget.core.price_update import UpdateReport
    from tokenbudget.core.services._parts import Parts


class PricesService:
    """Where prices come from, and refreshing them (the only network use, on request)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def update(self, source: str | None, *, today: date, allow_older: bool = False) -> UpdateReport:
        """Refresh the price snapshot from LiteLLM's JSON.

        Unchanged prices keep the date they were checked; a snapshot older than the one in
        use is refused unless ``allow_older``.

        Raises:
            PriceFileError: ``source`` is a local file that is missing or unreadable.
            OlderSnapshotError: the snapshot is older than the one in use.
            PriceUpdateError: when it cannot fetch or validate; nothing is changed then.
        """
        from tokenbudget.core.catalog_files import snapshot_in_use
        from tokenbudget.core.price_update import META_FILE, snapshot_date, update_prices

        snap_dir = paths.price_snapshot_dir()
        in_use = snapshot_in_use(paths.resources_dir() / "prices", snap_dir)
        current = json.loads(in_use.path.read_text(encoding="utf-8"))
        dated = in_use.retrieved
        if in_use.path.parent == snap_dir:
            meta: Any = {}
            with contextlib.suppress(OSError, ValueError):
                meta = json.loads((snap_dir / META_FILE).read_text(encoding="utf-8"))
            dated = (snapshot_date(meta) if isinstance(meta, dict) else None) or dated
        report = update_prices(
            source,
            snap_dir,
            current,
            today=today,
            current_checked=in_use.retrieved,
            current_dated=dated,
            allow_older=allow_older,
        )
        self._parts.forget_catalog()
        return report
