"""The providers service: API keys in the OS keyring, and what a key turns on."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from tokenbudget.core.errors import TokenbudgetError

if TYPE_CHECKING:
    from tokenbudget.core.remote_count import RemoteConfig, RemoteCounter, RemoteResult
    from tokenbudget.core.secrets import KeyringStatus
    from tokenbudget.core.services._parts import Parts


class ProvidersService:
    """Keys per provider (never in a file), and the provider features that need one."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts
        self._counter: RemoteCounter | None = None

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

    # -- what a key turns on: the key test and counting online ---------------------------

    def check_key(self, provider: str, base_urls: dict[str, str]) -> str:
        """A one-line verdict on ``provider``'s stored key (never containing the key).

        It goes over the network (a test word, or a balance request): run it on a worker
        thread, and only when the user asks.
        """
        from tokenbudget.core.key_check import check_key

        return check_key(provider, self._parts.secrets, base_urls)

    def remote_config(self) -> RemoteConfig:
        """The online-count settings as they are now (which providers, where, how long)."""
        from tokenbudget.core.remote_count import RemoteConfig

        return RemoteConfig.from_settings(self._parts.settings.get)

    def count_online(
        self, provider: str, models: Sequence[str], text: str, config: RemoteConfig
    ) -> Iterator[RemoteResult]:
        """Count ``text`` with ``provider``'s count endpoint, one result per model as it comes.

        The key is read once, when the first result is asked for; with no key (or no
        keyring) each model's result says why. Failures are results, never exceptions.
        Meant for a worker thread: stop iterating to skip the remaining models. Answers are
        cached, and a rate-limited provider is left alone for a while (``RemoteCounter``).
        """
        from tokenbudget.core.remote_count import RemoteResult

        secrets, counter = self._parts.secrets, self._remote_counter()

        def results() -> Iterator[RemoteResult]:
            try:
                key = secrets.get(provider)
            except TokenbudgetError as exc:
                key, missing = None, str(exc)
            else:
                missing = "no API key is stored"
            for model in models:
                if key is None:
                    yield RemoteResult(provider, model, reason=missing)
                else:
                    yield counter.count(provider, model, text, key, config)

        return results()

    def _remote_counter(self) -> RemoteCounter:
        if self._counter is None:
            from tokenbudget.core.remote_count import RemoteCounter

            self._counter = RemoteCounter()
        return self._counter
