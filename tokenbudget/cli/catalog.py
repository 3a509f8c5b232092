"""``models``, ``tokenizers`` and ``prices update``: the catalogue and the bundled vocabularies."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

from tokenbudget.cli.common import EXIT_OK, decimal_text, table, write_json
from tokenbudget.core.errors import UsageError


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
    report = Service().prices.update(args.source, today=date.today())
    out.write(f"Updated prices from {report.source}: {report.models} models.\n")
    for label, items in (
        ("added", report.added),
        ("changed", report.changed),
        ("removed", report.removed),
    ):
        shown = ", ".join(items[:12]) + (f" and {len(items) - 12} more" if len(items) > 12 else "")
        out.write(f"  {label}: {len(items)}" + (f" ({shown})" if items else "") + "\n")
    if report.dropped:
        out.write(
            f"  skipped as invalid: {len(report.dropped)} ({', '.join(report.dropped[:5])})\n"
        )
    if report.previous_path is not None:
        out.write(f"The previous snapshot is kept at {report.previous_path}.\n")
    return EXIT_OK
