"""Gemini CLI: which project folder a chat file under ``~/.gemini/tmp/<project-id>/`` belongs to.

Gemini CLI keeps a project's chats in ``<home>/.gemini/tmp/<project-id>/chats/`` (sub-agents
one level deeper, in ``chats/<parent session id>/``). The ``<project-id>`` is, in order of
what is tried here:

1. a short slug from the registry ``<home>/.gemini/projects.json``, written by Gemini CLI's
   ``ProjectRegistry`` as ``{"projects": {"<absolute project root>": "<slug>"}}``;
2. the same slug, whose folder holds a ``.project_root`` file with the project root (the
   registry's ownership marker, there even when ``projects.json`` is lost);
3. a legacy folder named by the sha256 (hex) of the project root (before the registry;
   Gemini CLI migrates them), matched against the roots the registry knows.

A chat's own first line can say more: its ``projectHash`` (the same sha256, also written in
slug folders) matched against the known roots, else the first of its ``directories`` (the
workspace folders a sub-agent was started with). Whatever root is found goes through
``projects.project_of`` (git worktrees folded); nothing found is None.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Final

REGISTRY: Final = "projects.json"
MARKER: Final = ".project_root"
_MAX_REGISTRY: Final = 16 * 1024 * 1024
"""A registry larger than this is not read (it maps paths to slugs: a few kilobytes)."""


def chat_folder(path: Path) -> Path | None:
    """The ``<project-id>`` folder of a chat file (the parent of its ``chats`` folder)."""
    for parent in (path.parent, path.parent.parent):
        if parent.name == "chats":
            return parent.parent
    return None


class GeminiProjects:
    """Resolves chat files to projects; reads each ``projects.json`` once per instance."""

    def __init__(self) -> None:
        self._registries: dict[Path, tuple[dict[str, str], dict[str, str]]] = {}
        self._folders: dict[Path, str | None] = {}

    def of_file(self, path: Path) -> str | None:
        """The project root (as logged, not yet folded) that a chat file's folder names."""
        folder = chat_folder(path)
        if folder is None:
            return None
        if folder not in self._folders:
            self._folders[folder] = self._of_folder(folder)
        return self._folders[folder]

    def of_metadata(self, path: Path, metadata: dict[str, Any]) -> str | None:
        """The project root a chat's metadata names: its ``projectHash``, else ``directories``."""
        digest = metadata.get("projectHash")
        if isinstance(digest, str) and digest:
            folder = chat_folder(path)
            if folder is not None:
                root = self._registry(folder.parent.parent)[1].get(digest.lower())
                if root is not None:
                    return root
        directories = metadata.get("directories")
        if isinstance(directories, list) and directories and isinstance(directories[0], str):
            return directories[0]
        return None

    def _of_folder(self, folder: Path) -> str | None:
        by_slug, by_hash = self._registry(folder.parent.parent)
        root = by_slug.get(folder.name)
        if root is not None:
            return root
        try:
            with (folder / MARKER).open("rb") as fh:
                marker = fh.read(64 * 1024).decode("utf-8").strip()
            if marker:
                return marker
        except (OSError, UnicodeDecodeError):
            pass
        return by_hash.get(folder.name.lower())

    def _registry(self, home: Path) -> tuple[dict[str, str], dict[str, str]]:
        """``(slug -> root, sha256 hex of root -> root)`` from ``home/projects.json``."""
        if home not in self._registries:
            self._registries[home] = _read_registry(home / REGISTRY)
        return self._registries[home]


def _read_registry(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The registry's two lookups; empty when it is missing or unreadable (then unknown)."""
    try:
        with path.open("rb") as fh:
            data = json.loads(fh.read(_MAX_REGISTRY))
    except (OSError, ValueError, RecursionError):
        return {}, {}
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return {}, {}
    by_slug: dict[str, str] = {}
    by_hash: dict[str, str] = {}
    for root, slug in projects.items():
        if not isinstance(slug, str) or not root:
            continue
        by_slug.setdefault(slug, root)
        try:
            digest = hashlib.sha256(root.encode("utf-8")).hexdigest()
        except UnicodeEncodeError:
            continue
        by_hash.setdefault(digest, root)
    return by_slug, by_hash
