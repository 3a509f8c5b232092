"""The counting child holds only the vocabularies shown rows need, and gives the rest back."""

from __future__ import annotations

import io
import os
import pickle
import threading
import time
from collections.abc import Callable
from typing import IO

import pytest

from tokenbudget.core.countproc import (
    CountProcess,
    CountReply,
    CountRequest,
    KeepRequest,
    LoadRequest,
    QuitRequest,
    Reply,
)
from tokenbudget.core.countproc.child import _Inbox, _Trim, serve
from tokenbudget.core.countproc.wire import read_reply, read_request, write_message
from tokenbudget.core.tokenizers import TokenizerRegistry

#: Two vocabularies that load in tens of milliseconds.
A, B = "qwen2", "mistral-tekken"


@pytest.fixture(scope="module")
def reference() -> TokenizerRegistry:
    """Counts to compare with, from a registry the child under test never touches."""
    return TokenizerRegistry.bundled()


class Channel:
    """The parent's end of a ``serve`` running in this process."""

    def __init__(self, to_child: IO[bytes], from_child: IO[bytes]) -> None:
        self._to_child = to_child
        self._from_child = from_child
        self._job = 0

    def send(self, message: KeepRequest | LoadRequest | CountRequest | QuitRequest) -> None:
        write_message(self._to_child, message)

    def count(self, text: str, *keys: str) -> dict[str, int]:
        self._job += 1
        self.send(CountRequest((1, self._job), text, keys, False))
        counts = {}
        for _ in keys:
            reply = read_reply(self._from_child)
            assert isinstance(reply, CountReply), reply
            counts[reply.key] = reply.tokens
        return counts


def run_served(
    script: Callable[[Channel, TokenizerRegistry], None], idle_release: float | None = None
) -> None:
    """Run ``serve`` on this thread (as the child does) while ``script`` drives it.

    Vocabularies are loaded and freed on the main thread, as in the child: kitoken crashes
    when vocabularies are loaded on threads that come and go (one after another, as one
    ``serve`` thread per test would).
    """
    registry = TokenizerRegistry.bundled()
    child_in, to_child = _pipe()
    from_child, child_out = _pipe()
    failures: list[BaseException] = []

    def drive() -> None:
        try:
            script(Channel(to_child, from_child), registry)
        except BaseException as exc:  # re-raised on the test's thread
            failures.append(exc)
        finally:
            write_message(to_child, QuitRequest())

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    try:
        serve(child_in, child_out, registry, idle_release=idle_release)
    finally:
        child_out.close()  # a driver still waiting for a reply sees the end
        driver.join(30)
        for stream in (to_child, child_in, from_child):
            stream.close()
    if failures:
        raise failures[0]


def _pipe() -> tuple[IO[bytes], IO[bytes]]:
    read_end, write_end = os.pipe()
    return os.fdopen(read_end, "rb"), os.fdopen(write_end, "wb")


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_keep_requests_round_trip_and_unknown_messages_end_the_stream() -> None:
    buffer = io.BytesIO()
    write_message(buffer, KeepRequest(3, (A, B)))
    write_message(buffer, KeepRequest(4, ()))
    # What a newer or older parent might send: a class this side does not know.
    buffer.write(len(data := pickle.dumps(threading.Event)).to_bytes(8, "big") + data)
    buffer.seek(0)
    assert read_request(buffer) == KeepRequest(3, (A, B))
    assert read_request(buffer) == KeepRequest(4, ())
    with pytest.raises(pickle.UnpicklingError, match="not a message"):
        read_request(buffer)


def test_the_inbox_stops_at_an_unknown_message_as_at_a_damaged_one() -> None:
    buffer = io.BytesIO()
    write_message(buffer, CountRequest((1, 1), "text", (A,), False))
    buffer.write(len(data := pickle.dumps(threading.Event)).to_bytes(8, "big") + data)
    write_message(buffer, CountRequest((1, 2), "never read", (A,), False))
    buffer.seek(0)
    inbox = _Inbox()
    inbox.read_from(buffer)  # returns: the stream is not trusted past the unknown message
    request = inbox.next()
    assert isinstance(request, CountRequest) and request.job == (1, 1)
    assert inbox.next() is None  # then the child ends, and the parent starts a new one


def test_the_inbox_trims_to_what_channels_keep_and_preloads_nothing_else() -> None:
    buffer = io.BytesIO()
    write_message(buffer, LoadRequest((A, B, "gemma3")))
    write_message(buffer, KeepRequest(1, (A,)))
    write_message(buffer, KeepRequest(2, ("gemma3",)))
    buffer.seek(0)
    inbox = _Inbox()
    inbox.read_from(buffer)
    assert inbox.next() == _Trim(frozenset({A, "gemma3"}))  # both channels' sets, first
    assert inbox.next() == LoadRequest((A,))
    assert inbox.next() == LoadRequest(("gemma3",))  # B is kept by no channel: not loaded
    assert inbox.next() is None


def test_the_child_unloads_what_no_row_needs_and_reloads_it_exactly(
    reference: TokenizerRegistry,
) -> None:
    def script(child: Channel, registry: TokenizerRegistry) -> None:
        text = "Shown rows only. 只加载需要的词表。\n" * 50
        first = child.count(text, A, B)
        assert registry.is_loaded(A) and registry.is_loaded(B)
        child.send(KeepRequest(1, (A,)))
        assert child.count(text + "more", A) == {A: reference.get(A).count(text + "more")}
        assert registry.is_loaded(A) and not registry.is_loaded(B)
        # B comes back into view: a text it never saw loads it again, and counts as before.
        child.send(KeepRequest(1, (A, B)))
        other = "A text B has not counted yet. 新的文字。"
        assert child.count(other, B) == {B: reference.get(B).count(other)}
        assert registry.is_loaded(B)
        assert child.count(text, A, B) == first

    run_served(script)


def test_a_channel_that_keeps_nothing_leaves_the_others_theirs() -> None:
    def script(child: Channel, registry: TokenizerRegistry) -> None:
        child.send(KeepRequest(1, (A,)))
        child.send(KeepRequest(2, (B,)))
        child.count("two views", A, B)
        child.send(KeepRequest(2, ()))  # the popup closed
        child.count("the window goes on", A)
        assert registry.loaded() == [A]

    run_served(script)


def test_an_idle_child_unloads_everything_and_loads_again_on_demand(
    reference: TokenizerRegistry,
) -> None:
    def script(child: Channel, registry: TokenizerRegistry) -> None:
        child.send(KeepRequest(1, (A, B)))
        text = "Counted before the pause."
        before = child.count(text, A, B)
        wait_for(lambda: registry.loaded() == [])
        assert child.count(text, A, B) == before  # from the chunk cache: nothing loaded
        assert registry.loaded() == []
        fresh = "Typed after the pause."
        assert child.count(fresh, A) == {A: reference.get(A).count(fresh)}
        assert registry.is_loaded(A)

    run_served(script, idle_release=0.2)


def test_keep_starts_no_child_and_reaches_the_one_a_count_starts() -> None:
    got: list[Reply] = []
    process = CountProcess(got.append)
    process.keep(1, [A])
    time.sleep(0.2)  # the writer thread has long handled it
    assert process.pid is None and process.starts == 0
    process.count((1, 1), "text", [A], False)
    wait_for(lambda: len(got) == 1)
    assert isinstance(got[0], CountReply)
    process.close()
