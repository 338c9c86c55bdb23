"""Starting next year's data quality control plan: as a copy of this year's, or blank.

The copy is ``core.plan_copy.copy_plan_for_year`` with the enterprise's registered units, so units
added, renamed or retired since the old plan come back as PLAN-COPY-001 warnings; those units
travel in the new plan (``meta.enterprise_units``), so every evaluation re-checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.document import parse_document
from ..core.findings import Finding
from ..core.spec import FormSpec
from ..store import Filing, Workspace

UNIT_KINDS = ("发电机组", "机组", "生产线", "熟料生产线", "高炉", "电解槽系列")
"""Facility kinds that are the plan's units (boilers and 其他 are not)."""


@dataclass
class CopiedPlan:
    document: dict[str, Any]
    source_period: str
    version: str
    findings: list[Finding] = field(default_factory=list)


def previous_plan(workspace: Workspace, enterprise_id: int, spec: FormSpec, period: str) -> Filing | None:
    """The enterprise's plan for the year before ``period`` (None for other filings)."""
    if spec.filing_type != "plan" or not period.isdigit():
        return None
    return workspace.find_filing(enterprise_id, spec.id, str(int(period) - 1))


def enterprise_units(workspace: Workspace, enterprise_id: int) -> list[str] | None:
    """Names of the registered units/facilities, or None when none are registered (nothing to compare)."""
    names = [f.name for f in workspace.list_facilities(enterprise_id) if f.kind in UNIT_KINDS]
    return names or None


def copy_previous_plan(
    workspace: Workspace, enterprise_id: int, spec: FormSpec, previous: Filing, period: str
) -> CopiedPlan:
    """Next year's plan from ``previous`` (raises DocumentError / WorkspaceError / ValueError)."""
    from ..core.plan_copy import copy_findings, copy_plan_for_year
    from ..core.plan_diff import latest_version

    old = parse_document(workspace.current_document(previous.id), f"{previous.period} 年度计划")
    doc = copy_plan_for_year(spec, old, period, enterprise_units(workspace, enterprise_id))
    return CopiedPlan(
        doc.to_json_dict(), previous.period, latest_version(doc.values), copy_findings(spec, doc)
    )
