"""Binding a definition's expressions to its data: names resolved once, calculations ordered.

Name resolution (documented in docs/expressions.md): a name is looked up in the current repeat
row, then each enclosing row outwards, then the top level. ``fuels.emissions`` projects a field
over a repeat's rows (nested repeats flatten). Reserved names: ``self`` and ``period_*``.
Caller functions: ``ref(table[, key])`` reads a reference value for the filing's year;
``prev(expr)`` evaluates ``expr`` on the previous period's filing, rows matched by the repeat key.
"""

from __future__ import annotations

import calendar
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .expressions import (
    SELF_NAME,
    Expression,
    ExpressionError,
    Getter,
    compile_expression,
    parse_expression,
)
from .numbers import format_decimal
from .spec import Check, FieldSpec, FormSpec

if TYPE_CHECKING:
    from .reference import ReferenceSet

Rows = tuple[dict[str, Any], ...]


@dataclass
class RefUse:
    """A reference value an expression read, kept so the number can explain itself."""

    table: str
    key: str | None
    value: Decimal | None
    label: str
    unit: str | None
    source: str
    certainty: str
    years: str


@dataclass
class Env:
    """What an evaluation knows besides the row values."""

    period: str
    references: ReferenceSet | None = None
    previous: dict[str, Any] | None = None
    """Typed values of the previous period's filing of the same series (cross-period rules)."""
    linked: dict[str, Any] = field(default_factory=dict)
    ref_log: list[RefUse] | None = None
    today: str | None = None
    missing_refs: set[tuple[str, str | None]] | None = None
    """Reference lookups that found no value for the year (reported as findings, never silent)."""
    """ISO date rules treat as today (calibration due dates); None = the real date."""

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int | None:
        return int(self.period[5:7]) if len(self.period) >= 7 else None

    @property
    def days(self) -> int:
        if self.month:
            return calendar.monthrange(self.year, self.month)[1]
        return 366 if calendar.isleap(self.year) else 365


class Ctx:
    """One evaluation position: the row dicts from the top level down to the current row."""

    __slots__ = ("rows", "env", "self_value", "scope_fields", "_prev")

    def __init__(self, rows: Rows, env: Env, scope_fields: tuple[FieldSpec, ...] = (), self_value: Any = None):
        self.rows = rows
        self.env = env
        self.self_value = self_value
        self.scope_fields = scope_fields
        self._prev: Ctx | None | bool = False

    def previous(self) -> Ctx | None:
        """The matching position in the previous period's filing, if there is one."""
        if self._prev is not False:
            return self._prev  # type: ignore[return-value]
        self._prev = None
        prev_top = self.env.previous
        if prev_top is None:
            return None
        rows: list[dict[str, Any]] = [prev_top]
        for level, repeat in enumerate(self.scope_fields, start=1):
            current_row = self.rows[level]
            candidates = rows[-1].get(repeat.name) or []
            match = None
            if repeat.key:
                key_value = current_row.get(repeat.key)
                match = next((r for r in candidates if r.get(repeat.key) == key_value), None)
            if match is None:
                return None
            rows.append(match)
        env = Env(self.env.period, self.env.references, None, self.env.linked, self.env.ref_log, self.env.today)
        self._prev = Ctx(tuple(rows), env, self.scope_fields, None)
        return self._prev


class RowIndex:
    """Row positions of every scope of one values tree, computed once per evaluation.

    Calculations write values into the rows but never add or remove rows, so the positions
    stay valid for the whole evaluation; walking the tree again for every field was the main
    cost of validating a year of filings.
    """

    __slots__ = ("values", "_cache", "relevance")

    def __init__(self, values: dict[str, Any]):
        self.values = values
        self._cache: dict[tuple[str, ...], list[tuple[Rows, tuple[int, ...]]]] = {}
        self.relevance: dict[tuple[str, int], bool] = {}
        """(field path, id(row)) → relevant?, filled after calculation by the rules passes."""

    def rows(self, scope_fields: tuple[FieldSpec, ...]) -> list[tuple[Rows, tuple[int, ...]]]:
        key = tuple(f.name for f in scope_fields)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = list(_walk_rows(self.values, scope_fields))
        return found


