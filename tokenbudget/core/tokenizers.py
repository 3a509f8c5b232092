"""Exact tokenizers from bundled vocabularies, loaded lazily, once, thread-safely.

The vocabularies ship in ``resources/tokenizers`` and are listed in its ``manifest.json`` with
their sha256, source and licence. Nothing is ever downloaded: a missing or altered file is a
``ResourceError``.

Counting rule: text is counted as ordinary text. Text that looks like a special token
(``<|endoftext|>``, ``<|im_start|>``, ``<｜begin▁of▁sentence｜>``) never raises and is split like
any other text; tiktoken vocabularies use ``encode_ordinary``, and Hugging Face vocabularies
(loaded through kitoken definitions converted from them) count as ``tokenizers`` does with
``encode_special_tokens``. Empty text counts 0.
"""

from __future__ import annotations

import binascii
import functools
import gc
import gzip
import hashlib
import json
import lzma
import os
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tokenbudget.core import vocabcache
from tokenbudget.core.chunking import safe_cuts, split_at
from tokenbudget.core.errors import ResourceError, UnknownModelError
from tokenbudget.core.memory import release_freed_memory
from tokenbudget.core.paths import cache_dir, resources_dir
from tokenbudget.core.subvocab import QUICK_LIMIT, ParsedVocabulary, count_short, index_long_tokens

if TYPE_CHECKING:
    from kitoken import Kitoken

#: Texts longer than this are cut at safe boundaries and encoded as batches, which lets the
#: tokenizer libraries use every core; shorter texts are encoded in one call.
PARALLEL_THRESHOLD = 256 * 1024
_PIECE = 128 * 1024
#: Pieces per batch: bounds the memory that encoded pieces hold at once (a 50 MB text would
#: otherwise keep every token id, and for Hugging Face every token string, alive together).
_GROUP = 2


def _groups(text: str) -> Iterator[list[str]]:
    pieces = split_at(text, safe_cuts(text, _PIECE))
    for start in range(0, len(pieces), _GROUP):
        yield pieces[start : start + _GROUP]


class Tokenizer(Protocol):
    """Something that turns text into token ids, exactly as a model's vocabulary does."""

    @property
    def id(self) -> str:
        """The canonical tokenizer id, e.g. ``o200k_base``."""
        ...

    def count(self, text: str) -> int:
        """Number of tokens in ``text``."""
        ...

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``."""
        ...

    def decode_pieces(self, ids: Sequence[int]) -> list[bytes]:
        """The bytes each token id stands for (for showing a text split into tokens)."""
        ...


@dataclass(frozen=True)
class VocabularySpec:
    """One entry of the tokenizer manifest."""

    id: str
    loader: str
    file: str
    compression: str
    sha256: str
    content_sha256: str
    pattern: str | None
    normalize: str | None
    models: str
    source: str
    origin: str
    licence: str
    licence_file: str
    notes: str = ""
    #: A definition converted from ``file`` for a faster loader (kitoken), and its pins.
    converted_file: str | None = None
    converted_sha256: str | None = None
    converted_by: str | None = None

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> VocabularySpec:
        """Build from a manifest entry, ignoring keys this version does not know."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in obj.items() if k in names})


