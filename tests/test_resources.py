"""Icons and the desktop entry are exactly the files their manifests pin."""

from __future__ import annotations

import configparser
import hashlib
import json
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@pytest.mark.parametrize("folder", ["icons", "linux"])
def test_every_file_is_pinned_with_source_and_licence(folder: str) -> None:
    directory = RESOURCES / folder
    manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
    listed = {entry["file"] for entry in manifest["files"]}
    assert listed == {p.name for p in directory.iterdir()} - {"manifest.json"}
    for entry in manifest["files"]:
        data = (directory / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["source"] and entry["licence"] == "MIT"


def test_icon_sizes_and_states() -> None:
    icons = RESOURCES / "icons"
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        assert (icons / f"tokenbudget-{size}.png").stat().st_size > 0
    for state in ("warning", "over"):
        assert (icons / f"tokenbudget-{state}.svg").exists()
        assert (icons / f"tokenbudget-{state}-22.png").exists()


def test_desktop_entry() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(RESOURCES / "linux" / "tokenbudget.desktop", encoding="utf-8")
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application" and main["Exec"] == "tokenbudget"
    assert main["Icon"] == "tokenbudget"
    assert entry["Desktop Action quick"]["Exec"] == "tokenbudget --quick"