def iter_rows(values: dict[str, Any] | RowIndex, scope_fields: tuple[FieldSpec, ...]) -> Iterator[tuple[Rows, tuple[int, ...]]]:
    """Every row position of a scope: (rows from the top down, indices of each repeat)."""
    if isinstance(values, RowIndex):
        return iter(values.rows(scope_fields))
    return _walk_rows(values, scope_fields)


def _walk_rows(values: dict[str, Any], scope_fields: tuple[FieldSpec, ...]) -> Iterator[tuple[Rows, tuple[int, ...]]]:

    def walk(rows: Rows, idx: tuple[int, ...], depth: int) -> Iterator[tuple[Rows, tuple[int, ...]]]:
        if depth == len(scope_fields):
            yield rows, idx
            return
        items = rows[-1].get(scope_fields[depth].name)
        if not isinstance(items, list):
            return
        for i, row in enumerate(items):
            if isinstance(row, dict):
                yield from walk((*rows, row), (*idx, i), depth + 1)

    yield from walk((values,), (), 0)


def instance_path(scope_fields: tuple[FieldSpec, ...], idx: tuple[int, ...], name: str | None = None) -> str:
    """``units[0].fuels[1].consumption`` from scope repeats, row indices and a field name."""
    parts = [f"{rep.name}[{i}]" for rep, i in zip(scope_fields, idx, strict=True)]
    if name:
        parts.append(name)
    return ".".join(parts)


@dataclass
class BoundCheck:
    check: Check
    scope_fields: tuple[FieldSpec, ...]
    test: Getter
    when: Getter | None
    message: Callable[[Ctx], str]
    target: str | None
    """Field the finding points at, relative to the scope."""
    field_spec: FieldSpec | None = None
    """Set for field-level checks (constraint / checks on a field): ``self`` is that field."""
    field_bound: BoundField | None = None


@dataclass
class BoundField:
    spec: FieldSpec
    scope_fields: tuple[FieldSpec, ...]
    path: str = ""
    """Schema path, copied here: pydantic private attributes are slow to read in hot loops."""
    calculation: Getter | None = None
    calc_expr: Expression | None = None
    relevant: Getter | None = None
    required: Getter | None = None
    evidence_when: Getter | None = None
    depends_on: set[str] = field(default_factory=set)


@dataclass
class BoundForm:
    spec: FormSpec
    fields: dict[str, BoundField]
    calc_order: list[BoundField]
    checks: list[BoundCheck]
    scopes: dict[tuple[str, ...], tuple[FieldSpec, ...]]


def _scope_levels(spec: FormSpec, scope_fields: tuple[FieldSpec, ...]) -> list[dict[str, FieldSpec]]:
    levels = [{f.name: f for f in spec.top_fields()}]
    for rep in scope_fields:
        levels.append({f.name: f for f in rep.data_fields()})
    return levels


class _Resolver:
    """Resolves names for expressions written in one scope; records which fields they read."""

    def __init__(self, spec: FormSpec, scope_fields: tuple[FieldSpec, ...], self_field: FieldSpec | None):
        self.spec = spec
        self.scope_fields = scope_fields
        self.levels = _scope_levels(spec, scope_fields)
        self.self_field = self_field
        self.read: set[str] = set()

    def lookup(self, name: str) -> tuple[int, FieldSpec] | None:
        for level in range(len(self.levels) - 1, -1, -1):
            found = self.levels[level].get(name)
            if found is not None:
                return level, found
        return None

    def __call__(self, chain: tuple[str, ...]) -> Getter:
        head = chain[0]
        if head == SELF_NAME and len(chain) == 1:
            if self.self_field is None:
                raise KeyError("self（只能用于字段自身的约束）")
            self.read.add(self.self_field.path)
            return lambda ctx: ctx.self_value
        if len(chain) == 1 and head.startswith("period_"):
            return _period_getter(head)
        found = self.lookup(head)
        if found is None:
            raise KeyError(head)
        level, fspec = found
        if len(chain) == 1:
            self.read.add(fspec.path)
            if fspec.type == "repeat":
                # A whole repeat: its rows, for count() and similar.
                return lambda ctx: ctx.rows[level].get(head) or []
            return lambda ctx: ctx.rows[level].get(head)
        # Projection through repeats: units.fuels.emissions
        specs = [fspec]
        current = fspec
        for part in chain[1:]:
            if current.type != "repeat":
                raise KeyError(".".join(chain) + f"（{current.name} 不是重复组）")
            nxt = {f.name: f for f in current.data_fields()}.get(part)
            if nxt is None:
                raise KeyError(".".join(chain))
            specs.append(nxt)
            current = nxt
        self.read.add(current.path)
        names = chain

        def project(ctx: Ctx) -> list[Any]:
            items: list[Any] = [ctx.rows[level]]
            for depth, part in enumerate(names):
                nxt_items: list[Any] = []
                last = depth == len(names) - 1
                for item in items:
                    value = item.get(part) if isinstance(item, dict) else None
                    if not last and isinstance(value, list):
                        nxt_items.extend(value)
                    elif last:
                        nxt_items.append(value)
                items = nxt_items
            return items

        return project


