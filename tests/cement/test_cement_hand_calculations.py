"""Cement month: every computed row against a hand calculation (Decimal, formula in the comment),
the Appendix C defaults by clinker type, the fuel-combustion part with the cement Appendix A
defaults, and the enterprise level with electricity reported but not counted."""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import cement_helpers as h  # noqa: E402

from cets_desktop.core.calc import explain_all, rounded_values  # noqa: E402

D = Decimal
K = D(44) / D(12)  # CO2/C mass ratio


def q2(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def line_one_hand() -> dict[str, Decimal]:
    # Appendix C: 硅酸盐水泥熟料 0.535 tCO2/t; 电石渣 0.480, 钢渣 0.215 tCO2/t (values [T])
    gross = D("148650.00") * D("0.535")  # Q × EF = 79,527.75
    deduction = D("8200.00") * D("0.480") + D("3100.00") * D("0.215")  # Σ M × D = 3,936 + 666.5
    # 烟煤: FC × C_ar × OF × 44/12, C_ar = 60.12 % measured, OF default 98 % (solid, cement Appendix A)
    coal = D("19850.00") * D("0.6012") * D("0.98") * K
    # 柴油 at the Appendix A defaults: FC × NCV × CC × OF × 44/12 = 12.5 × 42.652 × 0.02020 × 98 % × 44/12
    diesel = D("12.50") * D("42.652") * D("0.02020") * D("0.98") * K
    # 废轮胎: only the fossil carbon: FC × NCV × CC × OF × fossil share × 44/12
    tyres = D("600.00") * D("31.400") * D("0.02600") * D("0.98") * D("0.75") * K
    return {
        "gross": gross,
        "deduction": deduction,
        "process": gross - deduction,
        "coal": coal,
        "diesel": diesel,
        "kiln": coal,
        "fuels": coal + diesel,
        "alt": tyres,
        "line": gross - deduction + coal + diesel + tyres,
    }


def line_two_hand() -> dict[str, Decimal]:
    gross = D("60000.00") * D("0.413")  # 硫（铁）铝酸盐水泥熟料 0.413
    # 无烟煤 with a measured heat-based carbon content and a measured oxidation rate 97.5 %
    anthracite = D("8400.00") * D("24.800") * D("0.02650") * D("0.975") * K
    # 天然气 for drying at the defaults: 15 万Nm³ × 389.31 GJ/万Nm³ × 0.01532 tC/GJ × 99 % × 44/12
    gas = D("15.00") * D("389.31") * D("0.01532") * D("0.99") * K
    return {
        "gross": gross,
        "deduction": D(0),
        "process": gross,
        "kiln": anthracite,
        "fuels": anthracite + gas,
        "alt": D(0),
        "line": gross + anthracite + gas,
    }


def test_clean_month_has_no_findings_at_all() -> None:
    ev = h.run()
    assert [(f.code, f.path) for f in ev.findings] == []
    assert ev.exportable


def test_line_results_match_the_hand_calculation() -> None:
    lines = h.run().values["lines"]
    for row, hand in zip(lines, (line_one_hand(), line_two_hand()), strict=True):
        assert row["gross_process_total"] == hand["gross"]
        assert row["deduction_total"] == hand["deduction"]
        assert row["process_emissions"] == hand["process"]
        assert row["kiln_fuel_emissions"] == hand["kiln"]
        assert row["fuel_emissions"] == hand["fuels"]
        assert row["non_kiln_fuel_emissions"] == hand["fuels"] - hand["kiln"]
        assert row["alt_fuel_emissions"] == hand["alt"]
        assert row["line_emissions"] == hand["line"]
    one = line_one_hand()
    assert q2(one["gross"]) == D("79527.75") and q2(one["deduction"]) == D("4602.50")
    assert q2(one["process"]) == D("74925.25")
    assert q2(one["coal"]) == D("42882.19")
    assert lines[0]["line_intensity"] == one["line"] / D("148650.00")


def test_stocktake_rows_are_computed_from_the_appendix_b_identity() -> None:
    clinker = h.run().values["lines"][1]["clinkers"][0]
    # opening + output + purchased − to mill − sold − closing = 10,000 + 60,000 + 1,500 − 58,000 − 0 − 13,500
    assert clinker["stock_balance"] == D("0")
    # output = to mill + sold + closing − opening − purchased = 58,000 + 0 + 13,500 − 10,000 − 1,500
    assert clinker["output_from_stocktake"] == D("60000.00")


def test_enterprise_totals_add_up_and_electricity_is_reported_only() -> None:
    v = h.run().values
    one, two = line_one_hand(), line_two_hand()
    assert v["total_clinker_output"] == D("208650.00")
    assert v["total_process_emissions"] == one["process"] + two["process"]
    assert v["total_fuel_emissions"] == one["fuels"] + two["fuels"]
    assert v["total_alt_fuel_emissions"] == one["alt"]
    assert v["clinker_facility_emissions"] == one["line"] + two["line"]
    # enterprise = clinker facilities + power facilities (0) + other non-clinker facilities (0)
    assert v["enterprise_emissions"] == one["line"] + two["line"]
    # 18,600 MWh × 0.5703 tCO2/MWh (2022-vintage national grid factor, used from 2023 on) — not in the total
    assert v["grid_ef"] == D("0.5703") and v["electricity_emissions"] == D("18600.000") * D("0.5703")
    assert v["heat_emissions"] == D("0")
    # clinker factor = clinker to mill ÷ cement output = (142,380.50 + 58,000) ÷ 260,000
    assert v["clinker_factor"] == (D("142380.50") + D("58000.00")) / D("260000.00")

    rounded = rounded_values(h.b.spec_of(h.FORM), v)
    assert rounded["enterprise_emissions"] == q2(one["line"] + two["line"]) == D("164006.73")
    assert rounded["electricity_emissions"] == D("10607.58")


def test_other_facilities_are_added_at_the_enterprise_level() -> None:
    vals = h.values()
    vals["power_facility_emissions"] = "1250.40"
    vals["other_facility_emissions"] = "310.00"
    v = h.run(vals).values
    assert v["enterprise_emissions"] == v["clinker_facility_emissions"] + D("1250.40") + D("310.00")


def test_measured_clinker_factor_and_measured_deduction_factor_are_used() -> None:
    vals = h.values()
    clinker = vals["lines"][0]["clinkers"][0]
    clinker.update(clinker_ef="0.528", clinker_ef_route="实测值")
    vals["lines"][0]["raw_materials"][0].update(deduction_factor="0.455", deduction_route="实测值")
    ev = h.run(vals)
    assert ev.errors == []
    row = ev.values["lines"][0]
    # 148,650 × 0.528 − (8,200 × 0.455 + 3,100 × 0.215)
    assert row["process_emissions"] == D("148650.00") * D("0.528") - (
        D("8200.00") * D("0.455") + D("3100.00") * D("0.215")
    )


def test_each_clinker_type_takes_its_own_appendix_c_default() -> None:
    expected = {
        "硅酸盐水泥熟料": D("0.535"),
        "白色硅酸盐水泥熟料": D("0.550"),
        "硫（铁）铝酸盐水泥熟料": D("0.413"),
        "铝酸盐水泥熟料": D("0.292"),
    }
    for clinker_type, ef in expected.items():
        vals = h.values()
        vals["lines"][1]["clinkers"][0]["clinker_type"] = clinker_type
        row = h.run(vals).values["lines"][1]
        assert row["clinkers"][0]["clinker_ef_used"] == ef
        assert row["gross_process_total"] == D("60000.00") * ef


def test_two_clinker_types_on_one_line_are_summed() -> None:
    vals = h.values()
    white = dict(vals["lines"][1]["clinkers"][0])
    white.update(
        clinker_type="白色硅酸盐水泥熟料",
        opening_stock="500.00",
        purchased_clinker="0.00",
        clinker_to_mill="4000.00",
        clinker_sold="0.00",
        closing_stock="1500.00",
        clinker_output="5000.00",
    )
    vals["lines"][1]["clinkers"].append(white)
    ev = h.run(vals)
    assert ev.errors == []
    row = ev.values["lines"][1]
    assert row["clinker_output_total"] == D("65000.00")
    assert row["gross_process_total"] == D("60000.00") * D("0.413") + D("5000.00") * D("0.550")


def test_explain_names_the_appendix_c_default_and_its_certainty() -> None:
    ev = h.run()
    ex = explain_all(h.b.spec_of(h.FORM), ev.values, ev.env)
    ef = ex["lines[0].clinkers[0].clinker_ef_used"]
    assert {(r.table, r.key, r.value, r.certainty) for r in ef.references} == {
        ("clinker_process_ef", "硅酸盐水泥熟料", D("0.535"), "T")
    }
    assert "附录C" in ef.references[0].source and ".md" not in ef.references[0].source
    gas = ex["lines[1].fuels[1].c_ar"]
    assert {(r.table, r.value) for r in gas.references} >= {("cement_fuel_cc_default", D("0.01532"))}
