"""LiteLLM's price table: which entries tokenbudget keeps, how they are checked and compared.

LiteLLM publishes ``model_prices_and_context_window.json``: one JSON object keyed by model,
every price in USD per token. This module is pure: callers pass the parsed JSON in and get
plain dicts and lists back. Entries are kept in LiteLLM's own schema (only ``litellm_key`` is
added), so ``catalog`` and user overrides read one format.

The JSON holds prices as floats. Nothing here computes with them; where a value is compared
it goes through ``Decimal(str(x))``, which gives the shortest decimal that round-trips (the
digits LiteLLM wrote), never the binary expansion.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from tokenbudget.core import providers
from tokenbudget.core.errors import CatalogError

PROVIDERS: Final[Mapping[str, str]] = providers.CATALOG_NAMES
"""LiteLLM ``litellm_provider`` values that tokenbudget keeps, mapped to display names
(from the one table, ``core.providers``)."""

TEXT_MODES: Final = ("chat", "responses")
"""LiteLLM ``mode`` values of text models. ``responses`` marks models served only through
OpenAI's Responses API (gpt-5.5-pro, o3-pro, gpt-5.3-codex, grok-4.20-multi-agent): they are
billed per token like any chat model."""

MIN_MODELS: Final = 20
"""A snapshot that leaves fewer chat models than this after selection is rejected."""

MAX_DROPPED_FRACTION: Final = Decimal("0.25")
"""A snapshot whose invalid entries exceed this share of the selected ones is rejected."""

MAX_PRICE_PER_TOKEN: Final = Decimal("0.01")
"""Above this (USD 10,000 per million tokens) a per-token price is taken to be a unit error."""

MAX_TOKEN_FIELDS: Final = ("max_input_tokens", "max_output_tokens", "max_tokens")
"""Context-window and output-limit fields; each must be a positive integer when present."""

NESTED_PRICE_FIELDS: Final = ("tiered_pricing", "off_peak_pricing")
"""Fields whose values hold per-token prices one level down."""

# Per-token prices: input_cost_per_token*, output_cost_per_reasoning_token,
# input_cost_per_audio_token, cache_read_input_token_cost*, cache_creation_input_token_cost*...
# Not per-token: input_cost_per_image_above_128k_tokens, computer_use_*_cost_per_1k_tokens.
_PRICE_FIELD = re.compile(r"cost_per_(?:(?:audio|image|video|reasoning)_)?token|_token_cost")

# Substrings of a canonical id that mark a model which is not a plain text-chat model.
_EXCLUDED_WORDS: Final = (
    "audio",
    "realtime",
    "tts",
    "transcribe",
    "image",
    "search-preview",
    "search-api",
    "computer-use",
    "robotics",
    "lyria",
    "deep-research",
    "container",
    "omni",
    "voxtral",  # Mistral's speech-understanding models
)

# Name parts that mark a pre-release alias (grok-4.20-beta-0309, gemini-exp-1206); the
# released name of the same model is kept.
_PRERELEASE_PARTS: Final = frozenset({"beta", "exp", "experimental"})

# Name prefixes of model families and the provider that makes them. A provider listing a
# family it does not make is hosting another vendor's model (dashscope/deepseek-v4-pro,
# mistral/zai-glm-5): those entries are left out so every id has one owner.
_FAMILY_OWNERS: Final = (
    ("deepseek", "deepseek"),
    ("glm", "zai"),
    ("zai-", "zai"),
    ("kimi", "moonshot"),
    ("moonshot", "moonshot"),
    ("minimax", "minimax"),
    ("qwen", "dashscope"),
    ("qwq", "dashscope"),
    ("claude", "anthropic"),
    ("gemini", "gemini"),
    ("grok", "xai"),
)


@dataclass(frozen=True)
class Selection:
    """The chat models taken from one LiteLLM snapshot.

    Attributes:
        models: Entries keyed by canonical id, in LiteLLM schema plus ``litellm_key``.
        dropped: One ``"<id>: <reason>"`` line per selected entry that failed validation.
    """

    models: dict[str, dict[str, Any]]
    dropped: tuple[str, ...]


def is_price_field(name: str) -> bool:
    """Return whether a LiteLLM field holds a price in USD per token."""
    return _PRICE_FIELD.search(name) is not None


def canonical_id(key: str, provider: str) -> str:
    """Return the id tokenbudget shows for a LiteLLM key: the key without ``<provider>/``."""
    prefix = f"{provider}/"
    return key[len(prefix) :] if key.startswith(prefix) else key


def _is_excluded_name(model_id: str, provider: str) -> bool:
    name = model_id.lower()
    if name.startswith("ft:") or any(word in name for word in _EXCLUDED_WORDS):
        return True
    if not _PRERELEASE_PARTS.isdisjoint(re.split(r"[-_./:]", name)):
        return True
    return any(name.startswith(prefix) and owner != provider for prefix, owner in _FAMILY_OWNERS)


def _is_deprecated(entry: Mapping[str, Any], today: dt.date) -> bool:
    value = entry.get("deprecation_date")
    if not isinstance(value, str):
        return False
    try:
        return dt.date.fromisoformat(value) < today
    except ValueError:
        return False  # an unreadable date is not evidence that the model is gone


def _has_prices(entry: Mapping[str, Any]) -> bool:
    if entry.get("tiered_pricing"):
        return True
    return (
        entry.get("input_cost_per_token") is not None
        and entry.get("output_cost_per_token") is not None
    )


def is_text_entry(entry: object) -> bool:
    """Whether a LiteLLM entry is a text model (``mode`` in ``TEXT_MODES``)."""
    return isinstance(entry, Mapping) and entry.get("mode") in TEXT_MODES


def select_chat_models(raw: Mapping[str, Any], today: dt.date) -> dict[str, dict[str, Any]]:
    """Pick each kept provider's own text models out of a LiteLLM table.

    Kept: entries whose ``mode`` is in ``TEXT_MODES`` (``chat``, and ``responses`` for the
    models served only through the Responses API) and whose ``litellm_provider`` is in
    ``PROVIDERS``, including retired ones (past their ``deprecation_date``): recorded spend on
    them is still priced, and the catalogue marks them retired. Left out: fine-tunes
    (``ft:``), audio, realtime, speech, image, search, computer-use, robotics, music,
    deep-research, container and omni models; beta and experimental aliases (``-beta``,
    ``-exp``, ``-experimental``); models the provider hosts for another vendor; entries with
    neither an input and an output price nor ``tiered_pricing``. Values are not validated
    here (see ``entry_problems``), and entries that are not objects are skipped.

    Args:
        raw: A parsed LiteLLM table (or a snapshot written by tokenbudget).
        today: When two keys give one id, an entry still current on this date wins over one
            deprecated before it.

    Returns:
        Copies of the kept entries keyed by canonical id, sorted, each with ``litellm_key``
        set to the key it had in ``raw`` (an existing ``litellm_key`` is kept, so selecting
        from a tokenbudget snapshot gives the same snapshot). When two keys give one id, a
        current entry wins over a retired one, then the key without a provider prefix.
    """
    chosen: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for key, entry in raw.items():
        if not is_text_entry(entry):
            continue
        provider = entry.get("litellm_provider")
        if not isinstance(provider, str) or provider not in PROVIDERS:
            continue
        model_id = canonical_id(key, provider)
        if not model_id or _is_excluded_name(model_id, provider) or not _has_prices(entry):
            continue
        held = chosen.get(model_id)
        if held is not None and _rank(held, model_id, today) <= _rank(
            (key, entry), model_id, today
        ):
            continue  # the entry held is as good or better
        chosen[model_id] = (key, entry)
    result: dict[str, dict[str, Any]] = {}
    for model_id in sorted(chosen):
        key, entry = chosen[model_id]
        copy = dict(entry)
        copy.setdefault("litellm_key", key)
        result[model_id] = copy
    return result


def _rank(held: tuple[str, Mapping[str, Any]], model_id: str, today: dt.date) -> tuple[int, int]:
    """Which of two keys for one id wins (lower is better): current first, then unprefixed."""
    key, entry = held
    return int(_is_deprecated(entry, today)), int(key != model_id)


def _price_problem(field: str, value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return f"{field} is not a number ({value!r})"
    try:
        price = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of a number always parses
        return f"{field} is not a number ({value!r})"
    if not price.is_finite():
        return f"{field} is not a finite number ({value!r})"
    if price < 0:
        return f"{field} is negative ({value!r})"
    if price > MAX_PRICE_PER_TOKEN:
        return f"{field} is implausible for USD per token ({value!r})"
    return None


def _prices_problems(prices: Mapping[str, Any], where: str = "") -> list[str]:
    problems: list[str] = []
    for field, value in prices.items():
        if is_price_field(field):
            problem = _price_problem(where + field, value)
            if problem is not None:
                problems.append(problem)
    return problems


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() else None


def _tiers_problems(tiers: object) -> list[str]:
    if not isinstance(tiers, list) or not tiers:
        return ["tiered_pricing is not a non-empty list"]
    problems: list[str] = []
    previous_hi: Decimal | None = None
    for index, tier in enumerate(tiers):
        where = f"tiered_pricing[{index}]"
        if not isinstance(tier, Mapping):
            problems.append(f"{where} is not an object")
            continue
        problems.extend(_prices_problems(tier, where + "."))
        if tier.get("input_cost_per_token") is None or tier.get("output_cost_per_token") is None:
            problems.append(f"{where} lacks an input or output price")
        bounds = tier.get("range")
        if not isinstance(bounds, list) or len(bounds) != 2:
            problems.append(f"{where}.range is not [low, high]")
            previous_hi = None
            continue
        lo, hi = _number(bounds[0]), _number(bounds[1])
        if lo is None or hi is None or lo < 0 or lo >= hi:
            problems.append(f"{where}.range {bounds!r} is not an increasing pair of numbers")
            previous_hi = None
            continue
        if index == 0 and lo != 0:
            problems.append(f"{where}.range does not start at 0")
        if previous_hi is not None and lo != previous_hi:
            problems.append(f"{where}.range does not start where the previous tier ends")
        previous_hi = hi
    return problems


def entry_problems(entry: Mapping[str, Any]) -> list[str]:
    """Return what is wrong with one LiteLLM entry, or an empty list.

    Checked: every per-token price (top level, in ``tiered_pricing`` tiers and in
    ``off_peak_pricing``) is a finite number from 0 to ``MAX_PRICE_PER_TOKEN``; tiers are a
    non-empty list whose ranges start at 0, increase and meet end to start; each field of
    ``MAX_TOKEN_FIELDS`` that is present is a positive integer.
    """
    problems = _prices_problems(entry)
    if "tiered_pricing" in entry:
        problems.extend(_tiers_problems(entry["tiered_pricing"]))
    off_peak = entry.get("off_peak_pricing")
    if off_peak is not None:
        if isinstance(off_peak, Mapping):
            problems.extend(_prices_problems(off_peak, "off_peak_pricing."))
        else:
            problems.append("off_peak_pricing is not an object")
    for field in MAX_TOKEN_FIELDS:
        if field in entry:
            value = entry[field]
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                problems.append(f"{field} is not a positive integer ({value!r})")
    return problems


def validate_snapshot(raw: object) -> list[str]:
    """Return the problems of a parsed LiteLLM table, one line each.

    Only entries tokenbudget could use are checked: text entries of the providers in
    ``PROVIDERS``. Other vendors' entries are never read, so their oddities are not ours.

    Args:
        raw: Whatever ``json.loads`` gave.

    Returns:
        ``"<key>: <problem>"`` lines, or one line saying the snapshot is not a JSON object.
    """
    if not isinstance(raw, Mapping):
        return [f"the snapshot is not a JSON object (it is a {type(raw).__name__})"]
    problems: list[str] = []
    for key, entry in raw.items():
        if not is_text_entry(entry):
            continue
        if entry.get("litellm_provider") not in PROVIDERS:
            continue
        problems.extend(f"{key}: {problem}" for problem in entry_problems(entry))
    return problems


def prepare_snapshot(raw: object, today: dt.date) -> Selection:
    """Select, validate and accept or reject a parsed LiteLLM table.

    Entries that fail ``entry_problems`` are dropped and reported, as long as they are few.

    Args:
        raw: Whatever ``json.loads`` gave.
        today: Passed on to ``select_chat_models``.

    Returns:
        The models to use and the entries dropped.

    Raises:
        CatalogError: If ``raw`` is not a JSON object, if more than ``MAX_DROPPED_FRACTION``
            of the selected entries are invalid, or if fewer than ``MIN_MODELS`` remain.
    """
    if not isinstance(raw, Mapping):
        raise CatalogError(validate_snapshot(raw)[0])
    selected = select_chat_models(raw, today)
    models: dict[str, dict[str, Any]] = {}
    dropped: list[str] = []
    for model_id, entry in selected.items():
        problems = entry_problems(entry)
        if problems:
            dropped.append(f"{model_id}: {'; '.join(problems)}")
        else:
            models[model_id] = entry
    if selected and Decimal(len(dropped)) > MAX_DROPPED_FRACTION * len(selected):
        raise CatalogError(
            f"the snapshot was rejected: {len(dropped)} of {len(selected)} chat models are "
            f"invalid (first: {dropped[0]})"
        )
    if len(models) < MIN_MODELS:
        raise CatalogError(
            f"the snapshot was rejected: it has {len(models)} usable chat models of the known "
            f"providers, fewer than {MIN_MODELS}"
        )
    return Selection(models=models, dropped=tuple(dropped))


def _comparable(value: object) -> object:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    if isinstance(value, Mapping):
        return {str(k): _comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_comparable(v) for v in value]
    return repr(value)


def pricing_view(entry: Mapping[str, Any]) -> dict[str, object]:
    """Return the fields of an entry that decide a cost, in a form that compares exactly.

    These are the per-token prices, ``tiered_pricing``, ``off_peak_pricing`` and the fields of
    ``MAX_TOKEN_FIELDS``; numbers become normalised ``Decimal`` (so ``1e-06`` equals
    ``0.000001``).
    """
    return {
        field: _comparable(value)
        for field, value in entry.items()
        if is_price_field(field) or field in NESTED_PRICE_FIELDS or field in MAX_TOKEN_FIELDS
    }


def diff_snapshots(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Compare two snapshots keyed by canonical id.

    Args:
        old: The snapshot in use.
        new: The candidate.

    Returns:
        Sorted ``(added, changed, removed)`` ids. ``changed`` holds ids present in both whose
        prices, tiers, context window or output limit differ (see ``pricing_view``).
    """
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed = tuple(
        sorted(
            model_id
            for model_id in set(old) & set(new)
            if _view_of(old[model_id]) != _view_of(new[model_id])
        )
    )
    return added, changed, removed


def _view_of(entry: object) -> object:
    return pricing_view(entry) if isinstance(entry, Mapping) else _comparable(entry)


def dump_snapshot(models: Mapping[str, Any]) -> bytes:
    """Serialise a snapshot the way tokenbudget stores it: sorted keys, indent 1, UTF-8."""
    return (json.dumps(models, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()
