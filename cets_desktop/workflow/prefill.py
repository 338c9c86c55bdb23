"""What a new filing starts with: the rows of the previous period (units, fuels) without the
month's figures, or, for the first filing, one row per registered unit/facility.

No Qt. Carried over per row: its key and name, its choices (fuel category, measuring routes …),
and the attributes grouped with its key (a unit's name sits in 机组基本信息 with its capacity and
type): what describes the installation, not what happened this month.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..core.spec import FieldSpec, FormSpec
from ..store import Facility
from .plans import UNIT_KINDS

CARRIED_TYPES = frozenset({"select_one", "select_multiple", "boolean"})


def _identity_group(repeat: FieldSpec) -> set[str]:
    lead = repeat.label_field or repeat.key
    for f in repeat.fields:
        if f.type == "group" and lead in {c.name for c in f.data_fields()}:
            return {c.name for c in f.data_fields() if c.type not in ("repeat", "note")}
    return set()


def carry_rows(repeat: FieldSpec, rows: list[Any]) -> list[dict[str, Any]]:
    identity = _identity_group(repeat)
    keep = {n for n in (repeat.key, repeat.label_field) if n} | identity
    out = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        new: dict[str, Any] = {}
        for f in repeat.data_fields():
            if f.calculation or f.name not in row:
                continue
            if f.type == "repeat":
                new[f.name] = carry_rows(f, row.get(f.name) or [])
            elif f.name in keep or f.type in CARRIED_TYPES:
                new[f.name] = copy.deepcopy(row[f.name])
        out.append(new)
    return out


def prefill_values(
    spec: FormSpec, initial: dict[str, Any], previous: dict[str, Any] | None, facilities: list[Facility]
) -> dict[str, Any]:
    values = copy.deepcopy(initial)
    repeats = [f for f in spec.top_fields() if f.type == "repeat"]
    if previous:
        for f in repeats:
            rows = previous.get(f.name)
            if isinstance(rows, list) and rows:
                values[f.name] = carry_rows(f, rows)
        return values
    units = [x for x in facilities if x.kind in UNIT_KINDS]
    for f in repeats:
        key = f.label_field or f.key
        if not units or not key or values.get(f.name):
            continue
        names = {c.name for c in f.data_fields()}
        rows = []
        for facility in units:
            row: dict[str, Any] = {key: facility.name}
            row.update({k: v for k, v in facility.attributes.items() if k in names})
            for child in f.data_fields():
                if child.type == "repeat":
                    row.setdefault(child.name, [])
            rows.append(row)
        values[f.name] = rows
        break  # the facilities describe the first repeat (the units); nested ones start empty
    if len(units) == 1:
        _name_preset_facility(spec, values, units[0].name)
    return values


_EQUALS_LITERAL = re.compile(r"^\s*(\w+)\s*==\s*'([^']*)'\s*$")


def _name_preset_facility(spec: FormSpec, values: dict[str, Any], name: str) -> None:
    """A plan's preset parameter rows (the cement plan's 36) take the one registered line's name
    in their facility column, where that column applies to the row (``level == '…'``)."""
    for f in spec.top_fields():
        if f.type != "repeat" or not isinstance(values.get(f.name), list):
            continue
        column = next((c for c in f.data_fields() if c.role == "parameter_facility"), None)
        if column is None:
            continue
        condition = _EQUALS_LITERAL.match(column.relevant) if column.relevant else None
        if column.relevant and condition is None:
            continue  # a condition we cannot read without the engine: leave the column to the user
        for row in values[f.name]:
            if not isinstance(row, dict) or row.get(column.name) not in (None, ""):
                continue
            if condition is None or row.get(condition.group(1)) == condition.group(2):
                row[column.name] = name
