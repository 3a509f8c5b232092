"""The bundled vocabularies are exactly the files their manifest pins.

These tests read resources/tokenizers/ directly and never load a tokenizer, so they say which
file is wrong even when the loader itself is broken.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
from pathlib import Path
from typing import Any

import pytest

from tokenbudget.core.paths import resources_dir

TOKENIZERS_DIR = resources_dir() / "tokenizers"
EXPECTED_IDS = {
    "o200k_base",
    "cl100k_base",
    "deepseek-v3",
    "qwen2",
    "qwen3.5",
    "mistral-tekken",
    "gemma3",
    "glm-5",
    "minimax-m2",
}
# The sha256 tiktoken itself checks for these files (tiktoken_ext/openai_public.py).
TIKTOKEN_EXPECTED = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
KEYS = {
    "id",
    "loader",
    "file",
    "compression",
    "sha256",
    "content_sha256",
    "pattern",
    "normalize",
    "models",
    "source",
    "origin",
    "licence",
    "licence_file",
    "notes",
}
#: Keys of a vocabulary that also ships a converted definition (the Hugging Face ones).
CONVERTED_KEYS = {"converted_file", "converted_sha256", "converted_by"}


def _manifest() -> dict[str, Any]:
    return json.loads((TOKENIZERS_DIR / "manifest.json").read_text(encoding="utf-8"))


ENTRIES: list[dict[str, Any]] = _manifest()["tokenizers"]


def _by_id(entry: dict[str, Any]) -> str:
    return str(entry["id"])


def test_schema_version() -> None:
    assert _manifest()["schema"] == 1


def test_ids_are_unique_and_exactly_the_bundled_set() -> None:
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) == len(set(ids))
    assert set(ids) == EXPECTED_IDS


def test_every_vocabulary_file_is_listed() -> None:
    listed = {e["file"] for e in ENTRIES} | {
        e["converted_file"] for e in ENTRIES if "converted_file" in e
    }
    on_disk = {p.name for p in TOKENIZERS_DIR.iterdir() if p.is_file()} - {
        "manifest.json",
        "README.md",
    }
    assert on_disk == listed


@pytest.mark.parametrize("entry", ENTRIES, ids=_by_id)
def test_entry_shape(entry: dict[str, Any]) -> None:
    converted = entry["loader"] == "hf" or "converted_file" in entry
    assert set(entry) == (KEYS | CONVERTED_KEYS if converted else KEYS)
    assert entry["loader"] in {"tiktoken", "tekken", "hf"}
    assert entry["compression"] in {"gzip", "xz"}
    assert entry["normalize"] in {None, "NFC"}
    assert (entry["pattern"] is not None) == (entry["loader"] == "tiktoken")
    for key in ("models", "source", "origin", "licence", "notes"):
        assert entry[key].strip(), key


@pytest.mark.parametrize("entry", ENTRIES, ids=_by_id)
def test_file_matches_both_pins(entry: dict[str, Any]) -> None:
    path: Path = TOKENIZERS_DIR / entry["file"]
    assert path.is_file(), path
    shipped = path.read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == entry["sha256"]
    decompress = gzip.decompress if entry["compression"] == "gzip" else lzma.decompress
    content = decompress(shipped)
    assert hashlib.sha256(content).hexdigest() == entry["content_sha256"]


@pytest.mark.parametrize("entry", [e for e in ENTRIES if "converted_file" in e], ids=_by_id)
def test_converted_definition_matches_its_pin(entry: dict[str, Any]) -> None:
    data = (TOKENIZERS_DIR / entry["converted_file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["converted_sha256"]
    assert entry["converted_by"].startswith("kitoken ")


@pytest.mark.parametrize("tokenizer_id", sorted(TIKTOKEN_EXPECTED))
def test_openai_content_is_what_tiktoken_expects(tokenizer_id: str) -> None:
    (entry,) = [e for e in ENTRIES if e["id"] == tokenizer_id]
    assert entry["content_sha256"] == TIKTOKEN_EXPECTED[tokenizer_id]


@pytest.mark.parametrize("entry", ENTRIES, ids=_by_id)
def test_licence_file_exists(entry: dict[str, Any]) -> None:
    licence = TOKENIZERS_DIR / entry["licence_file"]
    assert licence.is_file(), licence
    assert licence.read_text(encoding="utf-8").strip()


def test_gemma_notice_states_the_terms_of_use() -> None:
    (entry,) = [e for e in ENTRIES if e["id"] == "gemma3"]
    notice = (TOKENIZERS_DIR / entry["licence_file"]).read_text(encoding="utf-8")
    assert (
        "Gemma is provided under and subject to the Gemma Terms of Use found at "
        "ai.google.dev/gemma/terms"
    ) in notice
