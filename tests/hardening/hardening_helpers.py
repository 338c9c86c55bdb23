"""Helpers for the hardening tests: the CLI as a subprocess, one-line checks, an .ods writer."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def run_cli(
    *args: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "tests"),
        PYTHON_KEYRING_BACKEND="support.process_keyring.ProcessMemoryKeyring",
    )
    env.pop("CETS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args],
        capture_output=True,
        timeout=timeout,
        env=env,
        input=stdin if stdin is not None else b"",
    )


def one_chinese_line(result: subprocess.CompletedProcess[bytes]) -> str:
    """stderr is exactly one line, in Chinese, with no traceback and no internal error."""
    text = result.stderr.decode("utf-8", "replace").strip()
    assert "Traceback" not in text and "内部错误" not in text, text
    assert len(text.splitlines()) == 1, text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    return text


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
            f"<text:p>{'是' if value else '否'}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value!r}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime | date):
        iso = value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
        return f'<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{iso}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice or WPS saves as .ods)."""
    body = []
    for name, rows in sheets.items():
        cells = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows
        )
        body.append(f'<table:table table:name="{escape(name)}">{cells or "<table:table-row/>"}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def workbook_as_grid(path: Path) -> dict[str, list[list[Any]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
