r"""Single values from a log: read, checked, and turned into ledger entries.

A log can hold anything JSON or CSV can spell, and the ledger cannot store everything:
SQLite integers end at 2^63, costs are computed with 28-digit decimals, and text must be valid
UTF-8. So every value is checked here, where its line is still known, and a value out of
bounds is a ``ValueError`` that the importer reports for that line:

- token counts and request counts are whole numbers from 0 to ``MAX_COUNT``;
- a stated cost is from 0 to ``MAX_COST`` (negative costs would lower the spend);
- text (models, ids, sessions, notes) must be encodable as UTF-8 (JSON can spell a lone
  surrogate such as ``"\ud83d"``, SQLite cannot store it);
- times must be expressible in UTC (``parse_time``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import TOKEN_FIELDS, NewEntry, TokenCounts
from tokenbudget.core.messages import message as msg
from tokenbudget.core.model_names import provider_of
from tokenbudget.core.projects import project_of

MAX_COUNT: Final = 10**12
"""The most tokens (of one kind) or requests one record may carry: a thousand times the
largest context window, and small enough that costs and sums of such records stay far inside
SQLite's 64-bit integers."""

MAX_COST: Final = Decimal(10**9)
"""The largest cost one record may state, in units of its currency (10^15 micro-units)."""


def guess_provider(model: str, default: str | None = None) -> str | None:
    """The provider key a model name belongs to, or ``default`` (``model_names.provider_of``).

    Coding tools can talk to other vendors' models (Claude Code to GLM or Kimi through an
    Anthropic-compatible endpoint, for one), so the name decides before the tool does.
    """
    return provider_of(model, default)


def parse_time(value: object) -> datetime | None:
    """A timezone-aware time from ISO 8601 text or unix seconds; None if it is neither.

    Naive ISO times are taken as UTC. Numbers of 10^11 or more are unix milliseconds (10^11
    seconds is the year 5138). A time that cannot be expressed in UTC (year 9999 at -05:00,
    say) is None too: the ledger stores UTC.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        return parse_time(number) if math.isfinite(number) else None
    if at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    try:
        at.astimezone(UTC)
    except OverflowError:
        return None
    return at


def shown(value: object) -> str:
    """A value as a problem message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def count(data: Mapping[str, Any], key: str) -> int:
    """A token count from a usage object: absent or null is 0.

    Raises:
        ValueError: for anything but a whole number from 0 to ``MAX_COUNT`` (the message
            names the field).
    """
    value = data.get(key)
    if type(value) is int and 0 <= value <= MAX_COUNT:
        return value  # the usual case, checked in one go (``bool`` is not ``int`` here)
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer() and value >= 0:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(msg(mt.VALUE_NOT_WHOLE, key=key, value=shown(value)))
    if value < 0:
        raise ValueError(msg(mt.VALUE_NEGATIVE, key=key, value=shown(value)))
    if value > MAX_COUNT:
        raise ValueError(msg(mt.VALUE_TOO_LARGE, key=key, value=shown(value), most=MAX_COUNT))
    return value


def checked_text(value: str, what: str) -> str:
    """``value`` if the ledger can store it (it encodes as UTF-8).

    Raises:
        ValueError: naming ``what``, for text with a lone surrogate.
    """
    if value.isascii():
        return value  # the usual case: ASCII holds no surrogate
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(msg(mt.NOT_VALID_TEXT, what=what, value=shown(value))) from None
    return value


def checked_cost(amount: Decimal) -> Decimal:
    """A stated cost from 0 to ``MAX_COST``.

    Raises:
        ValueError: for a negative, too large or not finite amount.
    """
    if not amount.is_finite():
        raise ValueError(msg(mt.COST_NOT_FINITE, amount=str(amount)))
    if amount < 0:
        raise ValueError(msg(mt.COST_NEGATIVE, amount=str(amount)))
    if amount > MAX_COST:
        raise ValueError(msg(mt.COST_TOO_LARGE, amount=str(amount), most=MAX_COST))
    return amount


def project_value(folder: object) -> str | None:
    """The project of a logged working folder (``projects.project_of``), None if unknown.

    A project the ledger cannot store as text (say, a lone surrogate in a folder name) is
    unknown too: the request still counts, only its project is not named.
    """
    project = project_of(folder)
    if project is None or project.isascii():
        return project
    try:
        return checked_text(project, "project")
    except ValueError:
        return None


def usage_entry(
    *,
    at: datetime,
    provider: str,
    model: str,
    tokens: TokenCounts,
    source: str,
    source_ref: str,
    note: str | None = None,
    requests: int = 1,
    cost_micros: int | None = None,
    currency: str | None = None,
) -> NewEntry:
    """The ledger entry for one imported record, with every value checked.

    The cost is None ("let the service price it") unless the file states one.

    Raises:
        ValueError: for a value the ledger cannot store (the message names it).
    """
    # Every record passes here, so the usual case (ASCII text, counts in range) is checked in
    # one cheap expression and only an odd record takes the loops that name the bad value.
    if not (
        model.isascii()
        and provider.isascii()
        and source.isascii()
        and source_ref.isascii()
        and (note is None or note.isascii())
    ):
        for what, text in (
            ("model", model),
            ("provider", provider),
            ("source", source),
            ("reference", source_ref),
            ("note", note),
        ):
            if text is not None:
                checked_text(text, what)
    if (
        tokens.input_tokens > MAX_COUNT
        or tokens.cache_read_tokens > MAX_COUNT
        or tokens.cache_write_5m_tokens > MAX_COUNT
        or tokens.cache_write_1h_tokens > MAX_COUNT
        or tokens.output_tokens > MAX_COUNT
    ):
        for name in TOKEN_FIELDS:
            if getattr(tokens, name) > MAX_COUNT:
                raise ValueError(
                    msg(
                        mt.TOKENS_TOO_LARGE,
                        what=name.replace("_", " "),
                        value=str(getattr(tokens, name)),
                    )
                )
    if not 0 <= requests <= MAX_COUNT:
        raise ValueError(msg(mt.REQUESTS_OUT_OF_RANGE, value=str(requests)))
    # Positional (in ``NewEntry``'s field order): measurably cheaper than keywords per record.
    return NewEntry(
        at, provider, model, tokens, cost_micros, currency, source, source_ref, note, None, None,
        requests,
    )  # fmt: skip


_UUID7: Final = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def uuid7_millis(value: object) -> int | None:
    """The unix-millisecond time inside a version-7 UUID, or None for anything else."""
    if not isinstance(value, str) or not _UUID7.match(value.lower()):
        return None
    return int(value[:8] + value[9:13], 16)