def read_manifest(directory: Path) -> list[VocabularySpec]:
    """Read ``manifest.json`` in ``directory``.

    Raises:
        ResourceError: if the manifest is missing or malformed.
    """
    path = directory / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [VocabularySpec.from_json(entry) for entry in data["tokenizers"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ResourceError(f"tokenizer manifest {path} is missing or malformed: {exc}") from exc


def read_verified(path: Path, spec: VocabularySpec) -> bytes:
    """Read and decompress a vocabulary file, checking both pinned sha256 values.

    Raises:
        ResourceError: if the file is missing, unreadable or does not match its pins.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ResourceError(f"vocabulary {spec.id} cannot be read: {exc}") from exc
    if hashlib.sha256(raw).hexdigest() != spec.sha256:
        raise ResourceError(f"vocabulary {spec.id} ({path.name}) does not match its sha256 pin")
    if spec.compression == "gzip":
        content = gzip.decompress(raw)
    elif spec.compression == "xz":
        content = lzma.decompress(raw)
    elif spec.compression == "none":
        content = raw
    else:
        raise ResourceError(f"vocabulary {spec.id}: unknown compression {spec.compression}")
    if hashlib.sha256(content).hexdigest() != spec.content_sha256:
        raise ResourceError(f"vocabulary {spec.id} content does not match its sha256 pin")
    return content


def read_converted(directory: Path, spec: VocabularySpec) -> bytes:
    """Read the converted definition of a vocabulary, checking its sha256 pin.

    Raises:
        ResourceError: if the manifest names none, or it is missing or fails its pin.
    """
    if not spec.converted_file or not spec.converted_sha256:
        raise ResourceError(f"vocabulary {spec.id} has no converted definition")
    try:
        data = (directory / spec.converted_file).read_bytes()
    except OSError as exc:
        raise ResourceError(f"vocabulary {spec.id} cannot be read: {exc}") from exc
    if hashlib.sha256(data).hexdigest() != spec.converted_sha256:
        raise ResourceError(
            f"vocabulary {spec.id} ({spec.converted_file}) does not match its sha256 pin"
        )
    return data


def _parse_tiktoken_ranks(content: bytes) -> dict[bytes, int]:
    """Parse tiktoken's text format (``base64-token rank`` per line).

    ``map`` over C functions instead of a Python loop: this is on the cold-start path of
    every count, and takes 0.15 s instead of 0.3 s for o200k.
    """
    fields = content.split()
    return dict(zip(map(binascii.a2b_base64, fields[0::2]), map(int, fields[1::2]), strict=True))


def _parse_tekken_ranks(content: bytes) -> tuple[dict[bytes, int], str]:
    """Ranks and pattern of a Mistral Tekken JSON, truncated as mistral_common truncates it.

    Tekken reserves the first ``default_num_special_tokens`` ids for control tokens, so the
    usable byte-level vocabulary is the first ``default_vocab_size - num_special`` ranks.
    """
    data = json.loads(content)
    config = data["config"]
    size = int(config["default_vocab_size"]) - int(config["default_num_special_tokens"])
    ranks = {
        binascii.a2b_base64(entry["token_bytes"]): int(entry["rank"])
        for entry in data["vocab"][:size]
    }
    return ranks, str(config["pattern"])


class _PieceCounter:
    """Counting shared by the vocabularies: NFC first when asked, long texts as batches.

    A text of ``PARALLEL_THRESHOLD`` characters or more is counted as a batch of pieces cut at
    safe cuts (``chunking``) when the vocabulary allows it (``_chunkable``). Subclasses set
    ``_nfc`` and ``_chunkable`` and say how to encode one text and a batch.
    """

    _nfc: bool
    _chunkable: bool

    def _prepare(self, text: str) -> str:
        return unicodedata.normalize("NFC", text) if self._nfc else text

    def _length(self, text: str) -> int:
        """Tokens of one prepared text."""
        raise NotImplementedError

    def _lengths(self, texts: list[str]) -> list[int]:
        """Tokens of each of several prepared texts, encoded as one batch."""
        raise NotImplementedError

    def count(self, text: str) -> int:
        """Number of tokens in ``text`` counted as ordinary text."""
        if not text:
            return 0
        text = self._prepare(text)
        if self._chunkable and len(text) >= PARALLEL_THRESHOLD:
            return sum(n for group in _groups(text) for n in self._lengths(group))
        return self._length(text)

    def count_pieces(self, pieces: Sequence[str]) -> list[int]:
        """Counts of several texts at once (a batch uses every core)."""
        return self._lengths([self._prepare(p) for p in pieces])


class TiktokenVocabulary(_PieceCounter):
    """An exact tokenizer over a tiktoken ``Encoding`` (OpenAI, Qwen, Mistral Tekken)."""

    def __init__(self, spec: VocabularySpec, vocab: ParsedVocabulary) -> None:
        import tiktoken

        self._id = spec.id
        self._nfc = spec.normalize == "NFC"
        self._chunkable = True
        self._encoding = tiktoken.Encoding(
            f"tokenbudget-{spec.id}",
            pat_str=vocab.pattern,
            mergeable_ranks=vocab.ranks,
            special_tokens={},
        )
        # The Rust encoder has its own copy; the Python dict (20-40 MB) is only needed to
        # pickle an Encoding, which we never do.
        self._encoding._mergeable_ranks = {}

    @property
    def id(self) -> str:
        """The canonical tokenizer id."""
        return self._id

    def _length(self, text: str) -> int:
        return len(self._encoding.encode_ordinary(text))

    def _lengths(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self._encoding.encode_ordinary_batch(texts)]

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` as ordinary text."""
        return self._encoding.encode_ordinary(self._prepare(text))

    def decode_pieces(self, ids: Sequence[int]) -> list[bytes]:
        """The bytes of each token."""
        return [self._encoding.decode_single_token_bytes(i) for i in ids]


class KitokenVocabulary(_PieceCounter):
    """An exact tokenizer over a kitoken definition converted from a pinned vocabulary file.

    ``scripts/convert_vocabularies.py`` makes the definitions. From a tiktoken or Tekken file
    (Qwen, Mistral) it counts as tiktoken's ``encode_ordinary`` with the manifest's pattern
    (and NFC first for Qwen). From a Hugging Face ``tokenizer.json`` (DeepSeek, Gemma 3,
    GLM-5, MiniMax-M2) it counts as ``tokenizers`` does with
    ``encode_special_tokens = True``: tokens flagged special in the file are never produced
    from user text; other added tokens (DeepSeek's ``<think>``, Gemma's ``<unusedN>``) match
    as the published tokenizer matches them. ``tests/core/test_kitoken_reference.py`` checks
    both kinds against the reference library (tiktoken, ``tokenizers``) reading the original.

    ``tokenizers`` cuts the raw text at every added token before normalising it. kitoken
    keeps some added tokens only as vocabulary entries (Gemma's runs of U+2581) and looks for
    the others after its normaliser has run. Where that could matter (see
    ``_raw_matching_needed``: Gemma text holding U+2581, MiniMax text that is not NFC), the
    text is cut at its added tokens here, as ``tokenizers`` cuts it, and the pieces between
    are encoded with no added-token matching at all.
    """

    def __init__(self, spec: VocabularySpec, definition: bytes) -> None:
        self._id = spec.id
        try:
            self._kit = _kitoken_class()(definition)
        except Exception as exc:  # kitoken raises RuntimeError, or others for bad input
            raise ResourceError(f"vocabulary {spec.id}: bad kitoken definition: {exc}") from exc
        self._nfc = False  # the definition carries the file's own normaliser (or NFC)
        # tiktoken-format files pre-split with their pattern, so safe cuts are safe for them
        self._chunkable = spec.loader != "hf" or spec.id in _CHUNKABLE_HF
        self._added = _AddedTokens.from_meta(self._kit.meta())
        # Without added tokens there is nothing that kitoken could match differently.
        self._normalization = _normalization_kind(self._kit.config()) if self._added.ids else "none"

    @property
    def id(self) -> str:
        """The canonical tokenizer id."""
        return self._id

    def _raw_matching_needed(self, text: str) -> bool:
        """True when normalising ``text`` could change which added tokens match in it."""
        kind = self._normalization
        if kind == "none":
            return False
        if kind == "nfc":
            return not unicodedata.is_normalized("NFC", text)
        if kind == "space-to-u2581":
            # Gemma: spaces become U+2581, which is in no added token but the U+2581 runs;
            # those are matched differently only when the raw text holds U+2581 itself.
            return "\u2581" in text
        return True

    def _ids_raw_matched(self, text: str) -> list[int]:
        ids: list[int] = []
        for piece, token_id in self._added.split(text):
            if token_id is None:
                ids.extend(self._kit.encode(piece, []))
            else:
                ids.append(token_id)
        return ids

    def _length(self, text: str) -> int:
        return len(self.encode(text))

    def _lengths(self, texts: list[str]) -> list[int]:
        if any(self._raw_matching_needed(t) for t in texts):
            return [self._length(t) for t in texts]
        return [len(ids) for ids in self._kit.encode_all(texts, False)]

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``."""
        if self._raw_matching_needed(text):
            return self._ids_raw_matched(text)
        ids: list[int] = self._kit.encode(text, False)
        return ids

    def decode_pieces(self, ids: Sequence[int]) -> list[bytes]:
        """The bytes each token stands for."""
        return [bytes(self._kit.decode([i], True)) for i in ids]


#: kitoken allocates with the mimalloc built into it, which by default keeps every page it
#: frees for the life of the process: the temporaries of a vocabulary's load (30-60 MB for
#: Gemma 3 or DeepSeek) and all of an unloaded vocabulary stayed resident (nine vocabularies
#: loaded and unloaded again left 364 MB RSS where 45 MB remain with these options). Return
#: freed pages at once, and commit arena memory only as it is used. The cost, measured on
#: 1 MB of mixed text: encoding 10-20 % slower (DeepSeek 165 -> 195 ms); counts are the same.
#: Options already in the environment win; mimalloc reads them when kitoken is first imported.
MIMALLOC_OPTIONS = {"MIMALLOC_PURGE_DELAY": "0", "MIMALLOC_ARENA_EAGER_COMMIT": "0"}


def _kitoken_class() -> type[Kitoken]:
    """``kitoken.Kitoken``, imported with ``MIMALLOC_OPTIONS`` in place."""
    for name, value in MIMALLOC_OPTIONS.items():
        os.environ.setdefault(name, value)
    import kitoken

    return kitoken.Kitoken


def _normalization_kind(config: dict[str, Any]) -> str:
    """Name the normaliser of a kitoken config, for ``_raw_matching_needed``."""
    steps = config.get("normalization") or []
    if not steps:
        return "none"
    if steps == [{"Unicode": {"scheme": "NFC"}}]:
        return "nfc"
    if steps == [{"Replace": {"pattern": {"Regex": " "}, "replacement": "\u2581"}}]:
        return "space-to-u2581"
    return "other"


@dataclass(frozen=True)
class _AddedTokens:
    """The added tokens of a Hugging Face file, to cut raw text as ``tokenizers`` does."""

    ids: dict[str, int | None]  # content -> id, None for a special token (never matched)

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any added token, longest first.

        Made on first use: few texts need it (see ``KitokenVocabulary._raw_matching_needed``),
        and Gemma 3's 6,415 added tokens take 50 ms to compile and 4 MB to hold
        while the vocabulary is loaded.
        """
        # Longest first: at each position the regex takes the first alternative that matches,
        # which makes it leftmost-longest, as tokenizers' Aho-Corasick matcher is.
        alternatives = sorted(self.ids, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, alternatives)))

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> _AddedTokens:
        """Read the table ``convert_vocabularies.py`` keeps in the definition's metadata.

        Raises:
            ResourceError: if the table is missing.
        """
        table = dict(meta.get("meta") or []).get(_ADDED_KEY)
        if table is None:
            raise ResourceError("kitoken definition has no added-token table")
        rows = json.loads(table)
        return cls({str(c): (None if special else int(i)) for c, special, i in rows})

    def split(self, text: str) -> Iterator[tuple[str, int | None]]:
        """Pieces of ``text``: (added token, its id) or (other text, None).

        A special token's match is not a cut: its text stays in the surrounding text, as in
        ``tokenizers`` with ``encode_special_tokens`` (which also lets it hide an overlapping
        added token).
        """
        start = 0
        for match in self.pattern.finditer(text):
            token_id = self.ids[match.group()]
            if token_id is None:
                continue
            if match.start() > start:
                yield text[start : match.start()], None
            yield match.group(), token_id
            start = match.end()
        if start < len(text):
            yield text[start:], None


