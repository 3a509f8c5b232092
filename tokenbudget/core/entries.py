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
    """Which record wins when a ``(source, source_ref)`` is recorded again.

    Before either rule, a record of higher ``precedence`` always wins over one of lower
    precedence, and never loses to one: an original beats a copy of itself (Claude Code's
    ``/btw`` side questions re-log the parent's messages, with more cache reads) in any
    order and across runs. The rules below settle records of equal precedence.
    """

    #: The newest record replaces the stored one (Codex and CSV references name identical
    #: content).
    NEWEST = "newest"
    #: The record with strictly more tokens in all replaces the stored one; a tie keeps the
    #: stored record. Claude Code writes one row per streamed chunk of a response and Gemini
    #: CLI re-appends a message as its tokens arrive, so the final one wins in any order.
    LARGEST = "largest"


#: The one table of the duplicate rule: the ledger's upsert (``upsert_replaces_sql``) and
#: every importer's in-run deduplication (``replaces``) read it. Sources not named: NEWEST.
DUPLICATE_WINNERS: Final[Mapping[str, DuplicateWinner]] = {
    "claude-code": DuplicateWinner.LARGEST,
    "gemini-cli": DuplicateWinner.LARGEST,
}

#: ``precedence`` of a record that is a copy of one logged elsewhere (a sidechain replay).
PRECEDENCE_COPY: Final = 0
#: ``precedence`` of a record read where it was first logged.
PRECEDENCE_ORIGINAL: Final = 1


def duplicate_winner(source: str) -> DuplicateWinner:
    """The rule for re-recorded references of ``source``."""
    return DUPLICATE_WINNERS.get(source, DuplicateWinner.NEWEST)


def replaces(old: NewEntry, new: NewEntry) -> bool:
    """Whether a record ``new`` replaces the stored ``old`` of the same ``(source, ref)``."""
    if new.precedence != old.precedence:
        return new.precedence > old.precedence
    if duplicate_winner(new.source) is DuplicateWinner.LARGEST:
        return new.tokens.total_tokens > old.tokens.total_tokens
    return True


def upsert_replaces_sql(new: str = "excluded", stored: str = "entries") -> str:
    """The same rule as ``replaces``, as an SQL condition for ``ON CONFLICT ... WHERE``."""
    largest = sorted(s for s, w in DUPLICATE_WINNERS.items() if w is DuplicateWinner.LARGEST)

    def total(table: str) -> str:
        return "(" + " + ".join(f"{table}.{c}" for c in TOKEN_FIELDS) + ")"

    same = "1"
    if largest:
        names = ", ".join("'" + s.replace("'", "''") + "'" for s in largest)
        same = f"({new}.source NOT IN ({names}) OR {total(new)} > {total(stored)})"
    return (
        f"({new}.precedence > {stored}.precedence OR "
        f"({new}.precedence = {stored}.precedence AND {same}))"
    )


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
        project: The project (working folder, git worktrees folded into their main
            repository) an imported request was made in; None when unknown.
        precedence: How a re-recorded reference is settled (``DuplicateWinner``): a copy of
            a record logged elsewhere has ``PRECEDENCE_COPY``, everything else
            ``PRECEDENCE_ORIGINAL``.
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
    project: str | None = None
    precedence: int = PRECEDENCE_ORIGINAL

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("entry times must be timezone-aware")
        if (self.cost_micros is None) != (self.currency is None):
            raise ValueError("cost and currency go together")


@dataclass(frozen=True)
class Entry(NewEntry):
    """A recorded entry.

    Attributes:
        id: Its row in this device's ledger.
        uid: Its name on every device that shares a sync folder: ``src:<source>:<ref>`` for an
            imported row, ``u:<random>`` for one recorded here or on another device.
        device: The device that recorded or imported it, when that is another device.
    """

    id: int = field(default=0, kw_only=True)
    uid: str | None = field(default=None, kw_only=True, compare=False)
    device: str | None = field(default=None, kw_only=True, compare=False)


def utc(at: datetime) -> datetime:
    """``at`` converted to UTC (naive times are refused)."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(UTC)
