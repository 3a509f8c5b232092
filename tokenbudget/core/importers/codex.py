"""Codex CLI and Codex Desktop: the rollouts under ``$CODEX_HOME`` (default ``~/.codex``).

Files: ``sessions/YYYY/MM/DD/rollout-*.jsonl`` and ``archived_sessions/*``, each possibly
compressed when cold (``*.jsonl.zst``, zstd; read whole, streaming). One rollout is read
once: the plain ``.jsonl`` wins over its ``.jsonl.zst`` (Codex re-materialises the plain file
to append to it), and a ``rollout-*`` name in ``sessions/`` wins over the same name in
``archived_sessions/`` (one thread, two copies).

Rows are ``{"timestamp", ("ordinal",) "type", "payload"}``. What counts:

``token_usage_record`` (Codex 0.151 and later)
    One per model response: ``payload.usage`` is that response's usage (the compaction call
    included). From a file's first record on, only records count. A record is keyed
    ``r:<payload.thread_id>:<payload.response_id>`` wherever it is read, so a copy in
    another file is the same record; its model is ``payload.attribution.model``, else the
    turn's. ``compacted.payload.latest_token_usage_record`` is a copy and never read.
``event_msg`` ``token_count``
    ``payload.info.total_token_usage`` is cumulative for the file's thread. A row counts
    only when that usage grows (every part at least as large, not all equal) over the
    previous row of the file: re-emits (rate-limit refreshes), the synthetic row after a
    compaction and stale snapshots add nothing. The record is the difference, keyed
    ``t<unix ms of the row>:<cumulative total_tokens>``: a row copied into another file with
    its time is the same record. ``info: null`` rows count nothing.
    ``payload.rate_limits`` (on any row, ``info: null`` ones included) is the provider's own
    view of the plan's limits (``official_limits.from_codex``).

In both, ``input_tokens`` includes ``cached_input_tokens`` and ``output_tokens`` includes
``reasoning_output_tokens``: a record has ``input - cached`` plain input, ``cached`` cache
reads, and ``output``. The model is the latest ``turn_context.payload.model`` (or
``thread_settings_applied``); the project is that of the file's own ``session_meta.cwd``.

Copies never count (nor do their rate limits: old figures under new times). A file's own
thread was created at C: the UUIDv7 time of its own ``session_meta`` id, else that row's
``payload.timestamp``, else its timestamp.

1. A usage row stamped more than a second before C is another thread's history (a Codex
   Desktop branch repeats its parent's rows byte for byte, with their times; old forks
   kept them too).
2. A fork or sub-agent (its own ``session_meta`` names a parent: ``forked_from_id``,
   ``source.subagent.thread_spawn.parent_thread_id``, ``parent_thread_id``; or the file
   holds another thread's ``session_meta``) replays its parent's history re-stamped at C.
   The replay ends at the first turn start proven to be after the fork (its ``turn_id`` is
   a UUIDv7 minted at or after C, else its ``started_at`` second is C's or later, else its
   row is stamped more than 2.5 s after C), or at the first usage row stamped more than
   2.5 s after C, whichever comes first. (Totals cannot mark the boundary: the replay and
   the fork's own rows form one rising sequence.)

A copied or replayed usage row only moves the file's baseline, so the next own row counts
just what was added. A copied record keeps its key (and loses to the original).

A rollout moved since it was last read (``codex archive`` / ``unarchive``: same name, the old
path gone, the same first bytes) is read silently up to where reading stopped at the old
path, then counted from there: what was before was counted then, possibly by an older
version of these rules whose references a fresh reading would not all reproduce.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from tokenbudget.core.importers.base import SOURCE_CODEX, ImportResult, ProblemLog
from tokenbudget.core.importers.codex_rows import LimitLog, RolloutReader, wanted
from tokenbudget.core.importers.codex_state import FileState, Resume, from_extra
from tokenbudget.core.importers.scan import (
    Found,
    Sink,
    discover,
    expand,
    file_states,
    head_hash,
    scan_files,
)
from tokenbudget.core.importers.streaming import FileCursor, is_compressed, read_json_lines
from tokenbudget.core.official_limits import from_codex, newest

_ROLLOUT_ID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.I)
_PATTERNS = ("**/*.jsonl", "**/*.jsonl.zst")
_ARCHIVE = "archived_sessions"


class CodexImporter:
    """Reads Codex rollouts (provider ``openai`` unless the model says otherwise)."""

    name = SOURCE_CODEX
    per_session = False

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """``$CODEX_HOME/sessions`` and ``$CODEX_HOME/archived_sessions``."""
        configured = env.get("CODEX_HOME", "").strip()
        base = expand(configured, home) if configured else home / ".codex"
        return [base / "sessions", base / _ARCHIVE]

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads it (``*.jsonl``, ``*.jsonl.zst``)."""
        return path.name.endswith((".jsonl", ".jsonl.zst"))

    def scan(
        self, roots: Sequence[Path], state: Mapping[str, Any], *, sink: Sink | None = None
    ) -> ImportResult:
        """Read new usage under ``roots``; records, newest official limits and the state."""
        found = Found(sink)
        limits = LimitLog()
        moved = _moved(state)

        def read(
            path: Path, fh: BinaryIO, cursor: FileCursor, log: ProblemLog
        ) -> tuple[int, int, dict[str, Any]]:
            fallback_id = _id_from_name(path)
            file_state, how = from_extra(cursor.extra)
            if cursor.offset == 0:
                file_state, how = FileState(), Resume.RESTART
                was = _moved_here(moved, path)
                if was is not None and _same_head(fh, was):
                    how, cursor = Resume.CATCH_UP, FileCursor(was["offset"], was["line"])
            if how is Resume.RESTART:
                file_state, cursor = FileState(), FileCursor()
            elif how is Resume.CATCH_UP:
                quiet = RolloutReader(file_state, fallback_id, None, limits)
                offset, line = read_json_lines(
                    fh,
                    FileCursor(),
                    ProblemLog(str(path), []),  # reported when first read
                    wanted=wanted,
                    keep_huge=wanted,
                    take=quiet.row,
                    stop=cursor.offset,
                )
                if offset == cursor.offset:
                    cursor = FileCursor(offset, line)
                else:  # the old offset is no line boundary here: a different file
                    file_state, cursor = FileState(), FileCursor()
            reader = RolloutReader(file_state, fallback_id, found.add, limits)
            offset, line = read_json_lines(
                fh, cursor, log, wanted=wanted, keep_huge=wanted, take=reader.row
            )
            return offset, line, file_state.to_extra()

        paths = choose(discover(roots, _PATTERNS))
        result = scan_files(
            paths, roots, state, read, found, appendable=lambda p: not is_compressed(p.name)
        )
        result.limits = newest([s for at, rl in limits.observed() for s in from_codex(rl, at)])
        return result


