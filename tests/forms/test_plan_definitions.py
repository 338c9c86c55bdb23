"""The four data quality control plans (power, steel, cement, aluminium): they load, a new plan
starts from the guide's parameter lists, a realistic plan passes, and every rule fires on exactly
the mistake it is written for and stays quiet on clean data."""

from __future__ import annotations

import copy
import datetime as dt
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.core.document import FilingDocument
from cets_desktop.core.loader import load_forms
from cets_desktop.core.spec import CERTAINTY_LABELS

sys.path.insert(0, str(Path(__file__).parent))  # tests run with --import-mode=importlib
import builders as b  # noqa: E402

PLANS: dict[str, tuple[str, Callable[[], FilingDocument]]] = {
    "power-plan": ("PWR-P", b.power_plan),
    "steel-plan": ("STL-P", b.steel_plan),
    "cement-plan": ("CEM-P", b.cement_plan),
    "aluminium-plan": ("ALU-P", b.aluminium_plan),
}
EXPECTED_CERTAINTY = {"power-plan": "R", "steel-plan": "G", "cement-plan": "G", "aluminium-plan": "G"}
# Findings a realistic plan legitimately carries: yearly-calibrated instruments fall due within the
# plan year (062, info) and the power plant's unit 2 does not measure coal carbon (114, info).
EXPECTED_INFO = {
    "power-plan": {"PWR-P-062", "PWR-P-114"},
    "steel-plan": {"STL-P-062"},
    "cement-plan": {"CEM-P-062"},
    "aluminium-plan": {"ALU-P-062"},
}


# --------------------------------------------------------------------------------------------
# Loading and metadata


def test_all_shipped_definitions_load_without_errors() -> None:
    registry = load_forms()
    assert registry.errors == []
    for form_id in PLANS:
        assert registry.get(form_id) is not None


@pytest.mark.parametrize("form_id", PLANS)
def test_plan_metadata_is_the_2027_plan_due_end_of_2026(form_id: str) -> None:
    spec = b.spec_of(form_id)
    assert spec.filing_type == "plan"
    assert spec.period_kind == "year"
    assert spec.template_year == 2027
    assert spec.deadline == {"fixed": "12-31", "year_offset": -1}
    assert spec.code_prefix == PLANS[form_id][0]
    assert spec.certainty == EXPECTED_CERTAINTY[form_id]
    assert [s.name for s in spec.sections] == ["revisions", "entity", "boundary", "parameters", "quality"]


@pytest.mark.parametrize("form_id", PLANS)
def test_every_field_and_rule_shows_its_source_and_certainty(form_id: str) -> None:
    spec = b.spec_of(form_id)
    for f in spec.all_fields():
        src = spec.resolve_source(f.source)
        assert f.type == "repeat" or (src is not None and src.certainty in CERTAINTY_LABELS), f.path
    for check in spec.checks:
        src = spec.resolve_source(check.source)
        assert src is not None and src.certainty in CERTAINTY_LABELS, check.code
    # The form's own tag is the weakest of its fields (spec: 取其字段中最弱的一项).
    assert spec.weakest_certainty() == spec.certainty


@pytest.mark.parametrize("form_id", PLANS)
def test_rule_codes_are_unique_and_carry_the_form_prefix(form_id: str) -> None:
    spec = b.spec_of(form_id)
    codes = [c.code for c in spec.checks]
    for f in spec.all_fields():
        codes += [c.code for c in f.checks] + ([f.constraint_code] if f.constraint_code else [])
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert all(c.startswith(spec.code_prefix + "-") for c in codes)


def test_common_rules_mean_the_same_in_every_plan() -> None:
    common = (
        "001",
        "002",
        "003",
        "030",
        "031",
        "032",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "039",
        "044",
        "060",
        "061",
        "062",
    )
    for form_id, (prefix, _) in PLANS.items():
        spec = b.spec_of(form_id)
        by_code = {c.code: c for c in spec.checks}
        for number in common:
            assert f"{prefix}-{number}" in by_code, f"{form_id} lacks {prefix}-{number}"
        power = {c.code[-3:]: c for c in b.spec_of("power-plan").checks}
        for number in ("030", "032", "033", "036", "060"):
            assert by_code[f"{prefix}-{number}"].assert_ == power[number].assert_


# --------------------------------------------------------------------------------------------
# A new, empty plan


