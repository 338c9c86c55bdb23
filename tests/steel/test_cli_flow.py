"""The steel month through the command line, as a batch user runs it: new → validate → calc →
template, filled in with openpyxl → import → pdf → export → verify."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import steel_helpers as h

from cets_desktop.io.xlsx_layout import FIRST_DATA_ROW

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cement"))  # the sectors' shared CLI steps
from sector_cli import (  # noqa: E402
    errors_at,
    excel_round_trip,
    exported_and_verified,
    fill_like_a_user,
    needs_poppler,
    new_filing,
    pdf_words,
    validated,
)

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
    values = new_filing(h.run_cli, "steel-monthly", "2026-11", h.ENTERPRISE, out)["values"]
    assert values["oxidation_option"] == "不计碳氧化率"  # pre-filled, visible and changeable
    assert [r["fuel_name"] for r in values["fuels"]] == ["洗精煤", "焦炭", "天然气"]
    assert [r["product_name"] for r in values["products"]] == ["粗钢", "粗苯", "煤焦油"]
    findings = validated(h.run_cli, out, 1)["findings"]
    assert {f["code"] for f in findings if f["severity"] == "error"} == {"GEN-003", "GEN-007"}
    assert all(f["message"] for f in findings)


def test_validate_and_calc_on_the_month(october: Path) -> None:
    summary = validated(h.run_cli, october, 0)["summary"]
    assert summary["error"] == 0 and summary["warning"] == 0

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


def fill_template(template: Path, out: Path, values: dict[str, Any]) -> None:
    """Type the month into the blank template cell by cell, as a user does in Excel."""
    fill_like_a_user(h.spec(), template, out, values, h.ENTERPRISE, "2026-10")


def test_template_filled_in_excel_imports_to_the_same_month(tmp_path: Path) -> None:
    result, doc, filled, imported = excel_round_trip(
        h.run_cli, h.spec(), tmp_path, "2026年10月", h.month_values(), h.ENTERPRISE, "2026-10"
    )
    assert result.returncode == 0, result.stderr
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
    check = validated(h.run_cli, filled, 0)
    assert check["summary"]["error"] == 0  # the workbook itself validates (evidence is attached later)


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
    bad = [f for f in validated(h.run_cli, filled, 1)["findings"] if f["code"] == "GEN-002"]
    assert len(bad) == 1 and "化石燃料!" in bad[0]["message"] + bad[0].get("location", "")


@needs_poppler
def test_pdf_is_chinese_and_names_no_internal_files(october: Path, tmp_path: Path) -> None:
    text = pdf_words(
        h.run_cli,
        october,
        tmp_path / "report.pdf",
        expected=(
            "钢铁生产企业月度信息化存证数据表",
            "企业层级排放总量",
            "575,455.12",
            "掺烧自产二次能源的化石燃料发电设施排放总量",
            "燃料碳氧化率口径",
            "不计碳氧化率",
            "1号焦炉",
            "第三方实现",
        ),
        internal=INTERNAL,
    )
    assert "草稿" not in text.split("第 1 页")[0]  # clean month: a final report, not a draft


def test_export_and_verify(october: Path, tmp_path: Path, cli_inprocess: Any) -> None:
    exported_and_verified(cli_inprocess, october, tmp_path / "pkg.zip", verify=h.run_cli)


def test_seeded_error_blocks_the_final_package(tmp_path: Path, cli_inprocess: Any) -> None:
    values = h.month_values()
    values["fuels"][0]["ncv"] = "6240"  # kcal/kg typed into a GJ/t field
    path = tmp_path / "bad.json"
    path.write_text(h.document(values=values, with_evidence=False).to_json_text(), encoding="utf-8")
    assert errors_at(h.run_cli, path) == [("STL-M-110", "fuels[0].ncv")]
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
