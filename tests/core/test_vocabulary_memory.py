"""An unloaded vocabulary's memory goes back to the system."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_unloaded_kitoken_vocabulary_gives_its_memory_back() -> None:
    """kitoken's own allocator keeps freed pages unless told not to (``MIMALLOC_OPTIONS``)."""
    script = textwrap.dedent(
        """
        from pathlib import Path
        from tokenbudget.core.tokenizers import TokenizerRegistry

        def rss():
            status = Path("/proc/self/status").read_text().splitlines()
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

        registry = TokenizerRegistry.bundled()
        before = rss()
        registry.get("gemma3").count("warm " * 1000)
        loaded = rss()
        registry.unload("gemma3")
        print(before, loaded, rss())
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIMALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    before, loaded, after = map(int, out.stdout.split())
    assert loaded - before > 30_000  # KiB: Gemma 3 takes tens of MB ...
    assert after - before < (loaded - before) / 3  # ... and gives most of them back
