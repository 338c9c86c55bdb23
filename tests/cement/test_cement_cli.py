"""Cement month through the command line, end to end: new → validate → calc → template, filled like
a user in Excel → import → pdf (text checked with pdftotext) → export → verify; seeded errors exit 1
with the right code at the right path, and stock continuity works across files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import cement_helpers as h
from sector_cli import (
    CLI,
    errors_at,
    excel_round_trip,
    exported_and_verified,
    month_json,
    needs_poppler,
    new_filing,
    pdf_words,
    validated,
    write_json,
)


def october_json(
    folder: Path, vals: dict[str, Any] | None = None, period: str = h.PERIOD, tag: str = "2026-10"
) -> Path:
    return month_json(h, folder, vals, period, tag)


def test_new_gives_the_preset_rows_and_validate_lists_what_is_missing(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    doc = new_filing(cli, h.FORM, "2026-10", h.ENTERPRISE, out)
    assert doc["form"] == "cement-monthly" and doc["form_version"] == "2026.1"
    line = doc["values"]["lines"][0]
    assert line["clinkers"][0]["clinker_type"] == "硅酸盐水泥熟料"
    assert line["fuels"][0]["fuel_name"] == "烟煤"

    findings = validated(cli, out, 1)["findings"]
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
    summary = validated(cli, october, 0)["summary"]
    assert summary["error"] == 0 and summary["warning"] == 0

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
    _, doc, filled, _ = excel_round_trip(
        cli, spec, tmp_path, "2026年10月水泥", h.values(), h.ENTERPRISE, h.PERIOD
    )
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
    checked = validated(cli, filled, 0)
    # no evidence travels in a workbook: only missing-evidence warnings, no error
    assert checked["summary"]["error"] == 0
    assert {f["code"] for f in checked["findings"]} <= {"GEN-006"}


@needs_poppler
def test_pdf_is_chinese_with_the_numbers_and_no_internal_names(cli: CLI, tmp_path: Path) -> None:
    october = october_json(tmp_path)
    pdf_words(
        cli,
        october,
        tmp_path / "report.pdf",
        expected=(
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
        ),
        internal=(".md", ".yaml", "mandatory", "sector-months", "clinker_process_ef", "ref("),
    )


def test_export_and_verify(cli: CLI, tmp_path: Path) -> None:
    october = october_json(tmp_path)
    info = exported_and_verified(cli, october, tmp_path / "cement-2026-10.zip")
    assert info["signed"] is True  # the test's in-memory keyring holds the signing key


def test_seeded_errors_exit_1_with_the_code_at_the_field(cli: CLI, tmp_path: Path) -> None:
    vals = h.values()
    vals["lines"][0]["clinkers"][0].update(clinker_ef="535", clinker_ef_route="实测值")
    vals["lines"][1]["clinkers"][0]["closing_stock"] = "13000.00"  # 500 t missing from the stock-take
    bad = october_json(tmp_path, vals)
    assert set(errors_at(cli, bad)) == {
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
    assert errors_at(cli, november, "--previous-filing", str(october)) == [
        ("CEM-M-301", "lines[0].clinkers[0].opening_stock")
    ]


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
