"""The login autostart entry: written on request, starts the app in the tray, removable."""

from __future__ import annotations

from tokenbudget.core import autostart, paths


def test_enable_writes_an_entry_that_starts_in_the_tray() -> None:
    assert not autostart.is_enabled()
    path = autostart.enable(["/opt/my apps/tokenbudget", "--tray"])
    assert path == paths.autostart_file() and autostart.is_enabled()
    text = path.read_text("utf-8")
    assert text.startswith("[Desktop Entry]\n")
    assert 'Exec="/opt/my apps/tokenbudget" --tray' in text
    assert autostart.command_of(path) == ["/opt/my apps/tokenbudget", "--tray"]
    autostart.disable()
    assert not autostart.is_enabled()
    autostart.disable()  # removing twice is fine


def test_default_command_ends_with_tray() -> None:
    assert autostart.launch_command()[-1] == "--tray"
