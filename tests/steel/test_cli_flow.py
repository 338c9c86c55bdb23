"""The steel month through the command line, as a batch user runs it: new → validate → calc →
template, filled in with openpyxl → import → pdf → export → verify."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import steel_helpers as h

from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.io.xlsx_layout import FIRST_DATA_ROW, plan_workbook

INTERNAL = (
    "mandatory-sectors",
    "sector-months",
    ".md",
    "steel_material_ef",
    "fuel_ncv_default",
    "ref(",
    "steel-monthly-2026.yaml",
)


def with_scans(doc_json: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Three stamped "scans" next to the JSON, referenced from every item that needs support."""
    files = {}
    for kind, title in (("ledger", "能源购进消费与库存表"), ("lab", "检测报告"), ("prod", "生产月报")):
        body = f"%PDF-1.4\n% {title}（盖章扫描件，测试用）\n".encode() + os.urandom(16)
        name = f"2026-10-{kind}.pdf"
        (folder / name).write_bytes(body)
        files[kind] = (name, hashlib.sha256(body).hexdigest(), len(body))
    rows = []
    for path in h.evidence_paths(h.spec(), doc_json["values"]):
        kind = (
            "lab"
            if path.rsplit(".", 1)[-1] in ("ncv", "carbon_per_heat", "carbon_content")
            else (
                "prod" if "product" in path or "output" in path or path == "crude_steel_output" else "ledger"
            )
        )
        name, sha, size = files[kind]
        rows.append({"path": path, "sha256": sha, "name": name, "size": size, "kind": "盖章扫描件"})
    doc_json["evidence"] = rows
    return doc_json


@pytest.fixture
def october(tmp_path: Path) -> Path:
    folder = tmp_path / "2026-10"
    folder.mkdir()
    data = with_scans(h.as_json(h.document(with_evidence=False)), folder)
    path = folder / "2026-10.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_new_filing_has_the_preset_rows_and_asks_for_everything(tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    made = h.run_cli(
        "new",
        "steel-monthly",
        "--period",
        "2026-11",
        "--enterprise-name",
        h.ENTERPRISE["name"],
        "--uscc",
        h.ENTERPRISE["uscc"],
        "-o",
        str(out),
    )
    assert made.returncode == 0, made.stderr
    values = json.loads(out.read_text(encoding="utf-8"))["values"]
    assert values["oxidation_option"] == "不计碳氧化率"  # pre-filled, visible and changeable
    assert [r["fuel_name"] for r in values["fuels"]] == ["洗精煤", "焦炭", "天然气"]
    assert [r["product_name"] for r in values["products"]] == ["粗钢", "粗苯", "煤焦油"]
    check = h.run_cli("validate", str(out), "--json")
    assert check.returncode == 1
    findings = check.json()["findings"]
    assert {f["code"] for f in findings if f["severity"] == "error"} == {"GEN-003", "GEN-007"}
    assert all(f["message"] for f in findings)


def test_validate_and_calc_on_the_month(october: Path) -> None:
    check = h.run_cli("validate", str(october), "--json")
    assert check.returncode == 0, check.stdout
    assert check.json()["summary"]["error"] == 0 and check.json()["summary"]["warning"] == 0

    calc = h.run_cli("calc", str(october), "--json")
    assert calc.returncode == 0
    v = calc.json()["values"]
    # Hand calculation in test_hand_calculations.py: 575,455.12 t, 1.7438 t/t.
    assert Decimal(v["ent_total"]) == Decimal("575455.12")
    assert Decimal(v["steel_intensity"]) == Decimal("1.7438")
    assert Decimal(v["summary_power"]) == Decimal("293758.23")
    assert Decimal(v["fuels"][0]["emissions"]) == Decimal("433470.11")

    explain = h.run_cli("explain", str(october), "--path", "fuels[2].ncv_used", "--json")
    assert explain.returncode == 0, explain.stderr
    assert "28.435" in explain.stdout


