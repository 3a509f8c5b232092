"""The desktop menu launcher: written under XDG_DATA_HOME only when asked, valid, removable."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tokenbudget import app
from tokenbudget.core import launcher
from tokenbudget.core.autostart import command_of
from tokenbudget.core.errors import LauncherError


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary XDG_DATA_HOME (and no TOKENBUDGET_HOME, which would take precedence)."""
    home = tmp_path / "xdg data"  # a space: the paths must be quoted where it matters
    monkeypatch.delenv("TOKENBUDGET_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_nothing_is_written_until_asked(data_home: Path) -> None:
    assert not launcher.launcher_installed()
    assert not data_home.exists()


def test_install_writes_the_entry_and_every_icon_size(data_home: Path) -> None:
    argv = ["/opt/my venv/bin/tokenbudget"]
    files = launcher.install_launcher(argv)
    assert files.desktop == data_home / "applications" / "tokenbudget.desktop"
    assert launcher.launcher_installed()
    for size in launcher.ICON_SIZES:
        icon = data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "tokenbudget.png"
        assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (data_home / "icons" / "hicolor" / "scalable" / "apps" / "tokenbudget.svg").exists()
    text = files.desktop.read_text("utf-8")
    assert "Icon=tokenbudget" in text and "Name[zh_CN]" in text
    # Exec runs this installation (quoted for its space), the quick action keeps --quick.
    assert command_of(files.desktop) == argv
    assert 'Exec="/opt/my venv/bin/tokenbudget" --quick' in text
    assert "--tray" not in text
    assert not list(data_home.rglob("*.part"))


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="no desktop-file-utils")
def test_the_written_entry_is_valid(data_home: Path) -> None:
    files = launcher.install_launcher()
    result = subprocess.run(
        ["desktop-file-validate", str(files.desktop)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_uninstall_removes_exactly_what_install_wrote(data_home: Path) -> None:
    other = data_home / "applications" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n", "utf-8")
    files = launcher.install_launcher(["tokenbudget"])
    removed = launcher.uninstall_launcher()
    assert sorted(removed) == sorted(files.all())
    assert not launcher.launcher_installed() and other.exists()
    assert launcher.uninstall_launcher() == []


def test_under_tokenbudget_home_nothing_touches_the_real_menu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKENBUDGET_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "real"))
    files = launcher.install_launcher(["tokenbudget"])
    assert files.desktop.is_relative_to(tmp_path / "home")
    assert not (tmp_path / "real").exists()


def test_a_write_failure_is_a_launcher_error(data_home: Path) -> None:
    data_home.mkdir(parents=True)
    (data_home / "applications").write_text("a file where a folder should be", "utf-8")
    with pytest.raises(LauncherError, match="could not install"):
        launcher.install_launcher(["tokenbudget"])


def test_command_line_flags(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--install-desktop"]) == 0
    assert "tokenbudget.desktop" in capsys.readouterr().out
    assert launcher.launcher_installed()
    assert app.main(["--uninstall-desktop"]) == 0
    assert "Removed" in capsys.readouterr().out
    assert not launcher.launcher_installed()


def test_the_flags_do_not_import_qt(data_home: Path) -> None:
    code = (
        "import sys; from tokenbudget import app; rc = app.main(['--install-desktop']);"
        "assert 'PySide6' not in sys.modules, 'Qt imported'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
