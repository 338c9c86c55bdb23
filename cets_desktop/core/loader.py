"""Loading definition files: YAML → :class:`FormSpec`, with every problem tied to file and line.

A broken definition must never crash the app: :func:`load_forms` returns the good forms and a
list of :class:`DefinitionError` (file, line, reason in Chinese) for the rest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .definition_error import DefinitionError as DefinitionError  # re-exported: callers import it from here
from .display import plain_certainty_in
from .parts import PartError, expand_parts, file_of
from .spec import FieldSpec, FormSpec

FORMS_DIR_ENV = "CETS_DESKTOP_FORMS_DIR"
"""Environment variable: load definitions from this folder instead of the shipped ``forms/``
(reference tables still come from the shipped ``forms/reference/``). Same name in
``forms_index.FORMS_DIR_ENV`` (which may not import this module: it must stay light)."""


class SourceLine(int):
    """A 1-based line that also knows its file when the node came from a definition part."""

    file: str | None

    def __new__(cls, line: int, file: str | None = None) -> SourceLine:
        obj = super().__new__(cls, line)
        obj.file = file
        return obj


def read_yaml_with_lines(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse YAML safely; return the data and the node tree (for line numbers)."""
    node = compose_yaml(path)
    return construct_yaml(node), node


def construct_yaml(node: yaml.Node | None) -> Any:
    """Build the data of a (possibly merged) node tree."""
    if node is None:
        return None
    return yaml.constructor.SafeConstructor().construct_document(node)


