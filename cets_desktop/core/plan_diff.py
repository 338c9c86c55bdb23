"""What changed between two versions of a data quality control plan, and the drafted change statement.

Rows are matched by their repeat ``key`` (or, for the parameter table, which has no key, by its
row label 机组·燃料·参数), never by position: a row moved up or down is not a change. Values are
compared typed (``10`` equals ``10.00``) and only where the new version asks the field
(``relevant``): columns no longer asked (the meter columns after 实测值 → 缺省值) are implied by
the change that hid them, while newly asked ones are listed as 补充.

:func:`change_statement` drafts the Chinese text a user pastes into the revision table
(“编制/修订内容”) and the platform: numbered items grouped by section in the plan's order, the
revision triggers of mandatory-sectors.md §1.1.1(a) that match the changes, and a summary line.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from .binding import bound
from .calc import calculate, is_relevant
from .coerce import coerce_values
from .display import display_value
from .document import FilingDocument, period_problem
from .evaluation_context import Ctx, Env
from .reference import ReferenceSet, default_references
from .spec import FieldSpec, FormSpec, _flatten_groups

# The plan tools find what they need by role (spec.SectionRole / FieldRole / ChoiceRole), never by
# a sector's section, field or choice names: see :class:`PlanLayout`. Values such as 全厂 are the
# shared vocabulary of plan rows (a row for the whole plant), documented with ``monthly_links``.
PLANT_WIDE = frozenset({"全厂"})
ENTERPRISE_FIELDS = frozenset({"enterprise.name", "enterprise.uscc"})
"""Header fields of every filing; a change suggests the legal-entity trigger."""
DEFAULT_REVISION_TABLE = ("revisions", "version")
"""Where the plan-common part keeps the version table, for callers that have values but no spec."""


@dataclass
class PlanLayout:
    """Where a plan definition keeps what diff, copy and coherence need, found by role."""

    spec: FormSpec
    revision_section: str = ""
    entity_section: str = ""
    boundary_section: str = ""
    revision_table: FieldSpec | None = None
    version_field: str = ""
    revision_kind_field: str = ""
    trigger_choices: str = ""
    parameter_table: FieldSpec | None = None
    equipment_register: FieldSpec | None = None
    facility_list: FieldSpec | None = None
    param: dict[str, str] = field(default_factory=dict)
    """Parameter-row field names by role without the ``parameter_`` prefix: facility, object, name,
    other, label, level, route, instrument, lab."""
    meter_fields: frozenset[str] = frozenset()
    register_meter_fields: frozenset[str] = frozenset()
    routine_fields: frozenset[str] = frozenset()
    entity_fields: frozenset[str] = frozenset()
    measured: str | None = None
    """The route value meaning “measured” (实测值) in the parameter table's route list."""

    @property
    def parameter_path(self) -> str:
        return self.parameter_table.path if self.parameter_table is not None else ""

    @property
    def equipment_path(self) -> str:
        return self.equipment_register.path if self.equipment_register is not None else ""

    def trigger(self, role: str) -> str | None:
        choice = self.spec.choice_by_role(self.trigger_choices, role)
        return choice.value if choice is not None else None

    def choice_value(self, list_field: str, role: str) -> str | None:
        f = self.spec.find_field(list_field) if list_field else None
        name = f.choices if f is not None and isinstance(f.choices, str) else None
        choice = self.spec.choice_by_role(name, role)
        return choice.value if choice is not None else None