def _period_getter(name: str) -> Getter:
    if name == "period_year":
        return lambda ctx: Decimal(ctx.env.year)
    if name == "period_month":
        return lambda ctx: Decimal(ctx.env.month) if ctx.env.month else None
    if name == "period_days":
        return lambda ctx: Decimal(ctx.env.days)
    if name == "period_hours":
        return lambda ctx: Decimal(ctx.env.days * 24)
    raise KeyError(name)


def _ref(ctx: Ctx, table: Any, key: Any = None) -> Any:
    refs = ctx.env.references
    if refs is None or not isinstance(table, str):
        return None
    entry = refs.lookup(table, ctx.env.year, None if key is None else str(key))
    if entry is None and ctx.env.missing_refs is not None and (key is None or refs.tables.get(table) is None
                                                               or str(key) in refs.keys(table) or not refs.keys(table)):
        # A keyed lookup with an unknown key (a fuel without a default) is the rules' business;
        # a table or year with no value at all is a broken installation and must be said.
        ctx.env.missing_refs.add((table, None if key is None else str(key)))
    if ctx.env.ref_log is not None:
        ctx.env.ref_log.append(refs.describe_use(table, ctx.env.year, None if key is None else str(key), entry))
    return entry.value if entry else None


def _prev(ctx: Ctx, getter: Getter) -> Any:
    previous = ctx.previous()
    if previous is None:
        return None
    previous.self_value = None
    return getter(previous)


def _linked(ctx: Ctx, name: Any, key: Any = None) -> Any:
    """A value from a linked filing (e.g. the plan's declared route), looked up by the caller."""
    lookup = ctx.env.linked.get(name) if isinstance(name, str) else None
    if callable(lookup):
        return lookup(ctx, key)
    return lookup


def _days_after_period_end(ctx: Ctx, value: Any) -> Any:
    """Days from the last day of the filing period to an ISO date (negative: before it ended)."""
    import datetime as dt

    if not isinstance(value, str):
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    env = ctx.env
    end = dt.date(env.year, env.month or 12, env.days if env.month else 31)
    return Decimal((day - end).days)


def _parse_day(value: Any) -> Any:
    import datetime as dt

    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _today(ctx: Ctx) -> str:
    import datetime as dt

    return ctx.env.today or dt.date.today().isoformat()


def _days_between(ctx: Ctx, start: Any, end: Any) -> Any:
    """Whole days from ``start`` to ``end`` (ISO dates); blank if either is not a date."""
    a, b = _parse_day(start), _parse_day(end)
    if a is None or b is None:
        return None
    return Decimal((b - a).days)


def _add_days(ctx: Ctx, day: Any, n: Any) -> Any:
    import datetime as dt

    start = _parse_day(day)
    if start is None or not isinstance(n, Decimal):
        return None
    return (start + dt.timedelta(days=int(n))).isoformat()


def _add_months(ctx: Ctx, day: Any, n: Any) -> Any:
    """Calendar months later (the 31st becomes the month's last day): next calibration due."""
    start = _parse_day(day)
    if start is None or not isinstance(n, Decimal):
        return None
    months = start.month - 1 + int(n)
    year, month = start.year + months // 12, months % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])).isoformat()


