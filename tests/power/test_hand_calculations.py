"""Computed values of the demo October against hand calculations from the guide's formulas.

E = FC × C_ar × OF × 44/12, computed per month, fuel and unit (mandatory-sectors.md §3.1):
- 1号机组 烟煤: measured carbon, C_ar = C% ÷ 100; OF = 99 % (coal default);
- 1号机组 柴油: defaults, C_ar = NCV 42.652 GJ/t × CC 0.02020 tC/GJ; OF = 98 %;
- 2号机组 烟煤: carbon not measured, C_ar = NCV × 0.03085 tC/GJ (2023 onward default); OF = 99 %;
- E电 = purchased electricity × 0.5703 tCO2/MWh (grid factor for 2023 onward, §3.2);
- F = generation ÷ (capacity × hours) × 100; B = Σ fuel heat ÷ 29.3076; b供电 = B × (1 − α) ÷ W供电;
  供电碳排放强度 = E燃烧 × (1 − α) ÷ W供电; 供热 = E燃烧 × α ÷ Q供热 (§3.3).
Every reported value is rounded once, half up, to the definition's decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from power_helpers import demo, evaluate_doc, run_cli, write_json

C_TO_CO2 = Decimal(44) / Decimal(12)
TCE = Decimal("29.3076")
GRID_2026 = Decimal("0.5703")


def r(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def hand_october() -> dict[str, Decimal]:
    """Everything computed by hand from the October inputs (as typed in the document)."""
    doc = demo(10)
    u1, u2 = doc["values"]["units"]
    coal1, diesel = u1["fuels"]
    coal2 = u2["fuels"][0]
    assert (coal1["consumption"], coal1["ncv"], coal1["carbon_content"]) == ("152340.50", "21.500", "56.20")
    assert (diesel["consumption"], coal2["consumption"], coal2["ncv"]) == ("35.20", "68000.00", "20.800")

    e_coal1 = Decimal("152340.50") * (Decimal("56.20") / 100) * Decimal("0.99") * C_TO_CO2
    c_ar_diesel = Decimal("42.652") * Decimal("0.02020")
    e_diesel = Decimal("35.20") * c_ar_diesel * Decimal("0.98") * C_TO_CO2
    c_ar_coal2 = Decimal("20.800") * Decimal("0.03085")
    e_coal2 = Decimal("68000.00") * c_ar_coal2 * Decimal("0.99") * C_TO_CO2

    alpha1 = Decimal(u1["heat_ratio"])
    e1 = e_coal1 + e_diesel
    e2 = e_coal2
    b1 = (Decimal("152340.50") * Decimal("21.500") + Decimal("35.20") * Decimal("42.652")) / TCE
    b2 = Decimal("68000.00") * Decimal("20.800") / TCE
    elec2 = Decimal("1250.000") * GRID_2026
    return {
        "e_coal1": e_coal1,
        "e_diesel": e_diesel,
        "e_coal2": e_coal2,
        "c_ar_diesel": c_ar_diesel,
        "c_ar_coal2": c_ar_coal2,
        "e1": e1,
        "e2": e2,
        "elec1": Decimal(0),
        "elec2": elec2,
        "lf1": Decimal("346500.000") / (Decimal(660) * Decimal(700)) * 100,
        "lf2": Decimal("159250.000") / (Decimal(350) * Decimal(650)) * 100,
        "b1": b1,
        "b2": b2,
        "scr1": b1 * (1 - alpha1) / Decimal("325000.000"),
        "scr2": b2 / Decimal("149500.000"),
        "hcr1": b1 * alpha1 / Decimal("180000.00"),
        "si1": e1 * (1 - alpha1) / Decimal("325000.000"),
        "si2": e2 / Decimal("149500.000"),
        "hi1": e1 * alpha1 / Decimal("180000.00"),
        "total_combustion": e1 + e2,
        "total": e1 + e2 + elec2,
    }


def reported(values: dict[str, Any]) -> dict[str, Decimal]:
    """The same quantities from a calc payload (``calc --json`` values), as Decimals."""
    u1, u2 = values["units"]
    d = Decimal
    return {
        "e_coal1": d(u1["fuels"][0]["emissions"]),
        "e_diesel": d(u1["fuels"][1]["emissions"]),
        "e_coal2": d(u2["fuels"][0]["emissions"]),
        "c_ar_diesel": d(u1["fuels"][1]["c_ar"]),
        "c_ar_coal2": d(u2["fuels"][0]["c_ar"]),
        "e1": d(u1["combustion_emissions"]),
        "e2": d(u2["combustion_emissions"]),
        "elec1": d(u1["electricity_emissions"]),
        "elec2": d(u2["electricity_emissions"]),
        "lf1": d(u1["load_factor_calc"]),
        "lf2": d(u2["load_factor_calc"]),
        "b1": d(u1["standard_coal"]),
        "b2": d(u2["standard_coal"]),
        "scr1": d(u1["supply_coal_rate"]),
        "scr2": d(u2["supply_coal_rate"]),
        "hcr1": d(u1["heat_coal_rate"]),
        "si1": d(u1["supply_intensity"]),
        "si2": d(u2["supply_intensity"]),
        "hi1": d(u1["heat_intensity"]),
        "total_combustion": d(values["total_combustion_emissions"]),
        "total": d(values["total_emissions"]),
    }


PLACES = {
    "e_coal1": 2,
    "e_diesel": 2,
    "e_coal2": 2,
    "c_ar_diesel": 4,
    "c_ar_coal2": 4,
    "e1": 2,
    "e2": 2,
    "elec1": 2,
    "elec2": 2,
    "lf1": 2,
    "lf2": 2,
    "b1": 2,
    "b2": 2,
    "scr1": 4,
    "scr2": 4,
    "hcr1": 4,
    "si1": 4,
    "si2": 4,
    "hi1": 4,
    "total_combustion": 2,
    "total": 2,
}


def expected_rounded() -> dict[str, Decimal]:
    return {k: r(v, PLACES[k]) for k, v in hand_october().items()}


def test_hand_numbers_are_the_published_ones() -> None:
    """The figures quoted in the handover, so a formula change shows up here first."""
    e = expected_rounded()
    assert e["e_coal1"] == Decimal("310783.76")
    assert e["e_diesel"] == Decimal("108.98")
    assert e["e_coal2"] == Decimal("158392.29")
    assert e["e1"] == Decimal("310892.74") and e["elec2"] == Decimal("712.88")
    assert e["total_combustion"] == Decimal("469285.03") and e["total"] == Decimal("469997.90")
    assert (e["lf1"], e["lf2"]) == (Decimal("75.00"), Decimal("70.00"))
    assert (e["scr1"], e["scr2"], e["si1"], e["si2"], e["hi1"]) == (
        Decimal("0.3230"),
        Decimal("0.3228"),
        Decimal("0.8981"),
        Decimal("1.0595"),
        Decimal("0.1055"),
    )


def test_calc_output_matches_hand_calculation_rounded_to_definition_decimals() -> None:
    from cets_desktop.services import calc_output

    ev = evaluate_doc(demo(10))
    assert ev.errors == []
    got = reported(calc_output(ev)["values"])
    assert got == expected_rounded()


def test_full_precision_chain_sums_unrounded_fuel_emissions() -> None:
    """Unit totals add the fuels' full-precision emissions; rounding happens once, on output."""
    ev = evaluate_doc(demo(10))
    hand = hand_october()
    u1 = ev.values["units"][0]
    assert abs(u1["combustion_emissions"] - hand["e1"]) < Decimal("1e-15")
    assert abs(ev.values["total_emissions"] - hand["total"]) < Decimal("1e-15")


