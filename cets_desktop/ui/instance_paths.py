"""Instance paths of values inside a filing document: ``units[0].fuels[1].consumption``.

Findings, evidence references and undo commands all name a value by this path (the rules engine
writes it, see ``core.binding.instance_path``); the form widgets need to split it into steps,
read and write the raw value tree with it, and map it back to the field definition.
"""

from __future__ import annotations

import re
from typing import Any

Segment = str | int
_PART = re.compile(r"([a-z_][a-z0-9_]*)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")


def parse(path: str) -> list[Segment]:
    """``units[0].fuels[1].consumption`` → ``["units", 0, "fuels", 1, "consumption"]``."""
    out: list[Segment] = []
    if not path:
        return out
    for piece in path.split("."):
        m = _PART.fullmatch(piece)
        if not m:
            out.append(piece)
            continue
        out.append(m.group(1))
        out.extend(int(i) for i in _INDEX.findall(m.group(2)))
    return out


def join(parts: list[Segment] | tuple[Segment, ...]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def child(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


def row_path(repeat_path: str, index: int) -> str:
    return f"{repeat_path}[{index}]"


def schema_path(path: str) -> str:
    """Instance path → the definition's schema path: ``units[].fuels[].consumption``."""
    return _INDEX.sub("[]", path)


def get(tree: Any, path: str | list[Segment], default: Any = None) -> Any:
    node = tree
    for part in parse(path) if isinstance(path, str) else path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return default
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
    return node


def set_value(tree: dict[str, Any], path: str, value: Any) -> None:
    """Write ``value`` at ``path``; missing dicts along the way are created, rows must exist.

    ``None`` removes the key, so a cleared field leaves no empty string in the document.
    """
    parts = parse(path)
    node: Any = tree
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(part, int):
            node = node[part]
            continue
        if part not in node or node[part] is None:
            node[part] = [] if isinstance(nxt, int) else {}
        node = node[part]
    last = parts[-1]
    if isinstance(last, int):
        node[last] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def rows_at(tree: dict[str, Any], repeat_path: str, create: bool = False) -> list[Any]:
    """The list of rows of a repeat instance (created empty when ``create``)."""
    found = get(tree, repeat_path)
    if isinstance(found, list):
        return found
    if not create:
        return []
    rows: list[Any] = []
    set_value(tree, repeat_path, rows)
    return rows


def is_under(path: str, base: str) -> bool:
    """True when ``path`` is ``base`` itself or lies inside it (``units[0]`` covers ``units[0].x``)."""
    if not base:
        return True
    return path == base or path.startswith(base + ".") or path.startswith(base + "[")
