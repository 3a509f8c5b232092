"""Importers: other tools' usage logs -> unpriced ledger entries (``entries.NewEntry``).

Each importer reads one coding tool's logs or databases (``claude-code``, ``codex``,
``gemini-cli``, ``qwen-code``, ``kimi-cli``, ``opencode``, ``copilot-cli``, ``droid``,
``goose``) or CSV (``csv``), streams them in flat memory, reports malformed input and values
no log should hold as ``Problem``s (file and line) and returns an incremental state for the
next run. See ``base`` for the shared contract; this module is the registry.
"""

from __future__ import annotations

from tokenbudget.core.errors import UserInputError
from tokenbudget.core.importers.base import Importer, ImportResult, Problem
from tokenbudget.core.importers.claude_code import ClaudeCodeImporter
from tokenbudget.core.importers.codex import CodexImporter
from tokenbudget.core.importers.copilot_cli import CopilotCliImporter
from tokenbudget.core.importers.csv_export import write_csv
from tokenbudget.core.importers.csvfiles import CsvImporter, read_csv, read_generic_csv
from tokenbudget.core.importers.droid import DroidImporter
from tokenbudget.core.importers.gemini_cli import GeminiCliImporter
from tokenbudget.core.importers.goose import GooseImporter
from tokenbudget.core.importers.kimi import KimiImporter
from tokenbudget.core.importers.opencode import OpenCodeImporter
from tokenbudget.core.importers.qwen_code import QwenCodeImporter

IMPORTERS: list[Importer] = [
    ClaudeCodeImporter(),
    CodexImporter(),
    GeminiCliImporter(),
    QwenCodeImporter(),
    KimiImporter(),
    OpenCodeImporter(),
    CopilotCliImporter(),
    DroidImporter(),
    GooseImporter(),
    CsvImporter(),
]
"""One instance of each importer (they keep no state between scans)."""


def get_importer(name: str) -> Importer:
    """The importer whose records carry the source ``name``.

    Raises:
        UserInputError: for an unknown name.
    """
    for importer in IMPORTERS:
        if importer.name == name:
            return importer
    known = ", ".join(importer.name for importer in IMPORTERS)
    raise UserInputError(f"unknown importer '{name}' (known: {known})")


__all__ = [
    "IMPORTERS",
    "ClaudeCodeImporter",
    "CodexImporter",
    "CopilotCliImporter",
    "CsvImporter",
    "DroidImporter",
    "GeminiCliImporter",
    "GooseImporter",
    "ImportResult",
    "Importer",
    "KimiImporter",
    "OpenCodeImporter",
    "Problem",
    "QwenCodeImporter",
    "get_importer",
    "read_csv",
    "read_generic_csv",
    "write_csv",
]
