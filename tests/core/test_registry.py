"""The registry loads each vocabulary once, lazily, even when many threads ask at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tokenbudget.core import tokenizers
from tokenbudget.core.errors import ResourceError, UnknownModelError
from tokenbudget.core.paths import resources_dir


def test_concurrent_first_use_loads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = tokenizers.TokenizerRegistry.bundled()
    loads: list[str] = []
    real = tokenizers.TokenizerRegistry._load

    def counting_load(
        self: tokenizers.TokenizerRegistry, spec: tokenizers.VocabularySpec
    ) -> tokenizers.Tokenizer:
        loads.append(spec.id)
        return real(self, spec)

    monkeypatch.setattr(tokenizers.TokenizerRegistry, "_load", counting_load)
    barrier = threading.Barrier(8)
    results: list[int] = []

    def worker() -> None:
        barrier.wait()
        results.append(registry.get("cl100k_base").count("hello world"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == ["cl100k_base"]
    assert results == [2] * 8


def test_nothing_is_loaded_until_asked() -> None:
    registry = tokenizers.TokenizerRegistry.bundled()
    assert not any(registry.is_loaded(i) for i in registry.ids())


def test_unknown_tokenizer_suggests_close_ids() -> None:
    with pytest.raises(UnknownModelError) as info:
        tokenizers.TokenizerRegistry.bundled().spec("o200k")
    assert "o200k_base" in info.value.suggestions


def test_tampered_vocabulary_is_refused(tmp_path: Path) -> None:
    source = resources_dir() / "tokenizers"
    for item in source.iterdir():
        if item.is_file():
            (tmp_path / item.name).write_bytes(item.read_bytes())
    target = tmp_path / "cl100k_base.tiktoken.gz"
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    registry = tokenizers.TokenizerRegistry(tmp_path, None)
    with pytest.raises(ResourceError, match="does not match its sha256 pin"):
        registry.get("cl100k_base")


def test_missing_manifest_is_a_resource_error(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match="manifest"):
        tokenizers.TokenizerRegistry(tmp_path, None)
