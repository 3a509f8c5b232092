"""``rates``, ``currency`` and ``privacy``: the settings the command line can change."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from tokenbudget.cli.common import EXIT_OK, decimal_text, write_json
from tokenbudget.core.errors import UsageError, UserInputError
from tokenbudget.core.types import (
    ExchangeRate,
    check_currency,
    check_date,
    check_rate,
    parse_decimal,
)

if TYPE_CHECKING:
    from tokenbudget.core.services import SettingsService


def _settings() -> SettingsService:
    """The user's settings; an unreadable settings file stops the command (``SettingsError``)."""
    from tokenbudget.core.services import Service

    settings = Service().settings
    settings.check_file()
    return settings


def run_rates(args: argparse.Namespace, out: TextIO) -> int:
    """``rates list`` and ``rates set CURRENCY RATE [--date D]``."""
    settings = _settings()
    if args.rates_command == "set":
        code = check_currency(args.currency)
        if code == "USD":
            raise UserInputError("rates are units per 1 USD; USD itself needs no rate")
        rate = parse_decimal(args.per_usd, "rate")
        if rate <= 0:
            raise UserInputError(f"rate '{args.per_usd}' must be greater than 0")
        check_rate(rate)
        try:
            as_of = date.fromisoformat(args.date) if args.date else date.today()
        except ValueError:
            raise UserInputError(f"date '{args.date[:40]}' is not YYYY-MM-DD") from None
        check_date(as_of, "the rate's date")
        settings.set_exchange_rate(ExchangeRate(code, rate, as_of))
        settings.save()
        out.write(f"1 USD = {decimal_text(rate)} {code} (as of {as_of.isoformat()})\n")
        return EXIT_OK
    if args.rates_command == "update":
        return _update_rates(settings, args, out)
    if args.rates_command not in (None, "list"):
        raise UsageError("rates needs an action: list, set or update")
    in_use = settings.exchange_rates().in_use()
    if getattr(args, "json", False):
        write_json([_rate_json(r) for r in in_use], out)
        return EXIT_OK
    if not in_use:
        out.write("No exchange rates. Set one with: tokenbudget rates set CNY 7.10\n")
    for entry in in_use:
        per_usd = decimal_text(entry.per_usd.quantize(_RATE_PLACES))
        out.write(f"1 USD = {per_usd} {entry.currency} ({_origin(entry)})\n")
    return EXIT_OK


#: Rates crossed through the euro have many digits: six decimals are shown.
_RATE_PLACES = Decimal("0.000001")
_ORIGINS = {"user": "yours", "bundled": "bundled", "refreshed": "refreshed"}


def _origin(rate: ExchangeRate) -> str:
    if rate.origin == "user":
        return f"yours, as of {rate.as_of.isoformat()}"
    return f"{rate.source} {rate.as_of.isoformat()}, {_ORIGINS.get(rate.origin, rate.origin)}"


def _rate_json(rate: ExchangeRate) -> dict[str, str]:
    return {
        "currency": rate.currency,
        "per_usd": decimal_text(rate.per_usd),
        "as_of": rate.as_of.isoformat(),
        "source": rate.source,
        "origin": _ORIGINS.get(rate.origin, rate.origin),
    }


def _update_rates(settings: SettingsService, args: argparse.Namespace, out: TextIO) -> int:
    report = settings.update_rates(args.source, allow_older=args.allow_older)
    out.write(
        f"Updated exchange rates from {report.source}: ECB reference rates "
        f"{report.first.isoformat()} to {report.last.isoformat()}.\n"
    )
    if report.previous_last is not None and report.previous_last != report.last:
        out.write(f"  the rates in use before ended {report.previous_last.isoformat()}\n")
    if not report.changes:
        out.write("  latest rates unchanged\n")
    for change in report.changes:
        before = (
            "none" if change.before is None else decimal_text(change.before.quantize(_RATE_PLACES))
        )
        after = (
            "none" if change.after is None else decimal_text(change.after.quantize(_RATE_PLACES))
        )
        out.write(f"  {change.currency} per USD: {before} -> {after}\n")
    mine = sorted(settings.exchange_rates().rates)
    if mine:
        out.write(f"Your own rates still win for: {', '.join(mine)}.\n")
    return EXIT_OK


def run_privacy(args: argparse.Namespace, out: TextIO) -> int:
    """Show or set how much prompt text a recorded estimate keeps."""
    settings = _settings()
    if args.mode:
        settings.set("prompt_text", args.mode)
        settings.save()
    if args.json:
        write_json({"prompt_text": settings.get("prompt_text")}, out)
        return EXIT_OK
    out.write(f"Recorded estimates keep: {settings.get('prompt_text')} of the prompt text\n")
    return EXIT_OK


def run_currency(args: argparse.Namespace, out: TextIO) -> int:
    """Show or set the display currency."""
    settings = _settings()
    if args.code:
        settings.set_display_currency(args.code)
        settings.save()
    if args.json:
        write_json({"display_currency": settings.display_currency}, out)
        return EXIT_OK
    out.write(f"Display currency: {settings.display_currency}\n")
    return EXIT_OK
