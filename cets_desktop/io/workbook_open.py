"""Opening a workbook a user gives us: what it is, whether it is within limits, and a reader for it.

One job: from a path (or bytes from standard input) to an open workbook — openpyxl read-only for
``.xlsx``/``.xlsm``, calamine for ``.xls``/``.ods`` — or one Chinese :class:`ImportFailure`
saying what to do. Limits a real filing workbook never reaches:

* regular files only, at most :data:`~cets_desktop.core.input_files.MAX_INPUT_BYTES` (a FIFO
  or a link to ``/dev/zero`` is refused before it is opened);
* unpacked at most :data:`MAX_UNPACKED` in all and :data:`MAX_PART` per part. ``zipfile``
  never returns more bytes than a member's declared size (it fails the CRC instead), so the
  declared sizes bound what reading can hold in memory;
* at most :data:`MAX_MEMBERS` parts.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.input_files import UnreadableFile, read_input_file, sniff
from .sheet_readers import GridWorkbook, calamine_available
from .workbook_xml import SheetScan, SheetXml

MAX_UNPACKED = 200 * 1024 * 1024
"""All parts together, unpacked. A filled template is 1–5 MB unpacked."""
MAX_PART = 100 * 1024 * 1024
"""One part (a sheet's XML, the shared strings)."""
MAX_MEMBERS = 5000
MAX_SHEET_ROWS = 50000
"""Rows read from one sheet, blank ones included (formatted empty rows count too)."""


class ImportFailure(Exception):
    """The file cannot be used at all (not a workbook, encrypted, corrupt, unreadable, unknown form)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _NoXml:
    """.xls / .ods: no raw sheet XML to scan (calamine reads values only)."""

    untrusted_cache = False

    def scan(self, title: str) -> SheetScan:
        return SheetScan([], set(), set())


@dataclass
class OpenedWorkbook:
    wb: Any
    """openpyxl read-only workbook, or :class:`GridWorkbook` for .xls/.ods."""
    xml: Any
    kind: str
    archive: zipfile.ZipFile | None = None

    def close(self) -> None:
        self.wb.close()
        if self.archive is not None:
            self.archive.close()


def read_workbook_bytes(path: Path) -> bytes:
    try:
        return read_input_file(path)
    except UnreadableFile as exc:
        raise ImportFailure(exc.message) from None


def open_workbook(path: Path, data: bytes) -> OpenedWorkbook:
    """An open workbook for ``data`` (named ``path`` in messages), or :class:`ImportFailure`."""
    name = path.name
    if not data.strip():
        raise ImportFailure(f"{name} 是空文件（0 字节）；请重新保存或重新导出")
    kind = sniff(data)
    if kind == "encrypted":
        raise ImportFailure(
            f"{name} 设置了打开密码（已加密），无法读取；请在 Excel 中"
            "“文件 → 信息 → 保护工作簿 → 用密码进行加密”清除密码后另存，再导入"
        )
    if kind == "json":
        raise ImportFailure(
            f"{name} 不是 Excel .xlsx 文件，也不是 .xls 或 .ods 表格（可能是 CSV、文本或其他格式的文件"
            "改了扩展名）；请在 Excel 中另存为“Excel 工作簿(*.xlsx)”后再导入"
        )
    if kind == "zip":
        raise ImportFailure(
            f"{name} 已损坏或不是 Excel 工作簿（是一个不含工作表的压缩包）；如果是申报包，请用 verify 命令检查"
        )
    if kind == "xls":
        return _open_with_calamine(name, data, "xls")
    archive = _checked_archive(name, data)
    if kind == "ods":
        archive.close()
        return _open_with_calamine(name, data, "ods")
    try:
        from openpyxl import load_workbook

        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # openpyxl warns about extensions it drops; users cannot act on it
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input means "corrupt"
        archive.close()
        raise ImportFailure(
            f"{name} 已损坏或不是有效的 Excel 工作簿（{type(exc).__name__}）；"
            "请在 Excel 中打开并另存为 .xlsx 后重试"
        ) from None
    return OpenedWorkbook(wb, SheetXml(archive), "xlsx", archive)


def _checked_archive(name: str, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - zipfile raises several types for a damaged directory
        raise ImportFailure(
            f"{name} 已损坏或不是有效的 Excel 工作簿（{type(exc).__name__}）；"
            "请在 Excel 中打开并另存为 .xlsx 后重试"
        ) from None
    if len(infos) > MAX_MEMBERS:
        archive.close()
        raise ImportFailure(
            f"{name} 内含 {len(infos)} 个部件，超过上限 {MAX_MEMBERS}；不是正常的填报工作簿，请检查文件"
        )
    total = sum(i.file_size for i in infos)
    biggest = max((i.file_size for i in infos), default=0)
    if total > MAX_UNPACKED or biggest > MAX_PART:
        archive.close()
        raise ImportFailure(
            f"{name} 解压后有 {total / 1024 / 1024:.0f} MB，超过上限 {MAX_UNPACKED // 1024 // 1024} MB"
            f"（单个部件上限 {MAX_PART // 1024 // 1024} MB）；正常的填报工作簿解压后只有几 MB，"
            "请检查文件是否正确（可能是压缩炸弹或包含了大量无关内容）"
        )
    return archive


def _open_with_calamine(name: str, data: bytes, kind: str) -> OpenedWorkbook:
    label = "旧版 .xls 格式的 Excel " if kind == "xls" else "OpenDocument 表格（.ods）"
    if not calamine_available():
        raise ImportFailure(
            f"{name} 是{label}文件，本安装缺少读取它的组件；请在 Excel 或 WPS 中"
            "“另存为 → Excel 工作簿(*.xlsx)”后再导入"
        )
    try:
        wb = GridWorkbook(data, MAX_SHEET_ROWS + 1)
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for damaged files
        if type(exc).__name__ == "PasswordError":
            raise ImportFailure(f"{name} 设置了打开密码，无法读取；请清除密码后另存为 .xlsx 再导入") from None
        raise ImportFailure(
            f"{name} 是{label}文件，但已损坏或无法读取（{type(exc).__name__}）；"
            "请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试"
        ) from None
    return OpenedWorkbook(wb, _NoXml(), kind)
