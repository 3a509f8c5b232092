"""``--help`` tells about the window, ``--quick`` and ``--tray``; ``tokenbudget help`` works."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from tokenbudget import cli


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_help_tells_about_the_window() -> None:
    code, out, _ = run("help")
    out = " ".join(out.split())  # argparse wraps to the terminal's width
    assert code == 0
    assert "--quick" in out and "--tray" in out
    assert "With no command, tokenbudget opens its window" in out
    assert "help COMMAND" in out and "Exit codes" in out


def test_dash_dash_help_from_the_entry_point_says_the_same() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": ""}
    done = subprocess.run(
        [sys.executable, "-m", "tokenbudget", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout and "opens its window" in " ".join(done.stdout.split())


@pytest.mark.parametrize(
    ("topic", "expected"),
    [(("count",), "usage: tokenbudget count"), (("prices", "update"), "--allow-older")],
)
def test_help_of_a_command(topic: tuple[str, ...], expected: str) -> None:
    code, out, _ = run("help", *topic)
    assert code == 0 and expected in out
    assert "--quick" not in out


def test_help_of_an_unknown_command() -> None:
    code, out, err = run("help", "cont")
    assert code == 2 and out == ""
    assert "no command 'cont'" in err and "did you mean count?" in err


def test_window_flags_with_a_command_are_refused() -> None:
    code, _, err = run("--quick", "count")
    assert code == 2 and "give them alone" in err
