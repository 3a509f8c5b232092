"""The providers service: API keys in the OS keyring, and what a key turns on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenbudget.core.secrets import KeyringStatus
    from tokenbudget.core.services._parts import Parts


class ProvidersService:
    """Keys per provider (never in a file), and the provider features that need one."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def keyring_status(self) -> KeyringStatus:
        """Whether a usable keyring is there, and if not, how to get one."""
        return self._parts.secrets.status()

    def has_key(self, provider: str) -> bool:
        """Whether a key is stored for ``provider``."""
        return self._parts.secrets.get(provider) is not None

    def masked_key(self, provider: str) -> str | None:
        """The stored key for ``provider`` as ``sk-a…5c3e``, or None."""
        from tokenbudget.core.secrets import mask

        key = self._parts.secrets.get(provider)
        return None if key is None else mask(key)

    def set_key(self, provider: str, key: str) -> None:
        """Store ``key`` for ``provider`` in the keyring (``SecretsError`` if it cannot)."""
        self._parts.secrets.set(provider, key)

    def delete_key(self, provider: str) -> bool:
        """Delete the key of ``provider``; False if there was none."""
        return self._parts.secrets.delete(provider)
