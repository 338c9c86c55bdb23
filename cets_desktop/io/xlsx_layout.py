"""The Excel layout of a filing, derived from its definition alone (forms are data).

One plan serves the template writer and the importer, so a column can never be written in one
place and looked for in another:

- ``说明``: title, period, how to fill in, the certainty legend (V/R/T/G …) and the sources;
- ``基本信息``: enterprise name, 统一社会信用代码, 填报期间, then every top-level scalar field as
  a row (序号 | 项目 | 单位 | 填写值 | 填写说明), section and group labels as heading rows;
- one sheet per repeat, nested repeats flattened: a child sheet starts with the key column(s) of
  its ancestors (``燃料`` starts with ``机组名称``), then the repeat's own scalar fields; calculated
  fields are read-only columns. One header row, one record per row, no merged cells, so a block
  copied from the user's own ledger pastes straight in;
- hidden ``选项`` (dropdown lists) and ``_meta`` (form, version, period, column → field path map).

Definition overrides (``FieldSpec.excel``): ``sheet`` names a repeat's sheet or moves a top-level
scalar to another label/value sheet; ``header`` renames a column; ``cell`` pins a top-level
scalar's value cell (e.g. ``D12``); ``width`` sets the column width. Form-level ``excel`` keys:
``input_rows`` (unlocked rows per repeat sheet, default 200) and ``font``.
No openpyxl workbook objects here: this module is pure planning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from ..core.display import formula_text
from ..core.spec import FieldSpec, FormSpec

README_SHEET = "说明"
INFO_SHEET = "基本信息"
OPTIONS_SHEET = "选项"
META_SHEET = "_meta"
EXPLAIN_SHEET = "计算过程"
RESERVED_SHEETS = (README_SHEET, INFO_SHEET, OPTIONS_SHEET, META_SHEET, EXPLAIN_SHEET)
LAYOUT_VERSION = "1"

DEFAULT_INPUT_ROWS = 200
HEADER_ROW = 1
FIRST_DATA_ROW = 2
MAX_SHEET_TITLE = 31

# Document-level paths that live on 基本信息 next to the field values.
ENTERPRISE_NAME = "enterprise.name"
ENTERPRISE_USCC = "enterprise.uscc"
PERIOD = "period"
ORDINAL_NAME = "_row"
"""Path suffix of the 序号 column used when a parent repeat has no key (``units[]._row``)."""

# Columns of a label/value sheet (基本信息).
SEQ_COL, LABEL_COL, UNIT_COL, VALUE_COL, HINT_COL = 1, 2, 3, 4, 5
SCALAR_HEADERS = ("序号", "项目", "单位", "填写值", "填写说明")

Role = Literal["input", "calculated", "parent_key", "ordinal", "note", "heading"]

_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
_CELL = re.compile(r"^[A-Z]{1,3}[1-9][0-9]{0,6}$")


class LayoutError(ValueError):
    """The definition's Excel overrides cannot be honoured (a definition problem, in Chinese)."""


@dataclass(frozen=True)
class Column:
    """One column of a repeat sheet."""

    index: int
    header: str
    path: str
    """Schema path: ``units[].fuels[].ncv``; parent keys carry the ancestor's key path."""
    role: Role
    field: FieldSpec | None
    width: float
    level: int = -1
    """For parent keys and 序号: index in the sheet's chain of the repeat the column identifies."""

    @property
    def letter(self) -> str:
        return get_column_letter(self.index)

    @property
    def name(self) -> str:
        """The data name this column fills in its row (``ncv``; ``_row`` for 序号)."""
        return self.field.name if self.field is not None else ORDINAL_NAME

    def header_variants(self) -> set[str]:
        """Normalised header texts the importer accepts for this column."""
        out = {normalize_header(self.header)}
        if self.field is not None and self.role != "parent_key":
            out.add(normalize_header(self.field.label))
            out.add(normalize_header(self.field.name))
            if self.field.excel and self.field.excel.header:
                out.add(normalize_header(self.field.excel.header))
        return out


