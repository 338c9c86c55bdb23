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
    if exc.errno == errno.EFBIG:
        return (
            f"文件过大，目标磁盘不能保存：{target}（U 盘等 FAT32 格式的磁盘单个文件不能超过 4 GB）；"
            "请换一个 NTFS/exFAT 格式的位置，或减少附带的支撑材料（原有文件未改动）"
        )
    if exc.errno == getattr(errno, "EDQUOT", -1):
        return f"磁盘配额已用完，未能写入 {target}；请清理空间或联系管理员（原有文件未改动）"
    if exc.errno == errno.EROFS:
        return f"目标位置是只读的，不能写入 {target}；请换一个输出位置"
    if exc.errno == errno.ENAMETOOLONG:
        return f"文件名或路径过长，无法写入 {target}；请换一个较短的文件名或位置"
    if exc.errno == errno.EIO:
        return f"写入 {target} 时存储设备出错（可能是 U 盘被拔出或损坏）；请检查设备后重试（原有文件未改动）"
    if exc.errno in (errno.ETXTBSY, errno.EBUSY):
        return f"{target} 正被其他程序使用，无法写入；请关闭该程序后重试"
    return f"无法写入 {target}：{_plain_reason(exc)}"


def _plain_reason(exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"{reason}（错误号 {exc.errno}）" if exc.errno else reason


STDOUT = "-"


def is_stdout(target: object) -> bool:
    """``-`` as an output file means standard output."""
    return str(target) == STDOUT


def write_stdout(data: bytes) -> None:
    import sys

    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise OutputError("输出管道已关闭（接收数据的程序已退出），未写完") from None
    except OSError as exc:
        raise OutputError(describe_os_error(exc, Path("标准输出"))) from None


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


def _is_special(target: Path) -> bool:
    """An existing device or pipe (``/dev/null``, a FIFO): written into, never replaced by a file."""
    import stat

    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_special(target: Path, data: bytes) -> None:
    try:
        with open(target, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, target)) from None


def atomic_write_bytes(target: Path, data: bytes) -> None:
    if is_stdout(target):
        write_stdout(data)
        return
    target = Path(target)
    if _is_special(target):
        _write_special(target, data)
        return
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
            try:
                os.unlink(tmp_name)
            except OSError:
                pass  # the real error is already being reported; a leftover temp file is harmless
