"""``prices update``: fetch a newer LiteLLM price table, check it, and keep it beside the old one.

The only network access in tokenbudget's pricing happens inside ``update_prices`` (through
``fetch``), and only when the user asks for it. Either the whole update succeeds, or
``PriceUpdateError`` is raised and the destination directory is left as it was.

Files in ``dest_dir`` (normally ``paths.price_snapshot_dir()``)::

    litellm_snapshot.json            the snapshot in use, LiteLLM schema keyed by canonical id,
                                     each entry with ``checked``: the date its price was first
                                     seen as it is (kept across updates while it is unchanged)
    snapshot_meta.json               where and when it came from (``dated``: the date of its
                                     data), its sha256
    litellm_snapshot.previous.json   the one it replaced (one level of undo)
    snapshot_meta.previous.json      that one's meta
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from tokenbudget import __version__
from tokenbudget.core.errors import (
    CatalogError,
    OlderSnapshotError,
    PriceFileError,
    PriceUpdateError,
)
from tokenbudget.core.litellm_format import (
    diff_snapshots,
    dump_snapshot,
    prepare_snapshot,
    pricing_view,
)

DEFAULT_URL: Final = (
    "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
)
MAX_BYTES: Final = 50 * 1024 * 1024
"""Largest download accepted; LiteLLM's table is a few megabytes."""

SNAPSHOT_FILE: Final = "litellm_snapshot.json"
META_FILE: Final = "snapshot_meta.json"
PREVIOUS_SNAPSHOT_FILE: Final = "litellm_snapshot.previous.json"
PREVIOUS_META_FILE: Final = "snapshot_meta.previous.json"

_UNCHANGED: Final = "prices unchanged"


@dataclass(frozen=True)
class Repricing:
    """How one model's prices changed: ``(field, old, new)`` per LiteLLM field that differs.

    Prices are USD (or the entry's currency) per token; ``None`` is a price that was not
    listed. Fields that are not plain numbers (``tiered_pricing``) give ``None`` for both.
    """

    model: str
    fields: tuple[tuple[str, Decimal | None, Decimal | None], ...]


class Download(bytes):
    """A downloaded body that also says when the server last changed it (``Last-Modified``)."""

    modified: dt.date | None = None


@dataclass(frozen=True)
class UpdateReport:
    """What an update did.

    Attributes:
        source: The URL or file the snapshot was read from.
        models: Number of models in the new snapshot.
        added: Ids new in this snapshot.
        changed: Ids whose prices, tiers, context window or output limit changed.
        removed: Ids no longer in the snapshot.
        dropped: ``"<id>: <reason>"`` for each entry rejected by validation.
        snapshot_path: The snapshot written.
        previous_path: Where the replaced snapshot was kept, or ``None`` if there was none.
        repriced: Old and new prices of each model in ``changed``.
        dated: The date of the new snapshot's data (see ``snapshot_date``).
        kept_checked: Models whose price was unchanged and kept its own checked date.
    """

    source: str
    models: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    dropped: tuple[str, ...]
    snapshot_path: Path
    previous_path: Path | None
    repriced: tuple[Repricing, ...] = ()
    dated: dt.date | None = None
    kept_checked: int = 0


def fetch_url(url: str, timeout: float) -> bytes:
    """Download ``url`` with urllib, refusing bodies larger than ``MAX_BYTES``.

    Args:
        url: An http or https URL.
        timeout: Seconds to wait for the connection and for each read.

    Returns:
        The response body.

    Raises:
        PriceUpdateError: If the body is larger than ``MAX_BYTES``.
        urllib.error.URLError: Or ``OSError``, ``TimeoutError``: on network or HTTP failure.
    """
    request = urllib.request.Request(
        url, headers={"User-Agent": f"tokenbudget/{__version__}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = Download(response.read(MAX_BYTES + 1))
        body.modified = _http_date(response.headers.get("Last-Modified"))
    if len(body) > MAX_BYTES:
        raise PriceUpdateError(
            f"{url} is larger than {MAX_BYTES // (1024 * 1024)} MB; {_UNCHANGED}"
        )
    return body


def _http_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    import email.utils

    try:
        return email.utils.parsedate_to_datetime(value).astimezone(dt.UTC).date()
    except (TypeError, ValueError):
        return None


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).hostname or url


def _download(url: str, fetch: Callable[[str, float], bytes], timeout: float) -> bytes:
    host = _host(url)
    try:
        return fetch(url, timeout)
    except PriceUpdateError:
        raise
    except urllib.error.HTTPError as err:
        err.close()  # it holds the response's socket
        raise PriceUpdateError(
            f"could not download from {host}: HTTP {err.code} {err.reason}; {_UNCHANGED}"
        ) from err
    except urllib.error.URLError as err:
        reason = "timed out" if isinstance(err.reason, TimeoutError) else str(err.reason)
        raise PriceUpdateError(f"could not reach {host}: {reason}; {_UNCHANGED}") from err
    except TimeoutError as err:
        raise PriceUpdateError(
            f"could not reach {host}: timed out after {timeout:g} s; {_UNCHANGED}"
        ) from err
    except (OSError, ValueError, http.client.HTTPException) as err:
        raise PriceUpdateError(f"could not reach {host}: {err}; {_UNCHANGED}") from err


def _read(
    source: str, fetch: Callable[[str, float], bytes], timeout: float, today: dt.date
) -> tuple[bytes, dt.date]:
    """The body of ``source`` and the date of its data (see ``update_prices``).

    Raises:
        PriceFileError: a local file that is missing or unreadable (the user can fix it).
        PriceUpdateError: a download that failed, or an unsupported URL.
    """
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        body = _download(source, fetch, timeout)
        return body, getattr(body, "modified", None) or today
    if scheme == "file":
        path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(source).path))
    elif "://" in source:
        raise PriceUpdateError(f"cannot read prices from a {scheme}:// URL; {_UNCHANGED}")
    else:
        path = Path(source).expanduser()
    try:
        with path.open("rb") as file:
            body = file.read(MAX_BYTES + 1)
            modified = dt.datetime.fromtimestamp(os.fstat(file.fileno()).st_mtime, dt.UTC)
    except OSError as err:
        raise PriceFileError(f"could not read {path}: {err.strerror or err}; {_UNCHANGED}") from err
    if len(body) > MAX_BYTES:
        raise PriceUpdateError(
            f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB; {_UNCHANGED}"
        )
    return body, _described_date(path, body) or modified.date()