def plan_layout(spec: FormSpec) -> PlanLayout:
    """The plan's sections and tables by role (empty names where the definition declares none)."""

    def section(role: str) -> str:
        s = spec.section_by_role(role)
        return s.name if s is not None else ""

    out = PlanLayout(spec, section("plan_revisions"), section("plan_entity"), section("plan_boundary"))
    out.revision_table = spec.field_by_role("revision_table")
    if out.revision_table is not None:
        version = spec.field_by_role("revision_version", out.revision_table)
        kind = spec.field_by_role("revision_kind", out.revision_table)
        triggers = spec.field_by_role("revision_triggers", out.revision_table)
        out.version_field = version.name if version else ""
        out.revision_kind_field = kind.path if kind else ""
        out.trigger_choices = (
            triggers.choices if triggers is not None and isinstance(triggers.choices, str) else ""
        )
    out.parameter_table = spec.field_by_role("parameter_table")
    out.equipment_register = spec.field_by_role("equipment_register")
    out.facility_list = spec.field_by_role("facility_list")
    if out.parameter_table is not None:
        row = out.parameter_table
        for role in ("facility", "object", "name", "other", "label", "level", "route", "instrument", "lab"):
            f = spec.field_by_role(f"parameter_{role}", row)
            if f is not None:
                out.param[role] = f.name
        out.meter_fields = frozenset(
            f.name
            for f in row.data_fields()
            if f.role in ("measurement", "parameter_instrument", "parameter_lab")
        )
        route = spec.field_by_role("parameter_route", row)
        if route is not None and isinstance(route.choices, str):
            measured = spec.choice_by_role(route.choices, "measured")
            out.measured = measured.value if measured else None
    if out.equipment_register is not None:
        out.register_meter_fields = frozenset(
            f.name for f in spec.fields_with_role("measurement", out.equipment_register)
        )
    out.routine_fields = frozenset(f.name for f in spec.fields_with_role("routine"))
    out.entity_fields = ENTERPRISE_FIELDS | {f.name for f in spec.fields_with_role("entity_identity")}
    return out


_SECTION_NUMBER = re.compile(r"^（[一二三四五六七八九十]+）")
_CN_NUMERALS = "一二三四五六七八九十"
MAX_TEXT = 60

ChangeKind = Literal["added", "removed", "changed"]


@dataclass
class FieldChange:
    """One field's old → new value, as display text ("" = blank)."""

    name: str
    label: str
    old: str
    new: str

    def phrase(self) -> str:
        if not self.old:
            return f"{self.label}补充为“{self.new}”"
        if not self.new:
            return f"删除{self.label}（原为“{self.old}”）"
        return f"{self.label}由“{self.old}”变更为“{self.new}”"


@dataclass
class PlanChange:
    """A row added, removed or changed, or a top-level field changed."""

    kind: ChangeKind
    section: str
    section_label: str
    repeat: str
    """Schema path of the repeat (``units[]``, ``units[].main_equipment[]``); "" for a top-level field."""
    key: str
    """The row's key (``1号机组``, ``EQ-BS-01``, ``1号机组·混煤·燃煤消耗量``) or the field name."""
    location: str
    """Where, in words: 机组「1号机组」› 主要设备「锅炉 B1」, 机组「1号机组」› 参数「燃煤消耗量（混煤）」."""
    path: str
    """Instance path in the new plan (in the old plan for a removed row)."""
    parent: str = ""
    """Location of the enclosing row for a nested repeat ("" at the top)."""
    row_label: str = ""
    """The row itself in words (机组「3号机组」)."""
    fields: list[FieldChange] = field(default_factory=list)
    """Changed fields; for an added or removed row, its main filled fields."""
    triggers: list[str] = field(default_factory=list)
    """Suggested revision triggers (values of the plan's ``revision_trigger`` choices)."""
    trigger_fields: dict[str, list[str]] = field(default_factory=dict)
    """For a changed row: trigger → labels of the fields that suggest it."""

    def sentence(self) -> str:
        """The item as it reads in the change statement."""
        summary = "，".join(f"{c.label}：{c.new or c.old}" for c in self.fields)
        if self.kind == "added":
            text = f"{self.parent}新增{self.row_label}"
            return text + (f"（{summary}）" if summary else "")
        if self.kind == "removed":
            text = f"{self.parent}删除{self.row_label}"
            return text + (f"（{summary}）" if summary else "")
        changed = [c.phrase() for c in self.fields if c.old and c.new]
        added = [f"{c.label}“{c.new}”" for c in self.fields if not c.old]
        removed = [f"{c.label}（原为“{c.old}”）" for c in self.fields if not c.new]
        parts = (
            changed
            + ([f"补充{'、'.join(added)}"] if added else [])
            + ([f"删除{'、'.join(removed)}"] if removed else [])
        )
        text = "，".join(parts)
        return f"{self.location}的{text}" if self.location else text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TriggerSuggestion:
    value: str
    label: str
    reasons: list[str]


