"""The counting child process: exact counts, stale requests skipped, death survived."""

from __future__ import annotations

import io
import queue
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenbudget.core import countworker
from tokenbudget.core.countworker import (
    CountProcess,
    Message,
    _Inbox,
    as_edit,
    read_message,
    write_message,
)
from tokenbudget.core.incremental import IncrementalCounter
from tokenbudget.core.textstats import text_stats
from tokenbudget.core.tokenizers import TokenizerRegistry


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    return TokenizerRegistry.bundled()


def replies(q: queue.SimpleQueue[Message], n: int, timeout: float = 60) -> list[Message]:
    return [q.get(timeout=timeout) for _ in range(n)]


def test_messages_round_trip_with_long_strings_in_parts() -> None:
    long = "数据 👍🏽 \ud800 lone surrogate " * 20_000  # longer than PART, odd code points
    buffer = io.BytesIO()
    write_message(buffer, ("count", (1, 3), long, ["o200k_base"], True))
    write_message(buffer, ("quit",))
    buffer.seek(0)
    assert read_message(buffer) == ("count", (1, 3), long, ["o200k_base"], True)
    assert read_message(buffer) == ("quit",)
    assert read_message(buffer) is None  # end of stream


@given(
    st.text(alphabet="ab\n中", max_size=40),
    st.text(alphabet="ab\n中", max_size=40),
    st.integers(0, 3),
)
def test_edits_rebuild_the_new_text(prefix: str, middle: str, cut: int) -> None:
    previous = "x" * countworker.PART + prefix
    text = previous[: len(previous) - cut] + middle
    message = as_edit(previous, ("count", (1, 1), text, ["k"], False))
    if message[0] == "edit":
        _, _, start, end, mid, _, _ = message
        assert previous[:start] + mid + previous[end:] == text
        assert len(mid) <= len(middle) + cut + 1
    else:
        assert message == ("count", (1, 1), text, ["k"], False)


def test_the_inbox_marks_older_jobs_stale_per_channel_and_applies_edits() -> None:
    buffer = io.BytesIO()
    write_message(buffer, ("count", (1, 1), "first text", ["a"], True))
    write_message(buffer, ("count", (2, 7), "other view", ["a"], False))
    write_message(buffer, ("load", ["qwen2"]))
    write_message(buffer, ("edit", (1, 2), 6, 10, "words", ["a"], False))
    buffer.seek(0)
    inbox = _Inbox()
    inbox.read_from(buffer)  # to the end of the stream
    first = inbox.next()
    assert first is not None and first[:3] == ("count", (1, 1), "first text")
    assert inbox.stale((1, 1)) and not inbox.stale((1, 2))
    assert not inbox.stale((2, 7))  # another channel's newer jobs do not count
    other = inbox.next()
    assert other is not None and other[:3] == ("count", (2, 7), "other view")
    second = inbox.next()
    assert second is not None and second[:3] == ("count", (1, 2), "first words")
    assert inbox.next() == ("load", "qwen2")  # loads wait until nothing is to be counted
    assert inbox.next() is None  # the parent has gone


def test_the_child_counts_exactly(registry: TokenizerRegistry) -> None:
    q: queue.SimpleQueue[Message] = queue.SimpleQueue()
    process = CountProcess(q.put)
    text = "Exact counts in a child process. 中文也一样。\n" * 2000
    keys = ["o200k_base", "qwen2", "claude"]
    process.count((1, 1), text, keys, True)
    got = {(m[0], m[2]): m[3] for m in replies(q, 4)}
    assert got[("count", "o200k_base")] == registry.get("o200k_base").count(text)
    assert got[("count", "qwen2")] == registry.get("qwen2").count(text)
    assert got[("count", "claude")] == IncrementalCounter(registry).count_key("claude", text)
    assert got[("stats", None)] == text_stats(text)
    # An edit: only a few characters travel; the count is still exact.
    edited = text[:5000] + "插入" + text[5000:]
    process.count((1, 2), edited, ["o200k_base"], True)
    got = {(m[0], m[2]): m[3] for m in replies(q, 2)}
    assert got[("count", "o200k_base")] == registry.get("o200k_base").count(edited)
    assert got[("stats", None)] == text_stats(edited)
    process.close()
    assert process.pid is None


def test_unknown_keys_fail_with_a_message() -> None:
    q: queue.SimpleQueue[Message] = queue.SimpleQueue()
    process = CountProcess(q.put)
    process.count((1, 1), "text", ["no-such-vocabulary"], False)
    (reply,) = replies(q, 1)
    assert reply[0] == "failed" and reply[2] == "no-such-vocabulary"
    assert "no-such-vocabulary" in reply[3]
    process.close()


def test_a_dead_child_fails_its_requests_and_is_restarted() -> None:
    q: queue.SimpleQueue[Message] = queue.SimpleQueue()
    # A child that reads one frame header and exits without answering.
    command = [sys.executable, "-c", "import sys; sys.stdin.buffer.read(8)"]
    process = CountProcess(q.put, command=command)
    process.count((1, 1), "text", ["o200k_base", "qwen2"], True)
    got = sorted(replies(q, 3), key=str)
    assert [m[0] for m in got] == ["failed", "failed", "skipped"]
    assert all("stopped" in m[3] or "reached" in m[3] for m in got if m[0] == "failed")
    process.count((1, 2), "again", ["o200k_base"], False)
    (reply,) = replies(q, 1)
    assert reply[0] == "failed" and reply[1] == (1, 2)
    assert process.starts == 2  # a new child for the new request
    process.close()
