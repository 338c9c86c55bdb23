"""Writing files so that a crash, a full disk or a locked target never leaves a half file.

Write to a temp file in the destination folder, flush + fsync, then ``os.replace``. Errors
become :class:`OutputError` with a Chinese message naming the file and what to do.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def describe_os_error(exc: OSError, target: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，未能写入 {target}；请清理磁盘后重试（原有文件未改动）"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入权限：{target}（文件夹只读或文件被占用）；请换一个输出位置，或关闭占用该文件的程序（如 Excel）"
    if exc.errno == errno.ENOENT:
        return f"输出文件夹不存在：{target.parent}；请先创建或换一个位置"
    if exc.errno in (errno.ENOTDIR,):
        return f"输出路径无效：{target.parent} 不是文件夹"
    if exc.errno == errno.EISDIR:
        return f"{target} 是文件夹；请给出文件名"
    return f"无法写入 {target}：{exc.strerror or exc}"


def _umask() -> int:
    """The process umask, read without changing it (os.umask would, for a moment, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _give_default_permissions(fd: int) -> None:
    """mkstemp creates owner-only (0600) files; an output file (PDF, workbook, JSON) gets the
    user's normal permissions instead, as if created by open(): 0666 minus the umask. Windows
    files take their folder's ACL, so there is nothing to change there."""
    if os.name != "nt":
        os.fchmod(fd, 0o666 & ~_umask())


def atomic_write_bytes(target: Path, data: bytes) -> None:
    target = Path(target)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        _give_default_permissions(fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise OutputError(describe_os_error(exc, target)) from None
    finally:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
