"""Calculations: fill every calculated field, in dependency order, and explain each number.

Calculated values are kept in full precision inside the chain (monthly emissions feed unit
totals unrounded); :func:`rounded_values` rounds each reported value once, to the decimals its
definition gives (四舍五入), which is what ``calc`` prints and what packages carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .binding import bound
from .bound_form import BoundField, BoundForm
from .display import formula_text
from .evaluation_context import Ctx, Env, positions
from .numbers import round_half_up
from .reference_reading import RefUse
from .row_positions import RowIndex, instance_path, iter_rows
from .scoped_expressions import compile_in_scope
from .spec import FieldSpec, FormSpec


@dataclass
class ExplainInput:
    name: str
    label: str
    value: Any
    unit: str | None
    path: str


@dataclass
class Explanation:
    """Everything needed to show how a number was obtained (UI "explain", PDF, package)."""

    path: str
    label: str
    unit: str | None
    value: Any
    formula: str
    expression: str
    inputs: list[ExplainInput] = field(default_factory=list)
    references: list[RefUse] = field(default_factory=list)
    source: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        from .document import jsonable

        payload: dict[str, Any] = jsonable(
            {
                "path": self.path,
                "label": self.label,
                "unit": self.unit,
                "value": self.value,
                "formula": self.formula,
                "expression": self.expression,
                "inputs": [vars(i) for i in self.inputs],
                "references": [vars(r) for r in self.references],
                "source": self.source,
                "evidence": self.evidence,
            }
        )
        return payload


def is_relevant(bf: BoundField, ctx: Ctx) -> bool:
    # XLSForm semantics: a field is shown only when its condition is true; a condition on an
    # unanswered question (blank) hides it.
    if bf.relevant is None:
        return True
    return bf.relevant(ctx) is True


def calculate(spec: FormSpec, values: dict[str, Any], env: Env, index: RowIndex | None = None) -> None:
    """Fill calculated fields of ``values`` (typed) in place."""
    form = bound(spec)
    if index is not None and _keys_are_inputs(form):
        # The rules' evaluation positions, made here once per scope (no calculation reads a
        # row's key, so the previous period's matching row is the same before and after).
        by_scope: dict[tuple[str, ...], list[tuple[Any, Any, Ctx]]] = {}
        for bf, name, names in _calc_plan(form):
            calculation, relevant = bf.calculation, bf.relevant
            assert calculation is not None
            found = by_scope.get(names)
            if found is None:
                found = by_scope[names] = positions(index, bf.scope_fields, env)
            for rows, _idx, ctx in found:
                ctx.self_value = None
                rows[-1][name] = calculation(ctx) if relevant is None or relevant(ctx) is True else None
        return
    indexed = index or RowIndex(values)
    for bf in form.calc_order:
        assert bf.calculation is not None
        name = bf.spec.name
        for rows, _idx in iter_rows(indexed, bf.scope_fields):
            ctx = Ctx(rows, env, bf.scope_fields)
            rows[-1][name] = bf.calculation(ctx) if is_relevant(bf, ctx) else None


_CALC_PLAN: dict[int, tuple[BoundForm, list[tuple[BoundField, str, tuple[str, ...]]], bool]] = {}


def _plan(form: BoundForm) -> tuple[BoundForm, list[tuple[BoundField, str, tuple[str, ...]]], bool]:
    kept = _CALC_PLAN.get(id(form))
    if kept is None or kept[0] is not form:
        plan = [(bf, bf.spec.name, tuple(f.name for f in bf.scope_fields)) for bf in form.calc_order]
        calculated = {bf.spec.name for bf in form.calc_order}
        keys = {f.key for scope in form.scopes.values() for f in scope if f.key}
        keys |= {f.key for bf in form.calc_order for f in bf.scope_fields if f.key}
        kept = _CALC_PLAN[id(form)] = (form, plan, not (keys & calculated))
    return kept


def _calc_plan(form: BoundForm) -> list[tuple[BoundField, str, tuple[str, ...]]]:
    """The calculations in order, each with its name and its scope's repeat names (once per form)."""
    return _plan(form)[1]


def _keys_are_inputs(form: BoundForm) -> bool:
    """No repeat's row key (``unit_name``, ``fuel_name``) is a calculated field of the form."""
    return _plan(form)[2]


