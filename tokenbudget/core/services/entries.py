"""The entries service: recording spend and reading it back (history, totals, export)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tokenbudget.core import message_texts as mt
from tokenbudget.core import paths
from tokenbudget.core.entries import SOURCE_ESTIMATE, Entry, NewEntry, TokenCounts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.messages import message as msg
from tokenbudget.core.money import ExchangeRates, Money, to_micros

if TYPE_CHECKING:
    from tokenbudget.core.catalog import ModelInfo
    from tokenbudget.core.history_filter import Report
    from tokenbudget.core.history_jobs import ChartData, Snapshot
    from tokenbudget.core.history_query import RowMap
    from tokenbudget.core.ledger import HistoryFilter, RecoveryReport, Totals
    from tokenbudget.core.services._parts import Parts
    from tokenbudget.core.services.counting import CountingService


@dataclass(frozen=True)
class HistoryJobs:
    """The history's background reads and its export, for any thread.

    Immutable: it holds only where the ledger is, and each call opens (and closes) a
    connection of its own on the thread that makes it (see ``core.history_jobs``). Made by
    ``EntriesService.jobs``.
    """

    ledger_file: Path
    #: This device's identity (``paths.device_file()``): its name among the devices.
    device_file: Path | None = None

    def snapshot(self, flt: HistoryFilter) -> Snapshot:
        """``flt``'s row map, totals and the pickers' choices."""
        from tokenbudget.core import history_jobs

        return history_jobs.load_snapshot(self.ledger_file, flt, self.device_file)

    def charts(
        self,
        flt: HistoryFilter,
        *,
        today: date,
        tz: tzinfo | None,
        rates: ExchangeRates,
        currency: str,
    ) -> ChartData:
        """The charts' daily and monthly series."""
        from tokenbudget.core import history_jobs

        return history_jobs.load_charts(
            self.ledger_file, flt, today=today, tz=tz, rates=rates, currency=currency
        )

    def report(
        self,
        by: str,
        flt: HistoryFilter,
        *,
        tz: tzinfo | None,
        rates: ExchangeRates,
        currency: str,
    ) -> Report:
        """``flt``'s spend grouped by ``by`` (the history's "by project" breakdown)."""
        from tokenbudget.core import history_jobs

        return history_jobs.load_report(
            self.ledger_file, by, flt, tz=tz, rates=rates, currency=currency
        )

    def export_csv(
        self, flt: HistoryFilter, target: Path, progress: Callable[[int], None] | None = None
    ) -> int:
        """Write ``flt``'s entries to ``target`` as our CSV export; returns how many.

        Written to ``target.part`` first and renamed, so a failed export leaves no half file;
        ``progress`` gets the rows written so far (on the calling thread).
        """
        from tokenbudget.core import history_jobs

        return history_jobs.export_csv_file(
            self.ledger_file, flt, target, progress, device_file=self.device_file
        )


