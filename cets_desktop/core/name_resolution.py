"""Which field a name in an expression means, decided once when the expression is bound.

A name is looked up in the current repeat row, then each enclosing row outwards, then the top
level. ``fuels.emissions`` projects a field over a repeat's rows (nested repeats flatten).
Reserved names: ``self`` (the field a constraint sits on) and ``period_*``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .evaluation_context import Ctx
from .expressions import SELF_NAME, Getter
from .spec import FieldSpec, FormSpec


def scope_levels(spec: FormSpec, scope_fields: tuple[FieldSpec, ...]) -> list[dict[str, FieldSpec]]:
    """The fields visible at each level of a scope: top level first, the innermost repeat last."""
    levels = [{f.name: f for f in spec.top_fields()}]
    for rep in scope_fields:
        levels.append({f.name: f for f in rep.data_fields()})
    return levels


class ScopeResolver:
    """Resolves names for expressions written in one scope; records which fields they read."""

    def __init__(self, spec: FormSpec, scope_fields: tuple[FieldSpec, ...], self_field: FieldSpec | None):
        self.spec = spec
        self.scope_fields = scope_fields
        self.levels = scope_levels(spec, scope_fields)
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
            return _self_reader()
        if len(chain) == 1 and head.startswith("period_"):
            return period_getter(head)
        found = self.lookup(head)
        if found is None:
            raise KeyError(head)
        level, fspec = found
        if len(chain) == 1:
            self.read.add(fspec.path)
            # A whole repeat: its rows, for count() and similar.
            return _row_reader(level, head, fspec.type == "repeat")
        # Projection through repeats: units.fuels.emissions
        current = fspec
        for part in chain[1:]:
            if current.type != "repeat":
                raise KeyError(".".join(chain) + f"（{current.name} 不是重复组）")
            nxt = {f.name: f for f in current.data_fields()}.get(part)
            if nxt is None:
                raise KeyError(".".join(chain))
            current = nxt
        self.read.add(current.path)
        names = chain
        if len(names) == 2:
            head, leaf = names

            def project_rows(ctx: Ctx) -> list[Any]:
                # ``project`` below for one repeat and a field of its rows (``fuels.x``).
                top = ctx.rows[level]
                rows = top.get(head) if isinstance(top, dict) else None
                if not isinstance(rows, list):
                    return []
                return [row.get(leaf) if isinstance(row, dict) else None for row in rows]

            return project_rows

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


def _self_reader() -> Getter:
    def read(ctx: Ctx) -> Any:
        return ctx.self_value

    read.self_read = True  # type: ignore[attr-defined]  # read in place by generated expressions
    return read


def _row_reader(level: int, name: str, is_repeat: bool) -> Getter:
    """``ctx.rows[level].get(name)`` (a repeat: its rows, ``[]`` when absent); marked so that a
    generated expression (:class:`.expressions._Generator`) reads it in place."""
    if is_repeat:

        def read(ctx: Ctx) -> Any:
            return ctx.rows[level].get(name) or []

    else:

        def read(ctx: Ctx) -> Any:
            return ctx.rows[level].get(name)

    read.row_read = (level, name, is_repeat)  # type: ignore[attr-defined]
    return read


def period_getter(name: str) -> Getter:
    """``period_year``, ``period_month``, ``period_days``, ``period_hours`` of the filing period."""
    if name == "period_year":
        return lambda ctx: Decimal(ctx.env.year)
    if name == "period_month":
        return lambda ctx: Decimal(ctx.env.month) if ctx.env.month else None
    if name == "period_days":
        return lambda ctx: Decimal(ctx.env.days)
    if name == "period_hours":
        return lambda ctx: Decimal(ctx.env.days * 24)
    raise KeyError(name)
