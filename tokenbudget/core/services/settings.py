"""The settings service: the user's preferences, typed, validated and saved."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tokenbudget.core.money import ExchangeRate, ExchangeRates
    from tokenbudget.core.rates_update import RatesReport
    from tokenbudget.core.services._parts import Parts
    from tokenbudget.core.settings import Setting

T = TypeVar("T")


class SettingsService:
    """Read and change preferences (``core.settings`` holds the one typed table of them)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def value(self, setting: Setting[T]) -> T:
        """The typed value of ``setting``."""
        return self._parts.settings.value(setting)

    def put(self, setting: Setting[T], value: T) -> None:
        """Change ``setting`` (validated; kept in memory until ``save``)."""
        self._parts.settings.put(setting, value)

    def get(self, key: str) -> Any:
        """The value of the setting named ``key``."""
        return self._parts.settings.get(key)

    def set(self, key: str, value: Any) -> None:
        """Change the setting named ``key`` (validated; kept in memory until ``save``)."""
        self._parts.settings.set(key, value)

    def save(self) -> None:
        """Write the settings file (atomically; unknown keys are kept)."""
        self._parts.settings.save()

    @property
    def display_currency(self) -> str:
        """The currency amounts are shown in."""
        return self._parts.settings.display_currency

    def exchange_rates(self) -> ExchangeRates:
        """The rates in use: the user's own (in ``.rates``) over the ECB reference rates."""
        return self._parts.settings.exchange_rates()

    def set_exchange_rate(self, rate: ExchangeRate) -> None:
        """Set one exchange rate (validated)."""
        self._parts.settings.set_exchange_rate(rate)

    def set_display_currency(self, code: str) -> str:
        """Show amounts in ``code`` from now on (kept in memory until ``save``).

        Returns:
            The code, upper-cased.

        Raises:
            UserInputError: for an unknown currency, or one with no rate to convert with.
        """
        from tokenbudget.core.errors import UserInputError
        from tokenbudget.core.money import check_currency

        currency = check_currency(code)
        if not self.exchange_rates().can_convert("USD", currency):
            raise UserInputError(
                f"no exchange rate for {currency}, so costs cannot be shown in it; set one "
                f"first with 'tokenbudget rates set {currency} RATE' (units per 1 USD)"
            )
        self._parts.settings.set("display_currency", currency)
        return currency

    def reference_rates(self) -> list[ExchangeRate]:
        """The latest ECB reference rate of each currency (bundled or refreshed)."""
        from tokenbudget.core import rates

        reference = rates.reference()
        found = (reference.rate(code) for code in reference.currencies())
        return [r for r in found if r is not None]

    def update_rates(self, source: str | None, *, allow_older: bool = False) -> RatesReport:
        """Refresh the reference rates from the ECB's file (or a local copy of it).

        Raises:
            RatesUpdateError: when it cannot fetch or check, or the file is older.
            InputFileError: when a local file is missing or unreadable.
        """
        from tokenbudget.core import rates
        from tokenbudget.core.rates_update import update_rates

        current, _ = rates.reference().table()
        report = update_rates(source, rates.rates_dir(), current, allow_older=allow_older)
        rates.forget()
        return report

    @property
    def warning(self) -> str | None:
        """The newest one-line warning about the user's files, or None.

        A broken settings or prices file is set aside for defaults and reported here.
        """
        return self._parts.warnings[-1] if self._parts.warnings else None

    # -- the desktop: start at login, the window's layout -----------------------------------

    def autostart_enabled(self) -> bool:
        """Whether the app starts (in the tray) when the user logs in."""
        from tokenbudget.core import autostart

        return autostart.is_enabled()

    def set_autostart(self, enabled: bool) -> None:
        """Write (True) or remove (False) the login autostart entry.

        Raises:
            AutostartError: when the entry cannot be written or removed.
        """
        from tokenbudget.core import autostart

        if enabled:
            autostart.enable()
        else:
            autostart.disable()

    @staticmethod
    def window_state_file() -> Path:
        """Where the window keeps its geometry and splitter positions (an INI file)."""
        from tokenbudget.core import paths

        return paths.config_dir() / "window.ini"

    # -- cli: the settings commands refuse an unreadable file ------------------------------

    def check_file(self) -> None:
        """Refuse to go on with defaults when the settings file exists but cannot be read.

        The window starts on defaults and shows ``warning``; the command line, which changes
        or reports the settings, stops with the reason instead.

        Raises:
            SettingsError: the file is unreadable or not a JSON object.
        """
        from tokenbudget.core.settings import Settings

        Settings.load(self._parts.settings.path)
