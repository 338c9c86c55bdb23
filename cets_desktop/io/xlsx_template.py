"""Writing the Excel template (blank) or a data workbook (prefilled, calculated values shown).

The layout comes from :mod:`xlsx_layout`, so any definition gets a workbook without new code.
What the workbook does for the user, and why:

- dropdowns read a hidden ``选项`` sheet through workbook-scoped defined names (Excel caps
  inline lists at 255 characters); child sheets' key columns drop down the parent's keys;
- every input cell has a Chinese input message (unit, required, hint, certainty of the source;
  ``showInputMessage`` is off by default in openpyxl) and typed validation (decimal, whole,
  date, list, 18-character USCC); Excel caps those texts at 255/225 (titles 32) characters;
- sheets are protected without a password (a guard against accidents, not security: openpyxl
  writes the 16-bit legacy hash anyway): labels, headers and calculated columns are locked, an
  explicit block of input rows is unlocked. Cells are created only for that block, so nothing
  is written below it and the importer skips the empty rows;
- text cells are formatted as text (``@``) so a typed 2026-10 or a credit code stays text;
  strings starting with ``=`` are written as text, never as formulas.

The file is written to a temp file and renamed into place (:mod:`cets_desktop.atomic`);
failures raise :class:`~cets_desktop.atomic.OutputError` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import __version__
from ..atomic import atomic_write_bytes
from ..core.calc import Explanation, rounded_values
from ..core.display import formula_text, plain_certainty
from ..core.document import FilingDocument
from ..core.numbers import WHOLE_NUMBER_FORMAT, NotANumber, parse_decimal, round_half_up
from ..core.row_positions import iter_rows
from ..core.spec import CERTAINTY_LABELS, FieldSpec, FormSpec
from .xlsx_layout import (
    EXPLAIN_SHEET,
    FIRST_DATA_ROW,
    HEADER_ROW,
    HINT_COL,
    INFO_SHEET,
    LABEL_COL,
    LAYOUT_VERSION,
    META_SHEET,
    OPTIONS_SHEET,
    PERIOD,
    README_SHEET,
    SCALAR_HEADERS,
    SEQ_COL,
    UNIT_COL,
    VALUE_COL,
    Column,
    RepeatSheet,
    ScalarEntry,
    ScalarSheet,
    WorkbookLayout,
    certainty_of,
    identity_field,
    plan_workbook,
)
from .xlsx_writer import save_workbook_bytes

DEFAULT_FONT = "宋体"
YES, NO = "是", "否"
EXCEL_TEXT_LIMIT = 32767
# [MS-XLS] 2.5.37 DValStrings: prompt <= 255, error <= 225, titles <= 32 characters; longer
# texts make Excel "repair" the file and drop the validation.
_PROMPT_LIMIT, _ERROR_LIMIT, _TITLE_LIMIT = 255, 225, 32
_BOUND = re.compile(r"^\s*(?:\.|self)\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_NAME_PART = re.compile(r"[^A-Za-z0-9_]+")
META_HEADERS = ("sheet", "ref", "path", "role", "header")


def write_workbook(
    spec: FormSpec,
    path: str | Path,
    document: FilingDocument | None = None,
    values: dict[str, Any] | None = None,
    explanations: Mapping[str, Explanation] | None = None,
    *,
    period: str | None = None,
) -> None:
    """Write a blank template (no ``document``) or a prefilled data workbook, atomically.

    ``values`` are typed values with calculated fields (e.g. ``Evaluation.values``); they are
    rounded once with :func:`rounded_values`. Without them the calculated columns of a data
    workbook are computed here. ``explanations`` add a read-only ``计算过程`` sheet.
    """
    data = workbook_bytes(spec, document, values, explanations, period=period)
    atomic_write_bytes(Path(path), data)


def workbook_bytes(
    spec: FormSpec,
    document: FilingDocument | None = None,
    values: dict[str, Any] | None = None,
    explanations: Mapping[str, Explanation] | None = None,
    *,
    period: str | None = None,
) -> bytes:
    """The workbook as ``.xlsx`` bytes (for callers that pack it without a temp file)."""
    wb = build_workbook(spec, document, values, explanations, period=period)
    return save_workbook_bytes(wb)


def build_workbook(
    spec: FormSpec,
    document: FilingDocument | None = None,
    values: dict[str, Any] | None = None,
    explanations: Mapping[str, Explanation] | None = None,
    *,
    period: str | None = None,
) -> Workbook:
    layout = plan_workbook(spec, _input_rows_for(spec, document))
    raw: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    if document is not None:
        raw = document.values
        period = document.period or period
        typed = values if values is not None else _calculated(spec, document)
    elif values is not None:
        raw = typed = values
    typed = rounded_values(spec, typed) if typed else {}
    writer = _Writer(spec, layout, document, raw, typed, period or "")
    return writer.build(explanations)


def _input_rows_for(spec: FormSpec, document: FilingDocument | None) -> int | None:
    """The definition's block of unlocked rows, grown when the data alone would nearly fill it."""
    if document is None:
        return None
    layout = plan_workbook(spec)
    most = max((sum(1 for _ in iter_rows(document.values, s.chain)) for s in layout.repeat_sheets), default=0)
    return max(layout.input_rows, most + 50)


