"""Reading an input file a user names: regular files only, bounded in size, kind told by content.

Users pick files from anywhere (a USB stick, a mail attachment renamed to .xlsx, a pipe), so a
file is read only after ``stat`` says it is a regular file (a FIFO would block forever, a
symlink to ``/dev/zero`` would fill the memory), never more than :data:`MAX_INPUT_BYTES`, and
its kind (filing JSON, .xlsx, .xls, .ods) comes from its first bytes, not from its name.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import zipfile
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, Literal

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""A filled workbook or filing JSON is at most a few MB; 64 MB is far above any real one."""
STDIN_NAME = "标准输入"

InputKind = Literal["json", "xlsx", "xls", "ods", "zip", "encrypted"]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


class UnreadableFile(Exception):
    """The file cannot be read at all; ``message`` is one Chinese line saying why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def read_input_file(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or :class:`UnreadableFile`."""
    path = Path(path)
    try:
        info = path.stat()  # follows symlinks: a link to /dev/zero is judged by what it points at
    except FileNotFoundError:
        raise UnreadableFile(f"找不到文件 {path}") from None
    except OSError as exc:
        raise UnreadableFile(f"无法读取 {path}（{_reason(exc)}）") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile(f"{path} 是文件夹，不是填报文件或 Excel 工作簿")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(
            f"{path} 不是普通文件（可能是管道、设备或特殊文件），无法作为填报文件读取；"
            "请先把内容保存为文件再打开"
        )
    if info.st_size > limit:
        raise UnreadableFile(
            f"{path.name} 有 {_mb(info.st_size)}，超过可读取的上限 {_mb(limit)}；"
            "正常的填报文件只有几 MB，请检查是否选错了文件"
        )
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(_open_problem(path, exc)) from None
    with os.fdopen(fd, "rb") as fh:
        return _read_bounded(fh, limit, path.name)


def read_stdin(limit: int = MAX_INPUT_BYTES, stream: BinaryIO | None = None) -> bytes:
    """``-`` as input: standard input, bounded like a file."""
    source = stream if stream is not None else sys.stdin.buffer
    data = _read_bounded(source, limit, STDIN_NAME)
    if not data.strip():
        raise UnreadableFile(
            f"{STDIN_NAME}没有内容；请用管道或重定向提供填报文件，如 cets-desktop validate - < 填报.json"
        )
    return data


def _read_bounded(fh: BinaryIO, limit: int, name: str) -> bytes:
    try:
        data = fh.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(f"无法读取 {name}（{_reason(exc)}）") from None
    if len(data) > limit:
        raise UnreadableFile(
            f"{name} 超过可读取的上限 {_mb(limit)}；正常的填报文件只有几 MB，请检查是否选错了文件"
        )
    return data


def _open_problem(path: Path, exc: OSError) -> str:
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"无法读取 {path}：没有读取权限，或文件被其他程序（如 Excel）占用；请关闭该文件或检查权限后重试"
        )
    if exc.errno == errno.EBUSY:
        return f"无法读取 {path}：文件被锁定；请在其他程序中关闭该文件后重试"
    return f"无法读取 {path}（{_reason(exc)}）"


def _reason(exc: OSError) -> str:
    return {
        errno.EACCES: "没有权限",
        errno.EPERM: "没有权限",
        errno.ENOENT: "不存在",
        errno.EIO: "读取出错，存储设备可能有问题",
        errno.ELOOP: "符号链接循环",
        errno.ENAMETOOLONG: "路径过长",
        errno.EISDIR: "是文件夹",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def sniff(data: bytes) -> InputKind:
    """What the bytes are, whatever the file is called."""
    if data.startswith(OLE_MAGIC):
        # An encrypted .xlsx is an OLE container holding EncryptionInfo; anything else is BIFF (.xls).
        return "encrypted" if "EncryptionInfo".encode("utf-16-le") in data[: 1 << 20] else "xls"
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    info = archive.getinfo("mimetype")
                    if info.file_size < 200 and archive.read("mimetype").strip() == _ODS_MIME:
                        return "ods"
                if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
            return "xlsx"  # a damaged workbook: the workbook reader says so, with what to do
        return "zip"
    return "json"
