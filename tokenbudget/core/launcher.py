"""The desktop menu launcher: the ``.desktop`` entry and its icons, installed only when asked.

``install_launcher`` copies the bundled ``resources/linux/tokenbudget.desktop`` into
``$XDG_DATA_HOME/applications`` with its ``Exec`` lines pointing at this installation (a
virtual environment's script is not on the desktop session's ``PATH``), and the app icon
into ``$XDG_DATA_HOME/icons/hicolor/<size>/apps``, so the app shows in the desktop's menu.
``uninstall_launcher`` removes exactly those files. Under ``TOKENBUDGET_HOME`` everything goes
below ``share/`` there instead, so tests never touch the real menu.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from tokenbudget.core import message_texts as mt
from tokenbudget.core import paths
from tokenbudget.core.autostart import exec_line, launch_command
from tokenbudget.core.errors import LauncherError
from tokenbudget.core.messages import message as msg

#: The entry's file name: the app's desktop file name (``QGuiApplication.desktopFileName``).
DESKTOP_FILE = "tokenbudget.desktop"
ICON_NAME = "tokenbudget"
#: Bundled PNG sizes (``resources/icons/tokenbudget-<size>.png``).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


@dataclass(frozen=True)
class LauncherFiles:
    """Where the launcher's files go (or are)."""

    desktop: Path
    icons: tuple[Path, ...]

    def all(self) -> tuple[Path, ...]:
        """Every file: the entry first."""
        return (self.desktop, *self.icons)


def data_home() -> Path:
    """``$XDG_DATA_HOME`` (``~/.local/share`` by default); ``share/`` under ``TOKENBUDGET_HOME``."""
    root = os.environ.get(paths.HOME_ENV)
    if root:
        return Path(root).expanduser() / "share"
    base = os.environ.get("XDG_DATA_HOME")
    return Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"


def launcher_files() -> LauncherFiles:
    """The entry and icon paths under the data home."""
    home = data_home()
    hicolor = home / "icons" / "hicolor"
    icons = tuple(hicolor / f"{n}x{n}" / "apps" / f"{ICON_NAME}.png" for n in ICON_SIZES)
    return LauncherFiles(
        desktop=home / "applications" / DESKTOP_FILE,
        icons=(*icons, hicolor / "scalable" / "apps" / f"{ICON_NAME}.svg"),
    )


def launcher_installed() -> bool:
    """Whether the menu entry is installed."""
    return launcher_files().desktop.exists()


def desktop_entry(argv: list[str] | None = None) -> str:
    """The bundled entry with its ``Exec`` lines running ``argv`` (default: this install).

    The quick-estimate action keeps its ``--quick``.
    """
    source = paths.resources_dir() / "linux" / DESKTOP_FILE
    text = source.read_text("utf-8")
    base = [a for a in (argv or launch_command()) if a != "--tray"]

    def replace(match: re.Match[str]) -> str:
        extra = match.group(1).split()[1:]  # what followed "tokenbudget" (--quick)
        return "Exec=" + exec_line([*base, *extra])

    return re.sub(r"^Exec=(.*)$", replace, text, flags=re.MULTILINE)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def install_launcher(argv: list[str] | None = None) -> LauncherFiles:
    """Write the menu entry and the icons; returns where they went.

    Raises:
        LauncherError: when a file cannot be written (nothing half-written is left).
    """
    files = launcher_files()
    icons = paths.icons_dir()
    sources = [icons / f"{ICON_NAME}-{n}.png" for n in ICON_SIZES] + [icons / f"{ICON_NAME}.svg"]
    try:
        for source, target in zip(sources, files.icons, strict=True):
            _write(target, source.read_bytes())
        # The entry last: a menu that shows it finds its icon.
        _write(files.desktop, desktop_entry(argv).encode("utf-8"))
    except OSError as exc:
        raise LauncherError(msg(mt.LAUNCHER_INSTALL_FAILED, why=str(exc))) from exc
    return files


def uninstall_launcher() -> list[Path]:
    """Remove the menu entry and the icons this app installed; returns those removed.

    Raises:
        LauncherError: when one exists and cannot be removed.
    """
    removed = []
    for path in launcher_files().all():
        try:
            if path.exists():
                path.unlink()
                removed.append(path)
        except OSError as exc:
            raise LauncherError(
                msg(mt.LAUNCHER_REMOVE_FAILED, path=str(path), why=str(exc))
            ) from exc
    return removed
