"""Definition parts (forms/parts/*.yaml): include, override, remove, append, errors in the part.

Each test writes a small forms folder (a definition and its parts/) and loads it like the app does.
"""

from __future__ import annotations

import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from cets_desktop.core.binding import bound
from cets_desktop.core.document import FilingDocument
from cets_desktop.core.loader import DefinitionError, default_registry, load_form, load_forms
from cets_desktop.core.rules import evaluate
from cets_desktop.paths import forms_dir

HEAD = """\
spec_format: 1
id: kiln-monthly
version: "2026.1"
title: 水泥熟料生产月度存证（测试）
filing_type: monthly
sector: cement
sector_label: 水泥
template_year: 2026
period_kind: month
valid_from: "2025-07"
certainty: G
code_prefix: KLN-M
sources:
  layout: {doc: 本工具的填报信息栏, certainty: G}
"""

LEDGER_PART = """\
part: ledger
sources:
  ledger_rule: {doc: 月度存证台账要求, certainty: R}
  layout: {doc: 部件自带的来源（应被表单同名来源覆盖）, certainty: T}
choices:
  route: [{value: 实测值}, {value: 缺省值}]
fields:
  - {name: quantity, type: decimal, label: 消耗量, unit: t, required: true, source: ledger_rule,
     constraint: ". >= 0", constraint_code: "{prefix}-010", constraint_message: "消耗量不能为负数"}
  - name: quality
    type: group
    label: 品质
    fields:
      - {name: ncv, type: decimal, label: 低位发热量, unit: GJ/t, source: ledger_rule}
      - {name: ncv_route, type: select_one, label: 获取方式, choices: route, source: ledger_rule}
  - {name: heat, type: decimal, label: 热量, unit: GJ, calculation: "quantity * ncv", source: ledger_rule}
checks:
  - {code: "{prefix}-110", path: ncv, severity: warning, source: ledger_rule,
     assert: "ncv < 1000", message: "低位发热量 {ncv} 疑似按 kcal/kg 填写"}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def form_with(folder: Path, body: str) -> Path:
    return write(folder, "kiln-monthly-2026.yaml", HEAD + textwrap.dedent(body))


def line_of_text(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# --------------------------------------------------------------------------------------------
# The merge


def test_include_inserts_the_part_with_its_rules_scoped_and_coded_for_the_form(tmp_path: Path) -> None:
    write(tmp_path, "parts/ledger.yaml", LEDGER_PART)
    spec = load_form(
        form_with(
            tmp_path,
            """\
        sections:
          - name: lines
            label: 生产线
            fields:
              - name: lines
                type: repeat
                label: 生产线
                fields:
                  - {name: line_name, type: text, label: 生产线名称, source: layout}
                  - name: fuels
                    type: repeat
                    label: 燃料
                    fields:
                      - include: ledger
        """,
        )
    )
    assert spec.parts == ["ledger"]
    paths = [f.path for f in spec.all_fields()]
    assert paths == [
        "lines[]",
        "lines[].line_name",
        "lines[].fuels[]",
        "lines[].fuels[].quantity",
        "lines[].fuels[].ncv",
        "lines[].fuels[].ncv_route",
        "lines[].fuels[].heat",
    ]
    rules = {bc.check.code: bc for bc in bound(spec).checks}
    # {prefix} became the form's code_prefix; the part rule runs per fuel row of each line.
    assert set(rules) == {"KLN-M-010", "KLN-M-110"}
    assert rules["KLN-M-110"].check.scope == "lines.fuels" and rules["KLN-M-110"].target == "ncv"
    # Part sources and choices joined the form's; the form's own key won.
    assert spec.sources["ledger_rule"].doc == "月度存证台账要求"
    assert spec.sources["layout"].doc == "本工具的填报信息栏"
    assert [c.value for c in spec.choices["route"]] == ["实测值", "缺省值"]


def _load_removing_an_unknown_rule(tmp_path: Path) -> None:
    load_form(
        form_with(
            tmp_path,
            """\
        sections:
          - name: fuels
            label: 燃料
            fields:
              - name: fuels
                type: repeat
                label: 燃料
                fields:
                  - include: ledger
                    override:
                      quality.ncv: {label: 收到基低位发热量, decimals: 3}
                      heat: {calculation: "quantity * ncv / 1000", unit: TJ}
                    remove: [ncv_route]
                    before: {quantity: [{name: fuel_name, type: text, label: 燃料品种, source: layout}]}
                    after: {ncv: [{name: ncv_note, type: text, label: 热值说明, source: layout}]}
                    append:
                      "": [{name: note, type: text, label: 备注, source: layout}]
                      quality: [{name: moisture, type: decimal, label: 全水分, unit: "%", source: layout}]
                    override_checks: {"{prefix}-110": {severity: info}}
                    remove_checks: ["{prefix}-999"]
        """,
        )
    )


def test_rule_edits_and_item_edits_apply(tmp_path: Path) -> None:
    write(tmp_path, "parts/ledger.yaml", LEDGER_PART)
    spec = load_form(
        form_with(
            tmp_path,
            """\
        sections:
          - name: fuels
            label: 燃料
            fields:
              - name: fuels
                type: repeat
                label: 燃料
                fields:
                  - include: ledger
                    override:
                      quality.ncv: {label: 收到基低位发热量, decimals: 3}
                      heat: {calculation: "quantity * ncv / 1000", unit: TJ}
                    remove: [ncv_route]
                    before: {quantity: [{name: fuel_name, type: text, label: 燃料品种, source: layout}]}
                    after: {ncv: [{name: ncv_note, type: text, label: 热值说明, source: layout}]}
                    append:
                      "": [{name: note, type: text, label: 备注, source: layout}]
                      quality: [{name: moisture, type: decimal, label: 全水分, unit: "%", source: layout}]
                    override_checks: {"{prefix}-110": {severity: info}}
        """,
        )
    )
    names = [f.name for f in spec.all_fields()]
    assert names == ["fuels", "fuel_name", "quantity", "ncv", "ncv_note", "moisture", "heat", "note"]
    ncv = spec.field("fuels[].ncv")
    assert (ncv.label, ncv.decimals, ncv.unit) == ("收到基低位发热量", 3, "GJ/t")  # other keys kept
    assert spec.field("fuels[].heat").unit == "TJ"
    (rule,) = [bc.check for bc in bound(spec).checks if bc.check.code == "KLN-M-110"]
    assert rule.severity == "info"

    doc = FilingDocument(
        form="kiln-monthly",
        form_version="2026.1",
        period="2025-08",
        values={"fuels": [{"fuel_name": "烟煤", "quantity": "1200.5", "ncv": "21.5"}]},
    )
    ev = evaluate(spec, doc)
    # 1200.5 t × 21.5 GJ/t ÷ 1000 = 25.81075 TJ (the overridden formula, not the part's).
    assert ev.values["fuels"][0]["heat"] == Decimal("25.81075")


def test_removing_a_rule_the_part_does_not_have_is_an_error_at_the_include(tmp_path: Path) -> None:
    write(tmp_path, "parts/ledger.yaml", LEDGER_PART)
    with pytest.raises(DefinitionError) as info:
        _load_removing_an_unknown_rule(tmp_path)
    form = tmp_path / "kiln-monthly-2026.yaml"
    assert info.value.file == str(form)
    assert info.value.line == line_of_text(form, '"{prefix}-999"')
    assert "KLN-M-999" in info.value.reason


def test_form_checks_list_places_part_rules_where_it_says(tmp_path: Path) -> None:
    write(tmp_path, "parts/ledger.yaml", LEDGER_PART)
    spec = load_form(
        form_with(
            tmp_path,
            """\
        sections:
          - name: fuels
            label: 燃料
            fields:
              - {name: fuels, type: repeat, label: 燃料, fields: [{include: ledger}]}
        checks:
          - {code: KLN-M-100, scope: fuels, assert: "quantity < 1000000", message: 消耗量过大, source: layout}
          - include: ledger
          - {code: KLN-M-200, scope: fuels, assert: "quantity > 0", message: 消耗量为 0, source: layout}
        """,
        )
    )
    assert [c.code for c in spec.checks] == ["KLN-M-100", "KLN-M-110", "KLN-M-200"]


def test_parts_include_parts_and_evidence_kinds_are_named_lists(tmp_path: Path) -> None:
    write(tmp_path, "parts/ledger.yaml", LEDGER_PART)
    write(
        tmp_path,
        "parts/kinds.yaml",
        """\
        part: kinds
        evidence_kinds:
          bills: [电费结算单, 电表读数记录]
        """,
    )
    write(
        tmp_path,
        "parts/meter.yaml",
        """\
        part: meter
        include_parts: [kinds]
        fields:
          - include: ledger
            remove: [quality, heat]
            remove_checks: ["{prefix}-110"]
          - {name: meter_mwh, type: decimal, label: 电表电量, unit: MWh, source: ledger_rule,
             evidence: {kinds: bills, description: 上传电费结算单}}
          - {name: other_mwh, type: decimal, label: 其他电量, unit: MWh, source: ledger_rule,
             evidence: {kinds: ["@bills", 抄表照片], description: 上传抄表记录}}
        """,
    )
    spec = load_form(
        form_with(
            tmp_path,
            """\
        sections:
          - name: meters
            label: 电表
            fields:
              - include: meter
        """,
        )
    )
    assert spec.parts == ["meter", "kinds", "ledger"]
    assert [f.name for f in spec.all_fields()] == ["quantity", "meter_mwh", "other_mwh"]
    assert spec.field("meter_mwh").evidence.kinds == ["电费结算单", "电表读数记录"]
    assert spec.field("other_mwh").evidence.kinds == ["电费结算单", "电表读数记录", "抄表照片"]
    assert [bc.check.code for bc in bound(spec).checks] == ["KLN-M-010"]


# --------------------------------------------------------------------------------------------
# Errors: file:line in the file where the problem is written


def test_a_broken_expression_in_a_part_is_reported_at_the_part_line(tmp_path: Path) -> None:
    part = write(
        tmp_path,
        "parts/ledger.yaml",
        LEDGER_PART.replace('assert: "ncv < 1000"', 'assert: "ncv < unknown_limit"'),
    )
    form = form_with(
        tmp_path,
        """\
        sections:
          - name: fuels
            label: 燃料
            fields:
              - {name: fuels, type: repeat, label: 燃料, fields: [{include: ledger}]}
        """,
    )
    with pytest.raises(DefinitionError) as info:
        load_form(form)
    assert info.value.file == str(part)
    assert info.value.line == line_of_text(part, '"{prefix}-110"')
    assert "unknown_limit" in info.value.reason
    assert str(info.value).startswith(f"{part}:{info.value.line}：")


def test_a_meta_model_error_in_a_part_is_reported_at_the_part_line(tmp_path: Path) -> None:
    part = write(
        tmp_path, "parts/ledger.yaml", LEDGER_PART.replace("unit: GJ/t,", "unit: GJ/t, colour: red,")
    )
    form = form_with(
        tmp_path,
        """\
        sections:
          - {name: fuels, label: 燃料, fields: [{include: ledger}]}
        """,
    )
    with pytest.raises(DefinitionError) as info:
        load_form(form)
    assert info.value.file == str(part)
    assert info.value.line == line_of_text(part, "colour: red")
    assert "不认识的项" in info.value.reason


def test_an_unknown_part_or_path_is_reported_at_the_form_line(tmp_path: Path) -> None:
    write(tmp_path, "parts/ledger.yaml", LEDGER_PART)
    form = form_with(
        tmp_path,
        """\
        sections:
          - name: fuels
            label: 燃料
            fields:
              - include: ledgers
        """,
    )
    with pytest.raises(DefinitionError) as info:
        load_form(form)
    assert (info.value.file, info.value.line) == (str(form), line_of_text(form, "include: ledgers"))
    assert "找不到部件 ledgers" in info.value.reason

    form = form_with(
        tmp_path,
        """\
        sections:
          - name: fuels
            label: 燃料
            fields:
              - include: ledger
                override: {quality.ncv_typo: {label: 热值}}
        """,
    )
    with pytest.raises(DefinitionError) as info:
        load_form(form)
    assert (info.value.file, info.value.line) == (str(form), line_of_text(form, "ncv_typo"))
    assert "quality.ncv_typo" in info.value.reason


def test_a_cycle_of_parts_is_named_with_the_line_that_closes_it(tmp_path: Path) -> None:
    write(
        tmp_path,
        "parts/a.yaml",
        """\
        part: a
        fields:
          - {name: first, type: text, label: 甲}
          - include: b
        """,
    )
    b = write(
        tmp_path,
        "parts/b.yaml",
        """\
        part: b
        fields:
          - {name: second, type: text, label: 乙}
          - include: a
        """,
    )
    form = form_with(
        tmp_path,
        """\
        sections:
          - {name: s, label: 节, fields: [{include: a}]}
        """,
    )
    with pytest.raises(DefinitionError) as info:
        load_form(form)
    assert (info.value.file, info.value.line) == (str(b), line_of_text(b, "include: a"))
    assert "部件循环引用：a → b → a" in info.value.reason


def test_a_broken_part_drops_only_the_forms_that_use_it(tmp_path: Path) -> None:
    write(tmp_path, "parts/ledger.yaml", "part: ledger\nfields: [ {name: x\n")
    form_with(
        tmp_path,
        """\
        sections:
          - {name: s, label: 节, fields: [{include: ledger}]}
        """,
    )
    shutil.copy(forms_dir() / "power-plan-2027.yaml", tmp_path / "power-plan-2027.yaml")
    shutil.copytree(forms_dir() / "parts", tmp_path / "shipped-parts")
    for part in (tmp_path / "shipped-parts").iterdir():
        if part.name != "ledger.yaml":
            shutil.copy(part, tmp_path / "parts" / part.name)
    registry = load_forms(tmp_path)
    assert [s.id for s in registry.all()] == ["power-plan"]
    (error,) = registry.errors
    assert error.file == str(tmp_path / "parts" / "ledger.yaml") and error.line >= 1
    assert "YAML 格式错误" in error.reason


# --------------------------------------------------------------------------------------------
# The shipped parts


def test_power_monthly_takes_its_fuel_rows_from_the_fuel_part() -> None:
    spec = default_registry().get("power-monthly")
    assert spec is not None and "fuel-combustion" in spec.parts
    rules = {bc.check.code: bc.check for bc in bound(spec).checks}
    # The part's codes became PWR-M codes; power's own coal rules stayed in the form.
    for code in ("PWR-M-010", "PWR-M-110", "PWR-M-133", "PWR-M-122", "PWR-M-124"):
        assert code in rules
    assert rules["PWR-M-110"].scope == "units.fuels"
    assert spec.field("units[].fuels[].default_carbon_note").calculation  # appended after cc_effective
    names = [f.name for f in spec.field("units[].fuels[]").data_fields()]
    assert names.index("default_carbon_note") == names.index("cc_effective") + 1
    assert names[-2:] == ["coal_mass", "low_heat_mass"]


PLANT = """\
include_parts: [evidence-kinds]
sections:
  - name: basis
    label: 电网排放因子
    fields:
      - include: grid-factor
  - name: lines
    label: 生产线
    fields:
      - name: lines
        type: repeat
        label: 生产线
        key: line_name
        fields:
          - {name: line_name, type: text, label: 生产线名称, required: true, source: layout}
          - name: fuels
            type: repeat
            label: 燃料
            key: fuel_name
            fields:
              - include: fuel-combustion
                remove: [lab_group]
                remove_checks: ["{prefix}-125"]
          - include: purchased-electricity
          - include: purchased-heat
