"""CSV: our export written exactly and read back unchanged; other layouts through a mapping."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from importer_support import FIXTURES

from tokenbudget.core.entries import Entry, NewEntry, TokenCounts
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.importers import get_importer, read_csv, read_generic_csv, write_csv
from tokenbudget.core.importers.csv_export import EXPORT_COLUMNS
from tokenbudget.core.importers.csvfiles import CsvImporter

CSV = FIXTURES / "csv"

ENTRIES = [
    Entry(
        at=datetime(2025, 10, 2, 9, 14, 6, 881000, tzinfo=UTC),
        provider="anthropic",
        model="claude-sonnet-4-5-20250929",
        tokens=TokenCounts(4, 15872, 2048, 0, 120),
        cost_micros=14_330,
        currency="USD",
        source="claude-code",
        source_ref="msg_01A7pQx3vKzF2mN8bR4tY6wE:req_011CTdA3bVx8nK2pQ7rS5uW1",
        id=17,
    ),
    Entry(
        at=datetime(2025, 10, 3, 17, 5, tzinfo=timezone(timedelta(hours=8))),
        provider="deepseek",
        model="deepseek-chat",
        tokens=TokenCounts(52000, 0, 0, 0, 3100),
        cost_micros=27_800_000,
        currency="CNY",
        source="manual",
        note='Batch translation, "glossary" run\nsecond line',
        requests=40,
        id=18,
    ),
    Entry(
        at=datetime(2025, 10, 4, tzinfo=UTC),
        provider="openai",
        model="gpt-5-codex",
        tokens=TokenCounts(8000, 0, 0, 0, 400),
        cost_micros=None,
        currency=None,
        source="codex",
        source_ref="0199a958-24a6-752e-b651-3270269e0d37:8400",
        id=19,
        device="5f0c2a9e71b4d836",
    ),
    Entry(
        at=datetime(2025, 10, 5, 12, 0, 0, 123456, tzinfo=UTC),
        provider="gemini",
        model="gemini-2.5-pro",
        tokens=TokenCounts(12850, 0, 0, 0, 1030),
        cost_micros=0,
        currency="USD",
        source="estimate",
        id=20,
    ),
]


def same(record: NewEntry, entry: Entry) -> bool:
    return (
        record.at == entry.at
        and (record.provider, record.model, record.tokens, record.requests)
        == (entry.provider, entry.model, entry.tokens, entry.requests)
        and (record.cost_micros, record.currency) == (entry.cost_micros, entry.currency)
        and (record.source, record.note) == (entry.source, entry.note)
        and (entry.source_ref is None or record.source_ref == entry.source_ref)
    )


#: The devices' names by id, this one's under ``THIS_DEVICE`` ("").
DEVICE_NAMES = {"": "MacBook", "5f0c2a9e71b4d836": "Work laptop"}


def test_export_matches_the_golden_file() -> None:
    out = io.StringIO(newline="")
    assert write_csv(ENTRIES, out, DEVICE_NAMES) == 4
    assert out.getvalue().encode() == (CSV / "export.csv").read_bytes()


def test_export_names_each_entrys_device_last() -> None:
    out = io.StringIO(newline="")
    write_csv(ENTRIES, out, DEVICE_NAMES)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert EXPORT_COLUMNS[-1] == "device"
    assert [r["device"] for r in rows] == ["MacBook", "MacBook", "Work laptop", "MacBook"]
    unnamed = io.StringIO(newline="")
    write_csv(ENTRIES, unnamed)  # no names: the other device's id, nothing for this one
    rows = list(csv.DictReader(io.StringIO(unnamed.getvalue(), newline="")))
    assert [r["device"] for r in rows] == ["", "", "5f0c2a9e71b4d836", ""]


def test_an_export_from_before_the_device_column_reads_as_the_same_entries() -> None:
    """The device is informational: a row's derived reference does not change with it."""
    with (CSV / "export-before-devices.csv").open(newline="", encoding="utf-8") as fh:
        older, problems = read_csv(fh)
    assert problems == []
    with (CSV / "export.csv").open(newline="", encoding="utf-8") as fh:
        assert read_csv(fh)[0] == older


