"""The steel month against the steel data quality control plan: the plan's monthly_links find the
month's values, a route that differs from the plan and an item the plan never declared are said."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import steel_helpers as h

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forms"))
import builders as b  # noqa: E402

from cets_desktop.core.plan_coherence import coherence_findings, link_problems  # noqa: E402


def findings(values: dict) -> list:
    return coherence_findings(b.spec_of("steel-plan"), b.steel_plan(), h.spec(), h.document(values=values))


def test_every_link_resolves_to_month_fields() -> None:
    plan = b.spec_of("steel-plan")
    assert link_problems(plan, h.spec()) == []
    assert {link.form for link in plan.monthly_links} == {"steel-monthly"}
    parameters = {link.parameter for link in plan.monthly_links}
    assert {
        "消耗量",
        "期初库存量",
        "期末库存量",
        "低位发热量",
        "单位热值含碳量",
        "排放因子",
        "产量",
        "发电量",
    } <= parameters


def test_route_against_the_plan() -> None:
    # The plan declares 洗精煤 consumption 计算值 (stock-take) and its carbon content 缺省值.
    month = h.month_values()
    by_path = {(f.code, f.path) for f in findings(month)}
    assert ("PLAN-LINK-001", "fuels[0].consumption") in by_path
    assert ("PLAN-LINK-001", "fuels[0].carbon_per_heat") in by_path
    month["fuels"][0].update(consumption_route="计算值", carbon_route="缺省值")
    month["fuels"][0].pop("carbon_per_heat")
    again = {(f.code, f.path) for f in findings(month)}
    assert not {p for c, p in again if c == "PLAN-LINK-001" and p.startswith("fuels[0].")}


def test_items_the_plan_does_not_declare() -> None:
    got = {(f.code, f.path) for f in findings(h.month_values())}
    assert ("PLAN-LINK-003", "fuels[1].fuel_name") in got  # 无烟煤 not in the plan
    assert ("PLAN-LINK-003", "materials[3].material_name") in got  # 锰硅合金
    assert ("PLAN-LINK-003", "fuels[0].fuel_name") not in got  # 洗精煤 is declared
    message = next(f.message for f in findings(h.month_values()) if f.path == "fuels[1].fuel_name")
    assert "无烟煤" in message and "修订计划" in message


def test_check_plan_command(tmp_path: Path) -> None:
    month = tmp_path / "month.json"
    month.write_text(h.document().to_json_text(), encoding="utf-8")
    plan = tmp_path / "plan.json"
    plan.write_text(b.steel_plan().to_json_text(), encoding="utf-8")
    run = h.run_cli("check-plan", str(month), "--plan", str(plan), "--json")
    assert run.returncode in (0, 1), run.stderr
    codes = {f["code"] for f in json.loads(run.stdout)["findings"]}
    assert {"PLAN-LINK-001", "PLAN-LINK-003"} <= codes
