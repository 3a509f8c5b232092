"""The messages between the window's process and the counting child: one frozen dataclass each.

A ``Job`` is a pair ``(channel, number)``: several views share one child, each on its own
channel, and a request is stale only when a newer one came on the same channel.

To the child (``Request``): ``LoadRequest``, ``CountRequest``, ``EditRequest`` (a count of the
channel's previous text with ``text[start:end]`` replaced by ``middle``: a keystroke in a long
text sends a few bytes, not the text), ``KeepRequest`` (the vocabularies a channel's shown rows
need: the child holds only those that some channel keeps) and ``QuitRequest``.

To the parent (``Reply``): ``CountReply``, ``StatsReply``, ``FailedReply`` and ``SkippedReply``.
Every requested key, and the stats when asked for, gets exactly one reply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tokenbudget.core.textstats import TextStats

Job = tuple[int, int]


@dataclass(frozen=True)
class LoadRequest:
    """Load these vocabularies, in this order, when there is nothing to count."""

    tokenizer_ids: tuple[str, ...]


@dataclass(frozen=True)
class KeepRequest:
    """The vocabularies ``channel``'s shown rows need; an empty tuple: none (the view left).

    Once any channel has said what it keeps, the child unloads every vocabulary that no
    channel keeps and preloads none of them. A count still loads what it needs.
    """

    channel: int
    tokenizer_ids: tuple[str, ...]


@dataclass(frozen=True)
class CountRequest:
    """Count ``text`` for each key (a vocabulary or an estimator id); measure it if ``stats``."""

    job: Job
    text: str
    keys: tuple[str, ...]
    stats: bool


@dataclass(frozen=True)
class EditRequest:
    """A ``CountRequest`` for the channel's previous text with ``[start:end]`` replaced."""

    job: Job
    start: int
    end: int
    middle: str
    keys: tuple[str, ...]
    stats: bool

    def applied_to(self, previous: str) -> CountRequest:
        """The count request this edit stands for, given the channel's previous text."""
        text = previous[: self.start] + self.middle + previous[self.end :]
        return CountRequest(self.job, text, self.keys, self.stats)


@dataclass(frozen=True)
class QuitRequest:
    """Stop when the requests before this one are answered."""


@dataclass(frozen=True)
class CountReply:
    """The count of the job's text for ``key``."""

    job: Job
    key: str
    tokens: int


@dataclass(frozen=True)
class StatsReply:
    """Characters, words and lines of the job's text."""

    job: Job
    stats: TextStats


@dataclass(frozen=True)
class FailedReply:
    """``key`` could not be counted (an unknown id, a damaged vocabulary, a dead child)."""

    job: Job
    key: str
    message: str


@dataclass(frozen=True)
class SkippedReply:
    """Not counted because a newer text came on the job's channel (``key`` None: the stats)."""

    job: Job
    key: str | None


Request = LoadRequest | KeepRequest | CountRequest | EditRequest | QuitRequest
Reply = CountReply | StatsReply | FailedReply | SkippedReply
#: The concrete classes of each union, for checking what comes off a pipe.
REQUEST_TYPES = (LoadRequest, KeepRequest, CountRequest, EditRequest, QuitRequest)
REPLY_TYPES = (CountReply, StatsReply, FailedReply, SkippedReply)


def answers(reply: Reply) -> tuple[Job, str | None]:
    """The request part a reply answers: its job and key (None for the stats)."""
    match reply:
        case StatsReply(job=job):
            return job, None
        case CountReply(job=job, key=key) | FailedReply(job=job, key=key):
            return job, key
        case SkippedReply(job=job, key=key):
            return job, key


def _agreeing(limit: int, same: Callable[[int, int], bool]) -> int:
    """The length (at most ``limit``) of the run where two strings agree, found by halving.

    ``same(lo, mid)`` compares positions ``lo`` to ``mid`` (one slice each, at C speed), those
    before ``lo`` being known to agree.
    """
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if same(lo, mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix."""
    return _agreeing(min(len(a), len(b)), lambda lo, mid: a[lo:mid] == b[lo:mid])


def common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit``."""
    na, nb = len(a), len(b)
    return _agreeing(
        min(na, nb, limit), lambda lo, mid: a[na - mid : na - lo] == b[nb - mid : nb - lo]
    )


def as_edit(
    previous: str | None, request: CountRequest, min_size: int
) -> CountRequest | EditRequest:
    """``request`` as an edit of ``previous`` (its channel's last text), when that is smaller.

    Texts of at most ``min_size`` characters, and texts that are mostly new, go as they are.
    """
    text = request.text
    if previous is None or len(text) <= min_size:
        return request
    start = common_prefix(previous, text)
    tail = common_suffix(previous, text, min(len(previous), len(text)) - start)
    if len(text) - tail - start > len(text) // 2:
        return request  # mostly new: send it whole (and copy nothing here)
    middle = text[start : len(text) - tail]
    return EditRequest(
        request.job, start, len(previous) - tail, middle, request.keys, request.stats
    )
