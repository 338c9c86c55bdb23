"""Leaf-by-leaf differences between two filing documents, for the audit log.

Paths use the notation the rest of the app uses for fields (findings, evidence references):
``units[0].fuels[1].consumption`` for values, and the top-level key as prefix for everything else
(``period``, ``enterprise.name``, ``evidence[0].sha256``, ``acknowledgements[1].reason``).

Repeats are compared by position, because a path like ``units[1]`` names a position everywhere in
the app: if the first of three units is deleted, the audit truthfully says what ``units[0]`` and
``units[1]`` held before and after, and that ``units[2]`` was removed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

ChangeKind = Literal["added", "removed", "changed"]

# Top-level document keys in the order a reader expects them; unknown keys follow, sorted.
_DOCUMENT_KEY_ORDER = (
    "format",
    "form",
    "form_version",
    "enterprise",
    "period",
    "values",
    "evidence",
    "acknowledgements",
)


@dataclass(frozen=True)
class Change:
    """One leaf that differs. ``old`` is None when added, ``new`` is None when removed."""

    path: str
    old: Any
    new: Any
    kind: ChangeKind


def _leaf_key(value: Any) -> tuple[str, Any]:
    # The document format allows a quantity as a decimal string or a JSON number, so 12 and "12"
    # are the same value; "12.50" and "12.5" are not (the typed precision is part of the filing).
    if value is None or isinstance(value, bool):
        return ("literal", value)
    if isinstance(value, int):
        return ("text", str(value))
    if isinstance(value, float):
        return ("text", repr(value))
    if isinstance(value, Decimal):
        return ("text", format(value, "f"))
    if isinstance(value, str):
        return ("text", value)
    return ("other", value)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every leaf under ``value``; an empty object or list counts as a leaf of its own."""
    if isinstance(value, Mapping) and value:
        for key in sorted(value):
            yield from _leaves(value[key], _join(path, str(key)))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def diff_values(old: Any, new: Any, path: str = "") -> list[Change]:
    """Changes between two JSON-like values, each path prefixed with ``path``."""
    changes: list[Change] = []
    _diff_into(changes, old, new, path)
    return changes


def _diff_into(changes: list[Change], old: Any, new: Any, path: str) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            child = _join(path, str(key))
            if key not in new:
                changes.extend(Change(p, v, None, "removed") for p, v in _leaves(old[key], child))
            elif key not in old:
                changes.extend(Change(p, None, v, "added") for p, v in _leaves(new[key], child))
            else:
                _diff_into(changes, old[key], new[key], child)
        return
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            child = f"{path}[{index}]"
            if index >= len(new):
                changes.extend(Change(p, v, None, "removed") for p, v in _leaves(old[index], child))
            elif index >= len(old):
                changes.extend(Change(p, None, v, "added") for p, v in _leaves(new[index], child))
            else:
                _diff_into(changes, old[index], new[index], child)
        return
    old_is_container = isinstance(old, Mapping | list)
    new_is_container = isinstance(new, Mapping | list)
    if old_is_container or new_is_container:
        # A leaf became a repeat or the other way round: report both shapes leaf by leaf,
        # unless both sides are empty/equal leaves (handled below).
        if old_is_container and old:
            changes.extend(Change(p, v, None, "removed") for p, v in _leaves(old, path))
        elif old_is_container or old is not None:
            changes.append(Change(path, old, None, "removed"))
        if new_is_container and new:
            changes.extend(Change(p, None, v, "added") for p, v in _leaves(new, path))
        elif new_is_container or new is not None:
            changes.append(Change(path, None, new, "added"))
        return
    if _leaf_key(old) != _leaf_key(new):
        changes.append(Change(path, old, new, "changed"))


def _document_key_order(keys: set[str]) -> list[str]:
    known = [key for key in _DOCUMENT_KEY_ORDER if key in keys]
    return known + sorted(keys - set(_DOCUMENT_KEY_ORDER))


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Changes from ``old`` to ``new`` filing document, values first by field path.

    Field paths inside ``values`` are unprefixed (they are the field addresses used everywhere);
    every other part of the document is prefixed with its top-level key.
    """
    changes: list[Change] = []
    for key in _document_key_order(set(old) | set(new)):
        prefix = "" if key == "values" else key
        if key not in new:
            changes.extend(Change(p, v, None, "removed") for p, v in _leaves(old[key], prefix))
        elif key not in old:
            changes.extend(Change(p, None, v, "added") for p, v in _leaves(new[key], prefix))
        else:
            _diff_into(changes, old[key], new[key], prefix)
    return changes
