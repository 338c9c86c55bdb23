"""The definition meta-model: what a file under ``forms/`` may say (``FormSpec``).

A definition is data: fields, units, rules, calculations, layout, year/version, and each field's
source with its certainty tag. The JSON Schema of :class:`FormSpec` is written to
``forms/formspec.schema.json`` (``cets-desktop dev schema-json``) so editors autocomplete it.

Vocabulary follows XLSForm (type, name, label, hint, required, constraint, relevant,
calculation, choices, groups, repeats). Groups are layout only; repeats nest the data.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

Certainty = Literal["V", "R", "T", "G", "P", "M"]
"""[V] verified, [R] recalled, [T] third-party, [G] guess; Appendix 5 notes add [P] partial, [M] memory."""

CERTAINTY_LABELS: dict[str, str] = {
    "V": "已核实",
    "R": "据回忆，待核对原文",
    "T": "第三方实现，非官方",
    "G": "推测，待确认",
    "P": "部分核实",
    "M": "据记忆，未复核",
}

Severity = Literal["error", "warning", "info"]
FieldType = Literal[
    "text",
    "long_text",
    "integer",
    "decimal",
    "select_one",
    "select_multiple",
    "date",
    "boolean",
    "repeat",
    "group",
    "note",
]
SCALAR_TYPES = frozenset(
    {"text", "long_text", "integer", "decimal", "select_one", "select_multiple", "date", "boolean"}
)
NUMERIC_TYPES = frozenset({"integer", "decimal"})
RESERVED_NAMES = frozenset(
    {"self", "period_year", "period_month", "period_days", "period_hours", "True", "False", "None"}
)
SectionRole = Literal[
    "filing_info",
    "basis",
    "facilities",
    "totals",
    "plan_revisions",
    "plan_entity",
    "plan_boundary",
    "plan_parameters",
    "plan_quality",
]
"""What a section is for, so tools (plan diff, copy, coherence) find it without knowing its name."""
SECTION_ROLES: tuple[str, ...] = SectionRole.__args__  # type: ignore[attr-defined]

FieldRole = Literal[
    "revision_table",
    "revision_version",
    "revision_kind",
    "revision_triggers",
    "entity_identity",
    "facility_list",
    "parameter_table",
    "parameter_facility",
    "parameter_object",
    "parameter_name",
    "parameter_other",
    "parameter_label",
    "parameter_level",
    "parameter_route",
    "parameter_instrument",
    "parameter_lab",
    "equipment_register",
    "measurement",
    "routine",
]
"""What a field means to the plan tools: the revision table and its version/trigger columns, the
facility list (units, processes, lines, series), the parameter table and the columns that identify
a row, say how it is determined or describe the instrument/method (``measurement``), the
equipment register, and yearly bookkeeping (``routine``: calibration dates, approver).
``parameter_instrument`` / ``parameter_lab`` are the measuring device and the testing laboratory
of a parameter row (both also count as ``measurement``)."""
FIELD_ROLES: tuple[str, ...] = FieldRole.__args__  # type: ignore[attr-defined]

ChoiceRole = Literal[
    "measured",
    "first_issue",
    "revision",
    "trigger_facility",
    "trigger_meter",
    "trigger_wrong_data",
    "trigger_accuracy",
    "trigger_guide",
    "trigger_entity",
    "trigger_configuration",
]
"""What a choice value means: ``measured`` (实测值 in a route list), ``first_issue`` / ``revision``
(首次编制 / 修订 of a plan version) and the plan revision triggers
of the verification guide (new facility or fuel, new meter or method, wrong data, better accuracy,
not per the guide, legal entity change, configuration change)."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{3}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SourceRef(_Strict):
    """Where a field, default or rule comes from, and how sure we are of it."""

    doc: str = Field(
        description="指南/模板名称及文号，如《企业温室气体排放核算与报告指南 发电设施》环办气候〔2022〕485号"
    )
    section: str | None = Field(default=None, description="章节、表号或行号")
    year: int | None = Field(default=None, description="文件年份")
    certainty: Certainty = Field(description="V 已核实 / R 据回忆 / T 第三方 / G 推测（P、M 见附件5笔记）")
    note: str | None = None
    url: str | None = None
    research: str | None = Field(default=None, description="内部：依据在项目研究笔记中的位置（不显示给用户）")

    def cite(self) -> str:
        """The citation a person reads: document, section, year and the certainty in plain
        Chinese (「据回忆，待核对原文」), never a bare tag like [R]."""
        parts = [self.doc]
        if self.section:
            parts.append(self.section)
        if self.year:
            parts.append(str(self.year))
        return " ".join(parts) + f"（{self.certainty_text}）"

    @property
    def certainty_text(self) -> str:
        return CERTAINTY_LABELS.get(self.certainty, "把握程度未注明")


