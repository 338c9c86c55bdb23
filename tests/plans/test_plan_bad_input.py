"""Bad input in a plan: half-done, a parameter with no route, measuring equipment without
calibration data — clear Chinese findings, nothing lost, no final package."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests run with --import-mode=importlib
import plan_helpers as h  # noqa: E402

from cets_desktop.core.document import FilingDocument  # noqa: E402
from cets_desktop.services import ExportBlocked, LoadedInput, evaluate_input, export_package, new_document  # noqa: E402

b = h.b
PLANS: dict[str, tuple[str, Callable[[], FilingDocument]]] = {
    "power-plan": ("PWR-P", b.power_plan),
    "steel-plan": ("STL-P", b.steel_plan),
    "cement-plan": ("CEM-P", b.cement_plan),
    "aluminium-plan": ("ALU-P", b.aluminium_plan),
}
MEASURED = {
    "power-plan": ("燃煤消耗量", "1号机组", None),
    "steel-plan": ("消耗量", None, "焦炭"),
    "cement-plan": ("熟料产量", None, None),
    "aluminium-plan": ("铝液产量", None, None),
}


def _with(form_id: str, change: Callable[[dict[str, Any]], None]) -> tuple[FilingDocument, Any]:
    doc = PLANS[form_id][1]()
    values = copy.deepcopy(doc.values)
    change(values)
    changed = b.document(form_id, doc.enterprise.model_dump(), doc.period, values)
    return changed, evaluate_input(LoadedInput(changed, b.spec_of(form_id)))


def test_half_done_plan_validates_with_findings_and_keeps_everything() -> None:
    spec = b.spec_of("power-plan")
    doc = new_document(
        spec, b.PLAN_YEAR, {"name": b.POWER_ENTERPRISE["name"], "uscc": b.POWER_ENTERPRISE["uscc"]}
    )
    doc.values["units"] = [{"unit_name": "1号机组", "capacity_mw": "六百六十"}]  # typed in words
    doc.values["legal_representative"] = "王建国"
    before = copy.deepcopy(doc.values)
    evaluation = evaluate_input(LoadedInput(doc, spec))
    codes = {f.code for f in evaluation.findings}
    assert {"GEN-003", "PWR-P-030", "GEN-002"} <= codes
    bad = next(f for f in evaluation.findings if f.code == "GEN-002")
    assert bad.path == "units[0].capacity_mw" and bad.location == "机组「1号机组」 › 装机容量"
    assert all(f.message and not f.message.isascii() for f in evaluation.findings)
    assert doc.values == before  # nothing the user typed is lost, not even the unreadable number
    with pytest.raises(ExportBlocked) as blocked:
        export_package(LoadedInput(doc, spec), Path("/nonexistent/never.zip"))
    assert "--draft" in blocked.value.message


@pytest.mark.parametrize("form_id", PLANS)
def test_parameter_with_no_route(form_id: str) -> None:
    parameter, facility, obj = MEASURED[form_id]
    _, evaluation = _with(form_id, lambda v: h.row(v, parameter, facility, obj).pop("route"))
    (finding,) = [f for f in evaluation.findings if f.code == f"{PLANS[form_id][0]}-030"]
    assert finding.severity == "error" and finding.path.endswith(".route")
    assert f"{parameter}」未选择获取方式；请选择实测值、缺省值、计算值" in finding.message


@pytest.mark.parametrize("form_id", PLANS)
def test_measured_parameter_without_calibration_frequency(form_id: str) -> None:
    parameter, facility, obj = MEASURED[form_id]
    _, evaluation = _with(form_id, lambda v: h.row(v, parameter, facility, obj).pop("calibration_frequency"))
    (finding,) = [f for f in evaluation.findings if f.code == f"{PLANS[form_id][0]}-040"]
    assert finding.severity == "error" and finding.path.endswith(".calibration_frequency")
    assert "为实测值，但未填写规定的测量设备校准（检定）频次" in finding.message


@pytest.mark.parametrize("form_id", PLANS)
def test_register_row_without_calibration_data(form_id: str) -> None:
    def strip(values: dict[str, Any]) -> None:
        for name in ("calibration_interval_months", "last_calibration_date", "certificate_no"):
            values["equipment"][0].pop(name)

    doc, evaluation = _with(form_id, strip)
    first = doc.values["equipment"][0]["equipment_id"]
    missing = {f.path: f for f in evaluation.findings if f.code == "GEN-003"}
    interval = missing["equipment[0].calibration_interval_months"]
    assert interval.location == f"计量器具台账「{first}」 › 校准（检定）周期"
    assert interval.message.startswith("计量器具台账中该设备的校准（检定）周期未填写")
    assert missing["equipment[0].last_calibration_date"].message.startswith(
        "计量器具台账中该设备的最近一次校准（检定）日期未填写"
    )
    assert missing["equipment[0].certificate_no"].message.startswith(
        "计量器具台账中该设备的校准（检定）证书编号未填写"
    )
    # The calibration-date rules do not fire on blanks (no noise on top of the clear message).
    date_rules = {f"{PLANS[form_id][0]}-{n}" for n in ("060", "061", "062")}
    assert not [f for f in evaluation.findings if f.code in date_rules and f.path.startswith("equipment[0].")]
