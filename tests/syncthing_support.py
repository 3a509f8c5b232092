"""Two real Syncthing instances on 127.0.0.1 that keep one folder in step between two homes.

Each instance has its own ``--home`` (keys, config, database) and folder. Discovery, relays,
NAT traversal, usage reporting and upgrades are off: the two find each other only at their
127.0.0.1 listen ports, so nothing leaves the machine. The REST API (with a known key) asks
for a rescan, so a test need not wait for the periodic one.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

FOLDER_ID = "tokenbudget"
API_KEY = "tokenbudget-test-key"


def syncthing_binary() -> str | None:
    """The ``syncthing`` program, if installed."""
    return shutil.which("syncthing")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Instance:
    """One Syncthing instance and the folder it syncs."""

    home: Path
    folder: Path
    device_id: str
    listen_port: int
    gui_port: int
    process: subprocess.Popen[bytes] | None = None

    def request(self, method: str, path: str) -> tuple[int, bytes]:
        """Call the REST API; ``(status, body)``."""
        connection = http.client.HTTPConnection("127.0.0.1", self.gui_port, timeout=5)
        try:
            connection.request(method, path, headers={"X-API-Key": API_KEY})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def rescan(self) -> None:
        """Ask for a scan of the folder now (ignored while the instance is starting)."""
        with suppress(OSError):
            self.request("POST", f"/rest/db/scan?folder={FOLDER_ID}")


def _generate(binary: str, root: Path, name: str) -> Instance:
    home, folder = root / f"{name}-syncthing", root / f"{name}-folder"
    folder.mkdir(parents=True)
    (folder / ".stfolder").mkdir()
    subprocess.run(
        [binary, "generate", f"--home={home}", "--no-default-folder", "--skip-port-probing"],
        check=True,
        capture_output=True,
    )
    device_id = subprocess.run(
        [binary, "serve", f"--home={home}", "--device-id"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return Instance(home, folder, device_id, _free_port(), _free_port())


def _set(parent: ET.Element, tag: str, text: str) -> None:
    element = parent.find(tag)
    if element is None:
        element = ET.SubElement(parent, tag)
    element.text = text


def _configure(me: Instance, other: Instance, *, dials: bool) -> None:
    """Write ``me``'s config: it shares the folder with ``other``.

    Only one of the two dials the other. When both dial at once their connections collide,
    both are reset, and each waits about 20 s before dialing again (seen here: a third of
    the runs took 25 s instead of 5).
    """
    path = me.home / "config.xml"
    tree = ET.parse(path)
    root = tree.getroot()
    options = root.find("options")
    assert options is not None
    for tag, text in {
        "listenAddress": f"tcp://127.0.0.1:{me.listen_port}",
        "globalAnnounceEnabled": "false",
        "localAnnounceEnabled": "false",
        "relaysEnabled": "false",
        "natEnabled": "false",
        "urAccepted": "-1",
        "autoUpgradeIntervalH": "0",
        "startBrowser": "false",
        "crashReportingEnabled": "false",
        "setLowPriority": "false",
        "reconnectionIntervalS": "1",
    }.items():
        _set(options, tag, text)
    gui = root.find("gui")
    assert gui is not None
    _set(gui, "address", f"127.0.0.1:{me.gui_port}")
    _set(gui, "apikey", API_KEY)
    device = ET.SubElement(
        root, "device", {"id": other.device_id, "name": other.home.name, "compression": "metadata"}
    )
    # "dynamic" with discovery off: never dialed, only accepted.
    _set(device, "address", f"tcp://127.0.0.1:{other.listen_port}" if dials else "dynamic")
    folder = ET.SubElement(
        root,
        "folder",
        {
            "id": FOLDER_ID,
            "label": FOLDER_ID,
            "path": str(me.folder),
            "type": "sendreceive",
            "rescanIntervalS": "1",
            "fsWatcherEnabled": "true",
            "fsWatcherDelayS": "1",
        },
    )
    for device_id in (me.device_id, other.device_id):
        ET.SubElement(folder, "device", {"id": device_id})
    tree.write(path)


def _files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and not relative.parts[0].startswith(".st"):
            found[str(relative)] = path.read_bytes()
    return found


@dataclass
class Pair:
    """Two instances that sync one folder."""

    a: Instance
    b: Instance

    def settle(self, timeout: float = 60.0) -> float:
        """Wait until both folders hold the same files (the sync engine has done its work).

        Returns:
            How long it took, in seconds.

        Raises:
            TimeoutError: if they still differ after ``timeout`` seconds.
        """
        start = time.monotonic()
        stable = 0
        while time.monotonic() - start < timeout:
            self.a.rescan()
            self.b.rescan()
            time.sleep(0.5)
            same = _files(self.a.folder) == _files(self.b.folder)
            stable = stable + 1 if same else 0
            if stable >= 2:  # the same twice in a row: nothing was still in flight
                return time.monotonic() - start
        raise TimeoutError(f"Syncthing did not settle within {timeout} s")


@contextmanager
def syncthing_pair(root: Path) -> Iterator[Pair]:
    """Start two connected instances under ``root``; stop them afterwards."""
    binary = syncthing_binary()
    if binary is None:
        raise FileNotFoundError("syncthing is not installed")
    a, b = _generate(binary, root, "a"), _generate(binary, root, "b")
    _configure(a, b, dials=True)
    _configure(b, a, dials=False)
    logs = []
    try:
        for instance in (a, b):
            log = open(instance.home / "run.log", "wb")  # noqa: SIM115 - closed below
            logs.append(log)
            instance.process = subprocess.Popen(
                [
                    binary,
                    "serve",
                    f"--home={instance.home}",
                    "--no-browser",
                    "--no-restart",
                    "--no-upgrade",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={"STNOUPGRADE": "1", "HOME": str(instance.home), "PATH": "/usr/bin:/bin"},
            )
        _wait_connected(a, b)
        try:
            yield Pair(a, b)
        except BaseException:
            # A failure in CI is read from its output: say what the engines were doing.
            for instance in (a, b):
                tail = (instance.home / "run.log").read_text(errors="replace")[-3000:]
                print(f"\n== {instance.home.name} log (last 3,000 characters)\n{tail}")
            raise
    finally:
        for instance in (a, b):
            if instance.process is not None:
                instance.process.terminate()
                try:
                    instance.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
                    instance.process.wait()
        for log in logs:
            log.close()


def _wait_connected(a: Instance, b: Instance, timeout: float = 60.0) -> None:
    import json

    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            status, body = a.request("GET", "/rest/system/connections")
        except OSError:
            time.sleep(0.3)
            continue
        if status == 200:
            connections = json.loads(body).get("connections", {})
            if connections.get(b.device_id, {}).get("connected"):
                return
        time.sleep(0.3)
    log = (a.home / "run.log").read_text(errors="replace")[-2000:]
    raise TimeoutError(f"the two Syncthing instances did not connect; a's log ends:\n{log}")
