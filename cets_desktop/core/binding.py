"""Binding a definition: every expression compiled in its scope, checks tied to their fields,
calculations put in dependency order. Errors name the definition file and line.

The pieces: names (:mod:`.name_resolution`), ``ref``/dates (:mod:`.context_functions`),
``prev`` (:mod:`.previous_period`), messages (:mod:`.message_templates`), what an expression sees
(:mod:`.evaluation_context`), row positions (:mod:`.row_positions`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .bound_form import BoundCheck, BoundField, BoundForm
from .definition_error import DefinitionError
from .evaluation_context import Ctx, Env
from .expressions import ExpressionError
from .message_templates import message_formatter
from .name_resolution import scope_levels
from .reference_reading import RefUse
from .row_positions import RowIndex, instance_path, iter_rows
from .scoped_expressions import compile_in_scope
from .spec import Check, FieldSpec, FormSpec

# Transitional: Ctx, Env, RefUse, RowIndex, instance_path, iter_rows are re-exported for modules
# still being edited elsewhere that import them from here; new code imports the module holding them.
__all__ = [
    "BoundCheck",
    "BoundField",
    "BoundForm",
    "Ctx",
    "Env",
    "RefUse",
    "RowIndex",
    "bind_form",
    "bound",
    "compile_in_scope",
    "instance_path",
    "iter_rows",
]


def bind_form(spec: FormSpec, locate: Callable[[tuple[Any, ...]], int] | None = None) -> BoundForm:
    """Compile all expressions of ``spec``; raise DefinitionError (file, line, reason) on any problem."""
    locate = locate or (lambda loc: 0)
    scopes: dict[tuple[str, ...], tuple[FieldSpec, ...]] = {(): ()}
    fields: dict[str, BoundField] = {}

    def fail(loc: tuple[Any, ...], reason: str) -> DefinitionError:
        return DefinitionError(spec.file, locate(loc), reason)

    def scope_of(f: FieldSpec) -> tuple[FieldSpec, ...]:
        out: list[FieldSpec] = []
        prefix = ""
        for name in f.scope:
            rep = spec.field(f"{prefix}{name}[]")
            out.append(rep)
            prefix = rep.path + "."
        return tuple(out)

    checks: list[BoundCheck] = []
    for f in spec.all_fields():
        sf = scope_of(f)
        if f.type == "repeat":
            scopes[(*f.scope, f.name)] = (*sf, f)
        bf = BoundField(f, sf, f.path)
        try:
            if f.calculation:
                bf.calculation, bf.calc_expr, bf.depends_on = compile_in_scope(spec, f.calculation, sf)
            if f.relevant:
                bf.relevant, _, _ = compile_in_scope(spec, f.relevant, sf)
            if isinstance(f.required, str):
                bf.required, _, _ = compile_in_scope(spec, f.required, sf)
            if f.evidence is not None and f.evidence.when:
                bf.evidence_when, _, _ = compile_in_scope(spec, f.evidence.when, sf)
        except ExpressionError as exc:
            key = (
                "calculation"
                if f.calculation and exc.source == f.calculation
                else (
                    "relevant"
                    if exc.source == f.relevant
                    else ("evidence" if f.evidence and exc.source == f.evidence.when else "required")
                )
            )
            raise fail((*f._loc, key), f"字段 {f.path}：{exc}") from None
        fields[f.path] = bf
        if f.constraint:
            assert f.constraint_code and f.constraint_message
            field_check = Check(
                code=f.constraint_code,
                severity=f.constraint_severity,
                assert_=f.constraint,
                message=f.constraint_message,
                source=f.source,
                kind="field",
            )
            checks.append(_bind_check(spec, field_check, sf, f, (*f._loc, "constraint"), fail))
        for ci, check in enumerate(f.checks):
            checks.append(_bind_check(spec, check, sf, f, (*f._loc, "checks", ci), fail))

    for ci, check in enumerate(spec.checks):
        check_scope: tuple[FieldSpec, ...] = ()
        if check.scope:
            scope_key = tuple(check.scope.split("."))
            if scope_key not in scopes:
                raise fail(
                    ("checks", ci, "scope"), f"规则 {check.code}：scope {check.scope!r} 不是重复组路径"
                )
            check_scope = scopes[scope_key]
        checks.append(_bind_check(spec, check, check_scope, None, ("checks", ci), fail))

    for bc in checks:
        if bc.field_spec is not None:
            bc.field_bound = fields[bc.field_spec.path]

    order = _calc_order(spec, fields, fail)
    bound_form = BoundForm(spec, fields, order, checks, scopes)
    spec._bound = bound_form
    return bound_form


def _bind_check(
    spec: FormSpec,
    check: Check,
    sf: tuple[FieldSpec, ...],
    self_field: FieldSpec | None,
    loc: tuple[Any, ...],
    fail: Callable[[tuple[Any, ...], str], Exception],
) -> BoundCheck:
    try:
        test, expr, _ = compile_in_scope(spec, check.assert_, sf, self_field)
        when = compile_in_scope(spec, check.when, sf, self_field)[0] if check.when else None
        message = message_formatter(spec, check.message, sf, self_field)
    except ExpressionError as exc:
        raise fail(loc, f"规则 {check.code}：{exc}") from None
    except (ValueError, KeyError) as exc:
        raise fail(loc, f"规则 {check.code} 的提示文字无法解析：{exc}") from None
    if isinstance(check.source, str) and check.source not in spec.sources:
        raise fail((*loc, "source"), f"规则 {check.code}：来源 {check.source!r} 未在 sources 中定义")
    target = check.path
    if self_field is not None:
        target = self_field.name
    elif target is None:
        levels = scope_levels(spec, sf)
        innermost = levels[-1]
        target = next((n for n in sorted(expr.names) if n in innermost and innermost[n].is_scalar), None)
        if target is None:
            target = next((c[0] for c in sorted(expr.chains) if c[0] in innermost), None)
    elif target not in scope_levels(spec, sf)[-1]:
        raise fail((*loc, "path"), f"规则 {check.code}：path {target!r} 不是本作用域的字段")
    return BoundCheck(check, sf, test, when, message, target, self_field)


def _calc_order(
    spec: FormSpec, fields: dict[str, BoundField], fail: Callable[[tuple[Any, ...], str], Exception]
) -> list[BoundField]:
    calculated = {p: bf for p, bf in fields.items() if bf.calculation is not None}
    order: list[BoundField] = []
    state: dict[str, int] = {}

    def visit(path: str, trail: list[str]) -> None:
        mark = state.get(path, 0)
        if mark == 2:
            return
        if mark == 1:
            cycle = " → ".join([*trail[trail.index(path) :], path])
            raise fail((*calculated[path].spec._loc, "calculation"), f"计算公式循环引用：{cycle}")
        state[path] = 1
        for dep in sorted(calculated[path].depends_on):
            if dep in calculated and dep != path:
                visit(dep, [*trail, path])
        state[path] = 2
        order.append(calculated[path])

    for path in calculated:
        visit(path, [])
    return order


def bound(spec: FormSpec) -> BoundForm:
    """The bound form of ``spec``, binding it now if its loading deferred that."""
    existing = spec._bound
    if isinstance(existing, BoundForm):
        return existing
    locate: Callable[[tuple[Any, ...]], int] | None = spec._bind_later
    return bind_form(spec, locate=locate)
