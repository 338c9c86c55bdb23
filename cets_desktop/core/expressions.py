"""The definition files' expression language: Python-like syntax, whitelisted, evaluated in Decimal.

Why our own: calculations and rules live in YAML written by domain people, so they must be
readable, safe (never ``eval``), exact (``Decimal``, because the numbers reach official reports) and
fast (the rules run on every keystroke). Source text is parsed once with :mod:`ast`, checked
against a whitelist, and compiled into nested closures; evaluating is then a few function calls.

Language (documented for form authors in docs/expressions.md):

* literals: numbers (become ``Decimal``), strings, ``True``/``False``/``None``, tuples/lists of
  literals (for ``x in ('燃煤', '燃油')``);
* ``+ - * / // % **`` (exponent at most 1000 in size), unary ``-``/``not``, comparisons (chained),
  ``and``/``or`` (three-valued: a blank operand gives blank unless the result is already decided),
  ``a if cond else b``;
* names: fields of the current repeat row, then of enclosing rows, then top-level fields;
  ``self`` (or a lone ``.``, as in XLSForm) is the field a constraint sits on; a repeat name
  followed by field names (``fuels.emissions``, ``units.fuels.consumption``) is the list of that
  field over all rows;
* functions from :data:`FUNCTIONS` plus those a caller adds (``ref``, ``prev`` …).

Blank (``None``) propagates through arithmetic; division by zero gives blank. A constraint that
evaluates to blank is "not applicable", never a failure.
"""

from __future__ import annotations

import ast
import io
import operator
import re
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Any

MAX_SOURCE_LENGTH = 4000
MAX_NODES = 600
MAX_EXPONENT = Decimal(1000)
SELF_NAME = "self"
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

Value = Any  # Decimal | str | bool | None | list
Getter = Callable[[Any], Value]


