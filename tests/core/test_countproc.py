"""The counting child process: exact counts, stale requests skipped, death survived."""

from __future__ import annotations

import io
import queue
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenbudget.core.countproc import (
    CountProcess,
    CountReply,
    CountRequest,
    EditRequest,
    FailedReply,
    LoadRequest,
    QuitRequest,
    Reply,
    SkippedReply,
    StatsReply,
)
from tokenbudget.core.countproc.child import _Inbox
from tokenbudget.core.countproc.messages import as_edit
from tokenbudget.core.countproc.wire import PART, read_reply, read_request, write_message
from tokenbudget.core.incremental import IncrementalCounter
from tokenbudget.core.textstats import text_stats
from tokenbudget.core.tokenizers import TokenizerRegistry


def replies(q: queue.SimpleQueue[Reply], n: int, timeout: float = 60) -> list[Reply]:
    return [q.get(timeout=timeout) for _ in range(n)]


def by_key(got: list[Reply]) -> dict[tuple[str, str | None], object]:
    """Counts by ``("count", key)`` and the stats by ``("stats", None)``."""
    found: dict[tuple[str, str | None], object] = {}
    for reply in got:
        match reply:
            case CountReply(key=key, tokens=tokens):
                found[("count", key)] = tokens
            case StatsReply(stats=stats):
                found[("stats", None)] = stats
            case _:
                raise AssertionError(f"unexpected reply {reply}")
    return found


def test_messages_round_trip_with_long_strings_in_parts() -> None:
    long = "数据 👍🏽 \ud800 lone surrogate " * 20_000  # longer than PART, odd code points
    buffer = io.BytesIO()
    write_message(buffer, CountRequest((1, 3), long, ("o200k_base",), True))
    write_message(buffer, EditRequest((1, 4), 3, 5, long, ("a", "b"), False))
    write_message(buffer, QuitRequest())
    write_message(buffer, FailedReply((1, 3), "k", long))
    buffer.seek(0)
    assert read_request(buffer) == CountRequest((1, 3), long, ("o200k_base",), True)
    assert read_request(buffer) == EditRequest((1, 4), 3, 5, long, ("a", "b"), False)
    assert read_request(buffer) == QuitRequest()
    assert read_reply(buffer) == FailedReply((1, 3), "k", long)
    assert read_request(buffer) is None  # end of stream


def test_long_strings_travel_in_parts_of_utf8() -> None:
    long = "x" * (2 * PART + 1)
    buffer = io.BytesIO()
    write_message(buffer, CountRequest((1, 1), long, (), False))
    # The head frame, then three parts: the text is not in the pickle.
    assert len(buffer.getvalue()) < len(long) + 4 * 8 + 300
    buffer.seek(0)
    head = int.from_bytes(buffer.read(8), "big")
    assert head < 300
    buffer.seek(8 + head)
    sizes = []
    while size := buffer.read(8):
        sizes.append(int.from_bytes(size, "big"))
        buffer.seek(sizes[-1], io.SEEK_CUR)
    assert sizes == [PART, PART, 1]


def test_a_request_is_not_taken_for_a_reply_nor_a_truncated_message_for_one() -> None:
    buffer = io.BytesIO()
    write_message(buffer, LoadRequest(("qwen2",)))
    buffer.seek(0)
    with pytest.raises(ValueError, match="malformed reply"):
        read_reply(buffer)
    buffer = io.BytesIO()
    write_message(buffer, CountRequest((1, 1), "y" * (PART + 1), ("a",), False))
    truncated = io.BytesIO(buffer.getvalue()[:-10])
    assert read_request(truncated) is None  # the stream ended inside the text


@given(
    st.text(alphabet="ab\n中", max_size=40),
    st.text(alphabet="ab\n中", max_size=40),
    st.integers(0, 3),
)
def test_edits_rebuild_the_new_text(prefix: str, middle: str, cut: int) -> None:
    previous = "x" * PART + prefix
    text = previous[: len(previous) - cut] + middle
    request = CountRequest((1, 1), text, ("k",), False)
    message = as_edit(previous, request, PART)
    if isinstance(message, EditRequest):
        assert previous[: message.start] + message.middle + previous[message.end :] == text
        assert message.applied_to(previous) == request
        assert len(message.middle) <= len(middle) + cut + 1
    else:
        assert message == request