def explain_all(
    spec: FormSpec, values: dict[str, Any], env: Env, evidence: list[dict[str, Any]] | None = None
) -> dict[str, Explanation]:
    """Explanations for every calculated value (call after :func:`calculate`)."""
    form = bound(spec)
    out: dict[str, Explanation] = {}
    input_getters: dict[str, list[tuple[str, FieldSpec | None, Any]]] = {}
    for bf in form.calc_order:
        input_getters[bf.spec.path] = _input_getters(spec, form, bf)
    for bf in form.calc_order:
        src = spec.resolve_source(bf.spec.source)
        for rows, idx in iter_rows(values, bf.scope_fields):
            log: list[RefUse] = []
            ctx_env = Env(env.period, env.references, env.previous, env.linked, log, env.today)
            ctx = Ctx(rows, ctx_env, bf.scope_fields)
            assert bf.calculation is not None
            bf.calculation(ctx)  # re-run to log the reference values it read
            path = instance_path(bf.scope_fields, idx, bf.spec.name)
            inputs = []
            for name, fspec, getter in input_getters[bf.spec.path]:
                if not _input_applies(form, fspec, name, rows, ctx_env, bf.scope_fields):
                    continue  # e.g. 锅炉排放量 for a 余热回收 row: not an input of this row's result
                level_path = _input_path(bf.scope_fields, idx, fspec, name)
                unit = (
                    _row_unit(fspec.unit, rows[len(fspec.scope)])
                    if fspec and len(fspec.scope) < len(rows)
                    else (fspec.unit if fspec else None)
                )
                inputs.append(
                    ExplainInput(name, fspec.label if fspec else name, getter(ctx), unit, level_path)
                )
            seen: set[tuple[str, str | None]] = set()
            refs = []
            for r in log:
                if (r.table, r.key) not in seen:
                    seen.add((r.table, r.key))
                    refs.append(r)
            backing = [
                e
                for e in (evidence or [])
                if any(e.get("path", "").startswith(i.path) and i.path for i in inputs)
            ]
            out[path] = Explanation(
                path=path,
                label=bf.spec.label,
                unit=_row_unit(bf.spec.unit, rows[-1]),
                value=rows[-1].get(bf.spec.name),
                formula=formula_text(spec, bf.spec),
                expression=bf.spec.calculation or "",
                inputs=inputs,
                references=refs,
                source=src.cite() if src else "",
                evidence=backing,
            )
    return out


def _input_applies(
    form: BoundForm,
    fspec: FieldSpec | None,
    name: str,
    rows: tuple[dict[str, Any], ...],
    env: Env,
    scope_fields: tuple[FieldSpec, ...],
) -> bool:
    """An input whose field is not asked in this row (its ``relevant`` is false) is left out."""
    if fspec is None or "." in name or len(fspec.scope) >= len(rows):
        return True
    target = form.fields.get(fspec.path)
    if target is None or target.relevant is None:
        return True
    depth = len(fspec.scope)
    return is_relevant(target, Ctx(rows[: depth + 1], env, scope_fields[:depth]))


def _row_unit(unit: str | None, row: dict[str, Any]) -> str | None:
    """The row's chosen unit for a field written "t 或 万Nm³": the alternative matching the row's unit
    choice (``output_unit: 万Nm3`` → 万Nm³, tC/万Nm³); the full text when nothing in the row decides."""
    if not unit or " 或 " not in unit:
        return unit
    options = [u.strip() for u in unit.split(" 或 ")]
    for value in row.values():
        if not isinstance(value, str) or not value:
            continue
        chosen = value.replace("³", "3")
        for option in options:
            plain = option.replace("³", "3")
            if plain == chosen or plain.endswith("/" + chosen):
                return option
    return unit


def human_number(value: Any, decimals: int | None = None) -> str:
    """A value as a person reads it: 0.526431 rather than 28 digits, 未填写 rather than None, lists
    joined with 、, no Python reprs."""
    if value is None or value == "":
        return "未填写"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if decimals is not None:
            return f"{round_half_up(value, decimals):.{decimals}f}"
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            # a quotient carried at full precision: six decimals are plenty to follow the calculation
            value = round_half_up(value, 6).normalize()
        return format(value, "f")  # typed values keep their own digits ("0.30" stays 0.30)
    if isinstance(value, list | tuple):
        items = [human_number(v, decimals) for v in value]
        return "、".join(items[:12]) + (f" 等{len(items)}项" if len(items) > 12 else "") if items else "无"
    return str(value)


