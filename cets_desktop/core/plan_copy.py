"""Next year's data quality control plan as a copy of this year's.

The plan is kept per year on the platform (mandatory-sectors.md §1.1.5) and most of it does not
change, so the new plan starts from the old one: values carried over, period = the new year,
``form_version`` of the new template, and a new row in the version/revision table (next version
number; date, triggers and reason left blank — the plan's own rules then ask for them, so the
copy stays a draft until the user says why the plan was revised).

When the enterprise's current facilities are known (the workspace's facility list, or
``--units`` on the command line), units in the plan that no longer exist and units missing from
the plan are reported as ``PLAN-COPY-001`` warnings. Nothing is lost: fields the new template no
longer has are kept under ``meta["dropped_on_copy"]`` and reported as ``PLAN-COPY-002``.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime
from typing import Any

from .document import FilingDocument
from .findings import Finding
from .plan_diff import latest_version, plan_layout
from .spec import FieldSpec, FormSpec

COPY_SOURCE = "数据质量控制计划按年度编制、在管理平台上逐年维护，下一年度计划在上一年度计划基础上修订 [V]"
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")


def next_version(versions: list[str]) -> str:
    """The next major version after the highest one used: V3.0 → V4.0, 2.1 → 3.0, 第2版 → 第3版."""
    best: tuple[int, str, str, bool] | None = None  # (major, prefix, suffix, had minor)
    for text in versions:
        m = _NUMBER.search(text or "")
        if not m:
            continue
        major = int(m.group(1))
        if best is None or major >= best[0]:
            best = (major, text[: m.start()], text[m.end() :], m.group(2) is not None)
    if best is None:
        return f"V{len([v for v in versions if v]) + 1}.0"
    major, prefix, suffix, minor = best
    return f"{prefix}{major + 1}{'.0' if minor else ''}{suffix}"


def facility_repeat(spec: FormSpec) -> FieldSpec | None:
    """The plan's list of units/processes/lines/series: the repeat with role ``facility_list``."""
    return plan_layout(spec).facility_list


def copy_plan_for_year(
    spec_new: FormSpec, old_doc: FilingDocument, year: int | str, units: list[str] | None = None
) -> FilingDocument:
    """A new plan for ``year`` carrying ``old_doc``'s values, with a blank revision row appended.

    ``units``: the enterprise's current units/facilities, kept in ``meta["enterprise_units"]`` so
    :func:`copy_findings` can compare them with the plan again at any time.
    """
    if old_doc.form != spec_new.id:
        raise ValueError(f"原计划是「{old_doc.form}」，不能复制为「{spec_new.title}」（{spec_new.id}）")
    values, dropped = _known_values(spec_new, old_doc.values)
    old_version = latest_version(values, spec_new)
    layout = plan_layout(spec_new)
    if layout.revision_table is not None and layout.version_field:
        table, column = layout.revision_table.name, layout.version_field
        revisions = values.get(table)
        if not isinstance(revisions, list):
            revisions = []
        versions = [str(r.get(column) or "") for r in revisions if isinstance(r, dict)]
        row: dict[str, Any] = {column: next_version(versions)}
        kind = spec_new.find_field(layout.revision_kind_field) if layout.revision_kind_field else None
        revision = layout.choice_value(layout.revision_kind_field, "revision")
        if kind is not None and revision is not None:
            row[kind.name] = revision
        revisions.append(row)
        values[table] = revisions
    from .. import __version__

    meta: dict[str, Any] = {
        "created_by": f"cets-desktop {__version__}",
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "copied_from": {
            "form": old_doc.form,
            "form_version": old_doc.form_version,
            "period": old_doc.period,
            "version": old_version,
        },
    }
    if units is not None:
        meta["enterprise_units"] = [u.strip() for u in units if u and u.strip()]
    if dropped:
        meta["dropped_on_copy"] = dropped
    if old_doc.acknowledgements:
        meta["acknowledgements_not_carried"] = len(old_doc.acknowledgements)
    return FilingDocument(
        form=spec_new.id,
        form_version=spec_new.version,
        enterprise=old_doc.enterprise.model_copy(deep=True),
        period=str(year),
        values=values,
        evidence=[e.model_copy() for e in old_doc.evidence],
        acknowledgements=[],
        meta=meta,
    )