POWER_PARAMETERS = [
    "燃煤消耗量",
    "燃油消耗量",
    "燃气消耗量",
    "燃煤收到基低位发热量",
    "燃油低位发热量",
    "燃气低位发热量",
    "燃煤收到基元素碳含量",
    "单位热值含碳量",
    "碳氧化率",
    "购入使用电量",
    "电网排放因子",
    "发电量",
    "供电量",
    "供热量",
    "供热比",
    "供电煤（气）耗",
    "供热煤（气）耗",
    "供电碳排放强度",
    "供热碳排放强度",
    "运行小时数",
    "负荷（出力）系数",
    "排放报告辅助参数",
    "生物质掺烧量",
    "生物质热量占比",
]


@pytest.mark.parametrize("form_id", PLANS)
def test_initial_rows_give_a_sensible_empty_plan(form_id: str) -> None:
    spec = b.spec_of(form_id)
    values = b.initial_values(spec)
    evaluation = b.run(b.document(form_id, b.POWER_ENTERPRISE, b.PLAN_YEAR, values, with_evidence=False))
    codes = b.codes(evaluation)
    # Nothing pre-filled is an unknown field or an invalid choice; what is left is to fill in.
    assert not codes & {"GEN-001", "GEN-002"}
    prefix = PLANS[form_id][0]
    assert codes <= {"GEN-003", "GEN-007", f"{prefix}-030", f"{prefix}-037", f"{prefix}-062"}
    assert values["revisions"] == [{"revision_kind": "首次编制"}]
    assert len(values["parameters"]) >= 20
    for r in evaluation.values["parameters"]:
        assert r["param_label"] == r["parameter"]
        assert r.get("param_unit") or r["parameter"] == "排放报告辅助参数"  # its units vary by item


def test_empty_power_plan_lists_every_parameter_of_the_guide() -> None:
    values = b.initial_values(b.spec_of("power-plan"))
    assert [r["parameter"] for r in values["parameters"]] == POWER_PARAMETERS
    assert {c.value for c in b.spec_of("power-plan").choices["power_parameter"]} == {
        *POWER_PARAMETERS,
        "其他",
    }


def test_prefilled_material_rows_show_the_default_factors() -> None:
    steel = b.run(
        b.document("steel-plan", b.STEEL_ENTERPRISE, b.PLAN_YEAR, b.initial_values(b.spec_of("steel-plan")))
    )
    ef = {
        r["object_name"]: r["guide_default"]
        for r in steel.values["parameters"]
        if r["parameter"] == "排放因子"
    }
    assert (
        ef["石灰石"] == Decimal("0.440") and ef["电极"] == Decimal("3.663") and ef["粗苯"] == Decimal("3.382")
    )
    assert all(v is not None for v in ef.values())
    cement = b.run(
        b.document(
            "cement-plan", b.CEMENT_ENTERPRISE, b.PLAN_YEAR, b.initial_values(b.spec_of("cement-plan"))
        )
    )
    clinker = {
        r["object_name"]: r["guide_default"]
        for r in cement.values["parameters"]
        if r["parameter"] == "熟料过程排放因子"
    }
    assert clinker == {
        "硅酸盐水泥熟料": Decimal("0.535"),
        "白色硅酸盐水泥熟料": Decimal("0.550"),
        "硫（铁）铝酸盐水泥熟料": Decimal("0.413"),
        "铝酸盐水泥熟料": Decimal("0.292"),
    }
    deduction = {
        r["object_name"]: r["guide_default"]
        for r in cement.values["parameters"]
        if r["parameter"] == "替代原料扣减系数"
    }
    assert deduction["电石渣"] == Decimal("0.480") and deduction["钢渣"] == Decimal("0.215")


# --------------------------------------------------------------------------------------------
# A realistic plan


@pytest.mark.parametrize("form_id", PLANS)
def test_realistic_plan_has_no_errors_or_warnings(form_id: str) -> None:
    evaluation = b.run(PLANS[form_id][1]())
    assert evaluation.errors == [], [(f.code, f.path, f.message) for f in evaluation.errors]
    assert evaluation.exportable
    assert b.codes(evaluation) <= EXPECTED_INFO[form_id]


