"""Ordered schema migrations, tracked in ``PRAGMA user_version``.

Rules for adding one: append a ``Migration`` with the next version number; never edit or reorder a
released one (workspaces in the field were built by it). All pending steps of one open run in a
single transaction, so a crash or error mid-migration leaves the file exactly as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cets_desktop.store.errors import ErrorKind, WorkspaceError, translate_sqlite_error
from cets_desktop.store.schema import APPLICATION_ID, SCHEMA_V1, SCHEMA_V2, SCHEMA_V3


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _run_statements(statements: Sequence[str]) -> Callable[[sqlite3.Connection], None]:
    # Statements are executed one by one because Connection.executescript() commits the open
    # transaction first, which would break the all-or-nothing migration.
    def apply(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return apply


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _run_statements(SCHEMA_V1)),
    Migration(2, "trusted signing keys per enterprise, recorded key changes", _run_statements(SCHEMA_V2)),
    Migration(3, "CRC-32 of each evidence file, for the package's ZIP headers", _run_statements(SCHEMA_V3)),
)

LATEST_VERSION = MIGRATIONS[-1].version


def too_new_error(db_path: Path | str, found: int, latest: int) -> WorkspaceError:
    return WorkspaceError(
        f"工作区文件 {db_path} 由更新版本的 cets-desktop 创建（数据格式版本 {found}，本程序只支持到 {latest}），"
        "本程序不能打开它，以免损坏数据。请升级 cets-desktop 到最新版本后再打开。",
        kind=ErrorKind.TOO_NEW,
        path=db_path,
    )


def not_workspace_error(db_path: Path | str) -> WorkspaceError:
    return WorkspaceError(
        f"文件 {db_path} 是 SQLite 数据库，但不是 cets-desktop 工作区，本程序不会修改它。"
        "请选择扩展名为 .cetsdb 的工作区文件，或新建一个工作区。",
        kind=ErrorKind.NOT_WORKSPACE,
        path=db_path,
    )


def check_version(
    conn: sqlite3.Connection, db_path: Path | str, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Return the file's schema version, refusing files that are not ours or are too new."""
    latest = migrations[-1].version
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id not in (0, APPLICATION_ID):
        raise not_workspace_error(db_path)
    if version == 0:
        has_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if has_tables:
            raise not_workspace_error(db_path)
    elif app_id != APPLICATION_ID:
        raise not_workspace_error(db_path)
    if version > latest:
        raise too_new_error(db_path, version, latest)
    return version


def migrate(
    conn: sqlite3.Connection, db_path: Path | str, migrations: Sequence[Migration] = MIGRATIONS
) -> tuple[int, int]:
    """Bring the database up to the last migration; returns (version before, version after).

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1..n without gaps, got {versions}")
    try:
        before = check_version(conn, db_path, migrations)
        if before == versions[-1]:
            return before, before
        # IMMEDIATE takes the write lock up front, then re-reads the version: another process may
        # have migrated the file between our check and the lock.
        conn.execute("BEGIN IMMEDIATE")
        try:
            before = check_version(conn, db_path, migrations)
            for migration in migrations[before:]:
                migration.apply(conn)
                conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, db_path) from exc
    return before, versions[-1]
