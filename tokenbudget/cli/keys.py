"""``tokenbudget keys``: set, delete and list provider API keys in the OS keyring.

A key is read from a hidden prompt or from standard input, never from the command line
(where other users' ``ps`` and the shell history would see it).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from tokenbudget.cli.common import EXIT_OK, write_json


def add_commands(sub: Any) -> None:
    """Add ``keys`` to the command line (its handler is ``run_keys``)."""
    from tokenbudget.core.types import KEY_PROVIDERS

    keys = sub.add_parser("keys", help="provider API keys, kept only in the OS keyring")
    keys.set_defaults(handler="tokenbudget.cli.keys:run_keys")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="{set,delete,list}")
    keys_sub.required = True
    for name, text in (
        ("set", "store or replace a provider's key (read from a prompt or standard input)"),
        ("delete", "remove a provider's key"),
    ):
        cmd = keys_sub.add_parser(name, help=text)
        cmd.add_argument("provider", choices=list(KEY_PROVIDERS))
    listing = keys_sub.add_parser(
        "list", help="which providers have a key (masked) and the keyring used"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")


def _read_key(provider: str) -> str:
    if sys.stdin is None:  # started with standard input closed (``<&-``)
        from tokenbudget.core.errors import UserInputError

        raise UserInputError("standard input is closed; type the key or pipe it in")
    if sys.stdin.isatty():
        return getpass.getpass(f"API key for {provider} (not shown): ")
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def run_keys(args: argparse.Namespace, out: TextIO) -> int:
    """Handle ``keys set|delete|list``."""
    from tokenbudget.core.services import Service
    from tokenbudget.core.types import KEY_PROVIDERS

    service = Service()
    service.settings.check_file()
    keys = service.providers
    if args.keys_command == "set":
        keys.set_key(args.provider, _read_key(args.provider))
        out.write(f"Stored the {KEY_PROVIDERS[args.provider]} key in the system keyring.\n")
    elif args.keys_command == "delete":
        if keys.delete_key(args.provider):
            out.write(f"Deleted the {KEY_PROVIDERS[args.provider]} key.\n")
        else:
            out.write(f"There was no {KEY_PROVIDERS[args.provider]} key.\n")
    else:
        status = keys.keyring_status()
        if args.json:
            write_json(
                {
                    "keyring": status.backend,
                    "usable": status.usable,
                    "message": status.message,
                    "keys": [
                        {
                            "provider": provider,
                            "name": name,
                            "key": keys.masked_key(provider) if status.usable else None,
                        }
                        for provider, name in KEY_PROVIDERS.items()
                    ],
                },
                out,
            )
            return EXIT_OK
        out.write(status.message + "\n")
        if status.usable:
            for provider, name in KEY_PROVIDERS.items():
                out.write(f"  {name:<18} {keys.masked_key(provider) or '-'}\n")
    return EXIT_OK
