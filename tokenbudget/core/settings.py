"""User settings: one JSON file in the config directory, driven by one typed table.

``TABLE`` lists every setting the app reads: its key, type, default and the check that cleans
a stored value. The rest of the code reads a setting through ``Settings.value(FONT_SIZE)``
(typed) or ``Settings.get("font_size")`` (the same cleaned value, untyped); ``DEFAULTS`` is
derived from the table.

Loading checks every known value: one of the wrong type, or out of range, is dropped (its
default is used) and reported in ``Settings.warning``, one line for the whole file. Keys the
table does not know are kept as they are and written back on save (a newer version's
settings survive an older one). A malformed file is never overwritten: ``load`` reports it
(``SettingsError``), ``load_or_defaults`` gives the defaults with that line as the warning,
and saving refuses until the user fixes or removes the file.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Generic, TypeVar

from tokenbudget.core import message_texts as texts
from tokenbudget.core import providers
from tokenbudget.core.errors import SettingsError, UserInputError
from tokenbudget.core.messages import message
from tokenbudget.core.money import (
    ExchangeRate,
    ExchangeRates,
    check_currency,
    locale_currency,
    parse_decimal,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting.

    Attributes:
        key: Its name in ``settings.json``.
        default: The value when the file has none (or a bad one); never mutated.
        clean: The stored value, checked and tidied; raises ``ValueError`` when unusable.
        doc: What it is for.
    """

    key: str
    default: T
    clean: Callable[[object], T]
    doc: str


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not true or false")
    return value


def _whole(minimum: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"not a whole number of at least {minimum}")
        return value

    return check


def _positive_seconds(value: object) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e6:
        raise ValueError("not a number of seconds above 0")
    return value


def _optional_id(value: object) -> int | None:
    return None if value is None else _whole(1)(value)