def test_default_carbon_uses_the_conservative_default_visibly() -> None:
    from cets_desktop.services import explanations

    ev = evaluate_doc(demo(10))
    fuel = ev.values["units"][1]["fuels"][0]
    assert fuel["c_ar"] == Decimal("20.800") * Decimal("0.03085")
    assert "2023 年起规则" in fuel["default_carbon_note"] and "485号" in fuel["default_carbon_note"]
    expl = explanations(ev)["units[1].fuels[0].c_ar"]
    refs = {(x.table, x.key): x for x in expl.references}
    used = refs[("coal_cc_missing_default", None)]
    assert used.value == Decimal("0.03085") and used.years == "2023-" and used.certainty == "R"
    info = [f for f in ev.findings if f.code == "PWR-M-124"]
    assert [(f.path, f.severity) for f in info] == [("units[1].fuels[0].carbon_route", "info")]
    assert "0.03085" in info[0].message and "2026 年" in info[0].message and "据回忆" in info[0].message


def test_grid_factor_follows_the_reporting_year() -> None:
    """E电 uses the factor of the period's year: 0.5810 for 2022, 0.5703 from 2023 (§3.2)."""
    from power_helpers import changed

    ev_2022 = evaluate_doc(changed(demo(10, year=2022)))
    assert ev_2022.values["units"][1]["electricity_emissions"] == Decimal("1250.000") * Decimal("0.5810")
    ev_2026 = evaluate_doc(demo(10))
    assert ev_2026.values["units"][1]["electricity_emissions"] == Decimal("1250.000") * GRID_2026


