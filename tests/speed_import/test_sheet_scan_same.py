"""The sheet XML scan skips a pattern where the text it needs is absent: the same findings.

``SheetXml.scan`` runs its merge, hidden-row and formula patterns only when ``mergeCell``,
``hidden="`` or a ``<f>`` element occur in the part (most sheets have none, and the two formula
patterns cost most of an import's own time on a big sheet). Here every result is compared with
the scan as it was: every pattern over the whole part, on parts users and other programs write
(namespace prefixes, ``<formula1>`` of a data validation, hidden columns, odd bytes) and on whole
imports of workbooks with merges, hidden rows and formulas.
"""

from __future__ import annotations

import copy
import io
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string

from cets_desktop.core.document import parse_document
from cets_desktop.core.loader import default_registry
from cets_desktop.demo import power_month_document
from cets_desktop.io import workbook_xml
from cets_desktop.io.workbook_xml import SheetScan, SheetXml
from cets_desktop.io.xlsx_import import read_workbook
from cets_desktop.io.xlsx_template import write_workbook


def every_pattern_scan(xml: bytes, untrusted_cache: bool) -> SheetScan:
    """The scan before the literal checks (commit 98e909c), each pattern over the whole part."""
    result = SheetScan([], set(), set())
    for m in workbook_xml._MERGE.finditer(xml):
        c1, r1 = column_index_from_string(m.group(1).decode()), int(m.group(2))
        c2 = column_index_from_string(m.group(3).decode()) if m.group(3) else c1
        r2 = int(m.group(4)) if m.group(4) else r1
        result.merges.append((c1, r1, c2, r2))
    result.hidden_rows.update(int(m.group(1)) for m in workbook_xml._HIDDEN_ROW.finditer(xml))
    for m in workbook_xml._FORMULA_NO_VALUE.finditer(xml):
        ref = workbook_xml._REF_ATTR.search(m.group(1))
        if ref:
            result.formulas.add((int(ref.group(2)), column_index_from_string(ref.group(1).decode())))
    if untrusted_cache:
        for m in workbook_xml._FORMULA_ZERO.finditer(xml):
            ref = workbook_xml._REF_ATTR.search(m.group(1))
            if ref:
                result.cached_zero.add((int(ref.group(2)), column_index_from_string(ref.group(1).decode())))
    return result


