"""What reading one Codex rollout needs to resume mid-file (the file's ``extra`` in the state).

The state is plain JSON. ``from_extra`` rebuilds it and says how to go on:

* ``RESUME``: a state this version wrote, every field well-formed: reading resumes at the
  stored offset.
* ``CATCH_UP``: a state written by the importer before issue 11 (no ``v``). Everything
  before the offset was counted then, by the rules of that time; the file is read again from
  the start *silently* (nothing before the offset is recorded again) to rebuild what this
  version tracks, and counting starts at the offset. Starting over instead would count
  again, under new references, what the old rules had counted.
* ``RESTART``: anything else (a damaged state): the file is read again from the start and
  every record is produced again, which the references make idempotent.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

VERSION: Final = 2

#: The parts of a cumulative usage, in the order ``FileState.total`` keeps them.
USAGE_FIELDS: Final = ("input", "cached", "output", "reasoning", "total")

_OLD_KEYS: Final = frozenset({"session", "parent", "fork_ms", "replay", "total", "model"})


class Resume(enum.Enum):
    """How a file's stored state lets reading go on (module docstring)."""

    RESUME = "resume"
    CATCH_UP = "catch-up"
    RESTART = "restart"


@dataclass
class FileState:
    """Everything the rules need to continue reading a rollout where the last run stopped.

    Attributes:
        session: The file's own thread id (None until its first ``session_meta``).
        parent: The thread it names as its parent (a fork or a sub-agent), if any.
        created_ms: When the file's own thread was created (unix ms): the UUIDv7 time of
            its id, else its ``session_meta`` timestamp.
        replay: Whether reading is inside a replayed prefix (another thread's history).
        total: The last cumulative usage (``USAGE_FIELDS``), own or replayed: the baseline
            of the next delta.
        model: The model of the current turn.
        project: The project of the file's own working folder.
        records: Whether a ``token_usage_record`` was seen (from then on only records count).
    """

    session: str | None = None
    parent: str | None = None
    created_ms: int | None = None
    replay: bool = False
    total: list[int] | None = None
    model: str | None = None
    project: str | None = None
    records: bool = False

    def to_extra(self) -> dict[str, Any]:
        """The JSON object stored as the file's ``extra``."""
        return {
            "v": VERSION,
            "session": self.session,
            "parent": self.parent,
            "created_ms": self.created_ms,
            "replay": self.replay,
            "total": self.total,
            "model": self.model,
            "project": self.project,
            "records": self.records,
        }


def from_extra(extra: Mapping[str, Any]) -> tuple[FileState, Resume]:
    """The state stored for a file, and how reading it goes on (module docstring)."""
    if extra.get("v") != VERSION:
        old = bool(extra) and "v" not in extra and set(extra) <= _OLD_KEYS
        return FileState(), Resume.CATCH_UP if old else Resume.RESTART
    state = FileState(
        session=extra.get("session"),
        parent=extra.get("parent"),
        created_ms=extra.get("created_ms"),
        replay=extra.get("replay", False),  # checked below
        total=extra.get("total"),
        model=extra.get("model"),
        project=extra.get("project"),
        records=extra.get("records", False),  # checked below
    )
    return state, Resume.RESUME if _well_formed(state) else Resume.RESTART


def _well_formed(state: FileState) -> bool:
    texts = (state.session, state.parent, state.model, state.project)
    if not all(value is None or isinstance(value, str) for value in texts):
        return False
    if type(state.replay) is not bool or type(state.records) is not bool:
        return False
    if state.created_ms is not None and type(state.created_ms) is not int:
        return False
    total = state.total
    return total is None or (
        isinstance(total, list)
        and len(total) == len(USAGE_FIELDS)
        and all(type(v) is int and v >= 0 for v in total)
    )
