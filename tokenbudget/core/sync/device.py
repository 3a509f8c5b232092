"""This device's identity in the sync folder, and what happens when it is cloned.

The id is made once, at random, and kept in ``device.json`` in the config folder together
with a fingerprint of the machine. A config folder copied to another machine (a new laptop
restored from a backup, a copied home directory) carries the id with it; the fingerprint no
longer matches there, so the copy takes a new id and notes the one it was cloned from. Two
machines that share even the fingerprint (a cloned virtual machine) are caught in the folder:
a device that finds records under its own id that it never wrote takes a new id
(``journal``'s caller does that check).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

#: Where a Linux machine keeps its id (systemd, then D-Bus's older place).
MACHINE_ID_FILES: Final = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
NAME_LIMIT: Final = 64


def new_device_id() -> str:
    """A fresh random device id: 16 lowercase hex digits."""
    return secrets.token_hex(8)


def machine_fingerprint() -> str:
    """A digest of what identifies this machine.

    Its machine id where it has one, else its host name and network hardware address.
    """
    for path in MACHINE_ID_FILES:
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return hashlib.sha256(f"machine-id:{text}".encode()).hexdigest()[:32]
    fallback = f"host:{socket.gethostname()}:{uuid.getnode():012x}"
    return hashlib.sha256(fallback.encode()).hexdigest()[:32]


def default_name() -> str:
    """The host name, as a first name for this device."""
    return clean_name(socket.gethostname()) or "this device"


def clean_name(name: str) -> str:
    """A device name as shown: one line, trimmed, at most ``NAME_LIMIT`` characters."""
    return " ".join(name.split())[:NAME_LIMIT]


@dataclass(frozen=True)
class DeviceIdentity:
    """Who this device is in the sync folder.

    Attributes:
        id: Its device id (the name of its folder in the journal root).
        name: What the user calls it.
        fingerprint: ``machine_fingerprint()`` when the id was made or last confirmed.
        cloned_from: The id it had before it found itself a clone, if it did.
    """

    id: str
    name: str
    fingerprint: str
    cloned_from: str | None = None


def read(path: Path) -> DeviceIdentity | None:
    """The identity saved at ``path``, or None when there is none (or it is unreadable)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        identity = DeviceIdentity(
            id=str(raw["id"]),
            name=clean_name(str(raw.get("name", ""))) or default_name(),
            fingerprint=str(raw["fingerprint"]),
            cloned_from=raw.get("cloned_from"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(identity.id) != 16 or any(c not in "0123456789abcdef" for c in identity.id):
        return None
    return identity


def write(path: Path, identity: DeviceIdentity) -> None:
    """Save ``identity`` (atomically: a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(identity), indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def load_or_create(path: Path, fingerprint: str | None = None) -> tuple[DeviceIdentity, str]:
    """This device's identity, made on first use and renewed on a clone.

    Returns:
        The identity, and what happened: ``"kept"``, ``"created"`` (none, or an unreadable
        one), or ``"cloned"`` (the file came from another machine: a new id was made).
    """
    fingerprint = fingerprint or machine_fingerprint()
    held = read(path)
    if held is not None and held.fingerprint == fingerprint:
        return held, "kept"
    if held is None:
        identity = DeviceIdentity(new_device_id(), default_name(), fingerprint)
        outcome = "created"
    else:
        identity = DeviceIdentity(new_device_id(), held.name, fingerprint, cloned_from=held.id)
        outcome = "cloned"
    write(path, identity)
    return identity, outcome


def renew(path: Path, identity: DeviceIdentity) -> DeviceIdentity:
    """Take a new id because another machine writes under this one (found in the folder)."""
    renewed = DeviceIdentity(
        new_device_id(), identity.name, identity.fingerprint, cloned_from=identity.id
    )
    write(path, renewed)
    return renewed
