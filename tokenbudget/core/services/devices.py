"""The devices service: spend and plans shared with the user's other devices.

Through a folder that a sync engine the user already runs keeps in step (``core.devices``).
Nothing is shared until a folder is chosen; prompt text only with ``sync_prompt_text`` on.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from tokenbudget.core import paths
from tokenbudget.core.settings import SYNC_PROMPT_TEXT

if TYPE_CHECKING:
    from tokenbudget.core.devices import DeviceInfo, DeviceSync, DeviceSyncReport, Progress
    from tokenbudget.core.services._parts import Parts

#: Reading totals syncs first when the last sync is older than this (seconds).
SYNC_BEFORE_READING_S = 30.0


class DevicesService:
    """This device, the others that share its folder, and syncing with them."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts
        self._engine: DeviceSync | None = None
        self._last_sync = 0.0

    def _sync(self) -> DeviceSync:
        if self._engine is None:
            from tokenbudget.core.devices import DeviceSync

            self._engine = DeviceSync(
                self._parts.ledger,
                paths.device_file(),
                share_prompts=bool(self._parts.settings.value(SYNC_PROMPT_TEXT)),
            )
        return self._engine

    @property
    def this_id(self) -> str:
        """This device's id."""
        return self._sync().identity.id

    def known_id(self) -> str | None:
        """This device's id if it has one (asking never makes one, unlike ``this_id``)."""
        from tokenbudget.core.sync import device

        identity = device.read(paths.device_file())
        return identity.id if identity else None

    @property
    def this_name(self) -> str:
        """This device's name."""
        return self._sync().identity.name

    def folder(self) -> Path | None:
        """The sync folder, or None while nothing is shared.

        Read from the ledger alone: asking never makes this device an identity.
        """
        return self._parts.ledger.sync_side().folder()

    def use(
        self, folder: Path, name: str | None = None, progress: Progress | None = None
    ) -> DeviceSyncReport:
        """Share through ``folder`` (and sync once).

        Raises:
            UserInputError: for a path that is no writable folder, or an empty name.
        """
        report = self._sync().use(folder, name, progress)
        self._last_sync = time.monotonic()
        return report

    def stop(self) -> None:
        """Stop sharing; nothing local changes."""
        self._sync().stop()

    def rename(self, name: str) -> None:
        """Name this device (every device shows the name).

        Raises:
            UserInputError: for an empty name.
        """
        self._sync().rename(name)

    def sync(self, progress: Progress | None = None) -> DeviceSyncReport:
        """Write this device's changes and take in the other devices' (now).

        Raises:
            UserInputError: if no folder is set.
        """
        self._sync().share_prompts = bool(self._parts.settings.value(SYNC_PROMPT_TEXT))
        report = self._sync().sync(progress)
        self._last_sync = time.monotonic()
        return report

    def sync_if_due(self) -> DeviceSyncReport | None:
        """Sync before totals are read, unless no folder is set or it synced just now."""
        if self._last_sync and time.monotonic() - self._last_sync < SYNC_BEFORE_READING_S:
            return None
        if self.folder() is None:
            return None
        return self.sync()

    def devices(self) -> list[DeviceInfo]:
        """Every device that has written to the folder, this one first."""
        return self._sync().devices()

    def names(self) -> dict[str, str]:
        """Each known device's name by id; this device's under ``THIS_DEVICE``."""
        self._sync()  # this device has its identity before its name is read
        return self._parts.device_names()[0]

    def find(self, name_or_id: str) -> str:
        """The id of a device by name or id (``THIS_DEVICE`` for this one), for filters.

        Raises:
            UserInputError: for a device that has not written to the folder.
        """
        from tokenbudget.core import message_texts as mt
        from tokenbudget.core.errors import UserInputError
        from tokenbudget.core.history_filter import THIS_DEVICE
        from tokenbudget.core.messages import message as msg
        from tokenbudget.core.model_names import closest

        wanted = name_or_id.strip().casefold()
        names = self.names()
        ids = {**{d: d for d in names if d}, self.this_id: THIS_DEVICE}
        for device_id, name in names.items():
            if wanted == name.casefold():
                return device_id
        for spelled, device_id in ids.items():
            if wanted == spelled or (len(wanted) >= 4 and spelled.startswith(wanted)):
                return device_id
        close = closest(name_or_id, names.values(), n=1)
        if close:
            raise UserInputError(msg(mt.DEVICE_UNKNOWN_CLOSE, name=name_or_id[:60], close=close[0]))
        raise UserInputError(msg(mt.DEVICE_UNKNOWN, name=name_or_id[:60]))
