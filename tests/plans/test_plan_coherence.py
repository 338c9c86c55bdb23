"""Plan ↔ month coherence: the demo power months checked against the power plant's plan."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests run with --import-mode=importlib
import plan_helpers as h  # noqa: E402

from cets_desktop.core.document import Acknowledgement  # noqa: E402
from cets_desktop.core.plan_coherence import coherence_findings, link_problems  # noqa: E402
from cets_desktop.core.rules import evaluate  # noqa: E402
from cets_desktop.workflow.errors import InputError  # noqa: E402
from cets_desktop.workflow.evaluation import coherence_for  # noqa: E402
from cets_desktop.workflow.inputs import LoadedInput  # noqa: E402

b = h.b
PLAN = b.spec_of("power-plan")
MONTHLY = b.spec_of("power-monthly")


def check(month: Any, plan: Any = None) -> list[Any]:
    return coherence_findings(PLAN, plan or h.power_plan(), MONTHLY, month)


def coal(data: dict[str, Any], unit: int = 0) -> dict[str, Any]:
    return data["values"]["units"][unit]["fuels"][0]


# --------------------------------------------------------------------------------------------
# The links themselves


def test_power_links_resolve_against_the_monthly_definition() -> None:
    assert link_problems(PLAN, MONTHLY) == []
    parameters = {link.parameter for link in PLAN.monthly_links}
    # Every monthly item of the 2022/2023 notices that the plan declares has a link.
    assert {
        "燃煤消耗量",
        "燃煤收到基低位发热量",
        "燃煤收到基元素碳含量",
        "购入使用电量",
        "发电量",
        "供电量",
        "供热量",
        "运行小时数",
        "负荷（出力）系数",
        "排放报告辅助参数",
    } <= parameters
    assert all(link.form == "power-monthly" for link in PLAN.monthly_links)


@pytest.mark.parametrize(
    "form_id", ["cement-plan", "aluminium-plan"]
)  # steel-plan links to steel-monthly (tests/steel)
def test_cement_and_aluminium_links_resolve_against_their_monthly_definitions(form_id: str) -> None:
    # Behaviour against real months: tests/cement/test_cement_plan_links.py, tests/aluminium/test_aluminium_plan_links.py.
    month_id = form_id.replace("-plan", "-monthly")
    plan = b.spec_of(form_id)
    assert plan.monthly_links and all(link.form == month_id for link in plan.monthly_links)
    assert link_problems(plan, b.spec_of(month_id)) == []


def test_a_broken_link_is_reported_not_used() -> None:
    broken = PLAN.model_copy(deep=True)
    broken.monthly_links[0].value_path = "units[].fuels[].no_such_field"
    broken.monthly_links[1].match = {"facility": "unit_name", "no_plan_field": "fuel_name"}
    problems = link_problems(broken, MONTHLY)
    assert len(problems) == 2
    assert "no_such_field" in problems[0] and "no_plan_field" in problems[1]


# --------------------------------------------------------------------------------------------
# Clean data


@pytest.mark.parametrize("month", range(1, 13))
def test_demo_months_follow_the_plan(month: int) -> None:
    assert check(h.month_doc(month)) == []


def test_plant_wide_rows_apply_to_every_unit() -> None:
    # 柴油 is burnt in 1号机组; the plan declares its consumption once, for 全厂.
    month = h.month_doc(10)
    assert month.values["units"][0]["fuels"][1]["fuel_name"] == "柴油"
    plan_values = b.power_plan_values()
    h.row(plan_values, "燃油消耗量").update(route="其他", method="按供应商结算单。")
    findings = check(month, h.power_plan(values=plan_values))
    assert [(f.code, f.path) for f in findings] == [("PLAN-LINK-001", "units[0].fuels[1].consumption")]


# --------------------------------------------------------------------------------------------
# Seeded mistakes


def _default_carbon(data: dict[str, Any]) -> None:
    fuel = coal(data)
    for name in (
        "carbon_basis",
        "carbon_content",
        "lab_name",
        "lab_accreditation",
        "report_no",
        "report_date",
        "sample_hydrogen",
        "sample_sulphur",
        "sample_moisture",
        "sample_ncv",
    ):
        fuel.pop(name)
    fuel["carbon_route"] = "缺省值"
    data["evidence"] = [e for e in data["evidence"] if not e["path"].endswith("carbon_content")]


def test_route_differs_from_the_plan() -> None:
    findings = check(h.month_doc(10, _default_carbon))
    (finding,) = findings
    assert (finding.code, finding.severity, finding.path) == (
        "PLAN-LINK-001",
        "warning",
        "units[0].fuels[0].carbon_content",
    )
    assert finding.location == "机组「1号机组」 › 燃料「烟煤」 › 收到基元素碳含量"
    assert finding.message.startswith(
        "本月机组「1号机组」 › 燃料「烟煤」的元素碳含量获取方式为“缺省值”，"
        "与数据质量控制计划（2026年度 V3.0）中「1号机组·混煤·燃煤收到基元素碳含量」申报的“实测值”不一致"
    )
    assert finding.kind == "cross_filing" and "已核实" in finding.source


def test_measured_carbon_without_its_lab_report() -> None:
    def wrong_kind(data: dict[str, Any]) -> None:
        for e in data["evidence"]:
            if e["path"] == "units[0].fuels[0].carbon_content":
                e["kind"] = "盖章燃料消耗台账扫描件"

    (finding,) = check(h.month_doc(10, wrong_kind))
    assert (finding.code, finding.path) == ("PLAN-LINK-002", "units[0].fuels[0].carbon_content")
    assert (
        "「1号机组·混煤·燃煤收到基元素碳含量」为实测值（检测机构：江苏省煤炭产品质量监督检验中心）"
        in finding.message
    )
    assert (
        "收到基元素碳含量（56.20 %）应附CMA/CNAS检测报告，但已附材料的类型为“盖章燃料消耗台账扫描件”"
        in finding.message
    )

    def none_attached(data: dict[str, Any]) -> None:
        data["evidence"] = [e for e in data["evidence"] if e["path"] != "units[0].fuels[0].carbon_content"]

    (finding,) = check(h.month_doc(10, none_attached))
    assert finding.code == "PLAN-LINK-002" and "本月未附任何支撑材料" in finding.message


def test_route_mismatch_and_missing_evidence_together() -> None:
    def seeded(data: dict[str, Any]) -> None:
        coal(data)["ncv_route"] = "其他"  # supplier's coal quality instead of the plant's own daily tests
        data["evidence"] = [e for e in data["evidence"] if e["path"] != "units[1].purchased_electricity"]

    findings = check(h.month_doc(10, seeded))
    assert [(f.code, f.path) for f in findings] == [
        ("PLAN-LINK-001", "units[0].fuels[0].ncv"),
        ("PLAN-LINK-002", "units[1].purchased_electricity"),
    ]
    assert (
        "电表读数记录、电费结算单之一" in findings[1].message
        and "下网关口电能表 DTZ341" in findings[1].message
    )


def test_units_and_fuels_the_plan_does_not_declare() -> None:
    def seeded(data: dict[str, Any]) -> None:
        units = data["values"]["units"]
        units[0]["fuels"].append(
            {
                "fuel_name": "天然气",
                "consumption": "12.50",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            }
        )
        extra = copy.deepcopy(units[1])
        extra["unit_name"] = "3号机组"
        units.append(extra)

    findings = check(h.month_doc(10, seeded))
    assert [(f.code, f.path) for f in findings] == [
        ("PLAN-LINK-003", "units[0].fuels[2].fuel_name"),
        ("PLAN-LINK-003", "units[2].unit_name"),
    ]
    fuel, unit = findings
    assert fuel.message.startswith(
        "本月机组「1号机组」 › 燃料「天然气」在数据质量控制计划（2026年度 V3.0）中没有对应的参数行"
        "（应申报：燃气消耗量、燃气低位发热量、碳氧化率）"
    )
    assert unit.message.startswith(
        "本月存证中有机组「3号机组」，但数据质量控制计划（2026年度 V3.0）没有申报该机组（计划中：1号机组、2号机组）"
    )


def test_auxiliary_items_are_checked_row_by_row() -> None:
    def seeded(data: dict[str, Any]) -> None:
        data["values"]["units"][0]["aux_params"] = [
            {
                "param_name": "生物质掺烧量",
                "param_value": "1200",
                "param_unit": "t",
                "param_note": "秸秆成型燃料试烧",
            }
        ]

    (finding,) = check(h.month_doc(10, seeded))
    assert (finding.code, finding.path) == ("PLAN-LINK-003", "units[0].aux_params[0].param_name")
    assert (
        "排放报告辅助参数「生物质掺烧量」" in finding.message
        and "应申报：生物质掺烧量、排放报告辅助参数" in finding.message
    )

    plan_values = b.power_plan_values()
    plan_values["parameters"].append(
        b.measured(
            "1号机组",
            "生物质掺烧量",
            "t",
            "EQ-BS-01",
            "电子皮带秤 ICS-17A",
            "1号炉输煤皮带C1A段",
            "0.5级",
            "连续",
            "燃料管理部",
        )
    )
    (finding,) = check(h.month_doc(10, seeded), h.power_plan(values=plan_values))
    assert (finding.code, finding.path) == ("PLAN-LINK-002", "units[0].aux_params[0].param_value")
    assert "盖章生产报表、台账记录之一" in finding.message


def test_plan_of_another_year_is_pointed_out() -> None:
    findings = check(h.month_doc(10), h.power_plan("2027"))
    assert [(f.code, f.severity) for f in findings] == [("PLAN-LINK-004", "info")]
    assert "2027年度 V3.0" in findings[0].message and "2026年10月" in findings[0].message


def test_acknowledged_warning_stays_acknowledged() -> None:
    def seeded(data: dict[str, Any]) -> None:
        _default_carbon(data)
        data["acknowledgements"] = [
            {
                "code": "PLAN-LINK-001",
                "path": "units[0].fuels[0].carbon_content",
                "reason": "本月检测机构设备故障，按计划缺失处理方式采用高限缺省值。",
            }
        ]

    (finding,) = check(h.month_doc(10, seeded))
    assert finding.acknowledged and not finding.blocks_export


# --------------------------------------------------------------------------------------------
# Services form and the engine


def test_coherence_for_loaded_inputs_and_as_extra_findings() -> None:
    month = h.month_doc(10, _default_carbon)
    findings = coherence_for(LoadedInput(month, MONTHLY), LoadedInput(h.power_plan(), PLAN))
    assert [f.code for f in findings] == ["PLAN-LINK-001"]
    evaluation = evaluate(MONTHLY, month, extra_findings=findings)
    assert "PLAN-LINK-001" in {f.code for f in evaluation.findings}
    assert not evaluation.exportable  # an unacknowledged warning needs a fix or a written reason


@pytest.mark.parametrize("which", ["steel plan", "month as plan", "plan as month", "other enterprise"])
def test_unusable_pairs(which: str) -> None:
    month, plan = LoadedInput(h.month_doc(10), MONTHLY), LoadedInput(h.power_plan(), PLAN)
    if which == "steel plan":
        plan = LoadedInput(b.steel_plan(), b.spec_of("steel-plan"))
        expected = "没有与「发电设施月度信息化存证」对应的参数"
    elif which == "month as plan":
        plan = month
        expected = "不是数据质量控制计划"
    elif which == "plan as month":
        month = plan
        expected = "不是月度存证"
    else:
        other = h.power_plan()
        other.enterprise.uscc = b.STEEL_ENTERPRISE["uscc"]
        plan = LoadedInput(other, PLAN)
        expected = "不是同一企业"
    with pytest.raises(InputError, match=expected):
        coherence_for(month, plan)


def test_acknowledgement_type_is_the_documents() -> None:
    # Acknowledgements written by the GUI use the document's own model.
    ack = Acknowledgement(code="PLAN-LINK-002", path="", reason="检测报告原件在途，下月补传。")
    month = h.month_doc(10)
    month.evidence = [e for e in month.evidence if not e.path.endswith("carbon_content")]
    month.acknowledgements = [ack]
    (finding,) = check(month)
    assert finding.acknowledged == "检测报告原件在途，下月补传。"
