"""Fixtures the core tests share: the bundled tokenizers and a service over them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tokenbudget.core.services import Service
from tokenbudget.core.tokenizers import TokenizerRegistry


@pytest.fixture(scope="module")
def registry() -> TokenizerRegistry:
    """The bundled tokenizers, one registry per test module.

    Each vocabulary loads once, on first use (gemma3 takes about a second), and no module
    sees what another loaded.
    """
    return TokenizerRegistry.bundled()


@pytest.fixture
def service(registry: TokenizerRegistry) -> Iterator[Service]:
    """A service over the module's registry, closed after the test."""
    svc = Service(registry)
    yield svc
    svc.close()
