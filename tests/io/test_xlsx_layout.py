"""The Excel layout is derived from the definition alone: sheets, columns, keys and overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from cets_desktop.core.loader import default_registry, load_form
from cets_desktop.core.spec import FormSpec
from cets_desktop.io.xlsx_layout import (
    INFO_SHEET,
    MAX_SHEET_TITLE,
    LayoutError,
    normalize_header,
    plan_workbook,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def power() -> FormSpec:
    spec = default_registry().get("power-monthly")
    assert spec is not None
    return spec


@pytest.fixture(scope="module")
def kiln() -> FormSpec:
    return load_form(FIXTURES / "xlsx_kiln-plan-mini.yaml")


def _yaml_form(tmp_path: Path, repeats: str, scalars: str = "") -> FormSpec:
    text = f"""
spec_format: 1
id: layout-test
version: "1.0"
title: 版式测试
filing_type: plan
sector: cement
sector_label: 水泥
template_year: 2027
period_kind: year
certainty: G
code_prefix: LAY-T
sections:
  - name: s
    label: 测试
    fields:
{scalars}{repeats}
"""
    path = tmp_path / "layout-test.yaml"
    path.write_text(text, encoding="utf-8")
    return load_form(path)


def test_power_fuel_sheet_starts_with_the_unit_key_then_fuel_fields(power: FormSpec) -> None:
    layout = plan_workbook(power)
    fuels = layout.repeat_sheet("units[].fuels[]")
    assert fuels is not None and fuels.name == "燃料"
    first, second = fuels.columns[0], fuels.columns[1]
    assert (first.header, first.role, first.path) == ("机组名称", "parent_key", "units[].unit_name")
    assert second.path == "units[].fuels[].fuel_name"
    ncv = next(c for c in fuels.columns if c.path.endswith(".ncv"))
    assert ncv.header == "低位发热量（GJ/t 或 GJ/万Nm³）" and ncv.role == "input"
    emissions = next(c for c in fuels.columns if c.path.endswith(".emissions"))
    assert emissions.role == "calculated"
    assert fuels.freeze_column() == 3  # 机组名称 and 燃料品种 stay visible


def test_unit_row_scalars_go_on_the_unit_sheet_and_totals_on_basic_info(power: FormSpec) -> None:
    layout = plan_workbook(power)
    units = layout.repeat_sheet("units[]")
    assert units is not None and units.name == "机组"
    paths = {c.path for c in units.columns}
    assert {"units[].generation", "units[].combustion_emissions"} <= paths
    assert not any(".fuels[]" in p for p in paths)
    info = {e.path: e for e in layout.info.entries}
    assert layout.info.name == INFO_SHEET
    assert [e.label for e in layout.info.entries[:3]] == ["企业名称", "统一社会信用代码", "填报期间"]
    assert info["total_emissions"].role == "calculated"
    assert info["preparer"].role == "input"


def test_every_shipped_definition_gets_unique_legal_sheet_names() -> None:
    for spec in default_registry().all():
        layout = plan_workbook(spec)
        names = layout.data_sheet_names()
        assert len({n.lower() for n in names}) == len(names), spec.id
        for name in names:
            assert len(name) <= MAX_SHEET_TITLE and not set(name) & set("[]:*?/\\"), name
        for sheet in layout.repeat_sheets:
            headers = [normalize_header(c.header) for c in sheet.columns]
            assert len(set(headers)) == len(headers), (spec.id, sheet.name)


def test_long_and_clashing_repeat_labels_are_shortened_and_made_unique(tmp_path: Path) -> None:
    long_label = "重点排放单位生产设施及排放源识别与核算边界明细表（含辅助生产系统）"
    spec = _yaml_form(
        tmp_path,
        f"""      - name: sites
        type: repeat
        label: "{long_label}"
        key: site
        fields:
          - {{name: site, type: text, label: 厂区}}
          - name: items
            type: repeat
            label: 明细
            fields: [{{name: a, type: text, label: 项目}}]
      - name: lines
        type: repeat
        label: 生产线
        key: line
        fields:
          - {{name: line, type: text, label: 名称}}
          - name: items
            type: repeat
            label: 明细
            fields: [{{name: b, type: text, label: 名称}}]
""",
    )
    names = [s.name for s in plan_workbook(spec).repeat_sheets]
    assert names[0] == long_label[:MAX_SHEET_TITLE]
    assert len(set(names)) == 4 and all(len(n) <= MAX_SHEET_TITLE for n in names)
    assert "明细" in names and "生产线明细" in names
    line_items = plan_workbook(spec).repeat_sheet("lines[].items[]")
    assert line_items is not None
    # The parent key 名称 clashes with the child's own 名称 column, so it is qualified.
    assert [c.header for c in line_items.columns] == ["生产线·名称", "名称"]


def test_definition_overrides_name_the_sheet_header_width_and_cell(kiln: FormSpec) -> None:
    layout = plan_workbook(kiln)
    kilns = layout.repeat_sheet("kilns[]")
    assert kilns is not None and kilns.name == "窑炉"
    assert next(c for c in kilns.columns if c.path.endswith("description")).width == 60
    meters = layout.repeat_sheet("kilns[].meters[]")
    assert meters is not None
    assert "准确度（%）" in [c.header for c in meters.columns]
    signing = next(s for s in layout.scalar_sheets if s.name == "签署")
    (approver,) = signing.value_entries()
    assert (approver.path, approver.cell, approver.pinned) == ("approver", "C3", True)


def test_a_parent_without_key_gets_a_row_number_its_children_refer_to(kiln: FormSpec) -> None:
    layout = plan_workbook(kiln)
    lines = layout.repeat_sheet("lines[]")
    checks = layout.repeat_sheet("lines[].checks[]")
    assert lines is not None and checks is not None
    assert (lines.columns[0].header, lines.columns[0].role) == ("序号", "ordinal")
    assert (checks.columns[0].header, checks.columns[0].role) == ("生产线序号", "parent_key")


def test_impossible_cell_override_is_reported_in_chinese(tmp_path: Path) -> None:
    spec = _yaml_form(tmp_path, "", "      - {name: a, type: text, label: 甲, excel: {cell: 第三格}}\n")
    with pytest.raises(LayoutError, match="不是单元格地址"):
        plan_workbook(spec)
    spec = _yaml_form(
        tmp_path,
        "",
        "      - {name: a, type: text, label: 甲, excel: {cell: E9}}\n"
        "      - {name: b, type: text, label: 乙, excel: {cell: E9}}\n",
    )
    with pytest.raises(LayoutError, match="同一个单元格"):
        plan_workbook(spec)


def test_input_rows_come_from_the_definition_or_the_caller(power: FormSpec) -> None:
    assert plan_workbook(power).input_rows == 200
    assert plan_workbook(power, 30).repeat_sheets[0].last_input_row == 31
