"""Estimated counts for models whose tokenizer is not public.

An estimator counts the text with a bundled exact vocabulary (the *base*) and scales the
count by measured ratios for the kind of text: English prose, code, or CJK. The text is
classified line by line, so a prompt that mixes an English question with a code block and a
Chinese paragraph gets each part scaled by its own ratio. Estimates are never labelled exact.

The parts of each kind are counted chunk by chunk (``chunking.chunk``, cut where no token
crosses): the estimate is ``round(sum over chunks and kinds of count(part) * ratio)``. That is
what lets an editor update an estimate after a keystroke by re-counting one chunk, with the very
number the command line prints for the same text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from tokenbudget.core.chunking import DEFAULT_RULE, ChunkRule, chunk
from tokenbudget.core.errors import UnknownModelError


class TextKind(Enum):
    """The kinds of text estimators distinguish."""

    PROSE = "prose"
    CODE = "code"
    CJK = "cjk"


_CJK_CLASS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Compiled on first use: a count with no estimated model never pays for them."""
    return {
        "cjk": re.compile(_CJK_CLASS),
        "cjk_run": re.compile(_CJK_CLASS + "+"),
        "symbols": re.compile(r"[{}\[\]();=<>+*/\\|&^%$#@!~_`:]"),
        "code_start": re.compile(
            r"\s*(def |class |import |from \S+ import|return\b|if \(|for \(|while \(|function\b|"
            r"const |let |var |#include|package |public |private |fn |func |//|/\*|\*/|@\w+|"
            r"<\w+[ >/])"
        ),
        "fence": re.compile(r"\s*(```|~~~)"),
    }


def classify_line(line: str, in_fence: bool = False) -> TextKind:
    """Classify one line of text.

    A line is CJK when at least a fifth of its non-space characters are CJK; code when it is
    inside a fenced block, starts like code, or is dense in code punctuation; prose otherwise.
    """
    pat = _patterns()
    visible = sum(map(len, line.split()))  # characters that are not white space
    if visible == 0:
        return TextKind.CODE if in_fence else TextKind.PROSE
    cjk = len(pat["cjk"].findall(line))
    if cjk * 5 >= visible:
        return TextKind.CJK
    if in_fence or pat["code_start"].match(line):
        return TextKind.CODE
    if len(pat["symbols"].findall(line)) * 8 >= visible:
        return TextKind.CODE
    indent = len(line) - len(line.lstrip(" \t"))
    if indent >= 4 and visible < 100:
        return TextKind.CODE
    return TextKind.PROSE


def split_by_kind(text: str, in_fence: bool = False) -> dict[TextKind, str]:
    """Gather the parts of ``text`` by kind, for counting each kind.

    Runs of CJK characters go to CJK wherever they stand (a Chinese comment in code, a
    Chinese phrase in an English sentence); the rest of each line goes to code or prose.

    Args:
        text: The text, or one chunk of it.
        in_fence: True when ``text`` starts inside a fenced code block.
    """
    pat = _patterns()
    parts: dict[TextKind, list[str]] = {kind: [] for kind in TextKind}
    for line in text.splitlines(keepends=True):
        if pat["fence"].match(line):
            parts[TextKind.CODE].append(line)
            in_fence = not in_fence
            continue
        rest = line
        if pat["cjk"].search(line):
            parts[TextKind.CJK].extend(pat["cjk_run"].findall(line))
            rest = pat["cjk_run"].sub("", line)
        parts[classify_line(rest, in_fence)].append(rest)
    return {kind: "".join(lines) for kind, lines in parts.items()}


def fence_flips(text: str) -> bool:
    """True when ``text`` has an odd number of fence lines (it toggles the fence state)."""
    if "```" not in text and "~~~" not in text:
        return False
    fence = _patterns()["fence"]
    return sum(1 for line in text.splitlines(keepends=True) if fence.match(line)) % 2 == 1


def kind_counts(
    text: str, count: Callable[[str], int], rule: ChunkRule = DEFAULT_RULE
) -> dict[TextKind, int]:
    """Tokens of each kind of text, counted chunk by chunk with ``count``.

    Each chunk of ``chunking.chunk(text, rule)`` is split with ``split_by_kind`` (the fence
    state carried from the chunks before it) and each non-empty part is counted on its own.
    """
    totals = dict.fromkeys(TextKind, 0)
    in_fence = False
    for piece in chunk(text, rule):
        for kind, part in split_by_kind(piece, in_fence).items():
            if part:
                totals[kind] += count(part)
        in_fence ^= fence_flips(piece)
    return totals


