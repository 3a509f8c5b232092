"""Wheel build hook: ship ``resources/`` inside the package, without what the app never reads.

Every vocabulary with a converted definition (``converted_file`` in
``resources/tokenizers/manifest.json``) is loaded from that definition; its original file is
kept in the repository and the sdist, pinned, for ``scripts/convert_vocabularies.py`` and for the
reference tests, but left out of the wheel (about 19 MB). Everything else under ``resources/``
ships, at ``tokenbudget/resources/``, where ``tokenbudget.core.paths.resources_dir`` finds it.

An editable install reads ``resources/`` from the checkout, so it copies nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Where the resources go inside the wheel.
WHEEL_DIR = "tokenbudget/resources"


def build_only_files(resources: Path) -> set[Path]:
    """The vocabulary originals that the app never reads: each has a converted definition."""
    manifest = json.loads((resources / "tokenizers" / "manifest.json").read_text("utf-8"))
    return {
        resources / "tokenizers" / entry["file"]
        for entry in manifest["tokenizers"]
        if entry.get("converted_file")
    }


def wheel_resources(resources: Path) -> dict[str, str]:
    """Source path to wheel path for every resource file the app can read at run time."""
    left_out = build_only_files(resources)
    return {
        str(path): f"{WHEEL_DIR}/{path.relative_to(resources).as_posix()}"
        for path in sorted(resources.rglob("*"))
        if path.is_file() and path not in left_out and "__pycache__" not in path.parts
    }


class ResourcesHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds the run-time resources to a standard (not editable) wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Force-include the run-time resources (a standard wheel only)."""
        if self.target_name != "wheel" or version == "editable":
            return
        build_data["force_include"].update(wheel_resources(Path(self.root) / "resources"))
