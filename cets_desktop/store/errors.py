"""The one exception the workspace raises for problems a user can act on.

Both front ends rely on it: the CLI prints ``str(error)`` on stderr and exits with status 2, the
GUI shows it in a dialog. The message is therefore one line of Chinese that names the file, says
what is wrong and what to do. ``kind`` lets a caller react without parsing text (e.g. offer
"重试" for a locked workspace).
"""

from __future__ import annotations

import errno
import sqlite3
from enum import StrEnum
from pathlib import Path


class ErrorKind(StrEnum):
    LOCKED = "locked"
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    CORRUPT = "corrupt"
    NOT_WORKSPACE = "not_workspace"
    TOO_NEW = "too_new"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID = "invalid"
    EVIDENCE = "evidence"
    CANCELLED = "cancelled"
    IO = "io"


class WorkspaceError(Exception):
    """A workspace operation failed; ``str(self)`` is the one-line Chinese message for the user."""

    def __init__(self, message: str, *, kind: ErrorKind = ErrorKind.IO, path: Path | str | None = None):
        # Dialogs and stderr both expect exactly one line.
        self.message = " ".join(message.split())
        self.kind = kind
        self.path = Path(path) if path is not None else None
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


# Primary SQLite result codes (https://sqlite.org/rescode.html); extended codes carry the primary
# code in their low byte.
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        # Errors raised by the sqlite3 module itself carry no code; fall back to SQLite's wording.
        text = str(exc).lower()
        for needle, primary in (
            ("database is locked", _SQLITE_BUSY),
            ("readonly database", _SQLITE_READONLY),
            ("database or disk is full", _SQLITE_FULL),
            ("file is not a database", _SQLITE_NOTADB),
            ("malformed", _SQLITE_CORRUPT),
            ("unable to open database", _SQLITE_CANTOPEN),
            ("disk i/o error", _SQLITE_IOERR),
        ):
            if needle in text:
                return primary
        return None
    return int(code) & 0xFF


def locked_error(db_path: Path | str) -> WorkspaceError:
    return WorkspaceError(
        f"工作区文件 {db_path} 正被其他程序占用（可能是另一个 cets-desktop 窗口或命令正在写入），本次操作未保存。"
        "请关闭其他 cets-desktop 窗口后重试。",
        kind=ErrorKind.LOCKED,
        path=db_path,
    )


def read_only_error(db_path: Path | str) -> WorkspaceError:
    return WorkspaceError(
        f"工作区文件 {db_path} 是只读的（或所在文件夹不允许写入），无法保存修改。"
        "请在文件属性中取消“只读”、确认对该文件夹有写入权限，或把工作区复制到可写的位置后重新打开。",
        kind=ErrorKind.READ_ONLY,
        path=db_path,
    )


def disk_full_error(db_path: Path | str) -> WorkspaceError:
    return WorkspaceError(
        f"磁盘空间不足，工作区文件 {db_path} 本次未能保存，上一次保存的版本仍完好。请清理磁盘空间后重试。",
        kind=ErrorKind.DISK_FULL,
        path=db_path,
    )


def corrupt_error(db_path: Path | str) -> WorkspaceError:
    return WorkspaceError(
        f"工作区文件 {db_path} 已损坏或不是 SQLite 数据库文件，无法使用。"
        "请不要继续写入它，从备份恢复该文件（或新建一个工作区）后重试。",
        kind=ErrorKind.CORRUPT,
        path=db_path,
    )


def translate_sqlite_error(exc: sqlite3.Error, db_path: Path | str) -> WorkspaceError:
    """Turn a sqlite3 exception into the message a user of ``db_path`` can act on."""
    code = _primary_code(exc)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return locked_error(db_path)
    if code in (_SQLITE_READONLY, _SQLITE_PERM):
        return read_only_error(db_path)
    if code == _SQLITE_FULL:
        return disk_full_error(db_path)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return corrupt_error(db_path)
    if code == _SQLITE_CANTOPEN:
        return WorkspaceError(
            f"无法打开工作区文件 {db_path}：文件夹不存在或没有访问权限。请检查路径和权限后重试。",
            kind=ErrorKind.IO,
            path=db_path,
        )
    if code == _SQLITE_IOERR:
        return WorkspaceError(
            f"读写工作区文件 {db_path} 时发生磁盘错误，本次操作未保存。请检查磁盘或网络盘连接后重试。",
            kind=ErrorKind.IO,
            path=db_path,
        )
    return WorkspaceError(
        f"工作区文件 {db_path} 操作失败（{exc}），本次操作未保存。请重试；如反复出现，请把此消息发给技术支持。",
        kind=ErrorKind.IO,
        path=db_path,
    )


# Not every errno exists on every platform (Windows maps ERROR_DISK_FULL to ENOSPC).
_NO_WRITE_ERRNOS = {getattr(errno, name) for name in ("EACCES", "EPERM", "EROFS") if hasattr(errno, name)}
_DISK_FULL_ERRNOS = {getattr(errno, name) for name in ("ENOSPC", "EDQUOT") if hasattr(errno, name)}


def translate_os_error(exc: OSError, file: Path | str, doing: str) -> WorkspaceError:
    """Message for a file-system failure while ``doing`` (e.g. "存入证据文件") with ``file``."""
    if isinstance(exc, FileNotFoundError):
        return WorkspaceError(
            f"找不到文件 {file}，{doing}失败。请确认文件仍在原位置（没有被移动、改名或删除）后重试。",
            kind=ErrorKind.NOT_FOUND,
            path=file,
        )
    if isinstance(exc, IsADirectoryError):
        return WorkspaceError(
            f"{file} 是文件夹而不是文件，{doing}失败。请选择文件夹里的具体文件。",
            kind=ErrorKind.INVALID,
            path=file,
        )
    if isinstance(exc, PermissionError) or exc.errno in _NO_WRITE_ERRNOS:
        return WorkspaceError(
            f"没有权限访问 {file}，{doing}失败。请确认文件没有被其他程序独占打开、您有读写权限后重试。",
            kind=ErrorKind.READ_ONLY,
            path=file,
        )
    if exc.errno in _DISK_FULL_ERRNOS:
        return WorkspaceError(
            f"磁盘空间不足，{doing}失败（{file}），工作区中没有留下不完整的文件。请清理磁盘空间后重试。",
            kind=ErrorKind.DISK_FULL,
            path=file,
        )
    return WorkspaceError(
        f"{doing}失败（{file}）：{exc.strerror or exc}。请检查文件和磁盘后重试。",
        kind=ErrorKind.IO,
        path=file,
    )
