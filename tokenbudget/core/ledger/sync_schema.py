"""Schema 7: what the ledger keeps for sharing with other devices (``core.sync``).

- ``entries.uid`` names an entry the same on every device: ``src:<source>:<ref>`` for an
  imported row (so the same request imported on two devices is one entry), ``u:<random>`` for
  one recorded by hand or from an estimate. ``entries.device`` is the device that recorded or
  imported it (NULL: this one). ``plans.uid`` names a plan the same way.
- While a sync folder is set (``sync_meta`` holds ``folder``), triggers note every local change
  in ``sync_outbox``, which the next sync turns into journal records; setting a folder exports
  the whole ledger once, so nothing is noted while none is set. A change made while applying
  other devices' records (``sync_context`` holds ``apply``) is not noted, and neither is a
  user's edit (``edit``: the ledger notes the fields that changed itself); a restored entry
  (``restore``: undo of a delete) is noted as such.
- ``sync_records`` holds every record read or written, by device and number, with its checked
  journal line: what the merge settles each key from. ``sync_files`` is how far each journal
  file has been read, and ``sync_meta`` this device's id, its last number and clock, and the
  folder.
"""

from __future__ import annotations

_SHARING = "EXISTS (SELECT 1 FROM sync_meta WHERE key = 'folder')"
_NOT_APPLYING = f"{_SHARING} AND NOT EXISTS (SELECT 1 FROM sync_context WHERE what = 'apply')"
_QUIET = f"{_SHARING} AND NOT EXISTS (SELECT 1 FROM sync_context WHERE what IN ('apply', 'edit'))"
_ENTRY_UID = (
    "CASE WHEN {r}.source_ref IS NOT NULL THEN 'src:' || {r}.source || ':' || {r}.source_ref "
    "ELSE 'u:' || lower(hex(randomblob(8))) END"
)

#: Migration 6 -> 7 (appended to ``schema.MIGRATIONS``).
MIGRATION_7 = f"""
ALTER TABLE entries ADD COLUMN uid TEXT;
ALTER TABLE entries ADD COLUMN device TEXT;
UPDATE entries SET uid = {_ENTRY_UID.format(r="entries")};
CREATE UNIQUE INDEX entries_uid ON entries(uid);
CREATE INDEX entries_device_at ON entries(device, at_us) WHERE device IS NOT NULL;
ALTER TABLE plans ADD COLUMN uid TEXT;
UPDATE plans SET uid = 'p:' || lower(hex(randomblob(8)));
CREATE UNIQUE INDEX plans_uid ON plans(uid);
CREATE TABLE sync_context (what TEXT NOT NULL);
CREATE TABLE sync_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    row_id INTEGER,
    uid TEXT,
    op TEXT NOT NULL,
    detail TEXT
);
CREATE TABLE sync_records (
    device TEXT NOT NULL,
    number INTEGER NOT NULL,
    stamp TEXT NOT NULL,
    type TEXT NOT NULL,
    key TEXT NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (device, number)
) WITHOUT ROWID;
CREATE INDEX sync_records_key ON sync_records(key);
CREATE TABLE sync_files (
    path TEXT PRIMARY KEY,
    device TEXT NOT NULL,
    offset INTEGER NOT NULL,
    tail TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TRIGGER entries_uid AFTER INSERT ON entries WHEN NEW.uid IS NULL BEGIN
    UPDATE entries SET uid = {_ENTRY_UID.format(r="NEW")} WHERE id = NEW.id;
END;
CREATE TRIGGER entries_sync_insert AFTER INSERT ON entries WHEN {_NOT_APPLYING} BEGIN
    INSERT INTO sync_outbox (kind, row_id, op) VALUES (
        'entry', NEW.id,
        CASE WHEN EXISTS (SELECT 1 FROM sync_context WHERE what = 'restore')
             THEN 'restore' ELSE 'put' END);
END;
CREATE TRIGGER entries_sync_update AFTER UPDATE ON entries
    WHEN OLD.uid IS NOT NULL AND {_QUIET} BEGIN
    INSERT INTO sync_outbox (kind, row_id, op) VALUES ('entry', NEW.id, 'put');
END;
CREATE TRIGGER entries_sync_delete AFTER DELETE ON entries WHEN {_NOT_APPLYING} BEGIN
    INSERT INTO sync_outbox (kind, row_id, uid, op) VALUES ('entry', OLD.id, OLD.uid, 'delete');
END;
CREATE TRIGGER plans_uid AFTER INSERT ON plans WHEN NEW.uid IS NULL BEGIN
    UPDATE plans SET uid = 'p:' || lower(hex(randomblob(8))) WHERE id = NEW.id;
END;
CREATE TRIGGER plans_sync_insert AFTER INSERT ON plans WHEN {_NOT_APPLYING} BEGIN
    INSERT INTO sync_outbox (kind, row_id, op) VALUES ('plan', NEW.id, 'put');
END;
CREATE TRIGGER plans_sync_update AFTER UPDATE ON plans
    WHEN OLD.uid IS NOT NULL AND {_NOT_APPLYING} BEGIN
    INSERT INTO sync_outbox (kind, row_id, op) VALUES ('plan', NEW.id, 'put');
END;
CREATE TRIGGER plans_sync_delete AFTER DELETE ON plans WHEN {_NOT_APPLYING} BEGIN
    INSERT INTO sync_outbox (kind, row_id, uid, op) VALUES ('plan', OLD.id, OLD.uid, 'delete');
END;
CREATE TRIGGER limits_sync_insert AFTER INSERT ON official_limits WHEN {_NOT_APPLYING} BEGIN
    INSERT INTO sync_outbox (kind, uid, op)
        VALUES ('limit', NEW.source || '|' || NEW.limit_id || '|' || NEW.window, 'put');
END;
CREATE TRIGGER limits_sync_update AFTER UPDATE ON official_limits WHEN {_NOT_APPLYING} BEGIN
    INSERT INTO sync_outbox (kind, uid, op)
        VALUES ('limit', NEW.source || '|' || NEW.limit_id || '|' || NEW.window, 'put');
END;
"""
