"""Plan tools work by role: a plan whose sector tables have names no code knows.

A small kiln plan includes the plan-common part and names its own facility list (``kilns``) and
parameter table (``determinations``) with columns of its own; diff, copy and the shipped plans'
layouts are found through the roles the definitions declare.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from cets_desktop.core.document import FilingDocument
from cets_desktop.core.loader import default_registry, load_form
from cets_desktop.core.plan_copy import copy_plan_for_year, facility_repeat
from cets_desktop.core.plan_diff import change_statement, diff_plans, latest_version, plan_layout
from cets_desktop.paths import forms_dir

KILN_PLAN = """\
spec_format: 1
id: kiln-plan
version: "2027.1"
title: 石灰窑数据质量控制方案（测试）
filing_type: plan
sector: lime
sector_label: 石灰
template_year: 2027
period_kind: year
valid_from: "2027"
certainty: G
code_prefix: KLN-P
sources:
  kiln_g: {doc: 石灰窑方案栏目（测试用）, certainty: G}
choices:
  revision_trigger:
    - {value: 排放设施变化或新燃料物料, role: trigger_facility, label: 排放设施发生变化或使用新燃料、物料}
    - {value: 新测量仪器或方法, role: trigger_meter, label: 采用新的测量仪器和测量方法}
    - {value: 修订可提高准确度, role: trigger_accuracy, label: 修订可提高准确度}
    - {value: 法人主体变更或合并分立, role: trigger_entity, label: 法人主体变更、合并或分立}
    - {value: 窑线配置变化, role: trigger_configuration, label: 窑线配置发生变化}
  how:
    - {value: 实测值, role: measured}
    - {value: 缺省值}
sections:
  - include: plan-common
    after:
      entity:
        - name: kiln_boundary
          role: plan_boundary
          label: 核算边界
          fields:
            - name: kilns
              role: facility_list
              type: repeat
              label: 石灰窑
              key: kiln_name
              fields:
                - {name: kiln_name, type: text, label: 窑名称, source: kiln_g}
                - {name: kiln_type, type: text, label: 窑型, source: kiln_g}
    before:
      parameters.equipment:
        - name: determinations
          role: parameter_table
          type: repeat
          label: 参数
          label_field: caption
          fields:
            - {name: site, role: parameter_facility, type: text, label: 窑名称, source: kiln_g}
            - {name: material, role: parameter_object, type: text, label: 物料, source: kiln_g}
            - {name: quantity_name, role: parameter_name, type: text, label: 参数名称, source: kiln_g}
            - {name: how, role: parameter_route, type: select_one, label: 获取方式, choices: how, source: kiln_g}
            - {name: meter, role: parameter_instrument, type: text, label: 测量设备, source: kiln_g}
            - {name: note, type: text, label: 备注, source: kiln_g}
            - {name: caption, role: parameter_label, type: text, label: 行, hidden: true, source: kiln_g,
               calculation: "coalesce(site, '') + '·' + coalesce(material, '') + '·' + coalesce(quantity_name, '')"}
