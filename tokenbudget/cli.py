"""The ``tokenbudget`` command line. Imports the core only, never Qt.

Exit codes: 0 success; 2 bad input or usage; 1 anything unexpected. Errors are one line on
standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, TextIO

from tokenbudget import __version__
from tokenbudget.core.errors import TokenbudgetError, UsageError, UserInputError
from tokenbudget.core.money import ExchangeRate, Money, check_currency, parse_decimal

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to print help when no window is available)."""
    parser = _Parser(
        prog="tokenbudget",
        description="What an LLM prompt will cost before you send it. Offline; exact counts "
        "where a tokenizer is public, marked estimates elsewhere.",
    )
    parser.add_argument("--version", action="version", version=f"tokenbudget {__version__}")
    parser.add_argument(
        "--no-recover",
        action="store_true",
        help="refuse to start when the ledger database is unreadable, instead of moving it "
        "aside and starting a new one",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    count = sub.add_parser("count", help="count tokens and cost of a prompt across models")
    count.add_argument("file", nargs="?", default="-", help="a UTF-8 text file, or - for stdin")
    count.add_argument("-m", "--model", action="append", default=[], help="a model id (repeatable)")
    count.add_argument(
        "-t", "--tokenizer", action="append", default=[], help="a raw tokenizer id (repeatable)"
    )
    count.add_argument(
        "-o", "--output-tokens", type=_non_negative_int, default=0, help="expected output tokens"
    )
    count.add_argument(
        "--cached-tokens",
        type=_non_negative_int,
        default=0,
        help="prompt tokens expected to be read from the provider's cache",
    )
    count.add_argument("--currency", help="show costs in this currency (needs an exchange rate)")
    count.add_argument("--json", action="store_true", help="print one JSON object")
    count.add_argument(
        "--record",
        action="store_true",
        help="record the estimate as spend (needs exactly one --model)",
    )
    count.add_argument("--plan", help="with --record: count it toward this plan only")
    count.add_argument("--note", help="with --record: a note for the entry")

    models = sub.add_parser("models", help="list the model catalogue with prices")
    models.add_argument("--provider", help="only this provider (e.g. openai, DeepSeek)")
    models.add_argument("--json", action="store_true", help="print JSON")

    tokenizers = sub.add_parser("tokenizers", help="list the bundled vocabularies")
    tokenizers.add_argument("--json", action="store_true", help="print JSON")

    prices = sub.add_parser("prices", help="manage the price snapshot")
    prices_sub = prices.add_subparsers(
        dest="prices_command", metavar="ACTION", parser_class=_Parser
    )
    update = prices_sub.add_parser(
        "update", help="refresh prices from LiteLLM's JSON (the only command that uses the network)"
    )
    update.add_argument("--from", dest="source", help="a URL or a local LiteLLM-format JSON file")

    rates = sub.add_parser("rates", help="exchange rates for showing costs in other currencies")
    rates_sub = rates.add_subparsers(dest="rates_command", metavar="ACTION", parser_class=_Parser)
    rates_sub.add_parser("list", help="show the exchange rates set")
    rate_set = rates_sub.add_parser("set", help="set how many units of CURRENCY one USD buys")
    rate_set.add_argument("currency")
    rate_set.add_argument("per_usd", metavar="RATE")
    rate_set.add_argument("--date", help="the date the rate is for (default: today)")
    currency = sub.add_parser("currency", help="show or set the display currency")
    currency.add_argument("code", nargs="?")
    privacy = sub.add_parser(
        "privacy", help="how much prompt text a recorded estimate keeps: none, preview or full"
    )
    privacy.add_argument("mode", nargs="?", choices=("none", "preview", "full"))
    from tokenbudget import cli_keys, cli_ledger_args

    _LEDGER_COMMANDS.update(cli_ledger_args.add_commands(sub, _Parser))
    _LEDGER_COMMANDS.update(cli_keys.add_commands(sub))
    return parser


def _decimal_text(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def _money_json(money: Money | None) -> str | None:
    return None if money is None else _decimal_text(money.amount)


def _read_input(name: str) -> str:
    from tokenbudget.core.textinput import decode_text, read_text_file

    if name == "-":
        if sys.stdin.isatty():
            print("Reading the prompt from standard input; end with Ctrl-D.", file=sys.stderr)
        return decode_text(sys.stdin.buffer.read(), "standard input")
    return read_text_file(Path(name))


def table(rows: list[list[str]], right: set[int], out: TextIO) -> None:
    """Write ``rows`` (the first is the header) as aligned columns; ``right`` aligns right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.write("  ".join(cells).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _cmd_count(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core.service import Service

    text = _read_input(args.file)
    service = Service()
    if args.record:
        return _record_estimate(service, text, args, out)
    report = service.count(
        text,
        args.model,
        args.tokenizer,
        output_tokens=args.output_tokens,
        cached_tokens=args.cached_tokens,
        currency=args.currency,
    )
    if args.json:
        payload: dict[str, Any] = {
            "chars": report.chars,
            "output_tokens": report.output_tokens,
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
                    "priced": r.input_cost is not None,
                    "price_source": r.price_source,
                    "price_checked": r.price_checked.isoformat() if r.price_checked else None,
                }
                for r in report.results
            ],
        }
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    rows = [["Model", "Provider", "Tokens", "Count", "Context", "Input", "Output", "Total"]]
    for r in report.results:
        share = r.context_share(report.output_tokens)
        context = "" if share is None else f"{share * 100:.1f}%" + (" FULL" if share > 1 else "")
        unpriced = "unpriced" if r.model else ""
        rows.append(
            [
                r.model or f"[{r.tokenizer}]",
                r.provider or "tokenizer",
                f"{'' if r.exact else '~'}{r.tokens:,}",
                "exact" if r.exact else "estimate",
                context,
                r.input_cost.format() if r.input_cost else unpriced,
                r.output_cost.format() if r.output_cost else "",
                r.total_cost.format() if r.total_cost else "",
            ]
        )
    out.write(f"{report.chars:,} characters; expected output {report.output_tokens:,} tokens\n\n")
    table(rows, {2, 4, 5, 6, 7}, out)
    if any(not r.exact for r in report.results):
        out.write("\n~ estimate: no public tokenizer for that model (see --json for the method)\n")
    if any(r.input_cost and r.input_cost.converted for r in report.results):
        out.write("~$ converted with your exchange rate (tokenbudget rates list)\n")
    return EXIT_OK


def _record_estimate(service: Any, text: str, args: argparse.Namespace, out: TextIO) -> int:
    from datetime import UTC, datetime

    if len(args.model) != 1 or args.tokenizer:
        raise UsageError("--record needs exactly one --model (and no --tokenizer)")
    service.recover_ledger = not args.no_recover
    plan_id = service.ledger.find_plan(args.plan).id if args.plan else None
    entry = service.record_estimate(
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


def _per_million(value: Decimal | None) -> str:
    return "" if value is None else _decimal_text(value * 1_000_000)


def _cmd_models(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core.service import Service

    models = Service().models(args.provider)
    if args.json:
        data = []
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
                }
            )
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    rows = [
        ["Model", "Provider", "Tokenizer", "Context", "Cur", "In/M", "Out/M", "Cached/M", "Checked"]
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
            ]
        )
    table(rows, {3, 5, 6, 7}, out)
    out.write(
        "\nPrices per million tokens. * higher rates for long prompts or tiers (see --json).\n"
    )
    return EXIT_OK


def _cmd_tokenizers(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core.tokenizers import TokenizerRegistry

    specs = list(TokenizerRegistry.bundled())
    if args.json:
        json.dump(
            [
                {"id": s.id, "models": s.models, "source": s.source, "licence": s.licence}
                for s in specs
            ],
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
        return EXIT_OK
    rows = [["Id", "Models", "Licence", "Source"]] + [
        [s.id, s.models, s.licence, s.source] for s in specs
    ]
    table(rows, set(), out)
    return EXIT_OK


def _cmd_prices(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core.service import Service

    if args.prices_command != "update":
        raise UsageError("prices needs an action: update (see 'tokenbudget prices --help')")
    report = Service().update_prices(args.source, today=date.today())
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


def _cmd_rates(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core import paths
    from tokenbudget.core.settings import Settings

    settings = Settings.load(paths.config_dir() / "settings.json")
    if args.rates_command == "set":
        code = check_currency(args.currency)
        if code == "USD":
            raise UserInputError("rates are units per 1 USD; USD itself needs no rate")
        rate = parse_decimal(args.per_usd, "rate")
        if rate <= 0:
            raise UserInputError(f"rate '{args.per_usd}' must be greater than 0")
        try:
            as_of = date.fromisoformat(args.date) if args.date else date.today()
        except ValueError:
            raise UserInputError(f"date '{args.date}' is not YYYY-MM-DD") from None
        settings.set_exchange_rate(ExchangeRate(code, rate, as_of))
        settings.save()
        out.write(f"1 USD = {_decimal_text(rate)} {code} (as of {as_of.isoformat()})\n")
        return EXIT_OK
    if args.rates_command not in (None, "list"):
        raise UsageError("rates needs an action: list or set")
    rates = settings.exchange_rates().rates
    if not rates:
        out.write("No exchange rates set. Set one with: tokenbudget rates set CNY 7.10\n")
    for entry in rates.values():
        per_usd = _decimal_text(entry.per_usd)
        out.write(f"1 USD = {per_usd} {entry.currency} (as of {entry.as_of}, {entry.source})\n")
    return EXIT_OK


def _cmd_privacy(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core import paths
    from tokenbudget.core.settings import Settings

    settings = Settings.load(paths.config_dir() / "settings.json")
    if args.mode:
        settings.set("prompt_text", args.mode)
        settings.save()
    out.write(f"Recorded estimates keep: {settings.get('prompt_text')} of the prompt text\n")
    return EXIT_OK


def _cmd_currency(args: argparse.Namespace, out: TextIO) -> int:
    from tokenbudget.core import paths
    from tokenbudget.core.settings import Settings

    settings = Settings.load(paths.config_dir() / "settings.json")
    if args.code:
        settings.set("display_currency", check_currency(args.code))
        settings.save()
    out.write(f"Display currency: {settings.display_currency}\n")
    return EXIT_OK


_LEDGER_COMMANDS: dict[str, Any] = {}

_COMMANDS = {
    "count": _cmd_count,
    "models": _cmd_models,
    "tokenizers": _cmd_tokenizers,
    "prices": _cmd_prices,
    "rates": _cmd_rates,
    "currency": _cmd_currency,
    "privacy": _cmd_privacy,
}


def run(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; returns the exit code. Never raises, never prints a traceback."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
        if args.command is None:
            parser.print_help(out)
            return EXIT_OK
        args.err = err
        handler = _COMMANDS.get(args.command) or _LEDGER_COMMANDS[args.command]
        return int(handler(args, out))
    except UsageError as exc:
        if list(argv[:1]) == ["keys"] and "unrecognized arguments" in str(exc):
            # Never echo what was typed: it may be a key.
            exc = UsageError(
                "keys takes no key on the command line (other users and the shell history "
                "would see it); it reads the key from a prompt or standard input"
            )
        err.write(f"tokenbudget: {exc}\n")
        return EXIT_USAGE
    except UserInputError as exc:
        err.write(f"tokenbudget: {exc}\n")
        return EXIT_USAGE
    except TokenbudgetError as exc:
        err.write(f"tokenbudget: {exc}\n")
        return EXIT_UNEXPECTED
    except KeyboardInterrupt:
        err.write("tokenbudget: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        err.write(f"tokenbudget: unexpected error: {type(exc).__name__}: {exc}\n")
        return EXIT_UNEXPECTED
