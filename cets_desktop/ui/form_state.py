"""What the form widgets need to know about an evaluated filing, per field instance.

No Qt here (kept beside the widgets because only they need it; it could move to ``services``):
which field instances are relevant, which required ones are still blank (the progress bar),
the display text of calculated values, and which step (section) holds a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.binding import bound
from ..core.calc import is_relevant, rounded_values
from ..core.display import display_value as shown_value
from ..core.evaluation_context import Ctx
from ..core.findings import Finding
from ..core.row_positions import RowIndex, instance_path, iter_rows
from ..core.rules import Evaluation
from ..core.spec import FieldSpec, FormSpec
from . import instance_paths


@dataclass
class FormState:
    """Per-instance facts of one evaluation; paths are instance paths."""

    relevant: dict[str, bool] = field(default_factory=dict)
    """Only fields with a ``relevant`` expression appear; absent means relevant."""
    required_total: int = 0
    required_filled: int = 0
    numbers_typed: int = 0
    """Numeric inputs with a value: 0 means nothing has been entered yet."""
    rounded: dict[str, Any] = field(default_factory=dict)
    findings_by_path: dict[str, list[Finding]] = field(default_factory=dict)

    def is_relevant(self, path: str) -> bool:
        # A field inside an irrelevant row-level field is irrelevant too (none nest today).
        return self.relevant.get(path, True)

    def findings_at(self, path: str) -> list[Finding]:
        return self.findings_by_path.get(path, [])

    def worst_severity(self, path: str) -> str | None:
        """error / warning / info, or "missing" when the only problem is a blank required field
        (shown softly: a new form should not start as a wall of red)."""
        open_findings = [
            f for f in self.findings_at(path) if not (f.severity == "warning" and f.acknowledged)
        ]
        if open_findings and all(f.code == "GEN-003" for f in open_findings):
            return "missing"
        for severity in ("error", "warning", "info"):
            if any(f.severity == severity for f in open_findings):
                return severity
        return None

    @property
    def progress(self) -> float:
        return 1.0 if self.required_total == 0 else self.required_filled / self.required_total


def compute_state(ev: Evaluation) -> FormState:
    spec = ev.spec
    form = bound(spec)
    state = FormState()
    assert ev.env is not None
    # Row positions walked once, raw values read by row index: this runs after every keystroke.
    positions = RowIndex(ev.values)
    raw_values = ev.document.values
    for bf in form.fields.values():
        f = bf.spec
        if f.type in ("group", "note"):
            continue
        for rows, idx in iter_rows(positions, bf.scope_fields):
            ctx = Ctx(rows, ev.env, bf.scope_fields)
            relevant = is_relevant(bf, ctx)
            if bf.relevant is not None:
                state.relevant[instance_path(bf.scope_fields, idx, f.name)] = relevant
            if not relevant or f.calculation or f.type == "repeat":
                continue
            if f.type in ("decimal", "integer") and _raw_at(raw_values, bf.scope_fields, idx, f.name) not in (
                None,
                "",
            ):
                state.numbers_typed += 1
            required = (
                f.required
                if isinstance(f.required, bool)
                else (bf.required(ctx) is True if bf.required else False)
            )
            if required:
                state.required_total += 1
                raw = _raw_at(raw_values, bf.scope_fields, idx, f.name)
                if raw not in (None, "", []):
                    state.required_filled += 1
    # A filing with no figure typed yet shows its totals blank, not a reassuring 0.00 t.
    state.rounded = rounded_values(spec, ev.values) if state.numbers_typed else {}
    for finding in ev.findings:
        state.findings_by_path.setdefault(finding.path, []).append(finding)
    return state


def _raw_at(tree: Any, scope_fields: tuple[FieldSpec, ...], idx: tuple[int, ...], name: str) -> Any:
    """``instance_paths.get(tree, instance_path(scope_fields, idx, name))`` without the text path."""
    node = tree
    for rep, i in zip(scope_fields, idx, strict=True):
        rows = node.get(rep.name) if isinstance(node, dict) else None
        if not isinstance(rows, list) or i >= len(rows):
            return None
        node = rows[i]
    return node.get(name) if isinstance(node, dict) else None


def display_value(spec: FormSpec, f: FieldSpec, value: Any) -> str:
    """A typed or calculated value as the form shows it (core.display; dates as typed)."""
    return shown_value(spec, f, value, dates=False)


def section_index_of(spec: FormSpec, path: str) -> int | None:
    """The step holding the top-level field a path starts with."""
    parts = instance_paths.parse(path)
    if not parts:
        return None
    top = parts[0]
    for i, section in enumerate(spec.sections):
        if any(f.name == top for f in _flatten(section.fields)):
            return i
    return None


def _flatten(fields: list[FieldSpec]) -> list[FieldSpec]:
    out: list[FieldSpec] = []
    for f in fields:
        if f.type == "group":
            out.extend(_flatten(f.fields))
        else:
            out.append(f)
    return out


def field_for_path(spec: FormSpec, path: str) -> FieldSpec | None:
    return spec.find_field(instance_paths.schema_path(path))


def location_label(spec: FormSpec, values: dict[str, Any], path: str) -> str:
    """Human place of an instance path: 机组「1号机组」› 燃料「烟煤」› 燃料消耗量."""
    parts = instance_paths.parse(path)
    labels: list[str] = []
    fields = spec.top_fields()
    node: Any = values
    i = 0
    while i < len(parts):
        name = parts[i]
        f = next((x for x in fields if x.name == name), None)
        if f is None:
            labels.append(str(name))
            break
        if f.type == "repeat" and i + 1 < len(parts) and isinstance(parts[i + 1], int):
            index = int(parts[i + 1])
            rows = node.get(f.name) if isinstance(node, dict) else None
            row = (
                rows[index]
                if isinstance(rows, list) and index < len(rows) and isinstance(rows[index], dict)
                else {}
            )
            key = row.get(f.label_field or f.key or "") if (f.label_field or f.key) else None
            labels.append(f"{f.label}「{key}」" if key not in (None, "") else f"{f.label}第 {index + 1} 行")
            node, fields = row, f.data_fields()
            i += 2
            continue
        labels.append(f.label)
        break
    return " › ".join(labels)
