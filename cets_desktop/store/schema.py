"""Connection settings and the table definitions of the workspace database.

The schema itself only ever grows through ``migrations.py``; this module holds the statements those
migrations run, the filing states and the pragmas every connection needs.
"""

from __future__ import annotations

import sqlite3

# PRAGMA application_id marks the file as ours ("CETS"), so opening some other SQLite file is
# refused instead of silently getting our tables added to it.
APPLICATION_ID = 0x43455453

# The filing life cycle (ODK's draft → finalised → sent): 草稿 → 已校验 → 已导出.
STATE_DRAFT = "草稿"
STATE_VALIDATED = "已校验"
STATE_EXPORTED = "已导出"
FILING_STATES: tuple[str, ...] = (STATE_DRAFT, STATE_VALIDATED, STATE_EXPORTED)

DEFAULT_BUSY_TIMEOUT_MS = 5000


def configure_connection(
    conn: sqlite3.Connection, *, busy_timeout_ms: int, read_only: bool, network: bool = False
) -> str:
    """Apply per-connection pragmas; returns the journal mode actually in effect.

    ``network``: the file is on a network share (UNC path, mapped drive, NFS/SMB mount). WAL needs
    shared memory (the -shm file) that every process maps, which network file systems do not
    provide: SQLite says WAL "does not work over a network filesystem". There the workspace uses a
    rollback journal and holds its lock exclusively while open (one user at a time), so no second
    machine ever relies on the share's byte-range locking mid-transaction.
    """
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    # Foreign keys are off by default in SQLite and must be enabled on every connection.
    conn.execute("PRAGMA foreign_keys = ON")
    if network:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        if read_only:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
        mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0])
        conn.execute("PRAGMA synchronous = FULL")
        return mode
    if read_only:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    # WAL: readers never block the writer and a commit is one append, so a crash mid-save leaves
    # the last committed revision intact. SQLite keeps the old mode where WAL is impossible (some
    # network shares); the workspace still works there with a rollback journal.
    mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
    # FULL syncs the WAL on every commit: an explicit save survives power loss, not just a crash
    # of the app. Measured cost is small next to the user's pace (see tests/store).
    conn.execute("PRAGMA synchronous = FULL")
    return mode


# Version 1: the initial schema. JSON columns are TEXT checked with json_valid (JSON1 is built into
# every SQLite >= 3.38, which all supported Python builds ship).
SCHEMA_V1: tuple[str, ...] = (
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
    )
    """,
    """
    CREATE TABLE enterprises (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        uscc          TEXT NOT NULL UNIQUE,
        industry_code TEXT NOT NULL DEFAULT '',
        province      TEXT NOT NULL DEFAULT '',
        city          TEXT NOT NULL DEFAULT '',
        sectors       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sectors)),
        settings      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE facilities (
        id            INTEGER PRIMARY KEY,
        enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL,
        name          TEXT NOT NULL,
        attributes    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
        sort_order    INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX facilities_by_enterprise ON facilities(enterprise_id, sort_order, id)",
    """
    CREATE TABLE filings (
        id               INTEGER PRIMARY KEY,
        enterprise_id    INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE RESTRICT,
        form_id          TEXT NOT NULL,
        form_version     TEXT NOT NULL,
        period           TEXT NOT NULL,
        state            TEXT NOT NULL DEFAULT '草稿' CHECK (state IN ('草稿', '已校验', '已导出')),
        current_revision INTEGER NOT NULL DEFAULT 0,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        UNIQUE (enterprise_id, form_id, period)
    )
    """,
    """
    CREATE TABLE revisions (
        id        INTEGER PRIMARY KEY,
        filing_id INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
        number    INTEGER NOT NULL,
        document  TEXT NOT NULL CHECK (json_valid(document)),
        saved_at  TEXT NOT NULL,
        reason    TEXT NOT NULL DEFAULT '',
        author    TEXT NOT NULL DEFAULT '',
        UNIQUE (filing_id, number)
    )
    """,
    # One autosave slot per filing; base_revision tells whether the draft was typed on top of the
    # revision that is current now.
    """
    CREATE TABLE drafts (
        filing_id     INTEGER PRIMARY KEY REFERENCES filings(id) ON DELETE CASCADE,
        base_revision INTEGER NOT NULL,
        document      TEXT NOT NULL,
        saved_at      TEXT NOT NULL
    )
    """,
    # old_value/new_value hold JSON text; NULL means "absent" (row added or removed).
    """
    CREATE TABLE audit_log (
        id         INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        actor      TEXT NOT NULL,
        entity     TEXT NOT NULL,
        entity_id  INTEGER NOT NULL,
        field_path TEXT NOT NULL,
        old_value  TEXT,
        new_value  TEXT,
        reason     TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX audit_by_entity ON audit_log(entity, entity_id, id)",
    """
    CREATE TABLE evidence_files (
        sha256          TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        size            INTEGER NOT NULL,
        stored_name     TEXT NOT NULL,
        first_seen_name TEXT NOT NULL,
        added_at        TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    # A package's series is enterprise + form; period is copied at export time so the chain keeps
    # its meaning even if the filing is later corrected.
    """
    CREATE TABLE packages (
        id            INTEGER PRIMARY KEY,
        filing_id     INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
        enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
        form_id       TEXT NOT NULL,
        period        TEXT NOT NULL,
        path          TEXT NOT NULL,
        sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
        created_at    TEXT NOT NULL
    )
    """,
    "CREATE INDEX packages_by_series ON packages(enterprise_id, form_id, period, id)",
)

# Version 2: the signing keys the user trusts per enterprise (by 统一社会信用代码, so that a
# recipient's workspace can remember enterprises it holds no filings of), and recorded key changes.
# At most one active key per enterprise; a change retires the old key and says why.
SCHEMA_V2: tuple[str, ...] = (
    """
    CREATE TABLE signing_keys (
        id          INTEGER PRIMARY KEY,
        uscc        TEXT NOT NULL,
        fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 16),
        public_key  TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL CHECK (status IN ('active', 'retired')),
        added_at    TEXT NOT NULL,
        added_by    TEXT NOT NULL,
        source      TEXT NOT NULL DEFAULT '',
        UNIQUE (uscc, fingerprint)
    )
    """,
    "CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(uscc) WHERE status = 'active'",
    """
    CREATE TABLE key_changes (
        id              INTEGER PRIMARY KEY,
        uscc            TEXT NOT NULL,
        old_fingerprint TEXT NOT NULL,
        new_fingerprint TEXT NOT NULL,
        reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        at              TEXT NOT NULL,
        actor           TEXT NOT NULL
    )
    """,
)

# Version 3: each evidence file's CRC-32, taken while it is attached (the same read that hashes
# it). A package's ZIP header carries it before the file's bytes, so with it known the export
# writes each header once and hashes the package as it writes it, instead of reading the whole
# written ZIP back. Rows attached before version 3 stay NULL until an export learns theirs.
SCHEMA_V3: tuple[str, ...] = (
    "ALTER TABLE evidence_files ADD COLUMN crc32 INTEGER"
    " CHECK (crc32 IS NULL OR crc32 BETWEEN 0 AND 4294967295)",
)
