"""Values no log should hold are refused line by line; the rest of the file is imported.

Each case is a realistic log of the tool with three requests whose middle line carries one bad
value (values found by fuzzing: counts past SQLite's integers, 1e308, NaN, deep nesting, lone
surrogates). The import goes through ``Service.import_usage``, the path the app takes: it must
not raise, must report the bad line as a problem with its file and line, must store the other
requests and must save the import state (the next run has nothing left to read).
"""

# The log lines are JSON, full of braces: %-formatting spells them more plainly than f-strings.
# ruff: noqa: UP031

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tokenbudget.core.importers import get_importer
from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)

#: Raw JSON text put where a token count goes.
BAD_COUNTS = {
    "2^63": "9223372036854775808",
    "2^53+1": "9007199254740993",
    "1e30": "1e30",
    "1e308": "1e308",
    "negative": "-5",
    "boolean": "true",
    "string": '"12"',
    "NaN": "NaN",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
}
SURROGATE = '"\\ud83d"'  # JSON text of a lone high surrogate
DEEP = "[" * 1500 + "]" * 1500


def stored_refs(service: Service) -> list[str]:
    return sorted(e.source_ref or "" for e in service.entries.iter_entries())


# --- the tools' lines ------------------------------------------------------------------------


def claude_line(
    n: int,
    *,
    input_tokens: str = "12",
    model: str = '"claude-sonnet-4-5-20250929"',
    message_id: str | None = None,
    content: str = '[{"type":"text","text":"Fixed the off-by-one in the window."}]',
) -> str:
    message_id = message_id or f'"msg_01A7pQx3vKzF2mN8bR4tY6w{n}"'
    return (
        '{"parentUuid":"7b6a5948-3333-4c2d-9e1f-00000000000%d","isSidechain":false,'
        '"userType":"external","cwd":"/home/dev/api",'
        '"sessionId":"9c2d7b10-4e6f-4a81-b2c3-5d6e7f8091a2","version":"2.0.14",'
        '"gitBranch":"main","message":{"id":%s,"type":"message","role":"assistant",'
        '"model":%s,"content":%s,"stop_reason":"end_turn","stop_sequence":null,'
        '"usage":{"input_tokens":%s,"cache_creation_input_tokens":2048,'
        '"cache_read_input_tokens":18000,"output_tokens":412,'
        '"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":2048},'
        '"service_tier":"standard"}},"requestId":"req_011CTdA3bVx8nK2pQ7rS5uW%d",'
        '"type":"assistant","uuid":"8c7b6a59-4444-4c2d-9e1f-00000000000%d",'
        '"timestamp":"2025-10-02T21:4%d:03.512Z"}'
    ) % (n, message_id, model, content, input_tokens, n, n, n)


def claude_log(tmp: Path, bad: dict[str, str]) -> tuple[Path, int]:
    """Three responses; ``bad`` goes into the second. Returns the root and the bad line."""
    project = tmp / "projects" / "-home-dev-api"
    project.mkdir(parents=True)
    user = (
        '{"parentUuid":null,"isSidechain":false,"type":"user","message":{"role":"user",'
        '"content":"Why does the rate limiter reset early?"},'
        '"uuid":"7b6a5948-3333-4c2d-9e1f-000000000000","timestamp":"2025-10-02T21:40:00.000Z"}'
    )
    lines = [user, claude_line(1), claude_line(2, **bad), claude_line(3)]
    (project / "9c2d7b10-4e6f-4a81-b2c3-5d6e7f8091a2.jsonl").write_text("\n".join(lines) + "\n")
    return tmp / "projects", 3


CODEX_SESSION = "0199a958-24a6-752e-b651-3270269e0d37"


