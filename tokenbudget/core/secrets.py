"""API keys: only ever in the OS keyring, one entry per provider under service ``tokenbudget``.

``SecretStore`` is the small interface the rest of the app uses; ``KeyringStore`` keeps keys
in the system keyring and ``MemoryStore`` in memory (tests). A system without a usable
keyring backend is a normal state: ``KeyringStore.status()`` says so and how to fix it, and
nothing is ever written in plain text instead. A backend that stores keys in a plain file
(``keyrings.alt``'s plaintext backend, which keyring picks by itself when that package is
installed and no Secret Service runs) counts as no keyring unless the user chose it.

Keys never appear in messages: errors name the provider, never the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from tokenbudget.core import message_texts as texts
from tokenbudget.core import providers
from tokenbudget.core.errors import NoKeyringError, SecretsError, UnknownProviderError
from tokenbudget.core.messages import message

SERVICE = "tokenbudget"

#: Providers whose keys the app can use, with the name shown to people (``core.providers``).
PROVIDERS: Final[Mapping[str, str]] = providers.KEY_NAMES

#: Backends that keep keys unencrypted in a file: refused unless chosen explicitly.
PLAINTEXT_BACKENDS = ("keyrings.alt.file.PlaintextKeyring", "keyrings.alt.file.EncryptedKeyring")


@dataclass(frozen=True)
class KeyringStatus:
    """Whether keys can be kept, and by what.

    Attributes:
        usable: Keys can be stored.
        backend: The keyring backend's name.
        message: For people: what is used, or why nothing is and how to fix it.
    """

    usable: bool
    backend: str
    message: str


class SecretStore(Protocol):
    """Where API keys live."""

    def status(self) -> KeyringStatus:
        """Whether keys can be stored here."""

    def get(self, provider: str) -> str | None:
        """The provider's key, or None."""

    def set(self, provider: str, key: str) -> None:
        """Store (or replace) the provider's key."""

    def delete(self, provider: str) -> bool:
        """Remove the provider's key; False if there was none."""


def check_provider(provider: str) -> str:
    """The id of ``provider`` (an id or alias, see ``core.providers``) if it takes a key.

    Raises:
        SecretsError: for an unknown provider or one without a key (with the known ones).
    """
    try:
        found = providers.resolve_provider(provider).id
    except UnknownProviderError as exc:
        hint = f"did you mean {', '.join(exc.suggestions)}? " if exc.suggestions else ""
        found = ""
    else:
        hint = ""
    if found not in PROVIDERS:
        raise SecretsError(
            f"unknown provider {provider!r}; {hint}one of: {', '.join(PROVIDERS)}"
        ) from None
    return found


def check_key(key: str) -> str:
    """A key as typed, trimmed; refuses empty keys and keys with spaces or line breaks."""
    key = key.strip()
    if not key:
        raise SecretsError(message(texts.KEY_EMPTY))
    if any(c.isspace() for c in key) or not key.isprintable():
        raise SecretsError(message(texts.KEY_HAS_SPACES))
    return key


def mask(key: str) -> str:
    """``sk-a…wxyz``: enough to tell keys apart, never enough to use one."""
    if len(key) <= 8:
        return "•" * len(key)
    return f"{key[:4]}…{key[-4:]}"


class MemoryStore:
    """Keys in memory only (tests, and sessions that must not persist anything)."""

    def __init__(self, keys: dict[str, str] | None = None) -> None:
        self._keys = dict(keys or {})

    def status(self) -> KeyringStatus:
        """Always usable."""
        return KeyringStatus(True, "memory", message(texts.KEYS_IN_MEMORY))

    def get(self, provider: str) -> str | None:
        """The provider's key, or None."""
        return self._keys.get(check_provider(provider))

    def set(self, provider: str, key: str) -> None:
        """Store the provider's key."""
        self._keys[check_provider(provider)] = check_key(key)

    def delete(self, provider: str) -> bool:
        """Remove the provider's key."""
        return self._keys.pop(check_provider(provider), None) is not None


def _backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def _leaves(backend: Any) -> Iterable[Any]:
    """The backends a chainer delegates to, or the backend itself."""
    inner = getattr(backend, "backends", None)
    return list(inner) if isinstance(inner, list | tuple) and inner else [backend]


class KeyringStore:
    """Keys in the system keyring (Secret Service, macOS Keychain, Windows Credential Locker).

    Args:
        backend: A keyring backend to use instead of keyring's own choice (tests).
        allow_plaintext: Accept a backend that stores keys in a plain file (only when the
            user chose it explicitly).
    """

    def __init__(self, backend: Any = None, *, allow_plaintext: bool = False) -> None:
        self._backend = backend
        self._allow_plaintext = allow_plaintext

    def _keyring(self) -> Any:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend

    def status(self) -> KeyringStatus:
        """Whether the keyring can keep keys, and if not, why and what to do."""
        try:
            backend = self._keyring()
        except Exception as exc:
            detail = message(texts.WITH_DETAIL, text=message(texts.NO_KEYRING), detail=str(exc))
            return KeyringStatus(False, "none", detail)
        names = [_backend_name(b) for b in _leaves(backend)]
        name = ", ".join(names)
        if all(n.startswith(("keyring.backends.fail.", "keyring.backends.null.")) for n in names):
            return KeyringStatus(False, name, message(texts.NO_KEYRING))
        if not self._allow_plaintext and any(n in PLAINTEXT_BACKENDS for n in names):
            return KeyringStatus(False, name, message(texts.PLAINTEXT_KEYRING_ONLY))
        return KeyringStatus(True, name, message(texts.KEYS_IN_KEYRING, name=name))

    def _usable(self) -> Any:
        status = self.status()
        if not status.usable:
            raise NoKeyringError(status.message)
        return self._keyring()

    def get(self, provider: str) -> str | None:
        """The provider's key, or None (also None when there is no keyring)."""
        check_provider(provider)
        if not self.status().usable:
            return None
        try:
            value = self._keyring().get_password(SERVICE, provider)
        except Exception as exc:
            kind = type(exc).__name__
            raise SecretsError(message(texts.KEY_NOT_READ, provider=provider, kind=kind)) from None
        return value if isinstance(value, str) and value else None

    def set(self, provider: str, key: str) -> None:
        """Store (or replace) the provider's key.

        Raises:
            NoKeyringError: when there is no usable keyring.
            SecretsError: when the keyring refuses (locked, dismissed prompt ...).
        """
        check_provider(provider)
        key = check_key(key)
        backend = self._usable()
        try:
            backend.set_password(SERVICE, provider, key)
        except Exception as exc:
            kind = type(exc).__name__
            raise SecretsError(
                message(texts.KEY_NOT_STORED, provider=provider, kind=kind)
            ) from None

    def delete(self, provider: str) -> bool:
        """Remove the provider's key; False if there was none."""
        check_provider(provider)
        backend = self._usable()
        if backend.get_password(SERVICE, provider) is None:
            return False
        try:
            backend.delete_password(SERVICE, provider)
        except Exception as exc:
            kind = type(exc).__name__
            raise SecretsError(
                message(texts.KEY_NOT_DELETED, provider=provider, kind=kind)
            ) from None
        return True
