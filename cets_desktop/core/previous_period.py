"""The previous period's filing in expressions: ``prev(expr)`` evaluates ``expr`` there.

Rows are matched by their repeat's key (``unit_name``, ``fuel_name``): the previous month's row
for the same unit and fuel, never the row at the same position.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from typing import Any

from .evaluation_context import Ctx, Env
from .expressions import Expression, ExpressionError, Getter, Resolver, compile_expression


def previous_position(ctx: Ctx) -> Ctx | None:
    """The matching position in the previous period's filing, if there is one (looked up once)."""
    cached = ctx.previous_cache
    if cached is not False:
        return cached if isinstance(cached, Ctx) else None
    ctx.previous_cache = None
    prev_top = ctx.env.previous
    if prev_top is None:
        return None
    rows: list[dict[str, Any]] = [prev_top]
    for level, repeat in enumerate(ctx.scope_fields, start=1):
        current_row = ctx.rows[level]
        candidates = rows[-1].get(repeat.name) or []
        match = None
        if repeat.key:
            key_value = current_row.get(repeat.key)
            match = next((r for r in candidates if r.get(repeat.key) == key_value), None)
        if match is None:
            return None
        rows.append(match)
    env = ctx.env
    previous = Ctx(
        tuple(rows),
        Env(env.period, env.references, None, env.linked, env.ref_log, env.today),
        ctx.scope_fields,
        None,
    )
    ctx.previous_cache = previous
    return previous


def previous_value(ctx: Ctx, getter: Getter) -> Any:
    """``getter`` evaluated at the previous period's matching position; blank without one."""
    previous = previous_position(ctx)
    if previous is None:
        return None
    previous.self_value = None
    return getter(previous)


def compile_with_prev(
    expr: Expression, resolve: Resolver, functions: dict[str, Callable[..., Any]]
) -> Getter:
    """Compile ``expr``; each ``prev(x)`` gets ``x`` compiled as its own getter, run on the previous period."""
    if "prev" not in expr.functions:
        return compile_expression(expr, resolve, functions)
    # prev(x) needs x unevaluated: compile its argument separately and call it through a slot.
    prev_getters: dict[int, Getter] = {}

    class _Rewriter(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> ast.AST:  # noqa: N802 - ast's name
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == "prev":
                if len(node.args) != 1:
                    raise ExpressionError(expr.source, "prev() 只接受一个参数")
                inner = Expression(expr.source, node.args[0], expr.names, expr.chains, expr.functions)
                slot = len(prev_getters)
                prev_getters[slot] = compile_expression(inner, resolve, functions)
                return ast.Call(
                    func=ast.Name(id="prev_slot", ctx=ast.Load()), args=[ast.Constant(slot)], keywords=[]
                )
            return node

    tree = _Rewriter().visit(copy.deepcopy(expr.tree))
    rewritten = Expression(expr.source, tree, expr.names, expr.chains, expr.functions)

    def prev_slot(ctx: Ctx, slot: Any) -> Any:
        return previous_value(ctx, prev_getters[int(slot)])

    return compile_expression(rewritten, resolve, {**functions, "prev_slot": prev_slot})