def _rounded(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Estimator:
    """A calibrated (or plainly proportional) estimate on top of an exact base vocabulary.

    Attributes:
        id: Estimator id, e.g. ``claude``.
        base: Id of the bundled vocabulary that is counted.
        prose, code, cjk: Ratio of the target model's tokens to the base's, by kind of text.
        calibrated: False when the ratios are 1.0 by assumption rather than measurement.
        description: One line for tooltips and ``--json`` output.
    """

    id: str
    base: str
    prose: Decimal
    code: Decimal
    cjk: Decimal
    calibrated: bool
    description: str

    @property
    def uniform(self) -> bool:
        """True when every kind of text has the same ratio (no classification needed)."""
        return self.prose == self.code == self.cjk

    def ratio(self, kind: TextKind) -> Decimal:
        """The ratio for one kind of text."""
        return {TextKind.PROSE: self.prose, TextKind.CODE: self.code, TextKind.CJK: self.cjk}[kind]

    def estimate(self, text: str, count: Callable[[str], int]) -> int:
        """Estimated tokens of ``text``, given ``count`` (the base vocabulary's counter)."""
        if not text:
            return 0
        if self.uniform:
            return self.from_count(count(text))
        return self.from_kind_counts(kind_counts(text, count))

    def from_count(self, tokens: int) -> int:
        """The estimate for ``tokens`` base tokens (for a uniform estimator)."""
        return _rounded(tokens * self.prose)

    def from_kind_counts(self, counts: Mapping[TextKind, int]) -> int:
        """The estimate for base tokens by kind of text (see ``kind_counts``)."""
        return _rounded(sum((n * self.ratio(kind) for kind, n in counts.items()), Decimal(0)))

    @property
    def method(self) -> str:
        """How the estimate is made, for a tooltip."""
        return self.description


def _proxy(estimator_id: str, base: str, description: str) -> Estimator:
    """An uncalibrated estimator: the base vocabulary's count as it is (every ratio 1)."""
    one = Decimal(1)
    return Estimator(estimator_id, base, one, one, one, False, description)


ESTIMATORS: dict[str, Estimator] = {
    est.id: est
    for est in (
        Estimator(
            "claude",
            "o200k_base",
            Decimal("1.06"),
            Decimal("1.24"),
            Decimal("1.35"),
            True,
            "estimate: o200k count x measured Claude ratio (Claude 3 to Opus 4.6: "
            "prose 1.06, code 1.24, Chinese 1.35); Anthropic publishes no tokenizer",
        ),
        Estimator(
            "claude-4.7",
            "o200k_base",
            Decimal("1.48"),
            Decimal("1.53"),
            Decimal("1.45"),
            True,
            "estimate: o200k count x measured Claude ratio (Opus 4.7 and later: "
            "prose 1.48, code 1.53, Chinese 1.45); Anthropic publishes no tokenizer",
        ),
        _proxy(
            "gemma3-proxy",
            "gemma3",
            "estimate: Gemma 3 vocabulary count; Google has not published this model's "
            "tokenizer, the Gemma 3 vocabulary is the closest public one",
        ),
        _proxy(
            "qwen3.5-proxy",
            "qwen3.5",
            "estimate: Qwen 3.5/3.6 vocabulary count; this newer Qwen's tokenizer is not bundled",
        ),
        _proxy(
            "tekken-proxy",
            "mistral-tekken",
            "estimate: Mistral Tekken vocabulary count; "
            "this model's exact tokenizer is not bundled",
        ),
        _proxy(
            "glm-5-proxy",
            "glm-5",
            "estimate: GLM-5 vocabulary count; this GLM's own tokenizer is not bundled",
        ),
        _proxy(
            "minimax-m2-proxy",
            "minimax-m2",
            "estimate: MiniMax-M2 vocabulary count; this MiniMax model's own tokenizer is "
            "not bundled",
        ),
        _proxy(
            "o200k-proxy",
            "o200k_base",
            "estimate: o200k count, not calibrated; no public tokenizer for this model is bundled",
        ),
    )
}


def get_estimator(estimator_id: str) -> Estimator:
    """The estimator ``estimator_id``.

    Raises:
        UnknownModelError: for an unknown id.
    """
    try:
        return ESTIMATORS[estimator_id]
    except KeyError:
        raise UnknownModelError("estimator", estimator_id, sorted(ESTIMATORS)) from None
