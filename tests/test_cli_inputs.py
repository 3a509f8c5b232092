"""Bad input on the command line: refused with one line and the right exit code, never stored.

Each test drives the real command line (``cli.run`` or ``python -m tokenbudget``) with a value
that an earlier version accepted or crashed on.
"""

from __future__ import annotations

import io
import os
import resource
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tokenbudget import cli
from tokenbudget.core import paths

HUGE = "99999999999999999999999"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def plain(err: str) -> bool:
    """One line, and not the catch-all for bugs."""
    return err.count("\n") == 1 and "unexpected error" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            (
                "plan",
                "add",
                "S",
                "--kind",
                "subscription",
                "--amount",
                "20",
                "--windows",
                "99999999999h:tokens=1",
            ),
            "window is at most",
        ),
        (
            (
                "plan",
                "add",
                "S",
                "--kind",
                "subscription",
                "--amount",
                "20",
                "--windows",
                f"5h:tokens={HUGE}",
            ),
            "at most",
        ),
        (
            (
                "plan",
                "add",
                "S",
                "--kind",
                "subscription",
                "--amount",
                "20",
                "--monthly-tokens",
                HUGE,
            ),
            "at most",
        ),
        (("plan", "add", "B", "--kind", "budget", "--amount", "1e400"), "at most"),
        (("plan", "add", "B", "--kind", "budget", "--amount", "1e20"), "at most"),
        (
            ("plan", "add", "P", "--kind", "prepaid", "--amount", "5", "--start", "0001-01-01"),
            "between 2000 and 2099",
        ),
        (("rates", "set", "EUR", "1e400"), "rate must be between"),
        (("rates", "set", "EUR", "1e-400"), "rate must be between"),
        (("rates", "set", "EUR", "0.9", "--date", "0001-01-01"), "between 2000 and 2099"),
        (("log", "-m", "gpt-5.5", "-i", "5", "--at", "0001-01-01"), "between 2000 and 2099"),
        (("log", "-m", "gpt-5.5", "-i", "5", "--at", "9999-12-31T23:59"), "between 2000"),
        (("log", "-m", "gpt-5.5", "-i", HUGE), "more than"),
        (("log", "-m", "gpt-5.5", "--requests", HUGE), "more than"),
        (("log", "-m", "gpt-5.5", "--cost", "1e30", "--currency", "USD"), "at most"),
        (("history", "--limit", HUGE), "more than"),
        (("history", "--since", "0001-01-01"), "between 2000 and 2099"),
        (("count", "-m", "gpt-5.5", "-o", HUGE, "-"), "more than"),
    ],
)
def test_out_of_range_values_are_refused_and_nothing_breaks_later(
    argv: tuple[str, ...], says: str
) -> None:
    code, _, err = run(*argv)
    assert code == 2, err
    assert says in err and plain(err), err
    for later in (("status",), ("rates", "list"), ("history",), ("plan", "list")):
        code, _, err = run(*later)
        assert code == 0, (later, err)


def test_a_stored_absurd_window_gives_one_line_in_status() -> None:
    """An older version stored any window; status must say which plan, not OverflowError."""
    from tokenbudget.core.ledger import Ledger
    from tokenbudget.core.plans import Plan, PlanKind, WindowCap

    plan = Plan("Old", PlanKind.SUBSCRIPTION, "USD", 20_000_000, windows=(WindowCap(10**11, 1),))
    with Ledger.open(paths.ledger_file()) as ledger:
        ledger.add_plan(plan, now=datetime(2026, 1, 1, tzinfo=UTC))
    code, _, err = run("status")
    assert code == 2
    assert "plan 'Old' has a window of 100,000,000,000 hours" in err and plain(err), err
    assert "plan edit" in err
    code, _, err = run("plan", "edit", "Old", "--windows", "5h:tokens=100")
    assert code == 0, err
    assert run("status")[0] == 0


def test_a_stored_absurd_rate_gives_one_line() -> None:
    from tokenbudget.core.money import ExchangeRate
    from tokenbudget.core.settings import Settings

    settings = Settings.load(paths.config_dir() / "settings.json")
    settings.set_exchange_rate(ExchangeRate("EUR", Decimal("1e400"), date(2026, 1, 1)))
    settings.save()
    code, _, err = run("count", "-m", "gpt-5.5", "--currency", "EUR", "README.md")
    assert code in (1, 2) and plain(err), err