class EntriesService:
    """Record spend (estimates, manual entries) and read, change and export what is recorded."""

    def __init__(self, parts: Parts, counting: CountingService) -> None:
        self._parts = parts
        self._counting = counting

    def record(self, entry: NewEntry, *, cost: Money | None = None) -> Entry:
        """Price ``entry`` from the catalogue (unless ``cost`` is given) and store it."""
        from tokenbudget.core.recording import price

        if cost is not None:
            entry = replace(entry, cost_micros=to_micros(cost.amount), currency=cost.currency)
        elif entry.cost_micros is None:
            micros, currency = price(self._parts.catalog, entry.model, entry.tokens)
            entry = replace(entry, cost_micros=micros, currency=currency)
        return self._parts.ledger.add_entry(entry)

    def record_many(self, entries: Iterable[NewEntry]) -> None:
        """Store many entries in one transaction.

        Each is priced from the catalogue unless it carries a cost; an entry whose
        ``source_ref`` is already stored follows the duplicate rule, as an import does.
        """
        from tokenbudget.core.recording import price

        catalog = self._parts.catalog

        def priced() -> Iterator[NewEntry]:
            for entry in entries:
                if entry.cost_micros is not None:
                    yield entry
                    continue
                micros, currency = price(catalog, entry.model, entry.tokens)
                yield replace(entry, cost_micros=micros, currency=currency)

        self._parts.ledger.add_entries(priced(), want_ids=False)

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
        from tokenbudget.core.recording import kept_prompt_text
        from tokenbudget.core.services.counting import TextCounts

        info = self._parts.catalog.get(model)
        if input_tokens is None:
            counts = TextCounts(text, self._parts.registry)
            estimate = self._counting.estimate(counts, info, output_tokens=output_tokens)
            input_tokens = estimate.tokens
        privacy = str(self._parts.settings.get("prompt_text"))
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
                prompt_text=kept_prompt_text(text, privacy),
                plan_id=plan_id,
            )
        )

    def entry(self, entry_id: int) -> Entry:
        """The entry with ``entry_id`` (``LedgerInputError`` if there is none)."""
        return self._parts.ledger.entry(entry_id)

    def history(
        self,
        flt: HistoryFilter | None = None,
        *,
        limit: int = 200,
        before: tuple[int, int] | None = None,
    ) -> list[Entry]:
        """Entries matching ``flt``, newest first, a page at a time (keyset ``before``)."""
        from tokenbudget.core.ledger import HistoryFilter

        return self._parts.ledger.history(flt or HistoryFilter(), limit=limit, before=before)

    def count(self, flt: HistoryFilter | None = None) -> int:
        """How many entries match ``flt``."""
        from tokenbudget.core.ledger import HistoryFilter

        return self._parts.ledger.count(flt or HistoryFilter())

    def totals(self, flt: HistoryFilter | None = None) -> Totals:
        """Sums of the entries matching ``flt``."""
        from tokenbudget.core.ledger import HistoryFilter

        return self._parts.ledger.totals(flt or HistoryFilter())

    def iter_entries(self, flt: HistoryFilter | None = None) -> Iterator[Entry]:
        """Every matching entry, oldest first, streamed (for export)."""
        from tokenbudget.core.ledger import HistoryFilter

        return self._parts.ledger.iter_entries(flt or HistoryFilter())

    def distinct(self, column: str) -> list[str]:
        """Distinct values of ``provider``, ``model`` or ``source`` (for filter pickers)."""
        return self._parts.ledger.distinct(column)

    def model_spellings(self) -> dict[str, str]:
        """Names a user may type for a model, in lower case, mapped to the name stored.

        The catalogue's ids and aliases, and every model the ledger holds (imported models
        the catalogue lacks).
        """
        spellings = {m.lower(): m for m in self._parts.ledger.distinct("model")}
        spellings.update(self._parts.catalog.spellings())
        return spellings

    def provider_spellings(self) -> dict[str, str]:
        """Names a user may type for a provider, in lower case, mapped to the name stored.

        The provider table's ids, names and aliases, the catalogue's custom providers,
        ``custom`` and every provider the ledger holds.
        """
        from tokenbudget.core import providers

        spellings = {p.lower(): p for p in self._parts.ledger.distinct("provider")}
        spellings.update({p.lower(): p for p in self._parts.catalog.providers()})
        spellings.setdefault("custom", "custom")
        spellings.update(providers.spellings())
        return spellings

    def provider_id(self, name: str) -> str:
        """The provider to record spend under for ``name`` (``log --provider``).

        A known spelling gives the stored id (``OpenAI`` -> ``openai``); a new name that is
        like none of them (a local model's ``local``) is taken as it is typed.

        Raises:
            UnknownProviderError: a name close to a known one but not it (``opnai``).
        """
        from tokenbudget.core.model_names import closest, match_name

        spellings = self.provider_spellings()
        wanted = " ".join(name.split())
        if wanted.lower() in spellings or closest(wanted, spellings, cutoff=0.75):
            return match_name(wanted, spellings, "provider")
        if not wanted:
            raise UserInputError("--provider needs a name")
        return wanted

    def check_model_patterns(self, patterns: Iterable[str]) -> None:
        """Refuse a plan's model pattern that matches no model the catalogue or ledger knows.

        Raises:
            UnknownModelError: naming the pattern, with the closest names.
        """
        from fnmatch import fnmatchcase

        from tokenbudget.core.errors import UnknownModelError
        from tokenbudget.core.model_names import suggestions

        spellings = self.model_spellings()
        for pattern in patterns:
            wanted = pattern.lower()
            if not any(fnmatchcase(name, wanted) for name in spellings):
                plain = wanted.replace("*", "").replace("?", "")
                raise UnknownModelError("model pattern", pattern, suggestions(plain, spellings))

    def check_filter(self, flt: HistoryFilter) -> HistoryFilter:
        """``flt`` with each model and provider as stored; a name nothing knows is an error.

        ``GPT-5.5`` or an alias becomes the catalogue's id, ``OpenAI`` or ``gpt`` the
        provider's id, so a filter never silently matches nothing because of a spelling.

        Raises:
            UnknownModelError: a model neither the catalogue nor the ledger knows (with the
                closest names).
            UnknownProviderError: likewise for a provider.
        """
        from tokenbudget.core.model_names import match_name

        models = flt.models
        if models:
            spellings = self.model_spellings()
            models = tuple(match_name(m, spellings) for m in models)
        providers = flt.providers
        if providers:
            known = self.provider_spellings()
            providers = tuple(match_name(p, known, "provider") for p in providers)
        return replace(flt, models=models, providers=providers)

    # -- projects and reports ------------------------------------------------------------

    def projects(self) -> list[str]:
        """Every project an entry names (paths, sorted)."""
        return self._parts.ledger.projects()

    def find_project(self, text: str) -> str:
        """The stored project that ``text`` names.

        ``text`` may be a project's path, a folder inside it or one of its worktrees (folded
        as the importers fold them; ``~`` and relative paths allowed), or its short name
        (``project_name``) when no other project has it (exactly, else ignoring case).

        Raises:
            UserInputError: no project, or more than one, has that name (one line).
        """
        from tokenbudget.core.projects import project_name

        known = self.projects()
        wanted = text.strip()
        found = _project_by_path(wanted, known)
        if found is not None:
            return found
        same = [p for p in known if project_name(p) == wanted] or [
            p for p in known if project_name(p).casefold() == wanted.casefold()
        ]
        if len(same) == 1:
            return same[0]
        if same:
            raise UserInputError(
                f"'{wanted}' names {len(same)} projects ({', '.join(same[:5])}); "
                "give the project's path"
            )
        names = sorted({project_name(p) for p in known})
        listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        raise UserInputError(
            f"no project '{wanted[:80]}' in the ledger (projects: {listed or 'none yet'})"
        )

    def report(
        self, by: str, flt: HistoryFilter | None = None, *, tz: tzinfo | None = None
    ) -> Report:
        """The matching entries' spend grouped by ``by``.

        ``by`` is ``project``, ``model``, ``provider`` or ``day`` (local days of ``tz``;
        None: the system's zone). Rows are ordered as ``Report`` says, costs by the display
        currency and the user's exchange rates; amounts stay in their own currencies.

        Raises:
            UserInputError: for another ``by``.
        """
        from dataclasses import replace

        from tokenbudget.core.charts_data import spend_report
        from tokenbudget.core.history_filter import THIS_DEVICE
        from tokenbudget.core.ledger import HistoryFilter

        settings = self._parts.settings
        names, me = self._parts.device_names() if by == "device" else ({}, None)
        report = spend_report(
            self._parts.ledger,
            by,
            flt or HistoryFilter(),
            tz=tz,
            rates=settings.exchange_rates(),
            currency=settings.display_currency,
            device_names=names,
        )
        if me is None:
            return report
        # This device's group is keyed by its id, as the other devices key it.
        rows = tuple(replace(r, key=me) if r.key == THIS_DEVICE else r for r in report.rows)
        return replace(report, rows=rows)

    def update(self, entry: Entry) -> Entry:
        """Replace a stored entry's fields (by id)."""
        return self._parts.ledger.update_entry(entry)

    def delete(self, entry_ids: Sequence[int]) -> list[Entry]:
        """Delete entries; returns what was deleted (to restore on undo)."""
        return self._parts.ledger.delete_entries(entry_ids)

    def restore(self, entries: Sequence[Entry]) -> None:
        """Put deleted entries back with their original ids (all of them, or none)."""
        self._parts.ledger.restore_entries(entries)

    # -- the history view ----------------------------------------------------------------

    def jobs(self) -> HistoryJobs:
        """The history's background reads and export, for worker threads.

        The ledger is opened here first (on the calling thread), so a ledger that cannot be
        opened is reported now; each job then opens its own connection.

        Raises:
            TokenbudgetError: when the ledger cannot be opened.
        """
        return HistoryJobs(self._parts.ledger.path, paths.device_file())

    def page(self, row_map: RowMap, start: int, count: int) -> list[Entry | None]:
        """Rows ``start`` to ``start + count`` of ``row_map`` (None: an entry gone since)."""
        return row_map.fetch(self._parts.ledger, start, count)

    # -- pricing an edited entry ---------------------------------------------------------

    def model_ids(self) -> list[str]:
        """Every catalogue model's id, sorted (the models an entry may name)."""
        return sorted(m.id for m in self._parts.catalog.all())

    def find_model(self, name: str) -> ModelInfo | None:
        """The catalogue model a recorded model name stands for, or None."""
        from tokenbudget.core.recording import find_model

        return find_model(self._parts.catalog, name)

    def price(self, model: str, tokens: TokenCounts) -> tuple[int | None, str | None]:
        """What ``tokens`` of ``model`` cost by the catalogue: micro-units and currency.

        ``(None, None)`` when the model is unknown or has no price.
        """
        from tokenbudget.core.recording import price

        return price(self._parts.catalog, model, tokens)

    # -- cli: opening, CSV, recovery ------------------------------------------------------

    def open_ledger(self) -> Path | None:
        """Open the ledger now; returns where an unusable one was moved aside, else None.

        Raises:
            LedgerCorruptError: when the ledger is not usable and recovery is off.
        """
        return self._parts.ledger.recovered_from

    def write_csv(self, out: TextIO, flt: HistoryFilter | None = None) -> int:
        """Write the matching entries, oldest first, as our CSV export; returns how many."""
        from tokenbudget.core.importers.csv_export import write_csv

        return write_csv(self.iter_entries(flt), out, self._parts.device_names()[0])

    def export_csv(self, path: Path, flt: HistoryFilter | None = None) -> int:
        """Write the matching entries to the CSV file ``path``, replaced whole or not at all.

        A temporary ``<name>.part`` file is written and renamed over ``path``.

        Raises:
            UserInputError: when the file cannot be written (nothing is left behind), or
                ``path`` is a folder, a device or a pipe.
        """
        from tokenbudget.core.importers.csv_export import write_csv_file

        try:
            return write_csv_file(self.iter_entries(flt), path, self._parts.device_names()[0])
        except OSError as exc:
            why = str(exc.strerror or exc)
            raise UserInputError(msg(mt.CANNOT_WRITE_PATH, path=str(path), why=why)) from None

    def recover_ledger(self, *, now: datetime) -> RecoveryReport:
        """Move a damaged ledger aside and rebuild it from what SQLite can still read.

        This service's own connection is closed first (and opened again on next use); any
        other program that has the ledger open (the window, live sync) must be closed
        first, or it would go on writing to the moved file.

        Raises:
            UserInputError: there is no ledger file to recover.
            LedgerError: the new ledger could not be written (the damaged file is put back).
        """
        from tokenbudget.core.ledger import Ledger

        self._parts.close()
        path = Path(self._parts.ledger_path)
        if not path.is_file():
            raise UserInputError(f"there is no ledger at {path}; nothing to recover")
        return Ledger.recover(path, now=now)


def _project_by_path(text: str, known: Sequence[str]) -> str | None:
    """The known project that the path ``text`` is, or is inside (worktrees folded)."""
    import os

    from tokenbudget.core.projects import project_of

    if text in known:
        return text
    path_like = "/" in text or os.sep in text or text.startswith("~") or text in (".", "..")
    if not path_like:
        return None
    absolute = os.path.abspath(os.path.expanduser(text))
    for candidate in (os.path.normpath(text), absolute, project_of(absolute)):
        if candidate in known:
            return candidate
    inside = [p for p in known if absolute.startswith(p.rstrip(os.sep) + os.sep)]
    return max(inside, key=len) if inside else None
