"""Build resources/prices/ from a LiteLLM price table.

Usage (from the repository root)::

    python scripts/build_price_snapshot.py /path/to/model_prices_and_context_window_backup.json \\
        --version 1.110.2 --date 2026-11-27

Selects the chat models tokenbudget keeps (tokenbudget.core.litellm_format), validates them,
writes resources/prices/litellm_snapshot.json and rewrites resources/prices/manifest.json
with the sha256 of every file and where it came from. list_prices_cny.json is curated by
hand (see resources/prices/README.md); when it exists the manifest describes it too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tokenbudget.core.errors import CatalogError  # noqa: E402
from tokenbudget.core.litellm_format import PROVIDERS, dump_snapshot, prepare_snapshot  # noqa: E402

SNAPSHOT_FILE = "litellm_snapshot.json"
CNY_FILE = "list_prices_cny.json"
MANIFEST_FILE = "manifest.json"
WHEEL_PATH = "litellm/model_prices_and_context_window_backup.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cny_section(out_dir: Path) -> dict[str, object] | None:
    path = out_dir / CNY_FILE
    if not path.exists():
        return None
    data = path.read_bytes()
    prices = json.loads(data)
    checked = sorted({entry["checked"] for entry in prices.values()})
    return {
        "file": CNY_FILE,
        "sha256": sha256(data),
        "source": "providers' official mainland-China price pages; each entry cites its page",
        "licence": "price facts only, no text copied; see each entry's source",
        "retrieved": checked[-1] if checked else None,
        "currency": "CNY",
        "models": len(prices),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="LiteLLM model price JSON")
    parser.add_argument("--version", required=True, help="litellm version the file came from")
    parser.add_argument(
        "--date",
        required=True,
        type=dt.date.fromisoformat,
        help="retrieval date (YYYY-MM-DD); a key still current then wins over a retired one",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "prices")
    args = parser.parse_args(argv)

    source_bytes = args.source.read_bytes()
    try:
        selection = prepare_snapshot(json.loads(source_bytes), args.date)
    except CatalogError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in selection.dropped:
        print(f"dropped {line}", file=sys.stderr)

    snapshot = dump_snapshot(selection.models)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / SNAPSHOT_FILE).write_bytes(snapshot)

    manifest: dict[str, object] = {
        "schema": 1,
        "snapshot": {
            "file": SNAPSHOT_FILE,
            "sha256": sha256(snapshot),
            "source": f"PyPI litellm {args.version}, {WHEEL_PATH}",
            "source_sha256": sha256(source_bytes),
            "upstream": "BerriAI/litellm model_prices_and_context_window.json",
            "licence": "MIT (LiteLLM)",
            "retrieved": args.date.isoformat(),
            "currency": "USD",
            "models": len(selection.models),
        },
    }
    cny = cny_section(args.out)
    if cny is not None:
        manifest["list_prices"] = cny
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")

    counts = Counter(entry["litellm_provider"] for entry in selection.models.values())
    print(f"{len(selection.models)} models written to {args.out / SNAPSHOT_FILE}")
    for provider, name in PROVIDERS.items():
        print(f"  {name:<14} {counts.get(provider, 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
