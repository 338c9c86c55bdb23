"""Every computed row of the 石化 / 化工 Appendix 5 tables against a hand calculation written out here
(Decimal arithmetic, the formula in a comment), then the printed figures (四舍五入 to the template's
decimals) against the hand result rounded the same way."""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import chem_data as c  # noqa: E402

from cets_desktop.core.calc import rounded_values  # noqa: E402

D = Decimal
GRID = D("0.5703")  # 2022年度全国电网平均排放因子, confirmed by the filer for 2025 data
C_TO_CO2 = D(44) / D(12)  # carbon → CO2


def close(actual: Any, expected: Decimal) -> bool:
    """Equal to far below the template's decimals (the engine divides in another order)."""
    return actual is not None and abs(actual - expected) < D("1e-9")


def r2(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_ammonia_coal_workshop_with_methanol_co_production_is_split_by_the_2016_ratios() -> None:
    values = c.run("a5-ammonia").values
    one = values["workshops"][0]
    nh3, meoh = D("300000"), D("80000")
    # 2016 template footnote: per t product, ammonia : methanol = 1 : 1.06 (raw material, heat), 1 : 0.8 (electricity)
    s_raw = nh3 / (nh3 + D("1.06") * meoh)  # 300,000 / 384,800 = 0.779626
    s_el = nh3 / (nh3 + D("0.8") * meoh)  # 300,000 / 364,000 = 0.824176
    assert (
        close(one["raw_share"], s_raw)
        and close(one["electricity_share"], s_el)
        and close(one["heat_share"], s_raw)
    )
    # Formula (8): E = (Σ AD_in × CC_in × s_raw − Σ AD_out × CC_out × (s_raw if shared else 1)) × 44/12
    carbon_in = D("420000") * D("0.72") + D("60000") * D("0.62")  # 339,600 tC (shared)
    purge = D("3500") * D("1.20")  # 驰放气 4,200 tC, shared → × s_raw
    liquid_co2 = D("30000") * D("0.2727")  # 液体二氧化碳 8,181 tC, ammonia's own
    e_raw = (carbon_in * s_raw - purge * s_raw - liquid_co2) * C_TO_CO2
    assert close(one["outputs"][0]["carbon_allocated"], purge * s_raw)
    assert one["outputs"][1]["carbon_allocated"] == liquid_co2
    assert close(one["raw_material_emissions"], e_raw)
    # Formula (13): the shared 420,000 MWh × s_el; grid and captive at the grid factor, waste heat at 0
    assert one["electricity_sources_total"] == D("420000")
    assert close(one["electricity_total"], D("420000") * s_el)
    assert close(one["electricity_ef"], (D("250000") + D("150000")) * GRID / D("420000"))
    e_grid, e_captive = D("250000") * GRID * s_el, D("150000") * GRID * s_el
    assert close(one["grid_emissions"], e_grid) and close(one["captive_emissions"], e_captive)
    e_el = e_grid + e_captive
    assert close(one["electricity_emissions"], e_el)
    # Formula (14): 余热回收 0; boiler 70,000 tCO2 ÷ 800,000 GJ = 0.0875 tCO2/GJ; shared heat × s_raw (1 : 1.06)
    e_heat = (D("900000") * 0 + D("600000") * D("70000") / D("800000")) * s_raw
    assert one["heat_sources_total"] == D("1500000")
    assert close(one["heat_total"], D("1500000") * s_raw)
    assert close(one["heat_emissions"], e_heat)
    assert close(one["heat_ef"], D("52500") / D("1500000"))  # 0.035: the split does not change the factor
    co2_one = e_raw + e_el + e_heat
    assert close(one["co2_emissions"], co2_one)
    assert close(one["co2_intensity"], co2_one / nh3)

    two = values["workshops"][1]  # gas-based, no co-production: every share is 1
    assert two["raw_share"] == 1 and two["electricity_share"] == 1 and two["heat_share"] == 1
    e_raw2 = (D("20500") * D("5.80") - D("600") * D("0.90")) * C_TO_CO2  # (118,900 − 540) tC × 44/12
    e_el2 = D("30000") * GRID
    e_heat2 = D("400000") * D("0.105")
    co2_two = e_raw2 + e_el2 + e_heat2
    assert close(two["co2_emissions"], co2_two)

    total = co2_one + co2_two
    assert close(values["total_co2"], total)
    assert values["total_output"] == D("500000")
    assert close(values["supplementary_emissions"], total / 10000)  # 数据汇总表: 万吨 = t ÷ 10 000
    printed = rounded_values(c.run("a5-ammonia").spec, values)
    assert printed["total_co2"] == r2(total) == D("1650823.79")
    assert printed["workshops"][0]["raw_material_emissions"] == r2(e_raw)
    assert printed["supplementary_emissions"] == D("165.08")


def test_methanol_plants_with_and_without_ammonia_co_production() -> None:
    values = c.run("a5-methanol").values
    one, two = values["workshops"]
    # 一分厂: (1,400,000 × 0.60 − 600,000 × 0.375 − 8,000 × 2.10) × 44/12 = 598,200 tC × 44/12
    e_raw = (D("1400000") * D("0.60") - D("600000") * D("0.375") - D("8000") * D("2.10")) * C_TO_CO2
    assert close(one["raw_material_emissions"], e_raw) and close(e_raw, D("2193400"))
    e_el = (D("300000") + D("200000")) * GRID  # 285,150
    e_heat = D("1500000") * D("150000") / D("1600000")  # boiler 0.09375 tCO2/GJ → 140,625
    assert close(one["electricity_emissions"], e_el) and close(one["heat_emissions"], e_heat)
    assert close(one["co2_emissions"], e_raw + e_el + e_heat)

    # 二分厂: methanol co-produced with 50,000 t ammonia; methanol side of the split
    meoh, nh3 = D("200000"), D("50000")
    s_raw = D("1.06") * meoh / (nh3 + D("1.06") * meoh)  # 212,000 / 262,000
    s_el = D("0.8") * meoh / (nh3 + D("0.8") * meoh)  # 160,000 / 210,000
    # methanol itself is this table's own product (all of it deducted); the purge gas is shared (× s_raw)
    e_raw2 = (
        D("42000") * D("2.30") * s_raw - D("200000") * D("0.375") - D("3000") * D("1.00") * s_raw
    ) * C_TO_CO2
    e_el2 = D("120000") * GRID * s_el
    e_heat2 = D("300000") * D("0.098") * s_raw  # bought heat at the supplier's factor
    assert close(two["raw_share"], s_raw) and close(two["electricity_share"], s_el)
    assert close(two["raw_material_emissions"], e_raw2)
    assert close(two["electricity_emissions"], e_el2) and close(two["heat_emissions"], e_heat2)
    assert close(two["co2_emissions"], e_raw2 + e_el2 + e_heat2)
    total = e_raw + e_el + e_heat + e_raw2 + e_el2 + e_heat2
    assert close(values["total_co2"], total) and values["total_output"] == D("800000")
    assert rounded_values(c.run("a5-methanol").spec, values)["total_co2"] == r2(total)


def test_urea_is_electricity_plus_heat_with_the_zero_factor_for_own_solar() -> None:
    values = c.run("a5-urea").values
    one, two = values["workshops"]
    # 1.1 = (60,000 grid + 0 captive) × 0.5703 + 5,000 MWh self-used solar × 0 = 34,218
    assert one["electricity_emissions"] == D("60000") * GRID == D("34218")
    assert close(one["electricity_ef"], D("60000") * GRID / D("65000"))
    # 1.2 = 1,800,000 GJ × (180,000 ÷ 2,000,000) + 400,000 GJ × 0 = 162,000; 1.2.2 "热力供应排放因子"
    assert one["heat_emissions"] == D("162000")
    assert close(one["heat_ef"], D("162000") / D("2200000"))
    assert one["co2_emissions"] == D("196218")
    assert two["co2_emissions"] == D("40000") * GRID + D("900000") * D("0.115") == D("126312")
    assert values["total_co2"] == D("322530") and values["total_output"] == D("780000")
    assert close(values["total_intensity"], D("322530") / D("780000"))
    assert values["supplementary_emissions"] == D("32.253")


def test_soda_ash_rows_2_and_4_and_the_enterprise_total() -> None:
    values = c.run("a5-soda-ash").values
    one, two = values["workshops"]
    # 2.1 = (40,000 + 60,000) × 0.5703 (8,000 MWh pure waste-heat power at 0); 2.2 = 9,000,000 GJ × 0.102
    assert one["electricity_emissions"] == D("57030") and one["heat_emissions"] == D("918000")
    assert one["co2_emissions"] == D("975030")
    # 联碱法: 55,000 × 0.5703 + 3,000,000 GJ × (330,000 ÷ 3,300,000)
    assert two["co2_emissions"] == D("31366.5") + D("300000")
    # 4 二氧化碳排放总量 = Σ 分厂
    assert values["total_co2"] == D("1306396.5")
    assert rounded_values(c.run("a5-soda-ash").spec, values)["supplementary_emissions"] == D("130.64")


def test_refinery_fuel_combustion_by_formula_2_plus_electricity_and_heat() -> None:
    values = c.run("a5-refining").values
    one, two = values["refineries"]

    def fuel(fc: str, ncv: str, cc: str, of: str) -> Decimal:
        # Formula (2): E = FC × NCV × CC × OF/100 × 44/12 (碳氧化率 typed as a percentage)
        return D(fc) * D(ncv) * D(cc) * D(of) / 100 * C_TO_CO2

    dry_gas, gas, coke = (
        fuel("380000", "45.998", "0.0182", "99"),
        fuel("12000", "389.31", "0.0153", "99"),
        fuel("150000", "32.5", "0.0275", "98"),
    )
    for row, expected in zip(one["fuels"], (dry_gas, gas, coke), strict=True):
        assert close(row["fuel_co2"], expected)
    assert close(one["fuel_emissions"], dry_gas + gas + coke)
    e_el = (D("900000") + D("300000")) * GRID  # 50,000 MWh pure waste-heat power at 0
    e_heat = D("1000000") * D("0.095")  # 3,000,000 GJ waste-heat recovery at 0
    assert one["electricity_emissions"] == e_el == D("684360") and one["heat_emissions"] == e_heat
    co2_one = dry_gas + gas + coke + e_el + e_heat
    assert close(one["co2_emissions"], co2_one)
    assert close(one["co2_intensity"], co2_one / D("10000000"))
    co2_two = (
        fuel("120000", "46.5", "0.0180", "99")
        + fuel("20000", "41.816", "0.0211", "98")
        + D("350000") * GRID
        + D("800000") * D("0.108")
    )
    assert close(two["co2_emissions"], co2_two)
    assert close(values["total_co2"], co2_one + co2_two)
    printed = rounded_values(c.run("a5-refining").spec, values)
    assert printed["total_co2"] == r2(co2_one + co2_two) == D("3389348.80")
    assert printed["refineries"][0]["fuels"][0]["fuel_co2"] == r2(dry_gas)


def test_ethylene_plant_fuel_gas_methane_hydrogen_and_natural_gas() -> None:
    values = c.run("a5-ethylene").values
    plant = values["plants"][0]
    fuels = (
        D("250000") * D("48.0") * D("0.0165") * D("0.99")
        + D("160000") * D("50.5") * D("0.0120") * D("0.99")
        + D("1000") * D("389.31") * D("0.0153") * D("0.99")
    ) * C_TO_CO2
    e_el = D("500000") * GRID  # 20,000 MWh self-used non-fossil power at 0
    e_heat = D("2000000") * D("190000") / D("2000000")  # boiler 0.095 tCO2/GJ; quench-boiler steam at 0
    assert close(plant["fuel_emissions"], fuels)
    assert close(plant["electricity_ef"], e_el / D("520000"))
    assert close(plant["co2_emissions"], fuels + e_el + e_heat)
    assert close(values["total_intensity"], (fuels + e_el + e_heat) / D("1000000"))
    assert (
        rounded_values(c.run("a5-ethylene").spec, values)["total_co2"]
        == r2(fuels + e_el + e_heat)
        == D("1567476.69")
    )


def test_an_overridden_grid_factor_flows_into_every_electricity_row() -> None:
    values = c.urea_values()
    values.update(
        grid_ef_choice="另行填写",
        grid_ef_override="0.5306",
        grid_ef_override_source="生态环境部、国家统计局《2023年电力二氧化碳排放因子》（2026年1月）",
    )
    ev = c.run("a5-urea", values)
    assert ev.errors == []
    assert ev.values["workshops"][0]["electricity_emissions"] == D("60000") * D("0.5306")
    assert ev.values["total_co2"] == D("60000") * D("0.5306") + D("162000") + D("40000") * D("0.5306") + D(
        "103500"
    )


def test_without_a_choice_an_output_counts_in_full_only_the_raw_material_is_split() -> None:
    # The 2016 footnote splits the raw material (1 : 1.06); an output is this table's unless marked 联产共用.
    values = c.ammonia_values()
    del values["workshops"][0]["outputs"][0]["allocation"]
    one = c.run("a5-ammonia", values).values["workshops"][0]
    s_raw = D("300000") / (D("300000") + D("1.06") * D("80000"))
    assert one["outputs"][0]["carbon_allocated"] == D("3500") * D("1.20")
    expected = (D("339600") * s_raw - D("4200") - D("30000") * D("0.2727")) * C_TO_CO2
    assert close(one["raw_material_emissions"], expected)