def test_missing_carbon_rule_names_the_rule_of_the_period_year() -> None:
    """2021–2022: 0.03085 for now, and the annual report applies the ≥3-measured-months mean (229号, V)."""
    ev = evaluate_doc(demo(10, year=2022))
    note = ev.values["units"][1]["fuels"][0]["default_carbon_note"]
    assert "2021–2022 年规则" in note and "229号" in note and "算术平均值" in note
    msg = next(f.message for f in ev.findings if f.code == "PWR-M-124")
    assert "实测≥3个月" in msg and "已核实" in msg
    ev_2020 = evaluate_doc(demo(10, year=2020))
    fuel = ev_2020.values["units"][1]["fuels"][0]
    assert fuel["c_ar"] == Decimal("20.800") * Decimal("0.03356")
    assert "0.03356" in fuel["default_carbon_note"]


def test_cli_calc_json_matches_hand_calculation(tmp_path: Path) -> None:
    path = write_json(tmp_path / "2026-10.json", demo(10))
    result = run_cli("calc", str(path), "--json")
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["form"] == "power-monthly" and payload["period"] == "2026-10"
    assert reported(payload["values"]) == expected_rounded()


@pytest.mark.parametrize("month", range(1, 13))
def test_every_clean_month_balances_units_and_totals(month: int) -> None:
    from cets_desktop.services import calc_output

    ev = evaluate_doc(demo(month))
    values = ev.values
    for unit in values["units"]:
        assert unit["combustion_emissions"] == sum(f["emissions"] for f in unit["fuels"])
        assert unit["unit_emissions"] == unit["combustion_emissions"] + unit["electricity_emissions"]
    assert values["total_emissions"] == sum(u["unit_emissions"] for u in values["units"])
    out = calc_output(ev)["values"]
    assert Decimal(out["total_generation"]) == sum(
        Decimal(u["generation"]) for u in demo(month)["values"]["units"]
    )


def test_low_heat_value_fuel_share_is_the_mass_share_of_gangue_slime_and_middlings() -> None:
    """2018 supplementary sheet [V]: record the mass share of 煤矸石/煤泥/洗中煤 blended into the coal."""
    from power_helpers import changed

    doc = changed(demo(10), **{"units.1.fuels.0.consumption": "47600.00"})
    doc["values"]["units"][1]["fuels"].append(
        {
            "fuel_name": "煤泥",
            "consumption": "20400.00",
            "consumption_route": "实测值",
            "consumption_source": "入炉煤计量",
            "ncv": "12.600",
            "ncv_route": "实测值",
            "carbon_route": "缺省值",
            "oxidation_route": "缺省值",
        }
    )
    ev = evaluate_doc(doc)
    assert ev.values["units"][0]["low_heat_fuel_share"] == 0
    share = ev.values["units"][1]["low_heat_fuel_share"]
    assert r(share, 2) == r(Decimal("20400.00") / Decimal("68000.00") * 100, 2) == Decimal("30.00")
    slime = ev.values["units"][1]["fuels"][1]
    assert slime["c_ar"] == Decimal("12.600") * Decimal("0.03085")
