"""The rules engine: every finding of a filing in one pass, separate from pydantic.

Order of work: document checks (form, period, enterprise) → coercion (types, choices, unknown
fields) → calculations → required fields and row counts → the definition's checks (field
constraints and cross-field / cross-period rules) → evidence requirements → acknowledgements.
Nothing stops early: users need all problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .binding import bound
from .bound_form import BoundCheck
from .calc import calculate, is_relevant
from .coerce import GENERIC_SOURCE, _row_label, coerce_values
from .document import FilingDocument, period_problem
from .evaluation_context import Ctx, Env, positions
from .expressions import _blank
from .findings import Finding, sort_findings
from .reference import ReferenceSet, default_references
from .row_positions import RowIndex, _names, instance_path
from .spec import FieldSpec, FormSpec
from .uscc import uscc_problem


@dataclass
class Evaluation:
    """A filing after coercion, calculation and validation."""

    spec: FormSpec
    document: FilingDocument
    values: dict[str, Any]
    """Typed values with calculated fields filled (full precision)."""
    findings: list[Finding] = field(default_factory=list)
    env: Env | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def unacknowledged_warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning" and not f.acknowledged]

    @property
    def exportable(self) -> bool:
        return not any(f.blocks_export for f in self.findings)


def typed_values_of(
    spec: FormSpec, doc: FilingDocument | None, references: ReferenceSet | None = None
) -> dict[str, Any] | None:
    """Typed and calculated values of another filing (e.g. the previous month), findings dropped."""
    if doc is None:
        return None
    values, _ = coerce_values(spec, doc.values)
    calculate(spec, values, Env(doc.period, references or default_references()))
    return values


def evaluate_series(
    spec: FormSpec, docs: list[FilingDocument], references: ReferenceSet | None = None
) -> list[Evaluation]:
    """Evaluate consecutive filings (a year of months), each against the one before it.

    Each month's typed values serve as the next month's "previous", so nothing is computed twice.
    """
    out: list[Evaluation] = []
    previous: dict[str, Any] | None = None
    for doc in docs:
        ev = evaluate(spec, doc, references, previous_values=previous)
        out.append(ev)
        previous = ev.values
    return out


def evaluate(
    spec: FormSpec,
    doc: FilingDocument,
    references: ReferenceSet | None = None,
    previous: FilingDocument | None = None,
    linked: dict[str, Any] | None = None,
    extra_findings: list[Finding] | None = None,
    previous_values: dict[str, Any] | None = None,
    today: str | None = None,
) -> Evaluation:
    """Coerce, calculate and check one filing; ``today`` (ISO date) pins date rules for tests/replays."""
    references = references or default_references()
    findings: list[Finding] = []
    findings.extend(_document_findings(spec, doc))
    values, coercion = coerce_values(spec, doc.values)
    findings.extend(coercion)
    unreadable = {f.path for f in coercion if f.code == "GEN-002"}
    period = (
        doc.period if period_problem(doc.period, spec.period_kind) is None else f"{spec.template_year}-01"
    )
    prev_values = (
        previous_values
        if previous_values is not None
        else (typed_values_of(spec, previous, references) if previous is not None else None)
    )
    env = Env(period, references, prev_values, linked or {}, today=today, missing_refs=set())
    index = RowIndex(values)
    calculate(spec, values, env, index)
    findings.extend(_reference_findings(references, env))
    # A value that could not be read is reported once (GEN-002), not again as "missing".
    findings.extend(f for f in _required_findings(spec, index, env) if f.path not in unreadable)
    findings.extend(_check_findings(spec, index, env))
    findings.extend(_evidence_findings(spec, doc, index, env))
    # An import problem the engine reports itself (the same unreadable cell) is shown once.
    findings.extend(f for f in (extra_findings or []) if not (f.kind == "import" and f.path in unreadable))
    findings = _quiet_downstream_plausibility(spec, findings)
    _apply_acknowledgements(doc, findings)
    return Evaluation(spec, doc, values, sort_findings(_dedupe(findings)), env)


def _reference_findings(references: ReferenceSet, env: Env) -> list[Finding]:
    out = []
    for table, key in sorted(env.missing_refs or (), key=lambda t: (t[0], t[1] or "")):
        known = references.tables.get(table)
        what = f"参考值表「{known.label if known else table}」" + (f"（{key}）" if key else "")
        broken = (
            "；参考值文件有误：" + "；".join(str(e) for e in references.errors) if references.errors else ""
        )
        out.append(
            Finding(
                "error",
                "GEN-014",
                "",
                f"{what}没有适用于 {env.year} 年的取值，依赖它的计算结果为空{broken}；请更新程序或参考值文件",
                GENERIC_SOURCE,
                "参考值",
            )
        )
    return out


_PLAUSIBILITY_INPUTS: dict[tuple[int, str], set[str]] = {}


def _schema_path(path: str) -> str:
    """``units[0].fuels[1].ncv`` → ``units[].fuels[].ncv`` (the field a finding points at)."""
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
            out.append("[]")
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _plausibility_inputs(spec: FormSpec, code: str) -> set[str]:
    """Every field a plausibility rule reads, through the calculations it reads (schema paths)."""
    form = bound(spec)
    key = (id(form), code)
    if key in _PLAUSIBILITY_INPUTS:
        return _PLAUSIBILITY_INPUTS[key]
    from .scoped_expressions import compile_in_scope

    todo: set[str] = set()
    for bc in form.checks:
        if bc.check.code != code:
            continue
        if bc.field_spec is not None:
            todo.add(bc.field_spec.path)
        for source in (bc.check.assert_, bc.check.when):
            if source:
                todo |= compile_in_scope(spec, source, bc.scope_fields, bc.field_spec)[2]
    seen: set[str] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        bf = form.fields.get(path)
        if bf is not None:
            todo |= bf.depends_on - seen
    _PLAUSIBILITY_INPUTS[key] = seen
    return seen


def _quiet_downstream_plausibility(spec: FormSpec, findings: list[Finding]) -> list[Finding]:
    """One finding per problem: a plausibility warning whose inputs already carry an error says
    nothing new (NCV typed in kcal/kg makes every intensity downstream implausible), so it is left
    out until the error is fixed. "Inputs" are the fields the rule reads, through the calculations
    it reads; an error counts when it sits in the same row as the warning, in a row inside it, or
    in a row that contains it."""
    errors = [(f.path, _schema_path(f.path)) for f in findings if f.severity == "error" and f.path]
    if not errors:
        return findings
    out = []
    for f in findings:
        if f.kind == "plausibility" and f.severity != "error":
            inputs = _plausibility_inputs(spec, f.code)
            row = f.path.rpartition(".")[0]
            if any(
                schema in inputs
                and (not row or path.startswith(row + ".") or row.startswith(path.rpartition(".")[0]))
                for path, schema in errors
            ):
                continue
        out.append(f)
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.path)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


_USCC_PROBLEMS: dict[str, str | None] = {}


def _uscc_problem(code: str) -> str | None:
    """:func:`.uscc.uscc_problem`, worked out once per code (a year of one enterprise's months
    asks it for the same code every time; the answer depends on the code alone)."""
    if code not in _USCC_PROBLEMS:
        if len(_USCC_PROBLEMS) >= 1024:
            _USCC_PROBLEMS.clear()
        _USCC_PROBLEMS[code] = uscc_problem(code)
    return _USCC_PROBLEMS[code]


def _document_findings(spec: FormSpec, doc: FilingDocument) -> list[Finding]:
    out: list[Finding] = []
    if doc.form != spec.id:
        out.append(
            Finding(
                "error",
                "GEN-010",
                "form",
                f"文件是「{doc.form}」的数据，不是「{spec.title}」；请选择正确的表单",
                GENERIC_SOURCE,
                "表单",
            )
        )
    problem = period_problem(doc.period, spec.period_kind)
    if problem:
        out.append(Finding("error", "GEN-011", "period", problem, GENERIC_SOURCE, "填报期间"))
    if not doc.enterprise.name.strip():
        out.append(
            Finding(
                "error",
                "GEN-012",
                "enterprise.name",
                "企业名称未填写；请按营业执照填写全称",
                GENERIC_SOURCE,
                "企业名称",
            )
        )
    problem = _uscc_problem(doc.enterprise.uscc)
    if problem:
        out.append(
            Finding("error", "GEN-013", "enterprise.uscc", problem, "GB 32100-2015 [V]", "统一社会信用代码")
        )
    return out


def _labels_for(
    scope_fields: tuple[FieldSpec, ...], rows: tuple[dict[str, Any], ...], idx: tuple[int, ...]
) -> list[str]:
    return [_row_label(rep, row, i) for rep, row, i in zip(scope_fields, rows[1:], idx, strict=True)]


def _relevant(bf: Any, ctx: Ctx, cache: dict[tuple[str, int], bool]) -> bool:
    """Relevance of a field in a row, evaluated once per evaluation (several passes ask it)."""
    if bf.relevant is None:
        return True
    key = (bf.path, id(ctx.rows[-1]))
    found = cache.get(key)
    if found is None:
        found = cache[key] = is_relevant(bf, ctx)
    return found


_FORM_LISTS: dict[int, tuple[Any, list[Any], list[Any]]] = {}


def _form_lists(form: Any) -> tuple[list[Any], list[Any]]:
    """The fields the required-field pass and the evidence pass look at (in the form's order),
    picked once per bound form instead of on every evaluation."""
    kept = _FORM_LISTS.get(id(form))
    if kept is None or kept[0] is not form:
        required = [
            bf
            for bf in form.fields.values()
            if not (bf.spec.calculation or bf.spec.type in ("note", "group"))
            and (bf.spec.required or (bf.spec.type == "repeat" and bf.spec.min_rows > 0))
        ]
        evidence = [
            bf for bf in form.fields.values() if bf.spec.evidence is not None and bf.spec.evidence.required
        ]
        kept = _FORM_LISTS[id(form)] = (form, required, evidence)
    return kept[1], kept[2]


_TEXT_OR_LIST = (str, list)
_REQUIRED_PLAN: dict[int, tuple[Any, list[tuple[Any, str, bool, int, tuple[str, ...]]]]] = {}


def _required_plan(form: Any) -> list[tuple[Any, str, bool, int, tuple[str, ...]]]:
    """Per required field, once per bound form: (bound field, name, is a table, rows needed,
    the scope's repeat names)."""
    kept = _REQUIRED_PLAN.get(id(form))
    if kept is None or kept[0] is not form:
        plan = [
            (
                bf,
                bf.spec.name,
                bf.spec.type == "repeat",
                bf.spec.min_rows if bf.spec.type == "repeat" else 0,
                tuple(f.name for f in bf.scope_fields),
            )
            for bf in _form_lists(form)[0]
        ]
        kept = _REQUIRED_PLAN[id(form)] = (form, plan)
    return kept[1]


def _required_findings(spec: FormSpec, values: RowIndex, env: Env) -> list[Finding]:
    form = bound(spec)
    out: list[Finding] = []
    by_scope: dict[tuple[str, ...], list[tuple[Any, Any, Ctx]]] = {}
    for bf, name, is_repeat, min_rows, names in _required_plan(form):
        f = bf.spec
        needs_rows = min_rows > 0
        positions = by_scope.get(names)
        if positions is None:
            positions = by_scope[names] = _positions(values, bf.scope_fields, env)
        for rows, idx, ctx in positions:
            value = rows[-1].get(name)
            # Only a short table (GEN-007) or a blank value (GEN-003) can be reported: a filled
            # one is passed over before its condition is evaluated (the result is the same).
            if is_repeat:
                if not (needs_rows and len(value or []) < min_rows):
                    continue
            elif value is not None and (value or not isinstance(value, _TEXT_OR_LIST)):
                continue  # not blank (``_blank`` inlined: a filled value is the common case)
            ctx.self_value = None
            if not _relevant(bf, ctx, values.relevance):
                continue
            if needs_rows and len(value or []) < f.min_rows:
                labels = _labels_for(bf.scope_fields, rows, idx)
                out.append(
                    Finding(
                        "error",
                        "GEN-007",
                        instance_path(bf.scope_fields, idx, f.name),
                        f"「{f.label}」至少需要 {f.min_rows} 行；请添加",
                        GENERIC_SOURCE,
                        " › ".join([*labels, f.label]),
                    )
                )
                continue
            required = (
                f.required
                if isinstance(f.required, bool)
                else (bf.required(ctx) is True if bf.required else False)
            )
            if required and _blank(value):
                if f.type == "repeat":
                    continue
                labels = _labels_for(bf.scope_fields, rows, idx)
                message = (
                    f.required_message
                    or f"「{f.label}」未填写" + (f"（单位：{f.unit}）" if f.unit else "") + "；此项必填"
                )
                out.append(
                    Finding(
                        "error",
                        "GEN-003",
                        instance_path(bf.scope_fields, idx, f.name),
                        message,
                        _cite(spec, f.source) or GENERIC_SOURCE,
                        " › ".join([*labels, f.label]),
                    )
                )
    return out


def _cite(spec: FormSpec, source: Any) -> str:
    src = spec.resolve_source(source)
    return src.cite() if src else ""


_CHECK_PLAN: dict[int, tuple[Any, list[tuple[Any, ...]]]] = {}


def _check_plan(form: Any) -> list[tuple[Any, ...]]:
    """What :func:`_check_findings` reads of each check before its loop, once per bound form."""
    kept = _CHECK_PLAN.get(id(form))
    if kept is None or kept[0] is not form:
        plan = []
        for bc in form.checks:
            field_bf = bc.field_bound
            plan.append(
                (
                    bc,
                    bc.scope_fields,
                    field_bf,
                    field_bf.path if field_bf is not None else "",
                    field_bf is not None and field_bf.relevant is not None,
                    bc.field_spec.name if bc.field_spec is not None else "",
                    bc.check.kind == "field",
                    bc.when,
                    bc.test,
                    tuple(f.name for f in bc.scope_fields),
                )
            )
        kept = _CHECK_PLAN[id(form)] = (form, plan)
    return kept[1]


def _check_findings(spec: FormSpec, values: RowIndex, env: Env) -> list[Finding]:
    """Every check at every row position, in the definition's order, with what it reads of
    each check worked out once per form (:func:`_check_plan`) and each scope's positions made
    once."""
    form = bound(spec)
    out: list[Finding] = []
    cache = values.relevance
    by_scope: dict[tuple[str, ...], list[tuple[Any, Any, Ctx]]] = {}
    for (
        bc,
        scope_fields,
        field_bf,
        field_path,
        conditional,
        name,
        skip_blank,
        when,
        test,
        names,
    ) in _check_plan(form):
        positions = by_scope.get(names)
        if positions is None:
            positions = by_scope[names] = _positions(values, scope_fields, env)
        for rows, idx, ctx in positions:
            if field_bf is not None:
                ctx.self_value = None
                if conditional:  # as _relevant(field_bf, ctx, cache), without the call
                    key = (field_path, id(rows[-1]))
                    relevant = cache.get(key)
                    if relevant is None:
                        relevant = cache[key] = is_relevant(field_bf, ctx)
                    if not relevant:
                        continue
                ctx.self_value = self_value = rows[-1].get(name)
                if self_value is None and skip_blank:
                    continue
            else:
                ctx.self_value = None
            if when is not None and when(ctx) is not True:
                continue
            if test(ctx) is not False:
                continue
            out.append(_check_finding(spec, bc, rows, idx, ctx))
    return out


def _check_finding(spec: FormSpec, bc: BoundCheck, rows: Any, idx: tuple[int, ...], ctx: Ctx) -> Finding:
    """The finding of a check that failed at a row position."""
    check = bc.check
    target_label, source = _check_texts(spec, bc)
    labels = _labels_for(bc.scope_fields, rows, idx)
    if target_label is not None:
        labels.append(target_label)
    return Finding(
        severity=check.severity,
        code=check.code,
        path=instance_path(bc.scope_fields, idx, bc.target),
        message=bc.message(ctx),
        source=source,
        location=" › ".join(labels),
        kind=check.kind,
    )


def _positions(index: RowIndex, scope_fields: tuple[FieldSpec, ...], env: Env) -> list[tuple[Any, Any, Ctx]]:
    """Every row position of a scope with its evaluation position (``Ctx``), made once per
    evaluation and shared by the calculations and the passes after them
    (:func:`.evaluation_context.positions`)."""
    return positions(index, scope_fields, env)


_CHECK_TEXTS: dict[int, tuple[BoundCheck, FormSpec, tuple[str | None, str]]] = {}


def _check_texts(spec: FormSpec, bc: BoundCheck) -> tuple[str | None, str]:
    """A check's finding target label (the field it points at) and citation: the same for every
    row, so worked out once per bound check."""
    kept = _CHECK_TEXTS.get(id(bc))
    if kept is None or kept[0] is not bc or kept[1] is not spec:
        target_label = None
        if bc.target:
            levels = [
                f for f in (bc.scope_fields[-1].data_fields() if bc.scope_fields else spec.top_fields())
            ]
            target_spec = next((f for f in levels if f.name == bc.target), None)
            if target_spec is not None:
                target_label = target_spec.label
        check = bc.check
        source = _cite(spec, check.source) or (_cite(spec, bc.field_spec.source) if bc.field_spec else "")
        kept = _CHECK_TEXTS[id(bc)] = (bc, spec, (target_label, source))
    return kept[2]


def _evidence_findings(spec: FormSpec, doc: FilingDocument, values: RowIndex, env: Env) -> list[Finding]:
    form = bound(spec)
    attached = {e.path for e in doc.evidence}
    out: list[Finding] = []
    by_scope: dict[tuple[str, ...], list[tuple[Any, Any, Ctx]]] = {}
    for bf in _form_lists(form)[1]:
        req = bf.spec.evidence
        names = _names(bf.scope_fields)
        positions = by_scope.get(names)
        if positions is None:
            positions = by_scope[names] = _positions(values, bf.scope_fields, env)
        for rows, idx, ctx in positions:
            value = rows[-1].get(bf.spec.name)
            if _blank(value):
                continue
            path = instance_path(bf.scope_fields, idx, bf.spec.name)
            if _backed(path, attached):
                continue  # backed: nothing to report, whatever the conditions say
            ctx.self_value = None
            if not _relevant(bf, ctx, values.relevance):
                continue
            if bf.evidence_when is not None and bf.evidence_when(ctx) is not True:
                continue
            labels = [*_labels_for(bf.scope_fields, rows, idx), bf.spec.label]
            message, source = _evidence_text(spec, bf)
            out.append(
                Finding(
                    req.severity,
                    "GEN-006",
                    path,
                    message,
                    source,
                    " › ".join(labels),
                    kind="completeness",
                )
            )
    return out


_EVIDENCE_TEXT: dict[int, tuple[Any, Any, tuple[str, str]]] = {}


def _evidence_text(spec: FormSpec, bf: Any) -> tuple[str, str]:
    """GEN-006's message and citation for a field: the same for every row, so made once."""
    kept = _EVIDENCE_TEXT.get(id(bf))
    if kept is None or kept[0] is not bf or kept[1] is not spec:
        req = bf.spec.evidence
        kinds = "、".join(req.kinds) if req.kinds else "支撑材料"
        text = (
            f"「{bf.spec.label}」缺少支撑材料（{kinds}）：{req.description}；请在证据面板附上文件",
            _cite(spec, req.source) or _cite(spec, bf.spec.source),
        )
        kept = _EVIDENCE_TEXT[id(bf)] = (bf, spec, text)
    return kept[2]


def _backed(path: str, attached: set[str]) -> bool:
    """Is evidence attached at ``path`` or at a row containing it (``units[0]`` backs
    ``units[0].generation``)? The same as testing ``p == path or path.startswith(p + ".")`` for
    every attached ``p``, by looking up each dotted prefix of ``path`` instead."""
    if path in attached:
        return True
    dot = path.find(".")
    while dot != -1:
        if path[:dot] in attached:
            return True
        dot = path.find(".", dot + 1)
    return False


def _apply_acknowledgements(doc: FilingDocument, findings: list[Finding]) -> None:
    acks = {(a.code, a.path): a.reason for a in doc.acknowledgements if a.reason.strip()}
    for f in findings:
        if f.severity == "warning":
            reason = acks.get((f.code, f.path)) or acks.get((f.code, ""))
            if reason:
                f.acknowledged = reason