def test_export_reads_back_as_the_same_entries() -> None:
    with (CSV / "export.csv").open(newline="", encoding="utf-8") as fh:
        records, problems = read_csv(fh)
    assert problems == []
    assert len(records) == len(ENTRIES)
    for record, entry in zip(records, ENTRIES, strict=True):
        assert same(record, entry), entry.id
    # a row without a reference gets one from its content: the same on every import
    manual = records[1]
    assert manual.source_ref.startswith("row:")
    with (CSV / "export.csv").open(newline="", encoding="utf-8") as fh:
        assert read_csv(fh)[0] == records


texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
words = st.text(st.characters(whitelist_categories=("L", "N", "P")), min_size=1, max_size=30)
zones = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
counts = st.integers(0, 10**12)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    priced = draw(st.booleans())
    naive = draw(st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2200, 1, 1)))
    return Entry(
        at=naive.replace(tzinfo=draw(zones)),
        provider=draw(st.sampled_from(["openai", "anthropic", "gemini", "deepseek"])),
        model=draw(words),
        tokens=TokenCounts(*(draw(counts) for _ in range(5))),
        cost_micros=draw(st.integers(0, 10**15)) if priced else None,
        currency=draw(st.sampled_from(["USD", "CNY", "EUR", "JPY"])) if priced else None,
        source=draw(st.sampled_from(["manual", "estimate", "claude-code", "codex"])),
        source_ref=draw(st.none() | words),
        note=draw(st.none() | texts.filter(bool)),
        requests=draw(st.integers(0, 10**6)),
        id=draw(st.integers(1, 10**9)),
    )


@given(st.lists(entries(), max_size=5))
def test_round_trip_keeps_every_field(written: list[Entry]) -> None:
    out = io.StringIO(newline="")
    write_csv(written, out)
    records, problems = read_csv(io.StringIO(out.getvalue(), newline=""))
    assert problems == []
    assert len(records) == len(written)
    for record, entry in zip(records, written, strict=True):
        assert same(record, entry)


def test_bad_export_rows_are_problems_with_their_lines() -> None:
    header = ",".join(EXPORT_COLUMNS)
    text = "\r\n".join(
        [
            header,
            '1,2025-10-01T00:00:00Z,openai,gpt-5,1,0,0,0,2,1,0.5,USD,manual,,"multi\nline"',
            "2,soon,openai,gpt-5,1,0,0,0,2,1,,,manual,r2,",
            "3,2025-10-01T00:00:00Z,openai,gpt-5,-1,0,0,0,2,1,,,manual,r3,",
            "4,2025-10-01T00:00:00Z,openai,gpt-5,1,0,0,0,2,1,0.5,,manual,r4,",
            "5,2025-10-01T00:00:00Z,openai,gpt-5,1,0,0,0,2,1,0.5,XYZ,manual,r5,",
            "",
        ]
    )
    records, problems = read_csv(io.StringIO(text, newline=""), name="bad.csv")
    assert [r.note for r in records] == ["multi\nline"]
    assert [(p.path, p.line) for p in problems] == [
        ("bad.csv", 4),
        ("bad.csv", 5),
        ("bad.csv", 6),
        ("bad.csv", 7),
    ]
    assert "soon" in problems[0].message
    assert "negative" in problems[1].message
    assert problems[2].message == "cost and currency go together"
    assert "unknown currency" in problems[3].message


MAPPING = {
    "source_ref": "request_id",
    "time": "created",
    "model": "model",
    "input_tokens": "uncached_input",
    "cache_read_tokens": "cached_input",
    "output_tokens": "output",
    "requests": "calls",
    "note": "tag",
}