def _calculated(spec: FormSpec, document: FilingDocument) -> dict[str, Any]:
    from ..core.rules import evaluate

    return evaluate(spec, document).values


# --------------------------------------------------------------------------------------------
# Cell values


def cell_value(spec: FormSpec, f: FieldSpec, value: Any) -> Any:
    """A document value → what goes into the cell (numbers as numbers, choices as their text).

    Values that are not what the field expects (text in a number field) are written as typed,
    so a data workbook never loses what the user entered.
    """
    if value is None or value == "" or value == []:
        return None
    if f.is_calculated and isinstance(value, str):
        # A computed note carries the definition's review tags ("[T]"); an official reads words.
        value = plain_certainty(value)
    if f.type in ("decimal", "integer"):
        if isinstance(value, str) and value.strip().endswith("%") and f.unit == "%":
            value = value.strip()[:-1]
        try:
            number = parse_decimal(value)
        except NotANumber:
            return _text(value)
        if number is None:
            return None
        if number == number.to_integral_value() and abs(number) < 10**15:
            return int(number)
        return float(number)
    if f.type == "select_one":
        return _choice_text(spec, f, value)
    if f.type == "select_multiple":
        # Values, not labels: labels may contain commas, the separator.
        items = value if isinstance(value, list) else [value]
        return "，".join(_text(v) for v in items)
    if f.type == "boolean":
        if isinstance(value, bool):
            return YES if value else NO
        return _text(value)
    if f.type == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            return _text(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return _text(value)


def _choice_text(spec: FormSpec, f: FieldSpec, value: Any) -> str:
    text = str(value).strip()
    for c in spec.choice_list(f):
        if text in (c.value, c.label):
            return c.text
    return _text(text)


def _text(value: Any) -> str:
    # Control characters are illegal in XLSX XML (openpyxl refuses them); they are invisible.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > EXCEL_TEXT_LIMIT:
        marker = "…（超出 Excel 单元格 32767 字符上限，已截断；全文见 data.json）"
        text = text[: EXCEL_TEXT_LIMIT - len(marker)] + marker
    return text


def _put(cell: Cell, value: Any) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # user text, not a formula


def number_format(f: FieldSpec, calculated: bool = False) -> str:
    if f.type == "decimal":
        if f.decimals is None:
            return "General"
        if f.decimals <= 0:
            # Whole numbers as the PDF prints them (core.numbers): 6630, 11,100.
            return WHOLE_NUMBER_FORMAT
        # Inputs show at least the template's decimals but never hide what was typed.
        return "#,##0." + "0" * f.decimals + ("" if calculated else "#" * max(0, 10 - f.decimals))
    if f.type == "integer":
        return "0"
    if f.type == "date":
        return "yyyy-mm-dd"
    if f.is_calculated:
        return "General"
    return "@"


# --------------------------------------------------------------------------------------------
# Validation texts


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def numeric_bounds(constraint: str | None) -> tuple[Decimal | None, Decimal | None]:
    """Lower and upper bound of a simple constraint (``. >= 0``, ``. > 0 and . < 100``).

    Anything more complex is left to the rules engine: Excel only gets what it can express.
    """
    if not constraint:
        return None, None
    lo = hi = None
    for part in constraint.split(" and "):
        m = _BOUND.match(part)
        if not m:
            return None, None
        op, number = m.group(1), Decimal(m.group(2))
        if op.startswith(">"):
            lo = number
        else:
            hi = number
    return lo, hi


def _prompt(spec: FormSpec, f: FieldSpec, extra: str = "") -> str:
    parts = []
    if f.unit:
        parts.append(f"单位：{f.unit}")
    if f.required is True:
        parts.append("必填")
    elif f.required:
        parts.append("按条件必填")
    if f.type == "decimal" and f.decimals is not None:
        parts.append(f"模板保留 {f.decimals} 位小数")
    if extra:
        parts.append(extra)
    tag = certainty_of(spec, f)
    src = spec.resolve_source(f.source)
    where = f"依据：{_clip(src.doc, 40)}" if src else "依据：本表定义"
    tail = f"{where}［{CERTAINTY_LABELS.get(tag, '把握程度未注明')}］"
    # The hint gives way first, so unit and certainty always fit in Excel's 255 characters.
    head = "；".join(parts)
    room = _PROMPT_LIMIT - len(head) - len(tail) - 2
    if f.hint and room > 10:
        head = "；".join([*parts, _clip(f.hint, room)])
    return _clip("；".join(p for p in (head, tail) if p), _PROMPT_LIMIT)


def _validation(spec: FormSpec, f: FieldSpec, list_name: str | None) -> DataValidation:
    title = _clip(f.label, _TITLE_LIMIT)
    unit = f"（单位：{f.unit}）" if f.unit else ""
    common: dict[str, Any] = {
        "allow_blank": True,
        "showInputMessage": True,
        "promptTitle": title,
        "showErrorMessage": True,
        "errorTitle": _clip(f"「{f.label}」填写有误", _TITLE_LIMIT),
    }
    if f.type in ("decimal", "integer"):
        lo, hi = numeric_bounds(f.constraint)
        kind = "整数" if f.type == "integer" else "数字"
        rule = ""
        if lo is not None and hi is not None:
            operator, f1, f2 = "between", str(lo), str(hi)
            rule = f"，范围 {lo}–{hi}"
        elif lo is not None:
            operator, f1, f2 = "greaterThanOrEqual", str(lo), None
            rule = f"，不小于 {lo}"
        elif hi is not None:
            operator, f1, f2 = "lessThanOrEqual", str(hi), None
            rule = f"，不大于 {hi}"
        else:
            operator, f1, f2 = "between", "-1E+307", "1E+307"
        return DataValidation(
            type="whole" if f.type == "integer" else "decimal",
            operator=operator,
            formula1=f1,
            formula2=f2,
            prompt=_prompt(spec, f),
            errorStyle="stop",
            error=_clip(f"「{f.label}」请填写阿拉伯{kind}{unit}{rule}；不要带单位或文字。", _ERROR_LIMIT),
            **common,
        )
    if list_name is not None:
        return DataValidation(
            type="list",
            formula1=list_name,
            prompt=_prompt(spec, f, "请从下拉列表选择"),
            errorStyle="stop",
            error=_clip(f"「{f.label}」请从下拉列表中选择。", _ERROR_LIMIT),
            **common,
        )
    if f.type == "date":
        return DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1990,1,1)",
            formula2="DATE(2100,12,31)",
            prompt=_prompt(spec, f, "日期，如 2026-10-31"),
            errorStyle="stop",
            error=_clip(f"「{f.label}」请填写日期，如 2026-10-31。", _ERROR_LIMIT),
            **common,
        )
    extra = ""
    if f.type == "select_multiple":
        extra = "可多选，用逗号分隔：" + "、".join(c.text for c in spec.choice_list(f))
    return DataValidation(type=None, prompt=_prompt(spec, f, extra), **{**common, "showErrorMessage": False})


