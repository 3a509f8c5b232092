"""The argument parser of ``tokenbudget``: every command and option, and which handler runs it.

Each command names its handler as ``"module:function"`` (``handler`` in the parsed arguments);
``tokenbudget.cli.run`` imports that module only when the command runs, so that starting the
command line never loads what another command needs (the ledger, a tokenizer, the keyring).
"""

from __future__ import annotations

import argparse
from typing import Any

from tokenbudget import __version__
from tokenbudget.cli.common import CliParser, bounded_int
from tokenbudget.cli.devices import add_devices
from tokenbudget.cli.keys import add_commands as add_keys
from tokenbudget.cli.ledger_args import add_commands as add_ledger_commands
from tokenbudget.cli.statusline import add_arguments as add_statusline_arguments
from tokenbudget.core.types import MAX_TOKENS

_CATALOG = "tokenbudget.cli.catalog"
_PREFS = "tokenbudget.cli.preferences"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to print help when no window is available)."""
    parser = CliParser(
        prog="tokenbudget",
        usage="tokenbudget [--quick | --tray]\n       tokenbudget [options] COMMAND ...",
        description="What an LLM prompt will cost before you send it. Offline; exact counts "
        "where a tokenizer is public, marked estimates elsewhere. With no command, "
        "tokenbudget opens its window (or brings the running one forward).",
        epilog="'tokenbudget help COMMAND' (or 'tokenbudget COMMAND --help') shows a "
        "command's options. Exit codes: 0 success, 2 bad input or usage (an unknown model, a "
        "missing file), 1 anything else.",
    )
    parser.add_argument("--version", action="version", version=f"tokenbudget {__version__}")
    _add_window_flags(parser)
    parser.add_argument(
        "--no-recover",
        action="store_true",
        help="refuse to start when the ledger database is unreadable, instead of moving it "
        "aside and starting a new one",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=CliParser, prog="tokenbudget"
    )
    helper = sub.add_parser("help", help="show this help, or a command's: help COMMAND [ACTION]")
    helper.add_argument("topic", nargs="*", metavar="COMMAND", help="a command (and its action)")
    helper.set_defaults(handler="tokenbudget.cli.help:run_help")
    _add_count(sub)

    models = sub.add_parser("models", help="list the model catalogue with prices")
    models.add_argument("--provider", help="only this provider (e.g. openai, DeepSeek)")
    models.add_argument("--json", action="store_true", help="print JSON")
    models.set_defaults(handler=f"{_CATALOG}:run_models")

    tokenizers = sub.add_parser("tokenizers", help="list the bundled vocabularies")
    tokenizers.add_argument("--json", action="store_true", help="print JSON")
    tokenizers.set_defaults(handler=f"{_CATALOG}:run_tokenizers")

    prices = sub.add_parser("prices", help="manage the price snapshot")
    prices.set_defaults(handler=f"{_CATALOG}:run_prices")
    prices_sub = prices.add_subparsers(
        dest="prices_command", metavar="ACTION", parser_class=CliParser
    )
    update = prices_sub.add_parser(
        "update", help="refresh prices from LiteLLM's JSON (the only command that uses the network)"
    )
    update.add_argument("--from", dest="source", help="a URL or a local LiteLLM-format JSON file")
    update.add_argument(
        "--allow-older",
        action="store_true",
        help="install a snapshot even when it is older than the prices in use",
    )
    update.add_argument("--json", action="store_true", help="print what changed as JSON")

    _add_rates(sub)
    currency = sub.add_parser("currency", help="show or set the display currency")
    currency.add_argument("code", nargs="?")
    currency.add_argument("--json", action="store_true", help="print JSON")
    currency.set_defaults(handler=f"{_PREFS}:run_currency")
    privacy = sub.add_parser(
        "privacy", help="how much prompt text a recorded estimate keeps: none, preview or full"
    )
    privacy.add_argument("mode", nargs="?", choices=("none", "preview", "full"))
    privacy.add_argument("--json", action="store_true", help="print JSON")
    privacy.set_defaults(handler=f"{_PREFS}:run_privacy")

    add_ledger_commands(sub, CliParser)
    add_keys(sub)
    add_devices(sub, CliParser)

    limits = sub.add_parser("limits", help="official plan limits the coding tools wrote down")
    limits.add_argument("--json", action="store_true", help="print JSON")
    limits.set_defaults(handler="tokenbudget.cli.limits:run_limits")
    statusline = sub.add_parser(
        "statusline",
        help="Claude Code's status line: reads its JSON on stdin, prints one line "
        "(--install to set it up)",
    )
    add_statusline_arguments(statusline)
    statusline.set_defaults(handler="tokenbudget.cli.statusline:run")
    return parser


def _add_count(sub: Any) -> None:
    tokens = bounded_int(MAX_TOKENS)
    count = sub.add_parser(
        "count",
        help="count tokens and cost of a prompt across models, cheapest first",
        description="Count a prompt's tokens and price it for each model, cheapest first "
        "(unpriced models last). Costs include the expected output: -o, or the window's "
        "setting.",
    )
    count.set_defaults(handler="tokenbudget.cli.count:run_count")
    count.add_argument("file", nargs="?", default="-", help="a UTF-8 text file, or - for stdin")
    count.add_argument("-m", "--model", action="append", default=[], help="a model id (repeatable)")
    count.add_argument(
        "-t", "--tokenizer", action="append", default=[], help="a raw tokenizer id (repeatable)"
    )
    count.add_argument(
        "-o",
        "--output-tokens",
        type=tokens,
        default=None,
        help="expected output tokens (default: the window's setting, 500 unless changed)",
    )
    count.add_argument(
        "--cached-tokens",
        type=tokens,
        default=0,
        help="prompt tokens expected to be read from the provider's cache",
    )
    count.add_argument("--currency", help="show costs in this currency (needs an exchange rate)")
    count.add_argument(
        "--off-peak",
        action="store_true",
        default=None,
        help="price models that have off-peak rates (DeepSeek) at them "
        "(default: the off_peak_prices setting)",
    )
    count.add_argument("--json", action="store_true", help="print one JSON object")
    count.add_argument(
        "--record",
        action="store_true",
        help="record the estimate as spend (needs exactly one --model)",
    )
    count.add_argument("--plan", help="with --record: count it toward this plan only")
    count.add_argument("--note", help="with --record: a note for the entry")


def _add_window_flags(parser: argparse.ArgumentParser) -> None:
    """``--quick`` and ``--tray``: ``app.main`` opens the window for them; listed for --help."""
    window = parser.add_argument_group("the window (give these alone, without a command)")
    window.add_argument(
        "--quick",
        action="store_true",
        help="open the tray's quick-estimate popup of the running window (bind it to a "
        "keyboard shortcut)",
    )
    window.add_argument(
        "--tray",
        action="store_true",
        help="start in the system tray without the window (what the login autostart runs)",
    )


def _add_rates(sub: Any) -> None:
    """``rates list|set|update`` (their logic is in ``cli.preferences``)."""
    rates = sub.add_parser("rates", help="exchange rates for showing costs in other currencies")
    rates.set_defaults(handler=f"{_PREFS}:run_rates")
    rates_sub = rates.add_subparsers(dest="rates_command", metavar="ACTION", parser_class=CliParser)
    rates_list = rates_sub.add_parser(
        "list", help="show the rate in use for each currency, with its source and date"
    )
    rates_list.add_argument("--json", action="store_true", help="print JSON")
    rates_update = rates_sub.add_parser(
        "update", help="refresh the ECB reference rates (uses the network unless --from)"
    )
    rates_update.add_argument(
        "--from", dest="source", help="a URL, or a local copy of the ECB's zip or CSV"
    )
    rates_update.add_argument(
        "--allow-older", action="store_true", help="install a file older than the rates in use"
    )
    rate_set = rates_sub.add_parser("set", help="set how many units of CURRENCY one USD buys")
    rate_set.add_argument("currency")
    rate_set.add_argument("per_usd", metavar="RATE")
    rate_set.add_argument("--date", help="the date the rate is for (default: today)")
