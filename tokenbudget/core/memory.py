"""Giving freed memory back to the system."""

from __future__ import annotations

import sys


def release_freed_memory() -> None:
    """Return the memory glibc holds freed to the system (``malloc_trim``; Linux only).

    glibc keeps freed memory for reuse. Without this a process keeps its peak as its resident
    size for good: a vocabulary load's temporaries (Gemma's peaked near 400 MB), or a long text
    the window held (``gui.app.tune_allocator`` has glibc keep up to 128 MB for reuse; a 10 MB
    text replaced by a 10 KB one left the window at 309 MB RSS, 99 MB after this, measured with
    ``benchmarks/bench_memory.py --workloads paste``).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return
