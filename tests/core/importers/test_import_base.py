"""The shared machinery: line streaming, values, state handling and the importer registry."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tokenbudget.core.entries import NewEntry, TokenCounts
from tokenbudget.core.entries import replaces as prefer_new
from tokenbudget.core.errors import UserInputError
from tokenbudget.core.importers import IMPORTERS, get_importer
from tokenbudget.core.importers.base import MAX_PROBLEMS_PER_FILE
from tokenbudget.core.importers.claude_code import ClaudeCodeImporter
from tokenbudget.core.importers.streaming import FileCursor, LineStream, looks_like_object
from tokenbudget.core.importers.values import (
    MAX_COUNT,
    count,
    guess_provider,
    parse_time,
    usage_entry,
    uuid7_millis,
)


def lines(
    data: bytes, cursor: FileCursor | None = None, **kw: int
) -> tuple[list[bytes], LineStream]:
    stream = LineStream(
        io.BytesIO(data), cursor or FileCursor(), lambda head: b"keep" in head, **kw
    )
    return list(stream), stream


def test_only_complete_lines_are_consumed() -> None:
    got, stream = lines(b"a\nbb\r\nccc")
    assert got == [b"a\n", b"bb\r\n"]
    assert (stream.offset, stream.line) == (6, 2)
    got, stream = lines(b"a\nbb\r\nccc\n", FileCursor(6, 2))
    assert got == [b"ccc\n"] and (stream.offset, stream.line) == (10, 3)


def test_huge_lines_are_judged_by_their_head() -> None:
    data = b"x" * 50 + b"\n" + b"keep" + b"y" * 40 + b"\n" + b"z\n"
    got, stream = lines(data, huge=16)
    assert got == [b"keep" + b"y" * 40 + b"\n", b"z\n"]  # the 51-byte line of x was dropped
    assert (stream.offset, stream.line) == (len(data), 3)


def test_a_kept_line_over_the_cap_is_dropped_and_reported() -> None:
    data = b"keep" + b"y" * 100 + b"\n" + b"z\n"
    got, stream = lines(data, huge=16, cap=64)
    assert got == [b"z\n"]
    assert stream.oversized == [1]
    assert stream.line == 2


def test_an_unfinished_huge_line_is_not_consumed() -> None:
    got, stream = lines(b"a\n" + b"x" * 100, huge=16)
    assert got == [b"a\n"] and (stream.offset, stream.line) == (2, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-02T09:14:03.512Z", datetime(2025, 10, 2, 9, 14, 3, 512000, tzinfo=UTC)),
        ("2025-10-02T17:14:03+08:00", datetime(2025, 10, 2, 9, 14, 3, tzinfo=UTC)),
        ("2025-10-02 09:14:03", datetime(2025, 10, 2, 9, 14, 3, tzinfo=UTC)),
        ("2025-10-18T14:57:28.974123456Z", datetime(2025, 10, 18, 14, 57, 28, 974123, tzinfo=UTC)),
        (1759396443, datetime(2025, 10, 2, 9, 14, 3, tzinfo=UTC)),
        ("1759396443.5", datetime(2025, 10, 2, 9, 14, 3, 500000, tzinfo=UTC)),
        (1759396443000, datetime(2025, 10, 2, 9, 14, 3, tzinfo=UTC)),
        ("", None),
        ("nan", None),
        ("tomorrow", None),
        (True, None),
        (None, None),
        (10**30, None),
        ("9999-12-31T23:00:00-05:00", None),  # past the end of datetime in UTC
        ("0001-01-01T01:00:00+05:00", None),  # before its start
    ],
)
def test_parse_time(value: object, expected: datetime | None) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("claude-sonnet-4-5-20250929", "anthropic"),
        ("gpt-5-codex", "openai"),
        ("o3", "openai"),
        ("gemini-2.5-pro", "gemini"),
        ("GLM-4.6", "zai"),
        ("qwen3-coder-plus", "dashscope"),
        ("kimi-k2-turbo-preview", "moonshot"),
        ("deepseek-chat", "deepseek"),
        ("openrouter/anthropic/claude-opus-4.1", "anthropic"),
        ("my-finetune", None),
    ],
)
def test_guess_provider(model: str, provider: str | None) -> None:
    assert guess_provider(model) == provider
    assert guess_provider(model, "x") == (provider or "x")


def test_uuid7_millis() -> None:
    assert uuid7_millis("0199a958-24a6-752e-b651-3270269e0d37") == 0x0199A95824A6
    assert uuid7_millis("0199A958-24A6-752E-B651-3270269E0D37") == 0x0199A95824A6
    assert uuid7_millis("f28c1fb1-7c23-4392-a953-f48fa09f76b5") is None  # version 4
    assert uuid7_millis("turn-1") is None
    assert uuid7_millis(None) is None


def test_count() -> None:
    assert count({"a": 3}, "a") == 3
    assert count({"a": None}, "a") == 0
    assert count({}, "a") == 0
    assert count({"a": 4.0}, "a") == 4
    assert count({"a": MAX_COUNT}, "a") == MAX_COUNT
    for bad in (-1, 1.5, "3", True, MAX_COUNT + 1, 2**63, 1e30, 1e308, math.nan, math.inf):
        with pytest.raises(ValueError, match="'a'"):
            count({"a": bad}, "a")


def test_usage_entry_checks_and_is_an_unpriced_entry() -> None:
    tokens = TokenCounts(input_tokens=1, output_tokens=2)
    at = datetime(2025, 1, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    fields: dict[str, Any] = {
        "at": at,
        "provider": "openai",
        "model": "gpt-5",
        "tokens": tokens,
        "source": "codex",
        "source_ref": "s:3",
    }
    with pytest.raises(ValueError, match="timezone"):
        usage_entry(**{**fields, "at": datetime(2025, 1, 1)})
    with pytest.raises(ValueError, match="together"):
        usage_entry(**fields, cost_micros=1)
    with pytest.raises(ValueError, match="requests"):
        usage_entry(**fields, requests=-1)
    with pytest.raises(ValueError, match="model is not valid text"):
        usage_entry(**{**fields, "model": "gpt-\ud83d"})
    with pytest.raises(ValueError, match="reference is not valid text"):
        usage_entry(**{**fields, "source_ref": "s:\udc80"})
    with pytest.raises(ValueError, match=r"output tokens .* too large"):
        usage_entry(**{**fields, "tokens": TokenCounts(output_tokens=MAX_COUNT + 1)})
    assert usage_entry(**fields, note="n", requests=2) == NewEntry(
        at=at,
        provider="openai",
        model="gpt-5",
        tokens=tokens,
        cost_micros=None,
        currency=None,
        source="codex",
        source_ref="s:3",
        note="n",
        requests=2,
    )
    assert usage_entry(**fields, cost_micros=1500, currency="USD").cost_micros == 1500


@pytest.mark.parametrize(
    ("line", "framed"),
    [
        (b'{"a": 1}\n', True),
        (b'{"a": 1}', True),
        (b'  {"a": 1} \r\n', True),
        (b'\t{"a": 1}\n\n', True),
        (b'{"a": 1\n', False),
        (b'"a": 1}\n', False),
        (b"[1]\n", False),
        (b"{\n", False),
        (b"}\n", False),
        (b"\n", False),
        (b"", False),
    ],
)
def test_looks_like_object(line: bytes, framed: bool) -> None:
    # The usual line is judged without a stripped copy; any other must be judged the same.
    assert looks_like_object(line) is framed
    assert looks_like_object(line) is (line.strip()[:1] == b"{" and line.strip()[-1:] == b"}")


def test_usage_entry_keeps_text_that_is_not_ascii() -> None:
    entry = usage_entry(
        at=datetime(2025, 1, 1, tzinfo=UTC),
        provider="zai",
        model="glm-5 模型 🚀",
        tokens=TokenCounts(input_tokens=MAX_COUNT, output_tokens=MAX_COUNT),
        source="codex",
        source_ref="s:é",
        note="总结",
    )
    assert (entry.model, entry.source_ref, entry.note) == ("glm-5 模型 🚀", "s:é", "总结")
    with pytest.raises(ValueError, match="note is not valid text"):
        usage_entry(
            at=datetime(2025, 1, 1, tzinfo=UTC),
            provider="zai",
            model="glm-5",
            tokens=TokenCounts(),
            source="codex",
            source_ref="s:1",
            note="总结\ud83d",
        )
    with pytest.raises(ValueError, match=r"cache read tokens .* too large"):
        usage_entry(
            at=datetime(2025, 1, 1, tzinfo=UTC),
            provider="zai",
            model="glm-5",
            tokens=TokenCounts(cache_read_tokens=MAX_COUNT + 1),
            source="codex",
            source_ref="s:1",
        )


def _rec(source: str, tokens: TokenCounts, precedence: int = 1) -> NewEntry:
    at = datetime(2026, 5, 1, tzinfo=UTC)
    return NewEntry(at, "x", "m", tokens, None, None, source, "r", precedence=precedence)


def test_prefer_new_per_source() -> None:
    small, large = TokenCounts(output_tokens=1), TokenCounts(output_tokens=9)
    for source in ("claude-code", "gemini-cli"):  # the largest wins, a tie keeps the stored
        assert prefer_new(_rec(source, small), _rec(source, large))
        assert not prefer_new(_rec(source, large), _rec(source, small))
        assert not prefer_new(_rec(source, large), _rec(source, large))
    for source in ("codex", "csv"):
        assert prefer_new(_rec(source, large), _rec(source, small))


def test_an_original_beats_a_copy_whatever_its_size() -> None:
    small, large = TokenCounts(output_tokens=1), TokenCounts(input_tokens=90, output_tokens=9)
    for source in ("claude-code", "codex", "gemini-cli", "csv"):
        copy, original = _rec(source, large, precedence=0), _rec(source, small)
        assert prefer_new(copy, original)
        assert not prefer_new(original, copy)


def test_registry() -> None:
    assert [i.name for i in IMPORTERS] == [
        "claude-code",
        "codex",
        "gemini-cli",
        "qwen-code",
        "kimi-cli",
        "opencode",
        "copilot-cli",
        "droid",
        "goose",
        "csv",
    ]
    assert get_importer("codex") is IMPORTERS[1]
    known = (
        "known: claude-code, codex, gemini-cli, qwen-code, kimi-cli, opencode, copilot-cli, "
        "droid, goose, csv"
    )
    with pytest.raises(UserInputError, match=known):
        get_importer("cursor")


def test_unusable_state_reads_everything_again(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("{}\n")
    for state in ({"version": 99, "files": {}}, {"files": []}, {"version": 1}):
        result = ClaudeCodeImporter().scan([path], state)
        assert result.files_read == 1
        assert [p.message for p in result.problems] == ["unreadable; every file is read again"]
    # a damaged entry for one file is just ignored
    good = ClaudeCodeImporter().scan([path], {}).state
    good["files"][str(path.resolve())]["head"] = 7
    path.write_text("{}\n{}\n")
    assert ClaudeCodeImporter().scan([path], good).state["files"][str(path.resolve())]["line"] == 2


def test_problems_are_capped_per_file(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("oops\n" * (MAX_PROBLEMS_PER_FILE + 7))
    problems = ClaudeCodeImporter().scan([path], {}).problems
    assert len(problems) == MAX_PROBLEMS_PER_FILE + 1
    assert problems[-1].line is None and problems[-1].message == "7 more problems not listed"


def test_unreadable_file_is_a_problem_and_keeps_its_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("{}\n")
    state = ClaudeCodeImporter().scan([path], {}).state
    path.write_text("{}\n{}\n")
    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    result = ClaudeCodeImporter().scan([path], state)
    assert [(p.line, p.message) for p in result.problems] == [
        (None, "cannot read: Permission denied")
    ]
    assert result.state == state


def test_missing_roots_are_fine(tmp_path: Path) -> None:
    for importer in IMPORTERS:
        result = importer.scan([tmp_path / "nothing-here"], {})
        assert result.records == [] and result.problems == [] and result.files_read == 0
        json.dumps(result.state)