def _choice(*choices: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in choices:
            raise ValueError(f"not one of {', '.join(choices)}")
        return str(value)

    return check


def _currency(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not a currency code")
    try:
        return check_currency(value)
    except UserInputError as exc:
        raise ValueError(str(exc)) from None


def _ids(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("not a list")
    return [v for v in value if isinstance(v, str)]


def _object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return dict(value)


def _flags(value: object) -> dict[str, bool]:
    """A {provider: bool} object; entries that are not true or false are dropped."""
    return {k: v for k, v in _object(value).items() if isinstance(v, bool)}


def _urls(value: object) -> dict[str, str]:
    """A {provider: base URL} object; an address that would expose a key is dropped."""
    urls = {}
    for provider, url in _object(value).items():
        if isinstance(url, str) and (not url.strip() or providers.url_problem(url) is None):
            urls[provider] = url
    return urls


DISPLAY_CURRENCY: Final = Setting("display_currency", "USD", _currency, "costs are shown in it")
EXCHANGE_RATES: Final = Setting[dict[str, Any]](
    "exchange_rates",
    {},
    _object,
    '{currency: {"per_usd": "7.10", "as_of": "2026-11-01", "source": "..."}}',
)
OFF_PEAK_PRICES: Final = Setting(
    "off_peak_prices",
    False,
    _bool,
    "price models that have off-peak rates (DeepSeek) at them; otherwise shown as a note",
)
PROMPT_TEXT: Final = Setting(
    "prompt_text",
    "preview",
    _choice("none", "preview", "full"),
    "how much prompt text a recorded estimate keeps",
)
SHOWN_MODELS: Final = Setting[list[str]]("shown_models", [], _ids, "the window's models")
FAVOURITE_MODELS: Final = Setting[list[str]]("favourite_models", [], _ids, "starred models")
REMOTE_COUNT: Final = Setting[dict[str, bool]](
    "remote_count",
    dict.fromkeys(providers.COUNT_IDS, False),
    _flags,
    "{provider: bool}: count exactly with the provider's count endpoint (sends the text)",
)
BASE_URLS: Final = Setting[dict[str, str]](
    "base_urls",
    {**providers.COUNT_URLS, **providers.BALANCE_URLS},
    _urls,
    "{provider: url}: where the endpoints are (https, or http to this machine only)",
)
REMOTE_TIMEOUT_S: Final = Setting[float | int](
    "remote_timeout_s", 10, _positive_seconds, "seconds to wait for a count endpoint"
)
BALANCE_CHECK: Final = Setting[dict[str, bool]](
    "balance_check",
    dict.fromkeys(providers.BALANCE_IDS, False),
    _flags,
    "{provider: bool}: show the prepaid balance the provider reports for the key",
)
LIVE_SYNC: Final = Setting("live_sync", True, _bool, "import usage logs as they are written")
LIVE_SYNC_OFF: Final = Setting[list[str]](
    "live_sync_off", [], _ids, "coding tools (importer names) live sync leaves alone"
)
FONT_SIZE: Final = Setting("font_size", 0, _whole(0), "editor font size in points; 0: the system's")
OUTPUT_TOKENS: Final = Setting("output_tokens", 500, _whole(0), "output tokens an estimate adds")
ALLOW_PLAINTEXT_KEYRING: Final = Setting(
    "allow_plaintext_keyring", False, _bool, "accept a keyring that keeps keys in a plain file"
)
ALERTS_PAUSED: Final = Setting("alerts_paused", False, _bool, "no budget notifications")
TRAY_HINT_SHOWN: Final = Setting(
    "tray_hint_shown", False, _bool, "the 'still running in the tray' hint was shown"
)
SYNC_PROMPT_TEXT: Final = Setting(
    "sync_prompt_text", False, _bool, "share recorded prompt text with your other devices"
)
LAUNCHER_OFFERED: Final = Setting(
    "launcher_offered", False, _bool, "the offer to add tokenbudget to the desktop menu was made"
)
MAIN_PLAN: Final = Setting[int | None](
    "main_plan", None, _optional_id, "the plan the tray icon shows (a plan id)"
)
LANGUAGE: Final = Setting(
    "language",
    "system",
    _choice("system", "en", "zh_CN"),
    "the interface language: the system's (LANG, LC_ALL), English or Simplified Chinese",
)

#: Every setting the app reads.
TABLE: Final[tuple[Setting[Any], ...]] = (
    DISPLAY_CURRENCY,
    EXCHANGE_RATES,
    OFF_PEAK_PRICES,
    PROMPT_TEXT,
    SHOWN_MODELS,
    FAVOURITE_MODELS,
    REMOTE_COUNT,
    BASE_URLS,
    REMOTE_TIMEOUT_S,
    BALANCE_CHECK,
    LIVE_SYNC,
    LIVE_SYNC_OFF,
    FONT_SIZE,
    OUTPUT_TOKENS,
    ALLOW_PLAINTEXT_KEYRING,
    ALERTS_PAUSED,
    TRAY_HINT_SHOWN,
    SYNC_PROMPT_TEXT,
    LAUNCHER_OFFERED,
    MAIN_PLAN,
    LANGUAGE,
)
BY_KEY: Final[Mapping[str, Setting[Any]]] = MappingProxyType({s.key: s for s in TABLE})
DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType({s.key: s.default for s in TABLE})


def _cleaned(setting: Setting[T], raw: object) -> T:
    """``raw`` checked by ``setting``, else (a copy of) its default."""
    try:
        return setting.clean(raw)
    except (ValueError, TypeError):
        return copy.deepcopy(setting.default)


def _problems(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The values with bad known ones dropped (and partly bad ones tidied), and their keys."""
    kept: dict[str, Any] = {}
    bad: list[str] = []
    for key, raw in values.items():
        setting = BY_KEY.get(key)
        if setting is None:
            kept[key] = raw
            continue
        try:
            value = setting.clean(raw)
        except (ValueError, TypeError):
            bad.append(key)
            continue
        if isinstance(raw, dict | list) and value != raw:
            bad.append(key)  # some entries were dropped
        kept[key] = value
    return kept, bad


class Settings:
    """Settings backed by a JSON file; unknown keys are kept as they are.

    Attributes:
        path: The file.
        warning: One line for the user about what loading dropped or could not read.
    """

    def __init__(self, path: Path, values: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self._values: dict[str, Any] = dict(values or {})
        self.warning: str | None = None

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read ``path``; a missing file gives the defaults, bad values theirs (``warning``).

        Raises:
            SettingsError: if the file exists but is unreadable or not a JSON object.
        """
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SettingsError(
                message(texts.SETTINGS_UNREADABLE, path=str(path), why=_one_line(exc))
            ) from exc
        if not isinstance(data, dict):
            raise SettingsError(message(texts.SETTINGS_NOT_OBJECT, path=str(path)))
        values, bad = _problems(data)
        settings = cls(path, values)
        if bad:
            settings.warning = message(texts.SETTINGS_INVALID, path=str(path), keys=", ".join(bad))
        return settings

    @classmethod
    def load_or_defaults(cls, path: Path) -> Settings:
        """Like ``load``, but a malformed file gives the defaults, with the reason as warning.

        The file itself is left alone (``save`` refuses to overwrite it).
        """
        try:
            return cls.load(path)
        except SettingsError as exc:
            settings = cls(path)
            settings.warning = exc.message
            return settings

    def value(self, setting: Setting[T]) -> T:
        """The setting's value, checked; its default when unset or invalid."""
        if setting.key not in self._values:
            return copy.deepcopy(setting.default)
        return _cleaned(setting, self._values[setting.key])

    def put(self, setting: Setting[T], value: T) -> None:
        """Change a setting in memory (call ``save`` to keep it).

        Raises:
            SettingsError: if ``value`` is not valid for the setting.
        """
        try:
            self._values[setting.key] = setting.clean(value)
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"setting {setting.key}: {exc}") from None

    def get(self, key: str) -> Any:
        """The value of ``key``, checked as ``value`` does; unknown keys as stored (or None)."""
        setting = BY_KEY.get(key)
        if setting is None:
            return self._values.get(key)
        return self.value(setting)

    def set(self, key: str, value: Any) -> None:
        """Change ``key`` in memory (call ``save`` to keep it); ``get`` checks it when read."""
        self._values[key] = value

    def save(self) -> None:
        """Write atomically (temporary file, then rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            try:
                json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise SettingsError(
                    message(texts.SETTINGS_MALFORMED_NOT_SAVED, path=str(self.path))
                ) from None
        import tempfile  # here: the status line loads settings on every run, never saves

        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._values, handle, indent=2, sort_keys=True, ensure_ascii=False)
        os.replace(tmp, self.path)

    @property
    def display_currency(self) -> str:
        """The currency costs are shown in: the user's choice, else the locale's (CNY in zh_CN)."""
        if self._values.get(DISPLAY_CURRENCY.key) is None:
            return locale_currency()
        return self.value(DISPLAY_CURRENCY)

    def exchange_rates(self) -> ExchangeRates:
        """The user's exchange rates (invalid entries are skipped), over the reference rates."""
        from tokenbudget.core import rates as reference_rates

        return ExchangeRates.of(self.user_rates(), reference_rates.reference())

    def user_rates(self) -> list[ExchangeRate]:
        """The rates the user set (invalid entries are skipped)."""
        rates = []
        for currency, entry in self.value(EXCHANGE_RATES).items():
            try:
                rates.append(
                    ExchangeRate(
                        check_currency(currency),
                        parse_decimal(entry["per_usd"], "rate"),
                        date.fromisoformat(entry["as_of"]),
                        str(entry.get("source", "set by user")),
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError, UserInputError):
                continue
        return rates

    def set_exchange_rate(self, rate: ExchangeRate) -> None:
        """Add or replace one rate."""
        raw = self.value(EXCHANGE_RATES)
        raw[rate.currency] = {
            "per_usd": str(rate.per_usd),
            "as_of": rate.as_of.isoformat(),
            "source": rate.source,
        }
        self.put(EXCHANGE_RATES, raw)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
