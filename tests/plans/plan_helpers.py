"""Shared realistic data for the plan tests: two versions of the power plant's plan, and its
monthly certifications with the supporting material the plan implies."""

from __future__ import annotations

import copy
import hashlib
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forms"))
import builders as b  # noqa: E402

from cets_desktop.core.document import FilingDocument, parse_document  # noqa: E402
from cets_desktop.demo import power_month_document  # noqa: E402

MONTH_YEAR = "2026"
"""The demo months are 2026; the plan they are checked against is the 2026 plan."""

EVIDENCE_KINDS = {
    "consumption": "盖章燃料消耗台账扫描件",
    "ncv": "入炉煤化验日报",
    "carbon_content": "CMA/CNAS检测报告",
    "purchased_electricity": "电费结算单",
    "generation": "盖章生产报表",
    "net_supply": "盖章生产报表",
    "heat_supplied": "热量表读数",
    "operating_hours": "盖章生产报表",
    "load_factor": "盖章生产报表",
}


def row(
    values: dict[str, Any], parameter: str, facility: str | None = None, obj: str | None = None
) -> dict[str, Any]:
    for r in values["parameters"]:
        if (
            r["parameter"] == parameter
            and (facility is None or r.get("facility") == facility)
            and (obj is None or r.get("object_name") == obj)
        ):
            return r
    raise AssertionError(f"no parameter row {facility}/{obj}/{parameter}")


def power_plan(period: str = MONTH_YEAR, values: dict[str, Any] | None = None) -> FilingDocument:
    return b.document("power-plan", b.POWER_ENTERPRISE, period, values or b.power_plan_values())


def month_data(month: int) -> dict[str, Any]:
    """A demo month with each value's supporting material of the kind the plan implies."""
    data = power_month_document(month)
    evidence = []
    for ui, unit in enumerate(data["values"]["units"]):
        items = [
            (f"units[{ui}].fuels[{fi}].{k}", k)
            for fi, fuel in enumerate(unit["fuels"])
            for k in ("consumption", "ncv", "carbon_content")
            if fuel.get(k)
        ]
        items += [
            (f"units[{ui}].{k}", k)
            for k in (
                "purchased_electricity",
                "generation",
                "net_supply",
                "heat_supplied",
                "operating_hours",
                "load_factor",
            )
        ]
        for path, name in items:
            digest = hashlib.sha256(f"{month}:{path}".encode()).hexdigest()
            evidence.append(
                {
                    "path": path,
                    "sha256": digest,
                    "name": f"2026年{month}月{EVIDENCE_KINDS[name]}.pdf",
                    "size": 204800,
                    "kind": EVIDENCE_KINDS[name],
                }
            )
    data["evidence"] = evidence
    return data


def month_doc(month: int, change: Any = None) -> FilingDocument:
    data = month_data(month)
    if change is not None:
        change(data)
    return parse_document(copy.deepcopy(data), f"{month}月存证")


def revised_power_values() -> tuple[dict[str, Any], dict[str, Any]]:
    """Two realistic versions of the power plan (old, new).

    New version: 1号机组's coal belt scale replaced (EQ-BS-01 ICS-17A → EQ-BS-11 ICS-20B) and
    calibrated every six months instead of yearly; 3号机组 commissioned (with its coal-quantity
    row); 2号机组 starts measuring its coal carbon content; a revision row V4.0. Rows are also
    moved around (a parameter row, two register rows, a unit's main equipment) — not changes.
    """
    old = b.power_plan_values()
    row(old, "燃煤消耗量", "1号机组")["calibration_frequency"] = "每年"
    new = copy.deepcopy(old)
    scale = row(new, "燃煤消耗量", "1号机组")
    scale.update(equipment_id="EQ-BS-11", equipment_name="电子皮带秤 ICS-20B", calibration_frequency="每半年")
    new["equipment"] = [e for e in new["equipment"] if e["equipment_id"] != "EQ-BS-01"]
    new["equipment"].append(
        b.register_row(
            "EQ-BS-11", "电子皮带秤", "ICS-20B", "1号炉输煤皮带C1A段", "0.5级", "1号机组入炉煤量", months=6
        )
    )
    new["units"].append(b._power_unit("3号机组", "660.00", "超超临界", True, "抽凝", "水冷-闭式循环", 3))
    new["parameters"].append(
        b.measured(
            "3号机组",
            "燃煤消耗量",
            "t",
            "EQ-BS-03",
            "电子皮带秤 ICS-20B",
            "3号炉输煤皮带C3A段",
            "0.5级",
            "连续",
            "燃料管理部",
            obj="混煤",
            coal_source="入炉煤计量",
        )
    )
    carbon = row(new, "燃煤收到基元素碳含量", "2号机组")
    carbon.update(
        route="实测值",
        method="2号机组入炉煤月度缩分样委托检测元素碳含量。",
        equipment_id="EQ-LAB-02",
        equipment_name="元素分析仪（检测机构）",
        install_location="燃料化验室",
        accuracy="0.1%",
        measure_frequency="每月",
        record_frequency="每月",
        calibration_frequency="按检定周期",
        sample_basis="入炉煤",
        sampling_method="入炉煤每班机械采样，每日制样，月末缩分成月度样送检。",
        sampling_standard=["GB/T 19494"],
        preparation_standard=["GB/T 474"],
        test_standard=["GB/T 476", "GB/T 211", "GB/T 483"],
        lab_type="CMA和CNAS",
        lab_name="江苏省煤炭产品质量监督检验中心",
        missing_data="缺测月份按高限缺省值计算（保守）。",
    )
    # Moved, not changed.
    grid = row(new, "电网排放因子")
    new["parameters"].remove(grid)
    new["parameters"].insert(0, grid)
    new["equipment"][0], new["equipment"][1] = new["equipment"][1], new["equipment"][0]
    new["units"][0]["main_equipment"].reverse()
    new["revisions"].append(
        {
            "version": "V4.0",
            "revision_kind": "修订",
            "revision_date": b.days_ago(1),
            "content": "更换1号机组入炉煤皮带秤；3号机组投产；2号机组实测元素碳含量。",
            "triggers": ["新测量仪器或方法", "机组配置变化"],
            "reason": "设备更新和新机组投产。",
        }
    )
    return old, new
