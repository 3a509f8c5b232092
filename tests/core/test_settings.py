from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from tokenbudget.core.errors import SettingsError
from tokenbudget.core.money import ExchangeRate
from tokenbudget.core.service import Service
from tokenbudget.core.settings import Settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "settings.json")
    assert settings.display_currency == "USD"
    assert settings.get("prompt_text") == "preview"
    assert settings.exchange_rates().rates == {}


def test_round_trip_keeps_rates_with_their_dates(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    settings = Settings.load(path)
    settings.set_exchange_rate(ExchangeRate("CNY", D("7.1234"), date(2026, 11, 2)))
    settings.set("display_currency", "CNY")
    settings.save()
    again = Settings.load(path)
    assert again.display_currency == "CNY"
    rate = again.exchange_rates().rates["CNY"]
    assert rate.per_usd == D("7.1234")
    assert rate.as_of == date(2026, 11, 2)


def test_malformed_file_is_reported_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(SettingsError, match="unreadable"):
        Settings.load(path)
    settings = Settings(path)
    settings.set("display_currency", "EUR")
    with pytest.raises(SettingsError, match="fix or remove it"):
        settings.save()
    assert path.read_text(encoding="utf-8") == "{oops"


def test_service_falls_back_to_defaults_with_a_warning(isolated_home: Path) -> None:
    path = isolated_home / "config" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text("[]", encoding="utf-8")
    service = Service()
    assert service.settings.display_currency == "USD"
    assert service.settings_warning is not None and "not a JSON object" in service.settings_warning


def test_invalid_rate_entries_are_skipped(tmp_path: Path) -> None:
    settings = Settings(
        tmp_path / "s.json",
        {
            "exchange_rates": {
                "CNY": {"per_usd": "x", "as_of": "2026-01-01"},
                "EUR": {"per_usd": "0.9", "as_of": "2026-01-01"},
            }
        },
    )
    assert set(settings.exchange_rates().rates) == {"EUR"}