def explanation_lines(spec: FormSpec, ex: Explanation) -> list[str]:
    """``explain`` for people: sentences with the row's unit, the template's decimals for computed
    values, sources by document name and certainty in words."""
    from .spec import CERTAINTY_LABELS

    def field_of(path: str) -> FieldSpec | None:
        return spec.find_field(re.sub(r"\[\d+\]", "[]", path))

    def decimals(path: str, name: str = "") -> int | None:
        if "." in name:  # a projection over rows below ``path``: the projected field's decimals
            prefix = re.sub(r"\[\d+\]", "[]", path)
            f = spec.find_field((prefix + "." if prefix else "") + "[].".join(name.split(".")))
        else:
            f = field_of(path)
        return f.decimals if f is not None and f.calculation else None

    def cite(text: str) -> str:
        m = re.search(r"\s*\[([VRTGPM])\]$", text)
        return f"{text[: m.start()]}（{CERTAINTY_LABELS[m.group(1)]}）" if m else text

    def untagged(text: str) -> str:
        return re.sub(r"\s*\[[VRTGPM]\]$", "", text)

    def unit(u: str | None) -> str:
        return f" {u}" if u else ""

    lines = [
        f"{ex.label} = {human_number(ex.value, decimals(ex.path))}{unit(ex.unit)}（{ex.path}）",
        f"    公式：{ex.formula or ex.expression}",
    ]
    for i in ex.inputs:
        lines.append(
            f"    输入 {i.label}：{human_number(i.value, decimals(i.path, i.name))}{unit(i.unit if i.value is not None else None)}"
        )
    for r in ex.references:
        certainty = CERTAINTY_LABELS.get(r.certainty, r.certainty)
        lines.append(
            f"    参数 {r.label}：{human_number(r.value)}{unit(r.unit)}，适用年份 {r.years}；来源：{untagged(r.source)}；把握程度：{certainty}"
        )
    if ex.source:
        lines.append(f"    依据：{cite(ex.source)}")
    return lines


def _input_getters(
    spec: FormSpec, form: BoundForm, bf: BoundField
) -> list[tuple[str, FieldSpec | None, Any]]:
    assert bf.calc_expr is not None
    out = []
    for chain in sorted(bf.calc_expr.chains):
        name = ".".join(chain)
        if chain[0] in ("self",) or chain[0].startswith("period_"):
            continue
        try:
            getter, _, read = compile_in_scope(spec, name, bf.scope_fields)
        except Exception:  # noqa: BLE001 - a name that compiled in the formula compiles here
            continue
        fspec = spec.find_field(next(iter(read))) if read else None
        out.append((name, fspec, getter))
    return out


def _input_path(
    scope_fields: tuple[FieldSpec, ...], idx: tuple[int, ...], fspec: FieldSpec | None, name: str
) -> str:
    if fspec is None:
        return name
    depth = len(fspec.scope)
    if "." in name or depth > len(idx):
        # A projection over rows: point at the repeat below the current row.
        return instance_path(scope_fields[:depth], idx[:depth]) if depth else ""
    return instance_path(scope_fields[:depth], idx[:depth], fspec.name)


def rounded_values(spec: FormSpec, values: dict[str, Any]) -> dict[str, Any]:
    """A copy with every calculated value rounded to its field's decimals (四舍五入)."""

    def level(fields: list[FieldSpec], data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        known = {f.name: f for f in fields}
        for key, value in data.items():
            f = known.get(key)
            if f is not None and f.type == "repeat" and isinstance(value, list):
                out[key] = [level(f.data_fields(), row) if isinstance(row, dict) else row for row in value]
            elif f is not None and f.calculation and f.decimals is not None and isinstance(value, Decimal):
                out[key] = round_half_up(value, f.decimals)
            else:
                out[key] = value
        return out

    return level(spec.top_fields(), values)


def padded_values(spec: FormSpec, values: dict[str, Any]) -> dict[str, Any]:
    """JSON values for ``calc --json``: numbers written with their field's decimals, as the template
    and the PDF show them (``255139.00``, ``38.70``, ``0.2650``). Calculated values are rounded half up;
    an entered value is only padded with zeros, never rounded (more decimals than the template keeps
    is GEN-005's business, and what the user typed is not rewritten)."""
    from .document import jsonable

    def level(fields: list[FieldSpec], data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        known = {f.name: f for f in fields}
        for key, value in data.items():
            f = known.get(key)
            if f is not None and f.type == "repeat" and isinstance(value, list):
                out[key] = [
                    level(f.data_fields(), row) if isinstance(row, dict) else jsonable(row) for row in value
                ]
            elif (
                f is not None and f.decimals is not None and isinstance(value, Decimal) and value.is_finite()
            ):
                places = max(f.decimals, 0)
                if f.calculation:
                    out[key] = f"{round_half_up(value, f.decimals):.{places}f}"
                else:
                    typed = -int(value.as_tuple().exponent)
                    out[key] = f"{value:.{places}f}" if typed <= places else jsonable(value)
            else:
                out[key] = jsonable(value)
        return out

    return level(spec.top_fields(), values)
