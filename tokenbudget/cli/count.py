"""``tokenbudget count``: tokens and cost of a prompt across models, optionally recorded.

The prompt is read and counted a block at a time (``Service.count_stream``): a file of
hundreds of megabytes is counted without holding it, and binary input is refused after its
first bytes.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tokenbudget.cli.common import EXIT_OK, decimal_text, table, write_json
from tokenbudget.core.errors import UsageError, UserInputError
from tokenbudget.core.types import CONVERTED_MARK, ESTIMATED_MARK, Money, cheapest_model

if TYPE_CHECKING:
    from tokenbudget.core.services import Service
    from tokenbudget.core.types import CountReport


def _money_json(money: Money | None) -> str | None:
    return None if money is None else decimal_text(money.amount)


def read_blocks(service: Service, name: str) -> Iterator[str]:
    """The prompt in ``name`` (a file, or ``-`` for standard input), decoded a block at a time.

    Raises:
        UserInputError: standard input is closed, or (as the blocks are read) the input is
            missing, unreadable, binary, not UTF-8 or too large.
    """
    if name != "-":
        return service.counting.file_text(Path(name))
    stdin = sys.stdin
    closed = UserInputError("standard input is closed; give a file or pipe the prompt in")
    if stdin is None:  # started with standard input closed (``<&-``)
        raise closed
    try:
        if stdin.isatty():
            print("Reading the prompt from standard input; end with Ctrl-D.", file=sys.stderr)
    except (OSError, ValueError):  # its descriptor was closed after start-up
        raise closed from None
    return _explained(service.counting.stream_text(stdin.buffer, "standard input"), closed)


def _explained(blocks: Iterator[str], closed: UserInputError) -> Iterator[str]:
    """``blocks``, with errors reading standard input as one-line messages."""
    try:
        yield from blocks
    except OSError as exc:
        if exc.errno == errno.EBADF:
            raise closed from None
        raise UserInputError(f"standard input cannot be read: {exc.strerror or exc}") from None


def run_count(args: argparse.Namespace, out: TextIO) -> int:
    """Count the prompt for the models asked for (or the default set), or record it."""
    from tokenbudget.core.services import Service

    service = Service()
    if args.output_tokens is None:
        args.output_tokens = service.counting.default_output_tokens()
    if args.record:
        return _record_estimate(service, "".join(read_blocks(service, args.file)), args, out)
    report = service.counting.count_stream(
        read_blocks(service, args.file),
        args.model,
        args.tokenizer,
        output_tokens=args.output_tokens,
        cached_tokens=args.cached_tokens,
        currency=args.currency,
        off_peak=args.off_peak,
        lean=True,  # one vocabulary in memory at a time: this process counts once and exits
    )
    report = service.counting.by_cost(report)
    if args.json:
        write_json(_report_json(report), out)
    else:
        today = datetime.now(UTC).date()
        retired = {r.model for r in report.results if r.model and _retired(service, r.model, today)}
        _write_table(report, out, retired)
    return EXIT_OK


def _report_json(report: CountReport) -> dict[str, Any]:
    return {
        "chars": report.chars,
        "output_tokens": report.output_tokens,
        "cheapest": cheapest_model(report.results, report.output_tokens),
        "results": [
            {
                "model": r.model,
                "provider": r.provider,
                "tokenizer": r.tokenizer,
                "tokens": r.tokens,
                "exact": r.exact,
                "method": r.method,
                "context_window": r.context_window,
                "input_cost": _money_json(r.input_cost),
                "output_cost": _money_json(r.output_cost),
                "total_cost": _money_json(r.total_cost),
                "currency": r.input_cost.currency if r.input_cost else None,
                "converted": bool(r.input_cost and r.input_cost.converted),
                "rates": [
                    {
                        "currency": rate.currency,
                        "per_usd": decimal_text(rate.per_usd),
                        "as_of": rate.as_of.isoformat(),
                        "source": rate.source,
                    }
                    for rate in (r.total_cost.rates if r.total_cost else ())
                ],
                "priced": r.input_cost is not None,
                "price_source": r.price_source,
                "price_checked": r.price_checked.isoformat() if r.price_checked else None,
                "off_peak": r.off_peak,
                "off_peak_total": _money_json(r.off_peak_total),
            }
            for r in report.results
        ],
    }


def _retired(service: Service, model: str, today: date) -> bool:
    return service.counting.model(model).retired(today)


def _write_table(report: CountReport, out: TextIO, retired: set[str] | None = None) -> None:
    retired = retired or set()
    rows = [["Model", "Provider", "Tokens", "Count", "Context", "Input", "Output", "Total"]]
    for r in report.results:
        share = r.context_share(report.output_tokens)
        context = "" if share is None else f"{share * 100:.1f}%" + (" FULL" if share > 1 else "")
        unpriced = "unpriced" if r.model else ""
        rows.append(
            [
                (r.model + (" (retired)" if r.model in retired else ""))
                if r.model
                else f"[{r.tokenizer}]",
                r.provider or "tokenizer",
                f"{'' if r.exact else ESTIMATED_MARK}{r.tokens:,}",
                "exact" if r.exact else "estimate",
                context,
                r.input_cost.format() if r.input_cost else unpriced,
                r.output_cost.format() if r.output_cost else "",
                r.total_cost.format() if r.total_cost else "",
            ]
        )
    out.write(f"{report.chars:,} characters; expected output {report.output_tokens:,} tokens\n\n")
    table(rows, {2, 4, 5, 6, 7}, out)
    cheapest = cheapest_model(report.results, report.output_tokens)
    if cheapest is not None:
        out.write(f"\nCheapest that fits its context window: {cheapest}\n")
    if any(not r.exact for r in report.results):
        out.write(
            f"\n{ESTIMATED_MARK} estimated count: no public tokenizer for that model "
            "(see --json for the method)\n"
        )
    if retired:
        out.write("(retired) the provider no longer serves it; priced for past spend\n")
    if any(r.off_peak for r in report.results):
        out.write("Off-peak prices applied where a model has them (--off-peak).\n")
    cheaper = [(r.model, r.off_peak_total) for r in report.results if r.off_peak_total]
    if cheaper:
        out.write("Off-peak totals (outside the provider's peak hours; --off-peak applies them):\n")
    for model, total in cheaper:
        out.write(f"  {model}  {total.format()}\n")
    converted = [r.total_cost for r in report.results if r.total_cost and r.total_cost.converted]
    if converted:
        used = dict.fromkeys(rate for money in converted for rate in money.rates)
        how = "; ".join(rate.describe() for rate in used)
        out.write(f"{CONVERTED_MARK} converted at {how} (tokenbudget rates list)\n")


def _record_estimate(service: Service, text: str, args: argparse.Namespace, out: TextIO) -> int:
    if len(args.model) != 1 or args.tokenizer:
        raise UsageError("--record needs exactly one --model (and no --tokenizer)")
    service.recover_ledger = not args.no_recover
    plan_id = service.plans.find(args.plan).id if args.plan else None
    entry = service.entries.record_estimate(
        text,
        args.model[0],
        output_tokens=args.output_tokens,
        now=datetime.now(UTC),
        plan_id=plan_id,
        note=args.note,
    )
    cost = (
        "unpriced"
        if entry.cost_micros is None
        else Money(Decimal(entry.cost_micros) / 1_000_000, str(entry.currency)).format()
    )
    out.write(
        f"Recorded entry {entry.id}: {entry.model}, {entry.tokens.input_tokens:,} input + "
        f"{entry.tokens.output_tokens:,} output tokens, {cost}\n"
    )
    return EXIT_OK
