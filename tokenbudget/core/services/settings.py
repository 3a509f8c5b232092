"""The settings service: the user's preferences, typed, validated and saved."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tokenbudget.core.money import ExchangeRate, ExchangeRates
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
        """The exchange rates the user has set, each with its date."""
        return self._parts.settings.exchange_rates()

    def set_exchange_rate(self, rate: ExchangeRate) -> None:
        """Set one exchange rate (validated)."""
        self._parts.settings.set_exchange_rate(rate)

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
