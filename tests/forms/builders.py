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
from collections.abc import Callable
from typing import Any

from cets_desktop.core.document import EvidenceRef, FilingDocument
from cets_desktop.core.loader import default_registry
from cets_desktop.core.rules import Evaluation, evaluate
from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.core.uscc import complete

PLAN_YEAR = str(dt.date.today().year + 1)
"""Plans are prepared in the year before they apply (due 31 Dec); ``today()`` in the rules is the
real date, so the plan year follows it and the calibration scenarios stay the same over time."""


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


def document(
    form_id: str, enterprise: dict[str, Any], period: str, values: dict[str, Any], with_evidence: bool = True
) -> FilingDocument:
    spec = spec_of(form_id)
    evidence = []
    if with_evidence:
        for path in evidence_paths(spec, values):
            digest = hashlib.sha256(path.encode("utf-8")).hexdigest()
            evidence.append(
                EvidenceRef(path=path, sha256=digest, name=f"{path}.pdf", size=102400, kind="扫描件")
            )
    return FilingDocument(
        form=spec.id,
        form_version=spec.version,
        enterprise=copy.deepcopy(enterprise),
        period=period,
        values=copy.deepcopy(values),
        evidence=evidence,
    )


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
        {
            "version": "V1.0",
            "revision_kind": "首次编制",
            "revision_date": "2022-05-20",
            "content": "按2022年修订版核算指南首次编制数据质量控制计划，覆盖全部机组和参数。",
            "approved_by": "王建国",
        },
        {
            "version": "V2.0",
            "revision_kind": "修订",
            "revision_date": "2025-12-15",
            "content": "新增入炉煤机械采样装置，燃煤低位发热量改为每班机械采样、每日化验；更新计量器具台账。",
            "triggers": ["新测量仪器或方法"],
            "reason": "2025年10月投运入炉煤机械采样装置，提高了采样代表性。",
            "approved_by": "王建国",
        },
        {
            "version": "V3.0",
            "revision_kind": "修订",
            "revision_date": days_ago(10),
            "content": "编制2027年度计划：更新检测机构委托合同和计量器具校准记录。",
            "triggers": ["修订可提高准确度"],
            "reason": "年度更新，检测机构变更为具备 CMA 和 CNAS 资质的机构。",
            "approved_by": "王建国",
        },
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


def register_row(
    equipment_id: str,
    name: str,
    model: str,
    location: str,
    accuracy: str,
    obj: str,
    months: int = 12,
    last_days_ago: int = 40,
) -> dict[str, Any]:
    """A register row calibrated ``last_days_ago`` days ago. With the default yearly interval the
    calibration always falls due within the plan year (rule 062, info); intervals of 36 months or
    more never do, whatever the date the tests run on."""
    return {
        "equipment_id": equipment_id,
        "equipment_name": name,
        "model": model,
        "location": location,
        "accuracy_class": accuracy,
        "measured_object": obj,
        "calibration_interval_months": str(months),
        "last_calibration_date": days_ago(last_days_ago),
        "calibration_org": "省计量科学研究院",
        "certificate_no": f"JD{equipment_id}-2026",
    }


def _parameter(
    facility: str,
    parameter: str,
    unit: str,
    route: str,
    department: str,
    obj: str | None,
    extra: dict[str, Any],
    **fields: Any,
) -> dict[str, Any]:
    """One row of a plan's parameter table: the columns every route shares, the route's own
    ``fields`` (None = left out), the object (fuel, material) when named, then ``extra``."""
    row: dict[str, Any] = {"facility": facility, "parameter": parameter, "param_unit": unit, "route": route}
    row.update({k: v for k, v in fields.items() if v is not None})
    row["department"] = department
    if obj:
        row["object_name"] = obj
    row.update(extra)
    return row


