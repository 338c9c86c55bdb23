"""Compiling one expression of a definition where it is written: names resolved in its scope,
context functions (``ref``, dates, ``prev`` …) available."""

from __future__ import annotations

from .context_functions import CONTEXT_FUNCTIONS, LAZY_FUNCTIONS
from .expressions import Expression, ExpressionError, Getter, parse_expression
from .name_resolution import ScopeResolver
from .previous_period import compile_with_prev
from .spec import FieldSpec, FormSpec


def compile_in_scope(
    spec: FormSpec,
    source: str,
    scope_fields: tuple[FieldSpec, ...],
    self_field: FieldSpec | None = None,
) -> tuple[Getter, Expression, set[str]]:
    """Parse and bind ``source`` in a scope: (getter, parsed expression, paths of the fields it reads).

    Raises :class:`ExpressionError` naming an unknown name.
    """
    expr = parse_expression(source, extra_functions=set(CONTEXT_FUNCTIONS) | LAZY_FUNCTIONS)
    resolver = ScopeResolver(spec, scope_fields, self_field)
    try:
        getter = compile_with_prev(expr, resolver, CONTEXT_FUNCTIONS)
    except KeyError as exc:
        name = exc.args[0]
        raise ExpressionError(source, f"未知字段 `{name}`（在此位置看不到这个名称）") from None
    return getter, expr, resolver.read