def copy_findings(spec: FormSpec, doc: FilingDocument, units: list[str] | None = None) -> list[Finding]:
    """PLAN-COPY-001: plan units vs the enterprise's current units; PLAN-COPY-002: fields left behind."""
    out: list[Finding] = []
    dropped = doc.meta.get("dropped_on_copy") or {}
    if dropped:
        names = "、".join(list(dropped)[:5]) + ("等" if len(dropped) > 5 else "")
        out.append(
            Finding(
                "warning",
                "PLAN-COPY-002",
                "",
                f"原计划中有 {len(dropped)} 项内容新模板已不再使用（{names}），未复制到新计划；原值保存在文件的 meta.dropped_on_copy 中，"
                "请核对是否需要改填到新模板的对应栏目",
                COPY_SOURCE,
                "复制计划",
                kind="completeness",
            )
        )
    if units is None:
        units = doc.meta.get("enterprise_units")
    rep = facility_repeat(spec)
    if units is None or rep is None or rep.key is None:
        return out
    current = [u.strip() for u in units if u and u.strip()]
    found = doc.values.get(rep.name)
    rows: list[Any] = found if isinstance(found, list) else []
    planned = [(i, str(r.get(rep.key) or "").strip()) for i, r in enumerate(rows) if isinstance(r, dict)]
    planned_names = [n for _, n in planned if n]
    src = spec.resolve_source(rep.source)
    source = src.cite() if src else COPY_SOURCE
    config = next(
        (
            c.text
            for c in spec.choices.get(plan_layout(spec).trigger_choices, [])
            if c.role == "trigger_configuration"
        ),
        "",
    )
    why = f"，并在版本记录中选择修订情形“{config}”" if config else "，并在版本记录中说明修订原因"
    label = rep.label
    now_text = "、".join(current) if current else "无"
    plan_text = "、".join(planned_names) if planned_names else "无"
    for i, name in planned:
        if name and name not in current:
            out.append(
                Finding(
                    "warning",
                    "PLAN-COPY-001",
                    f"{rep.name}[{i}].{rep.key}",
                    f"复制的计划中{label}与企业当前{label}不一致：计划中的{label}「{name}」已不在企业当前的{label}清单中（当前：{now_text}）；"
                    f"如已拆除、停运或改名，请删除或改正该{label}及其在数据的确定方式中的参数行{why}",
                    source,
                    f"{label}「{name}」",
                    kind="cross_filing",
                )
            )
    for name in current:
        if name not in planned_names:
            out.append(
                Finding(
                    "warning",
                    "PLAN-COPY-001",
                    rep.name,
                    f"复制的计划中{label}与企业当前{label}不一致：企业当前的{label}「{name}」不在计划中（计划中：{plan_text}）；"
                    f"请在第（三）部分添加该{label}及其主要设备，在数据的确定方式中逐项添加其参数{why}",
                    source,
                    label,
                    kind="cross_filing",
                )
            )
    return out


def _known_values(spec: FormSpec, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The raw values the template knows (deep copy), and the rest by instance path."""
    dropped: dict[str, Any] = {}

    def level(fields: list[FieldSpec], data: dict[str, Any], prefix: str) -> dict[str, Any]:
        known = {f.name: f for f in fields}
        out: dict[str, Any] = {}
        for key, value in data.items():
            f = known.get(key)
            if f is None or f.type in ("note", "group"):
                dropped[prefix + key] = copy.deepcopy(value)
                continue
            if f.type == "repeat" and isinstance(value, list):
                out[key] = [
                    level(f.data_fields(), row, f"{prefix}{key}[{i}].")
                    if isinstance(row, dict)
                    else copy.deepcopy(row)
                    for i, row in enumerate(value)
                ]
            else:
                out[key] = copy.deepcopy(value)
        return out

    return level(spec.top_fields(), raw if isinstance(raw, dict) else {}, ""), dropped
