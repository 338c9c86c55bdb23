"""Each of 平板玻璃, 铜冶炼, 纸浆制造, 机制纸和纸板, 航空公司, 机场 through the command line, end to end: new →
validate → calc → template filled like a user in Excel → import → pdf (pdftotext: Chinese, the totals, the
plain-words certainty, no internal names or bare tags) → export → verify; a period before valid_from is
refused; a seeded error exits 1 with its code at its field."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import a5_data as d
import pytest
from a5_data import b
from sector_cli import Run, attach_evidence, fill_like_a_user, pdftotext, write_json

from cets_desktop.core.calc import rounded_values

CLI = Callable[..., Run]
FORMS = sorted(d.FORMS)
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)
TITLE = {
    "a5-glass": "平板玻璃",
    "a5-copper": "铜冶炼",
    "a5-pulp": "纸浆制造",
    "a5-paper": "机制纸和纸板",
    "a5-airline": "航空公司",
    "a5-airport": "机场",
}


def filing_json(form: str, folder: Path, values: dict[str, Any] | None = None) -> Path:
    doc = d.doc(form, values).to_json_dict()
    doc["evidence"] = []
    paths = b.evidence_paths(b.spec_of(form), doc["values"])
    return write_json(folder / f"{form}.json", attach_evidence(doc, paths, folder, form))


def expected_total(form: str) -> Decimal:
    evaluation = d.run(form)
    return rounded_values(b.spec_of(form), evaluation.values)["total_co2"]


@pytest.mark.parametrize("form", FORMS)
def test_new_names_the_emission_year_and_refuses_earlier_periods(cli: CLI, form: str, tmp_path: Path) -> None:
    enterprise, _ = d.FORMS[form]
    out = tmp_path / "new.json"
    made = cli(
        "new",
        form,
        "--period",
        "2025",
        "--enterprise-name",
        enterprise["name"],
        "--uscc",
        enterprise["uscc"],
        "-o",
        str(out),
    )
    assert made.returncode == 0, made.stderr
    assert "2025" in made.stderr and "排放" in made.stderr  # says the period is the emission year
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["form"] == form and doc["period"] == "2025"
    checked = cli("validate", str(out), "--json")
    assert checked.returncode == 1 and any(f["code"] == "GEN-003" for f in checked.json()["findings"])
    early = cli("new", form, "--period", "2022", "-o", str(tmp_path / "old.json"))
    assert early.returncode == 2 and early.stderr.strip() and "Traceback" not in early.stderr


@pytest.mark.parametrize("form", FORMS)
def test_clean_filing_validates_calcs_exports_and_verifies(cli: CLI, form: str, tmp_path: Path) -> None:
    path = filing_json(form, tmp_path)
    checked = cli("validate", str(path), "--json")
    assert checked.returncode == 0, checked.stdout
    assert checked.json()["summary"]["error"] == 0 and checked.json()["summary"]["warning"] == 0
    calc = cli("calc", str(path), "--json")
    assert calc.returncode == 0
    values = calc.json()["values"]
    assert Decimal(values["total_co2"]) == expected_total(form)
    assert Decimal(values["supplementary_emissions"]) == (expected_total(form) / 10000).quantize(
        Decimal("0.01")
    )
    package = tmp_path / f"{form}.zip"
    exported = cli("export", str(path), "-o", str(package), "--json", "-q")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["draft"] is False
    verified = cli("verify", str(package), "--json")
    assert verified.returncode == 0 and verified.json()["ok"] is True


@pytest.mark.parametrize("form", FORMS)
def test_template_filled_in_excel_imports_to_the_same_totals(cli: CLI, form: str, tmp_path: Path) -> None:
    spec = b.spec_of(form)
    enterprise, build = d.FORMS[form]
    template = tmp_path / "模板.xlsx"
    made = cli("template", form, "-o", str(template), "--period", d.YEAR)
    assert made.returncode == 0, made.stderr
    filled = tmp_path / "填好的.xlsx"
    fill_like_a_user(spec, template, filled, build(), enterprise, d.YEAR)
    imported = tmp_path / "imported.json"
    result = cli("import", str(filled), "-o", str(imported))
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(imported.read_text(encoding="utf-8"))
    assert doc["form"] == form and doc["period"] == d.YEAR and doc["enterprise"]["uscc"] == enterprise["uscc"]
    calc = cli("calc", str(filled), "--json")
    assert Decimal(calc.json()["values"]["total_co2"]) == expected_total(form)
    checked = cli("validate", str(filled), "--json")
    assert checked.json()["summary"]["error"] == 0  # evidence does not travel in a workbook: at most GEN-006


@needs_poppler
@pytest.mark.parametrize("form", FORMS)
def test_pdf_is_chinese_with_the_totals_and_no_internal_names(cli: CLI, form: str, tmp_path: Path) -> None:
    path = filing_json(form, tmp_path)
    pdf = tmp_path / "report.pdf"
    made = cli("pdf", str(path), "-o", str(pdf))
    assert made.returncode == 0, made.stderr
    text = pdftotext(pdf)
    flat = re.sub(r"\s+", "", text)
    enterprise, _ = d.FORMS[form]
    assert enterprise["name"] in flat and TITLE[form] in flat
    total = f"{expected_total(form):,.2f}"
    assert total in flat or total.replace(",", "") in flat, total
    if b.spec_of(form).certainty == "G":
        assert "本表结构依据2023年模板推定" in flat  # the reconstruction is said in plain words
    for internal in (".md", ".yaml", "appendix5", "mandatory", "ref(", "a5_grid_factor", "Decimal(", "None"):
        assert internal not in text, internal
    # Certainty is said in plain words: a tag the renderer prints is followed by them.
    plain = ("已核实", "部分核实", "推测", "据回忆", "第三方", "据记忆", "把握程度")
    for m in re.finditer(r"\[[VRTGPM]\]", flat):
        assert any(w in flat[m.end() : m.end() + 12] for w in plain), flat[m.start() - 40 : m.end() + 12]


def test_glass_pdf_shows_both_totals(cli: CLI, tmp_path: Path) -> None:
    path = filing_json("a5-glass", tmp_path)
    pdf = tmp_path / "glass.pdf"
    assert cli("pdf", str(path), "-o", str(pdf)).returncode == 0
    flat = re.sub(r"\s+", "", pdftotext(pdf)) if shutil.which("pdftotext") else ""
    if flat:
        assert "含原料碳酸盐分解和碳粉氧化" in flat and "不含原料碳酸盐分解和碳粉氧化" in flat


def test_seeded_error_exits_1_with_the_code_at_the_field(cli: CLI, tmp_path: Path) -> None:
    values = d.fresh("a5-airline")
    values["categories"][1]["types"].append({"aircraft_type": "B787"})  # 第一类 type under 第二类
    path = filing_json("a5-airline", tmp_path, values)
    checked = cli("validate", str(path), "--json")
    assert checked.returncode == 1
    hits = [f for f in checked.json()["findings"] if f["code"] == "A5-AIR-010"]
    assert [(f["severity"], f["path"]) for f in hits] == [("error", "categories[1].types[3].aircraft_type")]
    blocked = cli("export", str(path), "-o", str(tmp_path / "x.zip"), "-q")
    assert blocked.returncode == 1 and not (tmp_path / "x.zip").exists()


def test_workbooks_carry_a_read_only_sheet_in_the_official_three_column_layout(
    cli: CLI, tmp_path: Path
) -> None:
    import openpyxl

    from cets_desktop.io.xlsx_official import OFFICIAL_SHEET

    template = tmp_path / "t.xlsx"
    assert cli("template", "a5-glass", "-o", str(template), "--period", d.YEAR).returncode == 0
    ws = openpyxl.load_workbook(template)[OFFICIAL_SHEET]
    assert ws.protection.sheet is True
    assert [c.value for c in ws[5]][:3] == ["补充数据", "数值", "计算方法或填写要求"]
    items = [r[0] for r in ws.iter_rows(min_row=6, values_only=True) if r[0]]
    assert any(
        str(i).strip().startswith("1.1.4 碳氧化率") for i in items
    )  # per-fuel rows as in the 2023 tables

    package = tmp_path / "g.zip"
    path = filing_json("a5-glass", tmp_path)
    assert cli("export", str(path), "-o", str(package), "-q").returncode == 0
    import zipfile

    with zipfile.ZipFile(package) as z:
        (tmp_path / "data.xlsx").write_bytes(z.read("data.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "data.xlsx")[OFFICIAL_SHEET]
    rows: dict[str, Any] = {}
    for r in ws.iter_rows(min_row=6, values_only=True):
        if r[0]:
            rows.setdefault(str(r[0]).strip(), r[1])  # first line block (1#浮法线) wins
    assert rows["1.4.1.1 电网电量（MWh）"] == 42000
    assert rows["1.1.1 消耗量（万Nm³）"] == 6200  # the row's own unit, not "t 或 万Nm³"
    assert rows["二氧化碳排放总量（含原料碳酸盐分解和碳粉氧化）（tCO2）"] == float(expected_total("a5-glass"))
    items = [str(r[0]).strip() for r in ws.iter_rows(min_row=6, values_only=True) if r[0]]
    first_heat = items.index("热力来源「余热回收」")
    assert items[first_heat + 1 : first_heat + 4] == ["热力来源", "来源说明", "消耗热量（GJ）"]
    assert (
        "锅炉排放量（tCO2）" not in items[first_heat : first_heat + 6]
    )  # items not asked in this row left out
    # The import never reads it: the package's workbook imports to the same total.
    calc = cli("calc", str(tmp_path / "data.xlsx"), "--json")
    assert Decimal(calc.json()["values"]["total_co2"]) == expected_total("a5-glass")
