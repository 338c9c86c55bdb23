"""Cement month through the command line, end to end: new → validate → calc → template, filled like
a user in Excel → import → pdf (text checked with pdftotext) → export → verify; seeded errors exit 1
with the right code at the right path, and stock continuity works across files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import cement_helpers as h
import pytest
from sector_cli import Run, attach_evidence, fill_like_a_user, pdftotext, write_json

CLI = Callable[..., Run]
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)


def october_json(
    folder: Path, vals: dict[str, Any] | None = None, period: str = h.PERIOD, tag: str = "2026-10"
) -> Path:
    doc = h.document(vals, period=period, with_evidence=False).to_json_dict()
    paths = h.b.evidence_paths(h.b.spec_of(h.FORM), doc["values"])
    return write_json(folder / f"{tag}.json", attach_evidence(doc, paths, folder, tag))


def test_new_gives_the_preset_rows_and_validate_lists_what_is_missing(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    made = cli(
        "new",
        h.FORM,
        "--period",
        "2026-10",
        "--enterprise-name",
        h.ENTERPRISE["name"],
        "--uscc",
        h.ENTERPRISE["uscc"],
        "-o",
        str(out),
    )
    assert made.returncode == 0, made.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["form"] == "cement-monthly" and doc["form_version"] == "2026.1"
    line = doc["values"]["lines"][0]
    assert line["clinkers"][0]["clinker_type"] == "硅酸盐水泥熟料"
    assert line["fuels"][0]["fuel_name"] == "烟煤"

    checked = cli("validate", str(out), "--json")
    assert checked.returncode == 1
    findings = checked.json()["findings"]
    missing = {f["path"] for f in findings if f["code"] == "GEN-003"}
    assert {
        "lines[0].line_name",
        "lines[0].clinkers[0].opening_stock",
        "lines[0].clinkers[0].closing_stock",
        "cement_output",
        "purchased_electricity",
    } <= missing
    assert all(f["message"] for f in findings) and {f["severity"] for f in findings} <= {"error", "warning"}


def test_a_month_before_july_2025_is_not_governed_by_this_template(cli: CLI, tmp_path: Path) -> None:
    made = cli("new", h.FORM, "--period", "2025-06", "-o", str(tmp_path / "x.json"))
    assert made.returncode == 2 and made.stderr.strip()
    assert "Traceback" not in made.stderr


def test_clean_month_validates_and_calc_returns_the_rounded_results(cli: CLI, tmp_path: Path) -> None:
    october = october_json(tmp_path)
    checked = cli("validate", str(october), "--json")
    assert checked.returncode == 0, checked.stdout
    assert checked.json()["summary"]["error"] == 0 and checked.json()["summary"]["warning"] == 0

    calc = cli("calc", str(october), "--json")
    assert calc.returncode == 0
    v = calc.json()["values"]
    # hand calculation in test_cement_hand_calculations: 74,925.25 + 42,920.89 + 1,320.12 + 24,780 + 20,060.47
    assert Decimal(v["enterprise_emissions"]) == Decimal("164006.73")
    assert Decimal(v["lines"][0]["process_emissions"]) == Decimal("74925.25")
    assert Decimal(v["lines"][0]["clinkers"][0]["clinker_ef_used"]) == Decimal("0.535")
    assert Decimal(v["lines"][0]["raw_materials"][0]["deduction_used"]) == Decimal("0.480")
    assert Decimal(v["electricity_emissions"]) == Decimal("10607.58")
    assert Decimal(v["lines"][1]["clinkers"][0]["output_from_stocktake"]) == Decimal("60000.00")


def test_template_filled_in_excel_imports_to_the_same_filing(cli: CLI, tmp_path: Path) -> None:
    spec = h.b.spec_of(h.FORM)
    template = tmp_path / "水泥月度模板.xlsx"
    made = cli("template", h.FORM, "-o", str(template), "--period", h.PERIOD)
    assert made.returncode == 0, made.stderr
    filled = tmp_path / "2026年10月水泥.xlsx"
    fill_like_a_user(spec, template, filled, h.values(), h.ENTERPRISE, h.PERIOD)

    imported = tmp_path / "imported.json"
    result = cli("import", str(filled), "-o", str(imported))
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(imported.read_text(encoding="utf-8"))
    assert (
        doc["form"] == h.FORM
        and doc["period"] == h.PERIOD
        and doc["enterprise"]["name"] == h.ENTERPRISE["name"]
    )
    line = doc["values"]["lines"][0]
    assert Decimal(line["clinkers"][0]["closing_stock"]) == Decimal("32669.50")
    assert [r["material"] for r in line["raw_materials"]] == ["电石渣", "钢渣"]
    assert Decimal(doc["values"]["lines"][1]["fuels"][0]["carbon_per_heat"]) == Decimal("0.02650")

    calc = cli("calc", str(filled), "--json")
    assert Decimal(calc.json()["values"]["enterprise_emissions"]) == Decimal("164006.73")
    checked = cli("validate", str(filled), "--json")
    # no evidence travels in a workbook: only missing-evidence warnings, no error
    assert checked.json()["summary"]["error"] == 0
    assert {f["code"] for f in checked.json()["findings"]} <= {"GEN-006"}


@needs_poppler
def test_pdf_is_chinese_with_the_numbers_and_no_internal_names(cli: CLI, tmp_path: Path) -> None:
    october = october_json(tmp_path)
    pdf = tmp_path / "report.pdf"
    made = cli("pdf", str(october), "-o", str(pdf))
    assert made.returncode == 0, made.stderr
    text = pdftotext(pdf)
    for expected in (
        "皖江示范水泥有限公司",
        "水泥行业月度信息化存证",
        "熟料盘库",
        "期末熟料库存",
        "硅酸盐水泥熟料",
        "非碳酸盐替代原料",
        "电石渣",
        "164,006.73",
        "0.535",
        "第三方实现",
    ):
        assert expected in text, expected
    for internal in (".md", ".yaml", "mandatory", "sector-months", "clinker_process_ef", "ref("):
        assert internal not in text, internal


def test_export_and_verify(cli: CLI, tmp_path: Path) -> None:
    october = october_json(tmp_path)
    package = tmp_path / "cement-2026-10.zip"
    exported = cli("export", str(october), "-o", str(package), "--json", "-q")
    assert exported.returncode == 0, exported.stderr
    info = json.loads(exported.stdout)
    assert info["draft"] is False and info["summary"]["error"] == 0
    assert info["signed"] is True  # the test's in-memory keyring holds the signing key
    verified = cli("verify", str(package), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.json()["ok"] is True


def test_seeded_errors_exit_1_with_the_code_at_the_field(cli: CLI, tmp_path: Path) -> None:
    vals = h.values()
    vals["lines"][0]["clinkers"][0].update(clinker_ef="535", clinker_ef_route="实测值")
    vals["lines"][1]["clinkers"][0]["closing_stock"] = "13000.00"  # 500 t missing from the stock-take
    bad = october_json(tmp_path, vals)
    checked = cli("validate", str(bad), "--json")
    assert checked.returncode == 1
    found = {(f["code"], f["path"]) for f in checked.json()["findings"] if f["severity"] == "error"}
    assert found == {
        ("CEM-M-310", "lines[0].clinkers[0].clinker_ef"),
        ("CEM-M-300", "lines[1].clinkers[0].closing_stock"),
    }
    blocked = cli("export", str(bad), "-o", str(tmp_path / "x.zip"), "-q")
    assert blocked.returncode == 1 and "CEM-M-310" in blocked.stderr


def test_stock_continuity_against_the_previous_month_file(cli: CLI, tmp_path: Path) -> None:
    october = october_json(tmp_path)
    nov = h.values()
    for line in nov["lines"]:
        line["kiln_days"] = "30.00"
    nov["lines"][0]["clinkers"][0].update(
        opening_stock="32000.00",
        clinker_output="150000.00",
        clinker_to_mill="143000.00",
        clinker_sold="6000.00",
        closing_stock="33000.00",
    )
    nov["lines"][1]["clinkers"][0].update(
        opening_stock="13500.00",
        purchased_clinker="0.00",
        clinker_to_mill="59000.00",
        closing_stock="14500.00",
    )
    november = october_json(tmp_path, nov, period="2026-11", tag="2026-11")
    checked = cli("validate", str(november), "--json", "--previous-filing", str(october))
    assert checked.returncode == 1
    errors = [(f["code"], f["path"]) for f in checked.json()["findings"] if f["severity"] == "error"]
    assert errors == [("CEM-M-301", "lines[0].clinkers[0].opening_stock")]


def test_check_plan_from_the_command_line(cli: CLI, tmp_path: Path) -> None:
    plan = h.b.cement_plan()
    plan_file = write_json(tmp_path / "plan.json", plan.to_json_dict())
    vals = h.values()
    vals["lines"][0]["line_name"] = "1号熟料生产线"
    month = october_json(tmp_path, vals, period=f"{plan.period}-01", tag="m")
    checked = cli("check-plan", str(month), "--plan", str(plan_file), "--json")
    assert checked.returncode == 0, checked.stderr  # coherence findings are warnings
    found = {(f["code"], f["path"]) for f in checked.json()["findings"]}
    # the plan measures clinker output (belt scale), the month says 计算值; 2号熟料线 is not in the plan
    assert ("PLAN-LINK-001", "lines[0].clinkers[0].clinker_output") in found
    assert ("PLAN-LINK-003", "lines[1].line_name") in found