def _row_index(ctx: Ctx) -> Any:
    """1-based position of the current row in its repeat (blank at the top level)."""
    if len(ctx.rows) < 2:
        return None
    parent_rows = ctx.rows[-2].get(ctx.scope_fields[-1].name) or []
    for i, row in enumerate(parent_rows):
        if row is ctx.rows[-1]:
            return Decimal(i + 1)
    return None


def _period_start(ctx: Ctx) -> str:
    return f"{ctx.env.year:04d}-{ctx.env.month or 1:02d}-01"


CONTEXT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "today": _today,
    "days_between": _days_between,
    "period_start": _period_start,
    "add_days": _add_days,
    "add_months": _add_months,
    "row_index": _row_index,
    "ref": _ref,
    "linked": _linked,
    "days_after_period_end": _days_after_period_end,
}
LAZY_FUNCTIONS = {"prev"}


def compile_in_scope(
    spec: FormSpec,
    source: str,
    scope_fields: tuple[FieldSpec, ...],
    self_field: FieldSpec | None = None,
) -> tuple[Getter, Expression, set[str]]:
    """Parse and bind ``source`` in a scope; raise ExpressionError naming the unknown name."""
    expr = parse_expression(source, extra_functions=set(CONTEXT_FUNCTIONS) | LAZY_FUNCTIONS)
    resolver = _Resolver(spec, scope_fields, self_field)
    try:
        getter = _compile_with_prev(expr, resolver)
    except KeyError as exc:
        name = exc.args[0]
        raise ExpressionError(source, f"未知字段 `{name}`（在此位置看不到这个名称）") from None
    return getter, expr, resolver.read


