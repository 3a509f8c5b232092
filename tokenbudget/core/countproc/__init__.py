"""Counting in a separate process, so that an interface never waits for a tokenizer.

The window counts every change of its text. In the window's own process, each tokenizer call
competes with the interface for the interpreter lock: counting 10 MB there stalled the window
for most of a second at a time. A child process has its own interpreter, runs at a lower
priority, and keeps the vocabularies and the chunk cache out of the window's memory.

The parent (``CountProcess``, in ``proxy``) sends requests and gets one typed reply per
requested key; the child (``child.serve``) answers them in order, skipping any request that a
newer text on the same channel has made stale. The messages are the frozen dataclasses of
``messages``, framed on the child's standard input and output by ``wire``.

``python -m tokenbudget.core.countproc`` runs the child.

``CountProcess`` (with ``subprocess`` and ``pickle``) is imported on first use: a window
imports this package before its first paint and starts the child only after it.
"""

from typing import TYPE_CHECKING, Any

from tokenbudget.core.countproc.messages import (
    CountReply,
    CountRequest,
    EditRequest,
    FailedReply,
    Job,
    KeepRequest,
    LoadRequest,
    QuitRequest,
    Reply,
    Request,
    SkippedReply,
    StatsReply,
)

if TYPE_CHECKING:
    from tokenbudget.core.countproc.proxy import CountProcess, Deliver


def __getattr__(name: str) -> Any:
    if name in ("CountProcess", "Deliver"):
        from tokenbudget.core.countproc import proxy

        return getattr(proxy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CountProcess",
    "CountReply",
    "CountRequest",
    "Deliver",
    "EditRequest",
    "FailedReply",
    "Job",
    "KeepRequest",
    "LoadRequest",
    "QuitRequest",
    "Reply",
    "Request",
    "SkippedReply",
    "StatsReply",
]
