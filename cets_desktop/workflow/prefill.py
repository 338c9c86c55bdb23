"""What a new filing starts with: the rows of the previous period (units, fuels) without the
month's figures, or, for the first filing, one row per registered unit/facility (built on the
definition's preset row when it has one without a name, e.g. the cement line's first clinker type).

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
    spec: FormSpec,
    initial: dict[str, Any],
    previous: dict[str, Any] | None,
    facilities: list[Facility],
    plan: tuple[FormSpec, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``plan``: the year's data quality control plan (its definition and values), whose unit or
    line list names the facilities when none are registered and adds what it says of each one
    (capacity, fuel type …) to a registered facility of the same name."""
    values = copy.deepcopy(initial)
    repeats = [f for f in spec.top_fields() if f.type == "repeat"]
    if previous:
        for f in repeats:
            rows = previous.get(f.name)
            if isinstance(rows, list) and rows:
                values[f.name] = carry_rows(f, rows)
        return values
    units = [x for x in facilities if x.kind in UNIT_KINDS]
    planned = _planned_facilities(plan)
    if not units:
        units = [Facility(0, 0, "", name, {}) for name in planned]
    # The repeat the facilities describe: the one whose role says so (a plan's unit/line list,
    # which its revisions and products precede), else the first whose rows the definition does
    # not name itself (a month's units, lines or series; steel's named fuel rows are skipped).
    listed = [f for f in repeats if f.role == "facility_list"]
    for f in listed or repeats:
        key = f.label_field or f.key
        if not units or not key:
            continue
        templates = _unnamed_presets(values.get(f.name), key)
        if templates is None:
            continue  # rows the definition names itself (a fixed list): not the facilities' repeat
        names = {c.name for c in f.data_fields()}
        from_plan = _matching_fields(f, plan[0]) if plan is not None else {}
        rows = []
        for i, facility in enumerate(units):
            # A preset row without a name (the cement line's first clinker type and kiln fuel) is
            # what every registered facility starts from: its name goes into it, not beside it.
            base = templates[i] if i < len(templates) else (templates[0] if templates else {})
            row: dict[str, Any] = copy.deepcopy(base)
            row[key] = facility.name
            row.update({k: copy.deepcopy(v) for k, v in facility.attributes.items() if k in names})
            known = planned.get(facility.name, {})
            for month_name, plan_name in from_plan.items():
                if row.get(month_name) in (None, "") and known.get(plan_name) not in (None, ""):
                    row[month_name] = copy.deepcopy(known[plan_name])
            for child in f.data_fields():
                if child.type == "repeat":
                    row.setdefault(child.name, [])
            rows.append(row)
        values[f.name] = rows
        break  # the facilities describe the first repeat (the units); nested ones start empty
    if len(units) == 1:
        _name_preset_facility(spec, values, units[0].name)
    return values


def _planned_facilities(plan: tuple[FormSpec, dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    """The rows of the plan's unit/line list by name (role ``facility_list``), in its order."""
    if plan is None:
        return {}
    spec, values = plan
    listed = spec.field_by_role("facility_list")
    key = (listed.label_field or listed.key) if listed is not None else None
    rows = values.get(listed.name) if listed is not None else None
    if not key or not isinstance(rows, list):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row.get(key) if isinstance(row, dict) else None
        if isinstance(name, str) and name.strip() and name not in out:
            out[name] = row
    return out


def _matching_fields(repeat: FieldSpec, plan_spec: FormSpec) -> dict[str, str]:
    """Month field → plan field that holds the same fact of a facility: same type (and choice
    list), and the same name or the same label and unit (设计熟料产能 t/d in both forms)."""
    listed = plan_spec.field_by_role("facility_list")
    if listed is None:
        return {}
    plan_fields = [g for g in listed.data_fields() if g.type not in ("repeat", "note", "group")]
    out: dict[str, str] = {}
    for f in repeat.data_fields():
        if f.calculation or f.type in ("repeat", "note", "group"):
            continue
        for g in plan_fields:
            same = f.name == g.name or (f.label == g.label and (f.unit or "") == (g.unit or ""))
            if same and f.type == g.type and f.choices == g.choices:
                out[f.name] = g.name
                break
    return out


def _unnamed_presets(rows: Any, key: str) -> list[dict[str, Any]] | None:
    """The preset rows of a repeat when none of them has a name yet ([] without presets): the
    rows a registered facility fills in; None when a preset row already names itself."""
    if not rows:
        return []
    if not isinstance(rows, list):
        return None
    presets = [r for r in rows if isinstance(r, dict)]
    if any(r.get(key) not in (None, "") for r in presets):
        return None
    return presets


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
