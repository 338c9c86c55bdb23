"""Definition parts: shared blocks under ``forms/parts/`` that a definition includes and extends.

A part file (``forms/parts/<name>.yaml``) holds ``part: <name>`` and any of ``sources``,
``choices``, ``references``, ``evidence_kinds``, ``fields`` (a list of field specs), ``sections``
(a list of sections) and ``checks`` (scoped relative to where the part is included). Inside any
``fields:`` or ``sections:`` list of a definition (or of another part) an item

    - include: fuel-combustion
      override: {ncv: {hint: …}}          # replace keys of an item (dotted name path)
      remove: [lab_group]                  # drop items
      append: {"": [...], lab_group: [...]}  # add items at the end of the list / of a group
      after: {ncv_group: [...]}            # add items right after an item
      before: {fuel_heat: [...]}           # … or right before it
      remove_checks: ["{prefix}-115"]      # drop part rules by code
      override_checks: {"{prefix}-111": {severity: info}}
      code_prefix: CEM-M                   # optional, default: the form's code_prefix

is replaced by the part's items, merged. ``{prefix}`` in a part's rule codes (``code``,
``constraint_code``) becomes the form's ``code_prefix``, so each form's codes stay its own.

The merge works on the YAML node tree, before the meta-model validates anything, so every node
keeps its file and line: a problem inside a part is reported as ``part-file:line``. Each node
taken from a part carries that file in ``cets_file`` (read by ``loader.line_of``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"

PART_KEYS = frozenset(
    {
        "part",
        "description",
        "sources",
        "choices",
        "references",
        "evidence_kinds",
        "fields",
        "sections",
        "checks",
        "include_parts",
    }
)
INCLUDE_KEYS = frozenset(
    {
        "include",
        "override",
        "remove",
        "append",
        "after",
        "before",
        "remove_checks",
        "override_checks",
        "code_prefix",
    }
)
_MERGED_TABLES = ("sources", "choices", "evidence_kinds")


class PartError(Exception):
    """A problem with an include or a part, at ``file:line`` (1-based)."""

    def __init__(self, file: str, line: int, reason: str):
        self.file = file
        self.line = line
        self.reason = reason
        super().__init__(f"{file}:{line}：{reason}")


Compose = Callable[[Path], yaml.Node | None]
"""Reads a YAML file into its node tree (raises the loader's own error on bad YAML)."""


def file_of(node: yaml.Node | None) -> str | None:
    return getattr(node, "cets_file", None)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _tag_tree(node: yaml.Node, file: str) -> None:
    stack = [node]
    while stack:
        n = stack.pop()
        n.cets_file = file  # type: ignore[attr-defined]
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def _get(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _key_node(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if k.value == key:
                return k
    return None


def _set(node: yaml.MappingNode, key: str, value: yaml.Node, like: yaml.Node | None = None) -> None:
    for i, (k, _) in enumerate(node.value):
        if k.value == key:
            node.value[i] = (k, value)
            return
    anchor = like or value
    key_node = yaml.ScalarNode(STR_TAG, key, anchor.start_mark, anchor.end_mark)
    if file_of(anchor):
        key_node.cets_file = file_of(anchor)  # type: ignore[attr-defined]
    node.value.append((key_node, value))


def _delete(node: yaml.MappingNode, key: str) -> None:
    node.value = [(k, v) for k, v in node.value if k.value != key]


def _scalar(value: str, like: yaml.Node) -> yaml.ScalarNode:
    out = yaml.ScalarNode(STR_TAG, value, like.start_mark, like.end_mark)
    if file_of(like):
        out.cets_file = file_of(like)  # type: ignore[attr-defined]
    return out


def _text(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null" else None


@dataclass
class _Context:
    form_file: str
    parts_dir: Path
    compose: Compose
    cache: dict[str, yaml.Node] = field(default_factory=dict)
    tables: dict[str, dict[str, yaml.Node]] = field(default_factory=dict)
    references: dict[str, yaml.Node] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)


@dataclass
class _Checks:
    """Rule nodes gathered from included parts, relative to the including document's root."""

    by_part: list[tuple[str, list[yaml.Node]]] = field(default_factory=list)

    def add(self, name: str, nodes: list[yaml.Node]) -> None:
        if nodes:
            self.by_part.append((name, nodes))

    def extend(self, other: _Checks) -> None:
        self.by_part.extend(other.by_part)


def expand_parts(
    root: yaml.Node, file: str | Path, compose: Compose, parts_dir: Path | None = None
) -> list[str]:
    """Replace every include in the definition tree ``root`` (in place); return the parts used.

    Raises :class:`PartError` (or whatever ``compose`` raises for unreadable YAML).
    """
    file = str(file)
    if not isinstance(root, yaml.MappingNode):
        return []
    ctx = _Context(file, parts_dir or Path(file).parent / "parts", compose)
    prefix = _text(_get(root, "code_prefix")) or "{prefix}"
    gathered = _Checks()
    _expand_document(root, file, prefix, ctx, gathered, stack=())
    if gathered.by_part or _get(root, "checks") is not None:
        _place_checks(root, gathered, file)
    _merge_tables(root, ctx)
    _resolve_evidence_kinds(root, file)
    return ctx.used


def _resolve_evidence_kinds(root: yaml.MappingNode, file: str) -> None:
    """``evidence: {kinds: fuel_consumption}`` (or ``[\"@fuel_consumption\", …]``) → the named list."""
    table = _get(root, "evidence_kinds")
    if table is None:
        return  # nothing to expand; a stray name in kinds is reported by the meta-model with its line
    named: dict[str, list[yaml.Node]] = {}
    if isinstance(table, yaml.MappingNode):
        for k, v in table.value:
            if isinstance(v, yaml.SequenceNode):
                named[k.value] = list(v.value)
    stack: list[yaml.Node] = [root]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                if k.value == "evidence" and isinstance(v, yaml.MappingNode):
                    _expand_kinds(v, named, file)
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def _expand_kinds(evidence: yaml.MappingNode, named: dict[str, list[yaml.Node]], file: str) -> None:
    kinds = _get(evidence, "kinds")
    if kinds is None:
        return
    entries = (
        [kinds]
        if isinstance(kinds, yaml.ScalarNode)
        else list(kinds.value)
        if isinstance(kinds, yaml.SequenceNode)
        else []
    )
    if isinstance(kinds, yaml.SequenceNode) and not any((_text(e) or "").startswith("@") for e in entries):
        return
    out: list[yaml.Node] = []
    for entry in entries:
        text = _text(entry) or ""
        name = text[1:] if text.startswith("@") else (text if isinstance(kinds, yaml.ScalarNode) else None)
        if name is None:
            out.append(entry)
            continue
        if name not in named:
            where = file_of(entry) or file
            raise PartError(where, _line(entry), f"证据类型清单 {name!r} 未在 evidence_kinds 中定义")
        out.extend(named[name])
    _set(evidence, "kinds", yaml.SequenceNode(SEQ_TAG, out, kinds.start_mark, kinds.end_mark), like=kinds)


def _expand_document(
    doc: yaml.MappingNode, file: str, prefix: str, ctx: _Context, gathered: _Checks, stack: tuple[str, ...]
) -> None:
    """Expand the includes of one definition or part mapping (fields/sections lists, include_parts)."""
    extra = _get(doc, "include_parts")
    if extra is not None:
        if not isinstance(extra, yaml.SequenceNode):
            raise PartError(file, _line(extra), "include_parts 应为部件名称列表")
        for item in extra.value:
            name = _text(item)
            if not name:
                raise PartError(file, _line(item), "include_parts 的每一项应为部件名称")
            part = _load_part(name, file, _line(item), ctx, stack)
            _collect_tables(part, ctx)
            nested = _Checks()
            _expand_document(part, file_of(part) or file, prefix, ctx, nested, (*stack, name))
        _delete(doc, "include_parts")
    sections = _get(doc, "sections")
    if sections is not None:
        _expand_list(sections, "sections", (), file, prefix, ctx, gathered, stack)
    fields = _get(doc, "fields")
    if fields is not None:
        _expand_list(fields, "fields", (), file, prefix, ctx, gathered, stack)


def _expand_list(
    seq: yaml.Node,
    kind: str,
    repeat_path: tuple[str, ...],
    file: str,
    prefix: str,
    ctx: _Context,
    gathered: _Checks,
    stack: tuple[str, ...],
) -> None:
    if not isinstance(seq, yaml.SequenceNode):
        return  # the meta-model reports the wrong type with its line
    out: list[yaml.Node] = []
    for item in seq.value:
        if isinstance(item, yaml.MappingNode) and _get(item, "include") is not None:
            items, checks = _include(item, kind, file_of(item) or file, prefix, ctx, stack)
            # Items from a part are already expanded; part rules are scoped to this point.
            out.extend(items)
            for name, nodes in checks.by_part:
                gathered.add(name, [_rescope(n, repeat_path) for n in nodes])
            continue
        _expand_children(item, kind, repeat_path, file, prefix, ctx, gathered, stack)
        out.append(item)
    seq.value = out


def _expand_children(
    item: yaml.Node,
    kind: str,
    repeat_path: tuple[str, ...],
    file: str,
    prefix: str,
    ctx: _Context,
    gathered: _Checks,
    stack: tuple[str, ...],
) -> None:
    if not isinstance(item, yaml.MappingNode):
        return
    children = _get(item, "fields")
    if children is None:
        return
    inner = repeat_path
    if kind == "fields" and _text(_get(item, "type")) == "repeat" and _text(_get(item, "name")):
        inner = (*repeat_path, _text(_get(item, "name")) or "")
    _expand_list(children, "fields", inner, file, prefix, ctx, gathered, stack)


def _rescope(check: yaml.Node, repeat_path: tuple[str, ...]) -> yaml.Node:
    if not repeat_path or not isinstance(check, yaml.MappingNode):
        return check
    scope = _get(check, "scope")
    own = _text(scope)
    full = ".".join(repeat_path) + (f".{own}" if own else "")
    _set(check, "scope", _scalar(full, scope or check), like=check)
    return check


def _load_part(name: str, file: str, line: int, ctx: _Context, stack: tuple[str, ...]) -> yaml.MappingNode:
    if name in stack:
        chain = " → ".join([*stack, name])
        raise PartError(file, line, f"部件循环引用：{chain}")
    if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
        raise PartError(file, line, f"部件名称 {name!r} 只能用字母、数字、连字符")
    if name not in ctx.cache:
        path = ctx.parts_dir / f"{name}.yaml"
        if not path.is_file():
            raise PartError(file, line, f"找不到部件 {name}（应在 parts/{name}.yaml）")
        try:
            stat = path.stat()
            stamp = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        cached = _PARSED.get(stamp) if stamp else None
        if cached is not None:
            ctx.cache[name] = cached
            if name not in ctx.used:
                ctx.used.append(name)
            return _copy_mapping(cached)
        node = ctx.compose(path)
        if not isinstance(node, yaml.MappingNode):
            raise PartError(str(path), 1, "部件文件的顶层应为映射（part: …, fields: …）")
        _tag_tree(node, str(path))
        for key_node, _ in node.value:
            if key_node.value not in PART_KEYS:
                raise PartError(
                    str(path),
                    _line(key_node),
                    f"部件中不认识的项 {key_node.value!r}（可用：{'、'.join(sorted(PART_KEYS))}）",
                )
        declared = _text(_get(node, "part"))
        if declared != name:
            where = _get(node, "part") or node
            raise PartError(
                str(path), _line(where), f"部件文件 {name}.yaml 应声明 part: {name}（现为 {declared!r}）"
            )
        ctx.cache[name] = node
        if stamp:
            _PARSED[stamp] = node
    if name not in ctx.used:
        ctx.used.append(name)
    # Each inclusion gets its own copy: overrides of one form never leak into another.
    return _copy_mapping(ctx.cache[name])


_PARSED: dict[tuple[str, int, int], yaml.MappingNode] = {}
"""Checked part trees by file (path, mtime, size): every form including a part parses it once."""


def _copy_mapping(node: yaml.Node) -> yaml.MappingNode:
    copied = _copy(node)
    assert isinstance(copied, yaml.MappingNode)
    return copied


def _copy(node: yaml.Node) -> yaml.Node:
    """A copy of the tree's mappings and sequences (what the merge edits); scalars are shared,
    since the merge replaces scalar nodes and never changes one in place. ``copy.deepcopy`` of
    the marks made loading ten times slower."""
    if isinstance(node, yaml.MappingNode):
        out: yaml.Node = yaml.MappingNode(
            node.tag, [(k, _copy(v)) for k, v in node.value], node.start_mark, node.end_mark, node.flow_style
        )
    elif isinstance(node, yaml.SequenceNode):
        out = yaml.SequenceNode(
            node.tag, [_copy(v) for v in node.value], node.start_mark, node.end_mark, node.flow_style
        )
    else:
        return node
    if file_of(node):
        out.cets_file = file_of(node)  # type: ignore[attr-defined]
    return out


def _include(
    item: yaml.MappingNode, kind: str, file: str, prefix: str, ctx: _Context, stack: tuple[str, ...]
) -> tuple[list[yaml.Node], _Checks]:
    for key_node, _ in item.value:
        if key_node.value not in INCLUDE_KEYS:
            raise PartError(
                file,
                _line(key_node),
                f"include 中不认识的项 {key_node.value!r}（可用：{'、'.join(sorted(INCLUDE_KEYS))}）",
            )
    name_node = _get(item, "include")
    name = _text(name_node)
    if not name:
        raise PartError(file, _line(item), "include 应写部件名称，如 include: fuel-combustion")
    part = _load_part(name, file, _line(name_node or item), ctx, stack)
    part_file = file_of(part) or file
    own_prefix = _text(_get(item, "code_prefix")) or prefix
    _expand_codes(part, own_prefix)
    _collect_tables(part, ctx)

    items_node = _get(part, kind)
    if not isinstance(items_node, yaml.SequenceNode):
        other = "sections" if kind == "fields" else "fields"
        hint = f"（该部件提供的是 {other}）" if _get(part, other) is not None else ""
        raise PartError(file, _line(name_node or item), f"部件 {name} 没有可放在 {kind} 列表中的内容{hint}")
    nested = _Checks()
    _expand_document(part, part_file, own_prefix, ctx, nested, (*stack, name))
    items: list[yaml.Node] = list(items_node.value)

    for entry in _seq(item, "remove", file):
        path = _text(entry) or ""
        container, index = _resolve(items, path, kind, file, _line(entry), name)
        del container[index]
    override = _get(item, "override")
    if override is not None:
        for key_node, patch in _pairs(override, "override", file):
            container, index = _resolve(items, key_node.value, kind, file, _line(key_node), name)
            target = container[index]
            if not isinstance(patch, yaml.MappingNode) or not isinstance(target, yaml.MappingNode):
                raise PartError(file, _line(key_node), f"override 的 {key_node.value} 应为映射（键: 值）")
            for k, v in patch.value:
                _set(target, k.value, v, like=k)
    for mode in ("after", "before", "append"):
        spec = _get(item, mode)
        if spec is None:
            continue
        for key_node, added in _pairs(spec, mode, file):
            if not isinstance(added, yaml.SequenceNode):
                label = key_node.value or '""'
                raise PartError(file, _line(key_node), f"{mode} 的 {label} 应为列表")
            new_items = list(added.value)
            if mode == "append":
                target_list = _children_of(items, key_node.value, kind, file, _line(key_node), name)
                target_list.extend(new_items)
            else:
                container, index = _resolve(items, key_node.value, kind, file, _line(key_node), name)
                at = index + 1 if mode == "after" else index
                container[at:at] = new_items

    # Items written at the include point may themselves include parts; scope their rules.
    items_node.value = items
    local = _Checks()
    _expand_list(items_node, kind, (), file, prefix, ctx, local, stack)
    items = list(items_node.value)

    checks_node = _get(part, "checks")
    own_checks: list[yaml.Node] = []
    if checks_node is not None:
        if not isinstance(checks_node, yaml.SequenceNode):
            raise PartError(part_file, _line(checks_node), "checks 应为规则列表")
        own_checks = list(checks_node.value)
    result = _Checks()
    combined = _combine_checks(name, own_checks, nested, part_file)
    combined = _edit_checks(item, combined, file, own_prefix, name)
    result.add(name, combined)
    result.extend(local)
    return items, result


def _combine_checks(name: str, own: list[yaml.Node], nested: _Checks, file: str) -> list[yaml.Node]:
    """A part's own rules, with its nested parts' rules where it marks ``- include: x`` (else at the end)."""
    out: list[yaml.Node] = []
    pending = list(nested.by_part)
    for check in own:
        marker = _text(_get(check, "include")) if isinstance(check, yaml.MappingNode) else None
        if marker is None:
            out.append(check)
            continue
        placed = [nodes for part, nodes in pending if part == marker]
        if not placed:
            raise PartError(file, _line(check), f"checks 中的 include: {marker} 没有对应的部件引用")
        for nodes in placed:
            out.extend(nodes)
        pending = [(p, n) for p, n in pending if p != marker]
    for _, nodes in pending:
        out.extend(nodes)
    return out


def _edit_checks(
    item: yaml.MappingNode, checks: list[yaml.Node], file: str, prefix: str, name: str
) -> list[yaml.Node]:
    def code_of(node: yaml.Node) -> str | None:
        return _text(_get(node, "code"))

    removed = _seq(item, "remove_checks", file)
    for entry in removed:
        code = (_text(entry) or "").replace("{prefix}", prefix)
        if not any(code_of(c) == code for c in checks):
            raise PartError(file, _line(entry), f"部件 {name} 中没有规则 {code}")
        checks = [c for c in checks if code_of(c) != code]
    override = _get(item, "override_checks")
    if override is not None:
        for key_node, patch in _pairs(override, "override_checks", file):
            code = key_node.value.replace("{prefix}", prefix)
            target = next((c for c in checks if code_of(c) == code), None)
            if target is None:
                raise PartError(file, _line(key_node), f"部件 {name} 中没有规则 {code}")
            if not isinstance(patch, yaml.MappingNode):
                raise PartError(file, _line(key_node), f"override_checks 的 {code} 应为映射（键: 值）")
            for k, v in patch.value:
                _set(target, k.value, v, like=k)  # type: ignore[arg-type]
    return checks


def _place_checks(root: yaml.MappingNode, gathered: _Checks, file: str) -> None:
    """Put the parts' rules where the form's ``checks`` list says ``- include: name``, else at the end."""
    checks_node = _get(root, "checks")
    if checks_node is None:
        anchor = _key_node(root, "code_prefix") or root
        checks_node = yaml.SequenceNode(SEQ_TAG, [], anchor.start_mark, anchor.end_mark)
        _set(root, "checks", checks_node, like=anchor)
    if not isinstance(checks_node, yaml.SequenceNode):
        return
    checks_node.value = _combine_checks("", list(checks_node.value), gathered, file)


def _merge_tables(root: yaml.MappingNode, ctx: _Context) -> None:
    """Part sources, choices and evidence kinds join the form's; the form's own keys win."""
    for table in _MERGED_TABLES:
        extra = ctx.tables.get(table)
        if not extra:
            continue
        node = _get(root, table)
        if node is None:
            node = yaml.MappingNode(MAP_TAG, [], root.start_mark, root.end_mark)
            _set(root, table, node, like=root)
        if not isinstance(node, yaml.MappingNode):
            continue
        have = {k.value for k, _ in node.value}
        for key, (key_node, value) in extra.items():
            if key not in have:
                node.value.append((key_node, value))
    if ctx.references:
        node = _get(root, "references")
        if node is None:
            node = yaml.SequenceNode(SEQ_TAG, [], root.start_mark, root.end_mark)
            _set(root, "references", node, like=root)
        if isinstance(node, yaml.SequenceNode):
            have = {_text(_get(r, "name")) for r in node.value}
            node.value.extend(r for n, r in ctx.references.items() if n not in have)


def _collect_tables(part: yaml.MappingNode, ctx: _Context) -> None:
    for table in _MERGED_TABLES:
        node = _get(part, table)
        if isinstance(node, yaml.MappingNode):
            bucket = ctx.tables.setdefault(table, {})
            for k, v in node.value:
                bucket.setdefault(k.value, (k, v))  # type: ignore[arg-type]
    refs = _get(part, "references")
    if isinstance(refs, yaml.SequenceNode):
        for r in refs.value:
            name = _text(_get(r, "name"))
            if name:
                ctx.references.setdefault(name, r)


def _expand_codes(node: yaml.Node, prefix: str) -> None:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            for i, (k, v) in enumerate(n.value):
                if (
                    k.value in ("code", "constraint_code")
                    and isinstance(v, yaml.ScalarNode)
                    and "{prefix}" in v.value
                ):
                    n.value[i] = (k, _scalar(v.value.replace("{prefix}", prefix), v))
                else:
                    stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def _seq(item: yaml.MappingNode, key: str, file: str) -> list[yaml.Node]:
    node = _get(item, key)
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise PartError(file, _line(node), f"{key} 应为列表")
    return list(node.value)


def _pairs(node: yaml.Node, key: str, file: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise PartError(file, _line(node), f"{key} 应为映射（路径: …）")
    return list(node.value)


def _item_name(node: yaml.Node) -> str | None:
    return _text(_get(node, "name"))


def _resolve(
    items: list[yaml.Node], path: str, kind: str, file: str, line: int, part: str
) -> tuple[list[yaml.Node], int]:
    """Find the item at a dotted name path (``carbon_group.carbon_content``): (its list, its index).

    A single name not found at the top is looked for anywhere below, if it is unique there.
    """
    if not path:
        raise PartError(file, line, '路径不能为空（"" 只用于 append）')
    segments = path.split(".")
    container = items
    for depth, seg in enumerate(segments):
        index = next((i for i, n in enumerate(container) if _item_name(n) == seg), None)
        if index is None and len(segments) == 1:
            found = _find_anywhere(items, seg)
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise PartError(file, line, f"部件 {part} 中有多个 {seg}；请写完整路径（如 分组.{seg}）")
        if index is None:
            raise PartError(file, line, f"部件 {part} 中没有 {'.'.join(segments[: depth + 1])}")
        if depth == len(segments) - 1:
            return container, index
        children = _get(container[index], "fields")
        if not isinstance(children, yaml.SequenceNode):
            raise PartError(file, line, f"部件 {part} 中的 {'.'.join(segments[: depth + 1])} 没有子字段")
        container = children.value
    raise PartError(file, line, f"部件 {part} 中没有 {path}")


def _find_anywhere(items: list[yaml.Node], name: str) -> list[tuple[list[yaml.Node], int]]:
    found: list[tuple[list[yaml.Node], int]] = []
    for i, n in enumerate(items):
        if _item_name(n) == name:
            found.append((items, i))
        children = _get(n, "fields")
        if isinstance(children, yaml.SequenceNode):
            found.extend(_find_anywhere(children.value, name))
    return found


def _children_of(
    items: list[yaml.Node], path: str, kind: str, file: str, line: int, part: str
) -> list[yaml.Node]:
    if not path:
        return items
    container, index = _resolve(items, path, kind, file, line, part)
    children = _get(container[index], "fields")
    if not isinstance(children, yaml.SequenceNode):
        raise PartError(file, line, f"部件 {part} 中的 {path} 没有子字段列表，不能 append")
    return children.value