def choose(paths: Sequence[Path]) -> list[Path]:
    """The files to read: one per rollout (module docstring), in the order given.

    A ``.jsonl.zst`` is left out when its plain ``.jsonl`` is there too (found or on disk);
    of ``rollout-*`` files of one name, one outside ``archived_sessions`` is kept, and a plain
    one over a compressed one.
    """
    best: dict[str, tuple[tuple[bool, bool, str], Path]] = {}
    kept: set[Path] = set()
    for path in paths:
        zst = path.name.endswith(".zst")
        plain_name = path.name[:-4] if zst else path.name
        if zst and (path.parent / plain_name).is_file():
            continue
        if not plain_name.startswith("rollout-"):
            kept.add(path)
            continue
        rank = (_ARCHIVE in path.parts[:-1], zst, str(path))
        old = best.get(plain_name)
        if old is None or rank < old[0]:
            best[plain_name] = (rank, path)
    kept.update(path for _, path in best.values())
    return [path for path in paths if path in kept]


def _moved(state: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The stored state of every plain rollout by file name, with the path it was read at."""
    previous, _ = file_states(state)
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, entry in previous.items():
        name = Path(key).name
        if (
            name.startswith("rollout-")
            and name.endswith(".jsonl")
            and all(isinstance(entry.get(k), int) for k in ("offset", "line", "head_len"))
            and isinstance(entry.get("head"), str)
        ):
            found[name] = (key, entry)
    return found


def _moved_here(
    moved: Mapping[str, tuple[str, dict[str, Any]]], path: Path
) -> dict[str, Any] | None:
    """The state of the rollout ``path`` was read as at another path that is gone, if any."""
    was = moved.get(path.name)
    if was is None or was[0] == str(path.resolve()) or Path(was[0]).exists():
        return None
    return was[1]


def _same_head(fh: BinaryIO, was: Mapping[str, Any]) -> bool:
    """Whether an open file starts as the one ``was`` describes and is at least as long."""
    size = fh.seek(0, 2)
    return bool(size >= was["offset"] and head_hash(fh, was["head_len"]) == was["head"])


def _id_from_name(path: Path) -> str:
    """The thread id in ``rollout-<time>-<uuid>.jsonl(.zst)``, else the file's stem."""
    name = path.name.removesuffix(".zst").removesuffix(".jsonl")
    match = _ROLLOUT_ID.search(name)
    return match.group(1).lower() if match else name
