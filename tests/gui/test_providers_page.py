"""The Providers page: keys only in the keyring, shown masked; switches saved as settings."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tokenbudget.core.secrets import KeyringStore, MemoryStore
from tokenbudget.core.services import Service
from tokenbudget.gui.dialogs import SettingsDialog
from tokenbudget.gui.main_window import MainWindow
from tokenbudget.gui.providers_page import ProviderSettings, ProvidersPage

KEY = "sk-ant-api03-9d8c7b6a5f4e3d2c1b0a"


def test_keys_are_set_masked_replaced_and_deleted(qtbot: QtBot) -> None:
    store = MemoryStore()
    page = ProvidersPage(
        Service(secrets=store).providers,
        ProviderSettings(),
        tester=lambda p, urls: f"{p}: key accepted",
    )
    qtbot.addWidget(page)
    assert page.key_labels["anthropic"].text() == "no key"
    assert not page.delete_buttons["anthropic"].isEnabled()
    assert page.set_key("anthropic", KEY)
    assert store.get("anthropic") == KEY
    assert page.key_labels["anthropic"].text() == "sk-a…1b0a"
    assert page.set_buttons["anthropic"].text() == "Replace…"
    assert KEY not in page.result.text()
    page.test_buttons["anthropic"].click()
    qtbot.waitUntil(lambda: page.result.text() == "anthropic: key accepted")
    assert not page.set_key("anthropic", "has a space")  # refused, with a message
    assert store.get("anthropic") == KEY and "spaces" in page.result.text()
    assert page.delete_key("anthropic", confirm=False)
    assert store.get("anthropic") is None and page.key_labels["anthropic"].text() == "no key"


def test_without_a_keyring_the_page_says_so_and_offers_nothing(qtbot: QtBot) -> None:
    from keyring.backends import fail

    page = ProvidersPage(
        Service(secrets=KeyringStore(fail.Keyring())).providers, ProviderSettings()
    )
    qtbot.addWidget(page)
    assert "no usable keyring" in page.keyring_note.text()
    assert "gnome-keyring" in page.keyring_note.text()
    assert not page.set_buttons["openai"].isEnabled()
    assert not page.set_key("openai", KEY)


def test_switches_and_addresses_round_trip_and_are_checked(qtbot: QtBot, service: Service) -> None:
    values = ProviderSettings(
        remote_count={"anthropic": True},
        balance_check={"deepseek": True},
        base_urls={"anthropic": "http://127.0.0.1:8080"},
    )
    from tokenbudget.gui.dialogs import SettingsValues

    dialog = SettingsDialog(
        SettingsValues("USD", (), "preview", 0, providers=values),
        providers=service.providers,
        devices=service,
    )
    qtbot.addWidget(dialog)
    page = dialog.providers
    assert page.values().remote_count["anthropic"] is True
    assert page.values().balance_check == {"deepseek": True, "moonshot": False, "openrouter": False}
    assert "sent" in page.privacy_note.text()  # says the prompt text is sent when counting online
    page.base_urls["gemini"].setText("ftp://example")
    dialog._accept()
    assert "https://" in dialog.error.text() and dialog.tabs.currentWidget() is page
    page.base_urls["gemini"].setText("")
    dialog._accept()
    assert dialog.values().providers == ProviderSettings(
        remote_count={"anthropic": True, "gemini": False, "openai": False, "xai": False},
        balance_check={"deepseek": True, "moonshot": False, "openrouter": False},
        base_urls={"anthropic": "http://127.0.0.1:8080"},
    )


def test_a_key_set_in_the_app_is_in_no_file_the_app_writes(
    qtbot: QtBot, isolated_home: Path
) -> None:
    from fake_providers import running

    store = MemoryStore()
    service = Service(secrets=store)
    window = MainWindow(service, delay_ms=0)
    qtbot.addWidget(window)
    window.set_shown_models([service.counting.model("claude-sonnet-4-6")], save=False)
    with running() as server:
        dialog = SettingsDialog(
            window.settings_values(), providers=service.providers, devices=service
        )
        qtbot.addWidget(dialog)
        dialog.providers.set_key("anthropic", KEY)
        dialog.providers.switches["anthropic"].setChecked(True)
        dialog.providers.base_urls["anthropic"].setText(server.url)
        dialog._accept()
        window.apply_settings(dialog.values())
        # A session that uses the key: an exact online count, a recorded estimate.
        window.editor.setPlainText("a prompt worth recording")
        window.coordinator.flush()
        qtbot.waitUntil(
            lambda: (
                bool(window.model.rows())
                and window.model.rows()[0].estimate is not None
                and window.model.rows()[0].estimate.exact
            ),
            timeout=10_000,
        )
        assert any(r.headers.get("x-api-key") == KEY for r in server.requests)
        window.record_choice(window._record_dialog())
    window.save_window_state()
    service.close()
    assert service.settings.get("remote_count")["anthropic"] is True
    files = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert files  # settings, window state, the ledger
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path


def test_every_provider_is_listed_with_a_base_url_column_not_cut(qtbot: QtBot) -> None:
    from tokenbudget.core.providers import TABLE

    page = ProvidersPage(Service(secrets=MemoryStore()).providers, ProviderSettings())
    qtbot.addWidget(page)
    page.resize(760, 520)
    page.show()
    qtbot.waitExposed(page)
    assert list(page.name_labels) == [p.id for p in TABLE]
    for provider in TABLE:
        assert page.name_labels[provider.id].accessibleName() == provider.name
    assert "Base URL" in [h.text().removeprefix("<b>").removesuffix("</b>") for h in page.headers]
    for provider in TABLE:
        if not provider.takes_key:
            assert provider.id not in page.base_urls
            continue
        edit = page.base_urls[provider.id]
        default = provider.base_url or ""
        assert edit.placeholderText() == default and default in edit.toolTip()
        shown = edit.fontMetrics().horizontalAdvance(default)
        assert shown < edit.width() - 8, (provider.id, shown, edit.width())