@dataclass
class RepeatSheet:
    """A sheet holding the rows of one repeat (nested repeats get their own sheet)."""

    name: str
    chain: tuple[FieldSpec, ...]
    """The repeat and its enclosing repeats, outermost first."""
    columns: list[Column]
    input_rows: int
    parent: RepeatSheet | None = None
    children: list[RepeatSheet] = field(default_factory=list)

    @property
    def repeat(self) -> FieldSpec:
        return self.chain[-1]

    @property
    def path(self) -> str:
        return self.repeat.path

    @property
    def depth(self) -> int:
        return len(self.chain) - 1

    @property
    def last_input_row(self) -> int:
        return FIRST_DATA_ROW + self.input_rows - 1

    def parent_key_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role == "parent_key"]

    def identity_column(self) -> Column | None:
        """The column that names a row of this sheet for its child sheets."""
        ident = identity_field(self.repeat)
        for c in self.columns:
            if c.level == self.depth and c.role == "ordinal":
                return c
            if ident is not None and c.role == "input" and c.field is ident:
                return c
        return None

    def freeze_column(self) -> int:
        """First scrolling column: parent keys (and the row's own key when first) stay visible."""
        n = len(self.parent_key_columns())
        ident = self.identity_column()
        if ident is not None and ident.index == n + 1:
            n += 1
        return n + 1


@dataclass
class ScalarEntry:
    """One row (or pinned cell) of a label/value sheet."""

    path: str
    label: str
    role: Role
    field: FieldSpec | None
    row: int
    column: int = VALUE_COL
    unit: str = ""
    seq: str = ""
    hint: str = ""
    pinned: bool = False

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    @property
    def has_value(self) -> bool:
        return self.role in ("input", "calculated")


@dataclass
class ScalarSheet:
    name: str
    entries: list[ScalarEntry]

    def value_entries(self) -> list[ScalarEntry]:
        return [e for e in self.entries if e.has_value]


@dataclass
class WorkbookLayout:
    spec: FormSpec
    scalar_sheets: list[ScalarSheet]
    repeat_sheets: list[RepeatSheet]
    input_rows: int

    @property
    def info(self) -> ScalarSheet:
        return self.scalar_sheets[0]

    def data_sheet_names(self) -> list[str]:
        return [s.name for s in self.scalar_sheets] + [s.name for s in self.repeat_sheets]

    def repeat_sheet(self, path: str) -> RepeatSheet | None:
        return next((s for s in self.repeat_sheets if s.path == path), None)

    def choice_fields(self) -> list[FieldSpec]:
        """Fields that get a dropdown, in layout order, each once."""
        seen: set[str] = set()
        out: list[FieldSpec] = []
        fields = [e.field for s in self.scalar_sheets for e in s.entries if e.role == "input"]
        fields += [c.field for s in self.repeat_sheets for c in s.columns if c.role == "input"]
        for f in fields:
            if f is not None and f.type in ("select_one", "boolean") and f.path not in seen:
                seen.add(f.path)
                out.append(f)
        return out


# --------------------------------------------------------------------------------------------
# Text helpers shared with the writer and the importer


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_header(f: FieldSpec) -> str:
    if f.excel and f.excel.header:
        return f.excel.header
    return f"{f.label}（{f.unit}）" if f.unit else f.label


_HEADER_TRANS = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "＊": "", "*": "", "　": ""})


