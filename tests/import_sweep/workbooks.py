"""Filled official workbooks and the ways users break them (tests only).

``filled_workbook`` asks ``cets-desktop template`` for the official workbook of a form and types a
complete filing into it the way a person does in Excel (``sector_cli.fill_like_a_user``). The
other functions change a copy of that workbook as users do: rename or delete a sheet, insert a
row above the header, merge cells, type numbers as text with units, leave a formula without a
cached value, and so on. Each returns the path of the changed file.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from sector_cli import Run, fill_like_a_user
from sweep_data import FILINGS

from cets_desktop.core.loader import default_registry
from cets_desktop.core.spec import FormSpec
from cets_desktop.io.xlsx_layout import FIRST_DATA_ROW, META_SHEET, plan_workbook

HERE = Path(__file__).resolve().parent
XLS_FIXTURE = HERE.parent / "hardening" / "fixtures" / "2026年10月-旧版Excel.xls"


def run(*args: str) -> Run:
    """``cets_desktop.cli.main`` in this process (the tests' in-memory keyring), output captured."""
    from cets_desktop.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


def spec_of(form: str) -> FormSpec:
    spec = default_registry().get(form)
    assert spec is not None, form
    return spec


def filled_workbook(cli: Callable[..., Run], form: str, folder: Path) -> Path:
    enterprise, values, period = FILINGS[form]()
    template = folder / f"{form}-模板.xlsx"
    made = cli("template", form, "-o", str(template), "--period", period)
    assert made.returncode == 0, made.stderr
    filled = folder / f"{form}-已填.xlsx"
    fill_like_a_user(spec_of(form), template, filled, values, enterprise, period)
    return filled


def changed(filled: Path, name: str, change: Callable[[Any], None]) -> Path:
    """A copy of the workbook with ``change(workbook)`` applied, saved by openpyxl."""
    wb = openpyxl.load_workbook(filled)
    change(wb)
    out = filled.with_name(name)
    wb.save(out)
    return out


def column_of(ws: Any, header: str) -> int:
    """1-based column of a header in row 1 (the template's headers carry the unit: 期末熟料库存（t）)."""
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"{ws.title}: no column {header!r}")


def set_cell(filled: Path, name: str, sheet: str, ref: str, value: Any) -> Path:
    def change(wb: Any) -> None:
        wb[sheet][ref] = value

    return changed(filled, name, change)


def set_in_column(
    filled: Path, name: str, sheet: str, header: str, value: Any, row: int = FIRST_DATA_ROW
) -> Path:
    def change(wb: Any) -> None:
        ws = wb[sheet]
        ws.cell(row, column_of(ws, header), value)

    return changed(filled, name, change)


def with_cached_values(path: Path, cached: dict[str, str]) -> Path:
    """Give formula cells a cached result, as Excel does on save (openpyxl writes none).

    ``cached`` maps a formula's text (without "=") to the value Excel would have stored."""
    out = path.with_name(path.stem + "-已计算.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                for formula, value in cached.items():
                    text = re.sub(
                        r"<f>"
                        + re.escape(formula)
                        + r"</f><v\s*/>|<f>"
                        + re.escape(formula)
                        + r"</f><v></v>|<f>"
                        + re.escape(formula)
                        + r"</f>(?!<v>)",
                        f"<f>{formula}</f><v>{value}</v>",
                        text,
                    )
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out


def meta_rows(wb: Any) -> dict[str, Any]:
    """key → cell of the hidden _meta sheet's head (form, version, template year, period …)."""
    out = {}
    for row in wb[META_SHEET].iter_rows(min_row=1, max_row=40):
        if row[0].value == "sheet":
            break
        if row[0].value:
            out[str(row[0].value)] = row[1]
    return out


def copy_as(source: Path, folder: Path, name: str) -> Path:
    out = folder / name
    shutil.copyfile(source, out)
    return out


__all__ = [
    "FIRST_DATA_ROW",
    "XLS_FIXTURE",
    "changed",
    "column_of",
    "copy_as",
    "filled_workbook",
    "meta_rows",
    "plan_workbook",
    "run",
    "set_cell",
    "set_in_column",
    "spec_of",
    "with_cached_values",
]
