"""GitHub Copilot CLI: process totals from ``session.shutdown``, one entry per model.

The fixture ``copilot/session-state`` holds three sessions:

* ``5b2e9c41-...``: in ``/home/dev/webshop``; a first process ends on 2025-11-03 (shutdown 0009:
  claude-sonnet-4.5 input 52000 of which cache read 30000 and cache write 8000, output 4100,
  12 requests; gpt-5 input 9000, cache read 2000, output 1500, 3 requests; and a
  ``tokenDetails`` copy of the same tokens, which must not count again), then it is resumed
  and its second process ends on 2025-11-04 (shutdown 0013: claude-sonnet-4.5 input 20000,
  cache read 15000, cache write 1000, output 2200, 5 requests);
* ``a17f3d02-...``: in ``/home/dev/blog``, model gpt-5-mini (model_change), a malformed line 4,
  and a shutdown with only ``tokenDetails`` (input 6000, cache read 2500, output 900) on
  2025-11-04;
* ``e4c8b1a9-...``: still running, no shutdown, nothing to count.

Fresh input = inputTokens - cache read - cache write (module doc), so by hand:

==================  ======  ==========  ===========  ======
model / day         input   cache read  cache write  output
==================  ======  ==========  ===========  ======
claude-sonnet-4.5   18000   45000       9000         6300
gpt-5               7000    2000        0            1500
gpt-5-mini          3500    2500        0            900
2025-11-03          21000   32000       8000         5600
2025-11-04          7500    17500       1000         3100
==================  ======  ==========  ===========  ======
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path

from importer_support import FIXTURES, totals

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.importers import get_importer
from tokenbudget.core.importers.copilot_cli import CopilotCliImporter

STATE = FIXTURES / "copilot" / "session-state"
S1 = "5b2e9c41-7d3a-4f10-9b6e-2c8d1a0f3e71"
S2 = "a17f3d02-4c6b-4e8a-8f21-9d0c5e7b1a34"
S3 = "e4c8b1a9-0f2d-4b7c-9a3e-6d5f8c2b1e07"
SHUT1 = "c0a1e5f2-0009-4c3b-9e7d-1a2b3c4d5e01"
SHUT2 = "c0a1e5f2-0013-4c3b-9e7d-1a2b3c4d5e01"
SHUT3 = "d1b2c3d4-0006-4e5f-8a9b-0c1d2e3f4a02"

BY_MODEL = {
    "claude-sonnet-4.5": (18000, 45000, 9000, 0, 6300),
    "gpt-5": (7000, 2000, 0, 0, 1500),
    "gpt-5-mini": (3500, 2500, 0, 0, 900),
}
BY_DAY = {
    "2025-11-03": (21000, 32000, 8000, 0, 5600),
    "2025-11-04": (7500, 17500, 1000, 0, 3100),
}


def grouped(records: Iterable[NewEntry], key: str) -> dict[str, tuple[int, int, int, int, int]]:
    groups: dict[str, list[NewEntry]] = {}
    for r in records:
        name = r.model if key == "model" else r.at.date().isoformat()
        groups.setdefault(name, []).append(r)
    return {name: totals(rs) for name, rs in groups.items()}


def test_exact_totals_per_model_and_day() -> None:
    result = CopilotCliImporter().scan([STATE], {})
    assert grouped(result.records, "model") == BY_MODEL
    assert grouped(result.records, "day") == BY_DAY
    assert len(result.records) == 4
    assert result.files_read == 3
    assert sum(r.requests for r in result.records) == 12 + 3 + 5 + 1


def test_an_entry_is_one_model_over_one_process() -> None:
    records = {r.source_ref: r for r in CopilotCliImporter().scan([STATE], {}).records}
    assert set(records) == {
        f"{S1}:{SHUT1}:claude-sonnet-4.5",
        f"{S1}:{SHUT1}:gpt-5",
        f"{S1}:{SHUT2}:claude-sonnet-4.5",
        f"{S2}:{SHUT3}:gpt-5-mini",
    }
    first = records[f"{S1}:{SHUT1}:claude-sonnet-4.5"]
    assert first.tokens == TokenCounts(
        input_tokens=14000, cache_read_tokens=30000, cache_write_5m_tokens=8000, output_tokens=4100
    )
    assert first.requests == 12
    assert first.provider == "anthropic"
    assert records[f"{S1}:{SHUT1}:gpt-5"].provider == "openai"
    assert CopilotCliImporter().per_session is True


def test_projects_come_from_the_sessions_cwd() -> None:
    records = CopilotCliImporter().scan([STATE], {}).records
    assert {r.source_ref.split(":")[0]: r.project for r in records} == {
        S1: "/home/dev/webshop",
        S2: "/home/dev/blog",
    }


def test_token_details_only_without_model_metrics() -> None:
    # session 1's shutdowns carry both: only modelMetrics counts (tokenDetails would add
    # 61000 input on 2025-11-03 again); session 2's has only tokenDetails, under gpt-5-mini
    (record,) = CopilotCliImporter().scan([STATE / S2], {}).records
    assert record.tokens == TokenCounts(
        input_tokens=3500, cache_read_tokens=2500, output_tokens=900
    )
    assert record.model == "gpt-5-mini"


def test_malformed_line_is_reported_with_its_number() -> None:
    result = CopilotCliImporter().scan([STATE], {})
    assert [(Path(p.path).parent.name, p.line) for p in result.problems] == [(S2, 4)]


def test_twice_and_in_any_order_give_the_same_entries() -> None:
    importer = CopilotCliImporter()
    first = importer.scan([STATE], {})
    again = importer.scan([STATE], first.state)
    assert again.records == []
    sessions = [STATE / S1, STATE / S2, STATE / S3]
    seen = set()
    for order in itertools.permutations(sessions):
        records: list[NewEntry] = []
        for path in order:
            records += importer.scan([path], {}).records
        seen.add(tuple(sorted((r.source_ref, r.tokens, r.at) for r in records)))
        assert grouped(records, "model") == BY_MODEL
    assert len(seen) == 1


def test_a_resumed_process_adds_only_its_own_shutdown(fixture_copy: Path) -> None:
    path = fixture_copy / "copilot" / "session-state" / S3 / "events.jsonl"
    importer = CopilotCliImporter()
    first = importer.scan([path.parent], {})
    assert first.records == []  # still running
    shutdown = {
        "type": "session.shutdown",
        "data": {
            "modelMetrics": {
                "claude-haiku-4.5": {
                    "requests": {"count": 2},
                    "usage": {
                        "inputTokens": 3000,
                        "outputTokens": 250,
                        "cacheReadTokens": 1000,
                        "cacheWriteTokens": 500,
                    },
                }
            }
        },
        "id": "e5f6a7b8-0003-4c2d-9e3f-4a5b6c7d8e03",
        "timestamp": "2025-11-05T08:30:00.000Z",
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(shutdown) + "\n")
    second = importer.scan([path.parent], first.state)
    (record,) = second.records
    assert record.tokens == TokenCounts(
        input_tokens=1500, cache_read_tokens=1000, cache_write_5m_tokens=500, output_tokens=250
    )
    assert record.project == "/home/dev/webshop"  # the cwd was read on the first run
    resumed = dict(shutdown, id="e5f6a7b8-0009-4c2d-9e3f-4a5b6c7d8e03")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(resumed) + "\n")
    third = importer.scan([path.parent], second.state)
    assert [r.source_ref for r in third.records] == [
        f"{S3}:e5f6a7b8-0009-4c2d-9e3f-4a5b6c7d8e03:claude-haiku-4.5"
    ]


def test_default_roots_follow_copilot_home(tmp_path: Path) -> None:
    importer = get_importer("copilot-cli")
    assert importer.default_roots({}, tmp_path) == [tmp_path / ".copilot" / "session-state"]
    assert importer.default_roots({"COPILOT_HOME": "~/cop"}, tmp_path) == [
        tmp_path / "cop" / "session-state"
    ]
    assert importer.reads(tmp_path / "x" / "events.jsonl")
    assert not importer.reads(tmp_path / "x" / "workspace.yaml")
