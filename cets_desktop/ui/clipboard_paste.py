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
    columns: list[FieldSpec],
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
                    result.problems.append(f"第 {target + 1} 行：多出的第 {c + 1} 列「{text.strip()}」超出表格，未粘贴")
                continue
            f = columns[col]
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
    return result