# --------------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True)
class _Look:
    font: Font
    fill: PatternFill | None
    protection: Protection
    number_format: str
    alignment: Alignment


def _style_array(cell: Cell) -> StyleArray:
    """The cell's indices into its workbook's style tables (openpyxl's own; not in its stubs)."""
    style: StyleArray | None = cell._style  # type: ignore[attr-defined]
    if style is None:
        style = cell._style = StyleArray()  # type: ignore[attr-defined]
    return style


class _Styles:
    def __init__(self, font_name: str):
        thin = Side(style="thin", color="BFBFBF")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=font_name, size=11)
        self.bold = Font(name=font_name, size=11, bold=True)
        self.title = Font(name=font_name, size=16, bold=True)
        self.grey_font = Font(name=font_name, size=11, color="595959")
        self.header_fill = PatternFill("solid", fgColor="DDEBF7")
        self.calc_header_fill = PatternFill("solid", fgColor="D9D9D9")
        self.calc_fill = PatternFill("solid", fgColor="F2F2F2")
        self.heading_fill = PatternFill("solid", fgColor="FCE4D6")
        self.locked = Protection(locked=True)
        self.unlocked = Protection(locked=False)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.plain = Alignment(vertical="top")
        # look components' ids → (look kept alive, font, fill, protection, number format, alignment ids)
        self._indices: dict[tuple[int, int, int, str, int], tuple[_Look, int, int, int, int, int]] = {}

    def apply(self, cell: Cell, look: _Look) -> None:
        # openpyxl hashes each style object on every assignment (most of a workbook's build time);
        # one look always gets the same indices into this workbook's style tables, so they are
        # found once and copied after (bench/bench_export.py: the export renders this workbook).
        key = (id(look.font), id(look.fill), id(look.protection), look.number_format, id(look.alignment))
        known = self._indices.get(key)
        if known is None:
            cell.font = look.font
            if look.fill is not None:
                cell.fill = look.fill
            cell.protection = look.protection
            cell.number_format = look.number_format
            cell.alignment = look.alignment
            s = _style_array(cell)
            self._indices[key] = (look, s.fontId, s.fillId, s.protectionId, s.numFmtId, s.alignmentId)
            return
        s = _style_array(cell)
        _look, s.fontId, fill_id, s.protectionId, s.numFmtId, s.alignmentId = known
        if look.fill is not None:
            s.fillId = fill_id

    def look_for(self, f: FieldSpec | None, calculated: bool) -> _Look:
        fmt = number_format(f, calculated) if f is not None else "0"
        align = self.wrap if f is not None and f.type == "long_text" else self.plain
        if calculated:
            return _Look(self.grey_font, self.calc_fill, self.locked, fmt, align)
        return _Look(self.font, None, self.unlocked, fmt, align)