#: Files that describe a snapshot beside them: tokenbudget's meta files and the bundled manifest.
_DESCRIBERS: Final = (META_FILE, PREVIOUS_META_FILE, "manifest.json")


def _described_date(path: Path, body: bytes) -> dt.date | None:
    """The date a tokenbudget meta file or manifest beside ``path`` gives for these bytes.

    A snapshot that tokenbudget wrote (a previous update, the bundled file) is dated by its
    own record, not by when the file was copied.
    """
    digest = hashlib.sha256(body).hexdigest()
    own = {SNAPSHOT_FILE: META_FILE, PREVIOUS_SNAPSHOT_FILE: PREVIOUS_META_FILE}.get(path.name)
    for name in sorted(_DESCRIBERS, key=lambda name: name != own):  # its own meta first
        try:
            meta = json.loads((path.parent / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and isinstance(meta.get("snapshot"), dict):
            meta = meta["snapshot"]  # the bundled manifest
        if isinstance(meta, dict) and meta.get("sha256") == digest:
            return snapshot_date(meta)
    return None


def snapshot_date(meta: Mapping[str, Any]) -> dt.date | None:
    """The date of a snapshot's data from its meta: ``dated``, else the day it was retrieved."""
    for key in ("dated", "retrieved"):
        value = meta.get(key)
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _parse(body: bytes, source: str) -> object:
    try:
        return json.loads(body.decode("utf-8-sig"), parse_constant=_reject_constant)
    except UnicodeDecodeError as err:
        raise PriceUpdateError(f"{source} is not UTF-8 text; {_UNCHANGED}") from err
    except json.JSONDecodeError as err:
        raise PriceUpdateError(
            f"{source} is not valid JSON (line {err.lineno}, column {err.colno}); {_UNCHANGED}"
        ) from err
    except (ValueError, RecursionError) as err:
        raise PriceUpdateError(f"{source} is not valid JSON ({err}); {_UNCHANGED}") from err


def _write_temp(directory: Path, data: bytes) -> Path:
    handle, name = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=directory)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _install(dest_dir: Path, snapshot: bytes, meta: bytes) -> Path | None:
    """Put the new files in place, keeping the current ones as ``previous``.

    Returns the previous snapshot path, or ``None``. On failure every rename done so far is
    undone and temporary files are removed.
    """
    current, current_meta = dest_dir / SNAPSHOT_FILE, dest_dir / META_FILE
    previous, previous_meta = dest_dir / PREVIOUS_SNAPSHOT_FILE, dest_dir / PREVIOUS_META_FILE
    had_snapshot = current.exists()
    temps: list[Path] = []
    done: list[tuple[Path, Path]] = []  # renames performed, as (from, to)

    def move(source: Path, target: Path) -> None:
        os.replace(source, target)
        done.append((source, target))

    try:
        new_snapshot = _write_temp(dest_dir, snapshot)
        temps.append(new_snapshot)
        new_meta = _write_temp(dest_dir, meta)
        temps.append(new_meta)
        if had_snapshot:
            # The old previous pair is moved aside (not deleted) so a failure can restore it.
            for old in (previous, previous_meta):
                if old.exists():
                    aside = _write_temp(dest_dir, b"")
                    temps.append(aside)
                    move(old, aside)
            move(current, previous)
            if current_meta.exists():
                move(current_meta, previous_meta)
        move(new_snapshot, current)
        move(new_meta, current_meta)
    except OSError as err:
        for source, target in reversed(done):
            with contextlib.suppress(OSError):  # nothing more can be done
                os.replace(target, source)
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise PriceUpdateError(
            f"could not write the price snapshot in {dest_dir}: {err.strerror or err}; {_UNCHANGED}"
        ) from err
    for temp in temps:
        temp.unlink(missing_ok=True)  # the moved-aside old previous files
    return previous if had_snapshot else None


def update_prices(
    source: str | None,
    dest_dir: Path,
    current: Mapping[str, Any],
    *,
    today: dt.date,
    current_checked: dt.date | None = None,
    current_dated: dt.date | None = None,
    allow_older: bool = False,
    fetch: Callable[[str, float], bytes] = fetch_url,
    timeout: float = 20.0,
) -> UpdateReport:
    """Fetch, validate and install a new LiteLLM price snapshot.

    The new snapshot's date is the server's ``Last-Modified`` (else the day of the
    download) for a URL, and for a file the date a tokenbudget meta file or manifest beside
    it records (a previous or bundled snapshot), else the file's modification day.

    Every model's entry gets ``checked``: its old checked date when its prices are
    unchanged (the entry's own ``checked``, else ``current_checked``), else ``today``.

    Args:
        source: An http(s) URL, a ``file://`` URL or a path; ``None`` means ``DEFAULT_URL``.
        dest_dir: Where snapshots are kept; created if missing.
        current: The snapshot in use now, keyed by canonical id (to report what changed).
        today: The ingest date: the checked date of new and re-priced models. Between two
            keys for one id, one still current on this date wins.
        current_checked: The checked date of the snapshot in use, for its entries that have
            none of their own (the bundled snapshot's retrieval date).
        current_dated: The date of the snapshot in use; an older new one is refused.
        allow_older: Install a snapshot older than ``current_dated`` anyway.
        fetch: Downloads a URL with a timeout in seconds (tests pass their own).
        timeout: Seconds allowed for the connection and each read.

    Returns:
        What was fetched, what changed, and where it was written.

    Raises:
        PriceFileError: a local file that is missing or unreadable.
        OlderSnapshotError: the snapshot is older than the one in use (and not
            ``allow_older``).
        PriceUpdateError: On a network or HTTP error, a timeout, a body that is not JSON,
            or a snapshot that validation rejects. ``dest_dir`` is then left as it was.
    """
    origin = DEFAULT_URL if source is None else source
    body, dated = _read(origin, fetch, timeout, today)
    if current_dated is not None and dated < current_dated and not allow_older:
        raise OlderSnapshotError(
            f"{origin} is dated {dated.isoformat()}, older than the prices in use "
            f"({current_dated.isoformat()}); {_UNCHANGED} (--allow-older installs it anyway)"
        )
    raw = _parse(body, origin)
    try:
        selection = prepare_snapshot(raw, today)
    except CatalogError as err:
        raise PriceUpdateError(f"{origin}: {err}; {_UNCHANGED}") from err
    added, changed, removed = diff_snapshots(current, selection.models)
    kept = _stamp_checked(selection.models, current, current_checked, today)

    snapshot = dump_snapshot(selection.models)
    meta = {
        "source": origin,
        "retrieved": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dated": dated.isoformat(),
        "sha256": hashlib.sha256(snapshot).hexdigest(),
        "source_sha256": hashlib.sha256(body).hexdigest(),
        "models": len(selection.models),
    }
    meta_bytes = (json.dumps(meta, indent=1, sort_keys=True) + "\n").encode()
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PriceUpdateError(
            f"could not create {dest_dir}: {err.strerror or err}; {_UNCHANGED}"
        ) from err
    previous = _install(dest_dir, snapshot, meta_bytes)
    return UpdateReport(
        source=origin,
        models=len(selection.models),
        added=added,
        changed=changed,
        removed=removed,
        dropped=selection.dropped,
        snapshot_path=dest_dir / SNAPSHOT_FILE,
        previous_path=previous,
        repriced=tuple(repricing(m, current[m], selection.models[m]) for m in changed),
        dated=dated,
        kept_checked=kept,
    )


def _stamp_checked(
    models: dict[str, dict[str, Any]],
    current: Mapping[str, Any],
    current_checked: dt.date | None,
    today: dt.date,
) -> int:
    """Set ``checked`` on every entry of ``models``; returns how many kept their old date."""
    kept = 0
    for model_id, entry in models.items():
        old = current.get(model_id)
        stamp = today.isoformat()
        if isinstance(old, Mapping) and pricing_view(old) == pricing_view(entry):
            own = old.get("checked")
            earlier = (
                own if isinstance(own, str) else current_checked and current_checked.isoformat()
            )
            if earlier:
                stamp, kept = earlier, kept + 1
        entry["checked"] = stamp
    return kept


def repricing(model: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Repricing:
    """The fields whose values differ between two entries of ``model`` (see ``Repricing``)."""
    before, after = pricing_view(old), pricing_view(new)
    fields: list[tuple[str, Decimal | None, Decimal | None]] = []
    for field in sorted(set(before) | set(after)):
        a, b = before.get(field), after.get(field)
        if a != b:
            fields.append((field, _plain(a), _plain(b)))
    return Repricing(model, tuple(fields))


def _plain(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
