"""Definition → pydantic model of a filing's values (structure and types, via ``create_model``).

pydantic checks shape and types and gives the JSON Schema of a filing's ``values``; it stops at
the first structural error per field, so user-facing findings come from the rules engine
(rules.py) instead. Calculated fields are optional outputs; unknown keys are forbidden.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from .spec import FieldSpec, FormSpec


class _Values(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


def _annotation(spec: FormSpec, f: FieldSpec, owner: str) -> Any:
    if f.type == "repeat":
        return list[_model_for(spec, f.data_fields(), f"{owner}_{f.name}")]  # type: ignore[misc]
    if f.type in ("decimal", "integer"):
        return Decimal | None
    if f.type == "boolean":
        return bool | None
    if f.type == "select_one" and not f.calculation:
        values = tuple(c.value for c in spec.choice_list(f))
        return Literal[values] | None
    if f.type == "select_multiple":
        return list[str] | None
    return str | None


def _model_for(spec: FormSpec, fields: list[FieldSpec], name: str) -> type[BaseModel]:
    definitions: dict[str, Any] = {}
    for f in fields:
        if f.type in ("note", "group"):
            continue
        src = spec.resolve_source(f.source)
        extra = {
            "unit": f.unit,
            "decimals": f.decimals,
            "calculated": f.calculation is not None,
            "row": f.row,
            "certainty": src.certainty if src else None,
        }
        default: Any = [] if f.type == "repeat" else None
        definitions[f.name] = (
            _annotation(spec, f, name),
            Field(
                default=default,
                title=f.label,
                description=f.hint,
                json_schema_extra={k: v for k, v in extra.items() if v is not None},
            ),
        )
    return create_model(name, __base__=_Values, **definitions)


_MODELS: dict[int, tuple[FormSpec, type[BaseModel]]] = {}


def values_model(spec: FormSpec) -> type[BaseModel]:
    """The pydantic model of ``spec``'s values (built once per loaded definition)."""
    cached = _MODELS.get(id(spec))
    if cached is None or cached[0] is not spec:
        model = _model_for(spec, spec.top_fields(), "".join(p.title() for p in spec.id.split("-")) + "Values")
        cached = _MODELS[id(spec)] = (spec, model)
    return cached[1]
