"""Reading a month afresh, as before anything was kept: shared by the kept-reads and fast-engine tests."""

from __future__ import annotations

from typing import Any

from cets_desktop.core.document import parse_document
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.evaluation import coherence_for
from cets_desktop.workflow.inputs import LoadedInput


def months(desk: Desk) -> dict[str, Any]:
    """The demo enterprise's 2026 power months by period."""
    enterprise = desk.list_enterprises()[0]
    return {f.period: f for f in desk.list_filings(enterprise.id, 2026, "power-monthly")}


def plan_afresh(desk: Desk, filing: Any, loaded: LoadedInput) -> list[Any]:
    """Plan ↔ month coherence against the year's plan, read and parsed from the store."""
    from cets_desktop.core.plan_coherence import linked_forms
    from cets_desktop.workflow.errors import InputError

    year = filing.period[:4]
    for candidate in desk.workspace.list_filings(filing.enterprise_id, year):
        plan_spec = desk.definition(candidate)
        if candidate.period != year or plan_spec is None or plan_spec.filing_type != "plan":
            continue
        if loaded.spec.id not in linked_forms(plan_spec):
            continue
        plan = LoadedInput(parse_document(desk.workspace.current_document(candidate.id)), plan_spec)
        try:
            return coherence_for(loaded, plan)
        except InputError:
            return []
    return []


def add_plan_with_oil_by_statement(desk: Desk) -> Any:
    """The year's power plan saying the plant's fuel oil is measured by the supplier's statement
    ("其他") while the months weigh it (实测值): PLAN-LINK-001 at 1号机组's 柴油 consumption."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forms"))
    import builders  # tests/forms/builders.py: a complete power plan

    enterprise = desk.list_enterprises()[0]
    values = builders.power_plan_values()
    oil = next(r for r in values["parameters"] if r["parameter"] == "燃油消耗量")
    oil.update(route="其他", method="按供应商结算单。")
    doc = builders.document(
        "power-plan", {"name": enterprise.name, "uscc": enterprise.uscc}, "2026", values
    ).to_json_dict()
    return desk.workspace.create_filing(enterprise.id, "power-plan", doc["form_version"], "2026", doc)


def correct_plan_oil(desk: Desk, plan_id: int) -> None:
    """The plan corrected and saved: fuel oil weighed, as the months say."""
    document = desk.document(plan_id)
    row = next(r for r in document["values"]["parameters"] if r["parameter"] == "燃油消耗量")
    row.update(route="实测值", method="皮带秤日计量。")
    desk.save(plan_id, document, "更正燃油计量方式")
