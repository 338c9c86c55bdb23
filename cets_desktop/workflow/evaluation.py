"""Evaluating a filing: coerce, calculate, every rule, the previous period, and the findings only
the surroundings can give (workbook cells, workspace evidence, the plan, the plan it was copied
from), with one finding policy. The CLI and the window both call :func:`evaluate_input`.
"""

from __future__ import annotations

from typing import Any

from ..core.calc import Explanation, explain_all, padded_values
from ..core.document import FilingDocument
from ..core.findings import Finding, summarize
from ..core.reference import ReferenceSet, default_references
from ..core.rules import Evaluation, evaluate
from .errors import InputError
from .inputs import LoadedInput


def plan_copy_findings(loaded: LoadedInput) -> list[Finding]:
    """PLAN-COPY-001/002: a plan copied from last year is checked against the units it was
    copied for, on every evaluation, until it is brought in line or acknowledged."""
    doc = loaded.document
    if loaded.spec.filing_type != "plan" or not (
        doc.meta.get("copied_from") or doc.meta.get("enterprise_units") is not None
    ):
        return []
    from ..core.plan_copy import copy_findings

    return copy_findings(loaded.spec, doc)


def evaluate_input(
    loaded: LoadedInput,
    *,
    previous: FilingDocument | None = None,
    linked: dict[str, Any] | None = None,
    references: ReferenceSet | None = None,
    extra: list[Finding] | None = None,
) -> Evaluation:
    """Every finding of ``loaded`` in one pass, under the one finding policy."""
    extra = [*plan_copy_findings(loaded), *(extra or [])]
    ev = evaluate(
        loaded.spec,
        loaded.document,
        references or default_references(),
        previous,
        linked,
        extra_findings=[*loaded.import_findings, *extra],
    )
    apply_finding_policy(ev, loaded)
    return ev


def apply_finding_policy(ev: Evaluation, loaded: LoadedInput) -> None:
    """One finding per problem, located where the user works."""
    # "No evidence at all" is said once, by GEN-006; the plan check only adds what it alone knows
    # (evidence of the wrong kind, a different route).
    missing = {f.path for f in ev.findings if f.code == "GEN-006"}
    ev.findings = [f for f in ev.findings if not (f.code == "PLAN-LINK-002" and f.path in missing)]
    if loaded.cell_of is not None:
        # A user working in Excel needs the cell, not our path.
        for f in ev.findings:
            if f.kind != "import" and f.path:
                cell = loaded.cell_of(f.path)
                if cell and cell not in f.location:
                    f.location = f"{cell}（{f.location}）" if f.location else cell


def coherence_for(
    month: LoadedInput, plan: LoadedInput, references: ReferenceSet | None = None
) -> list[Finding]:
    """Does the month follow the plan (routes, evidence kinds, units and fuels)? Unusable pairs
    (not a plan, not a month, another sector or enterprise) raise InputError."""
    from ..core.plan_coherence import coherence_findings, linked_forms

    month_spec, plan_spec = month.spec, plan.spec
    if plan_spec.filing_type != "plan":
        raise InputError(
            f"{_name(plan)} 是「{plan_spec.title}」，不是数据质量控制计划；--plan 请选择计划文件"
        )
    if month_spec.filing_type != "monthly":
        raise InputError(f"{_name(month)} 是「{month_spec.title}」，不是月度存证；请选择月度存证文件")
    if month_spec.id not in linked_forms(plan_spec):
        raise InputError(
            f"「{plan_spec.title}」没有与「{month_spec.title}」对应的参数；请选择同一行业的计划和月度存证"
        )
    a, b = plan.document.enterprise.uscc.strip(), month.document.enterprise.uscc.strip()
    if a and b and a != b:
        raise InputError(f"计划与月度存证不是同一企业（统一社会信用代码 {a} / {b}）；请选择本企业的计划")
    return coherence_findings(plan_spec, plan.document, month_spec, month.document, references)


def _name(loaded: LoadedInput) -> str:
    return str(loaded.source_path) if loaded.source_path else f"工作区中的{loaded.spec.title}"


def calc_output(ev: Evaluation) -> dict[str, Any]:
    """The ``calc --json`` payload: the input's shape with calculated fields filled and rounded."""
    return {
        "form": ev.spec.id,
        "form_version": ev.spec.version,
        "period": ev.document.period,
        "values": padded_values(ev.spec, ev.values),
    }


def explanations(ev: Evaluation) -> dict[str, Explanation]:
    assert ev.env is not None
    return explain_all(ev.spec, ev.values, ev.env, [e.model_dump() for e in ev.document.evidence])


def findings_json(ev: Evaluation) -> dict[str, Any]:
    return {
        "form": ev.spec.id,
        "period": ev.document.period,
        "summary": summarize(ev.findings),
        "findings": [f.to_json() for f in ev.findings],
    }
