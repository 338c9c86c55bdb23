"""io/xlsx_writer writes the bytes openpyxl's own save writes: every part of every form's blank
template, the demo's data workbook with calculated values and the 计算过程 sheet, and the cell
kinds it serialises itself (numbers, booleans, strings needing escapes or xml:space, styled empty
cells) next to those it hands back to openpyxl (formulas, dates, hyperlinks, comments)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook import Workbook

from cets_desktop.core.calc import explain_all, rounded_values
from cets_desktop.core.document import parse_document
from cets_desktop.core.loader import default_registry
from cets_desktop.core.rules import evaluate
from cets_desktop.demo import power_month_document
from cets_desktop.io import xlsx_template, xlsx_writer
from cets_desktop.io.xlsx_writer import save_workbook_bytes

# The only bytes allowed to differ: when the workbook object was created and saved.
_STAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: _STAMPS.sub(b"", zf.read(name)) for name in zf.namelist()}


def _openpyxl_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _assert_same(build: object) -> None:
    assert callable(build)
    expected = _parts(_openpyxl_bytes(build()))
    actual = _parts(save_workbook_bytes(build()))
    assert list(actual) == list(expected)  # same parts, same order
    for name in expected:
        assert actual[name] == expected[name], name


@pytest.mark.parametrize("form_id", sorted({s.id for s in default_registry().all()}))
def test_every_blank_template_is_openpyxls_bytes(form_id: str) -> None:
    spec = default_registry().latest(form_id)
    assert spec is not None
    _assert_same(lambda: xlsx_template.build_workbook(spec))


def test_the_demo_data_workbook_is_openpyxls_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = parse_document(power_month_document(9))
    spec = default_registry().for_period("power-monthly", doc.period)
    assert spec is not None
    ev = evaluate(spec, doc)
    values = rounded_values(spec, ev.values)
    assert ev.env is not None
    expl = explain_all(spec, ev.values, ev.env)
    cells = 0

    def build() -> Workbook:
        nonlocal cells
        wb = xlsx_template.build_workbook(spec, doc, values, expl)
        cells = sum(len(ws._cells) for ws in wb.worksheets)
        return wb

    handed_back: list[str] = []
    real = xlsx_writer._openpyxl_write_cell
    monkeypatch.setattr(
        xlsx_writer,
        "_openpyxl_write_cell",
        lambda xf, ws, cell, styled: handed_back.append(cell.coordinate) or real(xf, ws, cell, styled),
    )
    _assert_same(build)
    assert cells > 1000  # a real workbook, not an empty one
    assert len(handed_back) <= 5  # all but a date or two are written directly
    # And it reads back: the calculated emissions are in the workbook as numbers.
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_template.workbook_bytes(spec, doc, ev.values, expl)))
    numbers = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, int | float) and v > 0 for v in numbers)


def test_each_cell_kind_is_openpyxls_bytes() -> None:
    def build() -> Workbook:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        values = [
            12,
            -0.5,
            1e-7,
            12345678901234567890,
            Decimal("469997.90"),
            True,
            False,
            "烟煤 & <焦炭> \"引号\" 'a'",
            "  前后有空格  ",
            "   ",
            "\t制表\n换行",
            "",
            None,
            "=SUM(A1:A2)",
            dt.date(2026, 10, 31),
            dt.datetime(2026, 10, 31, 8, 30),
        ]
        for r, value in enumerate(values, 1):
            plain = ws.cell(row=r, column=1, value=value)
            styled = ws.cell(row=r, column=2, value=value)
            styled.font = bold
            if r % 2:
                styled.fill = fill
            styled.number_format = "#,##0.00" if r % 3 else "@"
            ws.cell(row=r, column=3, value=value).font = Font(italic=True)
            assert plain.row == r
        ws["D1"] = "链接"
        ws["D1"].hyperlink = "https://www.mee.gov.cn/"
        ws["D2"] = "批注"
        ws["D2"].comment = Comment("说明", "作者")
        ws["D3"].font = bold  # styled, no value
        ws.merge_cells("E1:F2")
        ws.row_dimensions[5].height = 30
        return wb

    _assert_same(build)


def test_another_openpyxl_release_saves_as_openpyxl_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    """The direct cell writer copies openpyxl 3.1's; with any other release the workbook is
    saved by openpyxl itself (never by a writer written for internals that may have changed)."""
    spec = default_registry().latest("power-monthly")
    assert spec is not None
    called: list[bool] = []
    monkeypatch.setattr(xlsx_writer, "OPENPYXL_VERSION", "3.2.0")
    monkeypatch.setattr(xlsx_writer, "_Writer", lambda *a: called.append(True))
    data = save_workbook_bytes(xlsx_template.build_workbook(spec))
    assert not called
    assert _parts(data) == _parts(_openpyxl_bytes(xlsx_template.build_workbook(spec)))
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == "说明"