def codex_log(tmp: Path, bad: dict[str, str]) -> tuple[Path, int]:
    """A rollout with three token counts; ``bad`` goes into the line that ``bad`` concerns."""
    day = tmp / "sessions" / "2025" / "10" / "02"
    day.mkdir(parents=True)
    session_id = bad.get("session", f'"{CODEX_SESSION}"')
    model = bad.get("model", '"gpt-5-codex"')
    meta = (
        '{"timestamp":"2025-10-02T08:00:00.004Z","type":"session_meta","payload":{"id":%s,'
        '"timestamp":"2025-10-02T08:00:00.000Z","cwd":"/home/dev/shop",'
        '"originator":"codex_cli_rs","cli_version":"0.46.0","instructions":null,'
        '"source":"cli","model_provider":"openai"}}'
    ) % session_id
    turn = (
        '{"timestamp":"2025-10-02T08:00:01.000Z","type":"turn_context","payload":'
        '{"cwd":"/home/dev/shop","approval_policy":"on-request",'
        '"sandbox_policy":{"mode":"workspace-write","network_access":false},"model":%s,'
        '"effort":"medium","summary":"auto"}}'
    ) % model

    def token_count(second: int, input_tokens: str, output: int, total: int) -> str:
        return (
            '{"timestamp":"2025-10-02T08:00:%02d.000Z","type":"event_msg","payload":'
            '{"type":"token_count","info":{"total_token_usage":{"input_tokens":%s,'
            '"cached_input_tokens":0,"output_tokens":%d,"reasoning_output_tokens":0,'
            '"total_tokens":%d},"last_token_usage":{"input_tokens":4000,'
            '"cached_input_tokens":0,"output_tokens":300,"reasoning_output_tokens":0,'
            '"total_tokens":4300},"model_context_window":272000},"rate_limits":null}}'
        ) % (second, input_tokens, output, total)

    lines = [
        meta,
        turn,
        token_count(10, "5000", 300, 5300),
        token_count(20, bad.get("input_tokens", "8000"), 500, 8500),
        token_count(30, "12000", 700, 12700),
    ]
    if "deep" in bad:
        lines[3] = lines[3][:-1] + ',"debug":' + bad["deep"] + "}"
    name = f"rollout-2025-10-02T08-00-00-{CODEX_SESSION}.jsonl"
    (day / name).write_text("\n".join(lines) + "\n")
    bad_line = 1 if "session" in bad else 2 if "model" in bad else 4
    return tmp / "sessions", bad_line


def gemini_log(tmp: Path, bad: dict[str, str]) -> tuple[Path, int]:
    """A JSONL chat with three answers; ``bad`` goes into the second (or the session line)."""
    chats = tmp / "tmp" / "a33c3345ed592a7d6c2eb32b6ad11a280e0cafc473b2669402655b56894f5391"
    chats = chats / "chats"
    chats.mkdir(parents=True)
    session = bad.get("session", '"7e1d0c44-2b9a-4f61-8d3e-5a7c9b1d3f20"')
    header = (
        '{"sessionId":%s,"projectHash":"a33c3345ed592a7d6c2eb32b6ad11a280e0cafc473b2669402655b5'
        '6894f5391","startTime":"2025-10-06T08:15:02.310Z","lastUpdated":'
        '"2025-10-06T08:15:02.310Z","kind":"main"}'
    ) % session

    def answer(n: int, part: dict[str, str]) -> str:
        return (
            '{"id":"c81f2e07-6d4b-4a3c-9e1f-00000000000%d","timestamp":'
            '"2025-10-06T08:15:0%d.200Z","type":"gemini","content":%s,"model":%s,'
            '"tokens":{"input":%s,"output":150,"cached":4096,"thoughts":80,"tool":0,'
            '"total":9230}}'
        ) % (
            n,
            n,
            part.get("deep", '"Let me check the failing test."'),
            part.get("model", '"gemini-2.5-flash"'),
            part.get("input_tokens", "9000"),
        )

    user = (
        '{"id":"c81f2e07-6d4b-4a3c-9e1f-000000000000","timestamp":"2025-10-06T08:15:01.310Z",'
        '"type":"user","content":[{"text":"Why does test_refunds fail?"}]}'
    )
    middle = {k: v for k, v in bad.items() if k != "session"}
    lines = [header, user, answer(1, {}), answer(2, middle), answer(3, {})]
    (chats / "session-2025-10-06T08-15-7e1d0c44.jsonl").write_text("\n".join(lines) + "\n")
    return tmp / "tmp", 1 if "session" in bad else 4


