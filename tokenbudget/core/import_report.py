"""What one import did (``ImportReport``, made by ``core.services.imports``).

Plain frozen data, so that the user interfaces can hold it (``core.types``) without loading
the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenbudget.core.importers.base import Problem


@dataclass(frozen=True)
class ImportReport:
    """What one import did.

    Attributes:
        importer: The importer's name (``claude-code``).
        records: New or updated entries.
        files_read: Files read (a file unchanged since the last import is not read again).
        bytes_read: Bytes read.
        unpriced: Entries whose model the catalogue lacks.
        problems: Lines or records that could not be read.
        roots: The folders or files looked in.
        seen_before: The ledger holds entries of this tool (so reading nothing now means
            nothing is new, rather than nothing is there).
    """

    importer: str
    records: int
    files_read: int
    bytes_read: int
    unpriced: int
    problems: tuple[Problem, ...]
    roots: tuple[Path, ...] = ()
    seen_before: bool = False

    @property
    def found_nothing(self) -> bool:
        """Nothing was read and nothing went wrong."""
        return not (self.records or self.files_read or self.problems)
