"""The facade that the command line and the GUI both call.

It owns the tokenizer registry, the catalogue and the settings, and turns "this text, these
models" into a ``CountReport``. Each text is counted once per tokenizer (or estimator), however
many models share it; changing the shown models re-prices cached counts (``TextCounts``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tokenbudget.core import estimate, paths
from tokenbudget.core.catalog import Catalog, ModelInfo
from tokenbudget.core.catalog_files import load_catalog_or_bundled
from tokenbudget.core.costing import Usage, request_cost
from tokenbudget.core.errors import UnknownProviderError, UserInputError
from tokenbudget.core.money import Money, check_currency, to_micros
from tokenbudget.core.providers import resolve_provider
from tokenbudget.core.recording import kept_prompt_text, price
from tokenbudget.core.settings import Settings
from tokenbudget.core.tokenizers import TokenizerRegistry

if TYPE_CHECKING:
    from tokenbudget.core.alerts import Alert
    from tokenbudget.core.entries import Entry, NewEntry
    from tokenbudget.core.importers.base import Importer, Problem
    from tokenbudget.core.incremental import IncrementalCounter
    from tokenbudget.core.ledger import Ledger
    from tokenbudget.core.plans import Plan, PlanStatus
    from tokenbudget.core.price_update import UpdateReport
    from tokenbudget.core.secrets import SecretStore


@dataclass(frozen=True)
class ImportReport:
    """What one import did."""

    importer: str
    records: int
    files_read: int
    bytes_read: int
    unpriced: int
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ModelEstimate:
    """One row of a count: a model (or a bare tokenizer) and what the text costs there.

    Costs are None when the model is unpriced, and for bare tokenizers.
    """

    model: str | None
    provider: str | None
    tokenizer: str
    tokens: int
    exact: bool
    method: str
    context_window: int | None
    input_cost: Money | None
    output_cost: Money | None
    price_band: str | None = None
    price_source: str | None = None
    price_checked: date | None = None

    @property
    def total_cost(self) -> Money | None:
        """Input plus output cost, or None when unpriced."""
        if self.input_cost is None or self.output_cost is None:
            return None
        return self.input_cost + self.output_cost

    def context_share(self, output_tokens: int = 0) -> Decimal | None:
        """Share of the context window the prompt (plus expected output) takes, 1 = full."""
        if not self.context_window:
            return None
        return Decimal(self.tokens + output_tokens) / Decimal(self.context_window)


@dataclass(frozen=True)
class CountReport:
    """The result of counting one text against several models."""

    chars: int
    output_tokens: int
    cached_tokens: int
    results: tuple[ModelEstimate, ...]


class Counts(Protocol):
    """Counts of one text by tokenizer and by estimator (``TextCounts``, ``StreamCounter``)."""

    def exact(self, tokenizer_id: str) -> int:
        """Exact count with a bundled vocabulary."""
        ...

    def estimated(self, estimator_id: str) -> int:
        """Estimated count with an estimator."""
        ...


class TextCounts:
    """Counts of one text, computed once per tokenizer or estimator and then reused.

    With an ``IncrementalCounter`` (an editor's), counts go through its chunk cache, so a text
    that differs a little from one counted before costs only the chunks that changed; the
    numbers are the same either way.
    """

    def __init__(
        self,
        text: str,
        registry: TokenizerRegistry,
        counter: IncrementalCounter | None = None,
    ) -> None:
        self.text = text
        self._registry = registry
        self._counter = counter
        self._memo: dict[tuple[str, str], int] = {}
        self._exact: dict[str, int] = {}
        self._estimated: dict[str, int] = {}

    def _count(self, tokenizer_id: str, part: str) -> int:
        key = (tokenizer_id, part)
        if key not in self._memo:
            self._memo[key] = self._registry.count(tokenizer_id, part)
        return self._memo[key]

    def exact(self, tokenizer_id: str) -> int:
        """Exact count with a bundled vocabulary."""
        if tokenizer_id not in self._exact:
            if self._counter is not None:
                self._exact[tokenizer_id] = self._counter.count(tokenizer_id, self.text)
            else:
                self._exact[tokenizer_id] = self._count(tokenizer_id, self.text)
        return self._exact[tokenizer_id]

    def estimated(self, estimator_id: str) -> int:
        """Estimated count with an estimator."""
        if estimator_id not in self._estimated:
            est = estimate.get_estimator(estimator_id)
            if self._counter is not None:
                self._estimated[estimator_id] = self._counter.estimate(estimator_id, self.text)
            else:
                self._estimated[estimator_id] = est.estimate(
                    self.text, lambda part: self._count(est.base, part)
                )
        return self._estimated[estimator_id]


def exact_method(registry: TokenizerRegistry, tokenizer_id: str) -> str:
    """A one-line description of an exact count."""
    spec = registry.spec(tokenizer_id)
    library = "tokenizers" if spec.loader == "hf" else "tiktoken"
    return f"exact: bundled {tokenizer_id} vocabulary ({library})"


class Service:
    """Everything the user interfaces need, without any UI."""

    def __init__(
        self,
        registry: TokenizerRegistry | None = None,
        *,
        settings: Settings | None = None,
        catalog: Catalog | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        self.registry = registry or TokenizerRegistry.bundled()
        self._secrets = secrets
        self.settings_warning: str | None = None
        if settings is None:
            settings = Settings.load_or_defaults(paths.config_dir() / "settings.json")
            self.settings_warning = settings.warning
        self.settings = settings
        self._catalog = catalog
        self._ledger: Ledger | None = None
        #: False to refuse a corrupt ledger instead of moving it aside (``--no-recover``).
        self.recover_ledger = True
        #: True to start without a broken prices.json (reported in ``settings_warning``).
        self.recover_prices = False

    @property
    def secrets(self) -> SecretStore:
        """Where API keys live: the OS keyring unless another store was given."""
        if self._secrets is None:
            from tokenbudget.core.secrets import KeyringStore

            self._secrets = KeyringStore(
                allow_plaintext=bool(self.settings.get("allow_plaintext_keyring"))
            )
        return self._secrets

    @property
    def catalog(self) -> Catalog:
        """The model catalogue, loaded on first use."""
        if self._catalog is None:
            self._catalog, warning = load_catalog_or_bundled(
                paths.resources_dir() / "prices",
                updated_dir=paths.price_snapshot_dir(),
                overrides_file=paths.price_overrides_file(),
                tokenizer_ids=self.registry.ids(),
                strict=not self.recover_prices,
            )
            self.settings_warning = warning or self.settings_warning
        return self._catalog

    def resolve_models(self, names: Sequence[str]) -> list[ModelInfo]:
        """Models for the given names, or the default set when none are given.

        Raises:
            UnknownModelError: for a name not in the catalogue (with suggestions).
        """
        if not names:
            return self.catalog.defaults(date.today())
        seen: dict[str, ModelInfo] = {}
        for name in names:
            model = self.catalog.get(name)
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
        )

    def counting_method(self, model: ModelInfo) -> str:
        """How ``model``'s tokens are counted, in one line."""
        counting = model.counting
        if counting.estimator is None:
            return exact_method(self.registry, counting.tokenizer)
        return estimate.get_estimator(counting.estimator).method

    def price_tokens(
        self,
        model: ModelInfo,
        tokens: int,
        *,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        currency: str | None = None,
    ) -> ModelEstimate:
        """Price ``tokens`` prompt tokens (and expected output) for ``model``, no counting.

        The window re-prices its cached counts with this when the shown models, the expected
        output or the currency change.
        """
        input_cost = output_cost = None
        pricing = model.pricing
        band = None
        if pricing is not None:
            usage = Usage(tokens, output_tokens, min(cached_tokens, tokens))
            cost = request_cost(pricing, usage)
            band = cost.band
            input_cost = Money(cost.input, cost.currency)
            output_cost = Money(cost.output, cost.currency)
            target = currency or self.settings.display_currency
            rates = self.settings.exchange_rates()
            # A currency asked for explicitly must be honoured (or fail with how to set the
            # rate); the display-currency setting falls back to the price's own currency.
            if target != cost.currency and (currency or rates.can_convert(cost.currency, target)):
                input_cost = rates.convert(input_cost, target)
                output_cost = rates.convert(output_cost, target)
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
    ) -> CountReport:
        """Count ``text`` for models and/or bare tokenizers and price each model.

        With neither models nor tokenizers, the default model set is used.

        Raises:
            UnknownModelError: for an unknown model or tokenizer (with suggestions).
            UserInputError: for negative token numbers or an unknown currency.
        """
        chosen = self._chosen(models, tokenizers, output_tokens, cached_tokens, currency)
        counts = TextCounts(text, self.registry)
        extra = {"output_tokens": output_tokens, "cached_tokens": cached_tokens}
        return self._report(counts, len(text), chosen, tokenizers, **extra, currency=currency)

    def count_stream(
        self,
        blocks: Iterable[str],
        models: Sequence[str] = (),
        tokenizers: Sequence[str] = (),
        *,
        output_tokens: int = 0,
        cached_tokens: int = 0,
        currency: str | None = None,
    ) -> CountReport:
        """``count`` of a text given in blocks (a file, a pipe), holding a chunk at a time.

        The report is the one ``count`` gives for the joined text (see ``core.stream_count``).

        Raises:
            UnknownModelError: for an unknown model or tokenizer (with suggestions).
            UserInputError: for negative token numbers, an unknown currency, or a text
                without a line break for hundreds of megabytes.
        """
        from tokenbudget.core.stream_count import count_blocks

        chosen = self._chosen(models, tokenizers, output_tokens, cached_tokens, currency)
        exact = [m.counting.tokenizer for m in chosen if m.counting.estimator is None]
        estimators = [m.counting.estimator for m in chosen if m.counting.estimator is not None]
        counts = count_blocks(blocks, self.registry, [*tokenizers, *exact], estimators)
        extra = {"output_tokens": output_tokens, "cached_tokens": cached_tokens}
        return self._report(counts, counts.chars, chosen, tokenizers, **extra, currency=currency)

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
            self.registry.spec(tokenizer_id)
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
                    method=exact_method(self.registry, tokenizer_id),
                    context_window=None,
                    input_cost=None,
                    output_cost=None,
                )
            )
        return CountReport(chars, output_tokens, cached_tokens, tuple(results))

    def models(self, provider: str | None = None) -> list[ModelInfo]:
        """The catalogue, optionally for one provider (key or display name, any case)."""
        every = self.catalog.all()
        if provider is None:
            return every
        try:  # an alias ("qwen", "claude") names the provider's id
            wanted = resolve_provider(provider).id
        except UnknownProviderError:
            wanted = provider.lower()
        chosen = [m for m in every if wanted in (m.provider.lower(), m.provider_name.lower())]
        if not chosen:
            names = ", ".join(self.catalog.providers())
            raise UserInputError(f"unknown provider '{provider}' (known: {names})")
        return chosen

    def update_prices(self, source: str | None, *, today: date) -> UpdateReport:
        """Refresh the price snapshot from LiteLLM's JSON (the only network use, on request).

        Raises:
            PriceUpdateError: when it cannot fetch or validate; nothing is changed then.
        """
        import json

        from tokenbudget.core.price_update import update_prices

        snap_dir = paths.price_snapshot_dir()
        current_path = snap_dir / "litellm_snapshot.json"
        if not current_path.is_file():
            current_path = paths.resources_dir() / "prices" / "litellm_snapshot.json"
        current = json.loads(current_path.read_text(encoding="utf-8"))
        report = update_prices(source, snap_dir, current, today=today)
        self._catalog = None
        return report

    # -- the ledger ----------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        """The ledger database, opened on first use.

        Raises:
            LedgerCorruptError: when the database is not usable and recovery is off.
        """
        if self._ledger is None:
            from tokenbudget.core.ledger import Ledger

            self._ledger = Ledger.open(paths.ledger_file(), recover=self.recover_ledger)
        return self._ledger

    def close(self) -> None:
        """Close the ledger if it was opened."""
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    def record_estimate(
        self,
        text: str,
        model: str,
        *,
        output_tokens: int,
        now: datetime,
        plan_id: int | None = None,
        note: str | None = None,
        input_tokens: int | None = None,
    ) -> Entry:
        """Record what sending ``text`` to ``model`` costs, as an ``estimate`` entry.

        ``input_tokens``, when the caller has already counted ``text`` for ``model`` (the
        window has), is used as is; otherwise the text is counted here.
        """
        from tokenbudget.core.entries import SOURCE_ESTIMATE, NewEntry, TokenCounts

        info = self.catalog.get(model)
        if input_tokens is None:
            counts = TextCounts(text, self.registry)
            input_tokens = self.estimate(counts, info, output_tokens=output_tokens).tokens
        return self.record(
            NewEntry(
                at=now,
                provider=info.provider,
                model=info.id,
                tokens=TokenCounts(input_tokens=input_tokens, output_tokens=output_tokens),
                cost_micros=None,
                currency=None,
                source=SOURCE_ESTIMATE,
                note=note,
                prompt_text=kept_prompt_text(text, str(self.settings.get("prompt_text"))),
                plan_id=plan_id,
            )
        )

    def record(self, entry: NewEntry, *, cost: Money | None = None) -> Entry:
        """Price ``entry`` from the catalogue (unless ``cost`` is given) and store it."""
        from dataclasses import replace

        if cost is not None:
            entry = replace(entry, cost_micros=to_micros(cost.amount), currency=cost.currency)
        elif entry.cost_micros is None:
            micros, currency = price(self.catalog, entry.model, entry.tokens)
            entry = replace(entry, cost_micros=micros, currency=currency)
        return self.ledger.add_entry(entry)

    def import_usage(
        self, importer: str | Importer, roots: Sequence[Path] = (), *, now: datetime
    ) -> ImportReport:
        """Import new usage from a coding tool's logs (incremental and idempotent).

        Everything found is written in one transaction together with the importer's state,
        so an import that fails leaves nothing half-done behind. Records are priced from the
        catalogue as of now, unless the file states a cost itself (our own CSV export).
        """
        import os

        from tokenbudget.core.importers import get_importer

        if isinstance(importer, str):
            importer = get_importer(importer)
        if not roots:
            roots = importer.default_roots(os.environ, Path.home())
        from tokenbudget.core.import_store import store_import

        result = importer.scan(roots, self.ledger.import_state(importer.name))
        stored = store_import(self.ledger, self.catalog, importer.name, result, now=now)
        return ImportReport(
            importer.name,
            stored.records,
            result.files_read,
            result.bytes_read,
            stored.unpriced,
            (*result.problems, *stored.problems),
        )

    def add_plan(self, plan: Plan, *, now: datetime) -> Plan:
        """Store a new plan; a prepaid balance with no start date starts now."""
        from dataclasses import replace

        from tokenbudget.core.plans import PlanKind

        if plan.kind is PlanKind.PREPAID and plan.start is None:
            plan = replace(plan, start=now)
        return self.ledger.add_plan(plan, now=now)

    def status(self, now: datetime) -> list[PlanStatus]:
        """Status of every active plan at ``now``."""
        from tokenbudget.core.budget import all_status

        return all_status(self.ledger, now, self.settings.exchange_rates())

    def due_alerts(self, statuses: Sequence[PlanStatus]) -> list[Alert]:
        """Thresholds passed and not yet notified in their period (see ``core.alerts``)."""
        from tokenbudget.core.alerts import due_alerts

        return due_alerts(statuses, self.ledger.alert_sent)

    def mark_alerts_sent(self, alerts: Sequence[Alert], now: datetime) -> None:
        """Remember that ``alerts`` were shown (every threshold each one passed)."""
        for alert in alerts:
            for threshold in alert.passed:
                self.ledger.mark_alert_sent(alert.plan_id, alert.period_start, threshold, now)
