"""Plan ↔ month coherence: does a monthly certification follow the data quality control plan?

The verifier checks every reported value first against the acquisition route the plan declares
(mandatory-sectors.md §1.1.5, §4.1: "acquisition route in each month must match the route
declared in the plan"). What corresponds to what is data, not code: the plan definition's
``monthly_links`` (see the comment above them in ``forms/power-plan-2027.yaml``).

Findings (all warnings but the info 004), each on the month's instance path so the GUI can jump there:

- ``PLAN-LINK-001`` the month's route differs from the plan's (month 缺省值, plan 实测值);
- ``PLAN-LINK-002`` the plan declares the value measured, which implies evidence of a kind
  (measured carbon → CMA/CNAS检测报告) the month does not attach for that value;
- ``PLAN-LINK-003`` the month has a unit, fuel or item the plan does not declare;
- ``PLAN-LINK-004`` (info) the plan is for another year than the month.

Conventions of the link ``match`` mapping: plan-row field → month field (looked up from the
value's row outwards); a plan value that is blank or “全厂” applies to every month row; a quoted
key (``"'固体'"``) is a constant the month field must equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .binding import bound
from .bound_form import BoundField
from .calc import calculate, is_relevant
from .coerce import coerce_values
from .display import display_value, number_text
from .document import FilingDocument, period_problem
from .evaluation_context import Ctx, Env
from .findings import Finding, sort_findings
from .plan_copy import facility_repeat
from .plan_diff import PLANT_WIDE, latest_version, plan_layout, typed_plan_values
from .reference import ReferenceSet, default_references
from .row_positions import RowIndex, instance_path, iter_rows
from .spec import FieldSpec, FormSpec, MonthlyLink

LINK_SOURCE = "月度数据的获取方式须与数据质量控制计划申报的方式一致，核查机构先按计划核对每项数据 [V]"
EVIDENCE_SOURCE = (
    "月度存证每个数值须附支撑材料；实测元素碳含量须附 CMA/CNAS 检测报告（环办气候函〔2022〕111号）[V]"
)


@dataclass
class _Compiled:
    link: MonthlyLink
    value: BoundField
    scope: tuple[FieldSpec, ...]
    route: str | None
    route_level: int
    pairs: list[tuple[str, str, int]]
    """(plan field, month field, level): level 0 = top, 1 = first repeat row …"""
    constants: list[tuple[str, str, int]]
    """(constant, month field, level)."""


def _levels(spec: FormSpec, scope: tuple[FieldSpec, ...]) -> list[set[str]]:
    levels = [{f.name for f in spec.top_fields()}]
    levels += [{f.name for f in rep.data_fields()} for rep in scope]
    return levels


def _level_of(levels: list[set[str]], name: str) -> int | None:
    for i in range(len(levels) - 1, -1, -1):
        if name in levels[i]:
            return i
    return None


def _constant(key: str) -> str | None:
    key = key.strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
        return key[1:-1]
    return None


_COMPILED: dict[tuple[int, int, int], tuple[Any, Any, Any, tuple[_Compiled | None, list[str]]]] = {}


def _compile(
    plan_spec: FormSpec, month_spec: FormSpec, link: MonthlyLink
) -> tuple[_Compiled | None, list[str]]:
    """:func:`_compile_link`, once per plan definition, monthly definition and link (definitions
    do not change once loaded; every evaluation of a month with a plan asked it again)."""
    key = (id(plan_spec), id(month_spec), id(link))
    kept = _COMPILED.get(key)
    if kept is None or kept[0] is not plan_spec or kept[1] is not month_spec or kept[2] is not link:
        kept = _COMPILED[key] = (plan_spec, month_spec, link, _compile_link(plan_spec, month_spec, link))
    return kept[3][0], list(kept[3][1])


def _compile_link(
    plan_spec: FormSpec, month_spec: FormSpec, link: MonthlyLink
) -> tuple[_Compiled | None, list[str]]:
    problems: list[str] = []
    where = f"monthly_links「{link.parameter}」→ {link.value_path}"
    form = bound(month_spec)
    value = form.fields.get(link.value_path)
    if value is None or not value.spec.is_scalar:
        return None, [f"{where}：月度表单 {month_spec.id} 中没有字段 {link.value_path}"]
    scope = value.scope_fields
    levels = _levels(month_spec, scope)
    route, route_level = None, 0
    if link.route_path:
        rb = form.fields.get(link.route_path)
        if (
            rb is None
            or len(rb.scope_fields) > len(scope)
            or any(a is not b for a, b in zip(rb.scope_fields, scope, strict=False))
        ):
            problems.append(f"{where}：获取方式字段 {link.route_path} 不存在，或不在数值所在的行或其上级行")
        else:
            route, route_level = rb.spec.name, len(rb.scope_fields)
    layout = plan_layout(plan_spec)
    plan_row = layout.parameter_table
    plan_names = {f.name for f in plan_row.data_fields()} if plan_row else set()
    if plan_row is None:
        problems.append(f"{where}：计划定义没有参数表（role: parameter_table）")
    pairs: list[tuple[str, str, int]] = []
    constants: list[tuple[str, str, int]] = []
    for key, month_field in link.match.items():
        level = _level_of(levels, month_field)
        if level is None:
            problems.append(f"{where}：match 中的月度字段 {month_field} 不在数值所在的行或其上级行")
            continue
        const = _constant(key)
        if const is not None:
            constants.append((const, month_field, level))
        elif key not in plan_names:
            problems.append(f"{where}：match 中的计划字段 {key} 不是参数表的字段")
        else:
            pairs.append((key, month_field, level))
    choices = {
        c.value
        for f in (plan_row.data_fields() if plan_row else [])
        if f.role == "parameter_name"
        for c in plan_spec.choice_list(f)
    }
    if choices and link.parameter not in choices:
        problems.append(f"{where}：参数名称「{link.parameter}」不是计划参数表的选项")
    if problems:
        return None, problems
    return _Compiled(link, value, scope, route, route_level, pairs, constants), []


def link_problems(plan_spec: FormSpec, month_spec: FormSpec) -> list[str]:
    """Why any of the plan's links to ``month_spec`` cannot be used (empty = all fine)."""
    out: list[str] = []
    for link in plan_spec.monthly_links:
        if link.form == month_spec.id:
            out += _compile(plan_spec, month_spec, link)[1]
    return out


