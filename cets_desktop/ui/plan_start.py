"""Starting next year's data quality control plan: as a copy of this year's, or blank.

No Qt. The copy is ``core.plan_copy.copy_plan_for_year`` with the enterprise's registered
units/facilities, so units that were added, renamed or retired since the old plan come back as
PLAN-COPY-001 warnings. Those units travel in the new plan (``meta.enterprise_units``), so the
open filing re-checks them on every evaluation (:func:`plan_copy_findings`) until the user has
brought the plan in line or acknowledged the warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.document import FilingDocument, parse_document
from ..core.findings import Finding
from ..core.spec import FormSpec
from ..store import Filing, Workspace

UNIT_KINDS = ("发电机组", "机组", "生产线", "熟料生产线", "高炉", "电解槽系列")
"""Facility kinds that are the plan's units (as in ``prefill``; boilers and 其他 are not)."""


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


def copy_previous_plan(workspace: Workspace, enterprise_id: int, spec: FormSpec, previous: Filing,
                       period: str) -> CopiedPlan:
    """Next year's plan from ``previous`` (raises DocumentError / WorkspaceError / ValueError)."""
    from ..core.plan_copy import copy_findings, copy_plan_for_year
    from ..core.plan_diff import latest_version

    old = parse_document(workspace.current_document(previous.id), f"{previous.period} 年度计划")
    doc = copy_plan_for_year(spec, old, period, enterprise_units(workspace, enterprise_id))
    return CopiedPlan(doc.to_json_dict(), previous.period, latest_version(doc.values), copy_findings(spec, doc))


def plan_copy_findings(spec: FormSpec, doc: FilingDocument) -> list[Finding]:
    """PLAN-COPY-001/002 of a plan that was copied from an earlier one ([] otherwise)."""
    if spec.filing_type != "plan" or not doc.meta.get("copied_from"):
        return []
    from ..core.plan_copy import copy_findings

    return copy_findings(spec, doc)