_ADDED_KEY = "tokenbudget:added_tokens"


#: Hugging Face vocabularies that may be counted in pieces cut by ``safe_cuts``. DeepSeek's
#: pre-tokenizer always splits there. Gemma's has no pre-tokenizer split, but every run of line
#: breaks is an added token (so BPE never runs across one) and no token in its vocabulary holds
#: a line break followed by anything but white space. Property tests check both.
_CHUNKABLE_HF = frozenset({"deepseek-v3", "gemma3"})


def parse_vocabulary(spec: VocabularySpec, content: bytes) -> ParsedVocabulary:
    """Ranks and pre-tokenizer pattern of a tiktoken-family vocabulary file.

    Raises:
        ResourceError: if the manifest gives no pattern for a plain tiktoken file.
    """
    if spec.loader == "tekken":
        ranks, pattern = _parse_tekken_ranks(content)
    elif spec.pattern:
        ranks, pattern = _parse_tiktoken_ranks(content), spec.pattern
    else:
        raise ResourceError(f"vocabulary {spec.id} has no pre-tokenizer pattern")
    return ParsedVocabulary(ranks, pattern, index_long_tokens(ranks))


class TokenizerRegistry:
    """Lazily loads each bundled vocabulary once, on first use, from any thread.

    Loading different vocabularies in parallel is allowed; two threads asking for the same one
    wait for a single load.
    """

    def __init__(self, directory: Path, cache_dir: Path | None = None) -> None:
        self._dir = directory
        self._cache_dir = cache_dir
        self._specs = {spec.id: spec for spec in read_manifest(directory)}
        self._loaded: dict[str, Tokenizer] = {}
        self._parsed: dict[str, ParsedVocabulary] = {}
        # Bytes each vocabulary may still count on the quick path: once several short texts
        # add up to more than a full build would cost, the full build is the cheaper way.
        self._quick_budget = dict.fromkeys(self._specs, QUICK_LIMIT)
        self._locks = {name: threading.Lock() for name in self._specs}

    @classmethod
    def bundled(cls) -> TokenizerRegistry:
        """The registry of the vocabularies shipped with the app (with the user's cache)."""
        return cls(resources_dir() / "tokenizers", cache_dir())

    def ids(self) -> list[str]:
        """Ids of every bundled vocabulary, in manifest order."""
        return list(self._specs)

    def spec(self, tokenizer_id: str) -> VocabularySpec:
        """Manifest entry of ``tokenizer_id``.

        Raises:
            UnknownModelError: for an id that is not bundled.
        """
        try:
            return self._specs[tokenizer_id]
        except KeyError:
            from tokenbudget.core.model_names import closest

            close = closest(tokenizer_id, self._specs, cutoff=0.4)
            raise UnknownModelError("tokenizer", tokenizer_id, close) from None

    def is_loaded(self, tokenizer_id: str) -> bool:
        """True once ``tokenizer_id`` has been loaded."""
        return tokenizer_id in self._loaded

    def loaded(self) -> list[str]:
        """Ids of the vocabularies held in memory (loaded, or parsed for the quick path)."""
        return [i for i in self._specs if i in self._loaded or i in self._parsed]

    def count(self, tokenizer_id: str, text: str) -> int:
        """Exact count of ``text`` with ``tokenizer_id``, loading only what it needs.

        A short text for a tiktoken-format vocabulary that is not loaded yet (o200k, cl100k)
        is counted with a sub-vocabulary (see ``subvocab``): same result, a fraction of the
        start-up cost. Vocabularies with a kitoken definition load in tens of milliseconds.
        """
        loaded = self._loaded.get(tokenizer_id)
        if loaded is not None:
            return loaded.count(text)
        spec = self.spec(tokenizer_id)
        if not spec.converted_file and len(text) <= self._quick_budget[tokenizer_id]:
            size = len(text.encode("utf-8"))
            with self._locks[tokenizer_id]:
                quick = size <= self._quick_budget[tokenizer_id]
                if quick:
                    self._quick_budget[tokenizer_id] -= size
                    vocab = self._vocabulary(spec)
            if quick:
                return count_short(vocab, text, nfc=spec.normalize == "NFC")
        return self.get(tokenizer_id).count(text)

    def get(self, tokenizer_id: str) -> Tokenizer:
        """The tokenizer ``tokenizer_id``, loading it on first use.

        Raises:
            UnknownModelError: for an id that is not bundled.
            ResourceError: if its file is missing or fails its pin.
        """
        loaded = self._loaded.get(tokenizer_id)
        if loaded is not None:
            return loaded
        spec = self.spec(tokenizer_id)
        with self._locks[tokenizer_id]:
            loaded = self._loaded.get(tokenizer_id)
            if loaded is None:
                # Building a vocabulary allocates hundreds of thousands of objects that all
                # live on; letting the cyclic GC scan them repeatedly meanwhile costs ~0.1 s.
                was_enabled = gc.isenabled()
                gc.disable()
                try:
                    loaded = self._load(spec)
                finally:
                    if was_enabled:
                        gc.enable()
                self._loaded[tokenizer_id] = loaded
                self._parsed.pop(tokenizer_id, None)  # the quick path is not used any more
                release_freed_memory()
        return loaded

    def unload(self, tokenizer_id: str) -> None:
        """Forget ``tokenizer_id``'s loaded and parsed forms; the next use loads it again.

        Holders of the tokenizer keep a working object; the memory returns once they let go.
        """
        with self._locks[tokenizer_id]:
            dropped = self._loaded.pop(tokenizer_id, None), self._parsed.pop(tokenizer_id, None)
        if dropped != (None, None):
            del dropped
            release_freed_memory()

    def _load(self, spec: VocabularySpec) -> Tokenizer:
        if spec.loader not in ("hf", "tiktoken", "tekken"):
            raise ResourceError(f"vocabulary {spec.id}: unknown loader {spec.loader}")
        if spec.converted_file:
            return KitokenVocabulary(spec, read_converted(self._dir, spec))
        if spec.loader == "hf":
            raise ResourceError(f"vocabulary {spec.id} has no converted definition")
        return TiktokenVocabulary(spec, self._vocabulary(spec))

    def _vocabulary(self, spec: VocabularySpec) -> ParsedVocabulary:
        """The parsed vocabulary, from memory, the user's cache, or the bundled file."""
        vocab = self._parsed.get(spec.id)
        if vocab is not None:
            return vocab
        path = None
        if self._cache_dir is not None:
            path = vocabcache.cache_file(self._cache_dir, spec.id, spec.content_sha256)
            vocab = vocabcache.load(path)
        if vocab is None:
            vocab = parse_vocabulary(spec, read_verified(self._dir / spec.file, spec))
            if path is not None:
                vocabcache.store(path, vocab)
        self._parsed[spec.id] = vocab
        return vocab

    def __iter__(self) -> Iterator[VocabularySpec]:
        return iter(self._specs.values())
