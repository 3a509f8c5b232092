"""What every importer promises: its records, its problems and its result.

An importer reads another tool's usage logs and returns ledger entries (``entries.NewEntry``)
that carry no cost unless the file states one itself (only our own CSV export does): the
service prices them from the catalogue. An importer never writes anywhere: it takes the state
it returned last time and returns the new one, which the ledger stores as JSON (its shape is
described in ``scan``).

Malformed input is never fatal: each bad line, and each line holding a value no log should
hold (see ``values``), becomes a ``Problem`` with its file and line number, at most
``MAX_PROBLEMS_PER_FILE`` per file plus one line saying how many more there were; the rest of
the file is imported.

The pieces: ``values`` (reading and checking single values, building the entries),
``streaming`` (the lines of a file in flat memory), ``scan`` (finding files, resuming them,
the state), and the registry in the package's ``__init__``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

from tokenbudget.core import message_texts as mt
from tokenbudget.core.entries import NewEntry
from tokenbudget.core.messages import message as msg
from tokenbudget.core.official_limits import LimitSnapshot

MAX_PROBLEMS_PER_FILE: Final = 50

SOURCE_CLAUDE_CODE: Final = "claude-code"
SOURCE_CODEX: Final = "codex"
SOURCE_GEMINI_CLI: Final = "gemini-cli"
SOURCE_QWEN_CODE: Final = "qwen-code"
SOURCE_KIMI_CLI: Final = "kimi-cli"
SOURCE_OPENCODE: Final = "opencode"
SOURCE_COPILOT_CLI: Final = "copilot-cli"
SOURCE_DROID: Final = "droid"
SOURCE_GOOSE: Final = "goose"
SOURCE_CSV: Final = "csv"


@dataclass(frozen=True)
class Problem:
    """Something in a log that could not be read; reported, never fatal.

    Attributes:
        path: The file.
        line: 1-based line number, or None for the whole file.
        message: One user-facing line: a core ``Message`` (the GUI shows it translated; its
            ``str`` is the English the command line prints), or plain text read back from a
            ledger row stored before problems had templates.
    """

    path: str
    line: int | None
    message: str


@dataclass
class ImportResult:
    """What one ``scan`` found.

    Attributes:
        records: New or updated entries, ordered by time then reference. Each has a
            ``source_ref`` (unique within its ``source`` and stable across runs: the ledger
            upserts on it, ``entries.replaces`` says which side wins) and no cost unless the
            file stated one.
        problems: Malformed lines and unreadable files.
        state: The state to hand back next run (JSON-serialisable).
        files_read: Files opened because they were new or had changed.
        bytes_read: Bytes consumed from them.
        limits: Official limit snapshots the logs hold (the newest per window).
    """

    records: list[NewEntry]
    problems: list[Problem]
    state: dict[str, Any]
    files_read: int = 0
    bytes_read: int = 0
    limits: list[LimitSnapshot] = field(default_factory=list)


class Importer(Protocol):
    """The interface every importer offers."""

    @property
    def name(self) -> str:
        """The source name its records carry."""
        ...

    @property
    def per_session(self) -> bool:
        """True when the tool logs only a total per session, so each entry is one session."""
        ...

    def default_roots(self, env: Mapping[str, str], home: Path) -> list[Path]:
        """Where the tool keeps its logs (they may not exist)."""
        ...

    def reads(self, path: Path) -> bool:
        """Whether a scan of a folder holding ``path`` reads that file."""
        ...

    def scan(
        self,
        roots: Sequence[Path],
        state: Mapping[str, Any],
        *,
        sink: Callable[[list[NewEntry]], None] | None = None,
    ) -> ImportResult:
        """Read what is new under ``roots`` (directories or single files) since ``state``.

        With a ``sink``, records are handed to it in batches as they are found (memory stays
        flat); the result then holds only those not handed over yet.
        """
        ...


class ProblemLog:
    """Collects problems for one file, capped at ``MAX_PROBLEMS_PER_FILE``."""

    def __init__(self, path: str, into: list[Problem]) -> None:
        self.path = path
        self._into = into
        self.count = 0

    def add(self, line: int | None, message: str) -> None:
        """Record one problem (only counted once the cap is reached)."""
        self.count += 1
        if self.count <= MAX_PROBLEMS_PER_FILE:
            self._into.append(Problem(self.path, line, message))

    def close(self) -> None:
        """Add the line that says how many problems were not listed."""
        hidden = self.count - MAX_PROBLEMS_PER_FILE
        if hidden > 0:
            self._into.append(Problem(self.path, None, msg(mt.MORE_PROBLEMS, count=hidden)))
