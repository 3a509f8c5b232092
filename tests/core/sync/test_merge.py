"""The records of several devices settle to one ledger, whatever order they arrive in."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tokenbudget.core.sync.clock import Clock, Stamp
from tokenbudget.core.sync.journal import Record
from tokenbudget.core.sync.merge import (
    EntryState,
    EventType,
    dedupe,
    import_key,
    resolve_entry,
    resolve_limit,
    resolve_plan,
)

ROW = {
    "source": "claude-code",
    "source_ref": "msg_1",
    "at_us": 1_764_547_200_000_000,
    "provider": "anthropic",
    "model": "claude-sonnet-4-6",
    "input_tokens": 10,
    "output_tokens": 5,
    "precedence": 1,
}


def record(  # noqa: PLR0917 - a test builder, read like the Record it makes
    device: str, number: int, wall: int, kind: EventType, key: str, body: dict[str, Any]
) -> Record:
    return Record(device, number, Stamp(wall, 0, device), kind.value, key, body)


def test_the_same_request_imported_on_two_devices_is_one_entry() -> None:
    key = import_key("claude-code", "msg_1")
    a = record("a", 1, 100, EventType.IMPORT, key, ROW)
    b = record("b", 7, 200, EventType.IMPORT, key, ROW)
    state = resolve_entry(key, [a, b])
    assert state.fields is not None and state.fields["output_tokens"] == 5
    assert resolve_entry(key, [b, a]).fields == state.fields


def test_an_original_beats_a_larger_later_copy_and_the_largest_original_wins() -> None:
    key = import_key("claude-code", "msg_1")
    original = record("a", 1, 100, EventType.IMPORT, key, ROW)
    copy = record("b", 1, 900, EventType.IMPORT, key, {**ROW, "precedence": 0, "input_tokens": 999})
    final = record("c", 1, 50, EventType.IMPORT, key, {**ROW, "output_tokens": 50})
    assert resolve_entry(key, [copy, original]).fields == ROW
    state = resolve_entry(key, [final, copy, original])
    assert state.fields is not None and state.fields["output_tokens"] == 50
    assert state.device == "c"


def test_edits_settle_field_by_field_and_a_delete_is_final() -> None:
    key = "dev:a:1"
    created = record("a", 1, 100, EventType.ENTRY, key, {"note": "x", "model": "m"})
    note_b = record("b", 1, 300, EventType.EDIT, key, {"set": {"note": "from b"}})
    note_a = record("a", 2, 200, EventType.EDIT, key, {"set": {"note": "from a", "model": "n"}})
    state = resolve_entry(key, [note_b, created, note_a])
    assert state.fields == {"note": "from b", "model": "n"}
    gone = record("c", 1, 150, EventType.DELETE, key, {})
    deleted = resolve_entry(key, [created, gone, note_b])
    assert deleted.deleted and deleted.fields is None  # a later edit does not bring it back
    undone = record("c", 2, 400, EventType.RESTORE, key, {})
    back = resolve_entry(key, [undone, created, gone, note_b])
    assert not back.deleted and back.fields == {"note": "from b", "model": "m"}
    again = record("a", 3, 500, EventType.DELETE, key, {})
    assert resolve_entry(key, [undone, again, created, gone]).deleted


def test_a_deleted_import_stays_deleted_when_another_device_imports_it_again() -> None:
    key = import_key("claude-code", "msg_1")
    first = record("a", 1, 100, EventType.IMPORT, key, ROW)
    gone = record("a", 2, 200, EventType.DELETE, key, {})
    reimported = record("b", 1, 900, EventType.IMPORT, key, {**ROW, "output_tokens": 9})
    assert resolve_entry(key, [reimported, gone, first]).deleted


def test_an_edit_that_arrives_before_its_entry_waits_for_it() -> None:
    key = "dev:a:1"
    edit = record("b", 1, 300, EventType.EDIT, key, {"set": {"note": "later"}})
    early = resolve_entry(key, [edit])
    assert early.fields is None and not early.deleted
    created = record("a", 1, 100, EventType.ENTRY, key, {"note": "x"})
    assert resolve_entry(key, [edit, created]).fields == {"note": "later"}


def test_two_different_records_under_one_identity_settle_the_same_everywhere() -> None:
    one = record("a", 3, 100, EventType.ENTRY, "dev:a:1", {"note": "one"})
    two = record("a", 3, 100, EventType.ENTRY, "dev:a:1", {"note": "two"})
    kept_1, clashes_1 = dedupe([one, two, one])
    kept_2, clashes_2 = dedupe([two, one])
    assert kept_1 == kept_2 and clashes_1 >= 1 and clashes_2 == 1


def test_plans_take_the_latest_whole_plan_until_deleted() -> None:
    first = record("a", 1, 100, EventType.PLAN, "p1", {"name": "Pro", "amount_micros": 1})
    second = record("b", 1, 200, EventType.PLAN, "p1", {"name": "Max", "amount_micros": 2})
    state = resolve_plan("p1", [second, first])
    assert state.record == second and not state.deleted
    removed = record("a", 2, 50, EventType.PLAN_DELETE, "p1", {})
    assert resolve_plan("p1", [first, removed, second]).record is None


def test_the_newest_limit_observation_wins_on_every_device() -> None:
    old = record("a", 1, 500, EventType.LIMIT, "codex|primary|5h", {"observed_us": 10})
    new = record("b", 1, 100, EventType.LIMIT, "codex|primary|5h", {"observed_us": 20})
    assert resolve_limit("codex|primary|5h", [old, new]).record == new
    assert resolve_limit("codex|primary|5h", [new, old]).record == new


# -- convergence: three devices, random histories, random arrival orders -----------------

DEVICES = ("a", "b", "c")
op = st.tuples(
    st.sampled_from(DEVICES),
    st.sampled_from(["import", "entry", "edit", "delete", "restore", "observe"]),
    st.integers(0, 4),  # which key
    st.integers(0, 3),  # a value
    st.integers(-300_000, 300_000),  # this device's clock skew
)


def history(ops: list[tuple[str, str, int, int, int]]) -> list[Record]:
    """Records three devices would write for ``ops``, each with its own skewed clock."""
    clocks = {d: Clock(d) for d in DEVICES}
    numbers = dict.fromkeys(DEVICES, 0)
    written: list[Record] = []
    wall = 1_764_547_200_000
    for device, kind, which, value, skew in ops:
        wall += 1_000
        clock = clocks[device]
        if kind == "observe":
            for seen in written:
                clock.observe(seen.stamp, wall + skew)
            continue
        numbers[device] += 1
        stamp = clock.tick(wall + skew)
        if kind == "import":
            key = import_key("claude-code", f"msg_{which}")
            body: dict[str, Any] = {
                **ROW,
                "source_ref": f"msg_{which}",
                "output_tokens": value,
                "precedence": value % 2,
            }
            etype = EventType.IMPORT
        elif kind == "entry":
            key, body, etype = f"dev:{device}:{which}", {"note": str(value)}, EventType.ENTRY
        elif kind == "edit":
            key, body, etype = (
                f"dev:a:{which}",
                {"set": {"note": f"{device}{value}"}},
                EventType.EDIT,
            )
        else:
            key, body, etype = f"dev:a:{which}", {}, EventType(kind)
        written.append(Record(device, numbers[device], stamp, etype.value, key, body))
    return written


def settle(records: list[Record]) -> dict[str, EntryState]:
    kept, _ = dedupe(records)
    by_key: dict[str, list[Record]] = defaultdict(list)
    for one in kept.values():
        by_key[one.key].append(one)
    return {key: resolve_entry(key, group) for key, group in sorted(by_key.items())}


@settings(max_examples=150, deadline=None)
@given(st.lists(op, max_size=40), st.randoms(use_true_random=False))
def test_random_histories_converge_whatever_the_order(
    ops: list[tuple[str, str, int, int, int]], rng: random.Random
) -> None:
    records = history(ops)
    expected = settle(records)
    for _ in range(3):
        arrival = records + rng.sample(records, k=len(records) // 3)  # some arrive twice
        rng.shuffle(arrival)
        assert settle(arrival) == expected
    # Each device reads the others' journals in its own order; all end the same.
    views = []
    for device in DEVICES:
        mine = [r for r in records if r.device == device]
        theirs = [r for r in records if r.device != device]
        rng.shuffle(theirs)
        views.append(settle(mine + theirs))
    assert views[0] == views[1] == views[2] == expected