SourceLike = str | SourceRef
"""A key into the form's ``sources`` table, or an inline source."""


class Choice(_Strict):
    value: str
    label: str | None = None
    hint: str | None = None
    role: ChoiceRole | None = Field(
        default=None,
        description="该选项对工具的含义（如 measured = 实测值、trigger_meter = 新测量仪器或方法）",
    )

    @property
    def text(self) -> str:
        return self.label or self.value


class EvidenceRequirement(_Strict):
    """What supporting material (支撑材料) a value needs."""

    required: bool = True
    kinds: list[str] = Field(default_factory=list, description="如 盖章台账扫描件、CMA/CNAS检测报告、结算单")
    description: str = Field(description="给用户看的要求，中文")
    severity: Severity = "warning"
    source: SourceLike | None = None
    when: str | None = Field(default=None, description="仅当此条件为真时才需要（如 非化石能源电量 > 0）")


class ExcelMapping(_Strict):
    """Where a field goes in the Excel template. Defaults are derived from the layout."""

    sheet: str | None = None
    header: str | None = Field(default=None, description="列标题（重复组）")
    cell: str | None = Field(default=None, description="单元格，如 C5（非重复字段）")
    width: float | None = None


class Check(_Strict):
    """A rule: when ``assert`` is false the finding is raised (blank result = not applicable)."""

    code: str = Field(description="稳定的规则编号，如 PWR-M-012")
    severity: Severity = "error"
    assert_: str = Field(alias="assert", description="为真表示通过的表达式")
    when: str | None = Field(default=None, description="前提条件；为假或空时不检查")
    message: str = Field(description="中文提示：哪里不对、怎么改；可用 {字段名} 插入数值")
    path: str | None = Field(default=None, description="发现项指向的字段（相对本作用域）")
    scope: str | None = Field(default=None, description="按行检查的重复组路径，如 units 或 units.fuels")
    source: SourceLike | None = None
    kind: Literal["field", "cross_field", "cross_period", "cross_filing", "plausibility", "completeness"] = (
        "cross_field"
    )

    @field_validator("code")
    @classmethod
    def _code_shape(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError(f"规则编号 {v!r} 应形如 PWR-M-012（大写前缀 + 三位数字）")
        return v


class FieldSpec(_Strict):
    name: str
    type: FieldType
    label: str = Field(description="官方中文名称")
    row: str | None = Field(default=None, description="官方序号，如 1.2.1")
    hint: str | None = Field(default=None, description="官方表述、数据来源要求")
    unit: str | None = None
    decimals: int | None = Field(default=None, ge=0, le=10)
    required: bool | str = False
    required_message: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None
    constraint_code: str | None = None
    constraint_severity: Severity = "error"
    relevant: str | None = None
    calculation: str | None = None
    explain: str | None = Field(default=None, description="公式的人类可读写法，如 E = FC × C_ar × OF × 44/12")
    default: Any = None
    choices: str | list[Choice] | None = None
    fields: list[FieldSpec] = Field(default_factory=list)
    key: str | None = Field(default=None, description="重复组的行标识字段（跨期比较、导入匹配）")
    label_field: str | None = Field(default=None, description="在提示中代表该行的字段")
    min_rows: int = 0
    max_rows: int | None = None
    initial_rows: list[dict[str, Any]] = Field(default_factory=list, description="新建时预置的行")
    evidence: EvidenceRequirement | None = None
    excel: ExcelMapping | None = None
    source: SourceLike | None = None
    checks: list[Check] = Field(default_factory=list)
    min_value: str | None = Field(default=None, description="合理范围下限（仅提示用）")
    width: Literal["short", "medium", "long"] | None = None
    hidden: bool = Field(
        default=False, description="辅助计算列：参与计算和校验，不在界面、Excel 和 PDF 中显示"
    )
    role: FieldRole | None = Field(
        default=None,
        description="该字段对计划比对/复制/一致性检查的含义（如 parameter_table、parameter_route）",
    )

    _loc: tuple[Any, ...] = PrivateAttr(default=())
    _path: str = PrivateAttr(default="")
    _scope: tuple[str, ...] = PrivateAttr(default=())

    @field_validator("name")
    @classmethod
    def _name_shape(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(f"字段名 {v!r} 只能用小写英文字母、数字和下划线，且以字母开头")
        if v in RESERVED_NAMES:
            raise ValueError(f"字段名 {v!r} 是保留字")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type in ("repeat", "group"):
            if not self.fields:
                raise ValueError(f"{self.type} 字段 {self.name} 需要子字段 fields")
        elif self.fields:
            raise ValueError(f"只有 repeat/group 可以有子字段（{self.name} 是 {self.type}）")
        if self.type in ("select_one", "select_multiple") and not self.choices:
            raise ValueError(f"选择题 {self.name} 需要 choices")
        if self.constraint and not (self.constraint_code and self.constraint_message):
            raise ValueError(f"字段 {self.name} 的 constraint 需要 constraint_code 和 constraint_message")
        if self.constraint_code and not _CODE.match(self.constraint_code):
            raise ValueError(f"规则编号 {self.constraint_code!r} 应形如 PWR-M-012")
        if self.key and self.key not in {f.name for f in _flatten_groups(self.fields)}:
            raise ValueError(f"重复组 {self.name} 的 key {self.key!r} 不是其子字段")
        return self

    # Derived information, filled in by the loader.
    @property
    def path(self) -> str:
        """Schema path, repeats marked with ``[]``: ``units[].fuels[].consumption``."""
        return self._path

    @property
    def scope(self) -> tuple[str, ...]:
        """Names of the repeats that enclose this field, outermost first."""
        return self._scope

    @property
    def is_scalar(self) -> bool:
        return self.type in SCALAR_TYPES

    @property
    def is_calculated(self) -> bool:
        return self.calculation is not None

    def data_fields(self) -> list[FieldSpec]:
        """Child fields at this data level (groups flattened, repeats kept as one entry)."""
        return _flatten_groups(self.fields)


def _flatten_groups(fields: list[FieldSpec]) -> list[FieldSpec]:
    out: list[FieldSpec] = []
    for f in fields:
        if f.type == "group":
            out.extend(_flatten_groups(f.fields))
        else:
            out.append(f)
    return out


class Section(_Strict):
    """A step of the guided form (layout only; no nesting in the data)."""

    name: str
    label: str
    description: str | None = None
    role: SectionRole | None = Field(
        default=None,
        description="该部分的用途（如 plan_parameters 数据的确定方式、plan_revisions 版本及修订）",
    )
    fields: list[FieldSpec]


class ReferenceUse(_Strict):
    """A reference table the form's expressions may read with ``ref(name[, key])``."""

    name: str
    note: str | None = None


class MonthlyLink(_Strict):
    """How a plan's parameter row corresponds to a monthly value (plan ↔ month coherence)."""

    form: str = Field(description="月度表单标识，如 power-monthly")
    parameter: str = Field(description="计划中参数行的参数名称，如 燃煤消耗量")
    value_path: str = Field(description="月度表中的字段路径，如 units[].fuels[].consumption")
    route_path: str | None = Field(
        default=None, description="月度表中获取方式字段路径，如 units[].fuels[].consumption_route"
    )
    match: dict[str, str] = Field(
        default_factory=dict, description="计划参数行字段 → 月度行字段，如 {unit_name: unit_name}"
    )
    evidence_kinds: list[str] = Field(default_factory=list, description="按计划所述方式应附的证据类型")


class FormSpec(_Strict):
    """One filing, one template year: the whole definition."""

    spec_format: Literal[1] = Field(default=1, description="定义文件格式版本")
    id: str = Field(description="表单标识，如 power-monthly")
    version: str = Field(description="定义版本，如 2026.1")
    title: str
    filing_type: Literal["monthly", "plan", "supplementary"]
    sector: str = Field(description="行业：power / steel / cement / aluminium / chemical …")
    sector_label: str
    template_year: int
    period_kind: Literal["month", "year"]
    valid_from: str | None = Field(default=None, description="适用的最早期间，如 2026-01")
    valid_to: str | None = None
    certainty: Certainty = Field(description="整个模板的把握程度（取其字段中最弱的一项）")
    description: str | None = None
    code_prefix: str = Field(description="本表规则编号前缀，如 PWR-M")
    sources: dict[str, SourceRef] = Field(default_factory=dict)
    choices: dict[str, list[Choice]] = Field(default_factory=dict)
    references: list[ReferenceUse] = Field(default_factory=list)
    evidence_kinds: dict[str, list[str]] = Field(
        default_factory=dict, description="命名的证据类型清单；evidence.kinds 可写清单名（或列表项 @清单名）"
    )
    sections: list[Section]
    checks: list[Check] = Field(default_factory=list)
    deadline: dict[str, Any] = Field(default_factory=dict, description="截止规则，如 {days_after_period: 40}")
    pdf: dict[str, Any] = Field(default_factory=dict)
    excel: dict[str, Any] = Field(default_factory=dict)
    monthly_links: list[MonthlyLink] = Field(
        default_factory=list, description="计划参数与月度存证字段的对应关系"
    )

    _file: str = PrivateAttr(default="")
    _fields_by_path: dict[str, FieldSpec] = PrivateAttr(default_factory=dict)
    _bound: Any = PrivateAttr(default=None)
    _bind_later: Any = PrivateAttr(default=None)
    _parts: list[str] = PrivateAttr(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not re.match(r"^[a-z][a-z0-9-]*$", v):
            raise ValueError("表单标识只能用小写字母、数字和连字符")
        return v

    @property
    def file(self) -> str:
        return self._file

    @property
    def parts(self) -> list[str]:
        """Names of the definition parts merged into this form (``forms/parts/*.yaml``)."""
        return list(self._parts)

    def top_fields(self) -> list[FieldSpec]:
        out: list[FieldSpec] = []
        for section in self.sections:
            out.extend(_flatten_groups(section.fields))
        return out

    def all_fields(self) -> list[FieldSpec]:
        """Every field (groups excluded), depth first, in layout order."""
        return list(self._fields_by_path.values())

    def field(self, path: str) -> FieldSpec:
        """Look a field up by schema path (``units[].fuels[].consumption``)."""
        return self._fields_by_path[path]

    def find_field(self, path: str) -> FieldSpec | None:
        return self._fields_by_path.get(path)

    def section_by_role(self, role: str) -> Section | None:
        """The section that declares ``role`` (the first one), else None."""
        return next((s for s in self.sections if s.role == role), None)

    def fields_with_role(self, role: str, within: FieldSpec | None = None) -> list[FieldSpec]:
        """Fields declaring ``role``: every data field of the form, or the direct data fields of a repeat."""
        pool = within.data_fields() if within is not None else self.all_fields()
        return [f for f in pool if f.role == role]

    def field_by_role(self, role: str, within: FieldSpec | None = None) -> FieldSpec | None:
        found = self.fields_with_role(role, within)
        return found[0] if found else None

    def choice_by_role(self, list_name: str | None, role: str) -> Choice | None:
        """The choice of list ``list_name`` that declares ``role``."""
        if not list_name:
            return None
        return next((c for c in self.choices.get(list_name, []) if c.role == role), None)

    def resolve_source(self, source: SourceLike | None) -> SourceRef | None:
        if source is None:
            return None
        if isinstance(source, SourceRef):
            return source
        return self.sources.get(source)

    def choice_list(self, field: FieldSpec) -> list[Choice]:
        if isinstance(field.choices, str):
            return self.choices.get(field.choices, [])
        return list(field.choices or [])

    def period_label(self, period: str) -> str:
        if self.period_kind == "month" and len(period) == 7:
            return f"{period[:4]}年{int(period[5:]):d}月"
        return f"{period}年度"

    def weakest_certainty(self) -> str:
        order = "VPRMTG"
        tags = {self.certainty}
        for f in self.all_fields():
            src = self.resolve_source(f.source)
            if src:
                tags.add(src.certainty)
        return max(tags, key=order.index)