def measured(
    facility: str,
    parameter: str,
    unit: str,
    equipment_id: str,
    equipment: str,
    location: str,
    accuracy: str,
    frequency: str,
    department: str,
    obj: str | None = None,
    missing: str = "计量器具故障期间以备用计量器具数据替代；无备用时取故障前后同期数据中的较大值（保守）。",
    method: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return _parameter(
        facility,
        parameter,
        unit,
        "实测值",
        department,
        obj,
        extra,
        method=method or f"由{equipment}连续计量，按月汇总生产报表数据。",
        equipment_id=equipment_id,
        equipment_name=equipment,
        install_location=location,
        accuracy=accuracy,
        measure_frequency=frequency,
        record_frequency="每日",
        calibration_frequency="按检定周期",
        missing_data=missing,
    )


def calculated(
    facility: str,
    parameter: str,
    unit: str,
    method: str,
    department: str,
    obj: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    missing = "输入数据缺失时按各输入参数的缺失处理方式（保守取值）计算。"
    return _parameter(
        facility, parameter, unit, "计算值", department, obj, extra, method=method, missing_data=missing
    )


def default(
    facility: str,
    parameter: str,
    unit: str,
    value: str,
    department: str,
    obj: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    method = "采用核算指南附录缺省值。"
    return _parameter(
        facility, parameter, unit, "缺省值", department, obj, extra, method=method, declared_value=value
    )


def _at_level(level: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Tag a sector plan's parameter row with its 核算层级; an enterprise-level row names no facility."""

    def tag(row: dict[str, Any]) -> dict[str, Any]:
        row["level"] = level
        if level == "企业层级":
            row.pop("facility", None)
        return row

    return tag


_ent = _at_level("企业层级")


def enterprise_identity(
    name: str, uscc_body: str, industry: str, province: str, city: str, address: str
) -> dict[str, Any]:
    """A fictional enterprise: the unified social credit code gets its GB 32100 check digit."""
    return {
        "name": name,
        "uscc": complete(uscc_body),
        "industry_code": industry,
        "province": province,
        "city": city,
        "address": address,
    }


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


def _power_unit(
    name: str, mw: str, pressure: str, chp: bool, turbine: str, cooling: str, number: int
) -> dict[str, Any]:
    return {
        "unit_name": name,
        "fuel_category": "燃煤",
        "capacity_mw": mw,
        "pressure_class": pressure,
        "boiler_special": "常规煤粉炉",
        "cooling": cooling,
        "is_chp": chp,
        "turbine_type": turbine,
        "coal_kind": "混煤",
        "commissioning_date": "2012-06-30",
        "blended_fuels": [{"fuel": "洗中煤", "mass_share": "8.00"}],
        "main_equipment": [
            {
                "kind": "锅炉",
                "name": f"{number}号锅炉",
                "number": f"B{number}",
                "model": "HG-2000/26.15-YM3" if chp else "DG1065/17.4-II1",
                "rating": "2000 t/h，26.15 MPa/605 ℃" if chp else "1065 t/h，17.4 MPa/541 ℃",
            },
            {
                "kind": "汽轮机",
                "name": f"{number}号汽轮机",
                "number": f"T{number}",
                "model": "CCLN660-25/600/600" if chp else "NZK350-16.7/538/538",
                "rating": f"{mw} MW",
            },
            {
                "kind": "发电机",
                "name": f"{number}号发电机",
                "number": f"G{number}",
                "model": "QFSN-660-2" if chp else "QFSN-350-2",
                "rating": f"{mw} MW",
            },
        ],
    }


def _coal_lab(
    facility: str,
    parameter: str,
    unit: str,
    frequency: str,
    lab_type: str,
    lab_name: str,
    standards: list[str],
    equipment_id: str,
    equipment: str,
    department: str = "燃料管理部",
) -> dict[str, Any]:
    return measured(
        facility,
        parameter,
        unit,
        equipment_id,
        equipment,
        "燃料化验室",
        "符合 GB/T 213 重复性限",
        frequency,
        department,
        obj="混煤",
        method="入炉煤每班机械采样，每日制样化验；月度值按日消耗量加权平均。",
        missing="缺测日取当月已测日的最大值；元素碳含量缺测月份按高限缺省值计算（保守）。",
        sample_basis="入炉煤",
        sampling_method="入炉煤皮带中部机械采样装置每班采样，每日混合制样，月末按日消耗量缩分成月度样。",
        sampling_standard=["GB/T 19494"],
        preparation_standard=["GB/T 474"],
        test_standard=standards,
        lab_type=lab_type,
        lab_name=lab_name,
    )


def power_plan_values() -> dict[str, Any]:
    params: list[dict[str, Any]] = []
    for unit, scale, meter in (("1号机组", "EQ-BS-01", "EQ-EM-01"), ("2号机组", "EQ-BS-02", "EQ-EM-02")):
        params += [
            measured(
                unit,
                "燃煤消耗量",
                "t",
                scale,
                "电子皮带秤 ICS-17A",
                f"{unit[0]}号炉输煤皮带C{unit[0]}A段",
                "0.5级",
                "连续",
                "燃料管理部",
                obj="混煤",
                coal_source="入炉煤计量",
                missing="皮带秤故障期间采用给煤机累计量；两者均缺失时按入厂煤量扣减库存变化计算，取较大值（保守）。",
            ),
            _coal_lab(
                unit,
                "燃煤收到基低位发热量",
                "GJ/t",
                "每日",
                "自有化验室",
                "本厂燃料化验室",
                ["GB/T 213", "GB/T 483"],
                "EQ-LAB-01",
                "全自动量热仪 5E-C5508",
            ),
            measured(
                unit,
                "发电量",
                "MWh",
                meter,
                "关口电能表 DTZ341",
                f"{unit[0]}号发电机出口",
                "0.2S级",
                "连续",
                "生产技术部",
            ),
            measured(
                unit,
                "供电量",
                "MWh",
                meter,
                "关口电能表 DTZ341",
                f"{unit[0]}号主变高压侧",
                "0.2S级",
                "连续",
                "生产技术部",
                method="主变高压侧关口表计量上网电量，扣除外购电量后为供电量。",
            ),
            measured(
                unit, "运行小时数", "h", "EQ-DCS-01", "DCS 运行记录", "集控室", "1 s", "连续", "生产技术部"
            ),
            calculated(unit, "负荷（出力）系数", "%", "F = W发电 ÷（P额定 × t运行）× 100", "生产技术部"),
            calculated(unit, "供电碳排放强度", "tCO2/MWh", "E机组 × (1 − α) ÷ W供电", "安全环保部"),
        ]
    params.insert(
        1,
        _coal_lab(
            "1号机组",
            "燃煤收到基元素碳含量",
            "%",
            "每月",
            "CMA和CNAS",
            "江苏省煤炭产品质量监督检验中心",
            ["GB/T 476", "GB/T 211", "GB/T 483"],
            "EQ-LAB-02",
            "元素分析仪（检测机构）",
        ),
    )
    params += [
        default(
            "2号机组",
            "燃煤收到基元素碳含量",
            "%",
            "",
            "燃料管理部",
            obj="混煤",
            method="2号机组入炉煤元素碳含量不实测，按单位热值含碳量高限缺省值 × 当月低位发热量计算。",
        ),
        default("2号机组", "单位热值含碳量", "tC/GJ", "0.03085", "燃料管理部", obj="混煤"),
        default("全厂", "碳氧化率", "%", "99", "安全环保部", obj="混煤"),
        default("全厂", "电网排放因子", "tCO2/MWh", "0.5703", "安全环保部"),
        measured(
            "全厂",
            "燃油消耗量",
            "t",
            "EQ-OF-01",
            "质量流量计 CMF300",
            "燃油泵房出口",
            "0.2级",
            "连续",
            "燃料管理部",
            obj="柴油",
        ),
        default("全厂", "燃油低位发热量", "GJ/t", "42.652", "燃料管理部", obj="柴油"),
        measured(
            "2号机组",
            "购入使用电量",
            "MWh",
            "EQ-EM-03",
            "下网关口电能表 DTZ341",
            "启备变高压侧",
            "0.2S级",
            "连续",
            "计划经营部",
        ),
        measured(
            "1号机组",
            "供热量",
            "GJ",
            "EQ-HM-01",
            "蒸汽流量及热量积算仪 LUGB-DN300",
            "供热首站出口",
            "1.0级",
            "连续",
            "生产技术部",
        ),
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
            register_row(
                "EQ-BS-01", "电子皮带秤", "ICS-17A", "1号炉输煤皮带C1A段", "0.5级", "1号机组入炉煤量"
            ),
            register_row(
                "EQ-BS-02", "电子皮带秤", "ICS-17A", "2号炉输煤皮带C2A段", "0.5级", "2号机组入炉煤量"
            ),
            register_row(
                "EQ-EM-01",
                "关口电能表",
                "DTZ341",
                "1号发电机出口/1号主变高压侧",
                "0.2S级",
                "1号机组发电量、供电量",
                months=72,
            ),
            register_row(
                "EQ-EM-02",
                "关口电能表",
                "DTZ341",
                "2号发电机出口/2号主变高压侧",
                "0.2S级",
                "2号机组发电量、供电量",
                months=72,
            ),
            register_row(
                "EQ-EM-03", "下网关口电能表", "DTZ341", "启备变高压侧", "0.2S级", "购入电量", months=72
            ),
            register_row("EQ-HM-01", "蒸汽流量及热量积算仪", "LUGB-DN300", "供热首站出口", "1.0级", "供热量"),
            register_row("EQ-OF-01", "质量流量计", "CMF300", "燃油泵房出口", "0.2级", "燃油消耗量"),
            register_row("EQ-LAB-01", "全自动量热仪", "5E-C5508", "燃料化验室", "0.1%", "入炉煤低位发热量"),
            register_row(
                "EQ-LAB-02",
                "元素分析仪（外委机构）",
                "Vario MACRO cube",
                "江苏省煤炭产品质量监督检验中心",
                "0.1%",
                "元素碳含量",
            ),
            register_row(
                "EQ-DCS-01",
                "DCS 分散控制系统",
                "OVATION 3.5",
                "集控室",
                "时钟同步 1 s",
                "运行小时数",
                months=36,
            ),
        ],
        **quality(),
        "sample_retention_months": "12",
    }


def power_plan() -> FilingDocument:
    return document("power-plan", POWER_ENTERPRISE, PLAN_YEAR, power_plan_values())


# --------------------------------------------------------------------------------------------
# Steel: an integrated BF-BOF mill (long process), 4 Mt/a crude steel


STEEL_ENTERPRISE = enterprise_identity(
    "冀东示范钢铁有限公司",
    "91130200MA0CJ8K5X",
    "3120",
    "河北省",
    "唐山市",
    "河北省唐山市丰南区沿海工业区钢城路8号",
)


_proc = _at_level("工序层级")


def steel_plan_values() -> dict[str, Any]:
    coal_lab = dict(
        sampling_method="火车卸车后机械采样，每批次制样化验。",
        sampling_standard=["GB/T 19494"],
        preparation_standard=["GB/T 474"],
        test_standard=["GB/T 213"],
        lab_type="CMA和CNAS",
        lab_name="唐山市煤炭质量检验中心",
    )
    stock_missing = "盘库数据缺失时，期末库存取盘煤仪与账面库存的较小值（使消耗量偏大，保守）。"
    params = [
        _ent(
            calculated(
                None,
                "消耗量",
                "t",
                "消耗量 = 购入量 + 期初库存量 − 期末库存量 − 外销量；购入量取轨道衡计量数据。",
                "能源管理部",
                obj="洗精煤",
            )
        ),
        _ent(
            measured(
                None,
                "期初库存量",
                "t",
                "EQ-PD-01",
                "激光盘煤仪 LSC-3000",
                "原料场1号煤场",
                "±1%",
                "每月",
                "能源管理部",
                obj="洗精煤",
                missing=stock_missing,
            )
        ),
        _ent(
            measured(
                None,
                "期末库存量",
                "t",
                "EQ-PD-01",
                "激光盘煤仪 LSC-3000",
                "原料场1号煤场",
                "±1%",
                "每月",
                "能源管理部",
                obj="洗精煤",
                missing=stock_missing,
            )
        ),
        _ent(
            measured(
                None,
                "购入量",
                "t",
                "EQ-GH-01",
                "动态轨道衡 GCU-150",
                "原料场铁路专用线入口",
                "0.2级",
                "每批次",
                "能源管理部",
                obj="洗精煤",
            )
        ),
        _ent(
            measured(
                None,
                "低位发热量",
                "GJ/t",
                "EQ-LAB-01",
                "全自动量热仪 5E-C5508",
                "检化验中心",
                "符合 GB/T 213 重复性限",
                "每批次",
                "检化验中心",
                obj="洗精煤",
                missing="缺测批次取当月已测批次的最大值（保守）。",
                **coal_lab,
            )
        ),
        _ent(default(None, "单位热值含碳量", "tC/GJ", "0.02541", "能源管理部", obj="洗精煤")),
        _ent(
            measured(
                None,
                "消耗量",
                "t",
                "EQ-GH-01",
                "动态轨道衡 GCU-150",
                "原料场铁路专用线入口",
                "0.2级",
                "每批次",
                "能源管理部",
                obj="焦炭",
                method="外购焦炭按轨道衡计量的入厂量计，按月盘库修正。",
            )
        ),
        _ent(default(None, "低位发热量", "GJ/t", "28.435", "能源管理部", obj="焦炭")),
        _ent(default(None, "单位热值含碳量", "tC/GJ", "0.02942", "能源管理部", obj="焦炭")),
        _ent(
            measured(
                None,
                "消耗量",
                "万Nm³",
                "EQ-FM-01",
                "超声波流量计 FLOWSIC600",
                "天然气门站",
                "1.0级",
                "连续",
                "能源管理部",
                obj="天然气",
                method="门站流量计计量，与燃气公司结算单核对。",
            )
        ),
        _ent(default(None, "低位发热量", "GJ/万Nm³", "389.31", "能源管理部", obj="天然气")),
        _ent(default(None, "单位热值含碳量", "tC/GJ", "0.01532", "能源管理部", obj="天然气")),
        _ent(
            measured(
                None,
                "消耗量",
                "t",
                "EQ-QC-01",
                "汽车衡 SCS-100",
                "石灰石料场入口",
                "Ⅲ级",
                "每批次",
                "原料部",
                obj="石灰石",
            )
        ),
        _ent(default(None, "排放因子", "tCO2/t", "0.440", "能源管理部", obj="石灰石")),
        _ent(
            measured(
                None,
                "消耗量",
                "t",
                "EQ-QC-01",
                "汽车衡 SCS-100",
                "石灰石料场入口",
                "Ⅲ级",
                "每批次",
                "原料部",
                obj="白云石",
            )
        ),
        _ent(default(None, "排放因子", "tCO2/t", "0.476", "能源管理部", obj="白云石")),
        _ent(
            measured(
                None,
                "消耗量",
                "t",
                "EQ-QC-02",
                "汽车衡 SCS-120",
                "废钢加工中心",
                "Ⅲ级",
                "每批次",
                "炼钢厂",
                obj="废钢",
            )
        ),
        _ent(default(None, "排放因子", "tCO2/t", "0.037", "能源管理部", obj="废钢")),
        _ent(
            measured(
                None,
                "产量",
                "t",
                "EQ-CS-01",
                "钢包秤 GBS-200",
                "炼钢厂连铸平台",
                "0.1级",
                "每批次",
                "生产管理部",
                obj="粗钢",
                method="连铸坯按炉次称重汇总。",
            )
        ),
        _ent(default(None, "排放因子", "tCO2/t", "0.037", "能源管理部", obj="粗钢")),
        _ent(
            measured(
                None,
                "产量",
                "t",
                "EQ-QC-03",
                "汽车衡 SCS-60",
                "焦化厂化产品外发口",
                "Ⅲ级",
                "每批次",
                "焦化厂",
                obj="粗苯",
            )
        ),
        _ent(default(None, "排放因子", "tCO2/t", "3.382", "能源管理部", obj="粗苯")),
        _ent(
            measured(
                None,
                "产量",
                "t",
                "EQ-QC-03",
                "汽车衡 SCS-60",
                "焦化厂化产品外发口",
                "Ⅲ级",
                "每批次",
                "焦化厂",
                obj="煤焦油",
            )
        ),
        _ent(default(None, "排放因子", "tCO2/t", "2.699", "能源管理部", obj="煤焦油")),
        _proc(
            measured(
                "1号焦炉",
                "产量",
                "t",
                "EQ-BS-11",
                "电子皮带秤 ICS-17A",
                "焦炉出焦皮带",
                "0.5级",
                "连续",
                "焦化厂",
                obj="焦炭",
            )
        ),
        _proc(
            measured(
                "1号烧结机",
                "产量",
                "t",
                "EQ-BS-12",
                "电子皮带秤 ICS-17A",
                "成品烧结矿皮带",
                "0.5级",
                "连续",
                "炼铁厂",
                obj="烧结矿",
            )
        ),
        _proc(
            measured(
                "1号高炉",
                "产量",
                "t",
                "EQ-TS-01",
                "铁水罐秤 TGC-300",
                "高炉出铁场",
                "0.2级",
                "每批次",
                "炼铁厂",
                obj="铁水",
            )
        ),
        _proc(
            measured(
                "1号高炉",
                "消耗量",
                "t",
                "EQ-BS-13",
                "电子皮带秤 ICS-17A",
                "高炉主皮带",
                "0.5级",
                "连续",
                "炼铁厂",
                obj="焦炭",
            )
        ),
        _proc(
            measured(
                "1号转炉",
                "产量",
                "t",
                "EQ-CS-01",
                "钢包秤 GBS-200",
                "炼钢厂连铸平台",
                "0.1级",
                "每批次",
                "炼钢厂",
                obj="粗钢",
            )
        ),
        _proc(
            measured(
                "自备电厂",
                "消耗量",
                "万Nm³",
                "EQ-FM-02",
                "高炉煤气孔板流量计 DN2000",
                "电厂煤气入口",
                "1.5级",
                "连续",
                "能源管理部",
                obj="高炉煤气",
            )
        ),
        _proc(
            measured(
                "自备电厂",
                "发电量",
                "MWh",
                "EQ-EM-11",
                "关口电能表 DTZ341",
                "发电机出口",
                "0.2S级",
                "连续",
                "能源管理部",
            )
        ),
    ]
    equipment_rows = [
        register_row("EQ-PD-01", "激光盘煤仪", "LSC-3000", "原料场1号煤场", "±1%", "洗精煤库存"),
        register_row(
            "EQ-GH-01", "动态轨道衡", "GCU-150", "原料场铁路专用线入口", "0.2级", "洗精煤、焦炭入厂量"
        ),
        register_row("EQ-LAB-01", "全自动量热仪", "5E-C5508", "检化验中心", "0.1%", "洗精煤低位发热量"),
        register_row("EQ-FM-01", "超声波流量计", "FLOWSIC600", "天然气门站", "1.0级", "天然气"),
        register_row("EQ-FM-02", "孔板流量计", "DN2000", "电厂煤气入口", "1.5级", "高炉煤气"),
        register_row("EQ-QC-01", "汽车衡", "SCS-100", "石灰石料场入口", "Ⅲ级", "熔剂"),
        register_row("EQ-QC-02", "汽车衡", "SCS-120", "废钢加工中心", "Ⅲ级", "废钢"),
        register_row("EQ-QC-03", "汽车衡", "SCS-60", "焦化厂化产品外发口", "Ⅲ级", "粗苯、煤焦油"),
        register_row("EQ-CS-01", "钢包秤", "GBS-200", "炼钢厂连铸平台", "0.1级", "粗钢"),
        register_row("EQ-TS-01", "铁水罐秤", "TGC-300", "高炉出铁场", "0.2级", "铁水"),
        register_row("EQ-BS-11", "电子皮带秤", "ICS-17A", "焦炉出焦皮带", "0.5级", "焦炭产量"),
        register_row("EQ-BS-12", "电子皮带秤", "ICS-17A", "成品烧结矿皮带", "0.5级", "烧结矿产量"),
        register_row("EQ-BS-13", "电子皮带秤", "ICS-17A", "高炉主皮带", "0.5级", "入炉焦炭"),
        register_row("EQ-EM-11", "关口电能表", "DTZ341", "自备电厂发电机出口", "0.2S级", "发电量", months=72),
    ]

    def proc(
        name: str,
        kind: str,
        capacity: str,
        product: str,
        equipment: list[tuple[str, str, str, str]],
        **extra: Any,
    ) -> dict[str, Any]:
        return {
            "process_name": name,
            "process_type": kind,
            "design_capacity": capacity,
            "main_product": product,
            "main_equipment": [
                {"name": n, "number": no, "model": m, "rating": r} for n, no, m, r in equipment
            ],
            **extra,
        }

    return {
        "revisions": revisions(),
        **entity("刘振华", "河北省唐山市丰南区沿海工业区钢城路8号", "3120", "孙海燕", "0315-8123456"),
        "products": [
            {"product_name": "粗钢", "product_unit": "t", "design_output": "4000000.00"},
            {"product_name": "生铁", "product_unit": "t", "design_output": "3800000.00"},
            {"product_name": "钢材", "product_unit": "t", "design_output": "3900000.00"},
        ],
        "facilities_overview": "长流程钢铁联合企业：焦化（2×65孔焦炉）、烧结（360 m² 烧结机）、炼铁（2500 m³ 高炉）、"
        "炼钢（120 t 转炉）、热轧，配套高炉煤气自备电厂。",
        "enterprise_boundary": "厂界内全部生产设施；含碳物料经铁路、公路进厂计量，外供粗苯、煤焦油按外发计量扣减。",
        "processes": [
            proc("1号焦炉", "焦化", "1300000", "焦炭", [("焦炉", "JL-1", "JN60-6", "65孔，炭化室高6 m")]),
            proc(
                "1号烧结机",
                "烧结",
                "4000000",
                "烧结矿",
                [("烧结机", "SJ-1", "360 m²带式烧结机", "有效面积 360 m²")],
            ),
            proc(
                "1号高炉",
                "炼铁（高炉）",
                "2200000",
                "铁水",
                [
                    ("高炉", "GL-1", "2500 m³高炉", "有效容积 2500 m³"),
                    ("热风炉", "RF-1", "顶燃式热风炉", "风温 1250 ℃"),
                ],
            ),
            proc(
                "1号转炉",
                "炼钢（转炉）",
                "4000000",
                "粗钢",
                [("转炉", "ZL-1", "120 t顶底复吹转炉", "公称容量 120 t")],
            ),
            proc(
                "自备电厂",
                "自备电厂（发电设施）",
                "0",
                "电力",
                [("煤气锅炉", "DC-B1", "UG-220/9.8-Q", "220 t/h"), ("发电机", "DC-G1", "QF-60-2", "60 MW")],
                cofiring_secondary_energy=True,
            ),
        ],
        "parameters": params,
        "equipment": equipment_rows,
        **quality(),
    }


def steel_plan() -> FilingDocument:
    return document("steel-plan", STEEL_ENTERPRISE, PLAN_YEAR, steel_plan_values())


# --------------------------------------------------------------------------------------------
# Cement: one 5000 t/d new-dry-process line using carbide slag and steel slag as raw materials

CEMENT_ENTERPRISE = enterprise_identity(
    "皖江示范水泥有限公司",
    "91340500MA2N4R6T1",
    "3011",
    "安徽省",
    "马鞍山市",
    "安徽省马鞍山市当涂县太白镇水泥路18号",
)


_line = _at_level("熟料生产设施层级")


def cement_plan_values() -> dict[str, Any]:
    line = "1号熟料生产线"
    coal_lab = dict(
        sampling_method="入窑煤粉每班取样，每日混合制样化验；月度样送外委机构检测元素碳含量。",
        sampling_standard=["GB/T 475"],
        preparation_standard=["GB/T 474"],
    )
    params = [
        _line(
            measured(
                line,
                "熟料产量",
                "t",
                "EQ-BS-21",
                "熟料链斗输送机电子秤 ICS-20",
                "篦冷机出口熟料输送线",
                "0.5级",
                "连续",
                "生产部",
                obj="硅酸盐水泥熟料",
                method="熟料输送线电子秤计量，按月与库存盘点核对。",
            )
        ),
        _line(default(line, "熟料过程排放因子", "tCO2/t熟料", "0.535", "质量控制部", obj="硅酸盐水泥熟料")),
        _line(
            measured(
                line,
                "替代原料消耗量",
                "t",
                "EQ-QC-21",
                "汽车衡 SCS-100",
                "原料进厂大门",
                "Ⅲ级",
                "每批次",
                "供应部",
                obj="电石渣",
            )
        ),
        _line(default(line, "替代原料扣减系数", "tCO2/t", "0.480", "质量控制部", obj="电石渣")),
        _line(
            measured(
                line,
                "替代原料消耗量",
                "t",
                "EQ-QC-21",
                "汽车衡 SCS-100",
                "原料进厂大门",
                "Ⅲ级",
                "每批次",
                "供应部",
                obj="钢渣",
            )
        ),
        _line(default(line, "替代原料扣减系数", "tCO2/t", "0.215", "质量控制部", obj="钢渣")),
        _line(
            measured(
                line,
                "化石燃料消耗量",
                "t",
                "EQ-RS-21",
                "煤粉转子秤 DRW4.12",
                "窑头、分解炉喂煤口",
                "0.5级",
                "连续",
                "生产部",
                obj="烟煤",
            )
        ),
        _line(
            measured(
                line,
                "低位发热量",
                "GJ/t",
                "EQ-LAB-21",
                "全自动量热仪 5E-C5508",
                "中心化验室",
                "符合 GB/T 213 重复性限",
                "每日",
                "质量控制部",
                obj="烟煤",
                missing="缺测日取当月已测日的最大值（保守）。",
                test_standard=["GB/T 213"],
                lab_type="CNAS",
                lab_name="公司中心化验室（CNAS 认可）",
                **coal_lab,
            )
        ),
        _line(
            measured(
                line,
                "元素碳含量",
                "%",
                "EQ-LAB-22",
                "元素分析仪（外委机构）",
                "安徽省建材产品质量监督检验站",
                "0.1%",
                "每月",
                "质量控制部",
                obj="烟煤",
                missing="缺测月份采用高限缺省值（保守）。",
                test_standard=["其他"],
                other_standard="GB/T 476 煤中碳和氢的测定方法",
                lab_type="CMA和CNAS",
                lab_name="安徽省建材产品质量监督检验站",
                **coal_lab,
            )
        ),
        _line(default(line, "碳氧化率", "%", "98", "质量控制部", obj="烟煤")),
        _line(
            measured(
                line,
                "化石燃料消耗量",
                "t",
                "EQ-OF-21",
                "柴油流量计 LC-25",
                "点火油站",
                "0.5级",
                "每批次",
                "生产部",
                obj="柴油",
            )
        ),
        _line(default(line, "低位发热量", "GJ/t", "42.652", "质量控制部", obj="柴油")),
        _line(default(line, "单位热值含碳量", "tC/GJ", "0.02020", "质量控制部", obj="柴油")),
        _line(default(line, "碳氧化率", "%", "98", "质量控制部", obj="柴油")),
        {
            **measured(
                None,
                "净购入电量",
                "MWh",
                "EQ-EM-21",
                "关口电能表 DTZ341",
                "110 kV 总降压站",
                "0.2S级",
                "连续",
                "机电部",
            ),
            "level": "企业层级",
        },
        {
            **measured(
                None,
                "水泥产量",
                "t",
                "EQ-PK-21",
                "包装机计量秤及散装汽车衡",
                "水泥发运口",
                "Ⅲ级",
                "每批次",
                "销售部",
            ),
            "level": "企业层级",
        },
    ]
    return {
        "revisions": revisions(),
        **entity("陈光明", "安徽省马鞍山市当涂县太白镇水泥路18号", "3011", "周晓峰", "0555-6712345"),
        "products": [
            {"product_name": "水泥熟料", "product_unit": "t", "design_output": "1550000.00"},
            {"product_name": "水泥", "product_unit": "t", "design_output": "2000000.00"},
        ],
        "facilities_overview": "一条 5000 t/d 新型干法熟料生产线（2010年投产），配套 9 MW 纯低温余热发电和两台水泥磨。",
        "enterprise_boundary": "厂界内熟料生产设施（原料制备、煤粉制备、熟料煅烧）为熟料生产设施层级；水泥粉磨、余热发电按各自要求单列。",
        "lines": [
            {
                "line_name": line,
                "kiln_spec": "Φ4.8×72 m",
                "design_capacity_tpd": "5000",
                "clinker_types": ["硅酸盐水泥熟料"],
                "clinker_varieties": ["通用"],
                "waste_heat_power": True,
                "co_processing": False,
                "main_equipment": [
                    {"name": "回转窑", "number": "K1", "model": "Φ4.8×72 m", "rating": "5000 t/d"},
                    {"name": "分解炉", "number": "F1", "model": "TTF Φ7.5", "rating": "5000 t/d"},
                    {"name": "篦冷机", "number": "C1", "model": "TC-12102", "rating": "5000 t/d"},
                ],
            }
        ],
        "parameters": params,
        "equipment": [
            register_row(
                "EQ-BS-21", "熟料输送线电子秤", "ICS-20", "篦冷机出口熟料输送线", "0.5级", "熟料产量"
            ),
            register_row("EQ-QC-21", "汽车衡", "SCS-100", "原料进厂大门", "Ⅲ级", "替代原料"),
            register_row("EQ-RS-21", "煤粉转子秤", "DRW4.12", "窑头、分解炉喂煤口", "0.5级", "入窑煤粉"),
            register_row("EQ-LAB-21", "全自动量热仪", "5E-C5508", "中心化验室", "0.1%", "煤低位发热量"),
            register_row(
                "EQ-LAB-22",
                "元素分析仪（外委机构）",
                "Vario MACRO cube",
                "安徽省建材产品质量监督检验站",
                "0.1%",
                "煤元素碳含量",
            ),
            register_row("EQ-OF-21", "柴油流量计", "LC-25", "点火油站", "0.5级", "柴油"),
            register_row(
                "EQ-EM-21", "关口电能表", "DTZ341", "110 kV 总降压站", "0.2S级", "净购入电量", months=72
            ),
            register_row("EQ-PK-21", "包装机计量秤", "BHYW-8", "水泥发运口", "Ⅲ级", "水泥产量"),
        ],
        **quality(),
    }


def cement_plan() -> FilingDocument:
    return document("cement-plan", CEMENT_ENTERPRISE, PLAN_YEAR, cement_plan_values())


# --------------------------------------------------------------------------------------------
# Aluminium: one 500 kA prebaked-anode series, anodes bought in

ALUMINIUM_ENTERPRISE = enterprise_identity(
    "黔北示范铝业有限公司",
    "91520300MA6H2K9L4",
    "3216",
    "贵州省",
    "遵义市",
    "贵州省遵义市播州区铝工业园区电解大道1号",
)


_series = _at_level("铝电解工序层级")


def aluminium_plan_values() -> dict[str, Any]:
    series = "一期500kA系列"
    anode_lab = dict(
        sampling_method="每批次进厂阳极按批抽取 3 块钻芯取样，混合制样。",
        sampling_standard=["其他"],
        test_standard=["其他"],
        other_standard="YS/T 63 铝用炭素材料检测方法（行业标准）",
        lab_type="CNAS",
        lab_name="公司质检中心（CNAS 认可）",
    )
    params = [
        _series(
            measured(
                series,
                "铝液产量",
                "t",
                "EQ-CR-31",
                "出铝抬包称重系统 CZ-30",
                "电解车间出铝天车",
                "0.1级",
                "每批次",
                "电解厂",
                method="每槽出铝称重，按日汇总，月末与铸造产量和在制品盘点核对。",
            )
        ),
        _series(
            measured(
                series,
                "阳极消耗量",
                "t",
                "EQ-AW-31",
                "阳极称量装置 YJ-2",
                "阳极组装车间",
                "0.5级",
                "每批次",
                "电解厂",
                method="新极上槽与残极返回分别称重，毛耗 = 上槽新极 − 返回残极。",
            )
        ),
        _series(
            calculated(
                series,
                "阳极净耗量",
                "t",
                "阳极净耗 = 阳极毛耗 − 残极及损耗回收量；吨铝净耗 = 净耗 ÷ 铝液产量。",
                "电解厂",
            )
        ),
        _series(
            measured(
                series,
                "阳极平均含硫量",
                "%",
                "EQ-LAB-31",
                "定硫仪 SDS-IV",
                "质检中心",
                "0.01%",
                "每批次",
                "质检中心",
                missing="缺测批次取当年已测批次的最大值（保守）。",
                **anode_lab,
            )
        ),
        _series(default(series, "阳极平均灰分含量", "%", "0.4", "质检中心")),
        _series(
            measured(
                series,
                "平均每天每槽阳极效应持续时间",
                "min/(槽·日)",
                "EQ-CC-31",
                "槽控机 NEUI-600",
                "各电解槽",
                "1 s",
                "连续",
                "电解厂",
                method="槽控机逐槽记录每次阳极效应起止时间，按月统计 AEM。",
            )
        ),
        _series(calculated(series, "CF4排放因子", "kgCF4/tAl", "斜率法 EF_CF4 = 0.143 × AEM", "安全环保部")),
        _series(calculated(series, "C2F6排放因子", "kgC2F6/tAl", "EF_C2F6 = 0.1 × EF_CF4", "安全环保部")),
        _series(
            calculated(
                series, "铝电解交流电耗", "kWh/tAl", "交流电耗 = 整流机组交流侧电量 ÷ 铝液产量", "动力厂"
            )
        ),
        _ent(
            measured(
                None,
                "化石燃料消耗量",
                "万Nm³",
                "EQ-FM-31",
                "涡轮流量计 LWQ-200",
                "天然气调压站",
                "1.0级",
                "连续",
                "动力厂",
                obj="天然气",
            )
        ),
        _ent(default(None, "低位发热量", "GJ/万Nm³", "389.31", "安全环保部", obj="天然气")),
        _ent(default(None, "单位热值含碳量", "tC/GJ", "0.01532", "安全环保部", obj="天然气")),
        _ent(default(None, "碳氧化率", "%", "99", "安全环保部", obj="天然气")),
        _ent(
            measured(
                None,
                "净购入电量",
                "MWh",
                "EQ-EM-31",
                "关口电能表 DTZ341",
                "220 kV 总降压站",
                "0.2S级",
                "连续",
                "动力厂",
            )
        ),
    ]
    return {
        "revisions": revisions(),
        **entity("杨志刚", "贵州省遵义市播州区铝工业园区电解大道1号", "3216", "吴敏", "0851-27123456"),
        "products": [{"product_name": "原铝（铝液）", "product_unit": "t", "design_output": "400000.00"}],
        "facilities_overview": "一个 500 kA 预焙阳极电解系列（2019年投产，280台电解槽），阳极外购，配套铸造车间；无自备电厂。",
        "enterprise_boundary": "厂界内铝电解系列、阳极组装、铸造及辅助设施；阳极由外部炭素厂供应，不在本企业边界内。",
        "series": [
            {
                "series_name": series,
                "cell_technology": "500kA 预焙阳极电解槽",
                "line_current_ka": "500",
                "cell_count": "280",
                "design_capacity": "400000",
                "anode_source": "外购",
                "ae_monitoring": True,
                "main_equipment": [
                    {"name": "电解槽", "number": "DJC-001~280", "model": "NEUI500", "rating": "500 kA"},
                    {"name": "整流机组", "number": "ZL-1~6", "model": "ZHSFPT-96000/220", "rating": "96 MVA"},
                    {
                        "name": "烟气净化系统",
                        "number": "YQ-1",
                        "model": "干法净化",
                        "rating": "2×1.6×10⁶ Nm³/h",
                    },
                ],
            }
        ],
        "parameters": params,
        "equipment": [
            register_row("EQ-CR-31", "出铝抬包称重系统", "CZ-30", "电解车间出铝天车", "0.1级", "铝液产量"),
            register_row("EQ-AW-31", "阳极称量装置", "YJ-2", "阳极组装车间", "0.5级", "阳极消耗"),
            register_row("EQ-LAB-31", "定硫仪", "SDS-IV", "质检中心", "0.01%", "阳极含硫量"),
            register_row(
                "EQ-CC-31", "槽控机", "NEUI-600", "各电解槽", "时钟同步 1 s", "阳极效应持续时间", months=36
            ),
            register_row("EQ-FM-31", "涡轮流量计", "LWQ-200", "天然气调压站", "1.0级", "天然气"),
            register_row(
                "EQ-EM-31", "关口电能表", "DTZ341", "220 kV 总降压站", "0.2S级", "净购入电量", months=72
            ),
        ],
        **quality(),
    }


def aluminium_plan() -> FilingDocument:
    return document("aluminium-plan", ALUMINIUM_ENTERPRISE, PLAN_YEAR, aluminium_plan_values())


# --------------------------------------------------------------------------------------------
# Appendix 5 — calcium carbide: two workshops (一分厂 with captive power and waste-heat power,
# 二分厂 on grid power split by plant ratio)

CARBIDE_ENTERPRISE = enterprise_identity(
    "宁东示范电石化工有限公司",
    "91640100MA76K2M3P",
    "2619",
    "宁夏回族自治区",
    "银川市",
    "宁夏回族自治区银川市灵武市宁东镇化工新材料园区电石路6号",
)

CARBIDE_YEAR = "2025"


def carbide_values() -> dict[str, Any]:
    return {
        "workshops": [
            {
                "workshop_id": "一分厂",
                "inputs": [
                    {"material": "焦炭", "quantity": "110000", "carbon_content": "0.84"},
                    {"material": "兰炭", "quantity": "58000", "carbon_content": "0.80"},
                    {"material": "电极糊", "quantity": "7500", "carbon_content": "0.86"},
                ],
                "outputs": [
                    {"product": "电石", "output_unit": "t", "output": "300000", "carbon_content": "0.30"},
                    {
                        "product": "电石炉气",
                        "output_unit": "万Nm3",
                        "output": "12000",
                        "carbon_content": "4.44",
                    },
                ],
                "grid_mwh": "600000",
                "captive_mwh": "300000",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "75000",
                "electricity_source": "分厂计量",
                "electricity_ledger_total": "975200",
                "heat_sources": [
                    {"source_type": "余热回收", "source_note": "电石炉气余热锅炉", "heat_gj": "80000"},
                    {
                        "source_type": "蒸汽锅炉",
                        "source_note": "动力车间 35 t/h 燃煤锅炉",
                        "heat_gj": "20000",
                        "boiler_emissions": "12000",
                        "boiler_heat_supply": "100000",
                    },
                ],
                "carbide_output": "300000",
            },
            {
                "workshop_id": "二分厂",
                "inputs": [
                    {"material": "焦炭", "quantity": "84000", "carbon_content": "0.85"},
                    {"material": "电极糊", "quantity": "3900", "carbon_content": "0.85"},
                ],
                "outputs": [
                    {"product": "电石", "output_unit": "t", "output": "150000", "carbon_content": "0.31"},
                    {
                        "product": "电石炉气",
                        "output_unit": "万Nm3",
                        "output": "6100",
                        "carbon_content": "4.30",
                    },
                ],
                "grid_mwh": "495000",
                "captive_mwh": "0",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "0",
                "electricity_source": "按全厂比例拆分",
                "split_basis": "二分厂未单独计量，按全厂关口电量（1,470,200 MWh）扣除一分厂计量电量后的余量计，与按产量比例拆分结果相差 0.3%。",
                "heat_sources": [
                    {
                        "source_type": "自备电厂",
                        "source_note": "园区自备电厂 2号机组抽汽",
                        "heat_gj": "15000",
                        "captive_heat_intensity": "0.125",
                    },
                ],
                "carbide_output": "150000",
            },
        ],
        "industry_code": "2619",
        "energy_consumption": "42.75",
        "guideline_emissions": "85.63",
    }


def carbide_document() -> FilingDocument:
    return document("a5-carbide", CARBIDE_ENTERPRISE, CARBIDE_YEAR, carbide_values())
