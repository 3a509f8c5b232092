"""The background-job helper: latest request wins, failures as messages, UI-thread delivery."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from pytestqt.qtbot import QtBot

from tokenbudget.core.errors import TokenbudgetError
from tokenbudget.gui.jobs import (
    Jobs,
    Mailbox,
    SerialRunner,
    Task,
    inline_runner,
    post_to_ui,
    thread_runner,
)

Held = list[Callable[[], None]]


def never(value: object) -> None:
    pytest.fail(f"not expected: {value!r}")


def test_an_inline_job_is_delivered_before_submit_returns() -> None:
    jobs = Jobs(inline_runner)
    got: list[int] = []
    jobs.submit("lane", lambda: 6 * 7, got.append, never)
    assert got == [42]
    assert not jobs.busy("lane")


def test_the_latest_request_of_a_lane_wins() -> None:
    held: Held = []
    jobs = Jobs(held.append)
    got: list[str] = []
    jobs.submit("lane", lambda: "old", got.append, never)
    jobs.submit("lane", lambda: "new", got.append, never)
    jobs.submit("other", lambda: "other lane", got.append, never)
    assert jobs.busy("lane") and jobs.busy()
    held[1]()  # the newer one finishes first
    held[0]()  # the older one arrives late: dropped
    assert got == ["new"]
    assert not jobs.busy("lane") and jobs.busy("other")
    held[2]()
    assert got == ["new", "other lane"]


def test_a_stale_job_that_has_not_started_is_skipped() -> None:
    held: Held = []
    jobs = Jobs(held.append)
    ran: list[str] = []

    def work(name: str) -> Callable[[], str]:
        return lambda: ran.append(name) or name  # type: ignore[func-returns-value]

    jobs.submit("lane", work("old"), lambda _: None, never, skip_stale=True)
    jobs.submit("lane", work("new"), lambda _: None, never, skip_stale=True)
    held[0]()
    held[1]()
    assert ran == ["new"]
    assert not jobs.busy()


def test_failures_reach_the_ui_as_one_line_messages(caplog: pytest.LogCaptureFixture) -> None:
    jobs = Jobs(inline_runner)
    messages: list[str] = []

    def expected() -> None:
        raise TokenbudgetError("the ledger is locked")

    def unexpected() -> None:
        raise KeyError("boom")

    jobs.submit("a", expected, never, messages.append)
    with caplog.at_level(logging.ERROR, logger="tokenbudget.gui.jobs"):
        jobs.submit("b", unexpected, never, messages.append)
    assert messages == ["the ledger is locked", "unexpected error: KeyError: 'boom'"]
    assert "Traceback" in caplog.text  # the traceback goes to the log, not to the user
    assert "\n" not in messages[1]


def test_other_expected_errors_can_be_named() -> None:
    jobs = Jobs(inline_runner, expected=(TokenbudgetError, OSError))
    messages: list[str] = []

    def work() -> None:
        raise FileNotFoundError("no such file: x.csv")

    jobs.submit("a", work, never, messages.append)
    assert messages == ["no such file: x.csv"]


def test_results_come_back_on_the_ui_thread_from_real_threads(qtbot: QtBot) -> None:
    serial = SerialRunner("test-jobs")
    jobs = Jobs(serial)
    seen: list[tuple[str, int, bool]] = []
    worker_threads: set[int] = set()

    def work(name: str, value: int) -> Callable[[], int]:
        def run() -> int:
            worker_threads.add(threading.get_ident())
            return value

        return run

    def done(name: str) -> Callable[[int], None]:
        return lambda value: seen.append((name, value, threading.current_thread() is main))

    main = threading.current_thread()
    for i in range(20):
        jobs.submit(f"lane{i}", work(f"lane{i}", i), done(f"lane{i}"), never)
    jobs.submit("net", work("net", 99), done("net"), never, runner=thread_runner("test"))
    qtbot.waitUntil(lambda: len(seen) == 21, timeout=5000)
    assert all(on_main for _, _, on_main in seen)
    assert sorted(v for _, v, _ in seen) == [*range(20), 99]
    assert threading.get_ident() not in worker_threads
    serial.stop()


def test_a_task_sees_itself_stale_and_reports_progress(qtbot: QtBot) -> None:
    jobs = Jobs(SerialRunner("test-progress"))
    release = threading.Event()
    progress: list[int] = []
    stopped: list[bool] = []

    def work(task: Task[int]) -> str:
        task.report(1)
        release.wait(5)
        stopped.append(task.stale)
        return "old"

    got: list[str] = []
    jobs.submit_task("lane", work, got.append, never, progress=progress.append)
    qtbot.waitUntil(lambda: progress == [1], timeout=5000)
    jobs.submit("lane", lambda: "new", got.append, never)
    release.set()
    qtbot.waitUntil(lambda: got == ["new"], timeout=5000)
    assert stopped == [True]


def test_nothing_is_delivered_once_the_owner_is_deleted(qtbot: QtBot) -> None:
    held: Held = []
    owner = QObject()
    jobs = Jobs(held.append, owner=owner)
    got: list[int] = []
    jobs.submit("lane", lambda: 1, got.append, never)
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(owner)
    held[0]()
    assert got == []


def test_a_mailbox_hands_items_over_in_order_in_batches(qtbot: QtBot) -> None:
    batches: list[list[int]] = []
    main = threading.current_thread()
    threads_seen: list[bool] = []

    def handler(items: list[int]) -> None:
        threads_seen.append(threading.current_thread() is main)
        batches.append(items)

    box: Mailbox[int] = Mailbox(handler)

    def produce() -> None:
        for i in range(500):
            box.put(i)

    thread = threading.Thread(target=produce)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: sum(len(b) for b in batches) == 500, timeout=5000)
    assert [i for b in batches for i in b] == list(range(500))
    assert len(batches) < 500 and all(threads_seen)
    box.put(7)  # on the UI thread: handled at once
    assert batches[-1] == [7]


def test_an_error_in_a_callback_reaches_qt_and_later_calls_still_run(qtbot: QtBot) -> None:
    got: list[int] = []

    def broken() -> None:
        raise ValueError("a bug in a callback")

    def worker() -> None:  # both calls are queued before the UI thread wakes: one batch
        post_to_ui(broken)
        post_to_ui(lambda: got.append(2))

    with qtbot.captureExceptions() as raised:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: got == [2], timeout=5000)
    assert [str(e[1]) for e in raised] == ["a bug in a callback"]