def test_realistic_power_plan_computes_helpers_and_defaults() -> None:
    evaluation = b.run(b.power_plan())
    rows = evaluation.values["parameters"]
    grid = next(r for r in rows if r["parameter"] == "电网排放因子")
    assert grid["guide_default"] == Decimal("0.5703")
    coal = next(r for r in rows if r["parameter"] == "燃煤收到基低位发热量")
    assert coal["param_class"] == "燃煤化验" and coal["row_label"] == "1号机组·混煤·燃煤收到基低位发热量"
    assert evaluation.values["revisions"][0]["is_initial"] == Decimal(1)


# --------------------------------------------------------------------------------------------
# Every rule: fires on a seeded mistake, quiet on clean data

Values = dict[str, Any]
Mutation = Callable[[str, Values], None]


def row(
    values: Values, parameter: str, obj: str | None = None, facility: str | None = None
) -> dict[str, Any]:
    for r in values["parameters"]:
        if (
            r["parameter"] == parameter
            and (obj is None or r.get("object_name") == obj)
            and (facility is None or r.get("facility") == facility)
        ):
            return r
    raise AssertionError(f"no parameter row {facility}/{obj}/{parameter}")


def drop(values: Values, parameter: str, obj: str | None = None, facility: str | None = None) -> None:
    values["parameters"].remove(row(values, parameter, obj, facility))


MEASURED = {
    "power-plan": ("燃煤消耗量", None, "1号机组"),
    "steel-plan": ("消耗量", "焦炭", None),
    "cement-plan": ("熟料产量", None, None),
    "aluminium-plan": ("铝液产量", None, None),
}
LAB = {
    "power-plan": ("燃煤收到基低位发热量", None, "1号机组"),
    "steel-plan": ("低位发热量", "洗精煤", None),
    "cement-plan": ("低位发热量", "烟煤", None),
    "aluminium-plan": ("阳极平均含硫量", None, None),
}
DEFAULTED = {
    "power-plan": ("电网排放因子", None, None),
    "steel-plan": ("排放因子", "石灰石", None),
    "cement-plan": ("替代原料扣减系数", "电石渣", None),
    "aluminium-plan": ("阳极平均灰分含量", None, None),
}
ON_FACILITY = {
    "power-plan": ("燃煤消耗量", None, "1号机组"),
    "steel-plan": ("产量", "铁水", None),
    "cement-plan": ("熟料产量", None, None),
    "aluminium-plan": ("铝液产量", None, None),
}
FACILITIES = {
    "power-plan": ("units", "unit_name"),
    "steel-plan": ("processes", "process_name"),
    "cement-plan": ("lines", "line_name"),
    "aluminium-plan": ("series", "series_name"),
}


def _new_facility(form: str, v: Values) -> None:
    repeat, key = FACILITIES[form]
    extra = copy.deepcopy(v[repeat][0])
    extra[key] = "新建设施（未填参数）"
    v[repeat].append(extra)


def _future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


COMMON: dict[str, Mutation] = {
    "001": lambda f, v: v["revisions"][1].update(revision_kind="首次编制"),
    "002": lambda f, v: v["revisions"][1].pop("triggers"),
    "003": lambda f, v: v["revisions"][1].pop("reason"),
    "010": lambda f, v: v.update(industry_code="电力"),
    "011": lambda f, v: v.update(contact_phone="待定"),
    "030": lambda f, v: row(v, *MEASURED[f]).pop("route"),
    "040": lambda f, v: row(v, *MEASURED[f]).pop("calibration_frequency"),
    "031": lambda f, v: row(v, *ON_FACILITY[f]).update(facility="9号（已拆除）"),
    "032": lambda f, v: [row(v, *MEASURED[f]).pop(k) for k in ("equipment_id", "equipment_name")],
    "033": lambda f, v: row(v, *MEASURED[f]).pop("measure_frequency"),
    "034": lambda f, v: row(v, *LAB[f]).pop("lab_name"),
    "035": lambda f, v: row(v, *LAB[f]).pop("test_standard"),
    "036": lambda f, v: row(v, *MEASURED[f]).update(equipment_id="EQ-XX-99"),
    "037": lambda f, v: row(v, *MEASURED[f]).pop("missing_data"),
    "038": lambda f, v: row(v, *MEASURED[f]).update(missing_data="按前三个月的平均值估算。"),
    "039": _new_facility,
    "044": lambda f, v: row(v, *DEFAULTED[f]).update(declared_value="0.6101"),
    "060": lambda f, v: v["equipment"][0].update(last_calibration_date=b.days_ago(400)),
    "061": lambda f, v: v["equipment"][0].update(last_calibration_date=_future(10)),
    "063": lambda f, v: v["equipment"][0].update(calibration_interval_months="0"),
    "070": lambda f, v: v.update(archive_years="3"),
}


