"""``tokenbudget statusline``: Claude Code's status-line command, and its installer.

Claude Code runs the command after every message, with a JSON object on standard input, and
shows the first line the command prints. This one stores the input's ``rate_limits`` as
official limit snapshots and prints one short line::

    Opus 4.6 │ ctx 42% │ today $3.20 │ 5h 23% · 7d 41% │ Claude Max 7d tokens 43%

Contracts: it always exits 0 and never prints a traceback (a status line must never break the
user's terminal): empty, malformed or binary input, a missing or broken ledger and a missing
home folder each give a plain short line. It is run often, so it imports only what the line
needs (no Qt, tokenizer, catalogue or key store) and reaches the command line through
``cli.run``'s fast path, without the full argument parser. Most runs open no ledger either:
they reuse the ledger parts of the line an earlier run computed while no file they came from
has changed (a minute at most), and leave the input's limits for the ledger to take later
(``core.statusline_state``). After a change to the ledger (live sync imports every response)
a run reads a current ledger with a few queries and adds the official figures to the plan
part it kept (30 seconds at most); only a missing or older ledger, or a plan part out of
date, takes the full service.

``--then CMD`` runs the user's previous status-line command with the same input (through the
shell, 2 seconds at most; its failure is ignored) and appends its first line. ``--install`` and
``--uninstall`` edit Claude Code's settings file (see ``LimitsService.install_statusline``).
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from tokenbudget.core.services import Service
    from tokenbudget.core.types import LimitSnapshot, LimitWindow, PlanStatus

SEP = " │ "
_MAX_INPUT = 8 * 1024 * 1024
_THEN_TIMEOUT = 2.0
_NO_INPUT = "tokenbudget: no status input"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options (the full parser and the fast path share them)."""
    parser.add_argument(
        "--then",
        metavar="CMD",
        help="also run this status-line command (your previous one) and append its output",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--install",
        action="store_true",
        help="make this Claude Code's status line (keeps a backup and your previous command)",
    )
    action.add_argument(
        "--uninstall", action="store_true", help="put back the status line you had before"
    )
    parser.add_argument(
        "--settings",
        metavar="PATH",
        help="Claude Code's settings file (default: $CLAUDE_CONFIG_DIR or ~/.claude, "
        "settings.json)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """The handler behind the full parser (``tokenbudget --no-recover statusline``, say)."""
    err: TextIO = getattr(args, "err", None) or sys.stderr
    return _dispatch(args, out, err)


def run_fast(argv: list[str], out: TextIO | None, err: TextIO | None) -> int:
    """``tokenbudget statusline ...`` without building the full argument parser."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not argv or (len(argv) == 2 and argv[0] == "--then" and not argv[1].startswith("-")):
        # As Claude Code runs it: no need to load argparse.
        plain = SimpleNamespace(
            then=argv[1] if argv else None, install=False, uninstall=False, settings=None
        )
        return _dispatch(plain, out, err)
    import argparse

    parser = argparse.ArgumentParser(prog="tokenbudget statusline", exit_on_error=False)
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except (SystemExit, argparse.ArgumentError) as exc:  # --help, or a usage error
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            return 0
        if isinstance(exc, argparse.ArgumentError):
            _write(err, f"tokenbudget: {exc}\n")
        if "--install" in argv or "--uninstall" in argv:
            return 2
        # As Claude Code's command it must still print a line and exit 0.
        _write(out, "tokenbudget: unknown statusline option (see tokenbudget statusline -h)\n")
        return 0
    return _dispatch(args, out, err)


def _dispatch(args: argparse.Namespace | SimpleNamespace, out: TextIO, err: TextIO) -> int:
    if args.install or args.uninstall:
        return _install(args, out, err)
    if args.settings:
        _write(err, "tokenbudget: --settings goes with --install or --uninstall\n")
        return 2
    try:
        raw = _read_input()
        _write(out, status_line(raw, args.then) + "\n")
    except KeyboardInterrupt:
        return 130
    except BaseException:
        _write(out, "tokenbudget: status line unavailable\n")
    return 0


def _read_input() -> bytes | None:
    """Standard input's bytes (None when it is a terminal: nothing was piped in)."""
    stream = sys.stdin
    if stream is None or stream.isatty():
        return None
    return stream.buffer.read(_MAX_INPUT + 1)


def status_line(raw: bytes | None, then: str | None = None, service: Service | None = None) -> str:
    """The line for Claude Code's input ``raw``, with ``then``'s first line appended."""
    try:
        line = _ours(raw, service)
    except KeyboardInterrupt:
        raise
    except BaseException:
        line = "tokenbudget: status line unavailable"
    if then:
        extra = _run_then(then, raw or b"")
        if extra:
            line = f"{line}{SEP}{extra}"
    return line


def _ours(raw: bytes | None, service: Service | None) -> str:
    if raw is None or not raw.strip():
        return _NO_INPUT
    if len(raw) > _MAX_INPUT:
        return "tokenbudget: status input too large"
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return "tokenbudget: status input is not JSON"
    if not isinstance(data, dict):
        return "tokenbudget: status input is not a JSON object"
    now = datetime.now().astimezone()
    parts = [p for p in (_model(data), _context(data)) if p]
    parts += _ledger_parts(data, now, service)
    return SEP.join(parts) if parts else "tokenbudget"


def _clean(value: object, limit: int = 40) -> str:
    """Printable text only (no escape sequences from the input), at most ``limit`` long."""
    if not isinstance(value, str):
        return ""
    text = "".join(c for c in value if c.isprintable()).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if 0 <= number < 1e15 else None


def _model(data: dict[str, Any]) -> str:
    model = data.get("model")
    if isinstance(model, dict):
        return _clean(model.get("display_name")) or _clean(model.get("id"))
    return _clean(model)


def _context(data: dict[str, Any]) -> str:
    """``ctx 42%``: the context window's use (Claude Code's figure, else from its counts)."""
    window = data.get("context_window")
    if not isinstance(window, dict):
        return ""
    percent = _number(window.get("used_percentage"))
    if percent is None:
        size = _number(window.get("context_window_size"))
        usage = window.get("current_usage")
        if size and isinstance(usage, dict):
            keys = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
            used = sum(_number(usage.get(k)) or 0 for k in keys)
            percent = used * 100 / size
    return "" if percent is None else f"ctx {percent:.0f}%"


def _ledger_parts(data: dict[str, Any], now: datetime, given: Service | None) -> list[str]:
    """Today's spend, the official limits and the plan: what needs the ledger.

    Most runs reuse what an earlier run computed (``LimitsService.kept_status_parts``: while
    no file it came from changed, for a minute at most) and leave the input's limits for the
    ledger to take later, so that they import no ledger at all. The others read a current
    ledger with a few queries (``LimitsService.quick_status_parts``), and build the full
    service only for the plan when its kept part is out of date, or for a ledger to create,
    migrate or report.
    """
    from tokenbudget.core.services import LimitsService

    snapshots = LimitsService.claude_windows(data.get("rate_limits"), now)
    shown = _limits(snapshots, now)
    quick = None
    if given is None:
        kept = None
        with contextlib.suppress(Exception):  # an unusable home: the slow path says so
            kept = LimitsService.kept_status_parts(now)
        if kept is not None:
            with contextlib.suppress(Exception):  # a lost figure is refreshed by the next run
                LimitsService.keep_for_later(snapshots)
            parts = [kept.get("today", ""), shown or kept.get("limits", ""), kept.get("plan", "")]
            return [p for p in parts if p]
        with contextlib.suppress(Exception):  # the full path below reports what failed
            quick = LimitsService.quick_status_parts(now, snapshots)
    service = given
    try:
        if quick is not None:
            if not snapshots:  # absent until the session's first response: show what is known
                shown = _limits([s for s in quick.claude if not s.is_stale(now)], now)
            found = {"today": quick.today, "limits": shown, "plan": quick.plan or ""}
            if quick.plan is None:
                service = _service()
                best = _best(service, now)
                found["plan"] = _plan_text(best)
                LimitsService.keep_plan_part(now, quick.plan_key, _plan_base(best))
        else:
            service = service or _service()
            if snapshots:
                service.limits.record(LimitsService.from_claude_code(data.get("rate_limits"), now))
            else:
                shown = _limits(
                    [s for s in service.limits.latest("claude-code") if not s.is_stale(now)], now
                )
            found = {
                "today": _today(service, now),
                "limits": shown,
                "plan": _plan_text(_best(service, now)),
            }
    except KeyboardInterrupt:
        raise
    except BaseException:  # the line still shows what the input gave
        return [p for p in (shown, "ledger unavailable") if p]
    finally:
        if given is None and service is not None:
            service.close()
    if given is None:
        with contextlib.suppress(Exception):
            LimitsService.keep_status_parts(now, found)
    return [p for p in (found["today"], found["limits"], found["plan"]) if p]


def _service() -> Service:
    from tokenbudget.core.services import Service

    service = Service()
    # Never move a ledger aside from a status line: the window or a command does that.
    service.recover_ledger = False
    return service


def _today(service: Service, now: datetime) -> str:
    """``today $3.20``: entries recorded since local midnight, in the display currency."""
    from tokenbudget.core.types import HistoryFilter

    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    totals = service.entries.totals(HistoryFilter(since=midnight))
    return service.limits.today_line(totals.entries, totals.cost_micros)


def _limits(snapshots: Sequence[LimitWindow | LimitSnapshot], now: datetime) -> str:
    """``5h 23% · 7d 41% (resets Tue 09:00)``: the official windows, resets when near."""
    shown = []
    for snap in sorted(snapshots, key=lambda s: s.window_minutes or 0):
        text = f"{snap.window} {snap.used_percent:.0f}%"
        if snap.resets_at is not None and snap.resets_at > now:
            left = snap.resets_at - now
            near = timedelta(hours=1) if (snap.window_minutes or 0) <= 300 else timedelta(days=1)
            if left <= near or snap.used_percent >= 80:
                local = snap.resets_at.astimezone()
                fmt = "%H:%M" if left < timedelta(hours=20) else "%a %H:%M"
                fmt = fmt if left < timedelta(days=6) else "%Y-%m-%d"
                text += f" (resets {local.strftime(fmt)})"
        shown.append(text)
    return " · ".join(shown)


def _best(service: Service, now: datetime) -> PlanStatus | None:
    """The status of the plan covering Anthropic (a subscription first), if any."""
    statuses = service.plans.status(now)
    named = [s for s in statuses if "anthropic" in {p.lower() for p in s.plan.providers}]
    return _pick(named) or _pick([s for s in statuses if not s.plan.providers])


def _plan_text(best: PlanStatus | None) -> str:
    """``Claude Max 7d official 43%``: the plan covering Anthropic, by its headline figure.

    A subscription's headline is its most-used cap, the provider's own figure when fresh; a
    budget's or balance's is its spend against the amount (``core.plan_cards.headline``).
    """
    from tokenbudget.core.types import headline

    if best is None:
        return ""
    line = headline(best)
    name = _clean(best.plan.name, 30)
    if line.basis_points is None:
        return name
    label = f" {line.cap.label}" if line.cap is not None else ""
    return f"{name}{label} {line.basis_points // 100}%"


def _plan_base(best: PlanStatus | None) -> dict[str, object]:
    """What the status line keeps of the plan: it without its official figures.

    A subscription's own caps (``LimitsService.plan_line`` adds the official ones at each
    run); any other plan's finished line.
    """
    if best is None or best.plan.kind.value != "subscription":
        return {"text": _plan_text(best)}
    caps = [
        [c.label, c.basis_points, c.window_hours, c.measure.value == "percent"] for c in best.caps
    ]
    return {
        "name": _clean(best.plan.name, 30),
        "providers": list(best.plan.providers),
        "caps": caps,
    }


def _pick(statuses: list[PlanStatus]) -> PlanStatus | None:
    """A subscription before a budget or balance; else the first."""
    for status in statuses:
        if status.plan.kind.value == "subscription":
            return status
    return statuses[0] if statuses else None


def _run_then(command: str, raw: bytes) -> str:
    """The first non-empty output line of ``command`` fed ``raw`` ("" if it fails)."""
    import subprocess

    try:
        done = subprocess.run(
            command,
            shell=True,
            input=raw,
            capture_output=True,
            timeout=_THEN_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return ""
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.rstrip()
    return ""


def _install(args: argparse.Namespace | SimpleNamespace, out: TextIO, err: TextIO) -> int:
    """``--install`` / ``--uninstall``: exit 0 when done, 2 when refused (settings not JSON)."""
    from pathlib import Path

    from tokenbudget.core.errors import TokenbudgetError
    from tokenbudget.core.services import Service

    settings = Path(args.settings).expanduser() if args.settings else None
    now = datetime.now().astimezone()
    try:
        limits = Service().limits
        if args.uninstall:
            path = settings or limits.claude_settings_file()
            if limits.uninstall_statusline(now, settings):
                _write(out, f"Removed tokenbudget's status line from {path}.\n")
            else:
                _write(out, f"tokenbudget's status line is not installed in {path}.\n")
            return 0
        done = limits.install_statusline(now, settings)
    except (TokenbudgetError, OSError, RuntimeError) as exc:
        _write(err, f"tokenbudget: {exc}\n")
        return 2
    _write(out, f"Installed in {done.settings_file}:\n  {done.command}\n")
    if done.previous_command:
        _write(out, f"Your previous status line still runs after it: {done.previous_command}\n")
    _write(out, "Claude Code shows it from its next message; --uninstall puts back yours.\n")
    return 0


def _write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass
