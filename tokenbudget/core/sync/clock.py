"""Hybrid logical clock stamps (Kulkarni et al., 2014), one per event a device writes.

A stamp is ``(wall_ms, counter, device)``. A device's clock never goes back and, once it has
read another device's events, every stamp it issues is greater than theirs. So an edit made
after seeing another device's edit is ordered after it even if this device's wall clock is
minutes behind, and two stamps are never equal (the device id settles a tie).

A remote stamp far ahead of this device's wall clock (a device whose clock is set a year
ahead) would drag every later stamp with it; ``observe`` takes in at most ``MAX_LEAD_MS`` of
lead. Events with such stamps still sort by their own stamps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

#: How far ahead of the local wall clock an observed stamp may move this clock (one day).
MAX_LEAD_MS: Final = 86_400_000

_TEXT = re.compile(r"^(\d{13})\.(\d{6})\.([0-9a-z-]{1,64})$")


@dataclass(frozen=True, order=True)
class Stamp:
    """A point in the hybrid logical order; compares as ``(wall_ms, counter, device)``."""

    wall_ms: int
    counter: int
    device: str

    def text(self) -> str:
        """A fixed-width text form that sorts as the stamp does: ``wall.counter.device``."""
        return f"{self.wall_ms:013d}.{self.counter:06d}.{self.device}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        """Read ``text()``'s form back.

        Raises:
            ValueError: for anything else.
        """
        match = _TEXT.match(text)
        if match is None:
            raise ValueError(f"not a stamp: {text!r}")
        return cls(int(match[1]), int(match[2]), match[3])


class Clock:
    """One device's hybrid logical clock (not thread-safe: the caller serialises use)."""

    def __init__(self, device: str, last: Stamp | None = None) -> None:
        self.device = device
        self._wall = last.wall_ms if last else 0
        self._counter = last.counter if last else 0

    @property
    def last(self) -> Stamp:
        """The greatest stamp issued or observed so far."""
        return Stamp(self._wall, self._counter, self.device)

    def tick(self, now_ms: int) -> Stamp:
        """A new stamp for a local event at wall time ``now_ms``, greater than any before."""
        if now_ms > self._wall:
            self._wall, self._counter = now_ms, 0
        else:
            self._counter += 1
        return Stamp(self._wall, self._counter, self.device)

    def observe(self, remote: Stamp, now_ms: int) -> None:
        """Take in a stamp read from another device, so later ticks sort after it."""
        wall = min(remote.wall_ms, now_ms + MAX_LEAD_MS)
        if wall > self._wall:
            self._wall = wall
            self._counter = remote.counter if wall == remote.wall_ms else 0
        elif wall == self._wall and wall == remote.wall_ms:
            self._counter = max(self._counter, remote.counter)
