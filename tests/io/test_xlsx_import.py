"""Template → filled in like a user (openpyxl normal mode) → import: values and located problems."""

from __future__ import annotations

import copy
import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from user_workbook import fill_like_a_user

from cets_desktop.core.coerce import coerce_scalar, coerce_values
from cets_desktop.core.document import parse_document
from cets_desktop.core.loader import FormRegistry, default_registry, load_form
from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.demo import power_month_document
from cets_desktop.io.xlsx_import import ImportFailure, ImportResult, read_workbook
from cets_desktop.io.xlsx_template import write_workbook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def power() -> FormSpec:
    spec = default_registry().get("power-monthly")
    assert spec is not None
    return spec


@pytest.fixture(scope="module")
def kiln() -> FormSpec:
    return load_form(FIXTURES / "xlsx_kiln-plan-mini.yaml")


# --------------------------------------------------------------------------------------------
# A user filling the template in Excel


def typed(spec: FormSpec, values: dict[str, Any]) -> dict[str, Any]:
    result, findings = coerce_values(spec, values)
    return result


@pytest.fixture
def filled(power: FormSpec, tmp_path: Path) -> Path:
    """The demo October filing typed into a fresh template."""
    template = tmp_path / "模板.xlsx"
    write_workbook(power, template)
    doc = power_month_document(10)
    out = tmp_path / "2026年10月.xlsx"
    fill_like_a_user(power, template, out, doc["values"], doc["enterprise"], doc["period"])
    return out


