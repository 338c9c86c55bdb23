"""Saving a workbook: openpyxl's own writer, with the worksheet cells serialised directly.

Without lxml (not a dependency: it changes how every workbook is read), openpyxl writes each
cell by building an ElementTree element and serialising it through et_xmlfile's namespace-aware
incremental writer — about 20 µs a cell, most of a data workbook's save. The cells our workbooks
hold (numbers, booleans, inline strings, styled empty cells) are written here as the same bytes
that writer produces (``tests/io/test_xlsx_writer.py`` compares every sheet of every form's
workbooks byte for byte); any other cell (formulas, dates, rich text, hyperlinks, comments) goes
through openpyxl's writer unchanged. Everything else — styles, merged cells, validations,
protection, defined names, the package parts — is openpyxl's code.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any
from xml.etree.ElementTree import _escape_cdata  # type: ignore[attr-defined]  # what et_xmlfile uses
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import LXML
from openpyxl import __version__ as OPENPYXL_VERSION
from openpyxl.cell._writer import write_cell as _openpyxl_write_cell
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

_TYPE_ATTR = {"n": ' t="n"', "b": ' t="b"', "s": ' t="inlineStr"'}


def _write_cell(write: Any, xf: Any, ws: Any, cell: Any, styled: bool, style_ids: dict[bytes, int]) -> None:
    """One cell as et_xmlfile writes it (attributes r, s, t in that order; ``<c … />`` when
    empty), or openpyxl's writer for anything but a plain number, boolean or string.

    ``style_ids``: the workbook's cell-style index of each style seen so far. ``cell.style_id``
    hashes the style and adds it to the workbook's list on every call; asked once per distinct
    style, in the order of first use, it gives the same indices."""
    data_type = cell.data_type
    value = cell._value
    kind = _TYPE_ATTR.get(data_type)
    if kind is None or cell.hyperlink or (data_type == "s" and value is not None and type(value) is not str):
        _openpyxl_write_cell(xf, ws, cell, styled)
        return
    if styled:
        key = cell._style.tobytes()
        style_id = style_ids.get(key)
        if style_id is None:
            style_id = style_ids[key] = cell.style_id
        head = f'<c r="{cell.coordinate}" s="{style_id}"{kind}'
    else:
        head = f'<c r="{cell.coordinate}"{kind}'
    if value is None or value == "":
        write(head + " />")
    elif data_type == "s":
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and value != stripped else ""
        write(f"{head}><is><t{space}>{_escape_cdata(value)}</t></is></c>")
    else:
        write(f"{head}><v>{_escape_cdata(safe_string(value))}</v></c>")


class _SheetWriter(WorksheetWriter):
    def __init__(self, ws: Any, style_ids: dict[bytes, int]) -> None:
        super().__init__(ws)
        self._style_ids = style_ids

    def write_row(self, xf: Any, row: Iterable[Any], row_idx: int) -> None:
        # openpyxl 3.1's WorksheetWriter.write_row, with the cell writer above.
        ws: Any = self.ws
        attrs = {"r": f"{row_idx}"}
        attrs.update(ws.row_dimensions.get(row_idx, {}))
        write = xf._file  # et_xmlfile's output callable; the row's start tag is written by now
        with xf.element("row", attrs):
            for cell in row:
                if cell._comment is not None:
                    from openpyxl.comments.comment_sheet import CommentRecord

                    ws._comments.append(CommentRecord.from_cell(cell))
                if cell._value is None and not cell.has_style and not cell._comment:
                    continue
                _write_cell(write, xf, ws, cell, cell.has_style, self._style_ids)


class _Writer(ExcelWriter):
    def __init__(self, workbook: Workbook, archive: ZipFile) -> None:
        super().__init__(workbook, archive)
        self._style_ids: dict[bytes, int] = {}

    def write_worksheet(self, ws: Any) -> None:
        # openpyxl 3.1's ExcelWriter.write_worksheet, with the sheet writer above.
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer: Any = _SheetWriter(ws, self._style_ids)
        writer.write()
        ws._rels = writer._rels
        archive: ZipFile = getattr(self, "_archive")  # noqa: B009 - not in openpyxl's stubs
        archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


def save_workbook_bytes(wb: Workbook) -> bytes:
    """The ``.xlsx`` bytes ``wb.save(buffer)`` writes (same parts, same sheet XML)."""
    buffer = io.BytesIO()
    # The writer classes above copy openpyxl 3.1's; another release saves as openpyxl saves.
    if LXML or wb.write_only or not OPENPYXL_VERSION.startswith("3.1."):
        wb.save(buffer)
        return buffer.getvalue()
    archive = ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    _Writer(wb, archive).save()
    return buffer.getvalue()
