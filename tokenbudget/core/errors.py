"""The one exception tree of tokenbudget.

Every error that the core raises on purpose derives from ``TokenbudgetError`` and carries a
message that can be shown to a user as it is, on one line. The command line maps
``UserInputError`` to exit code 2 and every other ``TokenbudgetError`` to exit code 1::

    TokenbudgetError
    ├── UserInputError              bad input or usage: the user can fix it (exit 2)
    │   ├── UnknownModelError       a model or tokenizer id that is not in the catalogue
    │   ├── NotTextError            a file that is binary or not valid UTF-8
    │   └── InputFileError          a file that is missing or unreadable
    ├── ResourceError               a bundled file is missing or fails its sha256 pin
    ├── CatalogError                a price catalogue or override file is malformed
    ├── SettingsError               the settings file is malformed (it is never overwritten)
    ├── PriceUpdateError            ``prices update`` could not fetch or validate a snapshot
    └── LedgerError                 the ledger database could not be used (file left as it was)
        ├── LedgerInputError        a plan name taken, a plan or entry that does not exist
        │                           (also a UserInputError)
        ├── LedgerBusyError         another program held the ledger longer than the wait
        ├── LedgerReadOnlyError     the file or its folder cannot be written
        ├── LedgerDiskError         the disk is full, or an I/O error
        └── LedgerCorruptError      SQLite says the file is not a database
            └── LedgerDamagedError  a database whose pages are damaged (recoverable in part)
"""

from __future__ import annotations

from collections.abc import Sequence


class TokenbudgetError(Exception):
    """Base of every error tokenbudget raises on purpose; ``str(err)`` is user-facing."""


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
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} '{name}'{hint}")


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


class PriceUpdateError(TokenbudgetError):
    """A price snapshot could not be fetched, parsed or validated; nothing was changed."""


# -- the ledger ---------------------------------------------------------------------------


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
