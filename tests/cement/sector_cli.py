"""Command-line helpers shared by the cement and aluminium month tests (tests only).

``attach_evidence`` writes a few small "scans" beside a filing JSON and references them from every
item whose definition asks for supporting material; ``fill_like_a_user`` types a filing's values
into a generated template the way a person does in Excel (numbers, dropdown texts, 是/否);
``cli`` runs ``cets_desktop.cli.main`` in this process and returns exit status, stdout, stderr.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.io.xlsx_layout import FIRST_DATA_ROW, RepeatSheet, plan_workbook


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def attach_evidence(doc: dict[str, Any], paths: list[str], folder: Path, tag: str) -> dict[str, Any]:
    """One small PDF per item (so no file backs two items of the month), referenced by hash."""
    rows = []
    for i, path in enumerate(paths):
        body = f"%PDF-1.4\n% {tag} 支撑材料 {path}（盖章扫描件，测试用）\n".encode() + os.urandom(8)
        name = f"{tag}-{i:03d}.pdf"
        (folder / name).write_bytes(body)
        rows.append(
            {
                "path": path,
                "sha256": hashlib.sha256(body).hexdigest(),
                "name": name,
                "size": len(body),
                "kind": "扫描件",
            }
        )
    out = copy.deepcopy(doc)
    out["evidence"] = rows
    return out


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def typed_by_user(spec: FormSpec, f: FieldSpec | None, raw: Any) -> Any:
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
    return raw


def fill_like_a_user(
    spec: FormSpec, template: Path, out: Path, values: dict[str, Any], enterprise: dict[str, str], period: str
) -> None:
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
        for offset, line in enumerate(_rows(spec, rsheet, values)):
            for index, value in line.items():
                wb[rsheet.name].cell(FIRST_DATA_ROW + offset, index, value)
    wb.save(out)


def _rows(spec: FormSpec, rsheet: RepeatSheet, values: dict[str, Any]) -> list[dict[int, Any]]:
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
