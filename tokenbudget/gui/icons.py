"""The app's icons: a small module, because the window's first frame needs one.

(The tray, which shows the other states, imports the plans and alerts; the first paint waits
for none of that.)
"""

from __future__ import annotations

from PySide6.QtGui import QIcon

from tokenbudget.core.services import icons_dir

#: The tray state with no alert (``core.alerts.OK``).
OK_STATE = "ok"


def state_icon(state: str) -> QIcon:
    """The app icon for a tray state (``ok``, ``warning``, ``over``), every bundled size."""
    name = "tokenbudget" if state == OK_STATE else f"tokenbudget-{state}"
    icon = QIcon()
    directory = icons_dir()
    for png in sorted(directory.glob(f"{name}-*.png")):
        if png.stem.removeprefix(name + "-").isdigit():
            icon.addFile(str(png))
    icon.addFile(str(directory / f"{name}.svg"))
    return icon


def app_icon() -> QIcon:
    """The application's icon."""
    return state_icon(OK_STATE)