# --------------------------------------------------------------------------------------------
# The writer


class _Writer:
    def __init__(
        self,
        spec: FormSpec,
        layout: WorkbookLayout,
        document: FilingDocument | None,
        raw: dict[str, Any],
        typed: dict[str, Any],
        period: str,
    ):
        self.spec = spec
        self.layout = layout
        self.document = document
        self.raw = raw
        self.typed = typed
        self.period = period
        self.styles = _Styles(str(spec.excel.get("font") or DEFAULT_FONT))
        self.wb = Workbook()
        self.list_names: dict[str, str] = {}

    def build(self, explanations: Mapping[str, Explanation] | None) -> Workbook:
        wb = self.wb
        readme = wb.active
        assert readme is not None
        readme.title = README_SHEET
        lists = self._option_lists()  # first: the data sheets' validations refer to these names
        for sheet in self.layout.scalar_sheets:
            self._scalar_sheet(wb.create_sheet(sheet.name), sheet)
        for rsheet in self.layout.repeat_sheets:
            self._repeat_sheet(wb.create_sheet(rsheet.name), rsheet)
        if self.spec.filing_type == "supplementary":
            # Appendix 5: the same values in the official three-column layout (read-only, never imported).
            from .xlsx_official import OFFICIAL_SHEET, write_official_sheet

            write_official_sheet(
                wb.create_sheet(OFFICIAL_SHEET),
                self.spec,
                self.typed,
                self.document.enterprise if self.document is not None else None,
                self.period,
                str(self.spec.excel.get("font") or DEFAULT_FONT),
                cell_value,
                number_format,
                _protection(),
            )
        if explanations:
            self._explain_sheet(wb.create_sheet(EXPLAIN_SHEET), explanations)
        self._options_sheet(wb.create_sheet(OPTIONS_SHEET), lists)
        self._meta(wb.create_sheet(META_SHEET))
        self._readme(readme)
        wb.active = 0
        wb.security = WorkbookProtection(lockStructure=True)
        wb.properties.creator = f"cets-desktop {__version__}"
        wb.properties.title = self.spec.title
        return wb

    # ---- 选项 -----------------------------------------------------------------------------

    def _option_lists(self) -> dict[str, tuple[str, list[str]]]:
        """Dropdown lists by defined name; also names each parent sheet's key range."""
        lists: dict[str, tuple[str, list[str]]] = {}
        for f in self.layout.choice_fields():
            if f.type == "boolean":
                key, caption, texts = "opt_yes_no", "是否", [YES, NO]
            elif isinstance(f.choices, str):
                key, caption = "opt_" + _name_part(f.choices), f.choices
                texts = [c.text for c in self.spec.choice_list(f)]
            else:
                key, caption = "opt_f_" + _name_part(f.path), f.label
                texts = [c.text for c in self.spec.choice_list(f)]
            lists.setdefault(key, (caption, texts))
            self.list_names[f.path] = key
        for sheet in self.layout.repeat_sheets:
            ident = sheet.identity_column()
            if sheet.children and ident is not None:
                key = "key_" + _name_part(sheet.path)
                ref = (
                    f"{quote_sheetname(sheet.name)}!${ident.letter}${FIRST_DATA_ROW}:"
                    f"${ident.letter}${sheet.last_input_row}"
                )
                self.wb.defined_names[key] = DefinedName(key, attr_text=ref)
                self.list_names[sheet.path + "#key"] = key
        return lists

    def _options_sheet(self, ws: Worksheet, lists: dict[str, tuple[str, list[str]]]) -> None:
        ws.sheet_state = "hidden"
        for col, (key, (caption, texts)) in enumerate(lists.items(), start=1):
            letter = get_column_letter(col)
            ws.cell(1, col, caption).font = self.styles.bold
            for row, text in enumerate(texts, start=2):
                _put(ws.cell(row, col), _text(text))
            ref = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(texts) + 1}"
            self.wb.defined_names[key] = DefinedName(key, attr_text=ref)
        self._protect(ws)

    # ---- 基本信息 ---------------------------------------------------------------------------

    def _scalar_sheet(self, ws: Worksheet, sheet: ScalarSheet) -> None:
        st = self.styles
        for col, text in enumerate(SCALAR_HEADERS, start=1):
            cell = ws.cell(HEADER_ROW, col, text)
            cell.font, cell.fill, cell.alignment, cell.border = st.bold, st.header_fill, st.center, st.border
        widths = {SEQ_COL: 8.0, LABEL_COL: 34.0, UNIT_COL: 14.0, VALUE_COL: 36.0, HINT_COL: 70.0}
        for entry in sheet.entries:
            if entry.role == "heading":
                cell = ws.cell(entry.row, LABEL_COL, entry.label)
                cell.font = st.bold
                for col in range(SEQ_COL, HINT_COL + 1):
                    ws.cell(entry.row, col).fill = st.heading_fill
                continue
            self._scalar_labels(ws, entry)
            if not entry.has_value:
                continue
            f = entry.field
            cell = ws.cell(entry.row, entry.column)
            if f is None:  # enterprise name, credit code, period: always text
                st.apply(cell, _Look(st.font, None, st.unlocked, "@", st.plain))
                _put(cell, self._document_value(entry))
                dv = self._document_validation(entry)
            else:
                calculated = entry.role == "calculated"
                st.apply(cell, st.look_for(f, calculated))
                source = self.typed if calculated else self.raw
                _put(cell, cell_value(self.spec, f, source.get(f.name)))
                dv = self._calc_prompt(f) if calculated else _validation(self.spec, f, self._list_for(f))
                if f.type == "long_text":
                    ws.row_dimensions[entry.row].height = 60
                    widths[VALUE_COL] = max(widths[VALUE_COL], 60.0)
                if f.excel and f.excel.width:
                    widths[entry.column] = max(widths.get(entry.column, 0.0), float(f.excel.width))
            dv.add(cell.coordinate)
            ws.add_data_validation(dv)
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        self._protect(ws)

    def _scalar_labels(self, ws: Worksheet, entry: ScalarEntry) -> None:
        st = self.styles
        if entry.column == VALUE_COL:
            for col, text in (
                (SEQ_COL, entry.seq),
                (LABEL_COL, entry.label),
                (UNIT_COL, entry.unit),
                (HINT_COL, entry.hint),
            ):
                if text:
                    cell = ws.cell(entry.row, col)
                    _put(cell, _text(text))
                    cell.font = st.font
                    cell.alignment = st.wrap if col == HINT_COL else st.plain
        elif entry.column > 1:
            # A pinned cell elsewhere: the label goes just left of it.
            cell = ws.cell(entry.row, entry.column - 1)
            if cell.value is None:
                _put(cell, _text(entry.label + (f"（{entry.unit}）" if entry.unit else "")))
                cell.font = st.bold

    def _document_value(self, entry: ScalarEntry) -> Any:
        if entry.path == PERIOD:
            return self.period or None
        if self.document is None:
            return None
        return getattr(self.document.enterprise, entry.path.split(".", 1)[1], None) or None

    def _document_validation(self, entry: ScalarEntry) -> DataValidation:
        common: dict[str, Any] = {
            "allow_blank": True,
            "showInputMessage": True,
            "promptTitle": entry.label,
            "prompt": _clip(entry.hint, _PROMPT_LIMIT),
        }
        if entry.path.endswith("uscc"):
            return DataValidation(
                type="textLength",
                operator="equal",
                formula1="18",
                showErrorMessage=True,
                errorStyle="stop",
                errorTitle="统一社会信用代码有误",
                error="统一社会信用代码应为 18 位（数字和大写字母），请按营业执照填写。",
                **common,
            )
        return DataValidation(type=None, **common)

    def _calc_prompt(self, f: FieldSpec) -> DataValidation:
        text = f"计算值（只读，导入时不读取）：{formula_text(self.spec, f)}"
        if f.unit:
            text += f"；单位：{f.unit}"
        return DataValidation(
            type=None,
            allow_blank=True,
            showInputMessage=True,
            promptTitle=_clip(f.label, _TITLE_LIMIT),
            prompt=_clip(text, _PROMPT_LIMIT),
        )

    def _list_for(self, f: FieldSpec) -> str | None:
        return self.list_names.get(f.path) if f.type in ("select_one", "boolean") else None

    # ---- repeat sheets -----------------------------------------------------------------------

    def _repeat_sheet(self, ws: Worksheet, sheet: RepeatSheet) -> None:
        st = self.styles
        looks: list[_Look] = []
        for col in sheet.columns:
            calculated = col.role == "calculated"
            cell = ws.cell(HEADER_ROW, col.index, col.header)
            cell.font, cell.alignment, cell.border = st.bold, st.center, st.border
            cell.fill = st.calc_header_fill if calculated else st.header_fill
            ws.column_dimensions[col.letter].width = col.width
            if col.field is None:  # 序号
                looks.append(_Look(st.font, None, st.unlocked, "0", st.plain))
            elif col.role == "parent_key":
                looks.append(st.look_for(col.field, False))
            else:
                looks.append(st.look_for(col.field, calculated))
            dv = self._column_validation(sheet, col)
            dv.add(f"{col.letter}{FIRST_DATA_ROW}:{col.letter}{sheet.last_input_row}")
            ws.add_data_validation(dv)
        ws.row_dimensions[HEADER_ROW].height = 36
        data = self._repeat_rows(sheet)
        for offset in range(max(sheet.input_rows, len(data))):
            row = FIRST_DATA_ROW + offset
            values = data[offset] if offset < len(data) else None
            for col, look in zip(sheet.columns, looks, strict=True):
                cell = ws.cell(row, col.index)
                st.apply(cell, look)
                if values is not None:
                    _put(cell, values[col.index - 1])
        ws.freeze_panes = f"{get_column_letter(sheet.freeze_column())}{HEADER_ROW + 1}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        self._protect(ws)

    def _column_validation(self, sheet: RepeatSheet, col: Column) -> DataValidation:
        if col.role == "calculated" and col.field is not None:
            return self._calc_prompt(col.field)
        if col.role in ("parent_key", "ordinal"):
            ancestor = sheet.chain[col.level]
            parent_sheet = self.layout.repeat_sheet(ancestor.path)
            parent_name = parent_sheet.name if parent_sheet else ancestor.label
            if col.role == "ordinal":
                text = f"本行在「{sheet.name}」表中的序号（1、2、3…），「{'」「'.join(c.name for c in sheet.children)}」表按此序号对应到本行"
            elif col.field is None:
                text = f"填写对应{ancestor.label}在「{parent_name}」表中的序号"
            else:
                text = f"填写「{parent_name}」表中已有的{col.field.label}，须完全一致；程序按它把本行对应到{ancestor.label}"
            common: dict[str, Any] = {
                "allow_blank": True,
                "showInputMessage": True,
                "showErrorMessage": True,
                "promptTitle": _clip(col.header, _TITLE_LIMIT),
                "prompt": _clip(text, _PROMPT_LIMIT),
                "errorTitle": _clip(f"「{col.header}」填写有误", _TITLE_LIMIT),
            }
            key_list = self.list_names.get(ancestor.path + "#key")
            if col.field is not None and key_list and col.role == "parent_key":
                # Warning, not stop: the parent row may be typed after the child row.
                return DataValidation(
                    type="list",
                    formula1=key_list,
                    errorStyle="warning",
                    error=_clip(
                        f"「{parent_name}」表中还没有这个{col.field.label}；请先在「{parent_name}」表填写，或检查是否一致。",
                        _ERROR_LIMIT,
                    ),
                    **common,
                )
            return DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="1",
                errorStyle="stop",
                error="序号请填写 1、2、3 这样的正整数。",
                **common,
            )
        assert col.field is not None
        return _validation(self.spec, col.field, self._list_for(col.field))

    def _repeat_rows(self, sheet: RepeatSheet) -> list[list[Any]]:
        out: list[list[Any]] = []
        spec = self.spec
        for rows, idx in iter_rows(self.raw, sheet.chain):
            own = rows[-1]
            calc = _typed_row(self.typed, sheet.chain, idx)
            line: list[Any] = []
            for col in sheet.columns:
                if col.role == "ordinal":
                    line.append(idx[col.level] + 1)
                elif col.role == "parent_key":
                    if col.field is None:
                        line.append(idx[col.level] + 1)
                    else:
                        line.append(cell_value(spec, col.field, rows[1 + col.level].get(col.field.name)))
                elif col.role == "calculated":
                    assert col.field is not None
                    line.append(cell_value(spec, col.field, calc.get(col.field.name)))
                else:
                    assert col.field is not None
                    line.append(cell_value(spec, col.field, own.get(col.field.name)))
            out.append(line)
        return out

    # ---- 计算过程 ------------------------------------------------------------------------------

    def _explain_sheet(self, ws: Worksheet, explanations: Mapping[str, Explanation]) -> None:
        st = self.styles
        headers = ("位置", "项目", "数值", "单位", "公式", "输入值", "参考值", "依据", "字段路径")
        widths = (28, 24, 16, 12, 44, 60, 44, 40, 30)
        for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = ws.cell(HEADER_ROW, col, text)
            cell.font, cell.fill, cell.alignment, cell.border = (
                st.bold,
                st.calc_header_fill,
                st.center,
                st.border,
            )
            ws.column_dimensions[get_column_letter(col)].width = width
        # Helper columns (hidden fields) are the rules' business and are never printed.
        shown = [
            (path, ex)
            for path, ex in explanations.items()
            if (f := self.spec.find_field(_schema_path(path))) is None or not f.hidden
        ]
        for row, (path, ex) in enumerate(shown, start=FIRST_DATA_ROW):
            inputs = "；".join(
                f"{self._input_label(i)} = {_plain(i.value)}{(' ' + i.unit) if i.unit else ''}"
                for i in ex.inputs
            )
            # The certainty in words (the citation already ends with it), never a bare tag.
            refs = "；".join(
                f"{r.label} = {_plain(r.value)}{(' ' + r.unit) if r.unit else ''}（{r.source}）"
                if CERTAINTY_LABELS.get(r.certainty, "\0") in r.source
                else f"{r.label} = {_plain(r.value)}{(' ' + r.unit) if r.unit else ''}"
                f"（{r.source}；{CERTAINTY_LABELS.get(r.certainty, '把握程度未注明')}）"
                for r in ex.references
            )
            f = self.spec.find_field(_schema_path(path))
            # Stored as reported: rounded once to the template's decimals, like the data sheets.
            shown_value = (
                round_half_up(ex.value, f.decimals)
                if (
                    f is not None
                    and f.decimals is not None
                    and isinstance(ex.value, Decimal)
                    and ex.value.is_finite()
                )
                else ex.value
            )
            value = cell_value(self.spec, f, shown_value) if f is not None else _plain(ex.value)
            line = (
                instance_label(self.spec, self.raw, path),
                ex.label,
                value,
                ex.unit or "",
                ex.formula,
                inputs,
                refs,
                ex.source,
                path,
            )
            for col, item in enumerate(line, start=1):
                cell = ws.cell(row, col)
                _put(cell, _text(item) if isinstance(item, str) else item)
                cell.font = st.font
                cell.alignment = st.wrap
                if col == 3 and f is not None:
                    cell.number_format = number_format(f, True)
        # 字段路径 is the machine key of each line (for tools); an official reading the sheet
        # does not see it.
        ws.column_dimensions[get_column_letter(len(headers))].hidden = True
        ws.freeze_panes = f"C{HEADER_ROW + 1}"
        self._protect(ws)

    def _input_label(self, item: Any) -> str:
        """An input's label; a helper column (hidden field) is named by what it holds instead."""
        if "." in item.name:  # a projection over rows (sum(fuels.coal_mass))
            name = item.name.rsplit(".", 1)[1]
            f = next((g for g in self.spec.all_fields() if g.name == name and g.hidden), None)
        else:
            f = self.spec.find_field(_schema_path(item.path)) if item.path else None
        return f"〔{formula_text(self.spec, f)}〕" if f is not None and f.hidden else str(item.label)

    # ---- 说明 ------------------------------------------------------------------------------------

    def _readme(self, ws: Worksheet) -> None:
        spec, st = self.spec, self.styles
        lines: list[tuple[str, Font]] = [
            (spec.title, st.title),
            (
                f"行业：{spec.sector_label}　模板年份：{spec.template_year}　表单版本：{spec.version}",
                st.font,
            ),
            (
                "填报期间：" + (spec.period_label(self.period) if self.period else "请在「基本信息」表填写"),
                st.font,
            ),
        ]
        if self.document is not None and self.document.enterprise.name:
            lines.append((f"企业：{self.document.enterprise.name}", st.font))
        if spec.description:
            lines.append((spec.description, st.font))
        lines += [("", st.font), ("填写方法", st.bold)]
        steps = [
            "先填「基本信息」表，再逐表填写。白色单元格可以填写；灰色单元格是程序的计算结果（只读），导入时不读取，由程序按定义重新计算。",
            "每张表第 1 行是列标题，一行一条记录。可以从自己的台账整块复制粘贴数值（建议用“选择性粘贴 → 数值”，保留下拉列表和校验）；"
            "请勿修改工作表名称和列标题，不要合并单元格。",
            "数字只填阿拉伯数字，不带单位和文字（单位见列标题括号内或「单位」列）；带下拉箭头的单元格请从列表中选择；日期写作 2026-10-31。",
        ]
        for sheet in self.layout.repeat_sheets:
            if sheet.parent is None:
                continue
            keys = "」「".join(c.header for c in sheet.parent_key_columns())
            ident = identity_field(sheet.parent.repeat)
            what = ident.label if ident else "序号"
            steps.append(
                f"「{sheet.name}」表的「{keys}」列须与「{sheet.parent.name}」表中填写的{what}完全一致，"
                f"程序据此把每一行对应到{sheet.parent.repeat.label}。"
            )
        steps += [
            f"空行导入时自动忽略；删除一条记录请清空该行。每张表预留 {self.layout.input_rows} 行可填写，"
            "需要更多行时点“审阅 → 撤销工作表保护”（无密码）后继续往下填写。",
            "选中单元格可看到填写说明、单位和依据的把握程度。",
        ]
        lines += [(f"{i}. {text}", st.font) for i, text in enumerate(steps, start=1)]
        lines += [("", st.font), ("依据的把握程度", st.bold)]
        tags = ["V", "R", "T", "G"] + [t for t in ("P", "M") if self._uses_tag(t)]
        lines += [(f"·　{CERTAINTY_LABELS[tag]}", st.font) for tag in tags]
        weakest = spec.weakest_certainty()
        lines.append(
            (
                f"本表整体：{CERTAINTY_LABELS[spec.certainty]}；"
                f"各项依据中最弱的一项：{CERTAINTY_LABELS[weakest]}",
                st.font,
            )
        )
        lines += [("", st.font), ("工作表", st.bold)]
        for ssheet in self.layout.scalar_sheets:
            lines.append(
                (
                    f"「{ssheet.name}」：企业信息、填报期间和不分行的填报项（序号、项目、单位、填写值、填写说明）"
                    if ssheet.name == INFO_SHEET
                    else f"「{ssheet.name}」：不分行的填报项",
                    st.font,
                )
            )
        for rsheet in self.layout.repeat_sheets:
            where = f"，每行属于「{rsheet.parent.name}」表中的一行" if rsheet.parent else ""
            lines.append((f"「{rsheet.name}」：{rsheet.repeat.label}，一行一条{where}", st.font))
        if spec.sources:
            lines += [("", st.font), ("依据文件", st.bold)]
            for src in spec.sources.values():
                lines.append((src.cite() + (f"：{src.note}" if src.note else ""), st.font))
        lines += [
            ("", st.font),
            (f"由 cets-desktop {__version__} 生成；版式 {LAYOUT_VERSION}。", st.grey_font),
        ]
        for row, (text, font) in enumerate(lines, start=1):
            cell = ws.cell(row, 1)
            _put(cell, _text(text) if text else None)
            cell.font = font
            cell.alignment = st.wrap
        ws.column_dimensions["A"].width = 120
        self._protect(ws)

    def _uses_tag(self, tag: str) -> bool:
        return any(src.certainty == tag for src in self.spec.sources.values())

    # ---- _meta -----------------------------------------------------------------------------

    def _meta(self, ws: Worksheet) -> None:
        spec = self.spec
        pairs = [
            ("form", spec.id),
            ("version", spec.version),
            ("title", spec.title),
            ("period", self.period),
            ("layout", LAYOUT_VERSION),
            ("app", f"cets-desktop {__version__}"),
            ("kind", "data" if self.document is not None else "template"),
        ]
        for row, (key, value) in enumerate(pairs, start=1):
            ws.cell(row, 1, key)
            _put(ws.cell(row, 2), value)
        row = len(pairs) + 2
        for col, text in enumerate(META_HEADERS, start=1):
            ws.cell(row, col, text)
        entries: list[tuple[str, str, str, str, str]] = []
        for sheet in self.layout.scalar_sheets:
            entries += [(sheet.name, e.cell, e.path, e.role, e.label) for e in sheet.value_entries()]
        for rsheet in self.layout.repeat_sheets:
            entries.append((rsheet.name, "", rsheet.path, "repeat", rsheet.repeat.label))
            entries += [(rsheet.name, c.letter, c.path, c.role, c.header) for c in rsheet.columns]
        for line in entries:
            row += 1
            for col, text in enumerate(line, start=1):
                _put(ws.cell(row, col), text)
        ws.sheet_state = "hidden"
        self._protect(ws)

    @staticmethod
    def _protect(ws: Worksheet) -> None:
        # No password: this guards against accidental edits, and users may lift it (审阅 → 撤销工作表保护).
        ws.protection = _protection()