def edit(path: Path, change: Any) -> Path:
    """Open in normal mode, let ``change(wb)`` do what a user would, save."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def column_of(path: Path, sheet: str, header: str) -> str:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    first = next(ws.iter_rows(max_row=1))
    return next(c.column_letter for c in first if c.value == header)


def only(result: ImportResult, code: str) -> Any:
    found = [p for p in result.problems if p.code == code]
    assert len(found) == 1, [(p.code, p.cell, p.message) for p in result.problems]
    return found[0]


# --------------------------------------------------------------------------------------------
# Round trips


def test_user_filled_template_imports_to_the_same_values(power: FormSpec, filled: Path) -> None:
    source = power_month_document(10)
    result = read_workbook(filled)
    assert result.problems == []
    assert result.document.form == "power-monthly" and result.document.period == "2026-10"
    assert result.document.enterprise.name == "华东示范热电有限公司"
    assert result.document.enterprise.uscc == source["enterprise"]["uscc"]
    assert typed(power, result.document.values) == typed(power, source["values"])
    fuels = result.document.values["units"][0]["fuels"]
    assert [f["fuel_name"] for f in fuels] == ["烟煤", "柴油"]
    assert fuels[0]["consumption"] == "152340.5" and fuels[0]["consumption_source"] == "入炉煤计量"
    assert result.document.values["units"][1]["is_chp"] is False
    assert (
        result.cell_of("units[0].fuels[1].consumption")
        == f"燃料!{column_of(filled, '燃料', '燃料消耗量（t 或 万Nm³）')}3"
    )
    assert result.cell_of("preparer") == "基本信息!D6"


def test_data_workbook_round_trips_with_its_calculated_columns_ignored(
    power: FormSpec, tmp_path: Path
) -> None:
    for month in (1, 6, 12):
        source = power_month_document(month)
        path = tmp_path / f"{month}.xlsx"
        write_workbook(power, path, document=parse_document(source))
        result = read_workbook(path, expected_period=source["period"], expected_form="power-monthly")
        assert result.problems == []
        assert typed(power, result.document.values) == typed(power, source["values"])
        assert "emissions" not in result.document.values["units"][0]["fuels"][0]


def test_typed_decimals_come_back_exactly(power: FormSpec, filled: Path) -> None:
    def type_tricky_numbers(wb: openpyxl.Workbook) -> None:
        ws = wb["燃料"]
        ws[f"{column_of(filled, '燃料', '燃料消耗量（t 或 万Nm³）')}2"] = 0.1
        ws[f"{column_of(filled, '燃料', '低位发热量（GJ/t 或 GJ/万Nm³）')}2"] = 21.345678901234
        ws[f"{column_of(filled, '燃料', '收到基元素碳含量（%）')}2"] = "56.30"
        ws[f"{column_of(filled, '燃料', '同一样品全硫（%）')}2"] = (
            "１,234.5"  # full-width digits, thousands separator
        )

    result = read_workbook(edit(filled, type_tricky_numbers))
    fuel = result.document.values["units"][0]["fuels"][0]
    assert fuel["consumption"] == "0.1"
    assert fuel["ncv"] == "21.345678901234"
    assert Decimal(fuel["carbon_content"]) == Decimal("56.30")
    assert fuel["sample_sulphur"] == "1234.5"
    # accepted, and said: the one info names the cell and the number it was read as
    assert [(p.code, p.severity, p.cell) for p in result.problems] == [("XLS-023", "info", "燃料!AB2")]
    assert "1234.5" in result.problems[0].message


def test_empty_rows_between_records_are_skipped(power: FormSpec, filled: Path) -> None:
    def spread_out(wb: openpyxl.Workbook) -> None:
        ws = wb["机组"]
        ws.move_range("A3:Z3", rows=5)  # 2号机组 now on row 8, rows 3–7 empty

    result = read_workbook(edit(filled, spread_out))
    assert result.problems == []
    assert [u["unit_name"] for u in result.document.values["units"]] == ["1号机组", "2号机组"]
    assert result.rows["units[1]"] == ("机组", 8)


def test_a_blank_template_imports_with_no_rows(power: FormSpec, tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_workbook(power, path, period="2026-11")
    result = read_workbook(path)
    assert result.document.values == {} and result.document.period == "2026-11"
    assert result.problems == []


def test_another_definition_round_trips_without_form_specific_code(kiln: FormSpec, tmp_path: Path) -> None:
    values: dict[str, Any] = {
        "plan_author": "赵工",
        "plan_date": "2027-01-15",
        "boundary": "1号、2号熟料生产线，含窑头、窑尾和余热发电。\n不含矿山开采。",
        "audited": True,
        "approver": "钱总",
        "kilns": [
            {
                "kiln_code": "K1",
                "capacity": "5000.5",
                "commissioned": "2012-06-30",
                "description": "新型干法窑\n五级预热器",
                "meters": [
                    {
                        "meter_id": "M-01",
                        "frequency": "每月",
                        "accuracy": "0.5",
                        "calibrated": "2026-12-01",
                        "method": "实物标定",
                    },
                    {"meter_id": "M-02", "frequency": "每日"},
                ],
            },
            {
                "kiln_code": "K2",
                "capacity": "2500",
                "meters": [{"meter_id": "M-03", "frequency": "每批次", "accuracy": "1"}],
            },
        ],
        "lines": [
            {
                "line_name": "一线",
                "grade": "B",
                "checks": [{"check_date": "2026-03-01", "finding": "皮带秤零点漂移"}],
            },
            {
                "line_name": "二线",
                "grade": "A",
                "checks": [
                    {"check_date": "2026-04-01", "finding": "无"},
                    {"check_date": "2026-05-01", "finding": "更换传感器"},
                ],
            },
        ],
    }
    template = tmp_path / "kiln.xlsx"
    write_workbook(kiln, template)
    out = tmp_path / "kiln-filled.xlsx"
    fill_like_a_user(
        kiln, template, out, values, {"name": "皖南示范水泥有限公司", "uscc": "91340000MA2N0P1X3K"}, "2027"
    )
    result = read_workbook(out, spec=kiln, expected_period="2027")
    assert result.problems == []
    assert typed(kiln, result.document.values) == typed(kiln, values)
    assert result.document.values["boundary"] == values["boundary"]  # line breaks kept
    assert result.document.values["kilns"][0]["meters"][0]["frequency"] == "每月"  # label typed, value stored
    assert result.cell_of("approver") == "签署!C3"
    assert result.cell_of("lines[1].checks[1].finding") == "检查记录!C4"
    data_path = tmp_path / "kiln-data.xlsx"
    write_workbook(kiln, data_path, document=result.document)
    again = read_workbook(data_path, spec=kiln)
    assert again.problems == [] and typed(kiln, again.document.values) == typed(kiln, values)


# --------------------------------------------------------------------------------------------
# Bad cells


@pytest.mark.parametrize("typed_text", ["一百", "12吨"])
def test_text_in_a_number_cell_names_sheet_cell_and_path(
    power: FormSpec, filled: Path, typed_text: str
) -> None:
    ncv = column_of(filled, "燃料", "低位发热量（GJ/t 或 GJ/万Nm³）")
    result = read_workbook(edit(filled, lambda wb: wb["燃料"].__setitem__(f"{ncv}4", typed_text)))
    problem = only(result, "XLS-010")
    assert (problem.severity, problem.cell, problem.path) == (
        "error",
        f"燃料!{ncv}4",
        "units[1].fuels[0].ncv",
    )
    _, engine_message = coerce_scalar(power, power.field("units[].fuels[].ncv"), typed_text)
    assert engine_message and engine_message in problem.message
    assert problem.message.startswith(f"「燃料」表 {ncv}4")
    assert result.document.values["units"][1]["fuels"][0]["ncv"] == typed_text  # kept as typed


def test_value_not_in_the_dropdown(filled: Path) -> None:
    column = column_of(filled, "机组", "汽轮机类型")
    result = read_workbook(edit(filled, lambda wb: wb["机组"].__setitem__(f"{column}3", "双抽")))
    problem = only(result, "XLS-010")
    assert problem.cell == f"机组!{column}3" and problem.path == "units[1].turbine_type"
    assert "「双抽」不在可选项中" in problem.message and "纯凝" in problem.message


def test_date_typed_into_a_number_cell_is_explained(filled: Path) -> None:
    column = column_of(filled, "机组", "运行小时数（h）")
    result = read_workbook(
        edit(filled, lambda wb: wb["机组"].__setitem__(f"{column}2", dt.datetime(2026, 10, 1)))
    )
    problem = only(result, "XLS-010")
    assert problem.cell == f"机组!{column}2" and "日期" in problem.message


def test_formula_without_saved_result_asks_to_save_in_excel(filled: Path) -> None:
    column = column_of(filled, "机组", "发电量（MWh）")
    result = read_workbook(edit(filled, lambda wb: wb["机组"].__setitem__(f"{column}3", "=100*2")))
    problem = only(result, "XLS-012")
    assert (problem.severity, problem.cell, problem.path) == (
        "error",
        f"机组!{column}3",
        "units[1].generation",
    )
    assert "在 Excel 中打开该文件、保存后再导入" in problem.message


def test_formula_with_a_saved_result_is_read_as_its_value(filled: Path) -> None:
    column = column_of(filled, "机组", "发电量（MWh）")
    edit(filled, lambda wb: wb["机组"].__setitem__(f"{column}3", "=100*2"))
    # What Excel does on save: keep the formula and store its result next to it.
    parts = {}
    with zipfile.ZipFile(filled) as z:
        for name in z.namelist():
            parts[name] = z.read(name)
    sheet = next(n for n, data in parts.items() if n.startswith("xl/worksheets/") and b"<f>100*2</f>" in data)
    parts[sheet] = parts[sheet].replace(b"<f>100*2</f><v />", b"<f>100*2</f><v>200</v>")
    with zipfile.ZipFile(filled, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    result = read_workbook(filled)
    assert result.problems == []
    assert result.document.values["units"][1]["generation"] == "200"


def test_excel_error_value_is_reported(filled: Path) -> None:
    column = column_of(filled, "机组", "供电量（MWh）")
    result = read_workbook(edit(filled, lambda wb: wb["机组"].__setitem__(f"{column}2", "#DIV/0!")))
    problem = only(result, "XLS-010")
    assert problem.cell == f"机组!{column}2" and "公式出错" in problem.message


def test_merged_numbers_are_an_error_naming_the_range(filled: Path) -> None:
    column = column_of(filled, "燃料", "燃料消耗量（t 或 万Nm³）")
    result = read_workbook(edit(filled, lambda wb: wb["燃料"].merge_cells(f"{column}2:{column}3")))
    problem = only(result, "XLS-013")
    assert problem.severity == "error" and problem.cell == f"燃料!{column}2"
    assert f"{column}2:{column}3" in problem.message and "取消合并" in problem.message


def test_merged_unit_names_over_fuel_rows_are_filled_down(power: FormSpec, filled: Path) -> None:
    def merge_unit_names(wb: openpyxl.Workbook) -> None:
        ws = wb["燃料"]
        ws["A3"] = None
        ws.merge_cells("A2:A3")

    result = read_workbook(edit(filled, merge_unit_names))
    problem = only(result, "XLS-013")
    assert problem.severity == "warning" and problem.cell == "燃料!A2"
    assert [f["fuel_name"] for f in result.document.values["units"][0]["fuels"]] == ["烟煤", "柴油"]


def test_child_row_whose_unit_is_not_on_the_unit_sheet(filled: Path) -> None:
    result = read_workbook(edit(filled, lambda wb: wb["燃料"].__setitem__("A4", "3号机组")))
    problem = only(result, "XLS-014")
    assert (problem.severity, problem.cell) == ("error", "燃料!A4")
    assert "机组名称「3号机组」在「机组」表中找不到" in problem.message
    assert len(result.document.values["units"][1].get("fuels", [])) == 0


def test_child_row_without_unit_name(filled: Path) -> None:
    result = read_workbook(edit(filled, lambda wb: wb["燃料"].__setitem__("A4", None)))
    problem = only(result, "XLS-016")
    assert problem.cell == "燃料!A4" and "没有填写「机组名称」" in problem.message


def test_unit_names_match_despite_spaces(filled: Path) -> None:
    result = read_workbook(edit(filled, lambda wb: wb["燃料"].__setitem__("A4", " 2号机组 ")))
    assert result.problems == []
    assert len(result.document.values["units"][1]["fuels"]) == 1


def test_duplicate_unit_names_are_an_error(filled: Path) -> None:
    result = read_workbook(edit(filled, lambda wb: wb["机组"].__setitem__("A3", "1号机组")))
    problem = only(result, "XLS-015")
    assert problem.cell == "机组!3:3" and "与第 2 行" in problem.message


# --------------------------------------------------------------------------------------------
# Sheets and columns


def test_missing_sheet_asks_whether_it_was_renamed(filled: Path) -> None:
    result = read_workbook(edit(filled, lambda wb: wb.remove(wb["燃料"])))
    problem = only(result, "XLS-003")
    assert problem.severity == "error" and problem.sheet == "燃料"
    assert problem.message.startswith("找不到工作表「燃料」；是否被重命名")


def test_renamed_sheet_is_found_by_its_headers(power: FormSpec, filled: Path) -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb["燃料"].title = "燃料明细"

    result = read_workbook(edit(filled, rename))
    problem = only(result, "XLS-005")
    assert problem.severity == "warning" and "燃料明细" in problem.message
    assert typed(power, result.document.values) == typed(power, power_month_document(10)["values"])


def test_extra_sheet_is_ignored_with_an_info(filled: Path) -> None:
    def add(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("我的草稿")["A1"] = "台账草稿"

    result = read_workbook(edit(filled, add))
    problem = only(result, "XLS-004")
    assert problem.severity == "info" and problem.sheet == "我的草稿"


def test_renamed_column_is_read_by_position_with_a_warning(filled: Path) -> None:
    column = column_of(filled, "机组", "发电量（MWh）")
    result = read_workbook(
        edit(filled, lambda wb: wb["机组"].__setitem__(f"{column}1", "发电量（万千瓦时）"))
    )
    problem = only(result, "XLS-008")
    assert problem.cell == f"机组!{column}1" and "发电量（MWh）" in problem.message
    assert result.document.values["units"][0]["generation"] == "346500"


def test_unknown_column_is_reported_and_not_imported(filled: Path) -> None:
    column: list[str] = []

    def add_column(wb: openpyxl.Workbook) -> None:
        from openpyxl.utils import get_column_letter

        ws = wb["机组"]
        letter = get_column_letter(ws.max_column + 1)  # the first column after the template's own
        column.append(letter)
        ws[f"{letter}1"] = "备注"
        ws[f"{letter}2"] = "大修"

    result = read_workbook(edit(filled, add_column))
    problem = only(result, "XLS-007")
    assert problem.cell == f"机组!{column[0]}1" and "备注" in problem.message


def test_moved_columns_are_found_by_header(power: FormSpec, filled: Path) -> None:
    def swap(wb: openpyxl.Workbook) -> None:
        ws = wb["机组"]
        for row in range(1, 4):
            ws[f"B{row}"].value, ws[f"C{row}"].value = ws[f"C{row}"].value, ws[f"B{row}"].value

    result = read_workbook(edit(filled, swap))
    assert result.problems == []
    assert result.document.values["units"][0]["capacity_mw"] == "660"


def test_without_meta_sheet_columns_are_mapped_by_header(power: FormSpec, filled: Path) -> None:
    edit(filled, lambda wb: wb.remove(wb["_meta"]))
    for result in (
        read_workbook(filled, spec=power),
        read_workbook(filled, expected_form="power-monthly"),
        read_workbook(filled),
    ):
        assert [p.code for p in result.problems] == ["XLS-018"]
        assert typed(power, result.document.values) == typed(power, power_month_document(10)["values"])


# --------------------------------------------------------------------------------------------
# Wrong workbook


def test_workbook_for_another_period_is_an_error(filled: Path) -> None:
    result = read_workbook(filled, expected_period="2026-11")
    problem = only(result, "XLS-002")
    assert (problem.severity, problem.cell) == ("error", "基本信息!D4")
    assert "2026年10月" in problem.message and "2026年11月" in problem.message


def test_period_that_excel_turned_into_a_date_is_read_back(filled: Path) -> None:
    result = read_workbook(
        edit(filled, lambda wb: wb["基本信息"].__setitem__("D4", dt.datetime(2026, 10, 1))),
        expected_period="2026-10",
    )
    assert result.problems == [] and result.document.period == "2026-10"


def test_workbook_for_another_form_is_an_error(power: FormSpec, kiln: FormSpec, filled: Path) -> None:
    registry = FormRegistry(forms={(power.id, power.version): power, (kiln.id, kiln.version): kiln})
    result = read_workbook(filled, spec=kiln, registry=registry)
    problem = only(result, "XLS-001")
    assert problem.severity == "error" and "发电设施月度信息化存证" in problem.message
    assert result.document.form == "power-monthly"  # read as what it is, for the user to check


# --------------------------------------------------------------------------------------------
# Unusable files


def test_unusable_files_raise_import_failure_in_chinese(tmp_path: Path, filled: Path) -> None:
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    csv = tmp_path / "台账.xlsx"
    csv.write_text("机组名称,发电量\n1号机组,346500\n", encoding="utf-8")
    corrupt = tmp_path / "坏.xlsx"
    corrupt.write_bytes(filled.read_bytes()[:3000])
    encrypted = tmp_path / "加密.xlsx"
    encrypted.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
    )
    old = tmp_path / "旧.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    other_zip = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    expected = {
        empty: "空文件",
        csv: "不是 Excel .xlsx 文件",
        corrupt: "已损坏",
        encrypted: "加密",
        old: "旧版 .xls",
        other_zip: "已损坏",
        tmp_path / "不存在.xlsx": "找不到文件",
    }
    for path, words in expected.items():
        with pytest.raises(ImportFailure, match=words):
            read_workbook(path)


def test_locked_file_says_to_close_excel(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    real_open = os.open

    def locked(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path) == str(filled):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked)
    with pytest.raises(ImportFailure, match="关闭该文件"):
        read_workbook(filled)


def test_a_workbook_of_someone_elses_sheets_is_unusable(power: FormSpec, tmp_path: Path) -> None:
    path = tmp_path / "其他.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便"
    wb.save(path)
    with pytest.raises(ImportFailure, match="无法判断"):
        read_workbook(path)
    with pytest.raises(ImportFailure, match="找不到「发电设施月度信息化存证」模板的任何工作表"):
        read_workbook(path, spec=power)


def test_problems_serialise_with_their_cell(filled: Path) -> None:
    result = read_workbook(edit(filled, lambda wb: wb["机组"].__setitem__("B2", "六百六十")))
    data = only(result, "XLS-010").to_json()
    assert data["cell"] == "机组!B2" and data["path"] == "units[0].capacity_mw" and data["row"] == 2
    assert copy.deepcopy(data) == data


def synthetic_values(spec: FormSpec) -> dict[str, Any]:
    """Every input field of a definition filled with a plausible value, two rows per repeat."""

    def value(f: FieldSpec, i: int) -> Any:
        choices = spec.choice_list(f)
        return {
            "text": f"{f.label}{i + 1}",
            "long_text": f"{f.label}第一段\n第二段（{i + 1}）",
            "integer": str(i + 3),
            "decimal": f"{i + 12}.5",
            "select_one": choices[i % len(choices)].value if choices else None,
            "select_multiple": [c.value for c in choices[:2]],
            "date": f"2026-0{i + 3}-15",
            "boolean": i % 2 == 0,
        }.get(f.type)

    def level(fields: list[FieldSpec], i: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields:
            if f.type == "repeat":
                key = next((c for c in f.data_fields() if c.name == f.key), None)
                rows = 2 if key is None or key.type != "select_one" else min(2, len(spec.choice_list(key)))
                out[f.name] = [level(f.data_fields(), n) for n in range(rows)]
            elif f.is_scalar and not f.is_calculated:
                out[f.name] = value(f, i)
        return out

    return level(spec.top_fields(), 0)


def test_every_shipped_definition_round_trips_through_its_data_workbook(
    kiln: FormSpec, tmp_path: Path
) -> None:
    for spec in [*default_registry().all(), kiln]:
        values = synthetic_values(spec)
        period = "2026-10" if spec.period_kind == "month" else str(spec.template_year)
        doc = parse_document(
            {
                "form": spec.id,
                "form_version": spec.version,
                "period": period,
                "enterprise": {"name": "示范企业", "uscc": "91310115MA1K3P7Q8R"},
                "values": values,
            }
        )
        path = tmp_path / f"{spec.id}.xlsx"
        write_workbook(spec, path, document=doc)
        result = read_workbook(path, spec=spec, expected_period=period)
        assert result.problems == [], (spec.id, [(p.cell, p.message) for p in result.problems])
        assert typed(spec, result.document.values) == typed(spec, values), spec.id