# 062 (info) fires on every yearly-calibrated instrument of the realistic plans; seed it with one
# more yearly instrument and prove it quiet by giving every instrument a long interval.
def _fires_062(f: str, v: Values) -> None:
    v["equipment"].append(b.register_row("EQ-NEW-01", "新装流量计", "LWQ-50", "新增计量点", "1.0级", "试验"))


def _quiet_062(f: str, v: Values) -> None:
    for e in v["equipment"]:
        e["calibration_interval_months"] = "60"


def _add_blend(f: str, v: Values) -> None:
    v["units"][0]["blended_fuels"].append({"fuel": "煤泥", "mass_share": "95.00"})


def _drop_turbine(f: str, v: Values) -> None:
    v["units"][0]["main_equipment"] = [e for e in v["units"][0]["main_equipment"] if e["kind"] != "汽轮机"]


def _measure_unit2_carbon(f: str, v: Values) -> None:
    drop(v, "燃煤收到基元素碳含量", facility="2号机组")


SPECIFIC: dict[str, Mutation] = {
    # power
    "PWR-P-100": lambda f, v: v["units"][0].update(capacity_mw="6600"),
    "PWR-P-101": lambda f, v: v["units"][0]["blended_fuels"][0].update(mass_share="108"),
    "PWR-P-102": _add_blend,
    "PWR-P-103": _drop_turbine,
    "PWR-P-104": lambda f, v: drop(v, "燃煤消耗量", facility="1号机组"),
    "PWR-P-105": lambda f, v: drop(v, "燃煤收到基低位发热量", facility="1号机组"),
    "PWR-P-106": lambda f, v: drop(v, "燃煤收到基元素碳含量", facility="1号机组"),
    "PWR-P-107": lambda f, v: drop(v, "运行小时数", facility="2号机组"),
    "PWR-P-108": lambda f, v: drop(v, "供热比", facility="1号机组"),
    "PWR-P-110": lambda f, v: row(v, "燃煤收到基低位发热量", facility="1号机组").update(
        measure_frequency="每周"
    ),
    "PWR-P-111": lambda f, v: row(v, "燃煤收到基低位发热量", facility="2号机组").update(
        sample_basis="入厂煤", measure_frequency="每月"
    ),
    "PWR-P-112": lambda f, v: row(v, "燃煤收到基元素碳含量", facility="1号机组").update(
        measure_frequency="每季度"
    ),
    "PWR-P-113": lambda f, v: row(v, "燃煤收到基元素碳含量", facility="1号机组").update(
        lab_type="自有化验室"
    ),
    "PWR-P-120": lambda f, v: v.update(sample_retention_months="6"),
    # steel
    "STL-P-100": lambda f, v: drop(v, "期末库存量", "洗精煤"),
    "STL-P-101": lambda f, v: [
        r.update(level="企业层级") or r.pop("facility", None) for r in v["parameters"]
    ],
    "STL-P-102": lambda f, v: [drop(v, "产量", "粗钢") for _ in range(2)],
    "STL-P-103": lambda f, v: row(v, "排放因子", "白云石").update(object_name="轻烧白云石"),
    "STL-P-104": lambda f, v: row(v, "低位发热量", "洗精煤").update(lab_type="自有化验室"),
    # cement
    "CEM-P-100": lambda f, v: v["lines"][0].update(design_capacity_tpd="50000"),
    "CEM-P-101": lambda f, v: drop(v, "熟料产量"),
    "CEM-P-102": lambda f, v: row(v, "熟料过程排放因子").update(object_name="普通熟料"),
    "CEM-P-103": lambda f, v: row(v, "替代原料扣减系数", "钢渣").update(object_name="转炉尾渣"),
    "CEM-P-104": lambda f, v: row(v, "熟料过程排放因子").update(declared_value="5.35"),
    "CEM-P-105": lambda f, v: drop(v, "替代原料扣减系数", "钢渣"),
    "CEM-P-106": lambda f, v: drop(v, "熟料过程排放因子"),
    "CEM-P-107": lambda f, v: row(v, "熟料过程排放因子").update(route="实测值"),
    "CEM-P-108": lambda f, v: row(v, "低位发热量", "烟煤").update(lab_type="自有化验室"),
    # aluminium
    "ALU-P-100": lambda f, v: v["series"][0].update(line_current_ka="5000"),
    "ALU-P-101": lambda f, v: drop(v, "铝液产量"),
    "ALU-P-102": lambda f, v: drop(v, "C2F6排放因子"),
    "ALU-P-103": lambda f, v: drop(v, "平均每天每槽阳极效应持续时间"),
    "ALU-P-104": lambda f, v: v["series"][0].update(ae_monitoring=False),
    "ALU-P-105": lambda f, v: v["parameters"].append(
        {
            "level": "企业层级",
            "object_name": "菱镁石",
            "parameter": "碳酸盐排放因子",
            "param_unit": "tCO2/t",
            "route": "缺省值",
            "method": "采用化学计量值。",
            "department": "安全环保部",
        }
    ),
}
QUIET_VARIANTS: dict[str, Mutation] = {"PWR-P-114": _measure_unit2_carbon}


