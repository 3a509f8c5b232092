"""``tokenbudget help [COMMAND [ACTION]]``: the help of the program or of one command."""

from __future__ import annotations

import argparse
from typing import TextIO

from tokenbudget.cli.common import EXIT_OK
from tokenbudget.core.errors import UsageError


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The commands (or actions) of ``parser`` by name; empty when it has none."""
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def run_help(args: argparse.Namespace, out: TextIO) -> int:
    """Print the help of the command named in ``args.topic`` (the program's when none).

    Raises:
        UsageError: for a command or action that does not exist (with the closest names).
    """
    from tokenbudget.cli.parser import build_parser
    from tokenbudget.core.types import closest

    parser: argparse.ArgumentParser = build_parser()
    for word in args.topic:
        commands = _subcommands(parser)
        if word not in commands:
            hint = closest(word, commands)
            did_you_mean = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise UsageError(f"no command '{word}' in '{parser.prog}'{did_you_mean}")
        parser = commands[word]
    parser.print_help(out)
    return EXIT_OK
