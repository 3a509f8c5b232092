"""User settings: one JSON file in the config directory, with one table of defaults.

A malformed file is never overwritten: loading reports it (``SettingsError``) and callers fall
back to the defaults; saving refuses until the user fixes or removes the file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from tokenbudget.core.errors import SettingsError, UserInputError
from tokenbudget.core.money import ExchangeRate, ExchangeRates, check_currency, parse_decimal

DEFAULTS: Mapping[str, Any] = {
    "display_currency": "USD",
    #: {currency: {"per_usd": "7.10", "as_of": "2026-11-01", "source": "..."}}
    "exchange_rates": {},
    #: none | preview | full: how much prompt text a recorded estimate keeps.
    "prompt_text": "preview",
    "shown_models": [],
    "favourite_models": [],
    #: {provider: bool}: count exactly with the provider's count endpoint (sends the text).
    "remote_count": {"anthropic": False, "gemini": False, "openai": False, "xai": False},
    #: {provider: url}: where the count endpoints are (a proxy, or a local server in tests).
    "base_urls": {
        "anthropic": "https://api.anthropic.com",
        "gemini": "https://generativelanguage.googleapis.com",
        "openai": "https://api.openai.com",
        "xai": "https://api.x.ai",
        "deepseek": "https://api.deepseek.com",
        "moonshot": "https://api.moonshot.cn",
        "openrouter": "https://openrouter.ai",
    },
    #: Seconds to wait for a count endpoint.
    "remote_timeout_s": 10,
    #: {provider: bool}: show the prepaid balance the provider reports for the key.
    "balance_check": {"deepseek": False, "moonshot": False, "openrouter": False},
    #: Import the coding tools' usage logs as they are written.
    "live_sync": True,
}


class Settings:
    """Settings backed by a JSON file; unknown keys are kept as they are."""

    def __init__(self, path: Path, values: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self._values: dict[str, Any] = dict(values or {})

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read ``path``; a missing file gives the defaults.

        Raises:
            SettingsError: if the file exists but is unreadable or not a JSON object.
        """
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SettingsError(
                f"settings file {path} is unreadable ({exc}); using defaults"
            ) from exc
        if not isinstance(data, dict):
            raise SettingsError(f"settings file {path} is not a JSON object; using defaults")
        return cls(path, data)

    def get(self, key: str) -> Any:
        """The value of ``key``, or its default."""
        return self._values.get(key, DEFAULTS.get(key))

    def set(self, key: str, value: Any) -> None:
        """Change ``key`` in memory (call ``save`` to keep it)."""
        self._values[key] = value

    def save(self) -> None:
        """Write atomically (temporary file, then rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            try:
                json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise SettingsError(
                    f"settings file {self.path} is malformed; "
                    "fix or remove it before changing settings"
                ) from None
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._values, handle, indent=2, sort_keys=True, ensure_ascii=False)
        os.replace(tmp, self.path)

    @property
    def display_currency(self) -> str:
        """The currency costs are shown in."""
        return str(self.get("display_currency"))

    def exchange_rates(self) -> ExchangeRates:
        """The user's exchange rates (invalid entries are skipped)."""
        rates = []
        raw = self.get("exchange_rates")
        for currency, entry in raw.items() if isinstance(raw, dict) else []:
            try:
                rates.append(
                    ExchangeRate(
                        check_currency(currency),
                        parse_decimal(entry["per_usd"], "rate"),
                        date.fromisoformat(entry["as_of"]),
                        str(entry.get("source", "set by user")),
                    )
                )
            except (KeyError, TypeError, ValueError, UserInputError):
                continue
        return ExchangeRates.of(rates)

    def set_exchange_rate(self, rate: ExchangeRate) -> None:
        """Add or replace one rate."""
        raw = dict(self.get("exchange_rates") or {})
        raw[rate.currency] = {
            "per_usd": str(rate.per_usd),
            "as_of": rate.as_of.isoformat(),
            "source": rate.source,
        }
        self.set("exchange_rates", raw)
