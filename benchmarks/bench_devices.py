"""Sync with a large folder: N devices x M entries each, then 100 new entries.

    python benchmarks/bench_devices.py [--devices 5] [--entries 200000]

The other devices' journals are written with the real journal writer (imported Claude Code
and Codex rows, manual entries, some edits and deletes, a plan each), into a temporary folder.
A new device with an empty ledger then points at the folder: the first read. One device
appends 100 entries, and the new device syncs again: the time to take them in. A third sync
with nothing new shows the cost of looking. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tokenbudget.core.devices import DeviceSync
from tokenbudget.core.ledger import Ledger
from tokenbudget.core.sync.clock import Clock
from tokenbudget.core.sync.journal import JournalWriter, Record
from tokenbudget.core.sync.merge import EventType, import_key

START_MS = 1_735_689_600_000  # 2025-01-01
MODELS = ("claude-sonnet-4-6", "gpt-5.5", "deepseek-v4-flash", "gemini-3.8-flash", "glm-5.3")


def body(rng: random.Random, at_ms: int, source: str, ref: str | None) -> dict[str, object]:
    return {
        "at_us": at_ms * 1000,
        "provider": "anthropic",
        "model": rng.choice(MODELS),
        "input_tokens": rng.randrange(10, 50_000),
        "cache_read_tokens": rng.randrange(0, 200_000),
        "cache_write_5m_tokens": 0,
        "cache_write_1h_tokens": 0,
        "output_tokens": rng.randrange(1, 8_000),
        "cost_micros": rng.randrange(10, 900_000),
        "currency": "USD",
        "source": source,
        "source_ref": ref,
        "note": None,
        "requests": 1,
        "project": "/home/dev/shop",
        "precedence": 1,
        "plan": None,
    }


def write_device(folder: Path, device: str, entries: int, seed: int) -> tuple[int, Clock]:
    """A device's journal: ``entries`` entries over two years, with edits and deletes."""
    rng = random.Random(seed)
    clock = Clock(device)
    writer = JournalWriter(folder, device)
    batch: list[Record] = []
    number = 0

    def add(kind: EventType, key: str, data: dict[str, object], at_ms: int) -> None:
        nonlocal number
        number += 1
        batch.append(Record(device, number, clock.tick(at_ms), kind.value, key, data))
        if len(batch) >= 5000:
            writer.append(batch)
            batch.clear()

    add(EventType.DEVICE, device, {"name": f"Device {device[-2:]}"}, START_MS)
    step = (2 * 365 * 86_400_000) // entries
    for i in range(entries):
        at = START_MS + i * step
        if i % 10 < 7:
            ref = f"{device}-msg-{i}"
            add(
                EventType.IMPORT,
                import_key("claude-code", ref),
                body(rng, at, "claude-code", ref),
                at,
            )
        else:
            key = f"u:{device}{i:08x}"
            add(EventType.ENTRY, key, body(rng, at, "manual", None), at)
            if i % 50 == 7:
                add(EventType.EDIT, key, {"set": {"note": "checked"}}, at + 1000)
            if i % 97 == 8:
                add(EventType.DELETE, key, {}, at + 2000)
    writer.append(batch)
    return number, clock


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=5)
    parser.add_argument("--entries", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tb-devices-") as tmp:
        root = Path(tmp)
        folder = root / "Sync"
        folder.mkdir()
        started = time.perf_counter()
        devices = [f"{i:016x}"[-16:] for i in range(0xAB00, 0xAB00 + args.devices)]
        last = {}
        for seed, device in enumerate(devices):
            last[device] = write_device(folder, device, args.entries, seed)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(
            f"folder: {args.devices} devices x {args.entries:,} entries, {size / 2**20:.0f} MB of "
            f"journals, written in {time.perf_counter() - started:.1f} s"
        )
        ledger = Ledger.open(root / "ledger.sqlite3")
        sync = DeviceSync(ledger, root / "device.json", fingerprint="bench")

        started, cpu = time.perf_counter(), time.process_time()
        first = sync.use(folder, "New laptop")
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"first read: {took:.1f} s, {cpu:.1f} s CPU ({first.new_records:,} records from "
            f"{first.files_read} files, {ledger.count():,} entries now; peak RSS {rss_mb():.0f} MB;"
            f" load average {os.getloadavg()[0]:.1f})"
        )

        rng = random.Random(99)
        writer = JournalWriter(folder, devices[0])
        number, clock = last[devices[0]]
        new = []
        for i in range(100):
            at = START_MS + 2 * 365 * 86_400_000 + i * 60_000
            ref = f"new-{i}"
            new.append(
                Record(
                    devices[0],
                    number + 1 + i,
                    clock.tick(at),
                    EventType.IMPORT.value,
                    import_key("claude-code", ref),
                    body(rng, at, "claude-code", ref),
                )
            )
        writer.append(new)
        started = time.perf_counter()
        second = sync.sync()
        took = time.perf_counter() - started
        print(
            f"100 new entries: {took * 1000:.0f} ms ({second.new_records} records from "
            f"{second.files_read} file(s); {ledger.count():,} entries now)"
        )
        started = time.perf_counter()
        third = sync.sync()
        print(
            f"nothing new: {(time.perf_counter() - started) * 1000:.0f} ms "
            f"({third.files_read} files opened)"
        )
        ledger.close()
        os.sync()


if __name__ == "__main__":
    main()