@dataclass
class PlanDiff:
    form: str
    title: str
    old_period: str
    new_period: str
    old_version: str
    new_version: str
    changes: list[PlanChange]
    sections: list[tuple[str, str]]
    """(name, label) of the plan's sections, in the official order."""
    trigger_labels: dict[str, str]
    revision_section: str = ""
    """The plan's version/revision section (role plan_revisions): not described in the statement."""

    @property
    def statement_changes(self) -> list[PlanChange]:
        """Changes the statement describes (the revision table itself is left out)."""
        return [c for c in self.changes if not self.revision_section or c.section != self.revision_section]

    @property
    def is_empty(self) -> bool:
        return not self.statement_changes

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for c in self.statement_changes:
            out[c.kind] += 1
        return out

    def triggers(self) -> list[TriggerSuggestion]:
        """Suggested revision triggers in the order of the plan's checklist, each with its reasons."""
        reasons: dict[str, list[str]] = {}
        for c in self.statement_changes:
            for t in c.triggers:
                why = _short_reason(c, t)
                bucket = reasons.setdefault(t, [])
                if why not in bucket:
                    bucket.append(why)
        order = list(self.trigger_labels)
        return [
            TriggerSuggestion(v, self.trigger_labels.get(v, v), reasons[v])
            for v in sorted(reasons, key=lambda v: order.index(v) if v in order else len(order))
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "title": self.title,
            "old": {"period": self.old_period, "version": self.old_version},
            "new": {"period": self.new_period, "version": self.new_version},
            "summary": self.counts(),
            "changes": [c.to_json() for c in self.changes],
            "triggers": [asdict(t) for t in self.triggers()],
            "statement": change_statement(self),
        }


# --------------------------------------------------------------------------------------------
# Diff


def typed_plan_values(
    spec: FormSpec, doc: FilingDocument, references: ReferenceSet | None = None
) -> tuple[dict[str, Any], Env]:
    """Typed values with calculated helpers (row labels) filled, and the env they were computed in."""
    values, _ = coerce_values(spec, doc.values)
    period = doc.period if period_problem(doc.period, spec.period_kind) is None else str(spec.template_year)
    env = Env(period, references or default_references())
    calculate(spec, values, env)
    return values, env


def latest_version(values: dict[str, Any], spec: FormSpec | None = None) -> str:
    """The version number of the plan's last revision row ("" if none).

    The table and column come from the definition's roles; without a spec, from the plan-common part.
    """
    table, column = DEFAULT_REVISION_TABLE
    if spec is not None:
        layout = plan_layout(spec)
        if layout.revision_table is None or not layout.version_field:
            return ""
        table, column = layout.revision_table.name, layout.version_field
    rows = values.get(table) or []
    for row in reversed(rows if isinstance(rows, list) else []):
        if isinstance(row, dict) and row.get(column):
            return str(row[column])
    return ""


def diff_plans(
    spec: FormSpec, old_doc: FilingDocument, new_doc: FilingDocument, references: ReferenceSet | None = None
) -> PlanDiff:
    """Structured changes from ``old_doc`` to ``new_doc`` (both read with ``spec``)."""
    old, old_env = typed_plan_values(spec, old_doc, references)
    new, new_env = typed_plan_values(spec, new_doc, references)
    walker = _Walker(spec, old_env, new_env, old, new)
    layout = walker.layout
    for section in spec.sections:
        walker.section = section.name
        walker.section_label = _SECTION_NUMBER.sub("", section.label)
        if section.name == layout.entity_section:
            walker.enterprise(old_doc, new_doc)
        walker.level(_flatten_groups(section.fields), (old,), (new,), (), (), (), [], top=True)
    labels = {c.value: c.text for c in spec.choices.get(layout.trigger_choices, [])}
    return PlanDiff(
        spec.id,
        spec.title,
        old_doc.period,
        new_doc.period,
        latest_version(old, spec),
        latest_version(new, spec),
        walker.changes,
        [(s.name, _SECTION_NUMBER.sub("", s.label)) for s in spec.sections],
        labels,
        layout.revision_section,
    )