checks:
  - include: fuel-combustion
"""


@pytest.fixture()
def plant(tmp_path: Path):
    shutil.copytree(forms_dir() / "parts", tmp_path / "parts")
    return load_form(form_with(tmp_path, PLANT))


def plant_doc(period: str, **top: str) -> FilingDocument:
    line = {
        "line_name": "1号熟料线",
        "fuels": [
            {
                "fuel_name": "烟煤",
                "consumption": "100",
                "consumption_route": "实测值",
                "consumption_source": "入炉煤计量",
                "ncv": "20",
                "ncv_route": "实测值",
                "carbon_basis": "元素碳含量",
                "carbon_content": "50",
                "carbon_route": "实测值",
                "oxidation_route": "缺省值",
            }
        ],
        "grid_mwh": "1000",
        "captive_mwh": "500",
        "nonfossil_mwh": "200",
        "wasteheat_mwh": "100",
        "electricity_source": "分厂计量",
        "heat_sources": [
            {"source_type": "余热回收", "heat_gj": "300"},
            {
                "source_type": "蒸汽锅炉",
                "heat_gj": "1000",
                "boiler_emissions": "120",
                "boiler_heat_supply": "1000",
            },
            {"source_type": "外购或其他", "heat_gj": "500", "ef_available": "不可得"},
        ],
    }
    return FilingDocument(
        form="kiln-monthly", form_version="2026.1", period=period, values={**top, "lines": [line]}
    )


def test_shipped_parts_compute_fuel_electricity_and_heat_by_hand(plant) -> None:
    ev = evaluate(plant, plant_doc("2025-08", grid_ef_choice="采用参考值"))
    line = ev.values["lines"][0]
    fuel = line["fuels"][0]
    # E = FC × C_ar × OF × 44/12 = 100 × 0.50 × 0.99 × 44/12 = 181.5 tCO2 (OF default 99 % for solids).
    assert fuel["emissions"].quantize(Decimal("0.0001")) == Decimal("181.5000")
    # Grid factor 2023- 0.5703: (1000 + 500) × 0.5703 = 855.45; non-fossil and waste-heat power at 0.
    assert ev.values["grid_ef"] == Decimal("0.5703")
    assert line["electricity_total"] == Decimal("1800")
    assert line["electricity_emissions"] == Decimal("855.45")
    assert line["electricity_ef"].quantize(Decimal("0.000001")) == Decimal("0.475250")
    # Heat: 300 × 0 + 1000 × (120 ÷ 1000) + 500 × 0.11 = 175 tCO2 over 1800 GJ.
    assert line["heat_total"] == Decimal("1800")
    assert line["heat_emissions"] == Decimal("175")
    assert line["heat_ef"].quantize(Decimal("0.000001")) == Decimal("0.097222")
    codes = {f.code for f in ev.findings}
    assert "KLN-M-EL-002" not in codes
    assert not [f for f in ev.findings if f.severity == "error" and not f.path.startswith("enterprise")], (
        ev.findings
    )


def test_grid_factor_is_confirmed_or_overridden_with_a_source(plant) -> None:
    unconfirmed = evaluate(plant, plant_doc("2025-08"))
    (finding,) = [f for f in unconfirmed.findings if f.code == "KLN-M-EL-002"]
    assert finding.severity == "warning" and finding.path == "grid_ef_choice"
    assert "0.5703" in finding.message and "[" not in finding.message
    assert "推测" in finding.source or "待确认" in finding.source or "[G]" in finding.source
    # 2023: the 0.5703 factor is the verified one for that year → nothing to confirm.
    assert "KLN-M-EL-002" not in {f.code for f in evaluate(plant, plant_doc("2023-08")).findings}

    overridden = evaluate(plant, plant_doc("2025-08", grid_ef_choice="另行填写", grid_ef_override="0.5306"))
    assert {f.code for f in overridden.findings if f.path == "grid_ef_override_source"} == {"GEN-003"}
    # (1000 + 500) × 0.5306 = 795.9 tCO2.
    assert overridden.values["lines"][0]["electricity_emissions"] == Decimal("795.9")
    assert "KLN-M-EL-002" not in {f.code for f in overridden.findings}


def test_zero_factor_power_needs_its_evidence(plant) -> None:
    ev = evaluate(plant, plant_doc("2025-08", grid_ef_choice="采用参考值"))
    missing = {f.path for f in ev.findings if f.code == "GEN-006"}
    assert "lines[0].nonfossil_mwh" in missing and "lines[0].wasteheat_mwh" in missing