def compose_yaml(path: Path) -> yaml.Node | None:
    """Parse YAML safely into its node tree (kept for line numbers); errors as DefinitionError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DefinitionError(path, 0, f"无法读取文件（{exc.strerror or exc}）") from None
    if not raw.strip():
        raise DefinitionError(path, 0, "文件为空")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DefinitionError(
            path, 0, f"文件不是 UTF-8 编码（第 {exc.start} 字节）；请用 UTF-8 另存"
        ) from None
    # One parse with libyaml when available (pure-Python YAML was most of the app's start-up):
    # compose the node tree (kept for line numbers), then build the data from the same nodes.
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        line = (exc.problem_mark.line + 1) if exc.problem_mark else 0
        raise DefinitionError(path, line, f"YAML 格式错误：{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise DefinitionError(path, 0, f"YAML 格式错误：{exc}") from None
    return node


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> SourceLine:
    """1-based line of the YAML node at ``loc`` (keys and list indices), or its nearest parent.

    After parts are merged, a node may come from a part file: the line then carries that file.
    """
    current = node
    line = (current.start_mark.line + 1) if current is not None else 0
    file = file_of(current)
    for part in loc:
        if isinstance(current, yaml.MappingNode):
            nxt = None
            for key_node, value_node in current.value:
                if key_node.value == part or (part == "assert_" and key_node.value == "assert"):
                    nxt = value_node
                    line = key_node.start_mark.line + 1
                    file = file_of(key_node)
                    break
            if nxt is None:
                return SourceLine(line, file)
            current = nxt
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(current.value):
                return SourceLine(line, file)
            current = current.value[part]
            line = current.start_mark.line + 1
            file = file_of(current)
        else:
            return SourceLine(line, file)
    return SourceLine(line, file)


_PYDANTIC_REASONS = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的项（拼写错误？）",
    "literal_error": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "string_type": "应为文本",
    "bool_parsing": "应为 true/false",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
}


def _explain_validation(path: Path, node: yaml.Node | None, exc: ValidationError) -> DefinitionError:
    # Report the first problem precisely (a broken file usually has one cause); count the rest.
    errors = exc.errors()
    first = errors[0]
    loc = tuple(
        p
        for p in first["loc"]
        if not (isinstance(p, str) and p.startswith(("function-after", "tagged-union")))
    )
    reason = _PYDANTIC_REASONS.get(first["type"], "")
    message = first.get("msg", "")
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    where = ".".join(str(p) for p in loc)
    detail = f"{where}：{reason or message}" if where else (reason or message)
    if reason and first["type"] == "literal_error":
        detail += f"（{message}）"
    if len(errors) > 1:
        detail += f"（另有 {len(errors) - 1} 处问题）"
    return DefinitionError(path, line_of(node, loc), detail)


def load_form(path: str | Path, bind: bool = True) -> FormSpec:
    """Load, validate and index one definition file; raise :class:`DefinitionError`.

    ``bind=False`` defers compiling the expressions to first use (:func:`binding.bound`): the
    window then appears ~0.2 s sooner, and :func:`bind_pending` checks them right after.
    """
    path = Path(path)
    node = compose_yaml(path)
    if not isinstance(node, yaml.MappingNode):
        raise DefinitionError(path, 1, "定义文件的顶层应为映射（id: …, sections: …）")
    # Shared parts (forms/parts/*.yaml) are merged on the node tree, before validation, so
    # every line number still points at the file (form or part) it was written in.
    try:
        parts = expand_parts(node, path, compose_yaml)
    except PartError as exc:
        raise DefinitionError(exc.file, exc.line, exc.reason) from None
    # Reviewers' inline tags ("[T]") become the words an official reads, once, here.
    data = plain_certainty_in(construct_yaml(node))
    try:
        spec = FormSpec.model_validate(data)
    except ValidationError as exc:
        raise _explain_validation(path, node, exc) from None
    spec._file = str(path)
    spec._parts = parts
    _index(spec, path, node)
    # Expressions are compiled and name-checked here so errors surface at load, with a line.
    from .binding import bind_form

    locate = lambda loc: line_of(node, loc)  # noqa: E731 - kept for a deferred bind
    if bind:
        bind_form(spec, locate=locate)
    else:
        spec._bind_later = locate  # type: ignore[attr-defined]
    return spec


def _index(spec: FormSpec, path: Path, node: yaml.Node | None) -> None:
    """Give each field its schema path, scope and YAML location; check names are unique."""
    by_path: dict[str, FieldSpec] = {}

    def walk(
        fields: list[FieldSpec],
        loc: tuple[Any, ...],
        prefix: str,
        scope: tuple[str, ...],
        seen: dict[str, tuple[Any, ...]],
    ) -> None:
        for i, f in enumerate(fields):
            floc = (*loc, "fields", i)
            f._loc = floc
            f._scope = scope
            if f.type == "group":
                walk(f.fields, floc, prefix, scope, seen)
                continue
            if f.name in seen:
                raise DefinitionError(
                    path,
                    line_of(node, (*floc, "name")),
                    f"字段名 {f.name} 在同一层级重复出现（第 {line_of(node, seen[f.name])} 行已有）",
                )
            seen[f.name] = floc
            f._path = prefix + f.name
            if f.type == "repeat":
                f._path += "[]"
                by_path[f._path] = f
                walk(f.fields, floc, f._path + ".", (*scope, f.name), {})
            else:
                by_path[f._path] = f

    top_seen: dict[str, tuple[Any, ...]] = {}
    for si, section in enumerate(spec.sections):
        walk(section.fields, ("sections", si), "", (), top_seen)
    spec._fields_by_path = by_path
    for key, src in spec.sources.items():
        del key, src  # sources are validated by the model; keys are referenced below
    for f in by_path.values():
        if isinstance(f.source, str) and f.source not in spec.sources:
            raise DefinitionError(
                path, line_of(node, (*f._loc, "source")), f"来源 {f.source!r} 未在 sources 中定义"
            )
        if isinstance(f.choices, str) and f.choices not in spec.choices:
            raise DefinitionError(
                path, line_of(node, (*f._loc, "choices")), f"选项列表 {f.choices!r} 未在 choices 中定义"
            )


def governs(spec: FormSpec, period: str) -> bool:
    """True when ``spec``'s validity (valid_from … valid_to) covers ``period``
    (``forms_index.period_governed`` is the same rule for index entries)."""
    period = str(period)
    if spec.valid_from and period[: len(spec.valid_from)] < spec.valid_from:
        return False
    if spec.valid_to and period[: len(spec.valid_to)] > spec.valid_to:
        return False
    return True


@dataclass
class FormRegistry:
    """All definitions found in a folder: the usable forms and the errors of the broken ones."""

    forms: dict[tuple[str, str], FormSpec] = field(default_factory=dict)
    errors: list[DefinitionError] = field(default_factory=list)

    def latest(self, form_id: str) -> FormSpec | None:
        candidates = [s for (fid, _), s in self.forms.items() if fid == form_id]
        return max(candidates, key=lambda s: (s.template_year, s.version), default=None)

    def get(self, form_id: str, version: str | None = None) -> FormSpec | None:
        """``power-monthly``, ``power-monthly@2026.1`` or (id, version)."""
        if version is None and "@" in form_id:
            form_id, version = form_id.split("@", 1)
        if version:
            spec = self.forms.get((form_id, version))
            if spec:
                return spec
            by_year = [
                s for (fid, _), s in self.forms.items() if fid == form_id and str(s.template_year) == version
            ]
            if by_year:
                return max(by_year, key=lambda s: s.version)
            return None
        return self.latest(form_id)

    def for_period(self, form_id: str, period: str) -> FormSpec | None:
        """The one rule for which definition applies to a period: the template in force for it.

        A template governs ``valid_from ≤ period ≤ valid_to`` (open ends unbounded; ``2027`` and
        ``2027-03`` compare on the shorter form). When several do (a 2027 file beside an open-ended
        2026 one), the one that starts latest wins, so a new template year is one new file. A period
        before every template of the form is refused (None): never another year's definition.
        """
        matches = [s for (fid, _), s in self.forms.items() if fid == form_id and governs(s, period)]
        return max(matches, key=lambda s: (s.valid_from or "", s.template_year, s.version), default=None)

    def versions(self, form_id: str) -> list[FormSpec]:
        """Every loaded template of a form, oldest first."""
        return sorted(
            (s for (fid, _), s in self.forms.items() if fid == form_id),
            key=lambda s: (s.valid_from or "", s.template_year, s.version),
        )

    def all(self) -> list[FormSpec]:
        return sorted(self.forms.values(), key=lambda s: (s.filing_type, s.sector, s.id, s.template_year))


def load_forms(folder: str | Path | None = None, bind: bool = True) -> FormRegistry:
    """Load every ``*.yaml`` definition in ``folder`` (default: the shipped ``forms/``)."""
    shared = folder is None
    if folder is None:
        from ..paths import forms_dir

        # Authors trying a new template year (and tests) point the app at another definitions folder.
        folder = os.path.abspath(os.environ.get(FORMS_DIR_ENV) or forms_dir())
    registry = FormRegistry()
    for file in sorted(Path(folder).glob("*.yaml")):
        try:
            # The definitions in use: the same objects the forms index hands out (cached_form).
            spec = _shared_form(file, bind) if shared else load_form(file, bind=bind)
        except DefinitionError as exc:
            registry.errors.append(exc)
            continue
        key = (spec.id, spec.version)
        if key in registry.forms:
            registry.errors.append(
                DefinitionError(
                    file, 1, f"表单 {spec.id} 版本 {spec.version} 与 {registry.forms[key].file} 重复"
                )
            )
            continue
        registry.forms[key] = spec
    return registry


_DEFAULT_REGISTRY: FormRegistry | None = None

_LOADED: dict[str, tuple[int, int, FormSpec]] = {}
"""Definitions loaded one at a time (``bind=False``), by file: (size, mtime_ns, spec)."""


def cached_form(path: str | Path) -> FormSpec:
    """One definition file, loaded once per process (``bind=False``) and shared with the default
    registry, so the spec a caller picks through the forms index is the registry's own object.
    Reloaded when the file changed since; raises :class:`DefinitionError`."""
    key = os.path.abspath(path)
    try:
        st = os.stat(key)
        stamp = (st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = (-1, -1)
    found = _LOADED.get(key)
    if found is not None and found[:2] == stamp:
        return found[2]
    spec = load_form(key, bind=False)
    _LOADED[key] = (*stamp, spec)
    return spec


def remember_loaded(spec: FormSpec, stamp: tuple[int, int]) -> None:
    """Keep a spec :func:`load_forms` loaded (``bind=False``) for :func:`cached_form`; ``stamp`` is
    the file's (size, mtime_ns) from before it was read."""
    _LOADED[os.path.abspath(spec.file)] = (*stamp, spec)


