"""Spend entries: one request's tokens and cost, as recorded in the ledger.

Token fields are disjoint parts of the request, so nothing is counted twice:
``input_tokens`` is prompt input billed at the plain input rate (not cached, not written to
the cache), ``cache_read_tokens`` were read from the provider's cache, ``cache_write_5m_tokens``
and ``cache_write_1h_tokens`` were written to it, and ``output_tokens`` includes reasoning.

Cost is computed from the catalogue when the entry is recorded and stored with it (integer
micro-units plus an ISO currency code), so a later price change never rewrites history.
``cost_micros`` is None for an unpriced model: unknown, not free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Final

from tokenbudget.core.costing import Usage
from tokenbudget.core.errors import UserInputError

#: Where an entry came from; importers use their own names (``claude-code``, ``codex`` ...).
SOURCE_ESTIMATE = "estimate"
SOURCE_MANUAL = "manual"


class DuplicateWinner(Enum):
    """Which record wins when a ``(source, source_ref)`` is recorded again."""

    #: The newest record replaces the stored one (Gemini rewrites a message as it completes;
    #: Codex and CSV references name identical content).
    NEWEST = "newest"
    #: The record with strictly more output replaces the stored one; a tie keeps the stored
    #: record. Claude Code writes one row per streamed chunk of a response and several files
    #: can repeat a row, so the final chunk (the most output) wins in any order.
    MOST_OUTPUT = "most_output"


#: The one table of the duplicate rule: the ledger's upsert (``upsert_keeps_stored_sql``) and
#: every importer's in-run deduplication (``replaces``) read it. Sources not named: NEWEST.
DUPLICATE_WINNERS: Final[Mapping[str, DuplicateWinner]] = {
    "claude-code": DuplicateWinner.MOST_OUTPUT,
}


def duplicate_winner(source: str) -> DuplicateWinner:
    """The rule for re-recorded references of ``source``."""
    return DUPLICATE_WINNERS.get(source, DuplicateWinner.NEWEST)


def replaces(source: str, old: TokenCounts, new: TokenCounts) -> bool:
    """Whether a record ``new`` replaces the stored ``old`` of the same ``(source, ref)``."""
    if duplicate_winner(source) is DuplicateWinner.MOST_OUTPUT:
        return new.output_tokens > old.output_tokens
    return True


def upsert_replaces_sql(new: str = "excluded", stored: str = "entries") -> str:
    """The same rule as ``replaces``, as an SQL condition for ``ON CONFLICT ... WHERE``."""
    most_output = sorted(
        s for s, w in DUPLICATE_WINNERS.items() if w is DuplicateWinner.MOST_OUTPUT
    )
    if not most_output:
        return "1"
    names = ", ".join("'" + s.replace("'", "''") + "'" for s in most_output)
    return f"({new}.source NOT IN ({names}) OR {new}.output_tokens > {stored}.output_tokens)"


#: The token parts of a request, as ``TokenCounts`` names them (and the ledger's columns).
TOKEN_FIELDS: Final = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
)


@dataclass(frozen=True)
class TokenCounts:
    """The token parts of one request (all whole numbers >= 0)."""

    input_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0
    output_tokens: int = 0

    def __post_init__(self) -> None:
        for name in TOKEN_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise UserInputError(f"{name.replace('_', ' ')} must be a whole number >= 0")

    @property
    def prompt_tokens(self) -> int:
        """Every token of the prompt, cached or not."""
        return (
            self.input_tokens
            + self.cache_read_tokens
            + self.cache_write_5m_tokens
            + self.cache_write_1h_tokens
        )

    @property
    def total_tokens(self) -> int:
        """Prompt plus output."""
        return self.prompt_tokens + self.output_tokens

    def usage(self) -> Usage:
        """The same request in the shape the cost maths takes."""
        return Usage(
            input_tokens=self.prompt_tokens,
            output_tokens=self.output_tokens,
            cached_tokens=self.cache_read_tokens,
            cache_write_5m=self.cache_write_5m_tokens,
            cache_write_1h=self.cache_write_1h_tokens,
        )


@dataclass(frozen=True)
class NewEntry:
    """An entry about to be recorded (no id yet).

    Importers produce these too (``importers.values.usage_entry``): unpriced (the service
    prices them from the catalogue) unless the file stated a cost, and always with a
    ``source_ref``.

    Attributes:
        at: When the request was made, timezone-aware (stored as UTC).
        provider: Provider key (``anthropic``, ``openai`` ...).
        model: Model id as the source named it.
        tokens: The token parts.
        cost_micros: Cost in micro-units of ``currency``; None when unpriced.
        currency: ISO code of the cost, or None when unpriced.
        source: ``estimate``, ``manual`` or an importer's name.
        source_ref: Unique per source when set; re-importing the same reference updates the
            entry instead of adding a second one.
        note: Free text.
        prompt_text: Prompt text kept according to the privacy setting (none, preview, full).
        plan_id: Explicit plan assignment; None means "every plan that matches".
        requests: How many requests the entry stands for (request caps count these).
    """

    at: datetime
    provider: str
    model: str
    tokens: TokenCounts
    cost_micros: int | None
    currency: str | None
    source: str
    source_ref: str | None = None
    note: str | None = None
    prompt_text: str | None = None
    plan_id: int | None = None
    requests: int = 1

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("entry times must be timezone-aware")
        if (self.cost_micros is None) != (self.currency is None):
            raise ValueError("cost and currency go together")


@dataclass(frozen=True)
class Entry(NewEntry):
    """A recorded entry."""

    id: int = field(default=0, kw_only=True)


def utc(at: datetime) -> datetime:
    """``at`` converted to UTC (naive times are refused)."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(UTC)
