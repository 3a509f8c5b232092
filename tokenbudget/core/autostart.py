"""Starting tokenbudget at login: an XDG autostart entry (Linux desktops).

The entry starts the app in the tray (``--tray``), without opening the window. It is written
only when the user asks for it in the settings, and removed when they turn it off.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from tokenbudget.core import message_texts as mt
from tokenbudget.core import paths
from tokenbudget.core.errors import AutostartError
from tokenbudget.core.messages import message as msg

_ENTRY = """[Desktop Entry]
Type=Application
Name=tokenbudget
Comment=LLM cost estimates and budgets in the tray
Exec={exec}
Icon=tokenbudget
Terminal=false
X-GNOME-Autostart-enabled=true
"""


def launch_command() -> list[str]:
    """How to start this installation of tokenbudget in the tray."""
    script = shutil.which("tokenbudget")
    if script is None:
        beside = Path(sys.executable).with_name("tokenbudget")
        script = str(beside) if beside.exists() else None
    base = [script] if script else [sys.executable, "-m", "tokenbudget"]
    return [*base, "--tray"]


def exec_line(argv: list[str]) -> str:
    """``argv`` as a desktop entry's ``Exec`` value (the spec's quoting, ``%`` doubled)."""

    # The desktop entry spec's Exec quoting: double quotes around arguments with reserved
    # characters, with ", `, $ and \\ escaped inside; shlex.quote's single quotes are not
    # understood there.
    def quote(arg: str) -> str:
        if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
            return arg
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        return f'"{escaped}"'

    return " ".join(quote(a) for a in argv).replace("%", "%%")


def is_enabled() -> bool:
    """True when the autostart entry exists."""
    return paths.autostart_file().exists()


def enable(argv: list[str] | None = None) -> Path:
    """Write the autostart entry; returns its path.

    Raises:
        AutostartError: if it cannot be written.
    """
    path = paths.autostart_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_ENTRY.format(exec=exec_line(argv or launch_command())), "utf-8")
    except OSError as exc:
        raise AutostartError(msg(mt.AUTOSTART_WRITE_FAILED, path=str(path), why=str(exc))) from exc
    return path


def disable() -> None:
    """Remove the autostart entry (nothing happens if there is none).

    Raises:
        AutostartError: if it exists and cannot be removed.
    """
    path = paths.autostart_file()
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(msg(mt.AUTOSTART_REMOVE_FAILED, path=str(path), why=str(exc))) from exc


def command_of(path: Path) -> list[str]:
    """The command an autostart entry runs (for tests and diagnostics)."""
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("Exec="):
            return shlex.split(line[5:].replace("%%", "%"))
    return []
