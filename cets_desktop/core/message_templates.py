"""Rule messages with ``{expr}`` placeholders: compiled once, rendered per finding.

A placeholder naming a plain field (or ``{prev(field)}``) shows the value with that field's
decimals; ``{value}``/``{self}`` the field a constraint sits on, ``{label}`` its label.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .evaluation_context import Ctx
from .expressions import SELF_NAME, Getter
from .name_resolution import scope_levels
from .numbers import format_decimal
from .scoped_expressions import compile_in_scope
from .spec import FieldSpec, FormSpec


def message_formatter(
    spec: FormSpec, template: str, scope_fields: tuple[FieldSpec, ...], self_field: FieldSpec | None
) -> Callable[[Ctx], str]:
    """Compile ``{expr}`` placeholders of a message; plain field names use their decimals."""
    parts: list[str | tuple[Getter, int | None]] = []
    resolver_levels = scope_levels(spec, scope_fields)
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
            out.append(display_value(getter(ctx), places))
        return "".join(out)

    return render


def display_value(value: Any, places: int | None) -> str:
    """A value as a message shows it: blank as （空）, booleans 是/否, numbers without exponents."""
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
        return "、".join(display_value(v, places) for v in value)
    return str(value)
