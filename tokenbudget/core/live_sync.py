"""Live usage sync, the part without Qt: what to watch, and importing what changed.

The coding tools append to their logs while they work. The GUI watches the folders the
importers read by default (``watch_roots``, ``watch_targets``) and, a moment after something
changes, hands the changed paths to ``sync_paths``, which imports them through the ordinary
incremental import (``Service.imports.run``). Nothing is counted twice: the import state
in the ledger keeps each file's offset past its last complete line, so a line that is still
being written is left for the next run, and the ledger upserts on each record's reference.

A changed directory is scanned as a root (the importers accept any folder below their own
roots); a changed file is scanned alone when it is one the importer reads, and ignored
otherwise (Gemini's ``logs.json``, editors' temporary files). Malformed lines come back as
problems and failures as short messages; neither ever raises.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from tokenbudget.core import message_texts as mt
from tokenbudget.core.errors import TokenbudgetError, UserInputError
from tokenbudget.core.importers import IMPORTERS, get_importer
from tokenbudget.core.importers.base import Problem
from tokenbudget.core.messages import Message, text_of
from tokenbudget.core.messages import message as msg
from tokenbudget.core.paths import can_look_at

if TYPE_CHECKING:
    from tokenbudget.core.importers.base import Importer


class ImportDone(Protocol):
    """What one import reports (``services.ImportReport``)."""

    @property
    def records(self) -> int:
        """Entries written."""

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Malformed lines and unreadable files."""


class _Imports(Protocol):
    def run(self, importer: Importer, roots: Sequence[Path] = (), *, now: datetime) -> ImportDone:
        """Import new usage from ``roots`` with ``importer``."""


class Importing(Protocol):
    """What ``sync_paths`` needs of a ``Service`` (its imports; this module is below services)."""

    @property
    def imports(self) -> _Imports:
        """The imports service."""


#: Runs one importer over some paths (``ImportsService.run`` with a clock).
RunImport = Callable[["Importer", Sequence[Path]], ImportDone]


#: Files changed within this time are watched one by one (appends to a file inside a watched
#: folder are not reported for the folder); older ones are caught by the polling fallback.
RECENT: Final = timedelta(days=2)
MAX_WATCHED_DIRS: Final = 2000
MAX_WATCHED_FILES: Final = 500


@dataclass(frozen=True)
class WatchRoot:
    """One existing folder an importer reads by default.

    Attributes:
        importer: The importer's name (``claude-code``, ``codex``, ``gemini-cli``).
        path: The folder, absolute.
    """

    importer: str
    path: Path


@dataclass(frozen=True)
class SyncReport:
    """What one ``sync_paths`` call did.

    Attributes:
        records: Entries written (new or updated), over all importers.
        problems: Malformed lines and unreadable files, each reported once.
        errors: One line per importer whose import failed (nothing of it was written).
    """

    records: int = 0
    problems: tuple[Problem, ...] = ()
    errors: tuple[str, ...] = ()


def reads(importer: str, path: Path) -> bool:
    """Whether ``importer`` reads the file ``path`` when it scans a folder holding it."""
    try:
        return get_importer(importer).reads(path)
    except UserInputError:
        return False


def watch_roots(
    env: Mapping[str, str], home: Path, importers: Sequence[Importer] = IMPORTERS
) -> list[WatchRoot]:
    """The importers' default log folders that exist now (CSV has none)."""
    roots: dict[Path, WatchRoot] = {}
    for importer in importers:
        for root in importer.default_roots(env, home):
            if can_look_at(root) and root.is_dir():
                path = root.resolve()
                roots.setdefault(path, WatchRoot(importer.name, path))
    return list(roots.values())


