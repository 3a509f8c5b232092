"""Composition root: decide between the window and the command line.

``tokenbudget`` with a command runs the command line, which never imports Qt. With no
arguments it opens the window (or brings the running one forward); ``--quick`` opens the
tray's quick-estimate popup (of the running instance, if any), ``--tray`` starts in the tray
(the login autostart). ``--install-desktop`` adds the app to the desktop's menu (its
``.desktop`` entry and icon) and ``--uninstall-desktop`` takes it out again.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def _desktop(flag: str) -> int:
    """``--install-desktop`` or ``--uninstall-desktop``: the menu entry, without Qt."""
    from tokenbudget.core.errors import TokenbudgetError
    from tokenbudget.core.services import install_launcher, uninstall_launcher

    try:
        if flag == "--install-desktop":
            files = install_launcher()
            print(f"Installed {files.desktop}")
            print(f"Installed {len(files.icons)} icons under {files.icons[0].parents[2]}")
            return 0
        removed = uninstall_launcher()
    except TokenbudgetError as exc:
        sys.stderr.write(f"tokenbudget: {exc}\n")
        return 1
    print(f"Removed {len(removed)} files" if removed else "No menu entry was installed")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tokenbudget`` script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 1 and args[0] in ("--install-desktop", "--uninstall-desktop"):
        return _desktop(args[0])
    gui_flags = {"--quick": "quick", "--tray": "activate"}
    if args and not (len(args) == 1 and args[0] in gui_flags):
        from tokenbudget import cli

        return cli.main(args)
    if not _has_display():
        sys.stderr.write(
            "tokenbudget: no display to open the window on; the command line works without "
            "one (tokenbudget --help)\n"
        )
        return 1
    import gc

    # No collections while the window is built: what start-up makes lives as long as the app,
    # and a full pass over it is time before the first frame. ``gui.app`` turns the collector
    # back on once the window has painted.
    gc.disable()
    try:
        from tokenbudget.core.errors import TokenbudgetError, UserInputError
        from tokenbudget.gui.app import run

        flag = args[0] if args else ""
        try:
            return run(
                sys.argv[:1], message=gui_flags.get(flag, "activate"), in_tray=flag == "--tray"
            )
        except TokenbudgetError as exc:  # before the window could say it (a bad home)
            sys.stderr.write(f"tokenbudget: {exc}\n")
            return 2 if isinstance(exc, UserInputError) else 1
    finally:
        gc.enable()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