class ExpressionError(ValueError):
    """A definition's expression cannot be used; ``reason`` is in Chinese for the form author."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"表达式 `{source}` 无法使用：{reason}")
        self.source = source
        self.reason = reason


def _blank(value: Value) -> bool:
    """``value is None or value == "" or value == []`` without comparing a number with text or a
    list (a Decimal compared with another type goes through the numbers ABCs: slow)."""
    return value is None or (isinstance(value, str | list) and not value)


def _none_or_empty_text(value: Value) -> bool:
    """``value is None or value == ""`` (see :func:`_blank`)."""
    return value is None or (isinstance(value, str) and not value)


def _strict_sum(values: Iterable[Value]) -> Value:
    """Sum of a list; blank if any item is blank: a total of incomplete inputs is not a total
    (a missing fuel would otherwise shrink the unit's emissions silently).

    ``sum(fuels.x)`` is a list holding one list of values: read two levels directly, in the
    same order as :func:`_flatten`; anything nested deeper is summed by the general walk."""
    if not isinstance(values, _SEQUENCES):
        return _strict_sum_walk(values)
    total = Decimal(0)
    for v in values:
        if isinstance(v, Decimal):
            total += v
        elif isinstance(v, _SEQUENCES):
            for w in v:
                if isinstance(w, Decimal):
                    total += w
                elif isinstance(w, _SEQUENCES):
                    return _strict_sum_walk(values)
                elif _none_or_empty_text(w):
                    return None
        elif _none_or_empty_text(v):
            return None
    return total


_SEQUENCES = (list, tuple)


def _strict_sum_walk(values: Iterable[Value]) -> Value:
    """:func:`_strict_sum` over any nesting (through :func:`_flatten`)."""
    total = Decimal(0)
    for v in _flatten(values):
        if isinstance(v, Decimal):
            total += v
        elif _none_or_empty_text(v):
            return None
    return total


def _blank_sum(values: Iterable[Value]) -> Value:
    """Sum of the numbers present, blanks skipped (optional rows)."""
    total = Decimal(0)
    for v in _flatten(values):
        if isinstance(v, Decimal):
            total += v
    return total


def _flatten(values: Iterable[Value]) -> Iterable[Value]:
    if values is None:
        return
    if not isinstance(values, list | tuple):
        yield values
        return
    for v in values:
        if isinstance(v, list | tuple):
            yield from _flatten(v)
        else:
            yield v


def _numbers(args: tuple[Value, ...]) -> list[Decimal]:
    return [v for v in _flatten(list(args)) if isinstance(v, Decimal)]


def _count(*args: Value) -> Decimal:
    return Decimal(sum(1 for v in _flatten(list(args)) if not _none_or_empty_text(v)))


def _min(*args: Value) -> Value:
    nums = _numbers(args)
    return min(nums) if nums else None


def _max(*args: Value) -> Value:
    nums = _numbers(args)
    return max(nums) if nums else None


MAX_ROUND_PLACES = 30
MAX_RESULT_DIGITS = 60
"""A result beyond 10^60 (or a nonzero one below 10^-60) is no quantity of any filing: blank."""


def _round(value: Value, places: Value = Decimal(0)) -> Value:
    if not isinstance(value, Decimal) or not isinstance(places, Decimal) or not places.is_finite():
        return None
    if abs(places) > MAX_ROUND_PLACES or places != places.to_integral_value():
        return None  # round(x, 10**30) is no rounding a template asks for
    from .numbers import round_half_up

    return round_half_up(value, int(places))


def _abs(value: Value) -> Value:
    return abs(value) if isinstance(value, Decimal) else None


def _coalesce(*args: Value) -> Value:
    for v in args:
        if not _none_or_empty_text(v):
            return v
    return None


def _is_blank(value: Value) -> bool:
    return _blank(value)


def _all(values: Value) -> Value:
    items = list(_flatten(values))
    if any(v is False for v in items):
        return False
    return None if any(v is None for v in items) else True


def _any(values: Value) -> Value:
    items = list(_flatten(values))
    return True if any(v is True for v in items) else False


def _length(value: Value) -> Value:
    if value is None:
        return Decimal(0)
    if isinstance(value, str | list | tuple):
        return Decimal(len(value))
    return None


def _matches(value: Value, pattern: Value) -> Value:
    if value is None:
        return None
    if not isinstance(pattern, str) or len(pattern) > 200:
        return None
    return re.fullmatch(pattern, str(value)) is not None


def _contains(text: Value, part: Value) -> Value:
    """Substring test (``in`` compares whole values)."""
    if text is None or part is None:
        return None
    return str(part) in str(text)


def _unique(values: Value) -> Value:
    """True when the non-blank values are all different (e.g. equipment ids in a register)."""
    items = [v for v in _flatten(values) if not _none_or_empty_text(v)]
    return len(items) == len(set(items))


def _mean(*args: Value) -> Value:
    nums = _numbers(args)
    return sum(nums, Decimal(0)) / len(nums) if nums else None


FUNCTIONS: dict[str, Callable[..., Value]] = {
    "sum": lambda *a: _strict_sum(list(a)),
    "sum_known": lambda *a: _blank_sum(list(a)),
    "count": _count,
    "min": _min,
    "max": _max,
    "mean": _mean,
    "abs": _abs,
    "round": _round,
    "coalesce": _coalesce,
    "is_blank": _is_blank,
    "all": _all,
    "any": _any,
    "len": _length,
    "matches": _matches,
    "contains": _contains,
    "unique": _unique,
}
"""Built-in functions. ``sum`` is blank when an item is blank; ``sum_known``, ``count``,
``min``, ``max`` and ``mean`` skip blanks."""


@dataclass(frozen=True)
class Expression:
    """A parsed, whitelisted expression, not yet bound to names."""

    source: str
    tree: ast.expr
    names: frozenset[str]
    """Bare names read (first element of each attribute chain)."""
    chains: frozenset[tuple[str, ...]]
    """Names and attribute chains as read: ``("fuels", "emissions")``."""
    functions: frozenset[str]


def _replace_lone_dots(source: str) -> str:
    """XLSForm writes the current value as ``.``; rewrite a dot that is not attribute access."""
    if "." not in source:
        return source
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    out: list[tuple[int, str]] = []
    prev: tokenize.TokenInfo | None = None
    for tok in tokens:
        is_lone_dot = (
            tok.type == tokenize.OP
            and tok.string == "."
            and not (
                prev is not None
                and (
                    prev.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)
                    or prev.string in (")", "]")
                )
                and prev.end == tok.start
            )
        )
        if is_lone_dot:
            out.append((tokenize.NAME, SELF_NAME))
        else:
            out.append((tok.type, tok.string))
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            prev = tok
    return tokenize.untokenize(out).strip()


_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Attribute,
    ast.Tuple,
    ast.List,
)


def parse_expression(source: str, extra_functions: Iterable[str] = ()) -> Expression:
    """Parse and whitelist ``source``; raise :class:`ExpressionError` with a Chinese reason."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError(str(source), "表达式为空")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(source[:60] + "…", f"表达式过长（超过 {MAX_SOURCE_LENGTH} 个字符）")
    # YAML folded blocks span lines; an expression is one line of meaning.
    text = _replace_lone_dots(re.sub(r"\s*\n\s*", " ", source.strip()))
    try:
        module = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(source, f"语法错误（第 {exc.offset or 0} 个字符附近）") from None
    allowed_functions = set(FUNCTIONS) | set(extra_functions)
    names: set[str] = set()
    chains: set[tuple[str, ...]] = set()
    functions: set[str] = set()
    count = 0
    for node in ast.walk(module):
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(source, "表达式过于复杂")
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(source, f"不允许使用 {type(node).__name__} 语法")
        if isinstance(node, ast.Name):
            if not _IDENT.match(node.id):
                raise ExpressionError(source, f"名称 `{node.id}` 不合法（不能以下划线开头）")
        elif isinstance(node, ast.Attribute):
            chain = _attribute_chain(node)
            if chain is None:
                raise ExpressionError(source, "只能对重复组字段使用“.”（如 fuels.emissions）")
            if any(not _IDENT.match(part) for part in chain):
                raise ExpressionError(source, "字段名不能以下划线开头")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise ExpressionError(source, "只能调用内置函数")
            if node.func.id not in allowed_functions:
                raise ExpressionError(source, f"未知函数 `{node.func.id}`")
            if node.keywords:
                raise ExpressionError(source, "函数不接受关键字参数")
            if any(isinstance(a, ast.Starred) for a in node.args):
                raise ExpressionError(source, "函数不接受 * 参数")
            functions.add(node.func.id)
        elif isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.Is | ast.IsNot) and not (
                    isinstance(right, ast.Constant) and right.value is None
                ):
                    raise ExpressionError(source, "`is` / `is not` 只能与 None 比较（判断是否为空）")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = _constant_number(node.right)
            if exponent is not None and abs(exponent) > MAX_EXPONENT:
                raise ExpressionError(source, f"指数过大（不能超过 {MAX_EXPONENT}）")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float | str | bool | type(None)):
                raise ExpressionError(source, "不支持该常量类型")
            if isinstance(node.value, str) and len(node.value) > 500:
                raise ExpressionError(source, "字符串常量过长")
            if isinstance(node.value, int) and not isinstance(node.value, bool) and abs(node.value) > 10**30:
                raise ExpressionError(source, "数字常量过大")
            if isinstance(node.value, float) and not (abs(node.value) <= 1e30 and node.value == node.value):
                raise ExpressionError(source, "数字常量过大")
    # Collect references (outermost attribute chains and bare names not used as call targets).
    _collect_refs(module.body, names, chains)
    return Expression(source, module.body, frozenset(names), frozenset(chains), frozenset(functions))