def csv_log(tmp: Path, bad: dict[str, str]) -> tuple[Path, int]:
    """Our export with three rows; ``bad`` replaces cells of the second."""
    folder = tmp / "exports"
    folder.mkdir()
    header = (
        "id,time_utc,provider,model,input_tokens,cache_read_tokens,cache_write_5m_tokens,"
        "cache_write_1h_tokens,output_tokens,requests,cost,currency,source,source_ref,note"
    )

    def row(n: int, part: dict[str, str]) -> str:
        return (
            f"{n},2025-10-0{n}T09:14:06.881Z,anthropic,claude-sonnet-4-5-20250929,"
            f"{part.get('input_tokens', '4')},15872,2048,0,120,{part.get('requests', '1')},"
            f"{part.get('cost', '0.014330')},USD,claude-code,msg_0{n}:req_0{n},"
        )

    lines = [header, row(1, {}), row(2, bad), row(3, {})]
    (folder / "export.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return folder, 3


Writer = Callable[[Path, dict[str, str]], tuple[Path, int]]

CASES: list[tuple[str, Writer, dict[str, str]]] = [
    *((f"claude-code count {k}", claude_log, {"input_tokens": v}) for k, v in BAD_COUNTS.items()),
    ("claude-code surrogate model", claude_log, {"model": '"claude-\\ud83d"'}),
    ("claude-code surrogate id", claude_log, {"message_id": '"msg_01\\ud83d"'}),
    ("claude-code deep nesting", claude_log, {"content": DEEP}),
    *((f"codex count {k}", codex_log, {"input_tokens": v}) for k, v in BAD_COUNTS.items()),
    ("codex surrogate model", codex_log, {"model": '"gpt-5-\\ud83d"'}),
    ("codex surrogate session", codex_log, {"session": '"0199a958-\\ud83d"'}),
    ("codex deep nesting", codex_log, {"deep": DEEP}),
    *((f"gemini-cli count {k}", gemini_log, {"input_tokens": v}) for k, v in BAD_COUNTS.items()),
    ("gemini-cli surrogate model", gemini_log, {"model": '"gemini-\\ud83d"'}),
    ("gemini-cli surrogate session", gemini_log, {"session": SURROGATE}),
    ("gemini-cli deep nesting", gemini_log, {"deep": DEEP}),
    *(
        (f"csv count {k}", csv_log, {"input_tokens": v})
        for k, v in {
            "2^63": "9223372036854775808",
            "1e30": "1e30",
            "1e308": "1e308",
            "negative": "-5",
            "NaN": "NaN",
            "Infinity": "inf",
            "word": "twelve",
        }.items()
    ),
    ("csv requests 2^63", csv_log, {"requests": "9223372036854775808"}),
    *(
        (f"csv cost {k}", csv_log, {"cost": v})
        for k, v in {
            "negative": "-25",
            "tiny negative": "-0.000001",
            "-1e18": "-1000000000000",
            "1e30": "1e30",
            "1e308": "1e308",
            "NaN": "NaN",
        }.items()
    ),
]


@pytest.mark.parametrize(("writer", "bad"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_value_is_refused_on_its_line_and_the_rest_is_imported(
    service: Service, tmp_path: Path, writer: Writer, bad: dict[str, str]
) -> None:
    name = {claude_log: "claude-code", codex_log: "codex", gemini_log: "gemini-cli"}.get(
        writer, "csv"
    )
    root, bad_line = writer(tmp_path, bad)
    (path,) = (p for p in root.rglob("*") if p.is_file())
    report = service.imports.run(get_importer(name), [root], now=NOW)
    assert [(p.path, p.line) for p in report.problems] == [(str(path), bad_line)]
    assert all("\n" not in p.message and len(p.message) < 200 for p in report.problems)
    # the good requests are stored: all three when the bad line only named the session or
    # the model (they are imported under the file's own id, or as an unknown model)
    expected = 3 if bad_line in (1, 2) else 2
    assert report.records == expected
    assert service.entries.count() == expected
    # the state was saved with them: nothing is read again, nothing is reported again
    again = service.imports.run(get_importer(name), [root], now=NOW)
    assert (again.records, again.files_read, again.problems) == (0, 0, ())


def test_csv_negative_cost_does_not_lower_the_spend(service: Service, tmp_path: Path) -> None:
    root, _ = csv_log(tmp_path, {"cost": "-25"})
    report = service.imports.run(get_importer("csv"), [root], now=NOW)
    assert [p.line for p in report.problems] == [3]
    assert "cost" in report.problems[0].message and "negative" in report.problems[0].message
    costs = [e.cost_micros for e in service.entries.iter_entries()]
    assert sorted(costs) == [14_330, 14_330]


def test_generic_csv_refuses_huge_and_negative_counts(service: Service, tmp_path: Path) -> None:
    from tokenbudget.core.importers.csvfiles import CsvImporter

    path = tmp_path / "usage.csv"
    path.write_text(
        "created,model,input,output\n"
        "1759821725,gpt-4.1-mini,1200,300\n"
        "1759821790,gpt-4.1-mini,9223372036854775808,300\n"
        "1759821800,gpt-4.1-mini,-3,300\n"
        "1759821900,gpt-4.1-mini,1e30,300\n"
        "1759822000,gpt-4.1-mini,800,100\n"
    )
    mapping = {
        "time": "created",
        "model": "model",
        "input_tokens": "input",
        "output_tokens": "output",
    }
    report = service.imports.run(CsvImporter(mapping), [path], now=NOW)
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert report.records == 2


def test_a_json_chat_with_a_bad_message_keeps_the_others(service: Service, tmp_path: Path) -> None:
    chats = tmp_path / "tmp" / "79b6fa86" / "chats"
    chats.mkdir(parents=True)
    messages = [
        {
            "id": f"5a1e-{n}",
            "timestamp": f"2025-10-05T10:00:0{n}.000Z",
            "type": "gemini",
            "content": "Done.",
            "model": "gemini-2.5-pro",
            "tokens": {"input": 1000, "output": 50, "cached": 0, "thoughts": 10, "tool": 0},
        }
        for n in (1, 2, 3)
    ]
    text = json.dumps({"sessionId": "3b7c9e2a", "messages": messages})
    text = text.replace('"input": 1000', '"input": 1e308', 1)  # the first message only
    path = chats / "session-2025-10-05T10-00-3b7c9e2a.json"
    path.write_text(text)
    report = service.imports.run(get_importer("gemini-cli"), [tmp_path / "tmp"], now=NOW)
    assert [(p.path, p.message[:10]) for p in report.problems] == [(str(path), "message 1:")]
    assert stored_refs(service) == ["3b7c9e2a:5a1e-2", "3b7c9e2a:5a1e-3"]


def test_a_record_the_ledger_refuses_loses_neither_the_others_nor_the_state(
    service: Service, tmp_path: Path
) -> None:
    """The last line of defence: a value that got past an importer's checks."""
    from tokenbudget.core.entries import NewEntry, TokenCounts
    from tokenbudget.core.importers.base import ImportResult

    def entry(n: int, tokens: int) -> NewEntry:
        return NewEntry(
            at=datetime(2025, 10, 2, 8, 0, n, tzinfo=UTC),
            provider="openai",
            model="gpt-5-codex",
            tokens=TokenCounts(input_tokens=tokens, output_tokens=300),
            cost_micros=None,
            currency=None,
            source="codex",
            source_ref=f"{CODEX_SESSION}:{n}",
        )

    state = {"version": 1, "files": {"/logs/r.jsonl": {"offset": 3, "line": 3}}}

    class Careless:
        name = "codex"

        def default_roots(self, env: object, home: Path) -> list[Path]:
            return []

        def reads(self, path: Path) -> bool:
            return True

        def scan(self, roots: object, state_before: object, sink: object = None) -> ImportResult:
            records = [entry(1, 5000), entry(2, 2**63), entry(3, 7000)]
            return ImportResult(records, [], state)

    report = service.imports.run(Careless(), [tmp_path], now=NOW)  # type: ignore[arg-type]
    assert report.records == 2
    assert stored_refs(service) == [f"{CODEX_SESSION}:1", f"{CODEX_SESSION}:3"]
    assert [(p.line, f"{CODEX_SESSION}:2" in p.message) for p in report.problems] == [(None, True)]
    assert service._parts.ledger.import_state("codex") == state  # the importer's own state


surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
edges = st.sampled_from(
    [
        *(2**53 + 1, 2**63, 2**64, 10**30, -(2**63) - 1, 1e30, 1e308, -1, -0.5, math.nan),
        *(math.inf, -math.inf, True, "12", "\ud83d", "a\udc80b", None),
    ]
)
scalars = (
    edges
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters() | surrogates, max_size=8)
)
json_values = st.one_of(
    scalars,
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
        max_leaves=6,
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count_value=edges | json_values,
    model=edges | json_values,
    request_id=edges | json_values,
)
@example(count_value=2**63, model="claude-opus-4-1", request_id="req_1")
@example(count_value=1e308, model="claude-opus-4-1", request_id="req_1")
@example(count_value=1, model="claude-\ud83d", request_id="req_\udc80")
def test_any_json_value_is_stored_or_refused_on_its_line(
    registry: TokenizerRegistry, count_value: object, model: object, request_id: object
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        line = claude_line(2, input_tokens=json.dumps(count_value), model=json.dumps(model))
        line = line.replace('"req_011CTdA3bVx8nK2pQ7rS5uW2"', json.dumps(request_id))
        project = root / "projects" / "p"
        project.mkdir(parents=True)
        (project / "s.jsonl").write_text("\n".join([claude_line(1), line, claude_line(3)]) + "\n")
        service = Service(registry)
        try:
            report = service.imports.run(get_importer("claude-code"), [root], now=NOW)
            assert report.records + len(report.problems) in (3, 2)  # synthetic/no-model rows
            assert all(p.line == 2 for p in report.problems)
            refs = stored_refs(service)
            assert refs[0] == "msg_01A7pQx3vKzF2mN8bR4tY6w1"
            assert refs[-1] == "msg_01A7pQx3vKzF2mN8bR4tY6w3"
        finally:
            service.close()


def test_a_csv_field_too_large_to_read_is_one_problem_and_reading_goes_on(
    service: Service, tmp_path: Path
) -> None:
    root, _ = csv_log(tmp_path, {})
    path = root / "export.csv"
    lines = path.read_bytes().decode().split("\r\n")
    lines[2] = lines[2] + "x" * 200_000  # the note of row 2: over the csv module's field limit
    path.write_text("\r\n".join(lines), encoding="utf-8")
    report = service.imports.run(get_importer("csv"), [root], now=NOW)
    assert [(p.line, p.message[:14]) for p in report.problems] == [(3, "unreadable CSV")]
    assert stored_refs(service) == ["msg_01:req_01", "msg_03:req_03"]
