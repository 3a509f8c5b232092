"""The counting service: "this text, these models" into a ``CountReport``.

It reads the tokenizer registry, the catalogue and the settings through the service's parts.
Each text is counted once per tokenizer (or estimator), however many models share it;
changing the shown models re-prices cached counts (``TextCounts``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tokenbudget.core import estimate
from tokenbudget.core.catalog import Catalog, ModelInfo
from tokenbudget.core.costing import Usage, request_cost
from tokenbudget.core.count_report import CountReport, ModelEstimate
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.money import Money, check_currency
from tokenbudget.core.services.count_texts import Counts, TextCounts, exact_method
from tokenbudget.core.tokenizers import TokenizerRegistry, VocabularySpec

if TYPE_CHECKING:
    from tokenbudget.core.services._parts import Parts
    from tokenbudget.core.token_split import Tokenization

__all__ = [
    "CountReport",
    "CountingService",
    "Counts",
    "ModelEstimate",
    "TextCounts",
    "exact_method",
]


class CountingService:
    """Counting and pricing: texts, models, vocabularies and the catalogue's prices."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    @property
    def _registry(self) -> TokenizerRegistry:
        return self._parts.registry

    @property
    def _catalog(self) -> Catalog:
        return self._parts.catalog

    # -- the catalogue and the vocabularies, for the user interfaces ------------------------

    def model(self, name: str) -> ModelInfo:
        """The catalogue's model called ``name`` (an id or an alias).

        Raises:
            UnknownModelError: for a name not in the catalogue (with suggestions).
        """
        return self._catalog.get(name)

    def known_models(self, names: Iterable[str]) -> list[ModelInfo]:
        """The models of ``names`` that the catalogue knows, in that order (others dropped)."""
        catalog = self._catalog
        return [catalog.get(name) for name in names if name in catalog]

    def default_models(self, today: date) -> list[ModelInfo]:
        """The default model set as of ``today`` (none deprecated by then)."""
        return self._catalog.defaults(today)

    def vocabularies(self) -> list[VocabularySpec]:
        """The bundled vocabularies in manifest order (none is loaded).

        Each has its id, the models it counts for (one line), its source and licence.
        """
        registry = self._registry
        return [registry.spec(vocab) for vocab in registry.ids()]

    def tokenize(
        self, tokenizer_id: str, text: str, *, limit: int, request: int = 0
    ) -> Tokenization:
        """Encode ``text`` and prepare its first ``limit`` tokens for display.

        Safe on a worker thread once the vocabularies were listed (``vocabularies``).

        Raises:
            TokenbudgetError: if the vocabulary is unknown or its file is missing or altered.
        """
        from tokenbudget.core.token_split import tokenize

        return tokenize(self._registry, tokenizer_id, text, limit=limit, request=request)

    @staticmethod
    def read_text_file(path: Path) -> str:
        """Read a whole file as UTF-8 text (for a prompt dropped or opened).

        Raises:
            UserInputError: if it is missing, unreadable, binary, not UTF-8 or too large.
        """
        from tokenbudget.core.textinput import read_text_file

        return read_text_file(path)

    def resolve_models(self, names: Sequence[str]) -> list[ModelInfo]:
        """Models for the given names, or the default set when none are given.

        Raises:
            UnknownModelError: for a name not in the catalogue (with suggestions).
        """
        if not names:
            return self._catalog.defaults(date.today())
        seen: dict[str, ModelInfo] = {}
        for name in names:
            model = self._catalog.get(name)
            seen.setdefault(model.id, model)
        return list(seen.values())

    def estimate(
        self,
        counts: Counts,
        model: ModelInfo,
        *,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        currency: str | None = None,
        off_peak: bool | None = None,
    ) -> ModelEstimate:
        """Price one model for an already-counted text."""
        counting = model.counting
        if counting.estimator is None:
            tokens = counts.exact(counting.tokenizer)
        else:
            tokens = counts.estimated(counting.estimator)
        return self.price_tokens(
            model,
            tokens,
            output_tokens=output_tokens,
            cached_tokens=cached_tokens,
            currency=currency,
            off_peak=off_peak,
        )

    def counting_method(self, model: ModelInfo) -> str:
        """How ``model``'s tokens are counted, in one line."""
        counting = model.counting
        if counting.estimator is None:
            return exact_method(self._registry, counting.tokenizer)
        return estimate.get_estimator(counting.estimator).method

    def price_tokens(
        self,
        model: ModelInfo,
        tokens: int,
        *,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        currency: str | None = None,
        off_peak: bool | None = None,
    ) -> ModelEstimate:
        """Price ``tokens`` prompt tokens (and expected output) for ``model``, no counting.

        The window re-prices its cached counts with this when the shown models, the expected
        output or the currency change. ``off_peak`` applies a model's off-peak rates (None:
        as the ``off_peak_prices`` setting says); when not applied, the off-peak total is
        given beside the price.
        """
        from tokenbudget.core.settings import OFF_PEAK_PRICES

        input_cost = output_cost = off_peak_total = None
        pricing = model.pricing
        band = None
        settings = self._parts.settings
        applied = False
        if pricing is not None:
            usage = Usage(tokens, output_tokens, min(cached_tokens, tokens))
            wanted = settings.value(OFF_PEAK_PRICES) if off_peak is None else off_peak
            applied = wanted and pricing.off_peak is not None
            cost = request_cost(pricing, usage, off_peak=applied)
            band = cost.band
            input_cost = Money(cost.input, cost.currency)
            output_cost = Money(cost.output, cost.currency)
            if pricing.off_peak is not None and not applied:
                cheap = request_cost(pricing, usage, off_peak=True)
                off_peak_total = Money(cheap.input + cheap.output, cheap.currency)
            target = currency or settings.display_currency
            rates = settings.exchange_rates()
            # A currency asked for explicitly must be honoured (or fail with how to set the
            # rate); the display-currency setting falls back to the price's own currency.
            if target != cost.currency and (currency or rates.can_convert(cost.currency, target)):
                input_cost = rates.convert(input_cost, target)
                output_cost = rates.convert(output_cost, target)
                if off_peak_total is not None:
                    off_peak_total = rates.convert(off_peak_total, target)
        return ModelEstimate(
            model=model.id,
            provider=model.provider_name,
            tokenizer=model.counting.key,
            tokens=tokens,
            exact=model.counting.exact,
            method=self.counting_method(model),
            context_window=model.context_window,
            input_cost=input_cost,
            output_cost=output_cost,
            price_band=band,
            price_source=pricing.source if pricing else None,
            price_checked=pricing.checked if pricing else None,
            off_peak=applied,
            off_peak_total=off_peak_total,
        )

    def count(
        self,
        text: str,
        models: Sequence[str] = (),
        tokenizers: Sequence[str] = (),
        *,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        currency: str | None = None,
        off_peak: bool | None = None,
    ) -> CountReport:
        """Count ``text`` for models and/or bare tokenizers and price each model.

        With neither models nor tokenizers, the default model set is used.

        Raises:
            UnknownModelError: for an unknown model or tokenizer (with suggestions).
            UserInputError: for negative token numbers or an unknown currency.
        """
        chosen = self._chosen(models, tokenizers, output_tokens, cached_tokens, currency)
        counts = TextCounts(text, self._registry)
        extra = {"output_tokens": output_tokens, "cached_tokens": cached_tokens}
        return self._report(
            counts, len(text), chosen, tokenizers, **extra, currency=currency, off_peak=off_peak
        )

    def count_stream(
        self,
        blocks: Iterable[str],
        models: Sequence[str] = (),
        tokenizers: Sequence[str] = (),
        *,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        currency: str | None = None,
        off_peak: bool | None = None,
        lean: bool = False,
    ) -> CountReport:
        """``count`` of a text given in blocks (a file, a pipe), holding a chunk at a time.

        The report is the one ``count`` gives for the joined text (see ``core.stream_count``).
        ``lean`` holds one vocabulary at a time for a text of up to a megabyte (a one-shot
        command; see ``StreamCounter``).

        Raises:
            UnknownModelError: for an unknown model or tokenizer (with suggestions).
            UserInputError: for negative token numbers, an unknown currency, or a text
                without a line break for hundreds of megabytes.
        """
        from tokenbudget.core.stream_count import count_blocks

        chosen = self._chosen(models, tokenizers, output_tokens, cached_tokens, currency)
        exact = [m.counting.tokenizer for m in chosen if m.counting.estimator is None]
        estimators = [m.counting.estimator for m in chosen if m.counting.estimator is not None]
        counts = count_blocks(blocks, self._registry, [*tokenizers, *exact], estimators, lean=lean)
        extra = {"output_tokens": output_tokens, "cached_tokens": cached_tokens}
        return self._report(
            counts, counts.chars, chosen, tokenizers, **extra, currency=currency, off_peak=off_peak
        )

    def _chosen(
        self,
        models: Sequence[str],
        tokenizers: Sequence[str],
        output_tokens: int,
        cached: int,
        currency: str | None,
    ) -> list[ModelInfo]:
        """Check a count's arguments before any work; returns the models to price."""
        if output_tokens < 0 or cached < 0:
            raise UserInputError("output and cached tokens must be whole numbers >= 0")
        if currency is not None:
            check_currency(currency)
        for tokenizer_id in tokenizers:
            self._registry.spec(tokenizer_id)
        return self.resolve_models(models) if models or not tokenizers else []

    def _report(
        self,
        counts: Counts,
        chars: int,
        chosen: Sequence[ModelInfo],
        tokenizers: Sequence[str],
        *,
        output_tokens: int,
        cached_tokens: int,
        currency: str | None,
        off_peak: bool | None = None,
    ) -> CountReport:
        if currency is not None:
            currency = check_currency(currency)
        results = [
            self.estimate(
                counts,
                m,
                output_tokens=output_tokens,
                cached_tokens=cached_tokens,
                currency=currency,
                off_peak=off_peak,
            )
            for m in chosen
        ]
        for tokenizer_id in dict.fromkeys(tokenizers):
            results.append(
                ModelEstimate(
                    model=None,
                    provider=None,
                    tokenizer=tokenizer_id,
                    tokens=counts.exact(tokenizer_id),
                    exact=True,
                    method=exact_method(self._registry, tokenizer_id),
                    context_window=None,
                    input_cost=None,
                    output_cost=None,
                )
            )
        return CountReport(chars, output_tokens, cached_tokens, tuple(results))

    def default_output_tokens(self) -> int:
        """The expected output a count adds when none is given: the window's setting."""
        return int(self._parts.settings.get("output_tokens") or 0)

    def by_cost(self, report: CountReport) -> CountReport:
        """``report`` with its model rows cheapest first (total cost), then the others.

        Costs in other currencies are compared through the exchange rates; a priced row that
        cannot be converted comes after those that can (by its own amount), unpriced models
        next, raw tokenizer rows last, each group in its original order where costs tie.
        """
        rates = self._parts.settings.exchange_rates()

        def key(indexed: tuple[int, ModelEstimate]) -> tuple[int, str, Decimal, int]:
            index, row = indexed
            total = row.total_cost
            if row.model is None:
                return 3, "", Decimal(0), index
            if total is None:
                return 2, "", Decimal(0), index
            if total.currency == "USD" or rates.can_convert(total.currency, "USD"):
                return 0, "", rates.convert(total, "USD").amount, index
            return 1, total.currency, total.amount, index

        ordered = [row for _, row in sorted(enumerate(report.results), key=key)]
        return replace(report, results=tuple(ordered))

    def models(self, provider: str | None = None) -> list[ModelInfo]:
        """The catalogue, optionally for one provider (key or display name, any case)."""
        every = self._catalog.all()
        if provider is None:
            return every
        from tokenbudget.core import providers
        from tokenbudget.core.model_names import match_name

        # An alias ("qwen", "claude") names the provider's id; a custom model's provider (in
        # prices.json) is known by its own name.
        spellings = {p.lower(): p for p in self._catalog.providers()}
        spellings.update(providers.spellings())
        wanted = match_name(provider, spellings, "provider")
        return [m for m in every if m.provider == wanted]

    # -- cli: reading a prompt ----------------------------------------------------------------

    def file_text(self, path: Path) -> Iterator[str]:
        """The text of ``path``, decoded a block at a time (for ``count_stream``).

        Raises (as the blocks are read):
            InputFileError: the file is missing, a folder or unreadable.
            NotTextError: it is binary or not UTF-8.
            UserInputError: it is larger than ``textinput.MAX_TEXT_BYTES``.
        """
        from tokenbudget.core.textinput import iter_text_file

        return iter_text_file(path)

    def stream_text(self, stream: BinaryIO, name: str) -> Iterator[str]:
        """The text of ``stream`` (standard input), decoded a block at a time.

        A regular file that is too large is refused now; errors reading the stream pass
        through as ``OSError`` for the caller to explain.

        Raises:
            UserInputError: too large (now, or as the blocks are read).
            NotTextError: binary or not UTF-8 (as the blocks are read).
        """
        from tokenbudget.core.textinput import check_size, iter_text_blocks, read_blocks

        check_size(stream, name)
        return iter_text_blocks(read_blocks(stream), name)
