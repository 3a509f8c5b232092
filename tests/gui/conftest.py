"""GUI tests run on Qt's offscreen platform, with no D-Bus session.

Both variables must be set before anything imports Qt, so they are set here, at import time
of this conftest, which pytest loads before the test modules of this directory.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator

import pytest

#: The offscreen platform's one screen: 800×600, a small laptop panel, so every window is
#: tested at the size the smallest screens give it (the platform's own default is 800×800).
SCREEN = {"width": 800, "height": 600}


def _screen_config() -> str:
    path = os.path.join(tempfile.gettempdir(), f"tokenbudget-offscreen-{os.getpid()}.json")
    screen = {"name": "small", "x": 0, "y": 0, **SCREEN}
    screen.update({"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1})
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"screens": [screen]}, handle)
    return path


os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_screen_config()}")
os.environ.setdefault("DBUS_SESSION_BUS_ADDRESS", "disabled:")


def _none_refcount_broken() -> bool:
    """True when calling a void Qt method drops a reference to None.

    PySide6 6.12.0 on Python 3.11 does this (None is immortal only from Python 3.12 on, so
    later Pythons hide it): after a few thousand calls None is freed and the interpreter
    aborts with "none_dealloc: deallocating None".
    """
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(50):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 25


_BROKEN = _none_refcount_broken()

#: What the offscreen platform says when a test shows a window: limits of the platform
#: plugin, not faults of the app (``qt_log_level_fail = WARNING`` would fail on them).
OFFSCREEN_NOISE = (
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the (keyboard|mouse))",
    # A tray icon shown where there is no tray (the offscreen platform has none).
    r"^QObject::connect: No such signal QPlatformNativeInterface::systemTrayWindowChanged",
)


@pytest.fixture(scope="session", autouse=True)
def count_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One counting child process for the session: what the app ships, started once.

    Every window, popup and coordinator of the GUI tests counts through it (the app's shared
    ``CountHub``); a channel held here keeps it running between tests. It has a home of its
    own, so its vocabulary cache never touches the user's.
    """
    from tokenbudget.gui.count_channel import CountHub, set_shared_hub

    home = tmp_path_factory.mktemp("count-process")
    hub = CountHub(env={"TOKENBUDGET_HOME": str(home), "HOME": str(home)})
    previous = set_shared_hub(hub)
    channel = hub.join(lambda _reply: None)
    yield hub
    hub.leave(channel)
    set_shared_hub(previous)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Ignore the offscreen platform's own warnings in the GUI tests."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here) and item.get_closest_marker("qt_log_ignore") is None:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _usable_qt_bindings() -> None:
    if _BROKEN:
        import PySide6

        pytest.fail(
            f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} drops a "
            "reference to None on every void call, and the interpreter soon aborts "
            "(none_dealloc). Install another PySide6 (6.11.3 works) or use Python >= 3.12.",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread() -> Iterator[None]:
    """Collect each test's cyclic garbage on the main thread, when the test ends.

    Left alone, Python's cyclic collector runs on whichever thread allocates next, which can
    be a worker of the thread pool in a later test. A Qt object that owns a socket notifier
    (a ``QProcess``, a ``QLocalSocket``) destroyed there makes Qt warn "Socket notifiers cannot
    be enabled or disabled from another thread", and ``qt_log_level_fail`` fails that innocent
    later test (seen once in CI on ``test_encoding_on_the_thread_pool``).
    """
    import gc

    yield
    gc.collect()
