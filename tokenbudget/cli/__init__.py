"""The ``tokenbudget`` command line. Imports the core only, never Qt.

Exit codes: 0 success; 2 bad input or usage; 1 anything else. Errors are one line on
standard error, never a traceback.

Layout: ``parser`` builds the arguments (with ``ledger_args`` and ``keys``); each command
names its handler module (``count``, ``catalog``, ``preferences``, ``plans``, ``entries``,
``keys``, ``recover``), which ``run`` imports only when that command runs. Handlers share
``common``; none imports this package, so there is no import cycle. Of the core they import
only ``core.services``, ``core.types`` and ``core.errors``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tokenbudget.cli.common import EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, Handler
    from tokenbudget.cli.parser import build_parser

__all__ = ["EXIT_OK", "EXIT_UNEXPECTED", "EXIT_USAGE", "build_parser", "main", "run"]

# Imported when first asked for: ``tokenbudget statusline`` (run after every Claude Code
# message) must not pay for the whole parser.
_LAZY = {
    "EXIT_OK": "tokenbudget.cli.common",
    "EXIT_UNEXPECTED": "tokenbudget.cli.common",
    "EXIT_USAGE": "tokenbudget.cli.common",
    "build_parser": "tokenbudget.cli.parser",
}


def __getattr__(name: str) -> Any:
    """The names above, from their modules."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


def _handler(name: str) -> Handler:
    module, _, function = name.partition(":")
    found: Handler = getattr(importlib.import_module(module), function)
    return found


def _os_error(exc: OSError) -> str:
    """One line for an operating-system error: what failed, on which file."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
    return f"{reason}: {' -> '.join(names)}" if names else reason


def run(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; returns the exit code. Never raises, never prints a traceback."""
    if list(argv[:1]) == ["statusline"]:
        # The fast path: its own small parser, and it always exits 0 (see cli.statusline).
        from tokenbudget.cli.statusline import run_fast

        return run_fast(list(argv[1:]), out, err)
    from tokenbudget.cli.common import EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE
    from tokenbudget.cli.ledger_args import take_late_paths
    from tokenbudget.cli.parser import build_parser
    from tokenbudget.core.errors import TokenbudgetError, UsageError, UserInputError

    # A stream the shell closed (``>&-``) is None: write nowhere rather than fail.
    out = out or sys.stdout or _devnull()
    err = err or sys.stderr or _devnull()
    try:
        parser = build_parser()
        args, extras = parser.parse_known_args(list(argv))
        extras = take_late_paths(args, extras)
        if extras:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        if args.quick or args.tray:
            raise UsageError(
                "--quick and --tray open the window; give them alone (tokenbudget --quick)"
            )
        if args.command is None:
            parser.print_help(out)
            return EXIT_OK
        args.err = err
        return int(_handler(args.handler)(args, out))
    except UsageError as exc:
        if list(argv[:1]) == ["keys"] and "unrecognized arguments" in str(exc):
            # Never echo what was typed: it may be a key.
            exc = UsageError(
                "keys takes no key on the command line (other users and the shell history "
                "would see it); it reads the key from a prompt or standard input"
            )
        return _fail(err, str(exc), EXIT_USAGE)
    except UserInputError as exc:
        return _fail(err, str(exc), EXIT_USAGE)
    except TokenbudgetError as exc:
        return _fail(err, str(exc), EXIT_UNEXPECTED)
    except KeyboardInterrupt:
        return _fail(err, "interrupted", 130)
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        return _fail(err, _os_error(exc), EXIT_UNEXPECTED)
    except (OverflowError, ArithmeticError) as exc:
        # Input is range-checked where it comes in; this is a value stored by an older version
        # (an exchange rate of 1e400, say) that the maths cannot handle.
        return _fail(
            err,
            f"a number is too large or too small to compute with ({type(exc).__name__}); "
            "check the exchange rates (tokenbudget rates list) and the plans",
            EXIT_UNEXPECTED,
        )
    except MemoryError:
        return _fail(err, "not enough memory for this input", EXIT_UNEXPECTED)
    except Exception as exc:
        return _fail(err, f"unexpected error: {type(exc).__name__}: {exc}", EXIT_UNEXPECTED)


def _fail(err: TextIO, message: str, code: int) -> int:
    # Standard error closed or gone: the exit code still says it.
    with contextlib.suppress(OSError, ValueError):
        err.write(f"tokenbudget: {message}\n")
    return code


def _devnull() -> TextIO:
    return open(os.devnull, "w", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: the process's arguments)."""
    return run(sys.argv[1:] if argv is None else argv)