def watch_targets(
    roots: Sequence[WatchRoot],
    now: datetime,
    *,
    recent: timedelta = RECENT,
    max_dirs: int = MAX_WATCHED_DIRS,
    max_files: int = MAX_WATCHED_FILES,
) -> tuple[list[Path], list[Path]]:
    """The folders and the log files to watch below ``roots``.

    Every folder is watched (up to ``max_dirs``), for new files; of the files the importers
    read, those changed within ``recent`` are watched too (newest first, up to ``max_files``).
    """
    dirs: list[Path] = []
    files: list[tuple[float, Path]] = []
    since = (now - recent).timestamp()
    for root in roots:
        for top, subdirs, names in os.walk(root.path):
            if len(dirs) < max_dirs:
                dirs.append(Path(top))
            subdirs.sort()
            for name in names:
                path = Path(top, name)
                if not reads(root.importer, path):
                    continue
                try:
                    mtime = path.stat().st_mtime
                except OSError:
                    continue
                if mtime >= since:
                    files.append((mtime, path))
    files.sort(key=lambda item: (-item[0], str(item[1])))
    return dirs, [path for _, path in files[:max_files]]


def root_of(path: Path, roots: Sequence[WatchRoot]) -> WatchRoot | None:
    """The root that ``path`` (absolute) is in, the deepest one if they nest."""
    best: WatchRoot | None = None
    for root in roots:
        inside = path == root.path or root.path in path.parents
        if inside and (best is None or len(root.path.parts) > len(best.path.parts)):
            best = root
    return best


def plan_imports(changed: Iterable[Path], roots: Sequence[WatchRoot]) -> dict[str, list[Path]]:
    """What to scan for each importer: changed folders, and changed files it reads.

    Paths outside every root, files the importer does not read and paths gone by now are
    left out; a path below another chosen folder is covered by that folder.
    """
    chosen: dict[str, set[Path]] = {}
    for raw in changed:
        path = Path(os.path.abspath(raw))
        root = root_of(path, roots)
        if root is None:
            continue
        if path.is_dir() or (path.is_file() and reads(root.importer, path)):
            chosen.setdefault(root.importer, set()).add(path)
    plan: dict[str, list[Path]] = {}
    for importer, paths in chosen.items():
        dirs = {p for p in paths if p.is_dir()}
        plan[importer] = sorted(p for p in paths if not any(d in p.parents for d in dirs))
    return plan


def sync_paths(
    service: Importing, changed: Iterable[Path], roots: Sequence[WatchRoot], *, now: datetime
) -> SyncReport:
    """Import what is new in ``changed`` files and folders, one transaction per importer.

    Safe to call as often as anything changes: unchanged files are not opened, and a file is
    read from where the last import stopped. Never raises for bad input or a failed import:
    an importer that fails (whatever the reason) is one line in ``errors``, and the importers
    after it still run.
    """
    return sync_with(
        lambda importer, targets: service.imports.run(importer, targets, now=now), changed, roots
    )


def sync_with(run: RunImport, changed: Iterable[Path], roots: Sequence[WatchRoot]) -> SyncReport:
    """``sync_paths`` with the import given as ``run`` (what ``ImportsService.sync`` uses)."""
    records = 0
    problems: list[Problem] = []
    errors: list[str] = []
    for name, targets in plan_imports(changed, roots).items():
        try:
            report = run(get_importer(name), targets)
        except (TokenbudgetError, OSError) as exc:  # the ledger's errors are LedgerErrors
            errors.append(msg(mt.SYNC_FAILED, source=name, reason=_reason(exc)))
            continue
        except Exception as exc:  # one importer's bug must not stop the others
            kind = type(exc).__name__
            errors.append(msg(mt.SYNC_CRASHED, source=name, kind=kind, reason=_one_line(str(exc))))
            continue
        records += report.records
        problems.extend(report.problems)
    return SyncReport(records, tuple(problems), tuple(errors))


def _reason(exc: BaseException) -> str:
    """An error's message on one line: its ``Message`` when it has one (translatable)."""
    text = text_of(exc)
    if isinstance(text, Message) and "\n" not in text and len(text) <= 200:
        return text
    return _one_line(str(text))


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def sync_all(service: Importing, roots: Sequence[WatchRoot], *, now: datetime) -> SyncReport:
    """Import what is new anywhere under ``roots`` (the start-up catch-up and the poll)."""
    return sync_paths(service, [root.path for root in roots], roots, now=now)
