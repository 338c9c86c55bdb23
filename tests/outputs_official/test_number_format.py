"""One number format: the template's decimals, trailing zeros kept, rounded half up once, the same
digits in the PDF, the Excel cells and ``calc --json``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from official_data import Printed, month_document, pdf_text, print_filing
from openpyxl import load_workbook

from cets_desktop.core.display import display_value
from cets_desktop.core.numbers import format_decimal, plain_decimal

# Calculated values of the October month with their template decimals, by hand:
# 1号机组 烟煤 152,340.50 t × 0.5620 tC/t × 99.0 % × 44/12 = 310,783.76 tCO2; C_ar 56.20 % ÷ 100.
HAND = {
    "units[0].fuels[0].c_ar": "0.5620",
    "units[0].fuels[0].emissions": "310783.76",
    "units[0].fuels[0].fuel_heat": "3275320.75",
    "units[0].fuels[1].emissions": "108.98",
    "total_emissions": "469997.90",
    "units[0].load_factor_calc": "75.00",
    "units[0].supply_coal_rate": "0.3230",
}


def _get(values: dict, path: str) -> object:
    node: object = values
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        node = node[m.group(1)][int(m.group(2))] if m else node[part]  # type: ignore[index]
    return node


def test_the_one_format_rounds_half_up_and_keeps_trailing_zeros() -> None:
    assert format_decimal(Decimal("12.3"), 2) == "12.30"
    assert format_decimal(Decimal("2.345"), 2) == "2.35"  # 四舍五入, not banker's 2.34
    assert format_decimal(Decimal("2.335"), 2) == "2.34"
    assert format_decimal(Decimal("1501.345"), 2) == "1,501.35"
    assert format_decimal(Decimal("-469997.895"), 2) == "-469,997.90"
    # Whole numbers keep four digits together (2026 年, GWP 6630) and separate from 10,000 up.
    assert format_decimal(Decimal("2026"), 0) == "2026" and format_decimal(Decimal("11100"), 0) == "11,100"
    assert plain_decimal(Decimal("1501.345"), 2) == "1501.35"
    assert plain_decimal(Decimal("0.56200001"), 4) == "0.5620"


def test_calc_json_pdf_and_excel_show_the_same_numbers(printed: dict[str, Printed], tmp_path: Path) -> None:
    p = printed["month"]
    doc_path = tmp_path / "month.json"
    doc_path.write_text(json.dumps(p.document.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "cets_desktop", "calc", str(doc_path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    values = json.loads(run.stdout)["values"]
    text = pdf_text(p.pdf)
    wb = load_workbook(p.xlsx)
    explain = wb["计算过程"]
    by_path = {row[8].value: row for row in explain.iter_rows(min_row=2) if row[8].value}
    spec = p.evaluation.spec
    for path, hand in HAND.items():
        shown = _get(values, path)
        assert shown == hand, f"calc --json {path} = {shown}，手算 {hand}"
        places = len(hand.split(".")[1])
        person = format_decimal(Decimal(hand), places)
        assert person in text, f"PDF 中没有 {person}（{path}）"
        cell = by_path[path][2]
        assert Decimal(str(cell.value)) == Decimal(hand), f"Excel 存的是 {cell.value}，报告值 {hand}"
        assert cell.number_format == "#,##0." + "0" * places, cell.number_format
        # What Excel shows with that format is the PDF's text.
        assert f"{Decimal(str(cell.value)):,.{places}f}" == person
        # The window shows the same (core.display is its formatter too).
        field = spec.find_field(re.sub(r"\[\d+\]", "[]", path))
        assert display_value(spec, field, _get(p.evaluation.values, path)) == person
    # Trailing zeros survive everywhere: 0.5620, 469,997.90, 75.00.
    assert "0.5620" in text and "469,997.90" in text and "75.00" in text
    assert values["total_emissions"].endswith("0") and values["units"][0]["fuels"][0]["c_ar"] == "0.5620"


def test_an_entered_value_is_never_rounded_on_paper(tmp_path: Path) -> None:
    """152340.505 t typed where the template keeps 2 decimals: GEN-005 warns; the PDF, the Excel
    cell and calc --json all still show what was typed, and the emissions use it unrounded."""
    p = print_filing("month", tmp_path, month_document(consumption="152340.505"))
    assert any(f.code == "GEN-005" for f in p.evaluation.findings)
    text = pdf_text(p.pdf)
    assert "152,340.505" in text and "152,340.51" not in text
    sheet = load_workbook(p.xlsx)["燃料"]
    header = [c.value for c in sheet[1]]
    col = next(i for i, h in enumerate(header) if h and str(h).startswith("燃料消耗量"))
    cell = sheet.cell(2, col + 1)
    assert Decimal(str(cell.value)) == Decimal("152340.505")
    assert cell.number_format.startswith("#,##0.00#")  # at least 2 decimals, never hides the third
    from cets_desktop.core.calc import padded_values

    assert padded_values(p.evaluation.spec, p.evaluation.values)["units"][0]["fuels"][0]["consumption"] == (
        "152340.505"
    )
    e = Decimal("152340.505") * Decimal("0.5620") * Decimal("0.99") * Decimal(44) / Decimal(12)
    assert format_decimal(e, 2) in text