def test_generic_csv_through_a_mapping() -> None:
    with (CSV / "generic_usage.csv").open(newline="", encoding="utf-8") as fh:
        records, problems = read_generic_csv(
            fh, MAPPING, default_model="gpt-4.1-nano", name="g.csv"
        )
    assert [(p.line, p.message) for p in problems] == [
        (5, "input_tokens 'n/a' is not a whole number")
    ]
    assert [(r.provider, r.model, r.source, r.source_ref) for r in records] == [
        ("openai", "gpt-4.1-mini", "csv", "gen-1759821725-aB3x"),
        ("openai", "gpt-4.1-mini", "csv", "gen-1759821790-cD4y"),
        ("openai", "gpt-4.1-nano", "csv", "gen-1759822000-eF5z"),  # the default model
        ("deepseek", "deepseek-chat", "csv", "gen-1759822200-iJ7v"),
    ]
    assert records[0].at == datetime(2025, 10, 7, 7, 22, 5, tzinfo=UTC)  # unix seconds
    assert records[3].at == datetime(2025, 10, 7, 5, 30, tzinfo=UTC)  # ISO with offset
    assert records[1].tokens == TokenCounts(
        input_tokens=2400, cache_read_tokens=1024, output_tokens=1050
    )
    assert records[1].requests == 2
    assert (records[2].note, records[3].note) == (None, "nightly, retried")


def test_generic_rows_without_references_get_content_references() -> None:
    mapping = {"time": "day", "model": "model", "input_tokens": "input", "output_tokens": "output"}
    with (CSV / "daily_no_refs.csv").open(newline="", encoding="utf-8") as fh:
        records, problems = read_generic_csv(fh, mapping)
    assert problems == []
    refs = [r.source_ref for r in records]
    assert refs[1] == refs[0] + "#2"  # two identical rows stay two records
    assert len(set(refs)) == 3
    assert records[0].provider == "dashscope"  # guessed from qwen-
    assert records[0].at == datetime(2025, 10, 8, 9, tzinfo=UTC)  # naive means UTC


def test_generic_csv_without_a_provider_is_a_problem() -> None:
    text = "t,m,i,o\n1759821725,my-local-model,1,2\n"
    mapping = {"time": "t", "model": "m", "input_tokens": "i", "output_tokens": "o"}
    records, problems = read_generic_csv(io.StringIO(text), mapping)
    assert records == [] and [p.line for p in problems] == [2]
    records, problems = read_generic_csv(io.StringIO(text), mapping, default_provider="custom")
    assert [r.provider for r in records] == ["custom"] and problems == []


def test_mapping_is_checked() -> None:
    with pytest.raises(UserInputError, match="unknown CSV field"):
        read_generic_csv(io.StringIO(""), {"time": "t", "tokens": "x"})
    with pytest.raises(UserInputError, match="'time'"):
        CsvImporter({"model": "m"})
    records, problems = read_generic_csv(io.StringIO("a,b\n1,2\n"), {"time": "when"})
    assert records == [] and [(p.line, p.message) for p in problems] == [
        (1, "no column 'when' in the header")
    ]


def test_importer_scans_csv_files_whole_and_only_when_changed(tmp_path: Path) -> None:
    target = tmp_path / "exports"
    target.mkdir()
    (target / "export.csv").write_bytes((CSV / "export.csv").read_bytes())
    (target / "other.csv").write_bytes((CSV / "generic_usage.csv").read_bytes())
    importer = get_importer("csv")
    assert importer.default_roots({}, tmp_path) == []
    first = importer.scan([target], {})
    assert len(first.records) == 4
    assert [(Path(p.path).name, p.line) for p in first.problems] == [("other.csv", 1)]
    assert importer.scan([target], first.state).records == []
    mapped = CsvImporter(MAPPING, default_model="gpt-4.1-nano").scan([target / "other.csv"], {})
    assert len(mapped.records) == 4


def test_not_utf8_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "time_utc,provider,model,input_tokens,output_tokens\nsp\xe4t,a,b,1,2\n".encode("latin-1")
    )
    result = CsvImporter().scan([path], {})
    assert result.records == []
    assert [p.message for p in result.problems] == ["not UTF-8 text"]