def indexed_form(entry: Any) -> FormSpec | None:
    """The definition a forms-index entry names (``core.forms_index.FormEntry``: path, form_id,
    version), or None when the file no longer holds it (changed or broken since the index was
    made: the caller then asks the full registry)."""
    try:
        spec = cached_form(entry.path)
    except DefinitionError:
        return None
    return spec if (spec.id, spec.version) == (entry.form_id, entry.version) else None


def _shared_form(path: Path, bind: bool) -> FormSpec:
    spec = cached_form(path)
    locate = spec._bind_later
    if bind and locate is not None:
        from .binding import bind_form

        bind_form(spec, locate=locate)
        spec._bind_later = None
    return spec


def default_registry(bind: bool = True) -> FormRegistry:
    """The shipped definitions, loaded once per process (``bind=False``: see :func:`load_form`)."""
    global _DEFAULT_REGISTRY
    if _DEFAULT_REGISTRY is None:
        _DEFAULT_REGISTRY = load_forms(bind=bind)
    return _DEFAULT_REGISTRY


def bind_pending(registry: FormRegistry) -> list[DefinitionError]:
    """Compile the expressions of forms loaded with ``bind=False``; drop and return the broken ones."""
    from .binding import bind_form

    broken: list[DefinitionError] = []
    for key, spec in list(registry.forms.items()):
        locate = getattr(spec, "_bind_later", None)
        if locate is None:
            continue
        try:
            bind_form(spec, locate=locate)
        except DefinitionError as exc:
            broken.append(exc)
            del registry.forms[key]
        spec._bind_later = None  # type: ignore[attr-defined]
    registry.errors.extend(broken)
    return broken