def _cases() -> list[tuple[str, str, Mutation]]:
    cases: list[tuple[str, str, Mutation]] = []
    for form_id, (prefix, _) in PLANS.items():
        for number, mutate in COMMON.items():
            cases.append((form_id, f"{prefix}-{number}", mutate))
        cases.append((form_id, f"{prefix}-062", _fires_062))
    for code, mutate in SPECIFIC.items():
        form_id = next(f for f, (p, _) in PLANS.items() if code.startswith(p))
        cases.append((form_id, code, mutate))
    cases.append(("power-plan", "PWR-P-114", lambda f, v: None))  # unit 2 defaults its carbon content
    return cases


CASES = _cases()


def _evaluate_with(form_id: str, mutate: Mutation) -> set[str]:
    doc = PLANS[form_id][1]()
    values = copy.deepcopy(doc.values)
    mutate(form_id, values)
    changed = b.document(form_id, doc.enterprise.model_dump(), doc.period, values)
    return b.codes(b.run(changed))


def test_every_rule_of_every_plan_has_a_case() -> None:
    covered = {code for _, code, _ in CASES}
    for form_id in PLANS:
        spec = b.spec_of(form_id)
        written = {c.code for c in spec.checks}
        for f in spec.all_fields():
            written |= {c.code for c in f.checks} | ({f.constraint_code} if f.constraint_code else set())
        assert written <= covered, sorted(written - covered)


@pytest.mark.parametrize("form_id, code, mutate", CASES, ids=[c for _, c, _ in CASES])
def test_rule_fires_on_its_mistake(form_id: str, code: str, mutate: Mutation) -> None:
    assert code in _evaluate_with(form_id, mutate)


@pytest.mark.parametrize("form_id, code", [(f, c) for f, c, _ in CASES], ids=[c for _, c, _ in CASES])
def test_rule_is_quiet_on_clean_data(form_id: str, code: str) -> None:
    number = code[-3:]
    quiet = QUIET_VARIANTS.get(code) or (_quiet_062 if number == "062" else (lambda f, v: None))
    assert code not in _evaluate_with(form_id, quiet)


def test_conservative_wording_heuristic_accepts_averages_with_a_conservative_rule() -> None:
    ok = "缺测日取当月已测日平均值与最大值中的较大值，从高取值（保守）。"
    assert "PWR-P-038" not in _evaluate_with(
        "power-plan", lambda f, v: row(v, *MEASURED[f]).update(missing_data=ok)
    )


def test_messages_name_the_row_and_are_chinese() -> None:
    doc = b.power_plan()
    values = copy.deepcopy(doc.values)
    row(values, "燃煤收到基元素碳含量", facility="1号机组").update(lab_type="自有化验室")
    evaluation = b.run(b.document("power-plan", doc.enterprise.model_dump(), doc.period, values))
    finding = next(f for f in evaluation.findings if f.code == "PWR-P-113")
    assert finding.severity == "error"
    assert "1号机组·混煤·燃煤收到基元素碳含量" in finding.message and "CMA" in finding.message
    assert finding.path.startswith("parameters[") and finding.path.endswith(".lab_type")
    assert "已核实" in finding.source
