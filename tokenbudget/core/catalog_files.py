"""Reading the catalogue's files: the price snapshot in use, the CNY list prices, the overrides.

``load_catalog`` is strict: a malformed file is a ``CatalogError``. ``load_catalog_or_bundled``
is what the window starts with: a broken user file (``prices.json``, or a fetched snapshot)
must not stop it, so the file is left out, the catalogue is built from the rest, and one line
says what was left out and why.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenbudget.core import message_texts as mt
from tokenbudget.core.catalog import (
    Catalog,
    ModelInfo,
    cny_pricing,
    model_from_entry,
    parse_date,
    scaled_off_peak,
)
from tokenbudget.core.errors import CatalogError
from tokenbudget.core.litellm_format import TEXT_MODES
from tokenbudget.core.messages import Message, text_of
from tokenbudget.core.messages import message as msg


@dataclass(frozen=True)
class SnapshotSource:
    """Where the price snapshot in use came from."""

    path: Path
    source: str
    retrieved: date | None


def _load_json(path: Path, what: str) -> Any:
    """``path`` parsed; ``what`` is the file's name in a message (an ``mt.WHAT_*`` template)."""
    named = msg(what)
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        why = str(exc.strerror or exc)
        raise CatalogError(
            msg(mt.PRICE_FILE_UNREADABLE, what=named, path=str(path), why=why)
        ) from exc
    except ValueError as exc:
        why = str(exc)
        raise CatalogError(
            msg(mt.PRICE_FILE_NOT_JSON, what=named, path=str(path), why=why)
        ) from exc


def snapshot_in_use(bundled_dir: Path, updated_dir: Path | None) -> SnapshotSource:
    """The snapshot to load: the last ``prices update`` result if present, else the bundled."""
    if updated_dir is not None:
        updated = updated_dir / "litellm_snapshot.json"
        meta_path = updated_dir / "snapshot_meta.json"
        if updated.is_file():
            meta: dict[str, Any] = {}
            if meta_path.is_file():
                try:
                    meta = json.loads(meta_path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    meta = {}
            retrieved = meta.get("retrieved")
            return SnapshotSource(
                updated,
                str(meta.get("source", "prices update")),
                parse_date(retrieved, "snapshot meta") if retrieved else None,
            )
    manifest = _load_json(bundled_dir / "manifest.json", mt.WHAT_PRICE_MANIFEST)
    snap = manifest["snapshot"]
    return SnapshotSource(
        bundled_dir / snap["file"], str(snap["source"]), parse_date(snap["retrieved"], "manifest")
    )


def load_catalog(
    bundled_dir: Path,
    *,
    updated_dir: Path | None = None,
    overrides_file: Path | None = None,
    tokenizer_ids: Iterable[str] = (),
) -> Catalog:
    """Load the catalogue from the snapshot in use, list prices and user overrides.

    Raises:
        CatalogError: when a file is unreadable or malformed (naming the file and model).
    """
    tokenizer_ids = list(tokenizer_ids)
    snap = snapshot_in_use(bundled_dir, updated_dir)
    raw = _load_json(snap.path, mt.WHAT_PRICE_SNAPSHOT)
    if not isinstance(raw, dict):
        raise CatalogError(f"price snapshot {snap.path} is not a JSON object")
    models: dict[str, ModelInfo] = {}
    for model_id, entry in raw.items():
        if isinstance(entry, dict) and entry.get("mode", "chat") in TEXT_MODES:
            models[model_id] = model_from_entry(
                model_id,
                entry,
                source=snap.source,
                checked=snap.retrieved,
                origin="snapshot",
                tokenizer_ids=tokenizer_ids,
            )

    cny_path = bundled_dir / "list_prices_cny.json"
    if cny_path.is_file():
        for model_id, entry in _load_json(cny_path, mt.WHAT_LIST_PRICES).items():
            if model_id in models and isinstance(entry, dict):
                pricing = cny_pricing(entry, f"list price '{model_id}'")
                pricing = scaled_off_peak(models[model_id].pricing, pricing)
                models[model_id] = replace(models[model_id], pricing=pricing)

    if overrides_file is not None and overrides_file.is_file():
        overrides = _load_json(overrides_file, mt.WHAT_PRICE_OVERRIDES)
        if not isinstance(overrides, dict):
            raise CatalogError(f"price overrides {overrides_file} must be a JSON object")
        for model_id, entry in overrides.items():
            if not isinstance(entry, dict):
                raise CatalogError(
                    f"price overrides {overrides_file}: '{model_id}' is not an object"
                )
            old = models.get(model_id)
            merged: dict[str, Any] = {}
            if old is not None and model_id in raw:
                merged.update(raw[model_id])
            merged.update(entry)
            models[model_id] = model_from_entry(
                model_id,
                merged,
                source=f"user override ({overrides_file})",
                checked=_override_date(overrides_file),
                origin="override",
                tokenizer_ids=tokenizer_ids,
            )
    return Catalog(models.values(), provenance=f"{snap.source} ({snap.retrieved})")


def _override_date(path: Path) -> date:
    return datetime.fromtimestamp(path.stat().st_mtime).date()


def load_catalog_or_bundled(
    bundled_dir: Path,
    *,
    updated_dir: Path | None = None,
    overrides_file: Path | None = None,
    tokenizer_ids: Iterable[str] = (),
    strict: bool = False,
) -> tuple[Catalog, str | None]:
    """The catalogue, leaving out a broken user file instead of failing; and why, if one was.

    Tries everything, then without the overrides, then the bundled snapshot alone (a
    bundled file that is broken is a bug of the release and still raises). With ``strict``
    (the command line: a cost from a silently skipped override would mislead), any broken
    file raises, as ``load_catalog`` does.

    Returns:
        The catalogue and a one-line warning (None when every file was read).

    Raises:
        CatalogError: only when the bundled files themselves are malformed.
    """
    tokenizer_ids = list(tokenizer_ids)
    # (snapshot directory, overrides, the file left out when this attempt is the one that works)
    attempts: tuple[tuple[Path | None, Path | None, Path | None], ...] = (
        (updated_dir, overrides_file, None),
        (updated_dir, None, overrides_file),
        (None, None, updated_dir),
    )
    first: CatalogError | None = None
    for updated, overrides, left_out in attempts[:1] if strict else attempts:
        try:
            catalog = load_catalog(
                bundled_dir,
                updated_dir=updated,
                overrides_file=overrides,
                tokenizer_ids=tokenizer_ids,
            )
        except CatalogError as exc:
            first = first or exc
            continue
        if first is None:
            return catalog, None
        text = text_of(first)
        reason = text if isinstance(text, Message) and "\n" not in text else " ".join(text.split())
        if str(left_out) not in reason:
            return catalog, msg(mt.STARTED_WITHOUT_PATH, path=str(left_out), reason=reason)
        return catalog, msg(mt.STARTED_WITHOUT_FILE, reason=reason)
    assert first is not None
    raise first
