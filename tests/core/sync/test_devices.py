"""Two or three devices sharing one folder end with the same ledger."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tokenbudget.core.devices import DeviceSync
from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.ledger import Ledger
from tokenbudget.core.plans import Plan, PlanKind
from tokenbudget.core.sync.journal import ROOT

AT = datetime(2026, 11, 30, 23, 58, tzinfo=UTC)


def entry(
    ref: str | None,
    *,
    source: str = "claude-code",
    out: int = 5,
    note: str | None = None,
    at: datetime = AT,
) -> NewEntry:
    return NewEntry(
        at=at,
        provider="anthropic",
        model="claude-sonnet-4-6",
        tokens=TokenCounts(input_tokens=10, output_tokens=out),
        cost_micros=100 + out,
        currency="USD",
        source=source if ref else "manual",
        source_ref=ref,
        note=note,
        prompt_text="secret prompt",
    )


class Device:
    def __init__(self, root: Path, name: str, folder: Path) -> None:
        root.mkdir(parents=True)
        self.ledger = Ledger.open(root / "ledger.sqlite3")
        self.sync = DeviceSync(self.ledger, root / "device.json", fingerprint=f"fp-{name}")
        self.folder = folder
        self.name = name

    def view(self) -> list[tuple[object, ...]]:
        """The ledger as every device should see it: no local ids, no local-only text."""
        rows = []
        for e in self.ledger.history(limit=10_000):
            plan = self.ledger.plan(e.plan_id).name if e.plan_id else None
            rows.append(
                (
                    e.at,
                    e.model,
                    e.tokens,
                    e.cost_micros,
                    e.source,
                    e.source_ref,
                    e.note,
                    e.requests,
                    plan,
                )
            )
        return sorted(rows, key=repr)


@pytest.fixture
def trio(tmp_path: Path) -> tuple[Device, Device, Device]:
    folder = tmp_path / "Sync"
    folder.mkdir()
    return tuple(Device(tmp_path / n, n, folder) for n in ("laptop", "desktop", "work"))  # type: ignore[return-value]


def sync_all(*devices: Device) -> None:
    for _ in range(2):
        for device in devices:
            device.sync.sync()


def test_entries_edits_and_deletes_reach_every_device(trio: tuple[Device, Device, Device]) -> None:
    a, b, c = trio
    a.ledger.add_entries([entry("msg_1"), entry(None, note="lunch")])
    a.sync.use(a.folder, "Laptop")
    b.ledger.add_entries([entry("r1", source="codex", out=7)])
    b.sync.use(b.folder, "Desktop")
    c.sync.use(c.folder, "Work")
    sync_all(a, b, c)
    assert a.view() == b.view() == c.view()
    assert len(a.view()) == 3

    [manual] = [e for e in b.ledger.history(limit=10) if e.source == "manual"]
    b.ledger.update_entry(replace(manual, note="lunch with Ann"))
    [codex] = [e for e in a.ledger.history(limit=10) if e.source == "codex"]
    a.ledger.delete_entries([codex.id])
    sync_all(a, b, c)
    assert a.view() == b.view() == c.view()
    notes = {e.note for e in c.ledger.history(limit=10)}
    assert "lunch with Ann" in notes and len(c.view()) == 2


def test_the_same_log_imported_on_two_devices_is_one_entry(
    trio: tuple[Device, Device, Device],
) -> None:
    a, b, _ = trio
    for device in (a, b):
        device.ledger.add_entries([entry("msg_1"), entry("msg_2", out=9)])
        device.sync.use(device.folder)
    sync_all(a, b)
    assert a.view() == b.view()
    assert len(a.view()) == 2


def test_prompt_text_stays_on_its_device_unless_shared(trio: tuple[Device, Device, Device]) -> None:
    a, b, _ = trio
    a.ledger.add_entries([entry(None, note="x")])
    a.sync.use(a.folder)
    b.sync.use(b.folder)
    sync_all(a, b)
    [mine] = a.ledger.history(limit=10)
    [theirs] = b.ledger.history(limit=10)
    assert mine.prompt_text == "secret prompt" and theirs.prompt_text is None
    assert b"secret prompt" not in b"".join(p.read_bytes() for p in a.folder.rglob("*.jsonl"))


def test_plans_and_their_edits_are_the_same_everywhere(trio: tuple[Device, Device, Device]) -> None:
    a, b, _ = trio
    plan = a.ledger.add_plan(
        Plan(
            id=0, name="Claude Pro", kind=PlanKind.BUDGET, currency="USD", amount_micros=20_000_000
        ),
        now=AT,
    )
    a.ledger.add_entries([replace(entry(None), plan_id=plan.id)])
    a.sync.use(a.folder)
    b.sync.use(b.folder)
    sync_all(a, b)
    [copy] = b.ledger.plans()
    assert copy.name == "Claude Pro" and copy.amount_micros == 20_000_000
    b.ledger.update_plan(replace(copy, amount_micros=25_000_000))
    sync_all(a, b)
    assert a.ledger.plans()[0].amount_micros == 25_000_000
    assert a.view() == b.view()
    b.ledger.remove_plan(copy.id)
    sync_all(a, b)
    assert a.ledger.plans() == [] and a.view() == b.view()


def test_a_second_sync_reads_only_what_is_new(trio: tuple[Device, Device, Device]) -> None:
    a, b, _ = trio
    a.ledger.add_entries([entry(f"m{i}") for i in range(50)])
    a.sync.use(a.folder)
    first = b.sync.use(b.folder)
    assert first.new_records >= 51
    again = b.sync.sync()
    assert again.files_read == 0 and again.new_records == 0
    a.ledger.add_entries([entry("m_new")])
    a.sync.sync()
    later = b.sync.sync()
    assert later.new_records == 1 and later.files_read == 1


def test_losing_the_folder_loses_nothing_and_a_new_folder_gets_everything(
    trio: tuple[Device, Device, Device], tmp_path: Path
) -> None:
    a, b, _ = trio
    a.ledger.add_entries([entry("m1"), entry(None, note="kept")])
    a.sync.use(a.folder)
    b.sync.use(b.folder)
    for path in sorted(a.folder.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert len(a.view()) == 2
    fresh = tmp_path / "NewSync"
    fresh.mkdir()
    a.sync.use(fresh)
    b.sync.use(fresh)
    sync_all(a, b)
    assert a.view() == b.view() and len(b.view()) == 2


def _open_copy(root: Path, folder: Path, fingerprint: str) -> Device:
    device = Device.__new__(Device)
    device.ledger = Ledger.open(root / "ledger.sqlite3")
    device.sync = DeviceSync(device.ledger, root / "device.json", fingerprint=fingerprint)
    device.folder, device.name = folder, root.name
    return device


def test_a_copied_config_takes_a_new_id_before_it_writes(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    a = Device(tmp_path / "a", "same", folder)
    a.ledger.add_entries([entry(None, note="one")])
    a.sync.use(folder)
    journal = sorted((folder / ROOT / a.sync.identity.id).iterdir())
    before = [p.read_bytes() for p in journal]
    # A virtual machine cloned with its config: same id, same fingerprint, its own ledger.
    clone_root = tmp_path / "clone"
    clone_root.mkdir()
    (clone_root / "device.json").write_bytes((tmp_path / "a" / "device.json").read_bytes())
    clone = _open_copy(clone_root, folder, "fp-same")
    assert clone.sync.identity.id == a.sync.identity.id
    clone.ledger.add_entries([entry(None, note="two")])
    report = clone.sync.use(folder)
    # The journal under a's id holds records this ledger never wrote: a new id, at once.
    assert report.renewed_from == a.sync.identity.id != clone.sync.identity.id
    assert [p.read_bytes() for p in journal] == before  # a's journal was not written to
    assert a.sync.sync().renewed_from is None
    third = Device(tmp_path / "third", "third", folder)
    third.sync.use(folder)
    sync_all(a, clone, third)
    assert {e.note for e in third.ledger.history(limit=10)} == {"one", "two"}
    assert a.view() == clone.view() == third.view()
    assert {d.id for d in third.sync.devices()} == {
        a.sync.identity.id,
        clone.sync.identity.id,
        third.sync.identity.id,
    }


def test_a_whole_home_cloned_finds_itself_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    a = Device(tmp_path / "a", "same", folder)
    a.ledger.add_entries([entry(None, note="one")])
    a.sync.use(folder)
    a.ledger.close()
    clone_root = tmp_path / "clone"
    clone_root.mkdir()
    for name in ("ledger.sqlite3", "device.json"):
        (clone_root / name).write_bytes((tmp_path / "a" / name).read_bytes())
    a = _open_copy(tmp_path / "a", folder, "fp-same")
    clone = _open_copy(clone_root, folder, "fp-same")
    # Both go on writing under the one id, numbering on from the same place.
    clone.ledger.add_entries([entry(None, note="two")])
    clone.sync.sync()
    a.ledger.add_entries([entry(None, note="three")])
    report = a.sync.sync()
    assert report.renewed_from is not None and a.sync.identity.id != report.renewed_from
    sync_all(a, clone)
    assert clone.sync.identity.id not in (a.sync.identity.id, report.renewed_from)
    third = Device(tmp_path / "third", "third", folder)
    third.sync.use(folder)
    sync_all(a, clone, third)
    assert {e.note for e in third.ledger.history(limit=10)} == {"one", "two", "three"}
    assert a.view() == clone.view() == third.view()


def test_a_rebuilt_ledger_takes_a_new_id_and_nothing_is_counted_twice(
    trio: tuple[Device, Device, Device],
) -> None:
    a, b, _ = trio
    a.ledger.add_entries([entry("m1"), entry(None, note="typed")])
    b.ledger.add_entries([entry("m2", source="codex")])
    a.sync.use(a.folder)
    b.sync.use(b.folder)
    sync_all(a, b)
    assert len(a.view()) == 3
    old_id = a.sync.identity.id
    path = a.ledger.path
    a.ledger.close()
    Ledger.recover(path)  # damaged: rebuilt from its tables, its sync state gone
    a = _open_copy(path.parent, a.folder, "fp-laptop")
    assert a.sync.identity.id == old_id and a.sync.folder() == a.folder.resolve()
    a.ledger.add_entries([entry(None, note="after")])
    report = a.sync.sync()  # it still shares through the folder it had
    assert report.renewed_from == old_id != a.sync.identity.id
    sync_all(a, b)
    assert a.view() == b.view()
    assert sorted(str(row[6]) for row in b.view()) == ["None", "None", "after", "typed"]
    assert b.sync.sync().clashes == 0


def test_clock_skew_neither_reorders_edits_nor_moves_an_entry_to_another_month(
    trio: tuple[Device, Device, Device],
) -> None:
    a, b, _ = trio
    wall = int(AT.timestamp() * 1000) + 120_000  # two minutes into December, by b's clock
    a.sync._side.now_ms = lambda: wall + 7 * 60_000  # a's clock runs 7 minutes fast
    b.sync._side.now_ms = lambda: wall
    a.ledger.add_entries([entry(None, note="first")])  # made on 30 November, 23:58 UTC
    a.sync.use(a.folder)
    [mine] = a.ledger.history(limit=10)
    a.ledger.update_entry(replace(mine, note="a's edit"))
    a.sync.sync()
    b.sync.use(b.folder)  # b sees a's edit, then edits the note itself, 7 minutes "earlier"
    [held] = b.ledger.history(limit=10)
    assert held.note == "a's edit"
    b.ledger.update_entry(replace(held, note="second, after seeing the first"))
    [mine] = a.ledger.history(limit=10)
    a.ledger.update_entry(replace(mine, model="claude-opus-4-7"))  # another field, meanwhile
    b.sync.sync()
    a.sync.sync()
    b.sync.sync()
    assert a.view() == b.view()
    [settled] = a.ledger.history(limit=10)
    assert settled.note == "second, after seeing the first"
    assert settled.model == "claude-opus-4-7"  # a different field: both edits kept
    assert settled.at == AT and settled.at.month == 11


def test_a_half_synced_journal_is_taken_in_when_the_rest_arrives(
    trio: tuple[Device, Device, Device], tmp_path: Path
) -> None:
    a, b, _ = trio
    a.ledger.add_entries([entry(f"m{i}") for i in range(3)])
    a.sync.use(a.folder)
    [segment] = (a.folder / ROOT / a.sync.identity.id).glob("journal-*.jsonl")
    whole = segment.read_bytes()
    segment.write_bytes(whole[: len(whole) - 40])  # the sync engine is still copying it
    report = b.sync.use(b.folder)
    assert report.pending_bytes > 0 and len(b.view()) == 2
    segment.write_bytes(whole)
    b.sync.sync()
    assert b.view() == a.view() and len(b.view()) == 3


def test_conflict_copies_are_read_and_deduplicated(trio: tuple[Device, Device, Device]) -> None:
    a, b, _ = trio
    a.ledger.add_entries([entry("m1")])
    a.sync.use(a.folder)
    [segment] = (a.folder / ROOT / a.sync.identity.id).glob("journal-*.jsonl")
    copy = segment.with_name("journal-000001.sync-conflict-20261205-101112-ABCDEFG.jsonl")
    copy.write_bytes(segment.read_bytes() + b'{"broken": \n')
    a.ledger.add_entries([entry("m2")])
    a.sync.sync()
    report = b.sync.use(b.folder)
    assert report.skipped_lines == 1
    assert b.view() == a.view() and len(b.view()) == 2


def test_the_newest_official_limit_snapshot_wins_on_every_device(
    trio: tuple[Device, Device, Device],
) -> None:
    from decimal import Decimal

    from tokenbudget.core.official_limits import LimitSnapshot

    a, b, _ = trio

    def snapshot(percent: str, minutes: int) -> LimitSnapshot:
        return LimitSnapshot(
            source="codex",
            window="5h",
            window_minutes=300,
            used_percent=Decimal(percent),
            resets_at=None,
            observed_at=AT.replace(minute=0) + timedelta(minutes=minutes),
            plan_type="plus",
        )

    a.ledger.record_limits([snapshot("40", 10)])
    a.sync.use(a.folder)
    b.sync.use(b.folder)
    assert [s.used_percent for s in b.ledger.official_limits()] == [Decimal("40")]
    b.ledger.record_limits([snapshot("55", 20)])
    a.ledger.record_limits([snapshot("45", 15)])  # seen on a, but older than b's
    sync_all(a, b)
    assert [s.used_percent for s in a.ledger.official_limits()] == [Decimal("55")]
    assert [s.used_percent for s in b.ledger.official_limits()] == [Decimal("55")]


def test_a_name_given_by_another_process_is_the_one_synced(
    trio: tuple[Device, Device, Device],
) -> None:
    a, b, _ = trio
    a.sync.use(a.folder)
    b.sync.use(b.folder)
    # The command line renames this device while the window's engine is open.
    other = DeviceSync(
        Ledger.open(a.ledger.path), a.ledger.path.parent / "device.json", fingerprint="fp-laptop"
    )
    other.rename("Work laptop")
    assert a.sync.devices()[0].name == "Work laptop"
    a.sync.rename("Laptop at home")  # the window renames it again: the id stays
    assert a.sync.identity.id == other.identity.id
    sync_all(a, b)
    names = {d.id: d.name for d in b.sync.devices()}
    assert names[a.sync.identity.id] == "Laptop at home"


def test_a_sync_says_how_much_of_the_new_history_it_has_taken_in(
    trio: tuple[Device, Device, Device],
) -> None:
    a, b, c = trio
    a.ledger.add_entries([entry(f"a{i}") for i in range(50)])
    b.ledger.add_entries([entry(f"b{i}") for i in range(30)])
    a.sync.use(a.folder)
    b.sync.use(b.folder)
    seen: list[tuple[int, int]] = []
    c.sync.use(c.folder, progress=lambda done, total: seen.append((done, total)))
    journals = list(c.folder.rglob("journal-*.jsonl"))  # its own too: read to check it is
    total = sum(p.stat().st_size for p in journals)
    assert [t for _, t in seen] == [total] * len(seen) and len(seen) == len(journals)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] == total
    a.ledger.add_entries([entry("one more")])
    a.sync.sync()
    seen.clear()
    c.sync.sync(progress=lambda done, total: seen.append((done, total)))
    assert len(seen) == 1 and 0 < seen[0][1] < total / 10  # only the new bytes
