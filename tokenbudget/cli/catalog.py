"""``models``, ``tokenizers`` and ``prices update``: the catalogue and the bundled vocabularies."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from tokenbudget.cli.common import EXIT_OK, decimal_text, table, write_json
from tokenbudget.core.errors import UsageError

if TYPE_CHECKING:
    from tokenbudget.core.types import Repricing, UpdateReport


def _per_million(value: Decimal | None) -> str:
    return "" if value is None else decimal_text(value * 1_000_000)


def run_models(args: argparse.Namespace, out: TextIO) -> int:
    """List the model catalogue with prices (``--json`` for every field)."""
    from tokenbudget.core.services import Service

    models = Service().counting.models(args.provider)
    today = date.today()
    if args.json:
        data: list[dict[str, Any]] = []
        for m in models:
            p = m.pricing
            data.append(
                {
                    "model": m.id,
                    "provider": m.provider_name,
                    "tokenizer": m.counting.key,
                    "exact": m.counting.exact,
                    "context_window": m.context_window,
                    "max_output": m.max_output,
                    "currency": p.currency if p else None,
                    "input_per_million": _per_million(p.base.input) if p else None,
                    "output_per_million": _per_million(p.base.output) if p else None,
                    "cache_read_per_million": _per_million(p.base.cache_read) if p else None,
                    "long_context": [
                        {"above": t, "input_per_million": _per_million(r.input)}
                        for t, r in (p.long_context if p else ())
                    ],
                    "tiers": [
                        {"up_to": t.up_to, "input_per_million": _per_million(t.rates.input)}
                        for t in (p.tiers if p else ())
                    ],
                    "source": p.source if p else None,
                    "checked": p.checked.isoformat() if p and p.checked else None,
                    "deprecation_date": m.deprecated.isoformat() if m.deprecated else None,
                    "retired": m.retired(today),
                }
            )
        write_json(data, out)
        return EXIT_OK
    rows = [
        [
            "Model",
            "Provider",
            "Tokenizer",
            "Context",
            "Cur",
            "In/M",
            "Out/M",
            "Cached/M",
            "Checked",
            "Retired",
        ]
    ]
    for m in models:
        p = m.pricing
        rows.append(
            [
                m.id,
                m.provider_name,
                m.counting.key + ("" if m.counting.exact else " (est.)"),
                f"{m.context_window:,}" if m.context_window else "",
                p.currency if p else "",
                (_per_million(p.base.input) + (" *" if p.long_context or p.tiers else ""))
                if p
                else "unpriced",
                _per_million(p.base.output) if p else "",
                _per_million(p.base.cache_read) if p else "",
                p.checked.isoformat() if p and p.checked else "",
                m.deprecated.isoformat() if m.deprecated and m.retired(today) else "",
            ]
        )
    table(rows, {3, 5, 6, 7}, out)
    out.write(
        "\nPrices per million tokens. * higher rates for long prompts or tiers (see --json).\n"
    )
    if any(m.retired(today) for m in models):
        out.write(
            "Retired: the provider shut the model down on that date; it is kept to price "
            "recorded spend and is never in the default set.\n"
        )
    return EXIT_OK


def run_tokenizers(args: argparse.Namespace, out: TextIO) -> int:
    """List the bundled vocabularies with their sources and licences."""
    from tokenbudget.core.services import Service

    specs = Service().counting.vocabularies()
    if args.json:
        write_json(
            [
                {"id": s.id, "models": s.models, "source": s.source, "licence": s.licence}
                for s in specs
            ],
            out,
        )
        return EXIT_OK
    rows = [["Id", "Models", "Licence", "Source"]] + [
        [s.id, s.models, s.licence, s.source] for s in specs
    ]
    table(rows, set(), out)
    return EXIT_OK


def run_prices(args: argparse.Namespace, out: TextIO) -> int:
    """``prices update``: refresh the price snapshot and say what changed."""
    from tokenbudget.core.services import Service

    if args.prices_command != "update":
        raise UsageError("prices needs an action: update (see 'tokenbudget prices --help')")
    report = Service().prices.update(args.source, today=date.today(), allow_older=args.allow_older)
    if args.json:
        write_json(_update_json(report), out)
        return EXIT_OK
    dated = f" (dated {report.dated.isoformat()})" if report.dated else ""
    out.write(f"Updated prices from {report.source}{dated}: {report.models} models.\n")
    repriced = [r for r in report.repriced if any(_is_price(f) for f, _, _ in r.fields)]
    other = [r.model for r in report.repriced if r not in repriced]
    _write_ids(out, "added", report.added)
    out.write(f"  re-priced: {len(repriced)}\n")
    for r in repriced[:_SHOWN]:
        out.write(f"    {r.model}: {_changes_text(r)}\n")
    if len(repriced) > _SHOWN:
        out.write(f"    and {len(repriced) - _SHOWN} more (see --json)\n")
    if other:
        _write_ids(out, "context window or output limit changed", tuple(other))
    _write_ids(out, "removed", report.removed)
    out.write(f"  unchanged: {report.kept_checked} (each keeps the date its price was checked)\n")
    if report.dropped:
        out.write(
            f"  skipped as invalid: {len(report.dropped)} ({', '.join(report.dropped[:5])})\n"
        )
    if report.previous_path is not None:
        out.write(f"The previous snapshot is kept at {report.previous_path}.\n")
    return EXIT_OK


_SHOWN = 12


def _write_ids(out: TextIO, label: str, items: tuple[str, ...]) -> None:
    shown = ", ".join(items[:_SHOWN]) + (
        f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    )
    out.write(f"  {label}: {len(items)}" + (f" ({shown})" if items else "") + "\n")


def _is_price(field: str) -> bool:
    return "cost" in field or field in ("tiered_pricing", "off_peak_pricing")


def _field_label(field: str) -> str:
    """``input_cost_per_token_above_200k_tokens`` as ``input above 200k``."""
    text = field.replace("_cost_per_token", "").replace("cache_read_input_token_cost", "cached")
    text = text.replace("cache_creation_input_token_cost", "cache write")
    return text.replace("_tokens", "").replace("_", " ")


def _value(field: str, value: Decimal | None) -> str:
    if value is None:
        return "none" if "pricing" not in field else "…"
    return _per_million(value) if _is_price(field) else f"{int(value):,}"


def _changes_text(r: Repricing) -> str:
    parts = [f"{_field_label(f)} {_value(f, a)} → {_value(f, b)}" for f, a, b in r.fields]
    return ", ".join(parts) + " (prices per million tokens)"


def _update_json(report: UpdateReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "dated": report.dated.isoformat() if report.dated else None,
        "models": report.models,
        "added": list(report.added),
        "removed": list(report.removed),
        "changed": [
            {
                "model": r.model,
                "fields": [
                    {
                        "field": f,
                        "old": None if a is None else decimal_text(a),
                        "new": None if b is None else decimal_text(b),
                    }
                    for f, a, b in r.fields
                ],
            }
            for r in report.repriced
        ],
        "unchanged": report.kept_checked,
        "skipped": list(report.dropped),
        "snapshot": str(report.snapshot_path),
        "previous": None if report.previous_path is None else str(report.previous_path),
    }