def _tokenbudget(
    *argv: str, stdin: object = subprocess.DEVNULL, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    def limit_memory() -> None:  # an old version read /dev/zero until it was killed
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    return subprocess.run(
        [sys.executable, "-m", "tokenbudget", *argv],
        stdin=stdin,  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        preexec_fn=limit_memory,
        check=False,
    )


def test_home_that_is_a_file_gives_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home-file"
    home.write_text("not a folder")
    for argv in (("status",), ("rates", "set", "EUR", "0.9"), ("plan", "list")):
        result = _tokenbudget(*argv, env={"TOKENBUDGET_HOME": str(home)})
        assert result.returncode == 2, result.stderr
        assert "which is a file, not a folder" in result.stderr, result.stderr
        assert plain(result.stderr), (argv, result.stderr)


def test_count_with_standard_input_closed_gives_one_line() -> None:
    closed_by_shell = subprocess.run(
        ["sh", "-c", 'exec "$0" -m tokenbudget count -m gpt-5.5 <&-', sys.executable],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    closed_later = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys, runpy; os.close(0); sys.argv = ['tokenbudget', "
            "'count', '-m', 'gpt-5.5']; runpy.run_module('tokenbudget', run_name='__main__')",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    for result in (closed_by_shell, closed_later):
        assert result.returncode == 2, result.stderr
        assert "standard input is closed" in result.stderr and plain(result.stderr)


@pytest.mark.parametrize("source", ["/dev/zero", "/dev/urandom"])
def test_count_refuses_endless_binary_input_after_its_first_bytes(source: str) -> None:
    with open(source, "rb") as handle:
        as_file = _tokenbudget("count", "-m", "gpt-5.5", source)
        as_stdin = _tokenbudget("count", "-m", "gpt-5.5", stdin=handle)
    for result in (as_file, as_stdin):
        assert result.returncode == 2, result.stderr
        assert "not counted" in result.stderr and plain(result.stderr), result.stderr


def test_count_refuses_input_past_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenbudget.core import textinput

    monkeypatch.setattr(textinput, "MAX_TEXT_BYTES", 1 << 20)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"y\n" * (1 << 20))))
    code, out, err = run("count", "-m", "gpt-5.5")
    assert code == 2 and out == ""
    assert "larger than 1 MiB; not counted" in err and plain(err), err


def test_count_refuses_a_huge_file_before_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(300 << 20)  # sparse: nothing is written, and nothing should be read
    with huge.open("rb") as handle:
        results = [
            _tokenbudget("count", "-m", "gpt-5.5", str(huge)),
            _tokenbudget("count", "-m", "gpt-5.5", stdin=handle),
        ]
    for result in results:
        assert result.returncode == 2, result.stderr
        assert "larger than 256 MiB; not counted" in result.stderr and plain(result.stderr)


def _null_device(tmp_path: Path) -> Path:
    """A null device the test may lose: never the system's own when the test runs as root.

    An old version renamed its CSV over the target; as root that replaces /dev/null for the
    whole machine. Root gets a private node of the same device in ``tmp_path`` instead; other
    users cannot rename anything in /dev, so /dev/null itself is safe for them.
    """
    if os.geteuid() != 0:
        return Path(os.devnull)
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


@pytest.mark.parametrize("kind", ["null", "fifo", "folder"])
def test_export_refuses_targets_that_are_not_regular_files(tmp_path: Path, kind: str) -> None:
    assert run("log", "-m", "gpt-5.5", "-i", "5")[0] == 0
    if kind == "null":
        target = _null_device(tmp_path)
    elif kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = tmp_path / "folder"
        target.mkdir()
    before = target.stat().st_mode
    code, _, err = run("export", str(target))
    assert code == 2, err
    assert "not a regular file" in err and plain(err), err
    assert target.stat().st_mode == before
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert not Path(str(target) + ".part").exists()


def test_export_still_writes_a_regular_file(tmp_path: Path) -> None:
    assert run("log", "-m", "gpt-5.5", "-i", "5")[0] == 0
    target = tmp_path / "out.csv"
    target.write_text("old")
    code, out, err = run("export", str(target))
    assert code == 0, err
    assert "Exported 1 entry to" in out and "gpt-5.5" in target.read_text()


@pytest.mark.parametrize("order", ["map-first", "file-first", "between"])
def test_import_csv_takes_the_file_before_or_after_map(tmp_path: Path, order: str) -> None:
    first = tmp_path / "a.csv"
    first.write_text("when,what,in\n2026-01-02T10:00:00Z,gpt-5.5,100\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("when,what,in\n2026-01-03T10:00:00Z,gpt-5.5,200\n", encoding="utf-8")
    maps = ["--map", "time=when", "--map", "model=what", "--map", "input_tokens=in"]
    argv = {
        "map-first": ["import", "csv", *maps, str(first), str(second)],
        "file-first": ["import", "csv", str(first), str(second), *maps],
        "between": ["import", "csv", str(first), *maps, str(second)],
    }[order]
    code, out, err = run(*argv)
    assert code == 0, err
    assert "Imported 2 new or updated entries" in out and "2 files" in out


def test_unknown_arguments_are_still_refused() -> None:
    code, _, err = run("status", "extra")
    assert code == 2 and "unrecognized arguments: extra" in err
    code, _, err = run("import", "csv", "--bogus")
    assert code == 2 and "unrecognized arguments: --bogus" in err


@pytest.mark.parametrize(
    "argv",
    [("rates", "list"), ("rates", "set", "CNY", "7.1"), ("currency", "EUR"), ("privacy",)],
)
def test_a_malformed_settings_file_stops_the_settings_commands(argv: tuple[str, ...]) -> None:
    """The command line does not work on defaults over a file it cannot read; it is kept."""
    settings = paths.config_dir() / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("{not json", encoding="utf-8")
    code, out, err = run(*argv)
    assert code == 1 and plain(err) and out == ""
    assert f"settings file {settings} is unreadable" in err
    assert settings.read_text(encoding="utf-8") == "{not json"


def test_the_window_with_a_home_that_is_a_file_says_so_in_one_line(tmp_path: Path) -> None:
    """The window's start, too, names the bad TOKENBUDGET_HOME instead of a traceback."""
    home = tmp_path / "home-file"
    home.write_text("not a folder\n")
    env = {**os.environ, "TOKENBUDGET_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "tokenbudget"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"tokenbudget: TOKENBUDGET_HOME is {home}, which is a file, not a folder"
    ]
