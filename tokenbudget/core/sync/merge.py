"""What a set of journal records means: the same result whatever order they arrive in.

Every rule here is a choice of the greatest element under a total order, so it does not matter
in which order records arrive, how often one arrives, or which device reads them: every device
that holds the same records settles on the same ledger.

Entries (key ``src:<source>:<ref>`` for an imported row, ``dev:<device>:<id>`` for one a user
recorded on a device):

- ``import`` records carry an imported row. The same row imported on two devices (a synced
  ``~/.claude``) has one key, so it is one entry; of several versions the importers' own rule
  wins (``entries.DUPLICATE_WINNERS``: an original over a copy, then the largest total or the
  newest), then the later stamp.
- ``entry`` records carry an entry a user recorded (an estimate, a manual entry).
- ``edit`` records set some fields; each field takes the value of the latest-stamped edit that
  set it, over whatever the base record says.
- ``delete`` and ``restore`` records (an undo) say whether the entry exists; the later stamp of
  the two kinds wins. Edits and re-imports never bring a deleted entry back: a row the user
  deleted stays deleted when another device imports the same log again.

Plans (key: the plan's uid): ``plan`` records carry a whole plan, the latest stamp wins, and
``plan-delete`` removes it for good. Official limit snapshots (key: source, limit and window):
the newest observation wins. A device's name is read from its latest ``device`` record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tokenbudget.core.entries import PRECEDENCE_ORIGINAL, DuplicateWinner, duplicate_winner
from tokenbudget.core.sync.clock import Stamp
from tokenbudget.core.sync.journal import Record

_TOKEN_FIELDS = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
)


class EventType(StrEnum):
    """The kinds of record a journal holds."""

    IMPORT = "import"
    ENTRY = "entry"
    EDIT = "edit"
    DELETE = "delete"
    RESTORE = "restore"
    PLAN = "plan"
    PLAN_DELETE = "plan-delete"
    LIMIT = "limit"
    DEVICE = "device"


ENTRY_TYPES = frozenset(
    {EventType.IMPORT, EventType.ENTRY, EventType.EDIT, EventType.DELETE, EventType.RESTORE}
)
PLAN_TYPES = frozenset({EventType.PLAN, EventType.PLAN_DELETE})


def import_key(source: str, source_ref: str) -> str:
    """The key of an imported row: its source identity, the same on every device."""
    return f"src:{source}:{source_ref}"


def record_identity(record: Record) -> tuple[str, int]:
    """Records are deduplicated by the device that wrote them and their number there."""
    return record.device, record.number


def supersedes(record: Record, held: Record) -> bool:
    """Whether ``record`` wins over ``held``, another record under the same identity.

    Two different records under one identity (a cloned device, a damaged copy that still passed
    its check): the later stamp, then the greater line, is kept on every device.
    """
    return (record.stamp, record.line()) > (held.stamp, held.line())


def dedupe(records: Iterable[Record]) -> tuple[dict[tuple[str, int], Record], int]:
    """Records by identity, and how many identities had two different records."""
    kept: dict[tuple[str, int], Record] = {}
    clashes = 0
    for record in records:
        identity = record_identity(record)
        held = kept.get(identity)
        if held is None:
            kept[identity] = record
        elif held != record:
            clashes += 1
            if supersedes(record, held):
                kept[identity] = record
    return kept, clashes


def _import_rank(record: Record) -> tuple[int, int, Stamp]:
    body = record.body
    precedence = body.get("precedence", PRECEDENCE_ORIGINAL)
    source = body.get("source", "")
    size = 0
    if isinstance(source, str) and duplicate_winner(source) is DuplicateWinner.LARGEST:
        size = sum(v for f in _TOKEN_FIELDS if isinstance(v := body.get(f, 0), int))
    return (precedence if isinstance(precedence, int) else 0), size, record.stamp


@dataclass(frozen=True)
class EntryState:
    """What an entry's records settle to.

    Attributes:
        key: The entry's key.
        fields: Its columns (``None`` when deleted, or when only edits have arrived so far).
        device: The device whose record is the base (the one that recorded or imported it).
        deleted: True when the latest delete or restore is a delete.
        stamp: The greatest stamp among its records (a change marker).
    """

    key: str
    fields: Mapping[str, Any] | None
    device: str
    deleted: bool
    stamp: Stamp


def resolve_entry(key: str, records: Iterable[Record]) -> EntryState:
    """Settle the records of one entry key (any order, repeats allowed)."""
    base: Record | None = None
    base_rank: tuple[Any, ...] | None = None
    edits: dict[str, tuple[Stamp, Any]] = {}
    existence: tuple[Stamp, bool] | None = None
    latest: Stamp | None = None
    for record in records:
        latest = record.stamp if latest is None else max(latest, record.stamp)
        kind = record.type
        if kind in (EventType.DELETE, EventType.RESTORE):
            if existence is None or record.stamp > existence[0]:
                existence = (record.stamp, kind == EventType.DELETE)
        elif kind == EventType.EDIT:
            changes = record.body.get("set", {})
            if isinstance(changes, dict):
                for name, value in changes.items():
                    held = edits.get(name)
                    if held is None or record.stamp > held[0]:
                        edits[name] = (record.stamp, value)
        elif kind in (EventType.IMPORT, EventType.ENTRY):
            rank: tuple[Any, ...] = (
                (1, *_import_rank(record)) if kind == EventType.IMPORT else (0, record.stamp)
            )
            if base_rank is None or rank > base_rank:
                base, base_rank = record, rank
    if latest is None:
        raise ValueError(f"no records for {key}")
    deleted = existence is not None and existence[1]
    fields: dict[str, Any] | None = None
    if base is not None and not deleted:
        fields = dict(base.body)
        for name, (_, value) in edits.items():
            fields[name] = value
    device = base.device if base is not None else latest.device
    return EntryState(key, fields, device, deleted, latest)


@dataclass(frozen=True)
class LatestState:
    """The winning record of a plan, limit or device key (``None`` once deleted)."""

    key: str
    record: Record | None
    deleted: bool = False
    stamp: Stamp | None = field(default=None, compare=False)


def resolve_plan(key: str, records: Iterable[Record]) -> LatestState:
    """Settle the records of one plan: the latest whole plan, unless it was deleted."""
    best: Record | None = None
    deleted = False
    for record in records:
        if record.type == EventType.PLAN_DELETE:
            deleted = True
        elif record.type == EventType.PLAN and (best is None or record.stamp > best.stamp):
            best = record
    return LatestState(key, None if deleted else best, deleted, best.stamp if best else None)


def resolve_limit(key: str, records: Iterable[Record]) -> LatestState:
    """The newest observation of one official limit (observed time, then stamp)."""

    def rank(record: Record) -> tuple[int, Stamp]:
        observed = record.body.get("observed_us", 0)
        return (observed if isinstance(observed, int) else 0), record.stamp

    best = max(records, key=rank, default=None)
    return LatestState(key, best, False, best.stamp if best else None)