def _protection() -> Any:
    from openpyxl.worksheet.protection import SheetProtection

    return SheetProtection(sheet=True, formatColumns=False, formatRows=False, autoFilter=False, sort=False)


def _name_part(text: str) -> str:
    return _NAME_PART.sub("_", text).strip("_") or "x"


def _plain(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value) or "（空）"
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f")
            if value == value.to_integral_value() or abs(value) >= 1
            else format(value, "f")
        )
    return str(value)


def _schema_path(instance: str) -> str:
    """``units[0].fuels[1].emissions`` → ``units[].fuels[].emissions``."""
    return re.sub(r"\[\d+\]", "[]", instance)


def _typed_row(typed: dict[str, Any], chain: tuple[FieldSpec, ...], idx: tuple[int, ...]) -> dict[str, Any]:
    row: Any = typed
    for rep, i in zip(chain, idx, strict=True):
        items = row.get(rep.name) if isinstance(row, dict) else None
        row = items[i] if isinstance(items, list) and i < len(items) else {}
    return row if isinstance(row, dict) else {}


def instance_label(spec: FormSpec, values: dict[str, Any], path: str) -> str:
    """``units[0].fuels[1].emissions`` → 机组「1号机组」› 燃料「柴油」 (row labels only)."""
    parts: list[str] = []
    fields = spec.top_fields()
    row: Any = values
    for m in re.finditer(r"([a-z][a-z0-9_]*)\[(\d+)\]", path):
        rep = next((f for f in fields if f.name == m.group(1) and f.type == "repeat"), None)
        if rep is None:
            break
        items = row.get(rep.name) if isinstance(row, dict) else None
        i = int(m.group(2))
        row = items[i] if isinstance(items, list) and i < len(items) else {}
        name_field = rep.label_field or rep.key
        name = row.get(name_field) if isinstance(row, dict) and name_field else None
        parts.append(f"{rep.label}「{name}」" if name not in (None, "") else f"{rep.label}第 {i + 1} 行")
        fields = rep.data_fields()
    return " › ".join(parts) or "全表"
