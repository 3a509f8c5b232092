"""Fixtures for the importer tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from importer_support import FIXTURES


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    """A private copy of the fixture tree (tests may append to or rewrite its files)."""
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    return target
