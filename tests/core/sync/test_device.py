"""This device's id: made once, kept, and renewed when the config folder was cloned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokenbudget.core.sync import device
from tokenbudget.core.sync.device import load_or_create, renew


def test_an_id_is_made_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "device.json"
    first, outcome = load_or_create(path, fingerprint="machine-1")
    assert outcome == "created" and len(first.id) == 16
    again, outcome = load_or_create(path, fingerprint="machine-1")
    assert (again, outcome) == (first, "kept")


def test_a_config_folder_copied_to_another_machine_takes_a_new_id(tmp_path: Path) -> None:
    path = tmp_path / "device.json"
    original, _ = load_or_create(path, fingerprint="machine-1")
    copy, outcome = load_or_create(path, fingerprint="machine-2")
    assert outcome == "cloned"
    assert copy.id != original.id and copy.cloned_from == original.id
    assert copy.name == original.name
    assert load_or_create(path, fingerprint="machine-2") == (copy, "kept")


@pytest.mark.parametrize("content", ["", "{", "[]", '{"id": "x", "fingerprint": "m"}', "\x00"])
def test_an_unreadable_identity_is_replaced_not_fatal(tmp_path: Path, content: str) -> None:
    path = tmp_path / "device.json"
    path.write_text(content, encoding="utf-8")
    identity, outcome = load_or_create(path, fingerprint="m")
    assert outcome == "created"
    assert json.loads(path.read_text(encoding="utf-8"))["id"] == identity.id


def test_renewing_keeps_the_name_and_notes_the_old_id(tmp_path: Path) -> None:
    path = tmp_path / "device.json"
    identity, _ = load_or_create(path, fingerprint="m")
    renewed = renew(path, identity)
    assert renewed.id != identity.id and renewed.cloned_from == identity.id
    assert load_or_create(path, fingerprint="m") == (renewed, "kept")


def test_the_fingerprint_comes_from_the_machine_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("abc\n", encoding="ascii")
    two.write_text("def\n", encoding="ascii")
    monkeypatch.setattr(device, "MACHINE_ID_FILES", (tmp_path / "missing", one))
    first = device.machine_fingerprint()
    monkeypatch.setattr(device, "MACHINE_ID_FILES", (two,))
    assert device.machine_fingerprint() != first
    monkeypatch.setattr(device, "MACHINE_ID_FILES", ())
    assert len(device.machine_fingerprint()) == 32  # host name and hardware address


def test_names_are_one_trimmed_line() -> None:
    assert device.clean_name("  My\nLaptop \t ") == "My Laptop"
    assert len(device.clean_name("x" * 500)) == device.NAME_LIMIT
