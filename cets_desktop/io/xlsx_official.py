"""A read-only sheet in the official three-column layout of the Appendix 5 tables.

The supplementary data tables print three columns: 补充数据 (the item, with its hierarchical 序号 such
as 1.2.1.1) | 数值 | 计算方法或填写要求 (appendix5-supplementary.md §2.3 [V]). The data entry sheets of
the workbook are one row per record; this sheet lays the same values out as the official table, so a
user can put it beside the platform's sheet. Numbered rows are shown per facility block and per
fuel/material block (the 2023 layout repeats rows 1.1.1… per fuel); a step without numbered rows (表头,
合计, 数据汇总表) is shown whole. The sheet is protected and the import never reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from ..core.spec import FieldSpec, FormSpec

OFFICIAL_SHEET = "官方格式（只读）"
HEADERS = ("补充数据", "数值", "计算方法或填写要求")
WIDTHS = (58, 20, 70)


def _numbered(fields: list[FieldSpec]) -> bool:
    return any(f.row or (f.fields and _numbered(f.fields)) for f in fields if not f.hidden)


def _row_unit(unit: str | None, row: dict[str, Any]) -> str | None:
    """The alternative of a "t 或 万Nm³" unit the row chose (its unit field), else the full text."""
    if not unit or " 或 " not in unit:
        return unit
    options = [u.strip() for u in unit.split(" 或 ")]
    for value in row.values():
        if isinstance(value, str) and value:
            chosen = value.replace("³", "3")
            for option in options:
                plain = option.replace("³", "3")
                if plain == chosen or plain.endswith("/" + chosen):
                    return option
    return unit


def official_lines(
    spec: FormSpec, values: dict[str, Any]
) -> list[tuple[str, str, FieldSpec | None, Any, str]]:
    """(kind, item text, field, value, requirement) in the official order; kind: section/block/note/field."""
    out: list[tuple[str, str, FieldSpec | None, Any, str]] = []

    def walk(fields: list[FieldSpec], data: dict[str, Any], whole: bool, depth: int) -> None:
        for f in fields:
            if f.hidden:
                continue
            if f.type == "group":
                walk(f.fields, data, whole, depth)
            elif f.type == "note":
                out.append(("note", f.label, f, None, ""))
            elif f.type == "repeat":
                inner_whole = whole or not _numbered(f.fields)
                for i, row in enumerate(data.get(f.name) or [], start=1):
                    name = row.get(f.label_field) if f.label_field else None
                    if f.label_field and name is not None:
                        choice = next(
                            (c.text for c in spec.choice_list(_child(f, f.label_field)) if c.value == name),
                            None,
                        )
                        name = choice or name
                    out.append(
                        (
                            "block",
                            "  " * depth + f"{f.label}「{name if name not in (None, '') else i}」",
                            f,
                            None,
                            "",
                        )
                    )
                    walk(f.fields, row, inner_whole, depth + 1)
            elif f.relevant and data.get(f.name) in (None, "", []):
                continue  # asked only in some rows (锅炉排放量 for a boiler): not this row's item
            elif f.row or whole:
                unit = _row_unit(f.unit, data)
                label = (
                    "  " * depth + (f"{f.row} " if f.row else "") + f.label + (f"（{unit}）" if unit else "")
                )
                out.append(("field", label, f, data.get(f.name), f.hint or ""))

    for section in spec.sections:
        out.append(("section", section.label, None, None, ""))
        walk(section.fields, values, not _numbered(section.fields), 0)
    return out


def _child(repeat: FieldSpec, name: str) -> FieldSpec:
    for f in repeat.data_fields():
        if f.name == name:
            return f
    return repeat


def write_official_sheet(
    ws: Worksheet,
    spec: FormSpec,
    values: dict[str, Any],
    enterprise: Any,
    period: str,
    font_name: str,
    cell_value: Callable[[FormSpec, FieldSpec, Any], Any],
    number_format: Callable[[FieldSpec, bool], str],
    protection: Any,
) -> None:
    """Fill ``ws`` with the official layout of ``values`` (rounded, calculated values included).

    The template writer passes its own cell conversion, number formats and sheet protection (so this
    module does not import it back)."""

    thin = Side(style="thin", color="B0B7C3")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    plain, bold = Font(name=font_name, size=10), Font(name=font_name, size=10, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1, spec.title).font = Font(name=font_name, size=13, bold=True)
    name = getattr(enterprise, "name", "") or ""
    uscc = getattr(enterprise, "uscc", "") or ""
    head = f"报告主体名称：{name}    统一社会信用代码：{uscc}    报告年度：{period}"
    ws.cell(2, 1, head).font = plain
    ws.cell(
        3, 1, "本表按官方补充数据表的三栏格式排列，只读；请在前面的填报表中填写，导入时不读取本表。"
    ).font = plain
    for col, (text, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = ws.cell(5, col, text)
        cell.font, cell.border = bold, border
        cell.fill = PatternFill("solid", fgColor="DCE3EC")
        ws.column_dimensions["ABC"[col - 1]].width = width
    if not values:  # a blank template: the preset rows (焦炭, 天然气, 第一类 …) give the blocks
        values = {f.name: f.initial_rows for f in spec.top_fields() if f.type == "repeat" and f.initial_rows}
    row = 6
    for kind, item, f, value, requirement in official_lines(spec, values):
        ws.cell(row, 1, item)
        if kind == "field" and f is not None:
            shown = cell_value(spec, f, value)
            value_cell = ws.cell(row, 2, shown)
            if f.type in ("decimal", "integer"):
                value_cell.number_format = number_format(f, f.calculation is not None)
            ws.cell(row, 3, requirement or None)
        for col in (1, 2, 3):
            line_cell = ws.cell(row, col)
            line_cell.font = bold if kind in ("section", "block") else plain
            line_cell.alignment, line_cell.border = wrap, border
        if kind == "section":
            for col in (1, 2, 3):
                ws.cell(row, col).fill = PatternFill("solid", fgColor="EEF1F5")
        row += 1
    ws.freeze_panes = "A6"
    ws.protection = protection