def _typed(spec: FormSpec, f: FieldSpec | None, raw: Any) -> Any:
    if raw is None or f is None:
        return raw
    if f.type in ("decimal", "integer"):
        return float(raw)
    if f.type == "select_one":
        return next(c for c in spec.choice_list(f) if c.value == raw).text
    if f.type == "date":
        return dt.datetime.fromisoformat(raw)
    return raw


def _sheet_lines(spec: FormSpec, rsheet: Any, values: dict[str, Any]) -> list[dict[int, Any]]:
    """One {column: typed value} per record of a repeat sheet, the parent rows' keys repeated."""
    lines: list[dict[int, Any]] = []

    def walk(data: dict[str, Any], depth: int, trail: list[dict[str, Any]]) -> None:
        for item in data.get(rsheet.chain[depth].name) or []:
            if depth + 1 < len(rsheet.chain):
                walk(item, depth + 1, [*trail, item])
                continue
            line: dict[int, Any] = {}
            for col in rsheet.columns:
                if col.role == "parent_key" and col.field is not None:
                    line[col.index] = _typed(spec, col.field, trail[col.level].get(col.field.name))
                elif col.role == "input":
                    line[col.index] = _typed(spec, col.field, item.get(col.field.name))
            lines.append(line)

    walk(values, 0, [])
    return lines


def fill_template(template: Path, out: Path, values: dict[str, Any]) -> None:
    """Type the month into the blank template cell by cell, as a user does in Excel."""
    spec = h.spec()
    wb = openpyxl.load_workbook(template)
    layout = plan_workbook(spec)
    for sheet in layout.scalar_sheets:
        ws = wb[sheet.name]
        for entry in sheet.value_entries():
            if entry.path == "enterprise.name":
                ws[entry.cell] = h.ENTERPRISE["name"]
            elif entry.path == "enterprise.uscc":
                ws[entry.cell] = h.ENTERPRISE["uscc"]
            elif entry.path == "period":
                ws[entry.cell] = "2026-10"
            elif entry.role == "input" and entry.field is not None and entry.field.name in values:
                ws[entry.cell] = _typed(spec, entry.field, values[entry.field.name])
    for rsheet in layout.repeat_sheets:
        for offset, line in enumerate(_sheet_lines(spec, rsheet, values)):
            for index, value in line.items():
                wb[rsheet.name].cell(FIRST_DATA_ROW + offset, index, value)
    wb.save(out)


def test_template_filled_in_excel_imports_to_the_same_month(tmp_path: Path) -> None:
    template = tmp_path / "钢铁月度模板.xlsx"
    made = h.run_cli("template", "steel-monthly", "-o", str(template), "--period", "2026-10")
    assert made.returncode == 0, made.stderr
    filled = tmp_path / "2026年10月.xlsx"
    fill_template(template, filled, h.month_values())

    imported = tmp_path / "imported.json"
    result = h.run_cli("import", str(filled), "-o", str(imported))
    assert result.returncode == 0, result.stderr
    doc = json.loads(imported.read_text(encoding="utf-8"))
    assert doc["form"] == "steel-monthly" and doc["period"] == "2026-10"
    got = doc["values"]
    want = h.month_values()
    assert [r["fuel_name"] for r in got["fuels"]] == [r["fuel_name"] for r in want["fuels"]]
    assert Decimal(got["fuels"][0]["purchases"]) == Decimal(want["fuels"][0]["purchases"])
    assert [p["process_name"] for p in got["processes"]] == [p["process_name"] for p in want["processes"]]
    assert [len(p["inputs"]) for p in got["processes"]] == [2, 4, 3, 4, 3]
    assert [len(p.get("outputs") or []) for p in got["processes"]] == [4, 0, 2, 2, 0]
    assert Decimal(got["processes"][2]["outputs"][1]["quantity"]) == Decimal("42000")

    calc = h.run_cli("calc", str(imported), "--json")
    assert Decimal(calc.json()["values"]["ent_total"]) == Decimal("575455.12")
    check = h.run_cli("validate", str(filled), "--json")
    assert check.json()["summary"]["error"] == 0  # the workbook itself validates (evidence is attached later)