Chain = tuple[dict[str, Any], ...]


class _Walker:
    def __init__(self, spec: FormSpec, old_env: Env, new_env: Env, old: dict[str, Any], new: dict[str, Any]):
        self.spec = spec
        self.form = bound(spec)
        self.old_env = old_env
        self.new_env = new_env
        self.changes: list[PlanChange] = []
        self.section = ""
        self.section_label = ""
        self.layout = layout = plan_layout(spec)
        self.old_objects = _parameter_values(layout, old, "object")
        self.new_objects = _parameter_values(layout, new, "object")
        self.old_facilities = _parameter_values(layout, old, "facility")
        self.new_facilities = _parameter_values(layout, new, "facility")
        self.trigger_values = {c.value for c in spec.choices.get(layout.trigger_choices, [])}
        self.t_facility = layout.trigger("trigger_facility")
        self.t_meter = layout.trigger("trigger_meter")
        self.t_accuracy = layout.trigger("trigger_accuracy")
        self.t_entity = layout.trigger("trigger_entity")
        self.config_trigger = layout.trigger("trigger_configuration")
        self.facility_repeat = layout.facility_list

    # -- values ---------------------------------------------------------------------------
    def asked(self, f: FieldSpec, chain: Chain, scope: tuple[FieldSpec, ...], env: Env) -> bool:
        bf = self.form.fields.get(f.path)
        return bf is None or bf.relevant is None or is_relevant(bf, Ctx(chain, env, scope))

    def value(self, f: FieldSpec, chain: Chain | None, scope: tuple[FieldSpec, ...], env: Env) -> Any:
        """The value where the field is asked; blank where it is not (or the row does not exist)."""
        if chain is None or not self.asked(f, chain, scope, env):
            return None
        return chain[-1].get(f.name)

    # -- the enterprise header (name, code) is part of section (b) ---------------------------
    def enterprise(self, old_doc: FilingDocument, new_doc: FilingDocument) -> None:
        for name, label in (("name", "企业名称"), ("uscc", "统一社会信用代码")):
            a, b = getattr(old_doc.enterprise, name) or "", getattr(new_doc.enterprise, name) or ""
            if a.strip() != b.strip():
                fc = FieldChange(f"enterprise.{name}", label, a, b)
                why = self._field_triggers(None, [fc], None)
                self.changes.append(
                    PlanChange(
                        "changed",
                        self.section,
                        self.section_label,
                        "",
                        f"enterprise.{name}",
                        "",
                        f"enterprise.{name}",
                        fields=[fc],
                        triggers=list(why),
                        trigger_fields=why,
                    )
                )

    # -- one data level -----------------------------------------------------------------------
    def level(
        self,
        fields: list[FieldSpec],
        old_chain: Chain | None,
        new_chain: Chain | None,
        scope: tuple[FieldSpec, ...],
        old_idx: tuple[int, ...],
        new_idx: tuple[int, ...],
        parents: list[str],
        top: bool = False,
        row: tuple[FieldSpec, str, str, str, str] | None = None,
    ) -> None:
        """Compare one level; ``row`` = (repeat, key, label, location, path) when the level is a matched row."""
        scalar_changes: list[FieldChange] = []
        nested: list[FieldSpec] = []
        for f in fields:
            if f.type == "repeat":
                nested.append(f)
                continue
            if f.type in ("note", "group") or f.calculation is not None or f.hidden:
                continue
            if new_chain is not None and not self.asked(f, new_chain, scope, self.new_env):
                continue  # no longer asked (e.g. meter columns after 实测值 → 缺省值): implied by that change
            a = self.value(f, old_chain, scope, self.old_env)
            b = self.value(f, new_chain, scope, self.new_env)
            if _same(a, b):
                continue
            fc = FieldChange(f.name, f.label, _text(f, a), _text(f, b))
            if top:
                path = _instance_path(scope, new_idx, f.name)
                why = self._field_triggers(None, [fc], None)
                self.changes.append(
                    PlanChange(
                        "changed",
                        self.section,
                        self.section_label,
                        "",
                        f.name,
                        "",
                        path,
                        fields=[fc],
                        triggers=list(why),
                        trigger_fields=why,
                    )
                )
            else:
                scalar_changes.append(fc)
        if row is not None and scalar_changes:
            rep, key, label, location, path = row
            assert new_chain is not None
            why = self._field_triggers(rep, scalar_changes, new_chain[-1])
            self.changes.append(
                PlanChange(
                    "changed",
                    self.section,
                    self.section_label,
                    rep.path,
                    key,
                    location,
                    path,
                    parent=_parent_text(parents[:-1]),
                    row_label=label,
                    fields=scalar_changes,
                    triggers=list(why),
                    trigger_fields=why,
                )
            )
        for rep in nested:
            self.repeat(rep, old_chain, new_chain, scope, old_idx, new_idx, parents)

    def repeat(
        self,
        rep: FieldSpec,
        old_chain: Chain | None,
        new_chain: Chain | None,
        scope: tuple[FieldSpec, ...],
        old_idx: tuple[int, ...],
        new_idx: tuple[int, ...],
        parents: list[str],
    ) -> None:
        if new_chain is not None and not self.asked(rep, new_chain, scope, self.new_env):
            return
        old_rows = _rows(self.value(rep, old_chain, scope, self.old_env))
        new_rows = _rows(self.value(rep, new_chain, scope, self.new_env))
        old_keyed = _keyed(rep, old_rows)
        new_keyed = _keyed(rep, new_rows)
        inner = (*scope, rep)
        children = rep.data_fields()
        for key, (i, new_row) in new_keyed.items():
            label = self.row_label(rep, new_row, i)
            location = " › ".join([*parents, label])
            path = _instance_path(inner, (*new_idx, i))
            if key not in old_keyed:
                assert new_chain is not None
                summary = self.summary(rep, (*new_chain, new_row), inner, self.new_env, key, new=True)
                self.changes.append(
                    PlanChange(
                        "added",
                        self.section,
                        self.section_label,
                        rep.path,
                        key,
                        location,
                        path,
                        parent=_parent_text(parents),
                        row_label=label,
                        fields=summary,
                        triggers=self._row_triggers(rep, new_row, "added"),
                    )
                )
                continue
            j, old_row = old_keyed[key]
            assert old_chain is not None and new_chain is not None
            self.level(
                children,
                (*old_chain, old_row),
                (*new_chain, new_row),
                inner,
                (*old_idx, j),
                (*new_idx, i),
                [*parents, label],
                row=(rep, key, label, location, path),
            )
        for key, (j, old_row) in old_keyed.items():
            if key in new_keyed:
                continue
            assert old_chain is not None
            label = self.row_label(rep, old_row, j)
            location = " › ".join([*parents, label])
            summary = self.summary(rep, (*old_chain, old_row), inner, self.old_env, key, new=False)
            self.changes.append(
                PlanChange(
                    "removed",
                    self.section,
                    self.section_label,
                    rep.path,
                    key,
                    location,
                    _instance_path(inner, (*old_idx, j)),
                    parent=_parent_text(parents),
                    row_label=label,
                    fields=summary,
                    triggers=self._row_triggers(rep, old_row, "removed"),
                )
            )

    # -- words ------------------------------------------------------------------------------------
    def row_label(self, rep: FieldSpec, row: dict[str, Any], index: int) -> str:
        if rep.path == self.layout.parameter_path:
            return self.parameter_label(row, index)
        name = None
        for fname in (rep.label_field, rep.key):
            if fname and row.get(fname) not in (None, ""):
                name = row.get(fname)
                break
        return f"{rep.label}「{name}」" if name is not None else f"{rep.label}第 {index + 1} 行"

    def parameter_label(self, row: dict[str, Any], index: int) -> str:
        """机组「1号机组」› 参数「燃煤消耗量（混煤）」; 全厂 › 参数「…」; 企业层级 › 参数「…」."""
        names = self.layout.param
        param = _get(row, names, "label") or _get(row, names, "name")
        if not param:
            return f"参数第 {index + 1} 行"
        obj = _get(row, names, "object")
        text = f"参数「{param}（{obj}）」" if obj else f"参数「{param}」"
        facility = _get(row, names, "facility")
        if facility:
            if facility in PLANT_WIDE or self.facility_repeat is None:
                return f"{facility} › {text}"
            return f"{self.facility_repeat.label}「{facility}」 › {text}"
        level = _get(row, names, "level")
        if level:
            return f"{level} › {text}"
        return text

    def summary(
        self, rep: FieldSpec, chain: Chain, scope: tuple[FieldSpec, ...], env: Env, key: str, new: bool
    ) -> list[FieldChange]:
        """Up to four filled fields that say what an added or removed row is (not its name again)."""
        out: list[FieldChange] = []
        identity = {
            rep.key,
            rep.label_field,
            *(self.layout.param.get(r) for r in ("facility", "name", "other", "label", "object", "level")),
        }
        for f in rep.data_fields():
            if len(out) >= 4:
                break
            if f.type in ("repeat", "note", "group", "long_text") or f.calculation is not None or f.hidden:
                continue
            if f.name in identity:
                continue
            text = _text(f, self.value(f, chain, scope, env))
            if not text or text in key:
                continue
            out.append(FieldChange(f.name, f.label, "" if new else text, text if new else ""))
        return out

    # -- triggers (mandatory-sectors.md §1.1.1(a)) ---------------------------------------------
    def _allowed(self, values: list[str | None]) -> list[str]:
        out: list[str] = []
        for v in values:
            if v and v in self.trigger_values and v not in out:
                out.append(v)
        return out

    def _row_triggers(self, rep: FieldSpec, row: dict[str, Any], kind: ChangeKind) -> list[str]:
        layout = self.layout
        if self.section == layout.revision_section:
            return []
        if self.section == layout.boundary_section:
            return self._allowed([self.t_facility, self.config_trigger])
        if rep.path == layout.parameter_path:
            obj, facility = _get(row, layout.param, "object"), _get(row, layout.param, "facility")
            measured = layout.measured is not None and _get(row, layout.param, "route") == layout.measured
            if kind == "added":
                if (obj and obj not in self.old_objects) or (
                    facility and facility not in self.old_facilities
                ):
                    return self._allowed([self.t_facility])
                return self._allowed([self.t_meter if measured else self.t_accuracy])
            if (obj and obj not in self.new_objects) or (facility and facility not in self.new_facilities):
                return self._allowed([self.t_facility])
            return self._allowed([self.t_accuracy])
        if rep.path == layout.equipment_path:
            return self._allowed([self.t_meter if kind == "added" else self.t_accuracy])
        if self.section == layout.entity_section:
            return []
        return self._allowed([self.t_accuracy])

    def _field_triggers(
        self, rep: FieldSpec | None, changes: list[FieldChange], row: dict[str, Any] | None
    ) -> dict[str, list[str]]:
        """Trigger → labels of the changed fields that suggest it."""
        out: dict[str, list[str]] = {}
        layout = self.layout

        def add(trigger: str | None, c: FieldChange) -> None:
            if trigger and trigger in self.trigger_values:
                out.setdefault(trigger, []).append(c.label)

        for c in changes:
            if self.section == layout.revision_section or c.name in layout.routine_fields:
                continue
            if self.section == layout.entity_section:
                add(self.t_entity if c.name in layout.entity_fields else None, c)
            elif self.section == layout.boundary_section:
                add(self.config_trigger if rep is not None else self.t_accuracy, c)
            elif rep is not None and rep.path == layout.parameter_path:
                if c.name == layout.param.get("route"):
                    measured = (
                        layout.measured is not None
                        and row is not None
                        and _get(row, layout.param, "route") == layout.measured
                    )
                    add(self.t_meter if measured else self.t_accuracy, c)
                else:
                    add(self.t_meter if c.name in layout.meter_fields else self.t_accuracy, c)
            elif rep is not None and rep.path == layout.equipment_path:
                add(self.t_meter if c.name in layout.register_meter_fields else self.t_accuracy, c)
            else:
                add(self.t_accuracy, c)
        return out


