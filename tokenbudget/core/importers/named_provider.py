"""The provider of a record from the model's name and the provider the tool names."""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from tokenbudget.core.errors import UnknownProviderError
from tokenbudget.core.importers.values import guess_provider
from tokenbudget.core.providers import resolve_provider

UNKNOWN: Final = "unknown"


def provider_for(model: str, named: object) -> str:
    """Our provider key for ``model``, which the tool says ``named`` served.

    The model's name decides first (``values.guess_provider``: a Claude model through a
    router is still priced as Anthropic's); then the tool's own name for the provider,
    through our aliases (``google`` is ``gemini``); then that name as given, lower-cased;
    then ``unknown``.
    """
    guessed = guess_provider(model)
    if guessed is not None:
        return guessed
    if not isinstance(named, str) or not named.strip() or not named.isascii():
        return UNKNOWN
    return _named(named)


@lru_cache(maxsize=256)
def _named(named: str) -> str:
    try:
        return resolve_provider(named).id
    except UnknownProviderError:
        return named.strip().lower()