def test_workbook_cell_error_names_the_cell(tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    h.run_cli("template", "steel-monthly", "-o", str(template), "--period", "2026-10")
    filled = tmp_path / "f.xlsx"
    values = h.month_values()
    fill_template(template, filled, values)
    wb = openpyxl.load_workbook(filled)
    ws = wb["化石燃料"]
    header = [c.value for c in ws[1]]
    col = header.index("低位发热量（GJ/t 或 GJ/万Nm³）") + 1
    ws.cell(FIRST_DATA_ROW, col, "六千二")
    wb.save(filled)
    check = h.run_cli("validate", str(filled), "--json")
    assert check.returncode == 1
    bad = [f for f in check.json()["findings"] if f["code"] == "GEN-002"]
    assert len(bad) == 1 and "化石燃料!" in bad[0]["message"] + bad[0].get("location", "")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_is_chinese_and_names_no_internal_files(october: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    made = h.run_cli("pdf", str(october), "-o", str(pdf))
    assert made.returncode == 0, made.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in (
        "钢铁生产企业月度信息化存证数据表",
        "企业层级排放总量",
        "575,455.12",
        "掺烧自产二次能源的化石燃料发电设施排放总量",
        "燃料碳氧化率口径",
        "不计碳氧化率",
        "1号焦炉",
        "第三方实现",
    ):
        assert words in text, words
    for internal in INTERNAL:
        assert internal not in text, internal
    assert "草稿" not in text.split("第 1 页")[0]  # clean month: a final report, not a draft


def test_export_and_verify(october: Path, tmp_path: Path, cli_inprocess: Any) -> None:
    pkg = tmp_path / "pkg.zip"
    exported = cli_inprocess("export", str(october), "-o", str(pkg), "--json", "-q")
    assert exported.returncode == 0, exported.stderr
    info = json.loads(exported.stdout)
    assert info["draft"] is False and info["summary"]["error"] == 0
    verified = h.run_cli("verify", str(pkg), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.json()["ok"] is True


def test_seeded_error_blocks_the_final_package(tmp_path: Path, cli_inprocess: Any) -> None:
    values = h.month_values()
    values["fuels"][0]["ncv"] = "6240"  # kcal/kg typed into a GJ/t field
    path = tmp_path / "bad.json"
    path.write_text(h.document(values=values, with_evidence=False).to_json_text(), encoding="utf-8")
    check = h.run_cli("validate", str(path), "--json")
    assert check.returncode == 1
    assert [(f["code"], f["path"]) for f in check.json()["findings"] if f["severity"] == "error"] == [
        ("STL-M-110", "fuels[0].ncv")
    ]
    blocked = cli_inprocess("export", str(path), "-o", str(tmp_path / "x.zip"), "-q")
    assert blocked.returncode == 1
    draft = cli_inprocess("export", str(path), "-o", str(tmp_path / "draft.zip"), "--draft", "-q")
    assert draft.returncode == 0


def test_periods_and_deadline(tmp_path: Path) -> None:
    from cets_desktop.core.deadlines import due_for

    spec = h.spec()
    assert (spec.template_year, spec.valid_from, spec.deadline) == (
        2026,
        "2025-01",
        {"days_after_period": 40},
    )
    # 40 natural days after 31 October 2026
    assert due_for("monthly", "2026-10") == dt.date(2026, 12, 10)
    # The back-filled January–June 2025 months use the same definition; 2024 has none.
    assert (
        h.run_cli("new", "steel-monthly", "--period", "2025-01", "-o", str(tmp_path / "a.json")).returncode
        == 0
    )
    refused = h.run_cli("new", "steel-monthly", "--period", "2024-12", "-o", str(tmp_path / "b.json"))
    assert refused.returncode == 2 and "2025-01" in refused.stderr and "Traceback" not in refused.stderr
