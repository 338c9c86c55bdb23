"""Aluminium month through the command line, end to end: new → validate → calc → template, filled
like a user → import → pdf (the GWP set stated in the text) → export → verify; seeded errors exit 1."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import aluminium_helpers as h
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
)


def test_new_and_validate_list_what_is_missing(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    doc = new_filing(cli, h.FORM, "2026-10", h.ENTERPRISE, out)
    assert doc["values"]["series"][0]["pfc_method"] == "斜率法"
    assert doc["values"]["gwp_set"] == "AR5"  # the preset, stated on the form; the user can change it
    missing = {f["path"] for f in validated(cli, out, 1)["findings"] if f["code"] == "GEN-003"}
    assert {
        "series[0].series_name",
        "series[0].al_output",
        "series[0].net_anode_consumption",
        "series[0].anode_sulphur",
        "series[0].aem",
        "purchased_electricity",
    } <= missing
    assert "series[0].anode_ash" not in missing  # the default route needs no value


def test_clean_month_validates_and_calc_returns_the_rounded_results(cli: CLI, tmp_path: Path) -> None:
    month = month_json(h, tmp_path)
    validated(cli, month, 0)
    calc = cli("calc", str(month), "--json")
    v = calc.json()["values"]
    s = v["series"][0]
    # 0.4150 × 32,480.50 × (1 − 1.85 % − 0.4 %) × 44/12
    assert Decimal(s["anode_emissions"]) == Decimal("48312.44")
    # 32,480.50 × (0.143 × 0.03 × 6630 + 0.1 × 0.143 × 0.03 × 11100) ÷ 1000
    assert Decimal(s["pfc_emissions"]) == Decimal("1078.50")
    assert Decimal(v["gwp_cf4_used"]) == 6630 and Decimal(v["gwp_c2f6_used"]) == 11100
    assert Decimal(v["enterprise_emissions"]) == Decimal("51485.34")
    assert Decimal(s["ac_power_per_tonne"]) == Decimal("13454.23")


def test_template_filled_in_excel_imports_to_the_same_filing(cli: CLI, tmp_path: Path) -> None:
    spec = h.b.spec_of(h.FORM)
    _, doc, filled, _ = excel_round_trip(
        cli, spec, tmp_path, "2026年10月铝", h.values(), h.ENTERPRISE, h.PERIOD
    )
    s = doc["values"]["series"][0]
    assert doc["values"]["gwp_set"] == "AR5"
    assert Decimal(s["net_anode_consumption"]) == Decimal("0.4150") and Decimal(s["aem"]) == Decimal("0.03")
    assert [f["fuel_name"] for f in doc["values"]["fuels"]] == ["天然气", "柴油"]
    calc = cli("calc", str(filled), "--json")
    assert Decimal(calc.json()["values"]["enterprise_emissions"]) == Decimal("51485.34")
    assert validated(cli, filled, 0)["summary"]["error"] == 0


@needs_poppler
def test_pdf_states_the_gwp_set_and_names_no_internal_files(cli: CLI, tmp_path: Path) -> None:
    pdf_words(
        cli,
        month_json(h, tmp_path),
        tmp_path / "report.pdf",
        expected=(
            "黔北示范铝业有限公司",
            "铝冶炼行业月度信息化存证",
            "吨铝炭阳极净耗",
            "炭阳极平均含硫量",
            "GWP 取值套",
            "AR5",
            "6630",
            "11100",
            "48,312.44",
            "51,485.34",
        ),
        internal=(".md", ".yaml", "mandatory", "sector-months", "gwp_cf4", "ref("),
    )


def test_export_and_verify(cli: CLI, tmp_path: Path) -> None:
    exported_and_verified(cli, month_json(h, tmp_path), tmp_path / "aluminium-2026-10.zip")


def test_seeded_errors_exit_1(cli: CLI, tmp_path: Path) -> None:
    vals = h.values()
    s = vals["series"][0]
    s.update(net_anode_consumption="13479.41", anode_sulphur="0.0185", aem="1.36")
    s.pop("ae_total_minutes")
    s.pop("cell_days")
    assert set(errors_at(cli, month_json(h, tmp_path, vals))) == {
        ("ALU-M-310", "series[0].net_anode_consumption"),
        ("ALU-M-312", "series[0].anode_sulphur"),
        ("ALU-M-320", "series[0].aem"),
    }
