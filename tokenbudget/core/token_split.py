r"""A prompt split into tokens for display: pure functions of a tokenizer's output (no Qt).

Characters split across tokens: byte-level vocabularies cut some characters (emoji, rare CJK)
into tokens whose bytes are not UTF-8 on their own. Neighbouring tokens are decoded together
until they end on a character boundary, and the group becomes one ``Span`` listing every token
of it. So a reader sees 龘 rather than ``\xe9`` ``\xbe`` ``\x98``, and every token is still
counted and can be inspected. Escapes such as ``\xe4`` appear only where no character can be
completed: at the cut of a truncated view. Hugging Face vocabularies report a token only as
decoded text, which turns a partial character into U+FFFD; such runs are re-aligned with the
prompt's own bytes between the exact tokens around them.

White space is made visible with markers (``·`` space, ``→`` tab, ``↵`` then a real line
break, ``␍`` carriage return, ``⟨U+200D⟩`` for other invisible characters).
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tokenbudget.core.tokenizers import TokenizerRegistry

_REPLACEMENT = "\ufffd".encode()
#: A zero-width space after a marker keeps a line-break opportunity where the space was.
_MARKERS = {" ": "·\u200b", "\t": "→\u200b", "\n": "↵\n", "\r": "␍"}
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
#: Drawn for a token that decodes to nothing.
EMPTY_MARK = "∅"


@dataclass(frozen=True)
class Token:
    """One token.

    Attributes:
        id: The token id.
        data: The token's bytes. When ``exact`` is False, only the tokenizer's decoded text of
            the token (with U+FFFD for a partial character), as UTF-8.
        exact: False when the tokenizer does not report the token's bytes.
    """

    id: int
    data: bytes
    exact: bool = True


@dataclass(frozen=True)
class Span:
    """Consecutive tokens drawn as one piece of text.

    Attributes:
        first: Index of the first token in the whole text.
        tokens: One token, or several that share a character split between them.
        text: What is drawn (before white space is made visible).
    """

    first: int
    tokens: tuple[Token, ...]
    text: str


@dataclass(frozen=True)
class Tokenization:
    """The result of one request.

    Attributes:
        request: The request id (results of older requests are dropped).
        tokenizer_id: The vocabulary used.
        total: Tokens in the whole text.
        chars: Characters (code points) in the text.
        spans: What is drawn: the first ``shown`` tokens.
        shown: Tokens drawn (``total`` unless the text was cut at the limit).
        error: Why nothing could be counted, or None.
    """

    request: int
    tokenizer_id: str
    total: int
    chars: int
    spans: tuple[Span, ...] = ()
    shown: int = 0
    error: str | None = None


_Chunk = tuple[tuple[Token, ...], bytes]


def _escaped(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def _group(chunks: Iterator[_Chunk]) -> list[Span]:
    """Join chunks into spans that each end on a character boundary."""
    spans: list[Span] = []
    decoder = codecs.getincrementaldecoder("utf-8")()
    tokens: list[Token] = []
    data = bytearray()
    parts: list[str] = []
    start = index = 0
    for chunk_tokens, chunk_data in chunks:
        tokens.extend(chunk_tokens)
        data += chunk_data
        index += len(chunk_tokens)
        try:
            parts.append(decoder.decode(chunk_data))
        except UnicodeDecodeError:
            decoder.reset()
            text = _escaped(bytes(data))
        else:
            if decoder.getstate()[0]:
                continue  # in the middle of a character: the next token completes it
            text = "".join(parts)
        spans.append(Span(start, tuple(tokens), text))
        start = index
        tokens, data, parts = [], bytearray(), []
    if tokens:  # cut in the middle of a character (the view's token limit)
        spans.append(Span(start, tuple(tokens), _escaped(bytes(data))))
    return spans


def _realign(
    reference: bytes, ids: Sequence[int], pieces: Sequence[bytes], *, complete: bool
) -> list[_Chunk] | None:
    """Recover the bytes of lossy runs (U+FFFD pieces) from the text; None if it fails."""
    chunks: list[_Chunk] = []
    pos = i = 0
    while i < len(pieces):
        piece = pieces[i]
        if reference.startswith(piece, pos):
            chunks.append(((Token(ids[i], piece),), piece))
            pos += len(piece)
            i += 1
            continue
        if _REPLACEMENT not in piece:
            return None
        j, least = i, 0
        while j < len(pieces) and _REPLACEMENT in pieces[j]:
            # Each U+FFFD (3 bytes) stands for at least one byte of the text.
            least += len(pieces[j]) - 2 * pieces[j].count(_REPLACEMENT)
            j += 1
        run = tuple(Token(ids[k], pieces[k], exact=False) for k in range(i, j))
        if j < len(pieces):
            end = reference.find(pieces[j], pos + least)
        else:
            end = len(reference) if complete else -1
        if end < 0:
            if j < len(pieces):
                return None
            chunks.append((run, b"".join(pieces[i:j])))  # cut by the limit: show as reported
            return chunks
        chunks.append((run, reference[pos:end]))
        pos, i = end, j
    if complete and pos != len(reference):
        return None
    return chunks


def split_for_display(
    text: str, ids: Sequence[int], pieces: Sequence[bytes], *, complete: bool = True
) -> list[Span]:
    """The spans to draw for ``ids`` (the first tokens of ``text``) and their ``pieces``.

    Args:
        text: The text that was encoded.
        ids: Token ids, possibly only the first ones.
        pieces: The bytes of each token, from ``Tokenizer.decode_pieces``.
        complete: False when ``ids`` stops before the end of the text.
    """
    if any(_REPLACEMENT in piece for piece in pieces):
        references = [text.encode("utf-8")]
        normalized = unicodedata.normalize("NFC", text)
        if normalized != text:
            references.append(normalized.encode("utf-8"))
        for reference in references:
            chunks = _realign(reference, ids, pieces, complete=complete)
            if chunks is not None:
                return _group(iter(chunks))
    return _group(((Token(i, p),), p) for i, p in zip(ids, pieces, strict=True))


def tokenize(
    registry: TokenizerRegistry, tokenizer_id: str, text: str, *, limit: int, request: int = 0
) -> Tokenization:
    """Encode ``text`` and prepare the first ``limit`` tokens for display.

    Raises:
        TokenbudgetError: if the vocabulary is unknown or its file is missing or altered.
    """
    tokenizer = registry.get(tokenizer_id)
    ids = tokenizer.encode(text)
    shown = ids[: max(limit, 0)]
    spans = split_for_display(
        text, shown, tokenizer.decode_pieces(shown), complete=len(shown) == len(ids)
    )
    return Tokenization(request, tokenizer_id, len(ids), len(text), tuple(spans), len(shown))


def marker(char: str) -> str | None:
    """The visible stand-in for a white-space or invisible character, or None."""
    if char in _MARKERS:
        return _MARKERS[char]
    if unicodedata.category(char) in _INVISIBLE:
        return f"⟨U+{ord(char):04X}⟩"
    return None


def visible_runs(text: str) -> list[tuple[str, str | None]]:
    """Split ``text`` into runs to draw: ``(shown, original)``.

    ``original`` is None for ordinary text, else the one character that every marker in
    ``shown`` stands for.
    """
    runs: list[tuple[str, str | None]] = []
    plain: list[str] = []
    for char in text:
        shown = marker(char)
        if shown is None:
            plain.append(char)
            continue
        if plain:
            runs.append(("".join(plain), None))
            plain = []
        if runs and runs[-1][1] == char:
            runs[-1] = (runs[-1][0] + shown, char)
        else:
            runs.append((shown, char))
    if plain:
        runs.append(("".join(plain), None))
    return runs


def printable(text: str) -> str:
    """``text`` with white space and invisible characters shown as markers, on one line."""
    return "".join((marker(c) or c).replace("\u200b", "").replace("\n", "") for c in text)
