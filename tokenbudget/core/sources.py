"""The coding tools whose logs tokenbudget imports: found or not, and what came of them.

One ``SourceInfo`` per registered importer but CSV (it has no place of its own), built from
what the importer says (``name``, ``default_roots``, ``per_session``), the ledger (its last
run, ``ledger.runs``, and the entries of its source) and the settings (live sync switched off
for it). Nothing here names a tool except the display labels, so an importer added to
``importers.IMPORTERS`` appears on its own (with its name as its label when it has none).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from tokenbudget.core.importers.base import SOURCE_CSV, Problem
from tokenbudget.core.paths import can_look_at

if TYPE_CHECKING:
    from tokenbudget.core.importers.base import Importer
    from tokenbudget.core.ledger.runs import ImportRun, SourceTotals

#: How each tool calls itself (an importer missing here shows its name).
LABELS: Final[Mapping[str, str]] = {
    "claude-code": "Claude Code",
    "codex": "Codex",
    "gemini-cli": "Gemini CLI",
    "qwen-code": "Qwen Code",
    "kimi-cli": "Kimi CLI / Kimi Code",
    "opencode": "OpenCode",
    "copilot-cli": "GitHub Copilot CLI",
    "droid": "Factory Droid",
    "goose": "Goose",
}


@dataclass(frozen=True)
class SourceInfo:
    """One coding tool, as the Sources page and ``tokenbudget sources`` show it.

    Attributes:
        name: The importer's name (the ``source`` of its entries).
        label: Its display name.
        roots: Where the tool keeps its logs by default (with its env overrides).
        found: The roots that exist now.
        last_import: When it was last imported, or None.
        files_read: Files its last import read (new or changed ones).
        last_records: Entries its last import wrote.
        problem_count: Problems its last import reported (all of them).
        problems: The first of them (``ledger.runs.MAX_STORED_PROBLEMS``): skipped lines.
        entries: Entries the ledger holds from it.
        tokens: Their tokens, all kinds summed.
        cost: Their cost per currency (priced entries only).
        unpriced: Entries without a price (never counted as zero cost).
        live_sync: Whether live sync watches it.
        per_session: Whether the tool logs one total per session (each entry is a session).
        unreadable: Roots that exist but the user may not look into (permissions).
    """

    name: str
    label: str
    roots: tuple[Path, ...]
    found: tuple[Path, ...]
    last_import: datetime | None = None
    files_read: int = 0
    last_records: int = 0
    problem_count: int = 0
    problems: tuple[Problem, ...] = ()
    entries: int = 0
    tokens: int = 0
    cost: Mapping[str, Decimal] = field(default_factory=dict)
    unpriced: int = 0
    live_sync: bool = True
    per_session: bool = False
    unreadable: tuple[Path, ...] = ()

    @property
    def is_found(self) -> bool:
        """Whether any of its log folders exists."""
        return bool(self.found)


def label_of(importer: Importer) -> str:
    """The importer's display name: its own ``label``, ours, or its name."""
    own = getattr(importer, "label", None)
    return own if isinstance(own, str) and own else LABELS.get(importer.name, importer.name)


def tool_importers(importers: Sequence[Importer]) -> list[Importer]:
    """The importers that read a tool's own logs (all but CSV)."""
    return [i for i in importers if i.name != SOURCE_CSV]


def describe(
    importers: Sequence[Importer],
    env: Mapping[str, str],
    home: Path,
    *,
    runs: Mapping[str, ImportRun],
    totals: Mapping[str, SourceTotals],
    live_sync_off: Collection[str],
) -> list[SourceInfo]:
    """One ``SourceInfo`` per tool importer, in registry order."""
    found: list[SourceInfo] = []
    for importer in tool_importers(importers):
        name = importer.name
        roots = tuple(importer.default_roots(env, home))
        seen = {root: can_look_at(root) for root in roots}
        run, total = runs.get(name), totals.get(name)
        found.append(
            SourceInfo(
                name=name,
                label=label_of(importer),
                roots=roots,
                found=tuple(r for r in roots if seen[r]),
                last_import=run.at if run else None,
                files_read=run.files_read if run else 0,
                last_records=run.records if run else 0,
                problem_count=run.problem_count if run else 0,
                problems=run.problems if run else (),
                entries=total.entries if total else 0,
                tokens=total.tokens if total else 0,
                cost=dict(total.cost) if total else {},
                unpriced=total.unpriced if total else 0,
                live_sync=name not in live_sync_off,
                per_session=bool(getattr(importer, "per_session", False)),
                unreadable=tuple(r for r in roots if seen[r] is None),
            )
        )
    return found


def home_short(path: Path | str) -> str:
    """``path`` (or a text that starts with one) with the user's home as ``~``."""
    home = os.path.expanduser("~")
    text = str(path)
    if home not in ("", "/", "~") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home) :]
    return text


def problem_text(problem: Problem) -> str:
    """``file:line: message`` (``file: message`` for a whole file)."""
    where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
    return f"{where}: {problem.message}"


def source_json(info: SourceInfo) -> dict[str, Any]:
    """``info`` as the stable object ``tokenbudget sources --json`` prints."""
    return {
        "name": info.name,
        "label": info.label,
        "found": info.is_found,
        "roots": [str(p) for p in info.roots],
        "found_roots": [str(p) for p in info.found],
        "last_import": info.last_import.isoformat() if info.last_import else None,
        "last_files_read": info.files_read,
        "last_records": info.last_records,
        "entries": info.entries,
        "tokens": info.tokens,
        "cost": {c: str(v) for c, v in sorted(info.cost.items())},
        "unpriced_entries": info.unpriced,
        "live_sync": info.live_sync,
        "per_session": info.per_session,
        "problem_count": info.problem_count,
        "problems": [{"path": p.path, "line": p.line, "message": p.message} for p in info.problems],
        "unreadable_roots": [str(p) for p in info.unreadable],
    }
