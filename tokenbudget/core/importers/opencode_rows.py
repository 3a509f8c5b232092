"""OpenCode's rows: a step-finish part and its assistant message, as ledger records.

The shapes are those of ``packages/opencode/src/session/message-v2.ts`` @007a9409
(anomalyco/opencode), the same in the SQLite ``data`` columns and in the legacy JSON files;
what the fields mean, and why the parts count and not the message, is in ``opencode``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final, NamedTuple

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers.base import SOURCE_OPENCODE
from tokenbudget.core.importers.named_provider import provider_for
from tokenbudget.core.importers.values import (
    checked_text,
    count,
    parse_time,
    project_value,
    usage_entry,
)
from tokenbudget.core.messages import message as msg

UNKNOWN_MODEL: Final = "unknown"


class Message(NamedTuple):
    """What a step-finish part takes from its assistant message."""

    model: str
    provider: str
    at: object
    where: str | None


def message_of(data: object, directory: str | None) -> Message | None:
    """What a part needs of its message (None for a message that is not an assistant's).

    Raises:
        ValueError: for a model name the ledger cannot store.
    """
    if not isinstance(data, dict) or data.get("role") != "assistant":
        return None
    model = data.get("modelID")
    model = checked_text(model, "model") if isinstance(model, str) and model.strip() else None
    model = model or UNKNOWN_MODEL
    time = data.get("time")
    at = time.get("created") if isinstance(time, dict) else None
    where = project_value(directory) if directory else None
    if where is None:
        path = data.get("path")
        if isinstance(path, dict):
            where = project_value(path.get("cwd") or path.get("root"))
    return Message(model, provider_for(model, data.get("providerID")), at, where)


def output_of(tokens: Mapping[str, Any]) -> int:
    """The output tokens of a step, reasoning included once.

    Newer OpenCode (AI SDK 6) stores ``output`` without the reasoning and a ``total`` that
    includes it; older versions stored ``output`` with the reasoning already inside (and a
    ``total`` without a second copy, or no ``total``). So reasoning is added when
    ``total`` is closer to the sum with it than without; with no ``total``, only when
    ``output`` is smaller than ``reasoning`` (it cannot then contain it).

    Raises:
        ValueError: for a count that is not a whole number in range.
    """
    output, reasoning = count(tokens, "output"), count(tokens, "reasoning")
    if reasoning == 0:
        return output
    total = tokens.get("total")
    if isinstance(total, int | float) and not isinstance(total, bool) and total > 0:
        cache = tokens.get("cache")
        cache = cache if isinstance(cache, dict) else {}
        base = count(tokens, "input") + count(cache, "read") + count(cache, "write") + output
        apart = abs(total - base - reasoning) <= abs(total - base)
    else:
        apart = output < reasoning
    return output + reasoning if apart else output


def step_record(
    part_id: str, part: object, message: Message | None, row_time: object = None
) -> NewEntry | None:
    """The record of one step-finish part (None for any other part, or one with no tokens).

    Raises:
        ValueError: for a step whose tokens or time cannot be read.
    """
    if not isinstance(part, dict) or part.get("type") != "step-finish":
        return None
    tokens = part.get("tokens")
    if not isinstance(tokens, dict):
        raise ValueError(msg(mt.STEP_NO_TOKENS))
    cache = tokens.get("cache")
    cache = cache if isinstance(cache, dict) else {}
    counts = TokenCounts(
        input_tokens=count(tokens, "input"),
        cache_read_tokens=count(cache, "read"),
        cache_write_5m_tokens=count(cache, "write"),
        output_tokens=output_of(tokens),
    )
    if counts.total_tokens == 0:
        return None
    if message is None:
        message = Message(UNKNOWN_MODEL, "unknown", None, None)
    at = parse_time(message.at) or parse_time(row_time)
    if at is None:
        raise ValueError(msg(mt.STEP_NO_TIME))
    record = usage_entry(
        at=at,
        provider=message.provider,
        model=message.model,
        tokens=counts,
        source=SOURCE_OPENCODE,
        source_ref=checked_text(part_id, "part id"),
    )
    return record if message.where is None else replace(record, project=message.where)
