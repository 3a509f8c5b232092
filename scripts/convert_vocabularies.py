"""Convert the bundled Hugging Face vocabularies into kitoken definitions, and pin them.

For every manifest entry with ``loader: hf``, and for the tiktoken-format vocabularies in
``TIKTOKEN_CONVERTED`` (Qwen and Tekken), this reads the shipped original
(``<id>.tokenizer.json.gz``, checked against both of its sha256 pins), converts it with
``kitoken.Kitoken.from_tokenizers`` and writes ``<id>.kitoken`` beside it. The manifest entry
gains ``converted_file``, ``converted_sha256`` and ``converted_by``; the original stays pinned
as before (it is the provenance, and the reference the tests compare against).

Rerun from the repository root after fetch_vocabularies.py, with the pinned kitoken::

    python scripts/convert_vocabularies.py

Two changes to kitoken's own conversion make it count as ``tokenizers`` does with
``encode_special_tokens = True`` (the product's rule, see resources/tokenizers/README.md):

- Added tokens flagged ``special: true`` (kitoken kinds Control and Unknown) get
  ``extract = False``. kitoken otherwise cuts the text at them even when it does not encode
  them, while ``tokenizers`` leaves their text inside the surrounding text: ``" <|endoftext|>"``
  is 6 tokens in GLM-5, not 8.
- The file's added tokens (content, special flag, id) are stored in the definition's metadata
  under ``tokenbudget:added_tokens``. ``tokenizers`` cuts the raw text at every added token;
  kitoken keeps Gemma's U+2581 runs only as vocabulary entries and matches after its
  normaliser. For text where that could differ (Gemma text holding U+2581, MiniMax text that
  is not NFC) the loader cuts the raw text at those tokens itself (``core/tokenizers.py``).

The conversion is checked before anything is written: no added token may strip or match whole
words only (``lstrip``, ``rstrip``, ``single_word``), and in a file with a normaliser every
added token must be matched on the raw text (``normalized`` false), which is what the
loader's own cutting assumes. (DeepSeek flags 46 tokens ``normalized`` but its normaliser is an
empty sequence, so raw and normalised text are the same.)

Timings, sizes and the comparison with ``tokenizers`` are printed; the tests
(tests/core/test_kitoken_reference.py) check the counts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from kitoken import Kitoken

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "resources" / "tokenizers"
META_KEY = "tokenbudget:added_tokens"
FLAGS = ("normalized", "lstrip", "rstrip", "single_word")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_original(entry: dict[str, Any]) -> bytes:
    shipped = (OUT_DIR / entry["file"]).read_bytes()
    if sha256(shipped) != entry["sha256"]:
        raise SystemExit(f"{entry['id']}: {entry['file']} does not match its sha256 pin")
    raw = gzip.decompress(shipped)
    if sha256(raw) != entry["content_sha256"]:
        raise SystemExit(f"{entry['id']}: content does not match its sha256 pin")
    return raw


def normalises(normalizer: dict[str, Any] | None) -> bool:
    """False for no normaliser or an empty Sequence (DeepSeek's)."""
    if not normalizer:
        return False
    if normalizer.get("type") == "Sequence":
        return any(normalises(n) for n in normalizer.get("normalizers", []))
    return True


def convert(tokenizer_id: str, raw: bytes) -> bytes:
    original = json.loads(raw)
    added = original["added_tokens"]
    # Without a normaliser, matching on the normalised text is matching on the raw text.
    flags = FLAGS if normalises(original.get("normalizer")) else FLAGS[1:]
    for token in added:
        if any(token.get(flag) for flag in flags):
            raise SystemExit(f"{tokenizer_id}: added token {token['content']!r} sets {flags}")
    kit = Kitoken.from_tokenizers(raw)
    definition = kit.definition()
    special = {t["content"] for t in added if t["special"]}
    for entry in definition["specials"]:
        content = bytes(entry["bytes"]).decode("utf-8")
        if entry["kind"] != "Priority":
            if content not in special:
                raise SystemExit(f"{tokenizer_id}: {content!r} is {entry['kind']}, not special")
            entry["extract"] = False
        elif content in special:
            raise SystemExit(f"{tokenizer_id}: special {content!r} became a priority token")
    table = [[t["content"], bool(t["special"]), int(t["id"])] for t in added]
    definition["meta"]["meta"] = [(META_KEY, json.dumps(table, ensure_ascii=False))]
    kit.set_definition(definition)
    data: bytes = kit.to_bytes()
    return data


#: tiktoken-format vocabularies that load faster from kitoken definitions (measured with
#: benchmarks/bench_vocab.py --kitoken-tiktoken). o200k_base and cl100k_base stay on tiktoken
#: for now: measurements on the shared machine disagreed (resources/tokenizers/README.md).
TIKTOKEN_CONVERTED = ("qwen2", "qwen3.5", "mistral-tekken")


def convert_tiktoken(entry: dict[str, Any], raw: bytes) -> bytes:
    """A kitoken definition of a tiktoken or Tekken file, counting as ``encode_ordinary``.

    No special tokens (the product counts special-token text as ordinary text, and the
    tiktoken Encodings are built with ``special_tokens={}``), the manifest's pattern (Tekken:
    its file's own), NFC first where the manifest says so. Tekken keeps only the first
    ``default_vocab_size - default_num_special_tokens`` ranks, as mistral_common does.
    """
    if entry["loader"] == "tekken":
        data = json.loads(raw)
        config = data["config"]
        size = int(config["default_vocab_size"]) - int(config["default_num_special_tokens"])
        lines = [f"{v['token_bytes']} {v['rank']}" for v in data["vocab"][:size]]
        kit = Kitoken.from_tiktoken(("\n".join(lines) + "\n").encode())
        pattern = str(config["pattern"])
    else:
        kit = Kitoken.from_tiktoken(raw)
        pattern = entry["pattern"]
    definition = kit.definition()
    definition["specials"] = []
    definition["config"]["split"] = [
        {"Pattern": {"pattern": {"Regex": pattern}, "behavior": "Isolate"}}
    ]
    definition["config"]["normalization"] = (
        [{"Unicode": {"scheme": "NFC"}}] if entry["normalize"] == "NFC" else []
    )
    definition["meta"]["meta"] = [(META_KEY, "[]")]
    kit.set_definition(definition)
    out: bytes = kit.to_bytes()
    return out


def main() -> None:
    manifest_path = OUT_DIR / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    by = f"kitoken {version('kitoken')}, scripts/convert_vocabularies.py"
    for entry in manifest["tokenizers"]:
        if entry["loader"] == "hf":
            convert_one = lambda raw: convert(entry["id"], raw)  # noqa: E731, B023
        elif entry["id"] in TIKTOKEN_CONVERTED:
            convert_one = lambda raw: convert_tiktoken(entry, raw)  # noqa: E731, B023
        else:
            continue
        raw = read_original(entry)
        start = time.perf_counter()
        data = convert_one(raw)
        took = time.perf_counter() - start
        if convert_one(raw) != data:
            raise SystemExit(f"{entry['id']}: the conversion is not deterministic")
        name = f"{entry['id']}.kitoken"
        (OUT_DIR / name).write_bytes(data)
        entry["converted_file"] = name
        entry["converted_sha256"] = sha256(data)
        entry["converted_by"] = by
        start = time.perf_counter()
        Kitoken(data)
        load = time.perf_counter() - start
        print(
            f"{entry['id']:12} {len(raw):>10} -> {len(data):>9} bytes; "
            f"convert {took:.2f} s, load {load * 1000:.0f} ms"
        )
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    manifest_path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
