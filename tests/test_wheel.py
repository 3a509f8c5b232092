"""The wheel ships every resource the app reads at run time, and nothing it never reads.

Built offline from this checkout with the installed backend (``--no-isolation``). CI also
installs the wheel into a fresh environment and counts with it with the network cut off.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
INSIDE = "tokenbudget/resources/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("tokenbudget-*.whl")
    return built


def _manifest() -> list[dict[str, str]]:
    data = json.loads((RESOURCES / "tokenizers" / "manifest.json").read_text("utf-8"))
    entries: list[dict[str, str]] = data["tokenizers"]
    return entries


def test_vocabulary_originals_with_a_definition_stay_out(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    converted = [e for e in _manifest() if e.get("converted_file")]
    assert len(converted) >= 7  # every Hugging Face, Qwen and Tekken vocabulary
    for entry in converted:
        assert f"{INSIDE}tokenizers/{entry['file']}" not in names, entry["id"]
        assert f"{INSIDE}tokenizers/{entry['converted_file']}" in names, entry["id"]
    # The tiktoken files have no definition: they are what the app reads.
    for entry in _manifest():
        if not entry.get("converted_file"):
            assert f"{INSIDE}tokenizers/{entry['file']}" in names, entry["id"]


def test_every_other_resource_ships_byte_for_byte(wheel: Path) -> None:
    left_out = {
        RESOURCES / "tokenizers" / e["file"] for e in _manifest() if e.get("converted_file")
    }
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        expected = [p for p in RESOURCES.rglob("*") if p.is_file() and p not in left_out]
        for path in expected:
            name = INSIDE + path.relative_to(RESOURCES).as_posix()
            assert name in names, name
            assert archive.read(name) == path.read_bytes(), name
        shipped = {n for n in names if n.startswith(INSIDE)}
        assert len(shipped) == len(expected)
        assert "tokenbudget/__init__.py" in names and "tokenbudget/app.py" in names


def test_every_vocabulary_counts_from_the_wheel_alone(wheel: Path, tmp_path: Path) -> None:
    from tokenbudget.core.tokenizers import TokenizerRegistry

    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if n.startswith(INSIDE + "tokenizers/")]
        archive.extractall(tmp_path, members)
    registry = TokenizerRegistry(tmp_path / INSIDE / "tokenizers", cache_dir=None)
    assert len(registry.ids()) == 9
    for tokenizer_id in registry.ids():
        assert registry.get(tokenizer_id).count("How much is this? 这要多少钱？") > 0
        registry.unload(tokenizer_id)


def test_the_pins_still_hold_in_the_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for entry in _manifest():
            name = entry.get("converted_file") or entry["file"]
            pin = entry.get("converted_sha256") or entry["sha256"]
            data = archive.read(f"{INSIDE}tokenizers/{name}")
            assert hashlib.sha256(data).hexdigest() == pin, name


def test_exchange_rates_load_from_the_wheel_alone(wheel: Path, tmp_path: Path) -> None:
    from tokenbudget.core.rates import ReferenceRates

    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if n.startswith(INSIDE + "rates/")]
        archive.extractall(tmp_path, members)
    rate = ReferenceRates(tmp_path / INSIDE / "rates", None).rate("CNY")
    assert rate is not None and rate.source == "ECB" and rate.as_of.isoformat() == "2026-10-30"


def test_the_translations_ship_pinned_and_load(wheel: Path, tmp_path: Path) -> None:
    from PySide6.QtCore import QTranslator

    with zipfile.ZipFile(wheel) as archive:
        manifest = json.loads(archive.read(f"{INSIDE}i18n/manifest.json"))
        for entry in manifest["files"]:
            data = archive.read(f"{INSIDE}i18n/{entry['file']}")
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
            (tmp_path / entry["file"]).write_bytes(data)
    chinese = QTranslator()
    assert chinese.load("tokenbudget_zh_CN", str(tmp_path))
    assert chinese.translate("MainWindow", "&File") == "文件(&F)"
    english = QTranslator()
    assert english.load("tokenbudget_en", str(tmp_path))
    assert english.translate("BudgetsView", "%n plans · as of {time}", "", 1) == (
        "%n plan · as of {time}"  # the singular form (Qt puts in the count)
    )
