"""A new year's plan as a copy of the last one, and what the copy asks the user to finish."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests run with --import-mode=importlib
import plan_helpers as h  # noqa: E402

from cets_desktop.core.document import parse_document  # noqa: E402
from cets_desktop.core.plan_copy import copy_findings, copy_plan_for_year, next_version  # noqa: E402
from cets_desktop.core.rules import evaluate  # noqa: E402
from cets_desktop.services import ExportBlocked, LoadedInput, export_package  # noqa: E402

b = h.b
POWER = b.spec_of("power-plan")


def test_copy_carries_values_and_opens_a_new_revision() -> None:
    old = b.power_plan()
    new = copy_plan_for_year(POWER, old, 2028)
    assert (new.form, new.form_version, new.period) == ("power-plan", POWER.version, "2028")
    assert new.enterprise == old.enterprise
    revisions = new.values["revisions"]
    assert len(revisions) == 4 and revisions[:3] == old.values["revisions"]
    assert revisions[3] == {"version": "V4.0", "revision_kind": "修订"}
    rest = {k: v for k, v in new.values.items() if k != "revisions"}
    assert rest == {k: v for k, v in old.values.items() if k != "revisions"}
    assert [e.path for e in new.evidence] == [e.path for e in old.evidence]
    assert new.meta["copied_from"] == {
        "form": "power-plan",
        "form_version": old.form_version,
        "period": old.period,
        "version": "V3.0",
    }
    # The old plan is untouched.
    assert len(old.values["revisions"]) == 3


def test_copied_plan_asks_for_date_triggers_and_reason() -> None:
    new = copy_plan_for_year(POWER, b.power_plan(), 2028)
    evaluation = evaluate(POWER, new)
    found = {(f.code, f.path) for f in evaluation.findings}
    assert {
        ("GEN-003", "revisions[3].revision_date"),
        ("GEN-003", "revisions[3].content"),
        ("PWR-P-002", "revisions[3].triggers"),
        ("PWR-P-003", "revisions[3].reason"),
    } <= found
    message = next(f.message for f in evaluation.findings if f.code == "PWR-P-002")
    assert message.startswith("版本 V4.0 是修订版，但未选择修订情形")
    assert not evaluation.exportable
    with pytest.raises(ExportBlocked) as blocked:
        export_package(LoadedInput(new, POWER), Path("/nonexistent/never-written.zip"))
    assert "不能导出正式申报包" in blocked.value.message


def test_filling_the_revision_row_makes_the_copy_clean() -> None:
    new = copy_plan_for_year(POWER, b.power_plan(), 2028)
    new.values["revisions"][3].update(
        revision_date=b.days_ago(3),
        content="编制2028年度计划，内容与2027年度一致。",
        triggers=["修订可提高准确度"],
        reason="年度更新。",
    )
    evaluation = evaluate(POWER, new)
    assert evaluation.errors == []


def test_units_that_no_longer_match_are_reported() -> None:
    new = copy_plan_for_year(POWER, b.power_plan(), 2028, units=["1号机组", "3号机组"])
    findings = copy_findings(POWER, new)
    assert [(f.code, f.severity, f.path) for f in findings] == [
        ("PLAN-COPY-001", "warning", "units[1].unit_name"),
        ("PLAN-COPY-001", "warning", "units"),
    ]
    gone, missing = findings
    assert gone.message.startswith(
        "复制的计划中机组与企业当前机组不一致：计划中的机组「2号机组」已不在企业当前的机组清单中（当前：1号机组、3号机组）"
    )
    assert "机组配置发生变化" in gone.message
    assert missing.message.startswith(
        "复制的计划中机组与企业当前机组不一致：企业当前的机组「3号机组」不在计划中（计划中：1号机组、2号机组）"
    )
    assert gone.location == "机组「2号机组」" and "已核实" in gone.source
    # The enterprise's units travel with the file, so the check can be repeated after saving.
    reread = parse_document(json.loads(new.to_json_text()))
    assert [(f.code, f.path) for f in copy_findings(POWER, reread)] == [(f.code, f.path) for f in findings]
    assert copy_findings(POWER, reread, units=["1号机组", "2号机组"]) == []


def test_removing_the_old_unit_leaves_its_parameter_rows_flagged() -> None:
    new = copy_plan_for_year(POWER, b.power_plan(), 2028, units=["1号机组"])
    new.values["units"] = [u for u in new.values["units"] if u["unit_name"] == "1号机组"]
    assert copy_findings(POWER, new) == []
    evaluation = evaluate(POWER, new)
    orphaned = [f for f in evaluation.findings if f.code == "PWR-P-031"]
    assert orphaned and all("2号机组" in f.message for f in orphaned)


def test_fields_the_template_no_longer_has_are_kept_aside() -> None:
    old = b.power_plan()
    values = copy.deepcopy(old.values)
    values["legacy_note"] = "2019年版计划的附注"
    values["units"][0]["old_rating_code"] = "A-7"
    old = b.document("power-plan", old.enterprise.model_dump(), old.period, values)
    new = copy_plan_for_year(POWER, old, 2028)
    assert new.meta["dropped_on_copy"] == {
        "legacy_note": "2019年版计划的附注",
        "units[0].old_rating_code": "A-7",
    }
    assert "legacy_note" not in new.values and "old_rating_code" not in new.values["units"][0]
    (finding,) = copy_findings(POWER, new)
    assert finding.code == "PLAN-COPY-002" and "legacy_note" in finding.message
    assert not any(f.code == "GEN-001" for f in evaluate(POWER, new).findings)


def test_steel_copy_speaks_of_processes() -> None:
    steel = b.spec_of("steel-plan")
    new = copy_plan_for_year(
        steel, b.steel_plan(), 2028, units=[p["process_name"] for p in b.steel_plan_values()["processes"]][1:]
    )
    (finding,) = copy_findings(steel, new)
    assert finding.message.startswith("复制的计划中工序（生产线）与企业当前工序（生产线）不一致")
    assert "工序、生产线配置发生变化" in finding.message


@pytest.mark.parametrize(
    "versions, expected",
    [
        (["V1.0", "V2.0", "V3.0"], "V4.0"),
        (["V1.0", "V2.1"], "V3.0"),
        (["1.0", "1.1"], "2.0"),
        (["第1版", "第2版"], "第3版"),
        (["2026版"], "2027版"),
        (["", "初版"], "V2.0"),
        ([], "V1.0"),
    ],
)
def test_next_version(versions: list[str], expected: str) -> None:
    assert next_version(versions) == expected


def test_copy_refuses_another_form() -> None:
    with pytest.raises(ValueError, match="不能复制为"):
        copy_plan_for_year(b.spec_of("steel-plan"), b.power_plan(), 2028)
