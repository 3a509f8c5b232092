"""A Python copy of an editor's text, kept up to date from its change notifications.

``QPlainTextEdit.toPlainText()`` copies and converts the whole document: about 120 ms for
10 MB on this machine, on the UI thread, for every count. The mirror instead applies each
``contentsChange(position, removed, added)`` as it happens, fetching only the added text.

Qt positions count UTF-16 code units, Python strings count code points. The mirror therefore
keeps its text in UTF-16 units: a character outside the Basic Multilingual Plane is held as its
two surrogates, so Qt's positions index it directly; ``text()`` joins the pairs back.

Consecutive insertions (typing, a paste inserted a slice at a time) are collected and spliced
in once, when the text is next asked for, so a 10 MB paste costs one copy, not one per slice.

No Qt here: the editor feeds it, and tests compare it with a real document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# What ``QTextDocument.toPlainText`` turns into plain characters: paragraph and line
# separators and the frame markers become line breaks, a no-break space a space.
_TO_PLAIN = (
    ("\u2029", "\n"),
    ("\u2028", "\n"),
    ("\ufdd0", "\n"),
    ("\ufdd1", "\n"),
    ("\u00a0", " "),
)


def to_units(text: str) -> str:
    """``text`` with every astral character split into its UTF-16 surrogate pair."""
    if text.isascii() or max(text) <= "\uffff":
        return text

    def pair(match: re.Match[str]) -> str:
        code = ord(match.group()) - 0x10000
        return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))

    return _ASTRAL.sub(pair, text)


def from_units(units: str) -> str:
    """The inverse of ``to_units`` (a lone surrogate stays as it is)."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def plain(fragment: str) -> str:
    """A fragment of document text (``QTextCursor.selectedText``) as ``toPlainText`` has it."""
    if fragment.isascii():
        return fragment
    for old, new in _TO_PLAIN:
        if old in fragment:
            fragment = fragment.replace(old, new)
    return fragment


class TextMirror:
    """The text of a document, as UTF-16 units, updated change by change."""

    def __init__(self, text: str = "") -> None:
        self.reset(text)

    def reset(self, text: str) -> None:
        """Start over from the whole text (as ``toPlainText`` gives it)."""
        self._units = to_units(text)
        self._astral = len(self._units) != len(text)
        self._run_at = 0
        self._run: list[str] = []
        self._run_len = 0
        self._text: str | None = text

    def __len__(self) -> int:
        """Length in UTF-16 units (``QTextDocument.characterCount() - 1``)."""
        return len(self._units) + self._run_len

    def apply(self, position: int, added: str, new_length: int) -> bool:
        """Apply a change: ``added`` now starts at ``position``; the text is ``new_length`` long.

        Lengths are in UTF-16 units. The number of units removed follows from the lengths
        (Qt's own ``charsRemoved`` and ``charsAdded`` include the document's final separator in
        some changes, so they are not used). Returns False when the change cannot be right
        (the caller then resets).
        """
        units = to_units(plain(added))
        old_length = len(self)
        removed = old_length - new_length + len(units)
        if position < 0 or removed < 0 or position + removed > old_length:
            return False
        if len(units) != len(added):
            self._astral = True
        self._text = None
        if not removed and self._run and position == self._run_at + self._run_len:
            self._run.append(units)
            self._run_len += len(units)
            return True
        self._flush()
        if not removed and units:
            self._run_at, self._run, self._run_len = position, [units], len(units)
            return True
        self._units = self._units[:position] + units + self._units[position + removed :]
        return True

    def _flush(self) -> None:
        if self._run:
            at = self._run_at
            self._units = "".join([self._units[:at], *self._run, self._units[at:]])  # one copy
            self._run, self._run_len = [], 0

    def text(self) -> str:
        """The whole text, as ``toPlainText`` returns it."""
        if self._text is None:
            self._flush()
            self._text = from_units(self._units) if self._astral else self._units
        return self._text

    def without(self, drop: Sequence[int], start: int = 0, end: int | None = None) -> str:
        """The text from ``start`` to ``end`` (UTF-16 units) less the units at ``drop``.

        ``drop`` is sorted; positions outside the range are ignored. The editor drops the
        line breaks it added only for display (see ``editor``).
        """
        self._flush()
        units = self._units
        stop = len(units) if end is None else end
        pieces, at = [], start
        for position in drop:
            if start <= position < stop:
                pieces.append(units[at:position])
                at = position + 1
        pieces.append(units[at:stop])
        joined = "".join(pieces)
        return from_units(joined) if self._astral else joined
