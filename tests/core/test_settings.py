import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from tokenbudget.core.errors import SettingsError
from tokenbudget.core.money import ExchangeRate
from tokenbudget.core.services import Service
from tokenbudget.core.settings import DEFAULTS, FONT_SIZE, Settings


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
    assert service.settings.warning is not None and "not a JSON object" in service.settings.warning


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


def _source_keys() -> set[str]:
    """Every setting key the app's code reads or writes by name."""
    import re

    import tokenbudget

    pattern = re.compile(r"settings\.(?:get|set)\(\s*[\"']([a-z_]+)[\"']")
    root = Path(tokenbudget.__file__).parent
    return {
        key
        for path in root.rglob("*.py")
        for key in pattern.findall(path.read_text(encoding="utf-8"))
    }


def test_every_key_the_code_uses_has_a_type_and_a_default() -> None:
    used = _source_keys()
    assert {"font_size", "output_tokens", "alerts_paused", "main_plan"} <= used
    assert used <= set(DEFAULTS), sorted(used - set(DEFAULTS))


def test_defaults_for_the_keys_that_had_none(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.json")
    assert settings.get("font_size") == 0
    assert settings.get("output_tokens") == 500
    assert settings.get("allow_plaintext_keyring") is False
    assert settings.get("alerts_paused") is False
    assert settings.get("tray_hint_shown") is False
    assert settings.get("main_plan") is None


def test_wrong_types_fall_back_to_defaults_and_are_reported_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "font_size": "big",
                "live_sync": "yes",
                "prompt_text": "everything",
                "remote_count": {"openai": True, "xai": "on"},
                "remote_timeout_s": -3,
                "display_currency": "eur",
                "output_tokens": 800,
            }
        ),
        encoding="utf-8",
    )
    settings = Settings.load(path)
    assert settings.value(FONT_SIZE) == 0
    assert settings.get("live_sync") is True
    assert settings.get("prompt_text") == "preview"
    assert settings.get("remote_count") == {"openai": True}
    assert settings.get("remote_timeout_s") == 10
    assert settings.display_currency == "EUR"
    assert settings.get("output_tokens") == 800
    warning = settings.warning
    assert warning is not None and "\n" not in warning
    for key in ("font_size", "live_sync", "prompt_text", "remote_count", "remote_timeout_s"):
        assert key in warning
    assert "output_tokens" not in warning and "display_currency" not in warning


def test_unknown_keys_are_kept_on_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"from_a_newer_version": {"a": [1, 2]}, "font_size": 12}))
    settings = Settings.load(path)
    assert settings.warning is None
    assert settings.get("from_a_newer_version") == {"a": [1, 2]}
    settings.put(FONT_SIZE, 14)
    settings.save()
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved == {"from_a_newer_version": {"a": [1, 2]}, "font_size": 14}


def test_typed_put_refuses_a_wrong_value(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.json")
    with pytest.raises(SettingsError, match="font_size"):
        settings.put(FONT_SIZE, -1)
    assert settings.value(FONT_SIZE) == 0


def test_a_base_url_that_would_expose_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "base_urls": {
                    "openai": "http://proxy.example.com",
                    "anthropic": "http://127.0.0.1:8080",
                    "xai": "https://proxy.example.com",
                }
            }
        )
    )
    settings = Settings.load(path)
    assert settings.get("base_urls") == {
        "anthropic": "http://127.0.0.1:8080",
        "xai": "https://proxy.example.com",
    }
    assert settings.warning is not None and "base_urls" in settings.warning
    settings.set("base_urls", {"deepseek": "http://api.deepseek.com"})
    assert settings.get("base_urls") == {}


def test_a_broken_file_starts_with_defaults_and_one_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"font_size": 12,\n oops', encoding="utf-8")
    settings = Settings.load_or_defaults(path)
    assert settings.get("font_size") == 0
    assert settings.warning is not None and "unreadable" in settings.warning
    assert "\n" not in settings.warning


def test_service_reports_invalid_values(isolated_home: Path) -> None:
    path = isolated_home / "config" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"output_tokens": "lots"}', encoding="utf-8")
    service = Service()
    assert service.settings.get("output_tokens") == 500
    assert service.settings.warning is not None and "output_tokens" in service.settings.warning
