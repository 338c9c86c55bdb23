"""What an expression sees when it runs: the filing's environment and the current row position."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .reference_reading import MissingRefs, ReferenceReader, RefUse
from .row_positions import RowIndex, Rows
from .spec import FieldSpec


@dataclass
class Env:
    """What an evaluation knows besides the row values."""

    period: str
    references: ReferenceReader | None = None
    previous: dict[str, Any] | None = None
    """Typed values of the previous period's filing of the same series (cross-period rules)."""
    linked: dict[str, Any] = field(default_factory=dict)
    """Values of linked filings (the plan's declared routes), read by ``linked()``."""
    ref_log: list[RefUse] | None = None
    today: str | None = None
    """ISO date rules treat as today (calibration due dates); None = the real date."""
    missing_refs: MissingRefs | None = None
    """Reference lookups that found no value for the year (reported as findings, never silent)."""

    # Worked out once per evaluation (every ref() and period_* of every row asks): an Env's
    # period is set when it is made and never changed.
    @cached_property
    def year(self) -> int:
        return int(self.period[:4])

    @cached_property
    def month(self) -> int | None:
        return int(self.period[5:7]) if len(self.period) >= 7 else None

    @cached_property
    def days(self) -> int:
        if self.month:
            return calendar.monthrange(self.year, self.month)[1]
        return 366 if calendar.isleap(self.year) else 365


class Ctx:
    """One evaluation position: the row dicts from the top level down to the current row."""

    __slots__ = ("rows", "env", "self_value", "scope_fields", "previous_cache")

    def __init__(
        self, rows: Rows, env: Env, scope_fields: tuple[FieldSpec, ...] = (), self_value: Any = None
    ):
        self.rows = rows
        self.env = env
        self.self_value = self_value
        self.scope_fields = scope_fields
        self.previous_cache: Ctx | None | bool = False
        """The matching position in the previous period (see :mod:`.previous_period`); False = not looked up."""


def positions(index: RowIndex, scope_fields: tuple[FieldSpec, ...], env: Env) -> list[tuple[Any, Any, Ctx]]:
    """Every row position of a scope with its evaluation position (``Ctx``), made once per
    evaluation and shared by the calculations and the rules passes after them: the previous
    period's matching row (matched by the repeats' keys) is then looked up once per row, not
    once per calculation or rule."""
    direct = index.scope_contexts.get(id(scope_fields))
    if direct is not None and direct[0] is scope_fields and direct[1] is env:
        found: list[tuple[Any, Any, Ctx]] = direct[2]
        return found
    rows = index.rows(scope_fields)  # one list per scope, whichever field's tuple names it
    kept = index.contexts.get(id(rows))
    if kept is None or kept[0] is not rows or kept[1] is not env:
        kept = index.contexts[id(rows)] = (rows, env, [(r, i, Ctx(r, env, scope_fields)) for r, i in rows])
    made: list[tuple[Any, Any, Ctx]] = kept[2]
    index.scope_contexts[id(scope_fields)] = (scope_fields, env, made)
    return made
