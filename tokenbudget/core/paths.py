"""Every path tokenbudget reads or writes, in one place.

User directories come from platformdirs. Setting ``TOKENBUDGET_HOME`` puts all of them under
one root instead (tests, portable installs). Nothing here creates a directory: the code that
writes a file creates its directory then.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tokenbudget"
HOME_ENV = "TOKENBUDGET_HOME"

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """Return the directory of bundled runtime assets.

    In an installed wheel the assets live inside the package (``tokenbudget/resources``); in a
    source checkout or an editable install they are at the top of the repository.
    """
    inside = _PACKAGE_DIR / "resources"
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / "resources"


def _override_root() -> Path | None:
    """``TOKENBUDGET_HOME`` as a path, if set.

    Raises:
        UserInputError: when it names something that is not a folder (a file, say): every
            path below it would fail with a confusing "not a directory" later on.
    """
    root = os.environ.get(HOME_ENV)
    if not root:
        return None
    path = Path(root).expanduser()
    if path.exists() and not path.is_dir():
        from tokenbudget.core import message_texts as texts
        from tokenbudget.core.errors import UserInputError
        from tokenbudget.core.messages import message

        raise UserInputError(message(texts.HOME_IS_A_FILE, variable=HOME_ENV, path=root))
    return path


def config_dir() -> Path:
    """Directory of user settings and price overrides."""
    root = _override_root()
    if root is not None:
        return root / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """Directory of the ledger database and updated price snapshots."""
    root = _override_root()
    if root is not None:
        return root / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Directory of disposable caches."""
    root = _override_root()
    if root is not None:
        return root / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def price_overrides_file() -> Path:
    """The user's price overrides and custom models (LiteLLM schema, JSON)."""
    return config_dir() / "prices.json"


def device_file() -> Path:
    """This device's id and name for sharing through a sync folder (``core.sync.device``)."""
    return config_dir() / "device.json"


def ledger_file() -> Path:
    """The SQLite ledger of plans and spend."""
    return data_dir() / "ledger.sqlite3"


def price_snapshot_dir() -> Path:
    """Where ``prices update`` keeps the current and previous downloaded snapshots."""
    return data_dir() / "prices"


def autostart_file() -> Path:
    """The XDG autostart entry that starts tokenbudget at login (Linux desktops).

    ``$XDG_CONFIG_HOME/autostart/tokenbudget.desktop`` (``~/.config`` by default); under
    ``TOKENBUDGET_HOME``, ``autostart/`` there, so tests never touch the real one.
    """
    root = _override_root()
    if root is not None:
        return root / "autostart" / "tokenbudget.desktop"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / "tokenbudget.desktop"


def icons_dir() -> Path:
    """The bundled icons (SVG and PNG sizes; see ``resources/icons/manifest.json``)."""
    return resources_dir() / "icons"


def i18n_dir() -> Path:
    """The interface's translation catalogues (``.qm``; see ``resources/i18n/manifest.json``)."""
    return resources_dir() / "i18n"


def can_look_at(path: Path) -> bool | None:
    """Whether ``path`` exists: True, False, or None when it cannot be looked at.

    ``Path.exists`` raises for a folder the user may not enter (``~/.kimi`` made by ``sudo
    kimi``, say); here that is None, so callers can say "cannot be read" instead of failing or
    calling it missing.
    """
    try:
        path.stat()
    except PermissionError:
        return None
    except (OSError, ValueError):
        return False
    return True
