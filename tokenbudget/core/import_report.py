"""What one import did (``ImportReport``, made by ``core.services.imports``).

Plain frozen data, so that the user interfaces can hold it (``core.types``) without loading
the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenbudget.core.importers.base import Problem


@dataclass(frozen=True)
class ImportReport:
    """What one import did."""

    importer: str
    records: int
    files_read: int
    bytes_read: int
    unpriced: int
    problems: tuple[Problem, ...]
