"""``tokenbudget limits``: the official plan limits the coding tools wrote down."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TextIO

from tokenbudget.cli.common import EXIT_OK, open_service, table, utc_now, write_json

NO_LIMITS = (
    "No official limits seen yet: they come from Codex logs (tokenbudget import) and "
    "Claude Code's status line (tokenbudget statusline --install).\n"
)


def ago(now: datetime, then: datetime) -> str:
    """``seen 3 min ago``-style age: ``just now``, ``3 min ago``, ``2 h ago``, ``4 days ago``."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def run_limits(args: argparse.Namespace, out: TextIO) -> int:
    """The newest official snapshot per source and window, as a table or JSON."""
    service = open_service(args)
    snapshots = service.limits.latest()
    if args.json:
        write_json([s.to_json() for s in snapshots], out)
        return EXIT_OK
    if not snapshots:
        out.write(NO_LIMITS)
        return EXIT_OK
    now = utc_now()
    rows = [["source", "window", "used", "resets at", "seen", "plan", "note"]]
    for snap in snapshots:
        resets = "unknown" if snap.resets_at is None else snap.resets_at.astimezone()
        rows.append(
            [
                snap.source + (f" ({snap.limit_id})" if snap.limit_id else ""),
                snap.window,
                f"{snap.used_percent.normalize():f} %",
                resets if isinstance(resets, str) else resets.strftime("%Y-%m-%d %H:%M"),
                ago(now, snap.observed_at),
                snap.plan_type or "",
                "stale: window reset since" if snap.is_stale(now) else "",
            ]
        )
    table(rows, {2}, out)
    return EXIT_OK
