"""The one exception tree of tokenbudget.

Every error that the core raises on purpose derives from ``TokenbudgetError`` and carries a
message that can be shown to a user as it is, on one line. The command line maps
``UserInputError`` to exit code 2 and every other ``TokenbudgetError`` to exit code 1::

    TokenbudgetError
    ├── UserInputError              bad input or usage: the user can fix it (exit 2)
    │   ├── UnknownModelError       a model or tokenizer id that is not in the catalogue
    │   ├── UnknownProviderError    a provider name that is not in ``core.providers``
    │   ├── NotTextError            a file that is binary or not valid UTF-8
    │   ├── InputFileError          a file that is missing or unreadable
    │   ├── PlanInputError          plan fields that do not make a plan (one message per field)
    │   └── SecretsError            a key that cannot be stored, read or deleted
    │       └── NoKeyringError      this system has no usable keyring
    ├── ResourceError               a bundled file is missing or fails its sha256 pin
    ├── CatalogError                a price catalogue or override file is malformed
    ├── SettingsError               the settings file is malformed (it is never overwritten)
    ├── PriceUpdateError            ``prices update`` could not fetch or validate a snapshot
    │   ├── PriceFileError          a local snapshot file is missing or unreadable (also an
    │   │                           InputFileError)
    │   └── OlderSnapshotError      the snapshot is older than the one in use (also a
    │                               UserInputError: ``--allow-older`` installs it)
    ├── RatesUpdateError            ``rates update`` could not fetch or check the ECB's rates
    ├── AutostartError              the login autostart entry could not be written or removed
    ├── LauncherError               the desktop menu entry could not be installed or removed
    ├── BalanceError                a provider's balance could not be read
    ├── RemoteCountError            a count endpoint gave no count (``reason`` says why)
    │   ├── OfflineError            the provider could not be reached
    │   ├── AuthError               the key was refused (401, 403)
    │   ├── RateLimitedError        too many requests (429)
    │   ├── ServerError             5xx, or another unexpected status
    │   ├── RemoteTimeoutError      no answer within the timeout
    │   ├── BadResponseError        the answer was not the JSON expected
    │   └── UnsafeAddressError      a redirect, or plain http off this machine: key not sent
    ├── ForeignDatabaseError        another tool's database cannot be read now (an import problem)
    └── LedgerError                 the ledger database could not be used (file left as it was)
        ├── LedgerInputError        a plan name taken, a plan or entry that does not exist
        │                           (also a UserInputError)
        ├── LedgerBusyError         another program held the ledger longer than the wait
        ├── LedgerReadOnlyError     the file or its folder cannot be written
        ├── LedgerDiskError         the disk is full, or an I/O error
        └── LedgerCorruptError      SQLite says the file is not a database
            └── LedgerDamagedError  a database whose pages are damaged (recoverable in part)

    UsageError (Exception)          the command line's parser refused the arguments (exit 2)

``UsageError`` stays outside the tree: the command line raises it from ``argparse`` and
catches it itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tokenbudget.core import message_texts as texts
from tokenbudget.core.messages import message, text_of


class TokenbudgetError(Exception):
    """Base of every error tokenbudget raises on purpose; ``str(err)`` is user-facing.

    ``str(err)`` is English (the command line's). Raised with a ``core.messages.Message``,
    ``err.message`` is that message, which the GUI translates; otherwise it is the same text.
    """

    @property
    def message(self) -> str:
        """The user-facing text: a ``Message`` when raised with one."""
        return text_of(self)


class UserInputError(TokenbudgetError):
    """Input or usage the user can correct."""


class UnknownModelError(UserInputError):
    """A model or tokenizer id that is not known.

    Attributes:
        name: The id that was asked for.
        suggestions: The closest known ids, best first.
    """

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        what: str = {
            "model": message(texts.KIND_MODEL),
            "tokenizer": message(texts.KIND_TOKENIZER),
            "estimator": message(texts.KIND_ESTIMATOR),
        }.get(kind, kind)
        if self.suggestions:
            text = message(
                texts.UNKNOWN_NAME_HINT,
                kind=what,
                name=name,
                suggestions=", ".join(self.suggestions),
            )
        else:
            text = message(texts.UNKNOWN_NAME, kind=what, name=name)
        super().__init__(text)


class NotTextError(UserInputError):
    """A file (or standard input) that is not UTF-8 text."""


class InputFileError(UserInputError):
    """A file that does not exist or cannot be read."""


class ResourceError(TokenbudgetError):
    """A bundled resource is missing, unreadable or does not match its pinned sha256."""


class CatalogError(TokenbudgetError):
    """A price catalogue, override file or custom model is malformed."""


class SettingsError(TokenbudgetError):
    """The settings file cannot be read or parsed; it is left untouched."""


class UnknownProviderError(UserInputError):
    """A provider name that is neither an id nor an alias of ``core.providers``.

    Attributes:
        name: The name that was asked for.
        suggestions: The closest provider ids, best first.
    """

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        if self.suggestions:
            suggestions = ", ".join(self.suggestions)
            text = message(texts.UNKNOWN_PROVIDER_HINT, name=name, suggestions=suggestions)
        else:
            text = message(texts.UNKNOWN_PROVIDER, name=name)
        super().__init__(text)


class PlanInputError(UserInputError):
    """One or more plan fields are invalid.

    Attributes:
        errors: Field name to message, for showing next to each field.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in self.errors.items()))


class SecretsError(UserInputError):
    """A key could not be stored, read or deleted (the message never contains the key)."""


class NoKeyringError(SecretsError):
    """There is no usable keyring on this system."""


class AutostartError(TokenbudgetError):
    """The autostart entry could not be written or removed."""


class LauncherError(TokenbudgetError):
    """The desktop menu entry or its icons could not be installed or removed."""


class BalanceError(TokenbudgetError):
    """A balance could not be read; the message is a short reason (never the key)."""


class RemoteCountError(TokenbudgetError):
    """A count endpoint could not give a count.

    Also raised for the balance endpoints' requests, which share the transport.

    Attributes:
        reason: Short, user-facing, never contains the key ("invalid key (401)").
        status: The HTTP status, when there was one.
        retry_after: Seconds the provider asked to wait (429), when it said.
    """

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class OfflineError(RemoteCountError):
    """The provider could not be reached (no network, DNS, refused)."""


class AuthError(RemoteCountError):
    """The key was refused (401, 403)."""


class RateLimitedError(RemoteCountError):
    """Too many requests (429)."""


class ServerError(RemoteCountError):
    """The provider failed (5xx) or answered with an unexpected status."""


class RemoteTimeoutError(RemoteCountError):
    """No answer within the timeout."""


class BadResponseError(RemoteCountError):
    """The answer was not the JSON shape expected."""

    def __init__(self, reason: str, *, detail: str = "unexpected shape") -> None:
        super().__init__(reason)
        #: What was wrong, in a few words ("not JSON", "too long").
        self.detail = detail


class UnsafeAddressError(RemoteCountError):
    """The key was not sent: the provider redirected elsewhere, or the URL was plain http."""


class UsageError(Exception):
    """Raised by the command line's parser instead of exiting, so ``main`` prints one line."""


class PriceUpdateError(TokenbudgetError):
    """A price snapshot could not be fetched, parsed or validated; nothing was changed."""


class PriceFileError(PriceUpdateError, InputFileError):
    """The local file given as a price snapshot is missing or unreadable; nothing was changed."""


class OlderSnapshotError(PriceUpdateError, UserInputError):
    """The snapshot offered is older than the one in use; nothing was changed."""


class RatesUpdateError(TokenbudgetError):
    """The ECB's rates could not be fetched or checked, or were older; nothing was changed."""


# -- the ledger ---------------------------------------------------------------------------


class ForeignDatabaseError(TokenbudgetError):
    """Another tool's SQLite database that cannot be read now.

    Missing, not SQLite, damaged, or locked by its writer: importers report it as a problem
    of that file and never raise it on.
    """


class LedgerError(TokenbudgetError):
    """The ledger database could not be used (message says why, on one line)."""


class LedgerInputError(LedgerError, UserInputError):
    """A plan name that is taken, or a plan or entry that does not exist (user-fixable)."""


class LedgerBusyError(LedgerError):
    """Another program held the ledger locked for longer than the wait; nothing was changed."""


class LedgerReadOnlyError(LedgerError):
    """The ledger file or its folder cannot be written; the file was left as it was."""


class LedgerDiskError(LedgerError):
    """The disk is full or reported an I/O error; the transaction was rolled back."""


class LedgerCorruptError(LedgerError):
    """The file is not an SQLite database (and was left untouched unless moved aside)."""


class LedgerDamagedError(LedgerCorruptError):
    """An SQLite database with damaged pages: some of it reads, some does not.

    ``tokenbudget.core.ledger.recover`` moves it aside and rebuilds a ledger from what reads.
    """
