"""What an evaluation needs of the reference values: one read per ``ref()`` call, logged.

Kept apart from :mod:`.reference` (the tables and their files) so that evaluating an expression
depends only on this small interface, not on how the tables are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

MissingRefs = set[tuple[str, str | None]]
"""(table, key) lookups that found no value for the filing's year."""


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


class ReferenceReader(Protocol):
    """Reference values by table, year and key (:class:`.reference.ReferenceSet` is one)."""

    def read(
        self,
        table: str,
        year: int,
        key: str | None,
        *,
        log: list[RefUse] | None = None,
        missing: MissingRefs | None = None,
    ) -> Decimal | None:
        """The value in force for ``year``; appends the use to ``log`` and unresolvable lookups
        to ``missing`` when they are given."""
        ...
