"""Diff of two plan versions and the drafted change statement (Years and revisions)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # tests run with --import-mode=importlib
import plan_helpers as h  # noqa: E402

from cets_desktop.core.plan_diff import change_statement, diff_plans  # noqa: E402

b = h.b
POWER = b.spec_of("power-plan")


def _diff(old: dict, new: dict, spec_id: str = "power-plan"):  # type: ignore[no-untyped-def]
    spec = b.spec_of(spec_id)
    enterprise = b.POWER_ENTERPRISE
    return diff_plans(
        spec, b.document(spec_id, enterprise, "2027", old), b.document(spec_id, enterprise, "2028", new)
    )


def test_two_realistic_versions_give_the_expected_changes() -> None:
    old, new = h.revised_power_values()
    diff = _diff(old, new)
    got = [(c.kind, c.section, c.location, c.path) for c in diff.changes]
    assert got == [
        ("added", "revisions", "版本「V4.0」", "revisions[3]"),
        ("added", "boundary", "机组「3号机组」", "units[2]"),
        ("changed", "parameters", "机组「1号机组」 › 参数「燃煤消耗量（混煤）」", "parameters[1]"),
        ("changed", "parameters", "机组「2号机组」 › 参数「燃煤收到基元素碳含量（混煤）」", "parameters[16]"),
        ("added", "parameters", "机组「3号机组」 › 参数「燃煤消耗量（混煤）」", "parameters[24]"),
        ("added", "parameters", "计量器具台账「EQ-BS-11」", "equipment[9]"),
        ("removed", "parameters", "计量器具台账「EQ-BS-01」", "equipment[0]"),
    ]
    scale = diff.changes[2]
    assert [(f.label, f.old, f.new) for f in scale.fields] == [
        ("测量设备编号", "EQ-BS-01", "EQ-BS-11"),
        ("测量设备名称及型号", "电子皮带秤 ICS-17A", "电子皮带秤 ICS-20B"),
        ("规定的测量设备校准（检定）频次", "每年", "每半年"),
    ]
    route = diff.changes[3].fields[0]
    assert (route.name, route.old, route.new) == ("route", "缺省值", "实测值")
    assert (diff.old_version, diff.new_version) == ("V3.0", "V4.0")


def test_moved_rows_are_not_changes() -> None:
    old = b.power_plan_values()
    new = copy.deepcopy(old)
    new["parameters"].reverse()
    new["equipment"].reverse()
    new["units"].reverse()
    for unit in new["units"]:
        unit["main_equipment"].reverse()
    new["archive_years"] = "10.0"  # the same number, written differently
    diff = _diff(old, new)
    assert diff.changes == [] and diff.is_empty
    assert change_statement(diff) == "两个版本的计划内容一致，未发现需要说明的修改。"


def test_change_statement_is_ready_to_paste() -> None:
    old, new = h.revised_power_values()
    text = change_statement(_diff(old, new))
    lines = text.splitlines()
    assert len(lines) == 4
    assert lines[0] == (
        "一、核算边界和主要排放设施描述：1. 新增机组「3号机组」（发电燃料类型：燃煤，装机容量：660.00 MW，"
        "压力参数：超超临界，锅炉类型（循环流化床/IGCC）：常规煤粉炉）。"
    )
    assert lines[1].startswith(
        "二、数据的确定方式：1. 机组「1号机组」 › 参数「燃煤消耗量（混煤）」的测量设备编号由“EQ-BS-01”变更为“EQ-BS-11”，"
        "测量设备名称及型号由“电子皮带秤 ICS-17A”变更为“电子皮带秤 ICS-20B”，"
        "规定的测量设备校准（检定）频次由“每年”变更为“每半年”；"
        "2. 机组「2号机组」 › 参数「燃煤收到基元素碳含量（混煤）」的获取方式由“缺省值”变更为“实测值”，"
    )
    assert "补充测量设备编号“EQ-LAB-02”、" in lines[1]
    assert "检测机构名称“江苏省煤炭产品质量监督检验中心”" in lines[1]
    assert (
        "3. 新增机组「3号机组」 › 参数「燃煤消耗量（混煤）」（单位：t，获取方式：实测值，燃煤消耗量数据来源：入炉煤计量，"
        "测量设备编号：EQ-BS-03）；" in lines[1]
    )
    assert lines[1].endswith(
        "5. 删除计量器具台账「EQ-BS-01」（设备名称：电子皮带秤，型号规格：ICS-17A，"
        "安装位置：1号炉输煤皮带C1A段，准确度等级：0.5级）。"
    )
    # The matching revision triggers of §1.1.1(a), in the checklist's order, with the reasons.
    assert lines[2].startswith(
        "建议勾选的修订情形：1. 排放设施发生变化或使用计划中未包括的新燃料、物料而产生新的排放（新增机组「3号机组」；"
    )
    assert (
        "2. 采用新的测量仪器和测量方法，提高了数据的准确度（机组「1号机组」 › 参数「燃煤消耗量（混煤）」的测量设备编号、"
        "测量设备名称及型号变更；" in lines[2]
    )
    assert (
        "3. 发现修订数据质量控制计划可提高报告数据的准确度（机组「1号机组」 › 参数「燃煤消耗量（混煤）」的"
        "规定的测量设备校准（检定）频次变更；" in lines[2]
    )
    assert lines[2].endswith("4. 机组配置发生变化（新增机组「3号机组」）。")
    assert lines[3] == (
        "小结：本次修订（V3.0 → V4.0）共 6 项，其中新增 3 项、删除 1 项、变更 2 项，"
        "涉及核算边界和主要排放设施描述、数据的确定方式。"
    )
    # The revision table itself is not described in the text meant for it.
    assert "V4.0」" not in text and "版本「" not in text


def test_triggers_follow_the_revision_checklist() -> None:
    old, new = h.revised_power_values()
    triggers = {t.value: t for t in _diff(old, new).triggers()}
    assert list(triggers) == [
        "排放设施变化或新燃料物料",
        "新测量仪器或方法",
        "修订可提高准确度",
        "机组配置变化",
    ]
    assert triggers["新测量仪器或方法"].label == "采用新的测量仪器和测量方法，提高了数据的准确度"
    assert "新增计量器具台账「EQ-BS-11」" in triggers["新测量仪器或方法"].reasons


def test_new_fuel_suggests_the_new_fuel_trigger_and_calibration_dates_are_routine() -> None:
    old = b.power_plan_values()
    new = copy.deepcopy(old)
    new["parameters"].append(
        b.measured(
            "1号机组",
            "燃气消耗量",
            "万Nm³",
            "EQ-GF-01",
            "涡轮流量计 LWQ-150",
            "启动锅炉燃气入口",
            "1.0级",
            "连续",
            "燃料管理部",
            obj="天然气",
        )
    )
    new["equipment"][0].update(last_calibration_date=b.days_ago(5), certificate_no="JDEQ-BS-01-2027")
    diff = _diff(old, new)
    added = next(c for c in diff.changes if c.kind == "added")
    assert added.location == "机组「1号机组」 › 参数「燃气消耗量（天然气）」"
    assert added.triggers == ["排放设施变化或新燃料物料"]
    calibration = next(c for c in diff.changes if c.path == "equipment[0]")
    assert {f.name for f in calibration.fields} == {"last_calibration_date", "certificate_no"}
    assert calibration.triggers == []  # yearly bookkeeping is listed, but is no reason to revise
    assert [t.value for t in diff.triggers()] == ["排放设施变化或新燃料物料"]


def test_hidden_leftovers_are_not_changes_when_a_route_becomes_default() -> None:
    old = b.power_plan_values()
    new = copy.deepcopy(old)
    # The user switched to the default but left the meter columns filled: they are no longer asked.
    h.row(new, "购入使用电量", "2号机组").update(route="缺省值", declared_value="1250")
    diff = _diff(old, new)
    (change,) = diff.changes
    assert [(f.name, f.old, f.new) for f in change.fields] == [
        ("route", "实测值", "缺省值"),
        ("declared_value", "", "1250"),
    ]
    assert change.triggers == ["修订可提高准确度"]


def test_removed_unit_and_new_legal_representative() -> None:
    old = b.power_plan_values()
    new = copy.deepcopy(old)
    new["units"] = [u for u in new["units"] if u["unit_name"] != "2号机组"]
    new["legal_representative"] = "刘志强"
    diff = _diff(old, new)
    kinds = {(c.kind, c.location) for c in diff.changes}
    assert ("removed", "机组「2号机组」") in kinds
    entity = next(c for c in diff.changes if c.section == "entity")
    assert entity.triggers == ["法人主体变更或合并分立"]
    text = change_statement(diff)
    assert text.startswith(
        "一、重点排放单位情况：1. 法定代表人由“王建国”变更为“刘志强”。\n二、核算边界和主要排放设施描述：1. 删除机组「2号机组」"
    )
    assert "法人主体变更、合并或分立（法定代表人变更）" in text


def test_enterprise_name_change_is_part_of_the_entity_section() -> None:
    plan = b.power_plan()
    renamed = plan.model_copy(deep=True)
    renamed.enterprise.name = "华东示范热电股份有限公司"
    diff = diff_plans(POWER, plan, renamed)
    (change,) = diff.changes
    assert change.section == "entity" and change.fields[0].label == "企业名称"
    assert change.triggers == ["法人主体变更或合并分立"]


def test_nested_rows_are_matched_by_their_key() -> None:
    old = b.power_plan_values()
    new = copy.deepcopy(old)
    boiler = new["units"][0]["main_equipment"][0]
    boiler["model"] = "HG-2000/26.15-YM5"
    new["units"][0]["main_equipment"].reverse()
    diff = _diff(old, new)
    (change,) = diff.changes
    assert change.location == "机组「1号机组」 › 主要设备「锅炉 B1」"
    assert change.path == "units[0].main_equipment[2]"
    assert (
        change.sentence()
        == "机组「1号机组」 › 主要设备「锅炉 B1」的型号由“HG-2000/26.15-YM3”变更为“HG-2000/26.15-YM5”"
    )
    assert change.triggers == ["机组配置变化"]


def test_other_sectors_use_their_own_words() -> None:
    old = b.steel_plan_values()
    new = copy.deepcopy(old)
    new["processes"].append({**copy.deepcopy(old["processes"][0]), "process_name": "2号高炉"})
    diff = _diff(old, new, "steel-plan")
    (change,) = diff.changes
    assert change.kind == "added" and change.location == "工序（生产线）「2号高炉」"
    assert change.triggers == ["排放设施变化或新燃料物料", "工序或生产线配置变化"]
    assert "工序、生产线配置发生变化" in change_statement(diff)


def test_json_has_changes_triggers_and_statement() -> None:
    old, new = h.revised_power_values()
    data = _diff(old, new).to_json()
    assert data["form"] == "power-plan" and data["old"] == {"period": "2027", "version": "V3.0"}
    assert data["summary"] == {"added": 3, "removed": 1, "changed": 2}
    assert data["changes"][2]["fields"][0] == {
        "name": "equipment_id",
        "label": "测量设备编号",
        "old": "EQ-BS-01",
        "new": "EQ-BS-11",
    }
    assert data["triggers"][0]["value"] == "排放设施变化或新燃料物料"
    assert data["statement"].startswith("一、核算边界和主要排放设施描述：")
