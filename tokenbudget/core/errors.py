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
    └── PriceUpdateError            ``prices update`` could not fetch or validate a snapshot
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