def _compile_with_prev(expr: Expression, resolver: _Resolver) -> Getter:
    # prev(x) needs x unevaluated: compile its argument as a separate getter and wrap it.
    import ast

    prev_getters: dict[int, Getter] = {}

    class _Rewriter(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.AST:
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == "prev":
                if len(node.args) != 1:
                    raise ExpressionError(expr.source, "prev() 只接受一个参数")
                inner = Expression(expr.source, node.args[0], expr.names, expr.chains, expr.functions)
                slot = len(prev_getters)
                prev_getters[slot] = compile_expression(inner, resolver, CONTEXT_FUNCTIONS)
                return ast.Call(func=ast.Name(id="prev_slot", ctx=ast.Load()), args=[ast.Constant(slot)], keywords=[])
            return node

    if "prev" not in expr.functions:
        return compile_expression(expr, resolver, CONTEXT_FUNCTIONS)
    import copy

    tree = _Rewriter().visit(copy.deepcopy(expr.tree))
    rewritten = Expression(expr.source, tree, expr.names, expr.chains, expr.functions)

    def prev_slot(ctx: Ctx, slot: Any) -> Any:
        return _prev(ctx, prev_getters[int(slot)])

    return compile_expression(rewritten, resolver, {**CONTEXT_FUNCTIONS, "prev_slot": prev_slot})


def _message_formatter(spec: FormSpec, template: str, scope_fields: tuple[FieldSpec, ...],
                       self_field: FieldSpec | None) -> Callable[[Ctx], str]:
    """Compile ``{expr}`` placeholders of a message; plain field names use their decimals."""
    parts: list[str | tuple[Getter, int | None]] = []
    resolver_levels = _scope_levels(spec, scope_fields)
    for literal, expr_text, _fmt, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if expr_text is None:
            continue
        places: int | None = None
        name = expr_text.strip()
        if name == "label" and self_field is not None:
            parts.append(self_field.label)
            continue
        if name in ("value", SELF_NAME) and self_field is not None:
            name = SELF_NAME
            places = self_field.decimals
        else:
            # {prev(ncv)} shows like {ncv}: the field's own decimals.
            bare = name[5:-1].strip() if name.startswith("prev(") and name.endswith(")") else name
            for level in reversed(resolver_levels):
                if bare in level:
                    places = level[bare].decimals
                    break
        getter, _, _ = compile_in_scope(spec, name, scope_fields, self_field)
        parts.append((getter, places))

    def render(ctx: Ctx) -> str:
        out: list[str] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            getter, places = part
            value = getter(ctx)
            out.append(_display(value, places))
        return "".join(out)

    return render


def _display(value: Any, places: int | None) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if places is None:
            # Enough digits to be useful in a message, never an exponent.
            exponent = value.normalize().as_tuple().exponent
            places = min(6, -exponent) if isinstance(exponent, int) and exponent < 0 else 0
        return format_decimal(value, places)
    if isinstance(value, list):
        return "、".join(_display(v, places) for v in value)
    return str(value)


def bind_form(spec: FormSpec, locate: Callable[[tuple[Any, ...]], int] | None = None) -> BoundForm:
    """Compile all expressions of ``spec``; raise DefinitionError (file, line, reason) on any problem."""
    from .loader import DefinitionError

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
            key = "calculation" if f.calculation and exc.source == f.calculation else (
                "relevant" if exc.source == f.relevant else ("evidence" if f.evidence and exc.source == f.evidence.when else "required"))
            raise fail((*f._loc, key), f"字段 {f.path}：{exc}") from None
        fields[f.path] = bf
        if f.constraint:
            assert f.constraint_code and f.constraint_message
            field_check = Check(code=f.constraint_code, severity=f.constraint_severity,
                                assert_=f.constraint, message=f.constraint_message,
                                source=f.source, kind="field")
            checks.append(_bind_check(spec, field_check, sf, f, (*f._loc, "constraint"), fail))
        for ci, check in enumerate(f.checks):
            checks.append(_bind_check(spec, check, sf, f, (*f._loc, "checks", ci), fail))

    for ci, check in enumerate(spec.checks):
        sf: tuple[FieldSpec, ...] = ()
        if check.scope:
            key = tuple(check.scope.split("."))
            if key not in scopes:
                raise fail(("checks", ci, "scope"), f"规则 {check.code}：scope {check.scope!r} 不是重复组路径")
            sf = scopes[key]
        checks.append(_bind_check(spec, check, sf, None, ("checks", ci), fail))

    for bc in checks:
        if bc.field_spec is not None:
            bc.field_bound = fields[bc.field_spec.path]

    order = _calc_order(spec, fields, fail)
    bound = BoundForm(spec, fields, order, checks, scopes)
    spec._bound = bound  # type: ignore[attr-defined]
    return bound


def _bind_check(spec: FormSpec, check: Check, sf: tuple[FieldSpec, ...], self_field: FieldSpec | None,
                loc: tuple[Any, ...], fail: Callable[[tuple[Any, ...], str], Exception]) -> BoundCheck:
    try:
        test, expr, _ = compile_in_scope(spec, check.assert_, sf, self_field)
        when = compile_in_scope(spec, check.when, sf, self_field)[0] if check.when else None
        message = _message_formatter(spec, check.message, sf, self_field)
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
        levels = _scope_levels(spec, sf)
        innermost = levels[-1]
        target = next((n for n in sorted(expr.names) if n in innermost and innermost[n].is_scalar), None)
        if target is None:
            target = next((c[0] for c in sorted(expr.chains) if c[0] in innermost), None)
    elif target not in _scope_levels(spec, sf)[-1]:
        raise fail((*loc, "path"), f"规则 {check.code}：path {target!r} 不是本作用域的字段")
    return BoundCheck(check, sf, test, when, message, target, self_field)


def _calc_order(spec: FormSpec, fields: dict[str, BoundField],
                fail: Callable[[tuple[Any, ...], str], Exception]) -> list[BoundField]:
    calculated = {p: bf for p, bf in fields.items() if bf.calculation is not None}
    order: list[BoundField] = []
    state: dict[str, int] = {}

    def visit(path: str, trail: list[str]) -> None:
        mark = state.get(path, 0)
        if mark == 2:
            return
        if mark == 1:
            cycle = " → ".join([*trail[trail.index(path):], path])
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
    existing = getattr(spec, "_bound", None)
    if existing is not None:
        return existing
    locate = getattr(spec, "_bind_later", None)
    return bind_form(spec, locate=locate)
