"""The workspace: one SQLite file holding enterprises, filings with their revisions, autosave drafts,
the audit trail and the export history, plus an evidence folder beside it.

Every change is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``): a crash, a full disk or a lock
held by another window costs the step in progress, never a committed revision. Failures a user can
act on surface as ``WorkspaceError`` with a one-line Chinese message.

The GUI calls this from worker threads (one background operation at a time), so the connection is
shared across threads and every call is serialised by a lock.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import shutil
import sqlite3
import sys
import threading
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs

from cets_desktop import APP_NAME, __version__
from cets_desktop.store.diff import Change, diff_documents, diff_values
from cets_desktop.store.documents import canonical_json, is_valid_period, load_json, period_label
from cets_desktop.store.errors import (
    ErrorKind,
    WorkspaceError,
    read_only_error,
    translate_os_error,
    translate_sqlite_error,
)
from cets_desktop.store.evidence import EvidenceStore
from cets_desktop.store.migrations import MIGRATIONS, Migration, check_version, migrate
from cets_desktop.store.records import (
    AuditEntry,
    Draft,
    Enterprise,
    Facility,
    Filing,
    PackageRecord,
    Revision,
    RevisionInfo,
)
from cets_desktop.store.schema import (
    DEFAULT_BUSY_TIMEOUT_MS,
    FILING_STATES,
    STATE_DRAFT,
    STATE_EXPORTED,
    STATE_VALIDATED,
    configure_connection,
)

WORKSPACE_FILE_NAME = "workspace.cetsdb"

ENTITY_FILING = "filing"
ENTITY_ENTERPRISE = "enterprise"

# Allowed state changes: validation must pass before a final export, and any edit or explicit
# reopening goes back to draft. Setting the current state again is a no-op.
_TRANSITIONS: dict[str, frozenset[str]] = {
    STATE_DRAFT: frozenset({STATE_VALIDATED}),
    STATE_VALIDATED: frozenset({STATE_DRAFT, STATE_EXPORTED}),
    STATE_EXPORTED: frozenset({STATE_DRAFT}),
}

_ENTERPRISE_FIELDS = ("name", "uscc", "industry_code", "province", "city", "sectors", "settings")


def default_workspace_path() -> Path:
    """Per-user default: %LOCALAPPDATA%\\cets-desktop\\workspace.cetsdb on Windows."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / WORKSPACE_FILE_NAME


def default_actor() -> str:
    """The OS login name, recorded as author of revisions and audit rows."""
    try:
        return getpass.getuser()
    except Exception:  # getuser() raises OSError/KeyError when no login name is known
        return "未知用户"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _evidence_root(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + ".evidence")


def _migration_backup_path(db_path: Path, version: int) -> Path:
    return db_path.with_name(f"{db_path.stem}.v{version}-backup{db_path.suffix}")


def _writable(path: Path) -> bool:
    # SQLite needs the folder too: WAL mode creates <file>-wal and <file>-shm beside the file.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


# File systems on which SQLite's WAL mode is unsafe (no shared memory across machines).
_NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.sshfs",
        "fuse.rclone",
        "davfs",
        "fuse.davfs2",
        "9p",
        "lustre",
        "gpfs",
        "fuse.glusterfs",
        "ocfs2",
        "gfs2",
    }
)
_DRIVE_REMOTE = 4  # GetDriveTypeW


def _mounts() -> list[tuple[str, str]]:
    """(mount point, fs type) from /proc/self/mounts; empty where there is none."""
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            rows = [line.split() for line in fh]
    except OSError:
        return []
    return [(r[1].replace("\\040", " "), r[2]) for r in rows if len(r) >= 3]


def network_location(
    path: Path | str,
    *,
    platform: str | None = None,
    drive_type: Any = None,
    mounts: Sequence[tuple[str, str]] | None = None,
) -> str | None:
    """A Chinese description if ``path`` is on a network share, else None.

    UNC paths (``\\\\server\\share\\…``, also written ``//server/share``), mapped network drives on
    Windows (GetDriveTypeW = DRIVE_REMOTE) and network file systems mounted on Linux/macOS.
    ``platform``, ``drive_type`` and ``mounts`` exist for tests.
    """
    platform = sys.platform if platform is None else platform
    text = str(path)
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        share = "\\".join(text.replace("/", "\\").lstrip("\\").split("\\")[:2])
        return f"网络共享文件夹 \\\\{share}"
    if text.startswith("\\\\?\\UNC\\"):
        return "网络共享文件夹"
    if platform == "win32":
        drive = text[:2] if len(text) >= 2 and text[1] == ":" else ""
        if drive:
            if drive_type is None:
                try:
                    import ctypes

                    drive_type = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
                except (AttributeError, OSError):
                    return None
            if int(drive_type(drive + "\\")) == _DRIVE_REMOTE:
                return f"映射的网络驱动器 {drive.upper()}"
        return None
    table = _mounts() if mounts is None else list(mounts)
    try:
        resolved = str(Path(text).resolve())
    except OSError:
        resolved = text
    best: tuple[int, str] | None = None
    for point, fstype in table:
        if resolved == point or resolved.startswith(point.rstrip("/") + "/"):
            if best is None or len(point) > best[0]:
                best = (len(point), fstype)
    if best is not None and best[1] in _NETWORK_FS_TYPES:
        return f"网络文件系统（{best[1]}）"
    return None


