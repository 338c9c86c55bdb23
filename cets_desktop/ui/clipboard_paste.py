"""Paste from Excel into a repeat table: tab-separated text → new raw rows, plus problems.

No Qt here. Excel puts a rectangular range on the clipboard as tab-separated lines (cells with
line breaks or tabs quoted), which ``csv`` reads. Values are checked with ``coerce_scalar`` so a
choice label becomes its value and 是/否 becomes True/False; text that is not valid is still
pasted as typed (nothing is lost) and reported, and the rules engine flags it as well.
"""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..core.coerce import coerce_scalar
from ..core.spec import FieldSpec, FormSpec


def parse_clipboard(text: str) -> list[list[str]]:
    """Rows of cells; the trailing empty line Excel adds is dropped."""
    if not text:
        return []
    grid = [row for row in csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t")]
    while grid and all(cell.strip() == "" for cell in grid[-1]):
        grid.pop()
    return grid


@dataclass
class PasteResult:
    rows: list[Any]
    problems: list[str] = field(default_factory=list)
    cells: int = 0
    added_rows: int = 0


def stored_form(typed: Any, text: str) -> Any:
    """What goes into the raw document for a value that coerced cleanly."""
    if isinstance(typed, Decimal):
        return format(typed, "f")
    if isinstance(typed, date):
        return typed.isoformat()
    if typed is None:
        return text.strip() or None
    return typed


def apply_paste(
    spec: FormSpec,
    rows: list[Any],
    columns: list[FieldSpec] | list[FieldSpec | None],
    start_row: int,
    start_column: int,
    grid: list[list[str]],
    new_row: Callable[[], dict[str, Any]],
    max_rows: int | None = None,
) -> PasteResult:
    """Fill ``columns`` (the table's editable columns, in order) from ``start_row``/``start_column``."""
    out = copy.deepcopy(rows)
    result = PasteResult(out)
    for r, cells in enumerate(grid):
        target = start_row + r
        if max_rows is not None and target >= max_rows:
            result.problems.append(f"表格最多 {max_rows} 行，第 {r + 1} 行起的数据未粘贴")
            break
        while target >= len(out):
            out.append(new_row())
            result.added_rows += 1
        row = out[target]
        if not isinstance(row, dict):
            row = out[target] = {}
        for c, text in enumerate(cells):
            col = start_column + c
            if col >= len(columns):
                if text.strip():
                    result.problems.append(
                        f"第 {target + 1} 行：多出的第 {c + 1} 列「{text.strip()}」超出表格，未粘贴"
                    )
                continue
            f = columns[col]
            if f is None:
                continue  # a calculated column copied out with the table: recalculated, not pasted
            set_cell(spec, f, row, text, result, target)
    return result


def set_cell(
    spec: FormSpec, f: FieldSpec, row: dict[str, Any], text: str, result: PasteResult, target: int
) -> None:
    typed, problem = coerce_scalar(spec, f, text)
    if problem:
        result.problems.append(f"第 {target + 1} 行：{problem}")
        row[f.name] = text  # kept as typed; GEN-002 reports it until corrected
    else:
        value = stored_form(typed, text)
        if value is None:
            row.pop(f.name, None)
        else:
            row[f.name] = value
    result.cells += 1


def header_text(f: FieldSpec) -> str:
    """A column's heading when a range is copied out: 名称（单位）, on one line for Excel."""
    return f"{f.label}（{f.unit}）" if f.unit else f.label


def columns_by_header(header: list[str], columns: list[FieldSpec]) -> list[FieldSpec | None] | None:
    """When the first pasted line is a heading row (copied out of this table, or an Excel sheet
    with the same headings), the field of each pasted column (None: calculated, skipped);
    None when the line is data."""
    names = {header_text(f): f for f in columns} | {f.label: f for f in columns}
    cells = [cell.strip() for cell in header]
    if not cells or not all(cell in names for cell in cells if cell) or not any(cells):
        return None
    mapped = [names.get(cell) for cell in cells]
    return [None if f is None or f.calculation else f for f in mapped]


def fill_cells(
    spec: FormSpec, rows: list[Any], targets: list[tuple[int, FieldSpec]], text: str
) -> PasteResult:
    """One pasted value into every selected cell (Excel: copy one cell, select a range, paste)."""
    out = copy.deepcopy(rows)
    result = PasteResult(out)
    for r, f in targets:
        if r >= len(out):
            continue
        if not isinstance(out[r], dict):
            out[r] = {}
        set_cell(spec, f, out[r], text, result, r)
    return result


def fill_down(rows: list[Any], columns: dict[str, list[int]]) -> tuple[list[Any], int]:
    """Ctrl+D: in each column the top selected row's value goes into the selected rows below it;
    a single selected cell takes the value of the cell above. Returns the rows and cells filled."""
    out = copy.deepcopy(rows)
    filled = 0
    for name, selected in columns.items():
        ordered = sorted(set(selected))
        if len(ordered) == 1:
            source, targets = ordered[0] - 1, ordered
        else:
            source, targets = ordered[0], ordered[1:]
        if source < 0 or source >= len(out):
            continue
        value = out[source].get(name) if isinstance(out[source], dict) else None
        for r in targets:
            if r >= len(out):
                continue
            if not isinstance(out[r], dict):
                out[r] = {}
            if value is None:
                out[r].pop(name, None)
            else:
                out[r][name] = copy.deepcopy(value)
            filled += 1
    return out, filled
