"""A definition with its expressions compiled: what calculation and the rules run on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .evaluation_context import Ctx
from .expressions import Expression, Getter
from .spec import Check, FieldSpec, FormSpec


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
class BoundForm:
    spec: FormSpec
    fields: dict[str, BoundField]
    calc_order: list[BoundField]
    checks: list[BoundCheck]
    scopes: dict[tuple[str, ...], tuple[FieldSpec, ...]]