def linked_forms(plan_spec: FormSpec) -> set[str]:
    return {link.form for link in plan_spec.monthly_links}


# --------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _text(value: Any, f: FieldSpec | None = None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "as_tuple"):
        number = number_text(value, f)
        return f"{number} {f.unit}" if f is not None and f.unit and "或" not in f.unit else number
    return display_value(None, f, value, dates=False) if f is not None else str(value)


def _row_label(rep: FieldSpec, row: dict[str, Any], index: int) -> str:
    name = None
    for fname in (rep.label_field, rep.key):
        if fname and not _blank(row.get(fname)):
            name = row.get(fname)
            break
    return f"{rep.label}「{name}」" if name is not None else f"{rep.label}第 {index + 1} 行"


def _norm_kind(kind: str | None) -> str:
    return "".join((kind or "").split()).replace("／", "/")


def _kind_ok(attached: str | None, wanted: list[str]) -> bool:
    a = _norm_kind(attached)
    if not a:
        return False
    return any(w and (a == w or w in a or a in w) for w in (_norm_kind(k) for k in wanted))


class _Plan:
    """The plan's parameter rows by parameter name, and what it declares."""

    def __init__(self, spec: FormSpec, doc: FilingDocument, references: ReferenceSet | None):
        values, _ = typed_plan_values(spec, doc, references)
        self.spec = spec
        self.layout = layout = plan_layout(spec)
        table = layout.parameter_table
        self.rows: list[dict[str, Any]] = [
            r for r in (values.get(table.name) if table else None) or [] if isinstance(r, dict)
        ]
        self.by_param: dict[str, list[dict[str, Any]]] = {}
        names = [layout.param[r] for r in ("label", "name") if r in layout.param]
        for r in self.rows:
            name = next((r.get(n) for n in names if r.get(n)), None)
            if name:
                self.by_param.setdefault(str(name), []).append(r)
        self.row_label_field = table.label_field if table is not None else None
        self.version = latest_version(values, spec)
        self.year = doc.period[:4]
        self.label = f"{self.year}年度" + (f" {self.version}" if self.version else "")
        rep = facility_repeat(spec)
        self.facilities: list[str] = []
        if rep is not None and rep.key:
            self.facilities = [
                str(r.get(rep.key)).strip()
                for r in values.get(rep.name) or []
                if isinstance(r, dict) and not _blank(r.get(rep.key))
            ]

    def declared(self, plan_field: str) -> list[str]:
        """Explicit (non plant-wide) values of a parameter-row field, plus the unit list for 机组名称."""
        out: list[str] = []
        for r in self.rows:
            v = r.get(plan_field)
            if not _blank(v) and str(v).strip() not in PLANT_WIDE and str(v).strip() not in out:
                out.append(str(v).strip())
        if plan_field == self.layout.param.get("facility"):
            out += [f for f in self.facilities if f not in out]
        return out

    def matches(self, c: _Compiled, rows: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
        """The most specific plan rows for this month position (ties all returned)."""
        best: list[dict[str, Any]] = []
        best_score = -1
        for r in self.by_param.get(c.link.parameter, []):
            score = 0
            for plan_field, month_field, level in c.pairs:
                pv = r.get(plan_field)
                if _blank(pv) or str(pv).strip() in PLANT_WIDE:
                    continue
                if str(pv).strip() != str(rows[level].get(month_field) or "").strip():
                    score = -1
                    break
                score += 1
            if score < 0:
                continue
            if score > best_score:
                best, best_score = [r], score
            elif score == best_score:
                best.append(r)
        return best


def coherence_findings(
    plan_spec: FormSpec,
    plan_doc: FilingDocument,
    month_spec: FormSpec,
    month_doc: FilingDocument,
    references: ReferenceSet | None = None,
) -> list[Finding]:
    """Coherence of one month with the plan, driven only by ``plan_spec.monthly_links``."""
    compiled = [
        c
        for c in (
            _compile(plan_spec, month_spec, link)[0]
            for link in plan_spec.monthly_links
            if link.form == month_spec.id
        )
        if c is not None
    ]
    if not compiled:
        return []
    references = references or default_references()
    plan = _Plan(plan_spec, plan_doc, references)
    values, _ = coerce_values(month_spec, month_doc.values)
    period = (
        month_doc.period
        if period_problem(month_doc.period, month_spec.period_kind) is None
        else f"{month_spec.template_year}-01"
    )
    env = Env(period, references)
    index = RowIndex(values)
    calculate(month_spec, values, env, index)
    form = bound(month_spec)
    evidence = [(e.path, e.kind) for e in month_doc.evidence]
    out: list[Finding] = []

    if plan.year != month_doc.period[:4]:
        out.append(
            Finding(
                "info",
                "PLAN-LINK-004",
                "",
                f"所选数据质量控制计划是 {plan.label}的，存证期间为 {month_spec.period_label(month_doc.period)}；"
                f"{month_doc.period[:4]} 年的月度数据应按 {month_doc.period[:4]} 年度计划核对，请确认选择的计划",
                LINK_SOURCE,
                "数据质量控制计划",
                kind="cross_filing",
            )
        )

    # PLAN-LINK-003 (units): a first-level month row the plan does not name at all.
    undeclared: set[tuple[str, int]] = set()
    seen_pairs: set[tuple[str, str]] = set()
    for c in compiled:
        for plan_field, month_field, level in c.pairs:
            if level != 1 or (plan_field, month_field) in seen_pairs:
                continue
            seen_pairs.add((plan_field, month_field))
            declared = plan.declared(plan_field)
            if not declared:
                continue
            rep = c.scope[0]
            for rows, idx in iter_rows(index, (rep,)):
                name = rows[1].get(month_field)
                if _blank(name) or str(name).strip() in declared:
                    continue
                undeclared.add((rep.name, idx[0]))
                out.append(
                    Finding(
                        "warning",
                        "PLAN-LINK-003",
                        instance_path((rep,), idx, month_field),
                        f"本月存证中有{rep.label}「{name}」，但数据质量控制计划（{plan.label}）没有申报该{rep.label}"
                        f"（计划中：{'、'.join(declared)}）；请核对名称是否与计划一致，或先修订计划（新增设施属于修订情形“排放设施发生变化”）",
                        LINK_SOURCE,
                        _row_label(rep, rows[1], idx[0]),
                        kind="cross_filing",
                    )
                )

    # Per value: route (001), evidence (002); remember which deeper rows found a plan row (003).
    RowKey = tuple[tuple[str, ...], tuple[int, ...]]
    active: dict[
        RowKey, tuple[tuple[FieldSpec, ...], tuple[int, ...], tuple[dict[str, Any], ...], list[str]]
    ] = {}
    matched: set[RowKey] = set()
    for c in compiled:
        fspec = c.value.spec
        for rows, idx in iter_rows(index, c.scope):
            if (c.scope[0].name, idx[0]) in undeclared:
                continue
            row_key = (tuple(rep.name for rep in c.scope), idx)
            if any(str(rows[level].get(field) or "") != const for const, field, level in c.constants):
                continue
            ctx = Ctx(rows, env, c.scope)
            value = rows[-1].get(fspec.name) if is_relevant(c.value, ctx) else None
            route = rows[c.route_level].get(c.route) if c.route else None
            if _blank(value) and _blank(route):
                continue
            deep = len(c.scope) >= 2
            if deep:
                entry = active.setdefault(row_key, (c.scope, idx, rows, []))
                if c.link.parameter not in entry[3]:
                    entry[3].append(c.link.parameter)
            best = plan.matches(c, rows)
            if not best:
                continue
            if deep:
                matched.add(row_key)
            labels = [_row_label(rep, row, i) for rep, row, i in zip(c.scope, rows[1:], idx, strict=True)]
            location = " › ".join([*labels, fspec.label])
            path = instance_path(c.scope, idx, fspec.name)
            plan_row = best[0]
            plan_label = str(
                (plan_row.get(plan.row_label_field) if plan.row_label_field else None) or c.link.parameter
            )
            route_field = plan.layout.param.get("route")
            plan_routes = [
                str(r.get(route_field)) for r in best if route_field and not _blank(r.get(route_field))
            ]
            measured = plan.layout.measured
            if c.route and not _blank(route) and plan_routes and str(route) not in plan_routes:
                route_label = form.fields[c.link.route_path].spec.label if c.link.route_path else "获取方式"
                out.append(
                    Finding(
                        "warning",
                        "PLAN-LINK-001",
                        path,
                        f"本月{' › '.join(labels)}的{route_label}为“{route}”，与数据质量控制计划（{plan.label}）中"
                        f"「{plan_label}」申报的“{'、'.join(dict.fromkeys(plan_routes))}”不一致；月度数据应按计划申报的方式获取，"
                        "核查机构先按计划核对获取方式。请按计划获取并填报；如实际做法已改变，请先修订数据质量控制计划",
                        LINK_SOURCE,
                        location,
                        kind="cross_filing",
                    )
                )
            wanted = c.link.evidence_kinds
            if not wanted or _blank(value) or measured is None or measured not in plan_routes:
                continue
            if c.route and not _blank(route) and str(route) != measured:
                continue
            attached = [kind for p, kind in evidence if p == path or path.startswith(p + ".")]
            if any(_kind_ok(kind, wanted) for kind in attached):
                continue
            detail = ""
            for role, word in (("lab", "检测机构"), ("instrument", "测量设备")):
                name = plan.layout.param.get(role)
                if name and not _blank(plan_row.get(name)):
                    detail = f"（{word}：{plan_row.get(name)}）"
                    break
            if attached:
                kinds = "、".join(dict.fromkeys(k or "未标明类型" for k in attached))
                have = f"已附材料的类型为“{kinds}”"
            else:
                have = "本月未附任何支撑材料"
            out.append(
                Finding(
                    "warning",
                    "PLAN-LINK-002",
                    path,
                    f"数据质量控制计划（{plan.label}）中「{plan_label}」为实测值{detail}，本月{location}（{_text(value, fspec)}）"
                    f"应附{wanted[0] if len(wanted) == 1 else '、'.join(wanted) + '之一'}，但{have}；请在证据面板附上与计划一致的支撑材料",
                    EVIDENCE_SOURCE,
                    location,
                    kind="completeness",
                )
            )

    # PLAN-LINK-003 (fuels, items): a deeper month row for which no linked plan row exists.
    for row_key, (scope, idx, rows, params) in active.items():
        if row_key in matched:
            continue
        labels = [_row_label(rep, row, i) for rep, row, i in zip(scope, rows[1:], idx, strict=True)]
        rep = scope[-1]
        target = rep.key or rep.label_field
        out.append(
            Finding(
                "warning",
                "PLAN-LINK-003",
                instance_path(scope, idx, target),
                f"本月{' › '.join(labels)}在数据质量控制计划（{plan.label}）中没有对应的参数行（应申报：{'、'.join(params)}）；"
                "月度存证中的燃料、物料应已在计划中申报。请核对名称是否与计划一致；如使用了计划中未包括的新燃料、物料，请先修订计划",
                LINK_SOURCE,
                " › ".join(labels),
                kind="cross_filing",
            )
        )
    findings = _dedupe(out)
    _acknowledge(month_doc, findings)
    return sort_findings(findings)


def _acknowledge(doc: FilingDocument, findings: list[Finding]) -> None:
    """A written acknowledgement in the month (code + path, or code for all paths) marks a warning."""
    acks = {(a.code, a.path): a.reason for a in doc.acknowledgements if a.reason.strip()}
    for f in findings:
        if f.severity == "warning":
            reason = acks.get((f.code, f.path)) or acks.get((f.code, ""))
            if reason:
                f.acknowledged = reason


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        if (f.code, f.path) not in seen:
            seen.add((f.code, f.path))
            out.append(f)
    return out
