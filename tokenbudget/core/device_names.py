"""What each device that shares the sync folder is called, for reports, History and CSV.

Written once here for the service (``Parts.device_names``) and for the history view's jobs
(``history_jobs``), which have only the ledger's path: both read the names from the ledger's
side of sync and this device's own name from its identity file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tokenbudget.core.history_filter import THIS_DEVICE
from tokenbudget.core.sync import device

if TYPE_CHECKING:
    from tokenbudget.core.ledger.sync_side import LedgerSync


def device_names(side: LedgerSync, device_file: Path) -> tuple[dict[str, str], str | None]:
    """Devices' names by id, and this device's id when it has one.

    This device's name is under ``THIS_DEVICE`` (its own entries have no ``device``); a
    device that never gave a name is called by its id. Cheap: no record is counted.

    Args:
        side: The ledger's side of sync.
        device_file: This device's identity (``paths.device_file()``).
    """
    identity = device.read(device_file)
    me = {side.meta("device"), identity.id if identity else None}
    names = {d: name or d for d, name in side.device_names().items() if d not in me}
    names[THIS_DEVICE] = identity.name if identity else device.default_name()
    return names, identity.id if identity else None


def device_choices(names: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """``(id, name)`` of each device to filter on: this one first, the others by name.

    Empty when no other device is known: there is nothing to tell apart.
    """
    others = sorted(
        ((d, n) for d, n in names.items() if d != THIS_DEVICE),
        key=lambda i: (i[1].casefold(), i[0]),
    )
    if not others:
        return ()
    return ((THIS_DEVICE, names.get(THIS_DEVICE, THIS_DEVICE)), *others)
