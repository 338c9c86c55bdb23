"""A person filling a generated template in Excel (tests only): numbers as numbers, the dropdown's
text, 是/否, real dates, a multiple choice joined by 「，」, and each repeat record on its own row
with its parents' keys repeated. One copy for the io, sector and Appendix 5 tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.io.xlsx_layout import FIRST_DATA_ROW, RepeatSheet, plan_workbook


def typed_by_user(spec: FormSpec, f: FieldSpec | None, raw: Any) -> Any:
    """What a person types for the stored value ``raw`` of field ``f``."""
    if raw is None or f is None:
        return raw
    if f.type in ("decimal", "integer"):
        return float(raw) if "." in str(raw) else int(raw)
    if f.type == "select_one":
        return next(c for c in spec.choice_list(f) if c.value == raw).text
    if f.type == "boolean":
        return "是" if raw else "否"
    if f.type == "date":
        return dt.datetime.fromisoformat(raw)
    if f.type == "select_multiple":
        return "，".join(raw)
    return raw


def fill_like_a_user(
    spec: FormSpec, template: Path, out: Path, values: dict[str, Any], enterprise: dict[str, str], period: str
) -> None:
    """Open ``template`` as Excel would (openpyxl, normal mode), type ``values`` in, save as ``out``."""
    wb = openpyxl.load_workbook(template)
    layout = plan_workbook(spec)
    for sheet in layout.scalar_sheets:
        ws = wb[sheet.name]
        for entry in sheet.value_entries():
            if entry.path == "enterprise.name":
                ws[entry.cell] = enterprise["name"]
            elif entry.path == "enterprise.uscc":
                ws[entry.cell] = enterprise["uscc"]
            elif entry.path == "period":
                ws[entry.cell] = period
            elif entry.role == "input" and entry.field is not None and entry.field.name in values:
                ws[entry.cell] = typed_by_user(spec, entry.field, values[entry.field.name])
    for rsheet in layout.repeat_sheets:
        for offset, line in enumerate(user_rows(spec, rsheet, values)):
            for index, value in line.items():
                wb[rsheet.name].cell(FIRST_DATA_ROW + offset, index, value)
    wb.save(out)


def user_rows(spec: FormSpec, rsheet: RepeatSheet, values: dict[str, Any]) -> list[dict[int, Any]]:
    """One {column: typed value} per record of a repeat sheet, parents' keys repeated on each row."""
    out: list[dict[int, Any]] = []

    def walk(data: dict[str, Any], depth: int, trail: list[tuple[int, dict[str, Any]]]) -> None:
        for index, item in enumerate(data.get(rsheet.chain[depth].name) or []):
            here = [*trail, (index, item)]
            if depth + 1 < len(rsheet.chain):
                walk(item, depth + 1, here)
                continue
            line: dict[int, Any] = {}
            for col in rsheet.columns:
                if col.role == "parent_key":
                    position, parent = here[col.level]
                    line[col.index] = (
                        position + 1
                        if col.field is None
                        else typed_by_user(spec, col.field, parent.get(col.field.name))
                    )
                elif col.role == "ordinal":
                    line[col.index] = index + 1
                elif col.role == "input":
                    line[col.index] = typed_by_user(spec, col.field, item.get(col.field.name))
            out.append(line)

    walk(values, 0, [])
    return out
