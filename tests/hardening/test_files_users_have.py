"""Files users actually have: .xls and .ods workbooks, formulas from other writers, wrong headers,
standard input/output, library warnings and argument errors.

Before: every non-.xlsx file went to the JSON reader ("not UTF-8, save as UTF-8"), a formula's
placeholder 0 from a library was read as 0, openpyxl warnings reached stderr and argparse
printed its English usage block.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hardening_helpers import FIXTURES, one_chinese_line, run_cli, workbook_as_grid, write_ods

from cets_desktop.io.xlsx_import import read_workbook

XLS_FIXTURE = FIXTURES / "2026年10月-旧版Excel.xls"


def imported(path: Path) -> dict[str, Any]:
    result = run_cli("import", str(path))
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_a_real_xls_is_read_like_the_xlsx(tmp_path: Path, filled_october: Path) -> None:
    # The fixture was saved by a BIFF8 (.xls) writer from the same October data workbook.
    from_xls = imported(XLS_FIXTURE)
    assert from_xls["form"] == "power-monthly" and from_xls["period"] == "2026-10"
    fuel = from_xls["values"]["units"][0]["fuels"][0]
    assert from_xls["values"]["units"][0]["unit_name"] == "1号机组"
    assert fuel["fuel_name"] == "烟煤" and fuel["consumption"] == "152340.5"
    renamed = tmp_path / "十月台账.dat"  # the name does not matter: the content says .xls
    shutil.copy(XLS_FIXTURE, renamed)
    assert imported(renamed)["values"] == from_xls["values"]


def test_an_ods_is_read_like_the_xlsx(tmp_path: Path, filled_october: Path) -> None:
    ods = write_ods(tmp_path / "2026年10月.ods", workbook_as_grid(filled_october))
    assert imported(ods)["values"] == imported(filled_october)["values"]


def test_a_damaged_xls_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    broken = tmp_path / "坏的.xls"
    broken.write_bytes(XLS_FIXTURE.read_bytes()[:4096])
    result = run_cli("validate", str(broken))
    assert result.returncode == 2
    line = one_chinese_line(result)
    assert "xls" in line and "另存为" in line and "UTF-8" not in line


def _with_formula(src: Path, dst: Path, cell: str, cached: str, full_calc: bool) -> Path:
    """The workbook with ``cell`` on 燃料 turned into a formula whose cached value is ``cached``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = data.decode()
                text = re.sub(
                    r"<calcPr[^>]*/>",
                    '<calcPr calcId="191029" fullCalcOnLoad="1"/>'
                    if full_calc
                    else '<calcPr calcId="191029"/>',
                    text,
                )
                data = text.encode()
            if info.filename == "xl/worksheets/sheet4.xml":
                text = data.decode()
                text, n = re.subn(
                    rf'<c r="{cell}"([^>]*)><v>[^<]*</v></c>',
                    rf'<c r="{cell}"\1><f>SUM(Z2:Z9)</f><v>{cached}</v></c>',
                    text,
                )
                assert n == 1
                data = text.encode()
            zout.writestr(info, data)
    return dst


def test_a_formula_with_a_placeholder_zero_is_reported(tmp_path: Path, filled_october: Path) -> None:
    # xlsxwriter-style: formula, cached 0, "recalculate on load" — the 0 is no result.
    book = _with_formula(filled_october, tmp_path / "导出.xlsx", "E2", "0", full_calc=True)
    result = read_workbook(book)
    problems = [p for p in result.problems if p.code == "XLS-020"]
    assert [p.cell for p in problems] == ["燃料!E2"]
    assert problems[0].path == "units[0].fuels[0].consumption" and problems[0].severity == "error"
    assert "consumption" not in result.document.values["units"][0]["fuels"][0]


def test_a_formula_calculated_by_excel_is_read(tmp_path: Path, filled_october: Path) -> None:
    book = _with_formula(filled_october, tmp_path / "excel.xlsx", "E2", "0", full_calc=False)
    result = read_workbook(book)
    assert not [p for p in result.problems if p.code == "XLS-020"]
    assert result.document.values["units"][0]["fuels"][0]["consumption"] == "0"
    real = _with_formula(filled_october, tmp_path / "excel2.xlsx", "E2", "152340.5", full_calc=True)
    assert read_workbook(real).document.values["units"][0]["fuels"][0]["consumption"] == "152340.5"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"form_version": "2099.1"}, "没有版本「2099.1」"),
        ({"form_version": 7}, "form_version"),
        ({"format": "cets-filing/9"}, "升级程序"),
        ({"format": "something-else"}, "不是本程序的填报文件"),
    ],
)
def test_wrong_form_version_or_format_is_a_clear_message(
    tmp_path: Path, october: dict[str, Any], change: dict[str, Any], words: str
) -> None:
    october.update(change)
    src = tmp_path / "十月.json"
    src.write_text(json.dumps(october, ensure_ascii=False), encoding="utf-8")
    result = run_cli("validate", str(src))
    assert result.returncode == 2
    assert words in one_chinese_line(result)


def test_dash_is_standard_input_and_output(october: dict[str, Any], filled_october: Path) -> None:
    text = json.dumps(october, ensure_ascii=False).encode()
    validated = run_cli("validate", "-", "--json", stdin=text)
    assert validated.returncode in (0, 1), validated.stderr.decode()
    assert "findings" in json.loads(validated.stdout)
    from_stdin = run_cli("import", "-", "-o", "-", stdin=filled_october.read_bytes())
    assert from_stdin.returncode == 0, from_stdin.stderr.decode()
    assert json.loads(from_stdin.stdout)["values"] == imported(filled_october)["values"]
    pdf = run_cli("pdf", "-", "-o", "-", "--draft", stdin=text)
    assert pdf.returncode in (0, 1) and pdf.stdout.startswith(b"%PDF"), pdf.stderr.decode()[:300]
    empty = run_cli("validate", "-", stdin=b"")
    assert empty.returncode == 2 and "标准输入" in one_chinese_line(empty)


def test_library_warnings_never_reach_stderr(tmp_path: Path, filled_october: Path) -> None:
    # A data validation extension openpyxl does not support makes it warn on load.
    book = tmp_path / "带扩展.xlsx"
    with zipfile.ZipFile(filled_october) as zin, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet4.xml":
                data = data.replace(
                    b"</worksheet>",
                    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
                    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                    b'<x14:dataValidations count="0"/></ext></extLst></worksheet>',
                )
            zout.writestr(info, data)
    result = run_cli("import", str(book), "-o", str(tmp_path / "out.json"))
    assert result.returncode == 0
    stderr = result.stderr.decode()
    assert "UserWarning" not in stderr and "openpyxl" not in stderr, stderr
    assert stderr.strip().startswith("已导入")


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--bogus"],
        ["no-such-command"],
        ["calendar", "--year", "二〇二六"],
        ["template", "power-monthly"],
        ["validate", "x.json", "--previous-filing"],
    ],
)
def test_argument_errors_are_one_chinese_line(argv: list[str]) -> None:
    result = run_cli(*argv)
    assert result.returncode == 2
    line = one_chinese_line(result)
    assert "usage" not in line and "error:" not in line
