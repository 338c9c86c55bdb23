"""What an expression sees when it runs: the filing's environment and the current row position."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .reference_reading import MissingRefs, ReferenceReader, RefUse
from .row_positions import Rows
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
