"""Projects: working folders grouped by repository, worktrees folded into their main tree."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tokenbudget.core.projects import project_name, project_of


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    main = tmp_path / "src" / "shop"
    (main / "web" / "static").mkdir(parents=True)
    _git("init", "-q", cwd=main)
    (main / "README").write_text("x")
    _git("add", ".", cwd=main)
    _git("commit", "-qm", "init", cwd=main)
    return main


def test_a_repository_and_its_subfolders_are_one_project(repo: Path) -> None:
    assert project_of(str(repo)) == str(repo)
    assert project_of(str(repo / "web" / "static")) == str(repo)
    assert project_of(str(repo) + "/") == str(repo)


def test_linked_worktrees_fold_into_the_main_repository(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "wt" / "shop-fix"
    _git("worktree", "add", "-q", str(elsewhere), cwd=repo)
    inside = repo / ".claude" / "worktrees" / "agent-1"
    _git("worktree", "add", "-q", str(inside), cwd=repo)
    assert project_of(str(elsewhere)) == str(repo)
    assert project_of(str(inside)) == str(repo)


def test_a_relative_gitdir_is_read_from_the_worktree(repo: Path, tmp_path: Path) -> None:
    tree = tmp_path / "rel"
    _git("worktree", "add", "-q", str(tree), cwd=repo)
    gitdir = (tree / ".git").read_text().split(":", 1)[1].strip()
    (tree / ".git").write_text(f"gitdir: {os.path.relpath(gitdir, tree)}\n")
    assert project_of(str(tree)) == str(repo)


def test_removed_or_foreign_folders_are_judged_by_their_path(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    assert project_of(f"{gone}/app/.claude/worktrees/agent-7/pkg") == f"{gone}/app"
    assert project_of(f"{gone}/app/.worktrees/feature") == f"{gone}/app"
    assert project_of(f"{gone}/plain/folder") == f"{gone}/plain/folder"
    assert project_of("C:\\Users\\li\\code\\shop\\.claude\\worktrees\\x") == (
        "C:\\Users\\li\\code\\shop"
    )


def test_a_folder_outside_any_repository_is_its_own_project(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    assert project_of(str(tmp_path / "notes")) == str(tmp_path / "notes")


@pytest.mark.parametrize("value", [None, "", "   ", 42, "a\x00b", "x" * 5000])
def test_nothing_to_name(value: object) -> None:
    assert project_of(value) is None


def test_names() -> None:
    assert project_name("/home/li/src/shop") == "shop"
    assert project_name("C:\\code\\shop") == "shop"
    assert project_name("/") == "/"
