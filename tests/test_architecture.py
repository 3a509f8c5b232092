"""The core and the command line never import Qt (checked in a fresh interpreter)."""

import subprocess
import sys
from pathlib import Path

import pytest

QT = ("PySide6", "shiboken6", "tokenbudget.gui")


@pytest.mark.parametrize(
    "module",
    ["tokenbudget.core.service", "tokenbudget.cli", "tokenbudget.app"],
)
def test_core_and_cli_do_not_import_qt(module: str) -> None:
    code = (
        "import sys, importlib, pkgutil, tokenbudget.core as core\n"
        f"importlib.import_module({module!r})\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('tokenbudget.core.' + m.name)\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({QT!r}))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_count_path_does_not_load_unneeded_libraries(tmp_path: Path) -> None:
    """Counting for one OpenAI model must not import Qt, keyring or the HF tokenizers."""
    code = (
        "import io, sys\n"
        "from tokenbudget import cli\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'hello world'))\n"
        "rc = cli.run(['count', '--model', 'gpt-5.5'], out=io.StringIO())\n"
        "assert rc == 0, rc\n"
        "heavy = ('PySide6', 'keyring', 'tokenizers')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "assert not bad, bad\n"
    )
    env = {"TOKENBUDGET_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