def _sheet(body: str, prefix: str = "", tail: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f' xmlns:{prefix}="m"' if prefix else ' xmlns="m"'
    return f"<{p}worksheet{ns}><{p}sheetData>{body}</{p}sheetData>{tail}</{p}worksheet>".encode()


_VALIDATION = (
    '<dataValidations count="1"><dataValidation sqref="A2:A9" type="list">'
    "<formula1>key_units</formula1><formula2>1</formula2></dataValidation></dataValidations>"
)
PARTS: dict[str, bytes] = {
    "plain values": _sheet('<row r="2"><c r="A2" t="n"><v>12.5</v></c><c r="B2" t="n"/></row>'),
    "data validation formula1 only": _sheet('<row r="2"><c r="A2"><v>1</v></c></row>', tail=_VALIDATION),
    "hidden column, no hidden row": _sheet('<row r="2"><c r="A2"><v>1</v></c></row>').replace(
        b"<sheetData>", b'<cols><col min="2" max="2" hidden="1"/></cols><sheetData>'
    ),
    "hidden rows": _sheet(
        '<row r="3" hidden="1"><c r="A3"><v>1</v></c></row><row r="4" hidden="true"/>'
        '<row r="5" hidden="0"/><row hidden="1" spans="1:3" r="7"/>'
    ),
    "hidden rows said as true": _sheet('<row r="9" spans="1:4" hidden="true"><c r="A9"><v>1</v></c></row>'),
    "merges": _sheet(
        "",
        tail='<mergeCells count="3"><mergeCell ref="A2:A5"/><mergeCell ref="C7"/>'
        '<mergeCell ref="AB10:AD12"/></mergeCells>',
    ),
    "empty mergeCells": _sheet("", tail='<mergeCells count="0"></mergeCells>'),
    "formulas without values": _sheet(
        '<row r="2"><c r="C2"><f>A2*B2</f></c><c r="D2"><f>SUM(A2:C2)</f><v/></c>'
        '<c r="E2"> <f t="shared" si="0"/> <v></v> </c><c r="F2"><f>1</f><v>3.5</v></c></row>'
    ),
    "formulas with cached zeros": _sheet(
        '<row r="2"><c r="C2"><f>A2*B2</f><v>0</v></c><c r="D2" s="3"><f>1-1</f><v> 0.00 </v></c>'
        '<c r="E2"><f>2</f><v>0.5</v></c></row>'
    ),
    "prefixed formulas and merges": _sheet(
        '<x:row r="4" hidden="1"><x:c r="G4"><x:f>A4</x:f></x:c><x:c r="H4"><x:f>B4</x:f>'
        "<x:v>0</x:v></x:c></x:row>",
        prefix="x",
        tail='<x:mergeCells><x:mergeCell ref="B2:C2"/></x:mergeCells>',
    ),
    "colon-f outside a tag": _sheet(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a:f b&lt;f</t></is></c></row>'
    ),
    "formula tag at the very end": _sheet("") + b"<f",
    "not xml at all": b'\x00\xffPK garbage <c r="A1"><f>1</f></c> hidden=" mergeCell',
    "empty part": b"",
}


def _archive(parts: dict[str, bytes]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return zipfile.ZipFile(buffer)


@pytest.mark.parametrize("untrusted", [False, True])
@pytest.mark.parametrize("name", sorted(PARTS))
def test_scan_finds_what_every_pattern_over_the_part_finds(name: str, untrusted: bool) -> None:
    xml = PARTS[name]
    scanner = SheetXml(_archive({"xl/worksheets/sheet1.xml": xml}))
    scanner.parts = {"燃料": "xl/worksheets/sheet1.xml"}
    scanner.untrusted_cache = untrusted
    assert scanner.scan("燃料") == every_pattern_scan(xml, untrusted)


def test_the_parts_cover_every_finding() -> None:
    """The comparison above is not between two empty scans."""
    found = [every_pattern_scan(xml, True) for xml in PARTS.values()]
    assert any(s.merges for s in found) and any(s.hidden_rows for s in found)
    assert any(s.formulas for s in found) and any(s.cached_zero for s in found)


# --------------------------------------------------------------------------------------------
# Whole imports


def _power_workbook(folder: Path, units: int) -> Path:
    doc = power_month_document(10)
    demo_units = doc["values"]["units"]
    doc["values"]["units"] = []
    for i in range(units):
        unit = copy.deepcopy(demo_units[i % 2])
        unit["unit_name"] = f"{i + 1}号机组"
        doc["values"]["units"].append(unit)
    spec = default_registry().get("power-monthly")
    assert spec is not None
    path = folder / "2026年10月-电厂.xlsx"
    write_workbook(spec, path, document=parse_document(doc))
    return path


def _edited(source: Path, name: str, edit: Any) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb)
    out = source.with_name(f"{name}.xlsx")
    wb.save(out)
    return out


def _merge_and_hide(wb: Any) -> None:
    fuels = wb["燃料"]
    fuels.merge_cells("A2:A3")  # a unit's name over its fuel rows (filled down, XLS-013 warning)
    fuels.merge_cells("D4:E4")  # numbers merged (XLS-013 error)
    fuels.row_dimensions[5].hidden = True
    wb["机组"].row_dimensions[2].hidden = True


def _formulas(wb: Any) -> None:
    fuels = wb["燃料"]
    for row in (2, 3, 4):
        for col in ("D", "E", "F"):
            fuels[f"{col}{row}"] = f"=1+{row}"  # openpyxl stores no result: XLS-012
    wb["基本信息"]["D6"] = "=2026"


def _with_cached_zeros(path: Path) -> Path:
    """The formulas' empty results replaced by the 0 a non-calculating writer leaves (XLS-020)."""
    out = path.with_name("cached-zeros.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(</f>)\s*<v\s*/>|(</f>)\s*<v>\s*</v>", rb"\1\2<v>0</v>", data)
                data = re.sub(rb"(<f>[^<]*</f>)(</c>)", rb"\1<v>0</v>\2", data)
            target.writestr(info, data)
    return out


def _outcome(path: Path) -> dict[str, Any]:
    result = read_workbook(path)
    return {
        "document": result.document.to_json_dict(),
        "problems": [p.to_json() for p in result.problems],
        "cells": result.cells,
        "rows": result.rows,
        "columns": result.columns,
    }


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("scan-same")
    clean = _power_workbook(folder, 6)
    formulas = _edited(clean, "formulas", _formulas)
    return [
        clean,
        _edited(clean, "merged-and-hidden", _merge_and_hide),
        formulas,
        _with_cached_zeros(formulas),
    ]


def test_imports_read_the_same_as_with_every_pattern_over_each_part(
    workbooks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = [_outcome(p) for p in workbooks]

    def full_scan(self: SheetXml, title: str) -> SheetScan:
        part = self.parts.get(title)
        return every_pattern_scan(self.archive.read(part) if part else b"", self.untrusted_cache)

    monkeypatch.setattr(SheetXml, "scan", full_scan)
    assert fast == [_outcome(p) for p in workbooks]
    codes = {p["code"] for outcome in fast for p in outcome["problems"]}
    assert {"XLS-013", "XLS-025", "XLS-012", "XLS-020"} <= codes  # every finding the scan feeds


# --------------------------------------------------------------------------------------------
# Whether a part holds a formula at all


def _random_parts(count: int) -> list[bytes]:
    """Byte strings over the characters the check looks at, dense in near-misses."""
    rng = random.Random(20261202)
    pieces = [b"<", b":", b"f", b"F", b"x", b"_", b"1", b" ", b">", b"/", b"<f", b":f", b"<x:", b"fx", b"\n"]
    return [b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(count)]


TAG_CASES = [
    *PARTS.values(),
    b"<f",
    b"f",
    b":f",
    b"<:f>",
    b"<x:f>",
    b"<x:fx>",
    b"<x y:f>",
    b"<x:y:f>",
    b"<formula1>",
    b"<1_a:f/>",
    b"a:f <x:f",
    b"<a> b:f c:f <d:f e",
    b"<" + b"a" * 500 + b":f",
    b"<a " + b":f " * 300 + b"<b:f>",
    b"f " * 2500,  # past the candidates the check looks at one by one
    b"f " * 2500 + b"<x:f>",
    b":f " * 2500 + b"<f/>",
]


def _has_tag(xml: bytes) -> bool:
    return workbook_xml._FORMULA_TAG.search(xml) is not None


@pytest.mark.parametrize("xml", TAG_CASES)
def test_a_formula_tag_is_found_exactly_where_the_pattern_finds_one(xml: bytes) -> None:
    assert workbook_xml._has_formula_tag(xml) == _has_tag(xml)


def test_near_misses_answer_as_the_pattern_does() -> None:
    parts = _random_parts(4000)
    assert 500 < sum(map(_has_tag, parts)) < 3500  # both answers are well represented
    assert [p for p in parts if workbook_xml._has_formula_tag(p) != _has_tag(p)] == []
