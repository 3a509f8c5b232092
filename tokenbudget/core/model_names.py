"""Model names as coding tools write them, mapped onto the catalogue's ids: the one table.

Tools name one model many ways: with a router's or a cloud's prefix
(``openrouter/anthropic/claude-sonnet-4-6``, ``github-copilot/gpt-5``, ``bedrock/us.anthropic.
claude-sonnet-4-5-20250929-v1:0``, ``vertex_ai/claude-sonnet-4@20250514``), with a router's
suffix (``:free``, ``:thinking``), in upper case (``zai-org/GLM-4.6``), with dots where the
catalogue has dashes (Copilot's ``claude-sonnet-4.5``), or by a product name that is not an API
id at all (``kimi-for-coding``). ``normalise`` takes all that off, ``candidates`` lists the
names to look up in the catalogue (best first) and ``provider_of`` says whose model it is.

A name no row and no rule places is kept as the tool wrote it: the entry is then unpriced,
never free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final, NamedTuple

from tokenbudget.core.errors import UnknownModelError, UnknownProviderError


class Alias(NamedTuple):
    """A name tools write that is not the catalogue's id for the model.

    Attributes:
        name: The name as tools write it (lower case, prefixes and suffixes removed).
        model: The catalogue id it stands for.
        provider: The provider key whose plans and prices apply.
    """

    name: str
    model: str
    provider: str


ALIASES: Final[tuple[Alias, ...]] = (
    # Kimi CLI and Claude Code on Kimi's coding plan (api.kimi.com/coding) send this product
    # name, not an API id; the plan serves Kimi's coding model.
    Alias("kimi-for-coding", "kimi-k2.7-code", "moonshot"),
    # GitHub Copilot CLI and OpenCode's model list name xAI's coding model with its version.
    Alias("grok-code-fast-1", "grok-code-fast", "xai"),
)
"""Every alias, one row each, with where the name is seen."""

_PROVIDER_PREFIXES: Final = (
    ("claude", "anthropic"),
    ("gpt", "openai"),
    ("chatgpt", "openai"),
    ("codex", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("gemini", "gemini"),
    ("gemma", "gemini"),
    ("deepseek", "deepseek"),
    ("qwen", "dashscope"),
    ("qwq", "dashscope"),
    ("glm", "zai"),
    ("zai-", "zai"),
    ("kimi", "moonshot"),
    ("moonshot", "moonshot"),
    ("minimax", "minimax"),
    ("mistral", "mistral"),
    ("codestral", "mistral"),
    ("devstral", "mistral"),
    ("magistral", "mistral"),
    ("grok", "xai"),
)
"""How a normalised name's start says whose model it is (first match wins)."""

_BY_ALIAS: Final = {row.name: row for row in ALIASES}

# Bedrock's "<region>.<vendor>." prefix (us.anthropic.claude-...) and its "-v1:0" suffix.
_BEDROCK_VENDOR: Final = re.compile(
    r"^(?:(?:us|eu|apac|global|jp|au|ca|us-gov)\.)?"
    r"(?:anthropic|amazon|meta|mistral|deepseek|qwen|moonshot|moonshotai|openai|writer)\."
)
_BEDROCK_VERSION: Final = re.compile(r"-v\d+:\d+$")
# Routers' variant suffixes (OpenRouter ":free", ":thinking", ":nitro", ...).
_ROUTER_SUFFIX: Final = re.compile(r":[a-z][a-z0-9-]*$")
# Vertex AI's "@<version>" (claude-sonnet-4@20250514, gemini-...@001, ...@latest).
_AT_VERSION: Final = re.compile(r"@[\w.-]*$")
_DATE_SUFFIX: Final = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
# Claude versions written with a dot (Copilot's claude-sonnet-4.5): the catalogue uses dashes.
_CLAUDE_DOT: Final = re.compile(r"^(claude-[a-z]+-\d+)\.(\d+)")