def normalize_header(text: object) -> str:
    """Header text compared loosely: no spaces or line breaks, half-width brackets, no ``*``."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).translate(_HEADER_TRANS)
    return "".join(s.split()).lower()


def sheet_title(text: str) -> str:
    """A legal Excel sheet title: no ``[]:*?/\\``, no edge apostrophes, at most 31 characters."""
    s = _BAD_TITLE_CHARS.sub("_", text).strip().strip("'")
    return s[:MAX_SHEET_TITLE] or "数据"


def _unique_title(wanted: str, taken: set[str]) -> str:
    # Excel compares sheet names case-insensitively.
    base = sheet_title(wanted)
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"（{n}）"
        title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def identity_field(repeat: FieldSpec) -> FieldSpec | None:
    """The field that names a row of ``repeat`` for child sheets: its key, else its label field."""
    children = {f.name: f for f in repeat.data_fields()}
    for name in (repeat.key, repeat.label_field):
        f = children.get(name) if name else None
        if f is not None and f.is_scalar and not f.is_calculated:
            return f
    return None


def has_child_repeats(repeat: FieldSpec) -> bool:
    return any(f.type == "repeat" for f in repeat.data_fields())


def _column_width(f: FieldSpec, header: str) -> float:
    if f.excel and f.excel.width:
        return float(f.excel.width)
    if f.width == "long" or f.type == "long_text":
        return 48.0
    if f.width == "short":
        return 10.0
    if f.width == "medium":
        return 18.0
    base = {"date": 12.0, "boolean": 10.0, "integer": 10.0, "decimal": 14.0}.get(f.type, 16.0)
    # Headers wrap onto two lines, so half their width is enough.
    return float(min(max(base, display_width(header) / 2 + 2), 30))


# --------------------------------------------------------------------------------------------
# Planning


def plan_workbook(spec: FormSpec, input_rows: int | None = None) -> WorkbookLayout:
    """Derive the sheet plan of ``spec``; raise :class:`LayoutError` on impossible overrides."""
    rows = int(input_rows or spec.excel.get("input_rows") or DEFAULT_INPUT_ROWS)
    taken = {name.lower() for name in RESERVED_SHEETS} | {"history"}
    scalar_sheets = _plan_scalar_sheets(spec, taken)
    repeat_sheets: list[RepeatSheet] = []

    def add(repeat: FieldSpec, parent: RepeatSheet | None) -> None:
        chain = (*(parent.chain if parent else ()), repeat)
        wanted = repeat.excel.sheet if repeat.excel and repeat.excel.sheet else repeat.label
        if wanted.lower() in taken and parent is not None and not (repeat.excel and repeat.excel.sheet):
            wanted = parent.repeat.label + repeat.label  # two nested 明细 sheets → 机组明细, 锅炉明细
        elif repeat.excel and repeat.excel.sheet and wanted.lower() in taken:
            raise LayoutError(
                f"重复组「{repeat.label}」指定的工作表名「{wanted}」已被占用；请在定义的 excel.sheet 中换一个名称"
            )
        sheet = RepeatSheet(_unique_title(wanted, taken), chain, _plan_columns(chain), rows, parent)
        if parent is not None:
            parent.children.append(sheet)
        repeat_sheets.append(sheet)
        for child in repeat.data_fields():
            if child.type == "repeat":
                add(child, sheet)

    for f in spec.top_fields():
        if f.type == "repeat":
            add(f, None)
    return WorkbookLayout(spec, scalar_sheets, repeat_sheets, rows)


def _plan_columns(chain: tuple[FieldSpec, ...]) -> list[Column]:
    columns: list[Column] = []
    headers: set[str] = set()

    def add(header: str, path: str, role: Role, f: FieldSpec | None, width: float, level: int = -1) -> None:
        unique, n = header, 2
        while normalize_header(unique) in headers:
            unique = f"{header}（{f.row}）" if f is not None and f.row and n == 2 else f"{header}（{n}）"
            n += 1
        headers.add(normalize_header(unique))
        columns.append(Column(len(columns) + 1, unique, path, role, f, width, level))

    for level, ancestor in enumerate(chain[:-1]):
        ident = identity_field(ancestor)
        if ident is None:
            add(f"{ancestor.label}序号", f"{ancestor.path}.{ORDINAL_NAME}", "parent_key", None, 10.0, level)
            continue
        header = ident.label
        if normalize_header(header) in headers or normalize_header(header) in {
            normalize_header(f.label) for f in chain[-1].data_fields()
        }:
            header = f"{ancestor.label}·{ident.label}"
        add(header, ident.path, "parent_key", ident, max(_column_width(ident, header), 14.0), level)
    repeat = chain[-1]
    if identity_field(repeat) is None and has_child_repeats(repeat):
        add("序号", f"{repeat.path}.{ORDINAL_NAME}", "ordinal", None, 8.0, len(chain) - 1)
    for f in repeat.data_fields():
        if not f.is_scalar or f.hidden:
            continue  # child repeats get their own sheet; notes have no cells; helper columns stay internal
        header = column_header(f)
        add(header, f.path, "calculated" if f.is_calculated else "input", f, _column_width(f, header))
    return columns


def _plan_scalar_sheets(spec: FormSpec, taken: set[str]) -> list[ScalarSheet]:
    """基本信息 (and any sheet a definition moves top-level scalars to) as label/value rows."""
    info = ScalarSheet(
        INFO_SHEET,
        [
            ScalarEntry(ENTERPRISE_NAME, "企业名称", "input", None, 2, hint="按营业执照填写企业全称"),
            ScalarEntry(
                ENTERPRISE_USCC,
                "统一社会信用代码",
                "input",
                None,
                3,
                hint="18 位，见营业执照（GB 32100-2015）；请按文本填写，勿填成数字",
            ),
            ScalarEntry(
                PERIOD,
                "填报期间",
                "input",
                None,
                4,
                hint="月度填报写作 2026-10，年度填报写作 2026"
                if spec.period_kind == "month"
                else "年度填报写作年份，如 2026",
            ),
        ],
    )
    sheets: dict[str, ScalarSheet] = {INFO_SHEET.lower(): info}
    order: list[ScalarSheet] = [info]
    pinned: dict[str, dict[int, str]] = {}

    def sheet_for(f: FieldSpec) -> ScalarSheet:
        wanted = f.excel.sheet if f.excel and f.excel.sheet else INFO_SHEET
        key = sheet_title(wanted).lower()
        if key not in sheets:
            if key in taken:
                raise LayoutError(
                    f"字段「{f.label}」指定的工作表「{wanted}」是保留名称；请在定义的 excel.sheet 中换一个名称"
                )
            taken.add(key)
            sheets[key] = ScalarSheet(sheet_title(wanted), [])
            order.append(sheets[key])
        return sheets[key]

    # Pinned cells first, so the running rows can step around them.
    items: list[tuple[ScalarSheet, FieldSpec | None, str, Role]] = []

    def walk(fields: Iterable[FieldSpec], heading: str | None) -> None:
        pending = heading
        for f in fields:
            if f.type == "group":
                walk(f.fields, f.label)
                continue
            if f.type == "repeat" or f.hidden or not (f.is_scalar or f.type == "note"):
                continue
            sheet = sheet_for(f)
            if pending:
                items.append((sheet, None, pending, "heading"))
                pending = None
            role: Role = "note" if f.type == "note" else ("calculated" if f.is_calculated else "input")
            items.append((sheet, f, f.label, role))

    for section in spec.sections:
        walk(section.fields, section.label)

    for sheet, f, _, _ in items:
        if f is not None and f.excel and f.excel.cell:
            ref = f.excel.cell.upper().replace("$", "")
            if not _CELL.match(ref):
                raise LayoutError(
                    f"字段「{f.label}」的 excel.cell「{f.excel.cell}」不是单元格地址；请写成 D12 这样的形式"
                )
            col_letter, row = coordinate_from_string(ref)
            if row == 1:
                raise LayoutError(
                    f"字段「{f.label}」的 excel.cell「{ref}」在标题行；请指定第 2 行以下的单元格"
                )
            used = pinned.setdefault(sheet.name, {})
            col = column_index_from_string(col_letter)
            if (row * 1000 + col) in used:
                raise LayoutError(
                    f"字段「{f.label}」与「{used[row * 1000 + col]}」指定了同一个单元格 {sheet.name}!{ref}"
                )
            used[row * 1000 + col] = f.label
    next_row = {s.name: (5 if s is info else 2) for s in order}
    pinned_rows = {name: {key // 1000 for key in cells} for name, cells in pinned.items()}
    for sheet, f, label, role in items:
        if f is not None and f.excel and f.excel.cell:
            col_letter, row = coordinate_from_string(f.excel.cell.upper().replace("$", ""))
            sheet.entries.append(
                _entry(spec, f, role, row, column_index_from_string(col_letter), pinned=True)
            )
            continue
        row = next_row[sheet.name]
        while row in pinned_rows.get(sheet.name, ()):
            row += 1
        next_row[sheet.name] = row + 1
        if f is None:
            sheet.entries.append(ScalarEntry("", label, "heading", None, row))
        else:
            sheet.entries.append(_entry(spec, f, role, row, VALUE_COL))
    for sheet in order:
        sheet.entries.sort(key=lambda e: (e.row, e.column))
    return order


def _entry(
    spec: FormSpec, f: FieldSpec, role: Role, row: int, column: int, pinned: bool = False
) -> ScalarEntry:
    hint = f.hint or ""
    if role == "calculated":
        hint = f"计算值（只读）：{formula_text(spec, f)}"
    elif f.required:
        hint = "；".join(p for p in ("必填" if f.required is True else "按条件必填", hint) if p)
    return ScalarEntry(f.path, f.label, role, f, row, column, f.unit or "", f.row or "", hint, pinned)


def certainty_of(spec: FormSpec, f: FieldSpec | None) -> str:
    """The certainty tag that applies to a field: its own source's, else the form's."""
    src = spec.resolve_source(f.source) if f is not None else None
    return src.certainty if src else spec.certainty
