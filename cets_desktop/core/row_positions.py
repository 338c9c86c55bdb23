"""Row positions in a filing's value tree: every row of a scope, and the instance paths of fields.

A scope is the chain of repeats from the top level down (``units`` → ``fuels``); a position is the
row dicts from the top level to the current row plus the index of each repeat row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .spec import FieldSpec

Rows = tuple[dict[str, Any], ...]
Position = tuple[Rows, tuple[int, ...]]


class RowIndex:
    """Row positions of every scope of one values tree, computed once per evaluation.

    Calculations write values into the rows but never add or remove rows, so the positions
    stay valid for the whole evaluation; walking the tree again for every field was the main
    cost of validating a year of filings.
    """

    __slots__ = ("values", "_cache", "_by_scope", "relevance", "contexts", "scope_contexts")

    def __init__(self, values: dict[str, Any]):
        self.values = values
        self._cache: dict[tuple[str, ...], list[Position]] = {}
        self._by_scope: dict[int, tuple[tuple[FieldSpec, ...], list[Position]]] = {}
        """The same lists by the scope tuple's identity (a bound form's tuples are asked again
        and again: naming their repeats each time was a cost of its own)."""
        self.relevance: dict[tuple[str, int], bool] = {}
        """(field path, id(row)) → relevant?, filled after calculation by the rules passes."""
        self.contexts: dict[int, tuple[Any, ...]] = {}
        """Evaluation positions (``Ctx``) per scope, shared by the rules passes (core.rules)."""
        self.scope_contexts: dict[int, tuple[Any, ...]] = {}
        """The same positions by the scope tuple's identity (core.rules._positions)."""

    def rows(self, scope_fields: tuple[FieldSpec, ...]) -> list[Position]:
        kept = self._by_scope.get(id(scope_fields))
        if kept is not None and kept[0] is scope_fields:
            return kept[1]
        key = _names(scope_fields)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = list(_walk_rows(self.values, scope_fields))
        self._by_scope[id(scope_fields)] = (scope_fields, found)
        return found


_NAMES: dict[int, tuple[tuple[FieldSpec, ...], tuple[str, ...]]] = {}


def _names(scope_fields: tuple[FieldSpec, ...]) -> tuple[str, ...]:
    """The repeat names of a scope, per scope tuple (a bound form's tuples live as long as it)."""
    kept = _NAMES.get(id(scope_fields))
    if kept is None or kept[0] is not scope_fields:
        if len(_NAMES) > 10_000:
            _NAMES.clear()
        kept = _NAMES[id(scope_fields)] = (scope_fields, tuple(f.name for f in scope_fields))
    return kept[1]


def iter_rows(values: dict[str, Any] | RowIndex, scope_fields: tuple[FieldSpec, ...]) -> Iterator[Position]:
    """Every row position of a scope: (rows from the top down, indices of each repeat)."""
    if isinstance(values, RowIndex):
        return iter(values.rows(scope_fields))
    return _walk_rows(values, scope_fields)


def _walk_rows(values: dict[str, Any], scope_fields: tuple[FieldSpec, ...]) -> Iterator[Position]:

    def walk(rows: Rows, idx: tuple[int, ...], depth: int) -> Iterator[Position]:
        if depth == len(scope_fields):
            yield rows, idx
            return
        items = rows[-1].get(scope_fields[depth].name)
        if not isinstance(items, list):
            return
        for i, row in enumerate(items):
            if isinstance(row, dict):
                yield from walk((*rows, row), (*idx, i), depth + 1)

    yield from walk((values,), (), 0)


_PREFIXES: dict[tuple[tuple[str, ...], tuple[int, ...]], str] = {}


def instance_path(scope_fields: tuple[FieldSpec, ...], idx: tuple[int, ...], name: str | None = None) -> str:
    """``units[0].fuels[1].consumption`` from scope repeats, row indices and a field name (the
    row part, ``units[0].fuels[1]``, made once per scope and indices)."""
    if not scope_fields and not idx:
        return name or ""
    key = (_names(scope_fields), idx)
    prefix = _PREFIXES.get(key)
    if prefix is None:
        if len(_PREFIXES) >= 10_000:
            _PREFIXES.clear()
        prefix = _PREFIXES[key] = ".".join(
            f"{rep.name}[{i}]" for rep, i in zip(scope_fields, idx, strict=True)
        )
    return f"{prefix}.{name}" if name else prefix
