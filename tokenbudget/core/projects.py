"""Projects: the folder a request was made in, with git worktrees folded into their repository.

Coding tools log the working folder of a session (Claude Code's ``cwd``, Codex's
``session_meta.cwd``, Gemini CLI's project). Spend is grouped by *project*:

* inside a git repository, the project is the repository's main working tree: a subfolder
  of it, or a linked worktree (``git worktree add``: its ``.git`` is a file naming
  ``<main>/.git/worktrees/<name>``, whose ``commondir`` leads back to ``<main>/.git``), all
  count as the repository itself;
* a folder that no longer exists (a removed worktree, or a log from another machine) is
  judged by its path alone: ``<repo>/.claude/worktrees/<name>`` and
  ``<repo>/.worktrees/<name>`` (the usual homes of agent worktrees) fold into ``<repo>``;
* anything else is its own project.

Nothing is ever written, and no git command is run: only ``.git`` files and folders are
looked at, once per distinct folder (cached).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Final

#: Folder names under which agents keep worktrees of the repository that holds them.
_WORKTREE_HOMES: Final = ((".claude", "worktrees"), (".worktrees",))
_MAX_TEXT: Final = 4096


def project_of(cwd: object) -> str | None:
    """The project of a logged working folder, or None when there is none to name."""
    if not isinstance(cwd, str):
        return None
    text = cwd.strip()
    if not text or len(text) > _MAX_TEXT or "\x00" in text:
        return None
    return _project(text)


def project_name(project: str) -> str:
    """A short label for a project: its last path component (the path itself for a root)."""
    pure = _pure(project)
    return pure.name or str(pure)


@lru_cache(maxsize=4096)
def _project(text: str) -> str:
    pure = _pure(text)
    native = isinstance(pure, type(PurePath()))
    if native:
        path = Path(pure)
        try:
            if path.is_dir():
                return _repository_of(path) or str(path)
        except OSError:
            pass
    return str(_fold_by_name(pure))


def _pure(text: str) -> PurePath:
    """The path in its own syntax: a Windows path logged on Windows stays one here."""
    if (len(text) >= 2 and text[1] == ":") or text.startswith("\\\\"):
        return PureWindowsPath(text)
    return PurePosixPath(text) if os.sep == "/" else PurePath(text)


def _fold_by_name(pure: PurePath) -> PurePath:
    parts = pure.parts
    for home in _WORKTREE_HOMES:
        n = len(home)
        for i in range(1, len(parts) - n):
            if tuple(parts[i : i + n]) == home:
                return pure.__class__(*parts[:i])
    return pure


def _repository_of(folder: Path) -> str | None:
    """The main working tree of the git repository holding ``folder``, if any."""
    for candidate in (folder, *folder.parents):
        marker = candidate / ".git"
        try:
            if marker.is_dir():
                return str(candidate)
            if marker.is_file():
                return _main_tree(candidate, marker) or str(candidate)
        except OSError:
            return None
    return None


def _main_tree(tree: Path, marker: Path) -> str | None:
    """For a linked worktree (``.git`` is a file), the main repository's working tree."""
    try:
        head = marker.read_text(encoding="utf-8", errors="replace")[:_MAX_TEXT]
    except OSError:
        return None
    first = head.splitlines()[0] if head else ""
    if not first.startswith("gitdir:") or not first[len("gitdir:") :].strip():
        return None
    gitdir = Path(first[len("gitdir:") :].strip())
    if not gitdir.is_absolute():
        gitdir = tree / gitdir
    common = gitdir
    try:
        commondir = (gitdir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        commondir = ""
    if commondir:
        common = Path(os.path.normpath(gitdir / commondir))
    elif gitdir.parent.name == "worktrees":
        common = gitdir.parent.parent
    else:
        return None  # a submodule or a separate git dir: the folder is its own project
    return str(common.parent) if common.name == ".git" else None