def _constant_number(node: ast.expr) -> Decimal | None:
    """The value of a constant numeric sub-expression (``10 ** 10``), else None; bounded like run time."""
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        if isinstance(node.value, int) and abs(node.value) > 10**30:
            return None  # rejected separately as a huge constant
        return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _constant_number(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _constant_number(node.left), _constant_number(node.right)
        if left is None or right is None:
            return None
        try:
            value = _BINOPS[type(node.op)](left, right)
        except ArithmeticError:
            return None
        return value if isinstance(value, Decimal) and value.is_finite() else None
    return None


def _attribute_chain(node: ast.Attribute) -> tuple[str, ...] | None:
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    parts.append(current.id)
    return tuple(reversed(parts))


def _collect_refs(node: ast.AST, names: set[str], chains: set[tuple[str, ...]]) -> None:
    if isinstance(node, ast.Attribute):
        chain = _attribute_chain(node)
        assert chain is not None
        names.add(chain[0])
        chains.add(chain)
        return
    if isinstance(node, ast.Name):
        if node.id not in ("True", "False", "None"):
            names.add(node.id)
            chains.add((node.id,))
        return
    if isinstance(node, ast.Call):
        for arg in node.args:
            _collect_refs(arg, names, chains)
        return
    for child in ast.iter_child_nodes(node):
        _collect_refs(child, names, chains)


# --------------------------------------------------------------------------------------------
# Compilation to closures

Resolver = Callable[[tuple[str, ...]], Getter]
"""Given a name or attribute chain, return a getter ``ctx -> value`` (raise KeyError if unknown)."""


def _num(value: Value) -> Value:
    """Arithmetic operand: Decimal, or None (blank) for anything that is not a number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    return None


def _pow(a: Decimal, b: Decimal) -> Value:
    if abs(b) > MAX_EXPONENT:
        return None  # exponent ≤ 1000 (docs); a larger one is blank, not an error at run time
    if a == 0 and b < 0:
        return None
    if a < 0 and b != b.to_integral_value():
        return None
    return a**b


def _arith(op: Callable[[Decimal, Decimal], Decimal]) -> Callable[[Value, Value], Value]:
    def apply(a: Value, b: Value) -> Value:
        if type(a) is Decimal and type(b) is Decimal:  # every formula's case, first
            try:
                return op(a, b)
            except (DivisionByZero, InvalidOperation, ZeroDivisionError, Overflow):
                return None
        # String concatenation is the one non-numeric case worth allowing (labels in messages).
        if op is operator.add and isinstance(a, str) and isinstance(b, str):
            return a + b
        x, y = _num(a), _num(b)
        if x is None or y is None:
            return None
        try:
            return op(x, y)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError, Overflow):
            return None  # overflow too: a blank result, never a stopped validation

    return apply


_NO_CONSTANT: Any = object()
"""Marks "not a constant operand" (None is a constant)."""

_BINOPS: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: _arith(operator.add),
    ast.Sub: _arith(operator.sub),
    ast.Mult: _arith(operator.mul),
    ast.Div: _arith(operator.truediv),
    ast.FloorDiv: _arith(operator.floordiv),
    ast.Mod: _arith(operator.mod),
    ast.Pow: _arith(_pow),
}


def _compare_values(op: type[ast.cmpop], a: Value, b: Value) -> Value:
    if op is ast.Is:
        return _blank(a)
    if op is ast.IsNot:
        return not _blank(a)
    if op is ast.In or op is ast.NotIn:
        if a is None:
            return None
        container = b if isinstance(b, list | tuple) else [b]
        found = a in container
        return found if op is ast.In else not found
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = _num(a), _num(b)
    if op is ast.Eq:
        return a == b
    if op is ast.NotEq:
        return a != b
    if type(a) is not type(b):
        return None
    try:
        if op is ast.Lt:
            return a < b
        if op is ast.LtE:
            return a <= b
        if op is ast.Gt:
            return a > b
        if op is ast.GtE:
            return a >= b
    except TypeError:
        return None
    raise AssertionError(op)


def _constant(node: ast.Constant) -> Value:
    """A literal as expressions see it: numbers as Decimal."""
    value = node.value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return Decimal(str(value))


def _row_read(getter: Getter) -> tuple[int, str] | None:
    """(level, field) when ``getter`` only reads a scalar field of a row (see
    :mod:`.name_resolution`): closures then read it in place instead of calling it."""
    read = getattr(getter, "row_read", None)
    if read is None or read[2]:
        return None
    return read[0], read[1]


def _compare_one(
    op: type[ast.cmpop], first: Getter, right: Getter, right_constant: Value = _NO_CONSTANT
) -> Getter:
    """``a <op> b`` as one closure, the same as ``_compare_values(op, a, b)``: the ordering
    comparisons skip the dispatch on ``op`` (they are most of a definition's rules), and a
    field read or a constant operand is read in place."""
    order = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}.get(op)
    left_read, right_read = _row_read(first), _row_read(right)
    if order is None:
        if op is ast.Is or op is ast.IsNot:  # ``x is None`` / ``x is not None`` (parse allows no other)
            negate = op is ast.IsNot
            if left_read is not None:
                level, name = left_read
                return lambda ctx: _blank(ctx.rows[level].get(name)) is not negate
            return lambda ctx: _blank(first(ctx)) is not negate
        if right_constant is not _NO_CONSTANT:
            fixed = right_constant
            return lambda ctx: _compare_values(op, first(ctx), fixed)
        return lambda ctx: _compare_values(op, first(ctx), right(ctx))
    compare = order
    if left_read is not None and (right_read is not None or right_constant is not _NO_CONSTANT):
        left_level, left_name = left_read
        if right_read is not None:
            right_level, right_name = right_read

            def ordered_reads(ctx: Any) -> Value:
                rows = ctx.rows
                a = rows[left_level].get(left_name)
                b = rows[right_level].get(right_name)
                if a is None or b is None:
                    return None
                if type(a) is Decimal and type(b) is Decimal:
                    return compare(a, b)
                return _ordered_values(compare, a, b)

            return ordered_reads
        const = right_constant

        def ordered_read_constant(ctx: Any) -> Value:
            a = ctx.rows[left_level].get(left_name)
            if a is None or const is None:
                return None
            if type(a) is Decimal and type(const) is Decimal:
                return compare(a, const)
            return _ordered_values(compare, a, const)

        return ordered_read_constant
    if right_constant is not _NO_CONSTANT:
        const_right = right_constant

        def ordered_constant(ctx: Any) -> Value:
            a = first(ctx)
            if a is None or const_right is None:
                return None
            if type(a) is Decimal and type(const_right) is Decimal:
                return compare(a, const_right)
            return _ordered_values(compare, a, const_right)

        return ordered_constant

    def ordered(ctx: Any) -> Value:
        a = first(ctx)
        b = right(ctx)
        if a is None or b is None:
            return None
        return _ordered_values(compare, a, b)

    return ordered


def _ordered_values(compare: Callable[[Any, Any], Any], a: Value, b: Value) -> Value:
    """The rest of an ordering comparison once neither side is blank: booleans as numbers, unlike
    types blank, incomparable values blank."""
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = _num(a), _num(b)
    if type(a) is not type(b):
        return None
    try:
        return compare(a, b)
    except TypeError:
        return None


def _truth(value: Value) -> Value:
    """Three-valued truth: True / False / None (blank)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    if isinstance(value, str | list | tuple):
        return len(value) > 0
    return bool(value)


def compile_expression(
    expr: Expression,
    resolve: Resolver,
    functions: dict[str, Callable[..., Value]] | None = None,
) -> Getter:
    """Turn a parsed expression into a closure ``ctx -> value``.

    ``resolve`` binds each name/chain once, here, so evaluation never looks names up by string.
    ``functions`` adds caller functions; each receives ``ctx`` as its first argument.
    """
    ctx_functions = functions or {}

    def truth_of(node: ast.expr, getter: Getter) -> Getter:
        """``_truth(getter(ctx))`` as a getter; a comparison, ``not`` or ``and``/``or`` already
        gives True, False or blank, which ``_truth`` returns unchanged."""
        if isinstance(node, ast.Compare | ast.BoolOp) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            return getter
        return lambda ctx: _truth(getter(ctx))

    def build(node: ast.expr) -> Getter:
        if isinstance(node, ast.Constant):
            const = _constant(node)
            return lambda ctx: const
        if isinstance(node, ast.Tuple | ast.List):
            items = [build(e) for e in node.elts]
            if all(isinstance(e, ast.Constant) for e in node.elts):
                fixed = [_constant(e) for e in node.elts]  # type: ignore[arg-type]
                return lambda ctx: list(fixed)  # ('烟煤', '无烟煤', …): a new list, as built
            return lambda ctx: [g(ctx) for g in items]
        if isinstance(node, ast.Name):
            if node.id == "True":
                return lambda ctx: True
            if node.id == "False":
                return lambda ctx: False
            if node.id == "None":
                return lambda ctx: None
            return resolve((node.id,))
        if isinstance(node, ast.Attribute):
            chain = _attribute_chain(node)
            assert chain is not None
            return resolve(chain)
        if isinstance(node, ast.BinOp):
            left, right, fn = build(node.left), build(node.right), _BINOPS[type(node.op)]
            if isinstance(node.right, ast.Constant):
                right_const = _constant(node.right)
                read = _row_read(left)
                if read is not None:
                    level, name = read
                    return lambda ctx: fn(ctx.rows[level].get(name), right_const)
                return lambda ctx: fn(left(ctx), right_const)
            if isinstance(node.left, ast.Constant):
                left_const = _constant(node.left)
                return lambda ctx: fn(left_const, right(ctx))
            return lambda ctx: fn(left(ctx), right(ctx))
        if isinstance(node, ast.UnaryOp):
            operand = build(node.operand)
            if isinstance(node.op, ast.Not):

                def not_(ctx: Any) -> Value:
                    t = _truth(operand(ctx))
                    return None if t is None else not t

                return not_
            if isinstance(node.op, ast.USub):
                return lambda ctx: (lambda v: -v if v is not None else None)(_num(operand(ctx)))
            return lambda ctx: _num(operand(ctx))
        if isinstance(node, ast.BoolOp):
            # Each part as its three-valued truth (True / False / blank).
            parts = [truth_of(v, build(v)) for v in node.values]
            if isinstance(node.op, ast.And) and len(parts) == 2:
                first_part, second_part = parts

                def and2(ctx: Any) -> Value:
                    # ``a and b`` unrolled (the common case): the same three-valued result.
                    t1 = first_part(ctx)
                    if t1 is False:
                        return False
                    t2 = second_part(ctx)
                    if t2 is False:
                        return False
                    return None if t1 is None or t2 is None else True

                return and2
            if isinstance(node.op, ast.And):

                def and_(ctx: Any) -> Value:
                    result: Value = True
                    for part in parts:
                        t = part(ctx)
                        if t is False:
                            return False
                        if t is None:
                            result = None
                    return result

                return and_

            def or_(ctx: Any) -> Value:
                result: Value = False
                for part in parts:
                    t = part(ctx)
                    if t is True:
                        return True
                    if t is None:
                        result = None
                return result

            return or_
        if isinstance(node, ast.Compare):
            first = build(node.left)
            rest = [(type(op), build(c)) for op, c in zip(node.ops, node.comparators, strict=True)]
            if len(rest) == 1:
                # The common case (x == '燃煤', a <= b): no chain loop.
                op1, right1 = rest[0]
                right_node = node.comparators[0]
                if (
                    op1 is ast.Eq
                    and isinstance(right_node, ast.Constant)
                    and isinstance(right_node.value, str)
                ):
                    const_text = right_node.value
                    left_read = _row_read(first)
                    if left_read is not None:
                        level, name = left_read

                        def eq_text_read(ctx: Any) -> Value:
                            left = ctx.rows[level].get(name)
                            return None if left is None else left == const_text

                        return eq_text_read

                    def eq_text(ctx: Any) -> Value:
                        left = first(ctx)
                        return None if left is None else left == const_text

                    return eq_text
                if isinstance(right_node, ast.Constant):
                    return _compare_one(op1, first, right1, _constant(right_node))
                return _compare_one(op1, first, right1)

            def compare(ctx: Any) -> Value:
                left = first(ctx)
                result: Value = True
                for op, getter in rest:
                    right = getter(ctx)
                    r = _compare_values(op, left, right)
                    if r is False:
                        return False
                    if r is None:
                        result = None
                    left = right
                return result

            return compare
        if isinstance(node, ast.IfExp):
            test, body, orelse = build(node.test), build(node.body), build(node.orelse)
            test = truth_of(node.test, test)

            def if_exp(ctx: Any) -> Value:
                t = test(ctx)
                if t is None:
                    return None
                return body(ctx) if t else orelse(ctx)

            return if_exp
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            name = node.func.id
            args = [build(a) for a in node.args]
            # Constant arguments (``ref('grid_emission_factor')``, ``round(x, 2)``) passed as
            # they are, not through a getter each.
            constants = [_constant(a) if isinstance(a, ast.Constant) else _NO_CONSTANT for a in node.args]
            if name in ctx_functions:
                ctx_fn = ctx_functions[name]
                if all(c is not _NO_CONSTANT for c in constants):
                    fixed_args = tuple(constants)
                    return lambda ctx: ctx_fn(ctx, *fixed_args)
                if len(args) == 2 and constants[0] is not _NO_CONSTANT:
                    first_const, second = constants[0], args[1]
                    return lambda ctx: ctx_fn(ctx, first_const, second(ctx))
                return lambda ctx: ctx_fn(ctx, *[a(ctx) for a in args])
            if name not in FUNCTIONS:
                raise ExpressionError(expr.source, f"未知函数 `{name}`")
            fn = FUNCTIONS[name]
            if len(args) == 1:
                only = args[0]
                return lambda ctx: fn(only(ctx))
            if len(args) == 2 and constants[1] is not _NO_CONSTANT:
                first, second_const = args[0], constants[1]
                return lambda ctx: fn(first(ctx), second_const)
            return lambda ctx: fn(*[a(ctx) for a in args])
        raise ExpressionError(expr.source, f"不允许使用 {type(node).__name__} 语法")

    # Python's default decimal context (28 digits, traps on overflow/invalid/zero division)
    # is what we want; a per-call localcontext costs more than the formula. Any decimal signal
    # that still escapes (a function, a comparison, a huge power) makes the result blank, and so
    # does a number outside any filing's range, so no expression can stop a validation.
    root = build(expr.tree)

    def guarded(ctx: Any) -> Value:
        try:
            value = root(ctx)
        except (ArithmeticError, RecursionError):
            return None
        if isinstance(value, Decimal) and not _sane(value):
            return None
        return value

    return guarded


def _sane(value: Decimal) -> bool:
    return value.is_finite() and (
        value.is_zero() or -MAX_RESULT_DIGITS < value.adjusted() < MAX_RESULT_DIGITS
    )


def evaluate_standalone(source: str, variables: dict[str, Value] | None = None) -> Value:
    """Evaluate with plain variables (tests, reference lookups, the CLI's quick checks)."""
    variables = variables or {}
    expr = parse_expression(source)

    def resolve(chain: tuple[str, ...]) -> Getter:
        if len(chain) != 1 or chain[0] not in variables:
            raise KeyError(".".join(chain))
        value = variables[chain[0]]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = Decimal(str(value))
        return lambda ctx: value

    try:
        getter = compile_expression(expr, resolve)
    except KeyError as exc:
        raise ExpressionError(source, f"未知名称 `{exc.args[0]}`") from None
    return getter(None)
