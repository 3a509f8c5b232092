"""``tokenbudget devices``: share spend and plans with your other devices through a folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tokenbudget.cli.common import EXIT_OK, open_service, table, write_json

if TYPE_CHECKING:
    from tokenbudget.core.types import DeviceInfo, DeviceSyncReport

NOT_SHARING = (
    "Not sharing with other devices. Choose a folder that Syncthing, Dropbox, OneDrive, "
    "iCloud Drive or Nextcloud keeps in step: tokenbudget devices use FOLDER\n"
)


def _report_json(report: DeviceSyncReport) -> dict[str, Any]:
    return {
        "folder": str(report.folder),
        "device": report.device,
        "written": report.written,
        "files_read": report.files_read,
        "new_records": report.new_records,
        "entries_changed": report.entries_changed,
        "skipped_lines": report.skipped_lines,
        "pending_bytes": report.pending_bytes,
        "clashes": report.clashes,
        "renewed_from": report.renewed_from,
        "problems": list(report.problems),
    }


def _device_json(device: DeviceInfo) -> dict[str, Any]:
    return {
        "id": device.id,
        "name": device.name,
        "this_device": device.this_device,
        "last_write": device.last_write.isoformat(),
        "records": device.records,
        "entries": device.entries,
    }


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def report_lines(report: DeviceSyncReport) -> str:
    """What a sync did, in a line or a few."""
    lines = [
        f"Synced with {report.folder}: wrote {_plural(report.written, 'record', 'records')}, "
        f"took in {_plural(report.new_records, 'new record', 'new records')} "
        f"from {_plural(report.files_read, 'file', 'files')}."
    ]
    if report.pending_bytes:
        lines.append(
            f"{report.pending_bytes:,} bytes are still arriving (a file is half synced); "
            "they are read next time."
        )
    if report.skipped_lines:
        lines.append(
            f"Skipped {_plural(report.skipped_lines, 'damaged line', 'damaged lines')} "
            "(conflict copies or damaged files); nothing else was affected."
        )
    if report.renewed_from:
        lines.append(
            f"Another machine writes as this device ({report.renewed_from}): this device now "
            f"has a new id, {report.device}. Nothing was lost."
        )
    lines.extend(f"Could not use {problem}" for problem in report.problems)
    return "\n".join(lines) + "\n"


def run_devices(args: argparse.Namespace, out: TextIO) -> int:
    """``devices`` (list), ``devices use``, ``devices sync``, ``devices name``, ``devices stop``."""
    service = open_service(args)
    devices = service.devices
    action = getattr(args, "devices_command", None)
    if action == "use":
        report = devices.use(Path(args.folder), args.name)
        if args.json:
            write_json(_report_json(report), out)
        else:
            out.write(f"Sharing through {report.folder} as '{devices.this_name}'.\n")
            out.write(report_lines(report))
        return EXIT_OK
    if action == "sync":
        report = devices.sync()
        if args.json:
            write_json(_report_json(report), out)
        else:
            out.write(report_lines(report))
        return EXIT_OK
    if action == "name":
        devices.rename(args.name)
        out.write(f"This device is now called '{devices.this_name}'.\n")
        return EXIT_OK
    if action == "stop":
        devices.stop()
        out.write("Stopped sharing. The folder keeps what was written; nothing here changed.\n")
        return EXIT_OK
    folder = devices.folder()
    found = devices.devices() if folder is not None else []
    if args.json:
        write_json(
            {
                "folder": None if folder is None else str(folder),
                "this_device": devices.this_id,
                "devices": [_device_json(d) for d in found],
            },
            out,
        )
        return EXIT_OK
    if folder is None:
        out.write(NOT_SHARING)
        return EXIT_OK
    rows = [["device", "id", "last write (UTC)", "entries", "records"]]
    for device in found:
        name = f"{device.name} (this device)" if device.this_device else device.name
        rows.append(
            [
                name,
                device.id,
                device.last_write.strftime("%Y-%m-%d %H:%M"),
                f"{device.entries:,}",
                f"{device.records:,}",
            ]
        )
    out.write(f"Sharing through {folder}\n")
    table(rows, {3, 4}, out)
    return EXIT_OK


def add_devices(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``devices`` command and its actions."""
    devices = sub.add_parser(
        "devices", help="share spend and plans with your other devices through a synced folder"
    )
    devices.add_argument("--json", action="store_true", help="print JSON")
    devices.set_defaults(handler="tokenbudget.cli.devices:run_devices")
    actions = devices.add_subparsers(
        dest="devices_command", metavar="ACTION", parser_class=parser_class
    )
    use = actions.add_parser("use", help="share through FOLDER (one your sync engine syncs)")
    use.add_argument("folder", metavar="FOLDER")
    use.add_argument("--name", help="what to call this device (default: its host name)")
    use.add_argument("--json", action="store_true", help="print JSON")
    sync = actions.add_parser("sync", help="write this device's changes and read the others' now")
    sync.add_argument("--json", action="store_true", help="print JSON")
    name = actions.add_parser("name", help="rename this device")
    name.add_argument("name", metavar="NAME")
    actions.add_parser("stop", help="stop sharing (nothing local changes)")
