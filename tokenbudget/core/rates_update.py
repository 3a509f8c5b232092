"""``rates update``: fetch the ECB's newer reference rates and keep them in the user's data dir.

Like ``prices update``: the only network access for rates happens here, when the user asks.
``--from`` reads a local file (the ECB's zip or CSV) for offline use. The file is checked,
an older one than the rates in use is refused unless ``allow_older``, and either the new
file is in place or ``RatesUpdateError`` is raised and nothing changed. The bundled file in
``resources/`` is never touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from tokenbudget import __version__
from tokenbudget.core.errors import InputFileError, RatesUpdateError, UserInputError
from tokenbudget.core.rates import (
    META_FILE,
    RATES_FILE,
    RateTable,
    ecb_source_text,
    format_table,
    parse_ecb,
)

DEFAULT_URL: Final = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
#: The first day kept, as in the bundled file.
START: Final = dt.date(2023, 1, 1)
MAX_BYTES: Final = 20 * 1024 * 1024
_UNCHANGED: Final = "rates unchanged"


@dataclass(frozen=True)
class RateChange:
    """One currency's latest rate per USD before and after (None: it had none)."""

    currency: str
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class RatesReport:
    """What an update did.

    Attributes:
        source: The URL or file read.
        first, last: The first and the newest day of the new rates.
        previous_last: The newest day of the rates in use before, or None.
        changes: The currencies whose latest rate per USD changed.
        path: The file written.
    """

    source: str
    first: dt.date
    last: dt.date
    previous_last: dt.date | None
    changes: tuple[RateChange, ...]
    path: Path


def fetch_url(url: str, timeout: float) -> bytes:
    """Download ``url``, refusing a body larger than ``MAX_BYTES``."""
    request = urllib.request.Request(url, headers={"User-Agent": f"tokenbudget/{__version__}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise RatesUpdateError(f"{url} is larger than {MAX_BYTES // 2**20} MB; {_UNCHANGED}")
    return body


def _read(source: str, fetch: Callable[[str, float], bytes], timeout: float) -> bytes:
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        host = urllib.parse.urlsplit(source).hostname or source
        try:
            return fetch(source, timeout)
        except RatesUpdateError:
            raise
        except urllib.error.HTTPError as err:
            err.close()
            raise RatesUpdateError(
                f"could not download from {host}: HTTP {err.code} {err.reason}; {_UNCHANGED}"
            ) from err
        except urllib.error.URLError as err:
            raise RatesUpdateError(f"could not reach {host}: {err.reason}; {_UNCHANGED}") from err
        except (OSError, ValueError) as err:
            raise RatesUpdateError(f"could not reach {host}: {err}; {_UNCHANGED}") from err
    if "://" in source and scheme != "file":
        raise RatesUpdateError(f"cannot read rates from a {scheme}:// URL; {_UNCHANGED}")
    path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(source).path))
    path = path if scheme == "file" else Path(source).expanduser()
    try:
        with path.open("rb") as handle:
            body = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputFileError(f"no such file: {path}") from None
    except OSError as err:
        raise InputFileError(f"could not read {path}: {err.strerror or err}") from None
    if len(body) > MAX_BYTES:
        raise RatesUpdateError(f"{path} is larger than {MAX_BYTES // 2**20} MB; {_UNCHANGED}")
    return body


def _changes(before: RateTable | None, after: RateTable) -> tuple[RateChange, ...]:
    changes = []
    for code in ("EUR", *(c for c in after.currencies if c != "USD")):
        old = before.per_usd(code) if before is not None else None
        new = after.per_usd(code)
        if (old and old[0]) != (new and new[0]):
            changes.append(RateChange(code, old[0] if old else None, new[0] if new else None))
    return tuple(changes)


def update_rates(
    source: str | None,
    dest_dir: Path,
    current: RateTable | None,
    *,
    allow_older: bool = False,
    fetch: Callable[[str, float], bytes] = fetch_url,
    timeout: float = 20.0,
) -> RatesReport:
    """Fetch, check and install the ECB's rates as the user's refreshed rates.

    Args:
        source: An http(s) URL, a ``file://`` URL or a path; None means ``DEFAULT_URL``.
        dest_dir: Where the refreshed file is kept; created if missing.
        current: The rates in use now (to refuse an older file and report changes).
        allow_older: Install a file whose newest day is before ``current``'s.
        fetch: Downloads a URL with a timeout in seconds (tests pass their own).
        timeout: Seconds allowed for the connection and each read.

    Raises:
        RatesUpdateError: on a network error, a file that is not the ECB's rates, or an
            older file without ``allow_older``. Nothing is changed then.
        InputFileError: if a local file is missing or unreadable.
    """
    origin = DEFAULT_URL if source is None else source
    body = _read(origin, fetch, timeout)
    try:
        table = parse_ecb(ecb_source_text(body, origin), origin, start=START)
    except UserInputError as err:
        raise RatesUpdateError(f"{err}; {_UNCHANGED}") from None
    if current is not None and table.last < current.last and not allow_older:
        raise RatesUpdateError(
            f"{origin} ends {table.last}, before the rates in use ({current.last}); "
            f"{_UNCHANGED} (--allow-older installs it anyway)"
        )
    data = format_table(table).encode("utf-8")
    meta = {
        "source": origin,
        "retrieved": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": hashlib.sha256(data).hexdigest(),
        "source_sha256": hashlib.sha256(body).hexdigest(),
        "last": table.last.isoformat(),
        "older": current is not None and table.last < current.last,
    }
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        for name, content in (
            (RATES_FILE, data),
            (META_FILE, (json.dumps(meta, indent=1) + "\n").encode()),
        ):
            handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=dest_dir)
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temp, dest_dir / name)
    except OSError as err:
        raise RatesUpdateError(
            f"could not write the rates in {dest_dir}: {err.strerror or err}; {_UNCHANGED}"
        ) from err
    return RatesReport(
        source=origin,
        first=table.days[0],
        last=table.last,
        previous_last=current.last if current is not None else None,
        changes=_changes(current, table),
        path=dest_dir / RATES_FILE,
    )
