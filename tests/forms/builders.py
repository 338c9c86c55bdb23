"""Realistic filings for the plan and Appendix 5 definitions (tests only).

Fictional enterprises, real-looking data: a coal CHP plant, an integrated BF-BOF steel mill, a
5000 t/d clinker line, a 500 kA aluminium smelter and a calcium-carbide plant. Every builder
returns a fresh ``FilingDocument`` whose values produce no error-level finding, so a test can
seed exactly one mistake and see exactly one rule fire.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any

from cets_desktop.core.document import EvidenceRef, FilingDocument
from cets_desktop.core.loader import default_registry
from cets_desktop.core.rules import Evaluation, evaluate
from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.core.uscc import complete

PLAN_YEAR = "2027"


def spec_of(form_id: str) -> FormSpec:
    spec = default_registry().get(form_id)
    assert spec is not None, f"form {form_id} did not load"
    return spec


def days_ago(days: int) -> str:
    """An ISO date relative to the real today (the engine's today() is the real date)."""
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


# --------------------------------------------------------------------------------------------
# Documents, evidence and empty documents


def evidence_paths(spec: FormSpec, values: dict[str, Any]) -> list[str]:
    """Instance paths of every filled field whose definition asks for supporting material."""
    out: list[str] = []

    def walk(fields: list[FieldSpec], data: dict[str, Any], prefix: str) -> None:
        for f in fields:
            value = data.get(f.name)
            if f.evidence is not None and f.evidence.required and value not in (None, "", []):
                out.append(prefix + f.name)
            if f.type == "repeat" and isinstance(value, list):
                for i, row in enumerate(value):
                    walk(f.data_fields(), row, f"{prefix}{f.name}[{i}].")

    walk(spec.top_fields(), values, "")
    return out


def document(form_id: str, enterprise: dict[str, Any], period: str, values: dict[str, Any],
             with_evidence: bool = True) -> FilingDocument:
    spec = spec_of(form_id)
    evidence = []
    if with_evidence:
        for path in evidence_paths(spec, values):
            digest = hashlib.sha256(path.encode("utf-8")).hexdigest()
            evidence.append(EvidenceRef(path=path, sha256=digest, name=f"{path}.pdf", size=102400, kind="扫描件"))
    return FilingDocument(form=spec.id, form_version=spec.version, enterprise=copy.deepcopy(enterprise),
                          period=period, values=copy.deepcopy(values), evidence=evidence)


def initial_values(spec: FormSpec) -> dict[str, Any]:
    """A new, empty filing: every repeat pre-filled with its ``initial_rows``.

    Nested repeats a pre-filled row does not mention get their own ``initial_rows`` (the
    behaviour the GUI needs when it adds a row; the engine does not define it yet)."""

    def fill(fields: list[FieldSpec], row: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(row)
        for f in fields:
            if f.type != "repeat":
                continue
            rows = out.get(f.name)
            if rows is None:
                rows = copy.deepcopy(f.initial_rows)
            out[f.name] = [fill(f.data_fields(), r) for r in rows] if rows else []
            if not out[f.name]:
                del out[f.name]
        return out

    return fill(spec.top_fields(), {})


def run(doc: FilingDocument) -> Evaluation:
    return evaluate(spec_of(doc.form), doc)


def codes(evaluation: Evaluation) -> set[str]:
    return {f.code for f in evaluation.findings}


# --------------------------------------------------------------------------------------------
# Shared plan parts (same field names in the four plan definitions)


def revisions() -> list[dict[str, Any]]:
    return [
        {"version": "V1.0", "revision_kind": "首次编制", "revision_date": "2022-05-20",
         "content": "按2022年修订版核算指南首次编制数据质量控制计划，覆盖全部机组和参数。", "approved_by": "王建国"},
        {"version": "V2.0", "revision_kind": "修订", "revision_date": "2025-12-15",
         "content": "新增入炉煤机械采样装置，燃煤低位发热量改为每班机械采样、每日化验；更新计量器具台账。",
         "triggers": ["新测量仪器或方法"], "reason": "2025年10月投运入炉煤机械采样装置，提高了采样代表性。",
         "approved_by": "王建国"},
        {"version": "V3.0", "revision_kind": "修订", "revision_date": days_ago(10),
         "content": "编制2027年度计划：更新检测机构委托合同和计量器具校准记录。",
         "triggers": ["修订可提高准确度"], "reason": "年度更新，检测机构变更为具备 CMA 和 CNAS 资质的机构。",
         "approved_by": "王建国"},
    ]


def entity(legal: str, address: str, industry: str, contact: str, phone: str) -> dict[str, Any]:
    return {
        "legal_representative": legal,
        "registered_address": address,
        "site_address": address,
        "industry_code": industry,
        "contact_person": contact,
        "contact_phone": phone,
        "contact_email": "carbon@example.com.cn",
        "org_description": "公司设总经理办公室、生产技术部、安全环保部、燃料管理部、计划经营部。碳排放管理由安全环保部牵头，"
                           "生产技术部负责计量器具，燃料管理部负责燃料采制化，计划经营部负责统计台账。",
        "responsible_department": "安全环保部",
        "responsible_leader": "副总经理 赵立新",
        "responsible_staff": "碳排放专责 " + contact + "，" + phone,
        "org_chart": "附件1 组织机构图",
        "plant_layout": "附件2 厂区平面分布图",
        "process_flow": "附件3 工艺流程图",
    }


def quality() -> dict[str, Any]:
    return {
        "qc_system": "制定《碳排放数据管理办法》《计量器具管理制度》《燃料采制化管理制度》，每年修订一次。",
        "qc_responsibility": "安全环保部统筹，生产技术部负责计量，燃料管理部负责采制化，计划经营部负责统计，分管副总审批。",
        "qc_monitoring": "按计划监督采样、制样、化验和计量器具检定；每季度与外委检测机构开展比对。",
        "qc_records": "原始记录、台账、检测报告按月汇总盖章，扫描件上传管理平台，纸质件归档。",
        "plan_procedure": "安全环保部编制计划，相关部门会签，分管副总审核，总经理批准后执行；出现修订情形时30日内修订。",
        "internal_review": "执行班组、部门、公司三级审核；每月存证前由分管副总签批。",
        "archiving": "原始记录、台账、检测报告、计量器具检定证书电子和纸质双份归档。",
        "archive_years": "10",
    }


def register_row(equipment_id: str, name: str, model: str, location: str, accuracy: str, obj: str,
                 months: int = 24, last_days_ago: int = 40) -> dict[str, Any]:
    return {
        "equipment_id": equipment_id, "equipment_name": name, "model": model, "location": location,
        "accuracy_class": accuracy, "measured_object": obj, "calibration_interval_months": str(months),
        "last_calibration_date": days_ago(last_days_ago), "calibration_org": "省计量科学研究院",
        "certificate_no": f"JD{equipment_id}-2026",
    }


def measured(facility: str, parameter: str, unit: str, equipment_id: str, equipment: str, location: str,
             accuracy: str, frequency: str, department: str, obj: str | None = None,
             missing: str = "计量器具故障期间以备用计量器具数据替代；无备用时取故障前后同期数据中的较大值（保守）。",
             method: str | None = None, **extra: Any) -> dict[str, Any]:
    row = {
        "facility": facility, "parameter": parameter, "param_unit": unit, "route": "实测值",
        "method": method or f"由{equipment}连续计量，按月汇总生产报表数据。",
        "equipment_id": equipment_id, "equipment_name": equipment, "install_location": location,
        "accuracy": accuracy, "measure_frequency": frequency, "record_frequency": "每日",
        "calibration_frequency": "按检定周期", "missing_data": missing, "department": department,
    }
    if obj:
        row["object_name"] = obj
    row.update(extra)
    return row


def calculated(facility: str, parameter: str, unit: str, method: str, department: str,
               obj: str | None = None, **extra: Any) -> dict[str, Any]:
    row = {"facility": facility, "parameter": parameter, "param_unit": unit, "route": "计算值", "method": method,
           "missing_data": "输入数据缺失时按各输入参数的缺失处理方式（保守取值）计算。", "department": department}
    if obj:
        row["object_name"] = obj
    row.update(extra)
    return row


def default(facility: str, parameter: str, unit: str, value: str, department: str,
            obj: str | None = None, **extra: Any) -> dict[str, Any]:
    row = {"facility": facility, "parameter": parameter, "param_unit": unit, "route": "缺省值",
           "method": "采用核算指南附录缺省值。", "declared_value": value, "department": department}
    if obj:
        row["object_name"] = obj
    row.update(extra)
    return row


# --------------------------------------------------------------------------------------------
# Power: 华东示范热电有限公司 (same enterprise as the monthly demo)

POWER_ENTERPRISE: dict[str, Any] = {
    "name": "华东示范热电有限公司",
    "uscc": complete("91310115MA1K3P7Q8"),
    "industry_code": "4412",
    "province": "江苏省",
    "city": "南通市",
    "address": "江苏省南通市港闸区示范路1号",
    "legal_representative": "王建国",
    "contact_person": "李晓燕",
    "contact_phone": "0513-85551234",
}


def _power_unit(name: str, mw: str, pressure: str, chp: bool, turbine: str, cooling: str,
                number: int) -> dict[str, Any]:
    return {
        "unit_name": name, "fuel_category": "燃煤", "capacity_mw": mw, "pressure_class": pressure,
        "boiler_special": "常规煤粉炉", "cooling": cooling, "is_chp": chp, "turbine_type": turbine,
        "coal_kind": "混煤", "commissioning_date": "2012-06-30",
        "blended_fuels": [{"fuel": "洗中煤", "mass_share": "8.00"}],
        "main_equipment": [
            {"kind": "锅炉", "name": f"{number}号锅炉", "number": f"B{number}", "model": "HG-2000/26.15-YM3" if chp else "DG1065/17.4-II1",
             "rating": "2000 t/h，26.15 MPa/605 ℃" if chp else "1065 t/h，17.4 MPa/541 ℃"},
            {"kind": "汽轮机", "name": f"{number}号汽轮机", "number": f"T{number}", "model": "CCLN660-25/600/600" if chp else "NZK350-16.7/538/538",
             "rating": f"{mw} MW"},
            {"kind": "发电机", "name": f"{number}号发电机", "number": f"G{number}", "model": "QFSN-660-2" if chp else "QFSN-350-2",
             "rating": f"{mw} MW"},
        ],
    }


def _coal_lab(facility: str, parameter: str, unit: str, frequency: str, lab_type: str, lab_name: str,
              standards: list[str], equipment_id: str, equipment: str, department: str = "燃料管理部") -> dict[str, Any]:
    return measured(
        facility, parameter, unit, equipment_id, equipment, "燃料化验室", "符合 GB/T 213 重复性限", frequency, department,
        obj="混煤", method="入炉煤每班机械采样，每日制样化验；月度值按日消耗量加权平均。",
        missing="缺测日取当月已测日的最大值；元素碳含量缺测月份按高限缺省值计算（保守）。",
        sample_basis="入炉煤", sampling_method="入炉煤皮带中部机械采样装置每班采样，每日混合制样，月末按日消耗量缩分成月度样。",
        sampling_standard=["GB/T 19494"], preparation_standard=["GB/T 474"], test_standard=standards,
        lab_type=lab_type, lab_name=lab_name,
    )


def power_plan_values() -> dict[str, Any]:
    params: list[dict[str, Any]] = []
    for unit, scale, meter in (("1号机组", "EQ-BS-01", "EQ-EM-01"), ("2号机组", "EQ-BS-02", "EQ-EM-02")):
        params += [
            measured(unit, "燃煤消耗量", "t", scale, "电子皮带秤 ICS-17A", f"{unit[0]}号炉输煤皮带C{unit[0]}A段", "0.5级", "连续",
                     "燃料管理部", obj="混煤", coal_source="入炉煤计量",
                     missing="皮带秤故障期间采用给煤机累计量；两者均缺失时按入厂煤量扣减库存变化计算，取较大值（保守）。"),
            _coal_lab(unit, "燃煤收到基低位发热量", "GJ/t", "每日", "自有化验室", "本厂燃料化验室", ["GB/T 213", "GB/T 483"],
                      "EQ-LAB-01", "全自动量热仪 5E-C5508"),
            measured(unit, "发电量", "MWh", meter, "关口电能表 DTZ341", f"{unit[0]}号发电机出口", "0.2S级", "连续", "生产技术部"),
            measured(unit, "供电量", "MWh", meter, "关口电能表 DTZ341", f"{unit[0]}号主变高压侧", "0.2S级", "连续", "生产技术部",
                     method="主变高压侧关口表计量上网电量，扣除外购电量后为供电量。"),
            measured(unit, "运行小时数", "h", "EQ-DCS-01", "DCS 运行记录", "集控室", "1 s", "连续", "生产技术部"),
            calculated(unit, "负荷（出力）系数", "%", "F = W发电 ÷（P额定 × t运行）× 100", "生产技术部"),
            calculated(unit, "供电碳排放强度", "tCO2/MWh", "E机组 × (1 − α) ÷ W供电", "安全环保部"),
        ]
    params.insert(1, _coal_lab("1号机组", "燃煤收到基元素碳含量", "%", "每月", "CMA和CNAS", "江苏省煤炭产品质量监督检验中心",
                               ["GB/T 476", "GB/T 211", "GB/T 483"], "EQ-LAB-02", "元素分析仪（检测机构）"))
    params += [
        default("2号机组", "燃煤收到基元素碳含量", "%", "", "燃料管理部", obj="混煤",
                method="2号机组入炉煤元素碳含量不实测，按单位热值含碳量高限缺省值 × 当月低位发热量计算。"),
        default("2号机组", "单位热值含碳量", "tC/GJ", "0.03085", "燃料管理部", obj="混煤"),
        default("全厂", "碳氧化率", "%", "99", "安全环保部", obj="混煤"),
        default("全厂", "电网排放因子", "tCO2/MWh", "0.5703", "安全环保部"),
        measured("全厂", "燃油消耗量", "t", "EQ-OF-01", "质量流量计 CMF300", "燃油泵房出口", "0.2级", "连续", "燃料管理部",
                 obj="柴油"),
        default("全厂", "燃油低位发热量", "GJ/t", "42.652", "燃料管理部", obj="柴油"),
        measured("2号机组", "购入使用电量", "MWh", "EQ-EM-03", "下网关口电能表 DTZ341", "启备变高压侧", "0.2S级", "连续", "计划经营部"),
        measured("1号机组", "供热量", "GJ", "EQ-HM-01", "蒸汽流量及热量积算仪 LUGB-DN300", "供热首站出口", "1.0级", "连续", "生产技术部"),
        calculated("1号机组", "供热比", "%", "α = 供热量 ÷ 汽轮机组热耗量（按机组热平衡）", "生产技术部"),
    ]
    for row in params:
        if row.get("route") == "缺省值" and row.get("declared_value") == "":
            del row["declared_value"]
    return {
        "revisions": revisions(),
        **entity("王建国", "江苏省南通市港闸区示范路1号", "4412", "李晓燕", "0513-85551234"),
        "products": [
            {"product_name": "电力", "product_unit": "MWh", "design_output": "5500000.00"},
            {"product_name": "热力", "product_unit": "GJ", "design_output": "2500000.00"},
        ],
        "facilities_overview": "两台燃煤机组：1号 660 MW 超超临界抽凝供热机组（2012年投产），2号 350 MW 亚临界纯凝空冷机组；"
                               "燃煤为进口烟煤与国内混煤，经铁路和码头进厂。",
        "boundary_description": "核算边界为1号、2号发电机组（锅炉、汽轮机、发电机及其辅机）；输煤、化学水等共用系统的能耗计入机组，"
                                "脱硫过程排放和非生产设施不纳入。",
        "units": [
            _power_unit("1号机组", "660.00", "超超临界", True, "抽凝", "水冷-闭式循环", 1),
            _power_unit("2号机组", "350.00", "亚临界", False, "纯凝", "空冷-直接空冷", 2),
        ],
        "parameters": params,
        "equipment": [
            register_row("EQ-BS-01", "电子皮带秤", "ICS-17A", "1号炉输煤皮带C1A段", "0.5级", "1号机组入炉煤量", months=24),
            register_row("EQ-BS-02", "电子皮带秤", "ICS-17A", "2号炉输煤皮带C2A段", "0.5级", "2号机组入炉煤量", months=24),
            register_row("EQ-EM-01", "关口电能表", "DTZ341", "1号发电机出口/1号主变高压侧", "0.2S级", "1号机组发电量、供电量", months=72),
            register_row("EQ-EM-02", "关口电能表", "DTZ341", "2号发电机出口/2号主变高压侧", "0.2S级", "2号机组发电量、供电量", months=72),
            register_row("EQ-EM-03", "下网关口电能表", "DTZ341", "启备变高压侧", "0.2S级", "购入电量", months=72),
            register_row("EQ-HM-01", "蒸汽流量及热量积算仪", "LUGB-DN300", "供热首站出口", "1.0级", "供热量", months=24),
            register_row("EQ-OF-01", "质量流量计", "CMF300", "燃油泵房出口", "0.2级", "燃油消耗量", months=24),
            register_row("EQ-LAB-01", "全自动量热仪", "5E-C5508", "燃料化验室", "0.1%", "入炉煤低位发热量", months=24),
            register_row("EQ-LAB-02", "元素分析仪（外委机构）", "Vario MACRO cube", "江苏省煤炭产品质量监督检验中心", "0.1%",
                         "元素碳含量", months=24),
            register_row("EQ-DCS-01", "DCS 分散控制系统", "OVATION 3.5", "集控室", "时钟同步 1 s", "运行小时数", months=36),
        ],
        **quality(),
        "sample_retention_months": "12",
    }


def power_plan() -> FilingDocument:
    return document("power-plan", POWER_ENTERPRISE, PLAN_YEAR, power_plan_values())