def test_the_inbox_marks_older_jobs_stale_per_channel_and_applies_edits() -> None:
    buffer = io.BytesIO()
    write_message(buffer, CountRequest((1, 1), "first text", ("a",), True))
    write_message(buffer, CountRequest((2, 7), "other view", ("a",), False))
    write_message(buffer, LoadRequest(("qwen2",)))
    write_message(buffer, EditRequest((1, 2), 6, 10, "words", ("a",), False))
    buffer.seek(0)
    inbox = _Inbox()
    inbox.read_from(buffer)  # to the end of the stream
    first = inbox.next()
    assert isinstance(first, CountRequest) and (first.job, first.text) == ((1, 1), "first text")
    assert inbox.stale((1, 1)) and not inbox.stale((1, 2))
    assert not inbox.stale((2, 7))  # another channel's newer jobs do not count
    other = inbox.next()
    assert isinstance(other, CountRequest) and (other.job, other.text) == ((2, 7), "other view")
    second = inbox.next()
    assert isinstance(second, CountRequest)
    assert (second.job, second.text) == ((1, 2), "first words")
    assert inbox.next() == LoadRequest(("qwen2",))  # loads wait until nothing is to be counted
    assert inbox.next() is None  # the parent has gone


def test_the_child_counts_exactly(registry: TokenizerRegistry) -> None:
    q: queue.SimpleQueue[Reply] = queue.SimpleQueue()
    process = CountProcess(q.put)
    text = "Exact counts in a child process. 中文也一样。\n" * 2000
    keys = ["o200k_base", "qwen2", "claude"]
    process.count((1, 1), text, keys, True)
    got = by_key(replies(q, 4))
    assert got[("count", "o200k_base")] == registry.get("o200k_base").count(text)
    assert got[("count", "qwen2")] == registry.get("qwen2").count(text)
    assert got[("count", "claude")] == IncrementalCounter(registry).count_key("claude", text)
    assert got[("stats", None)] == text_stats(text)
    # An edit: only a few characters travel; the count is still exact.
    edited = text[:5000] + "插入" + text[5000:]
    process.count((1, 2), edited, ["o200k_base"], True)
    got = by_key(replies(q, 2))
    assert got[("count", "o200k_base")] == registry.get("o200k_base").count(edited)
    assert got[("stats", None)] == text_stats(edited)
    process.close()
    assert process.pid is None


def test_unknown_keys_fail_with_a_message() -> None:
    q: queue.SimpleQueue[Reply] = queue.SimpleQueue()
    process = CountProcess(q.put)
    process.count((1, 1), "text", ["no-such-vocabulary"], False)
    (reply,) = replies(q, 1)
    assert isinstance(reply, FailedReply) and reply.key == "no-such-vocabulary"
    assert "no-such-vocabulary" in reply.message
    process.close()


def test_a_dead_child_fails_its_requests_and_is_restarted() -> None:
    q: queue.SimpleQueue[Reply] = queue.SimpleQueue()
    # A child that reads one frame header and exits without answering.
    command = [sys.executable, "-c", "import sys; sys.stdin.buffer.read(8)"]
    process = CountProcess(q.put, command=command)
    process.count((1, 1), "text", ["o200k_base", "qwen2"], True)
    got = replies(q, 3)
    failed = sorted(r.key for r in got if isinstance(r, FailedReply))
    assert failed == ["o200k_base", "qwen2"]
    assert [r for r in got if isinstance(r, SkippedReply)] == [SkippedReply((1, 1), None)]
    assert all(
        "stopped" in r.message or "reached" in r.message for r in got if isinstance(r, FailedReply)
    )
    process.count((1, 2), "again", ["o200k_base"], False)
    (reply,) = replies(q, 1)
    assert isinstance(reply, FailedReply) and reply.job == (1, 2)
    assert process.starts == 2  # a new child for the new request
    process.close()


@given(
    st.lists(
        st.sampled_from(["a b", " ", "\n", "\n\n", "word\n", "中文 ", "\r\n", "x" * 40]),
        max_size=80,
    ),
    st.data(),
)
def test_chunk_stats_equal_text_stats_after_edits(parts: list[str], data: st.DataObject) -> None:
    from tokenbudget.core.chunking import ChunkRule
    from tokenbudget.core.countproc.child import _ChunkStats

    counter = IncrementalCounter(
        TokenizerRegistry.bundled(), rule=ChunkRule(target=8, min_size=2, max_size=30)
    )
    stats = _ChunkStats(counter)
    text = "".join(parts)
    for _ in range(4):
        assert stats.stats(text) == text_stats(text)
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.sampled_from(["", "\n", "z", " q\n"])) + text[at + 1 :]
