"""The written template, reopened with openpyxl as Excel would see it."""

from __future__ import annotations

import errno
import os
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cets_desktop.atomic import OutputError
from cets_desktop.core.document import parse_document
from cets_desktop.core.loader import default_registry, load_form
from cets_desktop.core.rules import evaluate
from cets_desktop.core.spec import FormSpec
from cets_desktop.demo import power_month_document
from cets_desktop.io.xlsx_layout import plan_workbook
from cets_desktop.io.xlsx_template import numeric_bounds, write_workbook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def power() -> FormSpec:
    spec = default_registry().get("power-monthly")
    assert spec is not None
    return spec


@pytest.fixture(scope="module")
def template(power: FormSpec, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("tpl") / "power.xlsx"
    write_workbook(power, path)
    return openpyxl.load_workbook(path)


def _validation_at(ws: Worksheet, coordinate: str) -> DataValidation:
    found = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{coordinate}: {len(found)} validations"
    return found[0]


def _column(ws: Worksheet, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(f"{ws.title} has no column {header}")


def test_sheets_in_order_with_lists_and_meta_hidden(template: openpyxl.Workbook) -> None:
    assert template.sheetnames == ["说明", "基本信息", "机组", "燃料", "排放报告辅助参数", "选项", "_meta"]
    states = {ws.title: ws.sheet_state for ws in template.worksheets}
    assert states["选项"] == "hidden" and states["_meta"] == "hidden"
    assert all(states[n] == "visible" for n in ("说明", "基本信息", "机组", "燃料"))
    assert template.security is not None and template.security.lockStructure


def test_dropdowns_use_workbook_scoped_names_on_the_hidden_options_sheet(template: openpyxl.Workbook) -> None:
    fuels = template["燃料"]
    dv = _validation_at(fuels, f"{_column(fuels, '燃料品种')}2")
    assert dv.type == "list" and dv.formula1 == "opt_fuel_name"
    name = template.defined_names["opt_fuel_name"]
    assert name.localSheetId is None  # workbook scope
    assert name.attr_text.startswith("'选项'!$")
    options = template["选项"]
    column = name.attr_text.split("!")[1].split(":")[0].replace("$", "")[0]
    texts = [options[f"{column}{row}"].value for row in range(2, 16)]
    assert "烟煤" in texts and "高炉煤气" in texts
    chp = _validation_at(template["机组"], f"{_column(template['机组'], '是否热电联产')}5")
    assert chp.formula1 == "opt_yes_no"
    # The fuel sheet's unit column drops down the units already typed on the unit sheet.
    unit_key = _validation_at(fuels, "A7")
    assert unit_key.formula1 == "key_units" and unit_key.errorStyle == "warning"
    assert template.defined_names["key_units"].attr_text == "'机组'!$A$2:$A$201"


def test_input_messages_show_unit_hint_and_certainty(template: openpyxl.Workbook) -> None:
    fuels = template["燃料"]
    dv = _validation_at(fuels, f"{_column(fuels, '低位发热量（GJ/t 或 GJ/万Nm³）')}3")
    assert dv.showInputMessage and dv.showErrorMessage
    assert dv.type == "decimal" and dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
    assert "单位：GJ/t 或 GJ/万Nm³" in dv.prompt
    assert "加权平均" in dv.prompt  # the definition's hint
    assert "［已核实］" in dv.prompt and "［V" not in dv.prompt
    assert "不要带单位或文字" in dv.error
    date = _validation_at(fuels, f"{_column(fuels, '检测报告日期')}3")
    assert date.type == "date" and "2026-10-31" in date.prompt


def test_every_validation_text_fits_excel_limits_for_every_definition(tmp_path: Path) -> None:
    specs = [*default_registry().all(), load_form(FIXTURES / "xlsx_kiln-plan-mini.yaml")]
    for spec in specs:
        path = tmp_path / f"{spec.id}.xlsx"
        write_workbook(spec, path)
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for dv in ws.data_validations.dataValidation:
                assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 225, (spec.id, ws.title)
                assert len(dv.promptTitle or "") <= 32 and len(dv.errorTitle or "") <= 32, (spec.id, ws.title)
                assert dv.type != "list" or len(dv.formula1) < 255
                parent_key = str(dv.formula1).startswith("key_") or "序号" in (dv.promptTitle or "")
                if dv.type in ("decimal", "whole", "list", "date") and not parent_key:
                    assert "］" in (dv.prompt or ""), (
                        spec.id,
                        ws.title,
                        dv.prompt,
                    )  # certainty never clipped off


def test_protection_locks_labels_and_results_and_unlocks_an_input_block(template: openpyxl.Workbook) -> None:
    units = template["机组"]
    assert units.protection.sheet
    assert units["A1"].protection.locked  # header
    capacity = _column(units, "装机容量（MW）")
    result = _column(units, "机组排放总量（tCO2）")
    assert not units[f"{capacity}2"].protection.locked
    assert not units[f"{capacity}201"].protection.locked
    assert units[f"{result}2"].protection.locked
    assert units[f"{result}2"].fill.fgColor.rgb.endswith("F2F2F2")
    # Only the explicit block exists: nothing was created below it.
    assert units.max_row == 201
    info = template["基本信息"]
    assert info.protection.sheet
    assert info["B2"].value == "企业名称" and info["B2"].protection.locked
    assert not info["D2"].protection.locked
    assert info["D3"].number_format == "@" and info["D4"].number_format == "@"  # USCC and period stay text
    assert _validation_at(info, "D3").type == "textLength"


def test_frozen_headers_widths_and_chinese_font(template: openpyxl.Workbook) -> None:
    fuels = template["燃料"]
    assert fuels.freeze_panes == "C2"
    assert template["基本信息"].freeze_panes == "A2"
    assert fuels.column_dimensions["A"].width >= 14
    assert fuels["A1"].font.name == "宋体" and fuels["A1"].font.bold
    assert fuels["D5"].font.name == "宋体"
    assert not fuels.merged_cells.ranges and not template["基本信息"].merged_cells.ranges


def test_readme_explains_filling_and_the_certainty_legend(template: openpyxl.Workbook) -> None:
    text = "\n".join(str(c.value) for c in template["说明"]["A"] if c.value)
    assert "发电设施月度信息化存证" in text
    for tag, label in (
        ("V", "已核实"),
        ("R", "据回忆，待核对原文"),
        ("T", "第三方实现，非官方"),
        ("G", "推测，待确认"),
    ):
        assert f"·　{label}" in text and f"{tag}　{label}" not in text
    assert "「燃料」表的「机组名称」列须与「机组」表中填写的机组名称完全一致" in text
    assert "撤销工作表保护" in text


def test_meta_records_form_period_and_column_paths(power: FormSpec, tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    write_workbook(power, path, period="2026-10")
    meta = openpyxl.load_workbook(path)["_meta"]
    pairs = {r[0]: r[1] for r in meta.iter_rows(max_row=7, values_only=True)}
    assert (
        pairs["form"] == "power-monthly"
        and pairs["version"] == power.version
        and pairs["period"] == "2026-10"
    )
    rows = {(r[0], r[2]): r[1] for r in meta.iter_rows(min_row=9, values_only=True)}
    assert rows[("燃料", "units[].unit_name")] == "A"
    assert rows[("燃料", "units[].fuels[].fuel_name")] == "B"
    assert rows[("基本信息", "preparer")] == "D6"


def test_data_workbook_shows_calculated_values_rounded(power: FormSpec, tmp_path: Path) -> None:
    doc = parse_document(power_month_document(10))
    evaluation = evaluate(power, doc)
    path = tmp_path / "data.xlsx"
    write_workbook(power, path, document=doc, values=evaluation.values)
    wb = openpyxl.load_workbook(path)
    units = wb["机组"]
    total = units[f"{_column(units, '机组排放总量（tCO2）')}2"]
    expected = evaluation.values["units"][0]["unit_emissions"]
    assert Decimal(repr(total.value)) == expected.quantize(Decimal("0.01"))
    assert total.number_format == "#,##0.00"
    assert units["A2"].value == "1号机组" and units[f"{_column(units, '是否热电联产')}2"].value == "是"
    fuels = wb["燃料"]
    assert [fuels[f"A{r}"].value for r in (2, 3, 4)] == ["1号机组", "1号机组", "2号机组"]
    source = fuels[f"{_column(fuels, '消耗量数据来源')}2"].value
    assert source == "生产系统计量（入炉煤皮带秤/给煤机）"  # the dropdown's text, not the stored value
    pairs = {r[0]: r[1] for r in wb["_meta"].iter_rows(max_row=7, values_only=True)}
    assert pairs["kind"] == "data" and pairs["period"] == "2026-10"


def test_explanations_add_a_read_only_calculation_sheet(power: FormSpec, tmp_path: Path) -> None:
    from cets_desktop.core.calc import explain_all

    doc = parse_document(power_month_document(10))
    evaluation = evaluate(power, doc)
    assert evaluation.env is not None
    explanations = explain_all(power, evaluation.values, evaluation.env)
    path = tmp_path / "explained.xlsx"
    write_workbook(power, path, document=doc, values=evaluation.values, explanations=explanations)
    ws = openpyxl.load_workbook(path)["计算过程"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    emission = next(r for r in rows if r[8] == "units[0].fuels[0].emissions")
    assert emission[0] == "机组「1号机组」 › 燃料「烟煤」" and "44/12" in emission[4]
    assert ws.protection.sheet


def test_text_starting_with_equals_is_written_as_text_not_a_formula(power: FormSpec, tmp_path: Path) -> None:
    data = power_month_document(10)
    data["values"]["remarks"] = "=本月1号机组检修，数据见附表"
    data["values"]["units"][0]["fuels"][0]["ncv"] = "一百"
    path = tmp_path / "eq.xlsx"
    write_workbook(power, path, document=parse_document(data))
    wb = openpyxl.load_workbook(path)
    cell = wb["基本信息"]["D9"]
    assert cell.value == "=本月1号机组检修，数据见附表" and cell.data_type == "s"
    fuels = wb["燃料"]
    assert fuels[f"{_column(fuels, '低位发热量（GJ/t 或 GJ/万Nm³）')}2"].value == "一百"  # kept as typed


def test_simple_constraints_become_excel_bounds() -> None:
    assert numeric_bounds(". >= 0") == (Decimal(0), None)
    assert numeric_bounds(". > 0 and . < 2000") == (Decimal(0), Decimal(2000))
    assert numeric_bounds("matches(., '[0-9]+')") == (None, None)
    assert numeric_bounds(". > 0 and . != 5") == (None, None)


def test_missing_folder_gives_a_chinese_message(power: FormSpec, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="输出文件夹不存在"):
        write_workbook(power, tmp_path / "没有这个文件夹" / "x.xlsx")


def test_file_open_in_excel_keeps_the_old_file_and_says_so(
    power: FormSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "模板.xlsx"
    target.write_bytes(b"old")

    def locked(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file", dst)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError, match="Excel"):
        write_workbook(power, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["模板.xlsx"]  # no temp file left behind


def test_disk_full_is_reported_in_chinese(
    power: FormSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_workbook(power, tmp_path / "x.xlsx")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert list(tmp_path.iterdir()) == []


def test_a_large_data_set_grows_the_unlocked_block(power: FormSpec, tmp_path: Path) -> None:
    data = power_month_document(10)
    unit = data["values"]["units"][0]
    data["values"]["units"] = [dict(unit, unit_name=f"{i}号机组") for i in range(1, 231)]
    path = tmp_path / "big.xlsx"
    write_workbook(power, path, document=parse_document(data))
    ws = openpyxl.load_workbook(path)["机组"]
    assert ws["A231"].value == "230号机组"
    assert not ws["B280"].protection.locked
    assert plan_workbook(power).input_rows == 200