# --------------------------------------------------------------------------------------------
# The statement


def change_statement(diff: PlanDiff) -> str:
    """The drafted Chinese change statement: numbered items per section, suggested triggers, summary."""
    changes = diff.statement_changes
    if not changes:
        return "两个版本的计划内容一致，未发现需要说明的修改。"
    lines: list[str] = []
    n = 0
    touched: list[str] = []
    for name, label in diff.sections:
        items = [c for c in changes if c.section == name]
        if not items:
            continue
        numeral = _CN_NUMERALS[n] if n < len(_CN_NUMERALS) else str(n + 1)
        n += 1
        touched.append(label)
        body = "；".join(f"{i}. {c.sentence()}" for i, c in enumerate(items, start=1))
        lines.append(f"{numeral}、{label}：{body}。")
    triggers = diff.triggers()
    if triggers:
        parts = [
            f"{i}. {t.label}（{'；'.join(t.reasons[:2])}{f' 等 {len(t.reasons)} 处' if len(t.reasons) > 2 else ''}）"
            for i, t in enumerate(triggers, start=1)
        ]
        lines.append("建议勾选的修订情形：" + "；".join(parts) + "。")
    counts = diff.counts()
    versions = (
        f"（{diff.old_version} → {diff.new_version}）"
        if diff.old_version and diff.new_version and diff.old_version != diff.new_version
        else ""
    )
    lines.append(
        f"小结：本次修订{versions}共 {len(changes)} 项，其中新增 {counts['added']} 项、删除 {counts['removed']} 项、"
        f"变更 {counts['changed']} 项，涉及{'、'.join(touched)}。"
    )
    return "\n".join(lines)


