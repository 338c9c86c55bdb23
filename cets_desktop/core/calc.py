"""Calculations: fill every calculated field, in dependency order, and explain each number.

Calculated values are kept in full precision inside the chain (monthly emissions feed unit
totals unrounded); :func:`rounded_values` rounds each reported value once, to the decimals its
definition gives (四舍五入), which is what ``calc`` prints and what packages carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .binding import (
    BoundField,
    BoundForm,
    Ctx,
    Env,
    RefUse,
    RowIndex,
    bound,
    compile_in_scope,
    instance_path,
    iter_rows,
)
from .numbers import round_half_up
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

        return jsonable({
            "path": self.path, "label": self.label, "unit": self.unit, "value": self.value,
            "formula": self.formula, "expression": self.expression,
            "inputs": [vars(i) for i in self.inputs],
            "references": [vars(r) for r in self.references],
            "source": self.source, "evidence": self.evidence,
        })


def is_relevant(bf: BoundField, ctx: Ctx) -> bool:
    # XLSForm semantics: a field is shown only when its condition is true; a condition on an
    # unanswered question (blank) hides it.
    if bf.relevant is None:
        return True
    return bf.relevant(ctx) is True


def calculate(spec: FormSpec, values: dict[str, Any], env: Env, index: RowIndex | None = None) -> None:
    """Fill calculated fields of ``values`` (typed) in place."""
    form = bound(spec)
    positions = index or RowIndex(values)
    for bf in form.calc_order:
        assert bf.calculation is not None
        name = bf.spec.name
        for rows, _idx in iter_rows(positions, bf.scope_fields):
            ctx = Ctx(rows, env, bf.scope_fields)
            rows[-1][name] = bf.calculation(ctx) if is_relevant(bf, ctx) else None


def explain_all(spec: FormSpec, values: dict[str, Any], env: Env,
                evidence: list[dict[str, Any]] | None = None) -> dict[str, Explanation]:
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
                level_path = _input_path(bf.scope_fields, idx, fspec, name)
                inputs.append(ExplainInput(name, fspec.label if fspec else name, getter(ctx),
                                           fspec.unit if fspec else None, level_path))
            seen: set[tuple[str, str | None]] = set()
            refs = []
            for r in log:
                if (r.table, r.key) not in seen:
                    seen.add((r.table, r.key))
                    refs.append(r)
            backing = [e for e in (evidence or []) if any(e.get("path", "").startswith(i.path) and i.path for i in inputs)]
            out[path] = Explanation(
                path=path, label=bf.spec.label, unit=bf.spec.unit, value=rows[-1].get(bf.spec.name),
                formula=bf.spec.explain or bf.spec.calculation or "", expression=bf.spec.calculation or "",
                inputs=inputs, references=refs, source=src.cite() if src else "", evidence=backing,
            )
    return out


def _input_getters(spec: FormSpec, form: BoundForm, bf: BoundField) -> list[tuple[str, FieldSpec | None, Any]]:
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


def _input_path(scope_fields: tuple[FieldSpec, ...], idx: tuple[int, ...], fspec: FieldSpec | None, name: str) -> str:
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