def _wal_header(db_path: Path) -> bool:
    """True if the database file says it is in WAL mode (header bytes 18/19 = 2)."""
    try:
        with open(db_path, "rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[:16] == b"SQLite format 3\x00" and header[18] == 2


def _read_only_target(db_path: Path) -> str:
    """The URI to read a workspace that may sit on read-only media.

    A WAL database normally needs its -shm file, which SQLite cannot create where nothing may be
    written (a CD, a write-protected USB stick, a read-only share): opening it failed with "folder
    does not exist". Where the folder is not writable and no unmerged -wal is beside the file, the
    file is complete and nobody can change it, so SQLite may treat it as immutable (no locks, no
    -shm). With a -wal and its -shm beside it SQLite (3.22+) reads both in place.
    """
    uri = f"{db_path.as_uri()}?mode=ro"
    if not os.access(db_path.parent, os.W_OK) or _media_read_only(db_path):
        wal = db_path.with_name(db_path.name + "-wal")
        try:
            wal_size = wal.stat().st_size
        except OSError:
            wal_size = 0
        if wal_size == 0:
            uri += "&immutable=1"
    return uri


def _media_read_only(db_path: Path) -> bool:
    """A read-only file system (ST_RDONLY) even where permission bits say writable (e.g. root)."""
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:
        return False
    try:
        return bool(statvfs(db_path.parent).f_flag & getattr(os, "ST_RDONLY", 1))
    except OSError:
        return False


def read_only_location_reason(db_path: Path) -> str:
    return (
        f"工作区 {db_path} 位于只读位置（如光盘、写保护的 U 盘、只读的网络盘，或没有写入权限的文件夹），"
        "已以只读方式打开：可以查看、校验和导出，不能保存修改。要编辑，请把工作区文件连同同名的"
        " .evidence 文件夹一起复制到可写的位置后再打开（或用“备份工作区”生成的备份文件恢复）。"
    )


def _not_found(what: str, key: object) -> WorkspaceError:
    return WorkspaceError(
        f"工作区中没有{what}（编号 {key}），它可能已被删除。请刷新列表后重新选择。",
        kind=ErrorKind.NOT_FOUND,
    )


def _in_chunks(values: list[Any], size: int = 500) -> Iterator[tuple[list[Any], str]]:
    """``values`` in pieces for ``IN (…)`` queries, each with its ``?`` marks: below SQLite's
    limit on bound parameters, whatever the number asked for."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


class Workspace:
    """An open workspace. Use ``Workspace.open(path)``, preferably as a context manager."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool,
        journal_mode: str,
        actor: str | None = None,
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._path = path
        self._read_only = read_only
        self._journal_mode = journal_mode
        self._lock = threading.RLock()
        self.actor = actor or default_actor()
        self.evidence = EvidenceStore(_evidence_root(path), self, read_only=read_only)
        # Chinese banner texts for the window/CLI: why the workspace is read-only, and where it lives.
        self.read_only_reason: str | None = None
        self.network_reason: str | None = None

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        create: bool = True,
        *,
        read_only: bool = False,
        fallback_read_only: bool = False,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        actor: str | None = None,
        migrations: Sequence[Migration] = MIGRATIONS,
        network: str | None | bool = None,
    ) -> Workspace:
        """Open (and if needed create, or migrate) the workspace at ``path``.

        ``read_only`` opens the file with SQLite's ``mode=ro``: for viewing a backup or a file on
        read-only media; every write then raises a read-only ``WorkspaceError``.
        ``fallback_read_only``: a workspace that cannot be written (read-only media, no permission)
        is opened read-only instead of refused; ``read_only_reason`` then says why (the banner).
        On a network share (detected, or ``network`` given as a reason) WAL is not used.
        ``migrations`` exists for tests of the migration machinery.
        """
        db_path = Path(path).expanduser().absolute() if path is not None else default_workspace_path()
        if db_path.is_dir():
            raise WorkspaceError(
                f"{db_path} 是文件夹而不是工作区文件。请选择扩展名为 .cetsdb 的工作区文件。",
                kind=ErrorKind.INVALID,
                path=db_path,
            )
        read_only_reason: str | None = None
        if not db_path.exists():
            if not create or read_only:
                raise WorkspaceError(
                    f"找不到工作区文件 {db_path}。请确认路径正确（文件可能已被移动或改名），或新建一个工作区。",
                    kind=ErrorKind.NOT_FOUND,
                    path=db_path,
                )
            try:
                db_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise translate_os_error(exc, db_path.parent, "创建工作区文件夹") from exc
        elif not read_only and (not _writable(db_path) or _media_read_only(db_path)):
            if not fallback_read_only:
                raise read_only_error(db_path)
            read_only = True
            read_only_reason = read_only_location_reason(db_path)
        elif read_only and (not _writable(db_path) or _media_read_only(db_path)):
            read_only_reason = read_only_location_reason(db_path)
        network_reason = network_location(db_path) if network is None or network is True else network
        if network is True and not network_reason:
            network_reason = "网络共享文件夹"
        if network_reason and read_only and _wal_header(db_path):
            raise WorkspaceError(
                f"工作区 {db_path} 位于{network_reason}，且仍是本机使用的 WAL 格式：在网络盘上以只读方式读取它不安全"
                "（WAL 依赖各台电脑共享的内存文件）。请以可写方式打开一次（程序会改为适合网络盘的模式），"
                "或把工作区复制到本机后再打开。",
                kind=ErrorKind.IO,
                path=db_path,
            )

        # mode=ro needs the URI form; the plain path keeps read-write opening working for every
        # path Windows accepts (SQLite URIs cannot express UNC shares).
        target = _read_only_target(db_path) if read_only else str(db_path)
        try:
            conn = sqlite3.connect(
                target,
                uri=read_only,
                isolation_level=None,
                check_same_thread=False,
                timeout=busy_timeout_ms / 1000,
            )
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, db_path) from exc
        try:
            try:
                journal_mode = configure_connection(
                    conn, busy_timeout_ms=busy_timeout_ms, read_only=read_only, network=bool(network_reason)
                )
            except sqlite3.Error as exc:
                if network_reason and translate_sqlite_error(exc, db_path).kind is ErrorKind.LOCKED:
                    journal_mode = "wal"  # could not switch: reported just below
                else:
                    raise
            if network_reason and not read_only and journal_mode.lower() == "wal":
                raise WorkspaceError(
                    f"工作区 {db_path} 位于{network_reason}，需要改为适合网络盘的模式（不使用 WAL），"
                    "但另一台电脑或另一个窗口正在使用它。请关闭其他打开该工作区的程序后重试，或把工作区复制到本机使用。",
                    kind=ErrorKind.LOCKED,
                    path=db_path,
                )
            if read_only:
                version = check_version(conn, db_path, migrations)
                # Migrations so far only add tables and nullable columns: an older file can be read as
                # it is (readers of a newer column check the version, see evidence_crc32).
                if version < 1:
                    raise WorkspaceError(
                        f"工作区文件 {db_path} 是旧版本 cets-desktop 的格式，需要先升级才能使用，"
                        "而只读方式不能升级。请以可写方式打开它一次（会自动备份原文件）后重试。",
                        kind=ErrorKind.READ_ONLY,
                        path=db_path,
                    )
            else:
                cls._migrate(conn, db_path, migrations)
        except sqlite3.Error as exc:
            conn.close()
            error = translate_sqlite_error(exc, db_path)
            if (
                fallback_read_only
                and not read_only
                and error.kind is ErrorKind.READ_ONLY
                and db_path.exists()
            ):
                # Permission bits said writable but the medium is not (Windows reports a CD or a
                # write-protected stick only when SQLite tries to write).
                workspace = cls.open(
                    db_path,
                    create=False,
                    read_only=True,
                    busy_timeout_ms=busy_timeout_ms,
                    actor=actor,
                    migrations=migrations,
                    network=network,
                )
                workspace.read_only_reason = read_only_location_reason(db_path)
                return workspace
            raise error from exc
        except BaseException:
            conn.close()
            raise
        workspace = cls(conn, db_path, read_only=read_only, journal_mode=journal_mode, actor=actor)
        workspace.read_only_reason = read_only_reason
        if network_reason:
            workspace.network_reason = (
                f"工作区位于{network_reason}：网络盘上不能使用本机的 WAL 日志模式，已改用适合网络盘的安全模式"
                "（回滚日志，打开期间独占），同一时间只能有一人打开它。"
            )
        if not read_only:
            workspace.evidence.discard_abandoned_copies()
        return workspace

    @staticmethod
    def _migrate(conn: sqlite3.Connection, db_path: Path, migrations: Sequence[Migration]) -> None:
        version = check_version(conn, db_path, migrations)
        if 0 < version < migrations[-1].version:
            # An older cets-desktop cannot open the migrated file, so keep the user a way back.
            _backup(conn, _migration_backup_path(db_path, version))
        before, _after = migrate(conn, db_path, migrations)
        if before == 0:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
                    [
                        ("workspace_uuid", str(uuid.uuid4())),
                        ("created_by", f"{APP_NAME} {__version__}"),
                        ("created_at", _now()),
                    ],
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            if self._conn is None:
                return
            conn, self._conn = self._conn, None
            if not self._read_only:
                # Cheap housekeeping SQLite recommends at close; failure must not block closing.
                with suppress(sqlite3.Error):
                    conn.execute("PRAGMA optimize")
            conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def journal_mode(self) -> str:
        return self._journal_mode

    @property
    def schema_version(self) -> int:
        with self._reading() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def uuid(self) -> str:
        return self.meta().get("workspace_uuid", "")

    def meta(self) -> dict[str, str]:
        with self._reading() as conn:
            return {key: value for key, value in conn.execute("SELECT key, value FROM meta")}

    # ------------------------------------------------------------------ transactions

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("workspace is closed")
        return self._conn

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back entirely on any exception."""
        with self._lock:
            conn = self._connection()
            if self._read_only:
                raise read_only_error(self._path)
            try:
                # IMMEDIATE takes the write lock now, so a busy workspace fails before any work is
                # done instead of half-way through (and WAL cannot deadlock on lock upgrades).
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        with suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self._path) from exc

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: all queries inside see one consistent snapshot."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self._path) from exc

    def _audit_rows(
        self,
        conn: sqlite3.Connection,
        entity: str,
        entity_id: int,
        changes: Sequence[Change],
        reason: str,
        actor: str,
        at: str,
    ) -> None:
        conn.executemany(
            "INSERT INTO audit_log(at, actor, entity, entity_id, field_path, old_value, new_value, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    at,
                    actor,
                    entity,
                    entity_id,
                    change.path,
                    None if change.kind == "added" else canonical_json(change.old),
                    None if change.kind == "removed" else canonical_json(change.new),
                    reason,
                )
                for change in changes
            ],
        )

    # ------------------------------------------------------------------ enterprises

    @staticmethod
    def _enterprise(row: sqlite3.Row | tuple[Any, ...]) -> Enterprise:
        (id_, name, uscc, industry_code, province, city, sectors, settings, created_at, updated_at) = row
        return Enterprise(
            id_,
            name,
            uscc,
            industry_code,
            province,
            city,
            load_json(sectors, []),
            load_json(settings, {}),
            created_at,
            updated_at,
        )

    _ENTERPRISE_COLUMNS = (
        "id, name, uscc, industry_code, province, city, sectors, settings, created_at, updated_at"
    )

    def add_enterprise(
        self,
        name: str,
        uscc: str,
        *,
        industry_code: str = "",
        province: str = "",
        city: str = "",
        sectors: Sequence[str] = (),
        settings: Mapping[str, Any] | None = None,
        reason: str = "新增企业",
        actor: str | None = None,
    ) -> Enterprise:
        name, uscc = name.strip(), uscc.strip().upper()
        if not name or not uscc:
            raise WorkspaceError(
                "企业名称和统一社会信用代码都不能为空。请补全后重试。", kind=ErrorKind.INVALID
            )
        at = _now()
        values = {
            "name": name,
            "uscc": uscc,
            "industry_code": industry_code,
            "province": province,
            "city": city,
            "sectors": list(sectors),
            "settings": dict(settings or {}),
        }
        with self._writing() as conn:
            existing = conn.execute("SELECT name FROM enterprises WHERE uscc = ?", (uscc,)).fetchone()
            if existing is not None:
                raise WorkspaceError(
                    f"统一社会信用代码为 {uscc} 的企业已在工作区中（{existing[0]}）。"
                    "请直接打开该企业，或核对代码是否输入有误。",
                    kind=ErrorKind.CONFLICT,
                )
            cursor = conn.execute(
                "INSERT INTO enterprises(name, uscc, industry_code, province, city, sectors, settings,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    uscc,
                    industry_code,
                    province,
                    city,
                    canonical_json(values["sectors"]),
                    canonical_json(values["settings"]),
                    at,
                    at,
                ),
            )
            enterprise_id = int(cursor.lastrowid or 0)
            self._audit_rows(
                conn,
                ENTITY_ENTERPRISE,
                enterprise_id,
                [Change("", None, values, "added")],
                reason,
                actor or self.actor,
                at,
            )
            row = conn.execute(
                f"SELECT {self._ENTERPRISE_COLUMNS} FROM enterprises WHERE id = ?", (enterprise_id,)
            ).fetchone()
        return self._enterprise(row)

    def update_enterprise(
        self, enterprise_id: int, *, reason: str = "", actor: str | None = None, **changes: Any
    ) -> Enterprise:
        """Change enterprise fields; one audit row per changed leaf (``settings.local_deadline_days``)."""
        unknown = set(changes) - set(_ENTERPRISE_FIELDS)
        if unknown:
            raise TypeError(f"unknown enterprise fields: {sorted(unknown)}")
        if "uscc" in changes:
            changes["uscc"] = str(changes["uscc"]).strip().upper()
        if "name" in changes:
            changes["name"] = str(changes["name"]).strip()
        if changes.get("uscc") == "" or changes.get("name") == "":
            raise WorkspaceError(
                "企业名称和统一社会信用代码都不能为空。请补全后重试。", kind=ErrorKind.INVALID
            )
        at = _now()
        with self._writing() as conn:
            row = conn.execute(
                f"SELECT {self._ENTERPRISE_COLUMNS} FROM enterprises WHERE id = ?", (enterprise_id,)
            ).fetchone()
            if row is None:
                raise _not_found("该企业", enterprise_id)
            current = self._enterprise(row)
            audit: list[Change] = []
            for field in _ENTERPRISE_FIELDS:
                if field in changes:
                    new = changes[field]
                    new = list(new) if field == "sectors" else dict(new) if field == "settings" else new
                    changes[field] = new
                    audit.extend(diff_values(getattr(current, field), new, field))
            if not audit:
                return current
            if "uscc" in changes and changes["uscc"] != current.uscc:
                clash = conn.execute(
                    "SELECT name FROM enterprises WHERE uscc = ? AND id != ?",
                    (changes["uscc"], enterprise_id),
                ).fetchone()
                if clash is not None:
                    raise WorkspaceError(
                        f"统一社会信用代码 {changes['uscc']} 已属于工作区中的另一家企业（{clash[0]}）。"
                        "请核对代码后重试。",
                        kind=ErrorKind.CONFLICT,
                    )
            assignments = ", ".join(f"{field} = ?" for field in changes)
            params = [canonical_json(v) if f in ("sectors", "settings") else v for f, v in changes.items()]
            conn.execute(
                f"UPDATE enterprises SET {assignments}, updated_at = ? WHERE id = ?",
                (*params, at, enterprise_id),
            )
            self._audit_rows(conn, ENTITY_ENTERPRISE, enterprise_id, audit, reason, actor or self.actor, at)
            row = conn.execute(
                f"SELECT {self._ENTERPRISE_COLUMNS} FROM enterprises WHERE id = ?", (enterprise_id,)
            ).fetchone()
        return self._enterprise(row)

    def list_enterprises(self) -> list[Enterprise]:
        with self._reading() as conn:
            rows = conn.execute(f"SELECT {self._ENTERPRISE_COLUMNS} FROM enterprises ORDER BY id").fetchall()
        return [self._enterprise(row) for row in rows]

    def get_enterprise(self, key: int | str) -> Enterprise | None:
        """By id (int) or by 统一社会信用代码 (str)."""
        param: int | str
        if isinstance(key, str):
            query, param = "uscc = ?", key.strip().upper()
        else:
            query, param = "id = ?", key
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {self._ENTERPRISE_COLUMNS} FROM enterprises WHERE {query}", (param,)
            ).fetchone()
        return None if row is None else self._enterprise(row)

    # ------------------------------------------------------------------ facilities

    def add_facility(
        self,
        enterprise_id: int,
        kind: str,
        name: str,
        *,
        attributes: Mapping[str, Any] | None = None,
        sort_order: int | None = None,
    ) -> Facility:
        with self._writing() as conn:
            if conn.execute("SELECT 1 FROM enterprises WHERE id = ?", (enterprise_id,)).fetchone() is None:
                raise _not_found("该企业", enterprise_id)
            if sort_order is None:
                sort_order = int(
                    conn.execute(
                        "SELECT coalesce(max(sort_order), -1) + 1 FROM facilities WHERE enterprise_id = ?",
                        (enterprise_id,),
                    ).fetchone()[0]
                )
            cursor = conn.execute(
                "INSERT INTO facilities(enterprise_id, kind, name, attributes, sort_order) VALUES (?, ?, ?, ?, ?)",
                (enterprise_id, kind, name, canonical_json(dict(attributes or {})), sort_order),
            )
            facility_id = int(cursor.lastrowid or 0)
        return Facility(facility_id, enterprise_id, kind, name, dict(attributes or {}), sort_order)

    def list_facilities(self, enterprise_id: int) -> list[Facility]:
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT id, enterprise_id, kind, name, attributes, sort_order FROM facilities"
                " WHERE enterprise_id = ? ORDER BY sort_order, id",
                (enterprise_id,),
            ).fetchall()
        return [Facility(r[0], r[1], r[2], r[3], load_json(r[4], {}), r[5]) for r in rows]

    # ------------------------------------------------------------------ filings

    _FILING_COLUMNS = (
        "id, enterprise_id, form_id, form_version, period, state, current_revision, created_at, updated_at"
    )

    @staticmethod
    def _filing(row: tuple[Any, ...]) -> Filing:
        return Filing(*row)

    def _filing_row(self, conn: sqlite3.Connection, filing_id: int) -> Filing:
        row = conn.execute(
            f"SELECT {self._FILING_COLUMNS} FROM filings WHERE id = ?", (filing_id,)
        ).fetchone()
        if row is None:
            raise _not_found("该填报", filing_id)
        return self._filing(row)

    @staticmethod
    def _check_document(
        document: Mapping[str, Any], form_id: str, form_version: str | None, period: str | None
    ) -> None:
        # The filing row mirrors these document fields; a mismatch is a bug in the caller.
        for key, expected in (("form", form_id), ("form_version", form_version), ("period", period)):
            if expected is not None and key in document and document[key] != expected:
                raise ValueError(f"document {key} {document[key]!r} does not match filing {key} {expected!r}")

    def _duplicate_filing_error(
        self, conn: sqlite3.Connection, enterprise_id: int, form_id: str, period: str
    ) -> WorkspaceError:
        enterprise = conn.execute("SELECT name FROM enterprises WHERE id = ?", (enterprise_id,)).fetchone()
        who = enterprise[0] if enterprise else f"企业 {enterprise_id}"
        return WorkspaceError(
            f"{who} 的 {form_id} {period_label(period)} 填报已存在。请在列表中打开已有的填报继续编辑。",
            kind=ErrorKind.CONFLICT,
        )

    def create_filing(
        self,
        enterprise_id: int,
        form_id: str,
        form_version: str,
        period: str,
        document: Mapping[str, Any],
        *,
        reason: str = "新建填报",
        actor: str | None = None,
    ) -> Filing:
        """Create a filing in state 草稿 whose revision 1 is ``document``."""
        if not is_valid_period(period):
            raise WorkspaceError(
                f"填报期间“{period}”格式不对：月度填报写作 2026-10，年度填报写作 2026。请改正后重试。",
                kind=ErrorKind.INVALID,
            )
        self._check_document(document, form_id, form_version, period)
        text = canonical_json(document)
        actor = actor or self.actor
        at = _now()
        with self._writing() as conn:
            if conn.execute("SELECT 1 FROM enterprises WHERE id = ?", (enterprise_id,)).fetchone() is None:
                raise _not_found("该企业", enterprise_id)
            if (
                conn.execute(
                    "SELECT 1 FROM filings WHERE enterprise_id = ? AND form_id = ? AND period = ?",
                    (enterprise_id, form_id, period),
                ).fetchone()
                is not None
            ):
                raise self._duplicate_filing_error(conn, enterprise_id, form_id, period)
            cursor = conn.execute(
                "INSERT INTO filings(enterprise_id, form_id, form_version, period, state, current_revision,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                (enterprise_id, form_id, form_version, period, STATE_DRAFT, at, at),
            )
            filing_id = int(cursor.lastrowid or 0)
            conn.execute(
                "INSERT INTO revisions(filing_id, number, document, saved_at, reason, author)"
                " VALUES (?, 1, ?, ?, ?, ?)",
                (filing_id, text, at, reason, actor),
            )
            self._audit_rows(
                conn,
                ENTITY_FILING,
                filing_id,
                [Change("", None, {"form": form_id, "period": period, "revision": 1}, "added")],
                reason,
                actor,
                at,
            )
            return self._filing_row(conn, filing_id)

    def get_filing(self, filing_id: int) -> Filing | None:
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {self._FILING_COLUMNS} FROM filings WHERE id = ?", (filing_id,)
            ).fetchone()
        return None if row is None else self._filing(row)

    def find_filing(self, enterprise_id: int, form_id: str, period: str) -> Filing | None:
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {self._FILING_COLUMNS} FROM filings WHERE enterprise_id = ? AND form_id = ? AND period = ?",
                (enterprise_id, form_id, period),
            ).fetchone()
        return None if row is None else self._filing(row)

    def change_stamp(self) -> tuple[int, int, int]:
        """Differs from an earlier stamp whenever anything was committed to the workspace since,
        by this program or any other (SQLite's ``data_version`` and this connection's change
        count): what was read before the same stamp still holds. Costs a few microseconds."""
        with self._lock:
            conn = self._connection()
            try:
                version = conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self._path) from exc
            return (id(conn), int(version), conn.total_changes)

    def list_filings(
        self, enterprise_id: int | None = None, year: int | str | None = None, form_id: str | None = None
    ) -> list[Filing]:
        """Filings ordered by enterprise, period, form; ``year`` matches both monthly and yearly ones."""
        clauses: list[str] = []
        params: list[Any] = []
        if enterprise_id is not None:
            clauses.append("enterprise_id = ?")
            params.append(enterprise_id)
        if year is not None:
            clauses.append("substr(period, 1, 4) = ?")
            params.append(f"{int(year):04d}")
        if form_id is not None:
            clauses.append("form_id = ?")
            params.append(form_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {self._FILING_COLUMNS} FROM filings{where}"
                " ORDER BY enterprise_id, period, form_id, id",
                params,
            ).fetchall()
        return [self._filing(row) for row in rows]

    def current_document(self, filing_id: int) -> dict[str, Any]:
        """The document of the filing's current revision (not any autosaved draft)."""
        with self._reading() as conn:
            filing = self._filing_row(conn, filing_id)
            text = self._revision_text(conn, filing_id, filing.current_revision)
        document: dict[str, Any] = load_json(text)
        return document

    def current_documents(self, filing_ids: Iterable[int]) -> dict[int, tuple[int, dict[str, Any]]]:
        """:meth:`current_document` of many filings in one read: filing id → (revision number,
        document). A filing without its current revision, or whose stored text is not JSON, is
        left out (its own :meth:`current_document` call then says what is wrong)."""
        out: dict[int, tuple[int, dict[str, Any]]] = {}
        for filing_id, (number, text) in self.current_texts(filing_ids).items():
            try:
                document = load_json(text)
            except (ValueError, RecursionError):
                continue
            if isinstance(document, dict):
                out[filing_id] = (number, document)
        return out

    def current_texts(self, filing_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
        """The stored JSON text of many filings' current revisions in one read: filing id →
        (revision number, text); a filing without its current revision is left out."""
        rows = self._current_rows(filing_ids, "r.document")
        return {int(filing_id): (int(number), str(text)) for filing_id, number, text in rows}

    def current_utf8(self, filing_ids: Iterable[int]) -> dict[int, tuple[int, bytes]]:
        """:meth:`current_texts` as the texts' UTF-8 bytes, as the database holds them: for a
        reader that parses bytes (pydantic's JSON reader), SQLite does not decode each text into
        a str that the reader then encodes back (a year of cards, 0.2-0.3 ms of ~8)."""
        rows = self._current_rows(filing_ids, "CAST(r.document AS BLOB)")
        return {int(filing_id): (int(number), bytes(data)) for filing_id, number, data in rows}

    def _current_rows(self, filing_ids: Iterable[int], column: str) -> list[tuple[Any, ...]]:
        wanted = sorted({int(i) for i in filing_ids})
        rows: list[tuple[Any, ...]] = []
        with self._reading() as conn:
            for chunk, marks in _in_chunks(wanted):
                rows.extend(
                    conn.execute(
                        f"SELECT f.id, r.number, {column} FROM filings f JOIN revisions r"
                        " ON r.filing_id = f.id AND r.number = f.current_revision"
                        f" WHERE f.id IN ({marks})",
                        chunk,
                    ).fetchall()
                )
        return rows

    @staticmethod
    def _revision_text(conn: sqlite3.Connection, filing_id: int, number: int) -> str:
        row = conn.execute(
            "SELECT document FROM revisions WHERE filing_id = ? AND number = ?", (filing_id, number)
        ).fetchone()
        if row is None:
            raise _not_found(f"该填报的第 {number} 版", filing_id)
        return str(row[0])

    def save_filing(
        self,
        filing_id: int,
        document: Mapping[str, Any],
        reason: str = "",
        *,
        actor: str | None = None,
        base_revision: int | None = None,
    ) -> int:
        """Save ``document`` as the filing's next revision; returns the current revision number.

        In one transaction: the revision, the filing row (period/form_version follow the document;
        a validated or exported filing whose content changes goes back to 草稿), the autosave
        draft cleared, and one audit row per changed leaf. Saving unchanged content writes no
        revision and returns the current number. ``base_revision``, when given, refuses the save if
        someone else saved a newer revision meanwhile (another window on the same workspace).
        """
        text = canonical_json(document)
        actor = actor or self.actor
        at = _now()
        with self._writing() as conn:
            filing = self._filing_row(conn, filing_id)
            self._check_document(document, filing.form_id, None, None)
            if base_revision is not None and base_revision != filing.current_revision:
                raise WorkspaceError(
                    f"该填报已在别处保存为第 {filing.current_revision} 版（您编辑的是第 {base_revision} 版），"
                    "为避免覆盖，本次未保存。请重新打开该填报，核对后再修改保存。",
                    kind=ErrorKind.CONFLICT,
                )
            old_text = self._revision_text(conn, filing_id, filing.current_revision)
            conn.execute("DELETE FROM drafts WHERE filing_id = ?", (filing_id,))
            if old_text == text:
                return filing.current_revision
            changes = diff_documents(load_json(old_text), document)
            if not changes:
                # Only the representation differs (12 vs "12", which the format treats as equal):
                # not worth a revision that no audit row could explain.
                return filing.current_revision
            number = filing.current_revision + 1
            period = str(document.get("period", filing.period))
            form_version = str(document.get("form_version", filing.form_version))
            if not is_valid_period(period):
                raise WorkspaceError(
                    f"填报期间“{period}”格式不对：月度填报写作 2026-10，年度填报写作 2026。请改正后重新保存。",
                    kind=ErrorKind.INVALID,
                )
            if (
                period != filing.period
                and conn.execute(
                    "SELECT 1 FROM filings WHERE enterprise_id = ? AND form_id = ? AND period = ? AND id != ?",
                    (filing.enterprise_id, filing.form_id, period, filing_id),
                ).fetchone()
                is not None
            ):
                raise self._duplicate_filing_error(conn, filing.enterprise_id, filing.form_id, period)
            conn.execute(
                "INSERT INTO revisions(filing_id, number, document, saved_at, reason, author)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (filing_id, number, text, at, reason, actor),
            )
            state = filing.state
            if state != STATE_DRAFT:
                changes.append(Change("state", state, STATE_DRAFT, "changed"))
                state = STATE_DRAFT
            conn.execute(
                "UPDATE filings SET current_revision = ?, period = ?, form_version = ?, state = ?, updated_at = ?"
                " WHERE id = ?",
                (number, period, form_version, state, at, filing_id),
            )
            self._audit_rows(conn, ENTITY_FILING, filing_id, changes, reason, actor, at)
        return number

    def autosave(
        self, filing_id: int, document: Mapping[str, Any], *, base_revision: int | None = None
    ) -> None:
        """Keep ``document`` as the filing's draft (one slot, overwritten; no revision, no audit).

        ``base_revision`` is the revision the editor loaded (default: the current one), so a
        recovered draft can tell that someone saved a newer revision meanwhile.
        """
        text = canonical_json(document)
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO drafts(filing_id, base_revision, document, saved_at)"
                " SELECT id, coalesce(?, current_revision), ?, ? FROM filings WHERE id = ?"
                " ON CONFLICT(filing_id) DO UPDATE SET base_revision = excluded.base_revision,"
                " document = excluded.document, saved_at = excluded.saved_at",
                (base_revision, text, _now(), filing_id),
            )
            if cursor.rowcount == 0:
                raise _not_found("该填报", filing_id)

    def recover_draft(self, filing_id: int) -> Draft | None:
        """The autosaved draft if it holds work not in the current revision, else None.

        Compare ``draft.base_revision`` with the filing's ``current_revision``: if they differ the
        draft was typed on top of an older revision that has since been superseded.
        """
        with self._reading() as conn:
            filing = self._filing_row(conn, filing_id)
            row = conn.execute(
                "SELECT base_revision, saved_at, document FROM drafts WHERE filing_id = ?", (filing_id,)
            ).fetchone()
            if row is None:
                return None
            if row[2] == self._revision_text(conn, filing_id, filing.current_revision):
                return None
        return Draft(filing_id, int(row[0]), str(row[1]), load_json(row[2]))

    def drafts_among(self, filing_ids: Iterable[int]) -> set[int]:
        """The filings among ``filing_ids`` whose autosaved draft holds work not in the current
        revision (:meth:`recover_draft` is not None), in one read for a year of cards."""
        wanted = sorted({int(i) for i in filing_ids})
        if not wanted:
            return set()
        found: set[int] = set()
        with self._reading() as conn:
            for chunk, marks in _in_chunks(wanted):
                rows = conn.execute(
                    "SELECT d.filing_id FROM drafts d JOIN filings f ON f.id = d.filing_id"
                    " JOIN revisions r ON r.filing_id = f.id AND r.number = f.current_revision"
                    f" WHERE d.filing_id IN ({marks}) AND d.document != r.document",
                    chunk,
                ).fetchall()
                found.update(int(row[0]) for row in rows)
        return found

    def discard_draft(self, filing_id: int) -> None:
        with self._writing() as conn:
            conn.execute("DELETE FROM drafts WHERE filing_id = ?", (filing_id,))

    def revisions(self, filing_id: int) -> list[RevisionInfo]:
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT filing_id, number, saved_at, reason, author FROM revisions"
                " WHERE filing_id = ? ORDER BY number",
                (filing_id,),
            ).fetchall()
        return [RevisionInfo(*row) for row in rows]

    def get_revision(self, filing_id: int, number: int) -> Revision | None:
        with self._reading() as conn:
            row = conn.execute(
                "SELECT filing_id, number, saved_at, reason, author, document FROM revisions"
                " WHERE filing_id = ? AND number = ?",
                (filing_id, number),
            ).fetchone()
        if row is None:
            return None
        return Revision(
            filing_id=row[0],
            number=row[1],
            saved_at=row[2],
            reason=row[3],
            author=row[4],
            document=load_json(row[5]),
        )

    def set_state(self, filing_id: int, state: str, reason: str = "", *, actor: str | None = None) -> Filing:
        """Move the filing to ``state`` (草稿 → 已校验 → 已导出; any → 草稿), audited."""
        if state not in FILING_STATES:
            raise ValueError(f"unknown filing state {state!r}; expected one of {FILING_STATES}")
        at = _now()
        with self._writing() as conn:
            filing = self._filing_row(conn, filing_id)
            if filing.state == state:
                return filing
            if state not in _TRANSITIONS[filing.state]:
                raise WorkspaceError(
                    f"填报状态不能从“{filing.state}”直接改为“{state}”。"
                    "请先校验通过（状态变为“已校验”）再导出正式申报包。",
                    kind=ErrorKind.INVALID,
                )
            conn.execute("UPDATE filings SET state = ?, updated_at = ? WHERE id = ?", (state, at, filing_id))
            self._audit_rows(
                conn,
                ENTITY_FILING,
                filing_id,
                [Change("state", filing.state, state, "changed")],
                reason,
                actor or self.actor,
                at,
            )
            return self._filing_row(conn, filing_id)

    # ------------------------------------------------------------------ audit

    def audit(
        self,
        filing_id: int | None = None,
        *,
        entity: str | None = None,
        entity_id: int | None = None,
        field_path: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Audit rows, oldest first. ``filing_id`` is short for entity="filing", entity_id=filing_id;
        ``field_path`` matches the path exactly or anything below it (``units[0]`` → its leaves)."""
        if filing_id is not None:
            entity, entity_id = ENTITY_FILING, filing_id
        clauses: list[str] = []
        params: list[Any] = []
        if entity is not None:
            clauses.append("entity = ?")
            params.append(entity)
        if entity_id is not None:
            clauses.append("entity_id = ?")
            params.append(entity_id)
        if field_path is not None:
            clauses.append("(field_path = ? OR substr(field_path, 1, ?) IN (?, ?))")
            params.extend([field_path, len(field_path) + 1, f"{field_path}.", f"{field_path}["])
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        order = " ORDER BY id"
        if limit is not None:
            # The newest `limit` rows, still returned oldest first.
            order = f" ORDER BY id DESC LIMIT {int(limit)}"
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT id, at, actor, entity, entity_id, field_path, old_value, new_value, reason"
                f" FROM audit_log{where}{order}",
                params,
            ).fetchall()
        if limit is not None:
            rows.reverse()
        return [
            AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], load_json(r[6]), load_json(r[7]), r[8])
            for r in rows
        ]

    # ------------------------------------------------------------------ submission packages

    _PACKAGE_COLUMNS = "id, filing_id, enterprise_id, form_id, period, path, sha256, created_at"

    def record_package(self, filing_id: int, path: Path | str, sha256: str) -> PackageRecord:
        """Remember an exported package so the next export of the series can chain its hash."""
        sha256 = sha256.lower()
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        at = _now()
        with self._writing() as conn:
            filing = self._filing_row(conn, filing_id)
            cursor = conn.execute(
                "INSERT INTO packages(filing_id, enterprise_id, form_id, period, path, sha256, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (filing_id, filing.enterprise_id, filing.form_id, filing.period, str(path), sha256, at),
            )
            package_id = int(cursor.lastrowid or 0)
        return PackageRecord(
            package_id, filing_id, filing.enterprise_id, filing.form_id, filing.period, str(path), sha256, at
        )

    def previous_package(self, filing_id: int) -> PackageRecord | None:
        """The package the next export of this filing chains to: the latest one of the same
        enterprise and form whose period is before this filing's, or an earlier package of this
        filing itself (a re-export), whichever is later."""
        with self._reading() as conn:
            filing = self._filing_row(conn, filing_id)
            row = conn.execute(
                f"SELECT {self._PACKAGE_COLUMNS} FROM packages"
                " WHERE enterprise_id = ? AND form_id = ? AND (period < ? OR filing_id = ?)"
                " ORDER BY filing_id = ? DESC, period DESC, id DESC LIMIT 1",
                (filing.enterprise_id, filing.form_id, filing.period, filing_id, filing_id),
            ).fetchone()
        return None if row is None else PackageRecord(*row)

    def packages(self, filing_id: int) -> list[PackageRecord]:
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {self._PACKAGE_COLUMNS} FROM packages WHERE filing_id = ? ORDER BY id", (filing_id,)
            ).fetchall()
        return [PackageRecord(*row) for row in rows]

    # ------------------------------------------------------------------ trusted signing keys

    def expected_fingerprint(self, uscc: str | None) -> str | None:
        """The active signing-key fingerprint remembered for this enterprise (io.package.KeyTrust)."""
        if not uscc:
            return None
        with self._reading() as conn:
            row = conn.execute(
                "SELECT fingerprint FROM signing_keys WHERE uscc = ? AND status = 'active'", (uscc,)
            ).fetchone()
        return None if row is None else str(row[0])

    def key_change_recorded(self, uscc: str | None, old: str, new: str) -> bool:
        """True if the user recorded that this enterprise's key changed from ``old`` to ``new``."""
        if not uscc:
            return False
        with self._reading() as conn:
            if not _has_table(conn, "key_changes"):
                return False
            row = conn.execute(
                "SELECT 1 FROM key_changes WHERE uscc = ? AND old_fingerprint = ? AND new_fingerprint = ?",
                (uscc, old, new),
            ).fetchone()
        return row is not None

    def remember_signing_key(
        self, uscc: str, fingerprint: str, public_key: str = "", source: str = ""
    ) -> bool:
        """Trust on first use: remember ``fingerprint`` as the enterprise's key if none is known.
        Returns True if it was remembered now; a different active key is never replaced here (that
        takes ``record_key_change`` with a reason)."""
        with self._writing() as conn:
            row = conn.execute(
                "SELECT fingerprint FROM signing_keys WHERE uscc = ? AND status = 'active'", (uscc,)
            ).fetchone()
            if row is not None:
                return False
            conn.execute(
                "INSERT INTO signing_keys(uscc, fingerprint, public_key, status, added_at, added_by, source)"
                " VALUES (?, ?, ?, 'active', ?, ?, ?) ON CONFLICT(uscc, fingerprint) DO UPDATE SET status = 'active'",
                (uscc, fingerprint, public_key, _now(), self.actor, source),
            )
        return True

    def record_key_change(
        self,
        uscc: str,
        new_fingerprint: str,
        reason: str,
        *,
        public_key: str = "",
        source: str = "",
        previous: str | None = None,
    ) -> str | None:
        """The enterprise's key changed (new computer, reinstall): retire the active key, make
        ``new_fingerprint`` the active one and keep the reason. Returns the retired fingerprint."""
        if not reason.strip():
            raise WorkspaceError(
                "记录密钥更换需要写明原因（例如“企业更换电脑，已电话核实新指纹”）。", kind=ErrorKind.INVALID
            )
        at = _now()
        with self._writing() as conn:
            row = conn.execute(
                "SELECT fingerprint FROM signing_keys WHERE uscc = ? AND status = 'active'", (uscc,)
            ).fetchone()
            old = previous if row is None else str(row[0])
            if old == new_fingerprint:
                return None
            conn.execute(
                "UPDATE signing_keys SET status = 'retired' WHERE uscc = ? AND status = 'active'", (uscc,)
            )
            conn.execute(
                "INSERT INTO signing_keys(uscc, fingerprint, public_key, status, added_at, added_by, source)"
                " VALUES (?, ?, ?, 'active', ?, ?, ?) ON CONFLICT(uscc, fingerprint) DO UPDATE SET status = 'active'",
                (uscc, new_fingerprint, public_key, at, self.actor, source),
            )
            conn.execute(
                "INSERT INTO key_changes(uscc, old_fingerprint, new_fingerprint, reason, at, actor)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (uscc, old or "", new_fingerprint, reason.strip(), at, self.actor),
            )
        return old

    def signing_keys(self, uscc: str | None = None) -> list[dict[str, str]]:
        where, params = ("WHERE uscc = ?", (uscc,)) if uscc else ("", ())
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT uscc, fingerprint, status, added_at, added_by, source FROM signing_keys"
                f" {where} ORDER BY uscc, id",
                params,
            ).fetchall()
        keys = ("uscc", "fingerprint", "status", "added_at", "added_by", "source")
        return [dict(zip(keys, map(str, row), strict=True)) for row in rows]

    # ------------------------------------------------------------------ settings

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self._reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else load_json(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        text = canonical_json(value)
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, text),
            )

    # ------------------------------------------------------------------ evidence catalog

    def record_evidence_file(
        self, sha256: str, size: int, stored_name: str, name: str, crc32: int | None = None
    ) -> None:
        """Called by ``self.evidence``; keeps the name the content was first attached under, and
        its CRC-32 if the row did not have one yet (attached before schema version 3)."""
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO evidence_files(sha256, size, stored_name, first_seen_name, added_at,"
                " crc32) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(sha256) DO UPDATE SET crc32 = coalesce(evidence_files.crc32, excluded.crc32)",
                (sha256, size, stored_name, name, _now(), crc32),
            )

    def evidence_crc32(self, hashes: Iterable[str]) -> dict[str, int]:
        """The CRC-32 kept for each of ``hashes`` that has one (the package's ZIP headers need it
        before the file's bytes). Empty for a file opened read-only at schema version 2, which
        has no such column yet."""
        wanted = sorted(set(hashes))
        if not wanted:
            return {}
        found: dict[str, int] = {}
        with self._reading() as conn:
            if int(conn.execute("PRAGMA user_version").fetchone()[0]) < 3:
                return found
            for chunk, marks in _in_chunks(wanted):
                for sha256, crc32 in conn.execute(
                    f"SELECT sha256, crc32 FROM evidence_files WHERE crc32 IS NOT NULL AND sha256 IN ({marks})",
                    chunk,
                ):
                    found[str(sha256)] = int(crc32)
        return found

    def remember_evidence_crc32(self, crcs: Mapping[str, int]) -> None:
        """Keep CRC-32s an export computed because it had none (files attached before schema
        version 3) or the kept one was wrong. Each was taken over bytes whose SHA-256 matched
        the attached hash, so it is the content's own."""
        if not crcs or self._read_only:
            return
        with self._writing() as conn:
            conn.executemany(
                "UPDATE evidence_files SET crc32 = ?1 WHERE sha256 = ?2 AND crc32 IS NOT ?1",
                [(int(crc) & 0xFFFFFFFF, sha256) for sha256, crc in crcs.items()],
            )

    def evidence_name(self, sha256: str) -> str | None:
        with self._reading() as conn:
            row = conn.execute(
                "SELECT first_seen_name FROM evidence_files WHERE sha256 = ?", (sha256,)
            ).fetchone()
        return None if row is None else str(row[0])

    # ------------------------------------------------------------------ maintenance

    def backup_to(self, target: Path | str) -> Path:
        """Consistent copy of the database (not the evidence folder) via SQLite's online backup;
        written beside ``target`` first and renamed into place, so a failed backup never leaves a
        half-written file under the final name."""
        with self._lock:
            return _backup(self._connection(), Path(target))

    def backup_archive(self, target: Path | str) -> BackupResult:
        """The whole workspace as one file: a consistent copy of the database (SQLite online backup)
        plus every evidence file, with a list of SHA-256 values (``backup.json``). Copying only the
        .cetsdb loses every evidence file. Written beside ``target`` and renamed into place; the
        file gets the user's normal permissions."""
        target = Path(target).expanduser().absolute()
        if target.exists() and target.is_dir():
            raise WorkspaceError(
                f"{target} 是文件夹；请给出备份文件名（如 工作区备份-2026-12-01.cetsbak）。",
                kind=ErrorKind.INVALID,
                path=target,
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise translate_os_error(exc, target.parent, "创建备份文件夹") from exc
        part = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
        db_copy = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.db.part")
        try:
            with self._lock:
                _backup(self._connection(), db_copy)
                evidence = self._evidence_files()
            db_sha, db_size = _hash_path(db_copy)
            rows: list[dict[str, Any]] = []
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
                zf.write(db_copy, BACKUP_DATABASE_NAME, compress_type=zipfile.ZIP_DEFLATED)
                for sha, path in evidence:
                    arcname = f"{BACKUP_EVIDENCE_DIR}{sha[:2]}/{sha}"
                    digest, size = _copy_into_zip(zf, path, arcname)
                    rows.append({"path": arcname, "sha256": digest, "size": size, "damaged": digest != sha})
                manifest = {
                    "format": BACKUP_FORMAT,
                    "created_at": _now(),
                    "created_by": f"{APP_NAME} {__version__}",
                    "workspace_uuid": self.uuid,
                    "source": str(self._path),
                    "schema_version": self.schema_version,
                    "database": {"path": BACKUP_DATABASE_NAME, "sha256": db_sha, "size": db_size},
                    "evidence": rows,
                }
                zf.writestr(BACKUP_MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(part, target)
        except OSError as exc:
            raise translate_os_error(exc, target, "备份工作区") from exc
        finally:
            part.unlink(missing_ok=True)
            db_copy.unlink(missing_ok=True)
        damaged = sum(1 for r in rows if r["damaged"])
        return BackupResult(target, target.stat().st_size, len(rows), sum(r["size"] for r in rows), damaged)

    def _evidence_files(self) -> list[tuple[str, Path]]:
        root = self.evidence.root
        found: list[tuple[str, Path]] = []
        if not root.is_dir():
            return found
        for folder in sorted(root.iterdir()):
            if not (folder.is_dir() and re.fullmatch(r"[0-9a-f]{2}", folder.name)):
                continue
            for path in sorted(folder.iterdir()):
                if (
                    path.is_file()
                    and re.fullmatch(r"[0-9a-f]{64}", path.name)
                    and path.name[:2] == folder.name
                ):
                    found.append((path.name, path))
        return found

    @classmethod
    def restore_archive(cls, archive: Path | str, target: Path | str) -> RestoreResult:
        """Unpack a ``backup_archive`` file into a new workspace at ``target`` (its evidence folder
        beside it). Every file is checked against the backup's SHA-256 list and the database with
        SQLite's integrity check before anything is moved into place; an existing workspace is
        never overwritten."""
        return restore_workspace(Path(archive), Path(target))

    def check_integrity(self) -> list[str]:
        """SQLite's quick_check; an empty list means the file is sound."""
        with self._reading() as conn:
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        return [] if rows == ["ok"] else rows


BACKUP_FORMAT = "cets-workspace-backup/1"
BACKUP_MANIFEST_NAME = "backup.json"
BACKUP_DATABASE_NAME = "workspace.cetsdb"
BACKUP_EVIDENCE_DIR = "evidence/"
_BACKUP_EVIDENCE_RE = re.compile(r"^evidence/([0-9a-f]{2})/([0-9a-f]{64})$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    evidence_count: int
    evidence_bytes: int
    damaged: int  # evidence files whose content no longer matched their hash when backed up


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    evidence_root: Path
    evidence_count: int


def _hash_path(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _copy_into_zip(zf: zipfile.ZipFile, source: Path, arcname: str) -> tuple[str, int]:
    """Stream ``source`` into the archive (stored: evidence is mostly PDF/JPEG, already compressed)."""
    h = hashlib.sha256()
    size = 0
    info = zipfile.ZipInfo(arcname, date_time=datetime.fromtimestamp(source.stat().st_mtime).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    with open(source, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        while chunk := src.read(_CHUNK):
            h.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _bad_backup(archive: Path, why: str) -> WorkspaceError:
    return WorkspaceError(
        f"{archive} 不是可用的工作区备份（{why}）。请确认选择的是“备份工作区”生成的文件，且文件完整。",
        kind=ErrorKind.INVALID,
        path=archive,
    )


def restore_workspace(archive: Path, target: Path) -> RestoreResult:
    archive = archive.expanduser().absolute()
    target = target.expanduser().absolute()
    evidence_root = _evidence_root(target)
    if not archive.is_file():
        raise WorkspaceError(f"找不到备份文件 {archive}。", kind=ErrorKind.NOT_FOUND, path=archive)
    if target.exists() or evidence_root.exists():
        raise WorkspaceError(
            f"{target if target.exists() else evidence_root} 已存在，恢复不会覆盖现有工作区。"
            "请给出一个新的工作区文件名（如 恢复的工作区.cetsdb），或先把现有的移走。",
            kind=ErrorKind.CONFLICT,
            path=target,
        )
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _bad_backup(archive, "不是完整的 ZIP 文件") from exc
    staging = target.with_name(f".{target.name}.restore-{uuid.uuid4().hex[:8]}")
    with zf:
        try:
            manifest = json.loads(zf.read(BACKUP_MANIFEST_NAME).decode("utf-8"))
        except (KeyError, ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
            raise _bad_backup(archive, "缺少或无法读取备份清单 backup.json") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
            raise _bad_backup(archive, "备份格式无法识别")
        database = manifest.get("database") or {}
        rows = manifest.get("evidence")
        if not isinstance(rows, list) or database.get("path") != BACKUP_DATABASE_NAME:
            raise _bad_backup(archive, "备份清单格式不正确")
        expected: dict[str, str] = {BACKUP_DATABASE_NAME: str(database.get("sha256", ""))}
        for row in rows:
            path = row.get("path") if isinstance(row, dict) else None
            if not isinstance(path, str) or not _BACKUP_EVIDENCE_RE.match(path):
                raise _bad_backup(archive, f"清单中有不安全或无法识别的文件名 {path!r}")
            expected[path] = str(row.get("sha256", ""))
        names = {i.filename for i in zf.infolist()} - {BACKUP_MANIFEST_NAME}
        if names != set(expected):
            extra = sorted(names - set(expected))[:3]
            missing = sorted(set(expected) - names)[:3]
            raise _bad_backup(archive, f"文件与清单不一致：多出 {extra}，缺少 {missing}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging.mkdir()
            restored = 0
            for info in zf.infolist():
                if info.filename == BACKUP_MANIFEST_NAME:
                    continue
                out = staging / "db" if info.filename == BACKUP_DATABASE_NAME else staging / info.filename
                out.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                with zf.open(info) as src, open(out, "wb") as dst:
                    while chunk := src.read(_CHUNK):
                        h.update(chunk)
                        dst.write(chunk)
                    dst.flush()
                    os.fsync(dst.fileno())
                if h.hexdigest() != expected[info.filename]:
                    raise _bad_backup(archive, f"{info.filename} 的校验值与备份清单不符，文件已损坏")
                m = _BACKUP_EVIDENCE_RE.match(info.filename)
                if m and m.group(2) != h.hexdigest():
                    # Backed up already damaged: restore it but never under a name it does not match.
                    out.unlink()
                    continue
                restored += 1 if m else 0
            conn = sqlite3.connect(f"{(staging / 'db').as_uri()}?mode=ro", uri=True)
            try:
                check = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            finally:
                conn.close()
            if check != ["ok"]:
                raise _bad_backup(archive, "数据库完整性检查未通过")
            if version > MIGRATIONS[-1].version:
                raise too_new_backup(archive, version)
            evidence_staged = staging / "evidence"
            evidence_staged.mkdir(exist_ok=True)
            os.replace(evidence_staged, evidence_root)
            os.replace(staging / "db", target)
        except zipfile.BadZipFile as exc:
            raise _bad_backup(archive, "ZIP 数据已损坏") from exc
        except sqlite3.Error as exc:
            raise _bad_backup(archive, "其中的数据库无法读取") from exc
        except OSError as exc:
            raise translate_os_error(exc, target, "恢复工作区") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(target, evidence_root, restored)


def too_new_backup(archive: Path, version: int) -> WorkspaceError:
    return WorkspaceError(
        f"备份 {archive} 来自更新版本的 cets-desktop（数据格式版本 {version}），请先升级本程序再恢复。",
        kind=ErrorKind.TOO_NEW,
        path=archive,
    )


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )


def _backup(conn: sqlite3.Connection, target: Path) -> Path:
    target = target.expanduser().absolute()
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        destination = sqlite3.connect(str(temporary))
        try:
            conn.backup(destination)
            # The copy must open in any mode; a WAL flag would need -wal/-shm beside it.
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, target) from exc
    except OSError as exc:
        raise translate_os_error(exc, target, "备份工作区") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return target