def _short_reason(c: PlanChange, trigger: str) -> str:
    if c.kind == "added":
        return f"{c.parent}新增{c.row_label}"
    if c.kind == "removed":
        return f"{c.parent}删除{c.row_label}"
    labels = c.trigger_fields.get(trigger) or [f.label for f in c.fields]
    what = "、".join(labels[:2]) + ("等" if len(labels) > 2 else "")
    return f"{c.location}的{what}变更" if c.location else f"{what}变更"


# --------------------------------------------------------------------------------------------
# Helpers


def _parent_text(parents: list[str]) -> str:
    return " › ".join(parents) + " › " if parents else ""


def _get(row: dict[str, Any], names: dict[str, str], role: str) -> Any:
    """A parameter-row value by role ("" field name → None)."""
    name = names.get(role)
    return row.get(name) if name else None


def _parameter_values(layout: PlanLayout, values: dict[str, Any], role: str) -> set[str]:
    name = layout.param.get(role)
    table = layout.parameter_table
    if not name or table is None:
        return set()
    return {str(r[name]) for r in values.get(table.name) or [] if isinstance(r, dict) and r.get(name)}


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r if isinstance(r, dict) else {} for r in value] if isinstance(value, list) else []


def _keyed(rep: FieldSpec, rows: list[dict[str, Any]]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Rows by key (the repeat's ``key``, else its ``label_field``); repeated keys get #2, #3 …"""
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    name = rep.key or rep.label_field
    for i, row in enumerate(rows):
        value = row.get(name) if name else None
        base = str(value).strip() if value not in (None, "", []) else f"#{i + 1}"
        key, n = base, 1
        while key in out:
            n += 1
            key = f"{base}#{n}"
        out[key] = (i, row)
    return out


def _instance_path(scope: tuple[FieldSpec, ...], idx: tuple[int, ...], name: str | None = None) -> str:
    parts = [f"{rep.name}[{i}]" for rep, i in zip(scope, idx, strict=True)]
    if name:
        parts.append(name)
    return ".".join(parts)


def _norm(value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _same(a: Any, b: Any) -> bool:
    return bool(_norm(a) == _norm(b))


def _text(f: FieldSpec, value: Any) -> str:
    """Display text of a value: numbers as the template keeps them, with the unit."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    # The one display rule (core.display): the template's decimals, 是/否, lists joined with 、.
    text = display_value(
        None, f, Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
    )
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return f"{text} {f.unit}" if f.unit else text
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