"""


@pytest.fixture()
def kiln_plan(tmp_path: Path):
    shutil.copytree(forms_dir() / "parts", tmp_path / "parts")
    path = tmp_path / "kiln-plan-2027.yaml"
    path.write_text(textwrap.dedent(KILN_PLAN), encoding="utf-8")
    return load_form(path)


def plan_doc(kilns: list[dict], rows: list[dict], version: str = "V1.0") -> FilingDocument:
    values = {
        "revisions": [
            {
                "version": version,
                "revision_kind": "首次编制",
                "revision_date": "2026-11-20",
                "content": "首次编制",
            }
        ],
        "kilns": kilns,
        "determinations": rows,
    }
    return FilingDocument(form="kiln-plan", form_version="2027.1", period="2027", values=values)


def test_layout_is_found_by_role(kiln_plan) -> None:
    layout = plan_layout(kiln_plan)
    assert (layout.revision_section, layout.entity_section, layout.boundary_section) == (
        "revisions",
        "entity",
        "kiln_boundary",
    )
    assert layout.parameter_table.name == "determinations" and layout.facility_list.name == "kilns"
    assert layout.param == {
        "facility": "site",
        "object": "material",
        "name": "quantity_name",
        "route": "how",
        "instrument": "meter",
        "label": "caption",
    }
    assert layout.measured == "实测值" and layout.meter_fields == {"meter"}
    assert layout.trigger("trigger_configuration") == "窑线配置变化"
    assert facility_repeat(kiln_plan).name == "kilns"
    assert [s.name for s in kiln_plan.sections] == [
        "revisions",
        "entity",
        "kiln_boundary",
        "parameters",
        "quality",
    ]


def test_diff_suggests_triggers_from_roles(kiln_plan) -> None:
    old = plan_doc(
        [{"kiln_name": "1号窑", "kiln_type": "双膛竖窑"}],
        [{"site": "1号窑", "material": "石灰石", "quantity_name": "消耗量", "how": "缺省值"}],
    )
    new = plan_doc(
        [{"kiln_name": "1号窑", "kiln_type": "双膛竖窑"}, {"kiln_name": "2号窑", "kiln_type": "回转窑"}],
        [
            {
                "site": "1号窑",
                "material": "石灰石",
                "quantity_name": "消耗量",
                "how": "实测值",
                "meter": "皮带秤 BS-01",
            },
            {"site": "1号窑", "material": "白云石", "quantity_name": "消耗量", "how": "缺省值"},
        ],
        version="V2.0",
    )
    diff = diff_plans(kiln_plan, old, new)
    by_kind = {(c.kind, c.key): c for c in diff.statement_changes}
    added_kiln = by_kind[("added", "2号窑")]
    assert added_kiln.section == "kiln_boundary" and added_kiln.row_label == "石灰窑「2号窑」"
    assert added_kiln.triggers == ["排放设施变化或新燃料物料", "窑线配置变化"]
    changed = by_kind[("changed", "1号窑·石灰石·消耗量")]
    # 缺省值 → 实测值 with a meter: a new measuring method (the route column's role, the measured choice's role).
    assert changed.trigger_fields == {"新测量仪器或方法": ["获取方式", "测量设备"]}
    # The row in words: facility (by role) › parameter label (by role) with its object.
    assert changed.row_label == "石灰窑「1号窑」 › 参数「1号窑·石灰石·消耗量（石灰石）」"
    added_row = by_kind[("added", "1号窑·白云石·消耗量")]
    assert added_row.triggers == ["排放设施变化或新燃料物料"]  # a material the old plan did not have
    assert (diff.old_version, diff.new_version) == ("V1.0", "V2.0")
    statement = change_statement(diff)
    assert "新增石灰窑「2号窑」" in statement and "窑线配置发生变化" in statement
    # The revision table itself (role plan_revisions) is not described as a change.
    assert "版本号" not in statement and all(c.section != "revisions" for c in diff.statement_changes)
    assert any(c.section == "revisions" for c in diff.changes)


def test_copy_appends_a_revision_row_by_role(kiln_plan) -> None:
    old = plan_doc([{"kiln_name": "1号窑"}], [], version="V3.0")
    copied = copy_plan_for_year(kiln_plan, old, 2028)
    rows = copied.values["revisions"]
    assert rows[-1] == {"version": "V4.0", "revision_kind": "修订"}
    assert latest_version(copied.values, kiln_plan) == "V4.0"


@pytest.mark.parametrize("form_id", ["power-plan", "steel-plan", "cement-plan", "aluminium-plan"])
def test_shipped_plans_declare_every_role_the_tools_use(form_id: str) -> None:
    spec = default_registry().get(form_id)
    assert spec is not None and "plan-common" in spec.parts
    layout = plan_layout(spec)
    assert layout.revision_section and layout.entity_section and layout.boundary_section
    assert (
        layout.parameter_table is not None
        and layout.equipment_register is not None
        and layout.facility_list is not None
    )
    assert {"name", "label", "route", "instrument", "lab"} <= set(layout.param)
    assert layout.measured == "实测值"
    for role in (
        "trigger_facility",
        "trigger_meter",
        "trigger_accuracy",
        "trigger_entity",
        "trigger_configuration",
    ):
        assert layout.trigger(role), role
    assert {"equipment_name", "model", "accuracy_class"} <= layout.register_meter_fields
    assert {"last_calibration_date", "certificate_no"} <= layout.routine_fields