def _bare(name: str) -> str:
    """``name`` without prefixes, router suffixes and version tags, in lower case."""
    text = name.strip().lower()
    text = _BEDROCK_VERSION.sub("", text)
    text = _ROUTER_SUFFIX.sub("", text)
    text = text.rsplit("/", 1)[-1]
    text = _BEDROCK_VENDOR.sub("", text)
    text = _AT_VERSION.sub("", text)
    return _CLAUDE_DOT.sub(r"\1-\2", text)


def normalise(name: str) -> str:
    """The catalogue's spelling of ``name`` as far as the rules know it (lower case).

    Prefixes, suffixes, ``@`` versions and case are taken off and an alias becomes its
    catalogue id; a date suffix is kept (the catalogue has dated ids too): ``candidates``
    tries the name without it. An empty name stays empty.
    """
    bare = _bare(name)
    alias = _BY_ALIAS.get(bare) or _BY_ALIAS.get(_DATE_SUFFIX.sub("", bare))
    return alias.model if alias is not None else bare


def candidates(name: str) -> list[str]:
    """The names to look up in the catalogue for ``name``, best first, without repeats.

    An alias row's model first, then the name as written (the catalogue may know it exactly,
    as a LiteLLM key), then its normalised form, then that without a date suffix, then the
    alias that undated name is.
    """
    bare = _bare(name)
    undated = _DATE_SUFFIX.sub("", bare)
    found = [name.strip(), normalise(name), bare, undated]
    if bare in _BY_ALIAS:
        # An alias row wins over an id the catalogue also knows (grok-code-fast-1, a retired
        # id that Copilot still sends for the current model), with or without a prefix.
        found.insert(0, _BY_ALIAS[bare].model)
    alias = _BY_ALIAS.get(undated)
    if alias is not None:
        found.append(alias.model)
    return [c for i, c in enumerate(found) if c and c not in found[:i]]


def provider_of(name: str, default: str | None = None) -> str | None:
    """The provider key ``name`` belongs to, or ``default`` when the name says nothing.

    Coding tools can talk to other vendors' models (Claude Code to GLM or Kimi through an
    Anthropic-compatible endpoint, Copilot to Claude and Gemini), so the name decides before
    the tool does.
    """
    bare = _bare(name)
    alias = _BY_ALIAS.get(bare) or _BY_ALIAS.get(_DATE_SUFFIX.sub("", bare))
    if alias is not None:
        return alias.provider
    for prefix, provider in _PROVIDER_PREFIXES:
        if bare.startswith(prefix):
            return provider
    return default


def closest(name: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The ``choices`` most like ``name``, best first: the one "did you mean" of every command.

    Compared without case (``difflib.get_close_matches``); when nothing is close, the
    choices that contain ``name`` are offered instead (``sonnet`` finds ``claude-sonnet-4-6``).
    """
    import difflib  # here: only a misspelt name needs it (the status line loads this module)

    lowered: dict[str, str] = {}
    for choice in choices:
        lowered.setdefault(choice.lower(), choice)
    wanted = " ".join(name.split()).lower()
    hits = difflib.get_close_matches(wanted, list(lowered), n=n, cutoff=cutoff)
    if not hits and len(wanted) >= 3:
        hits = [key for key in lowered if wanted in key][:n]
    return [lowered[hit] for hit in hits]


def match_name(name: str, spellings: Mapping[str, str], kind: str = "model") -> str:
    """The canonical name that ``name`` spells, from ``spellings`` (lower case -> canonical).

    Raises:
        UnknownProviderError: (``kind`` ``"provider"``) or ``UnknownModelError`` (any other
            kind), with the closest canonical names as suggestions.
    """
    found = spellings.get(" ".join(name.split()).lower())
    if found is not None:
        return found
    if kind == "provider":
        raise UnknownProviderError(name.strip(), suggestions(name, spellings))
    raise UnknownModelError(kind, name.strip(), suggestions(name, spellings))


def suggestions(name: str, spellings: Mapping[str, str], n: int = 3) -> list[str]:
    """The ``n`` canonical names closest to ``name`` (``spellings``: lower case -> canonical)."""
    close = closest(name, spellings, n=2 * n)
    return list(dict.fromkeys(spellings[c] for c in close))[:n]
