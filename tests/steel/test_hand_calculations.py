"""Steel monthly certification: every computed row of a BF-BOF month against a hand calculation.

The hand calculation is written out with the guide's formulas (third-party reproduction of a real
2026 certificate [T], Appendix A.2 factors [T]) in Decimal arithmetic, independently of the form:
  fuel:      E = AD × NCV × CC × 44/12            (× OF under the “计入碳氧化率” option)
  material:  E = Q × EF                           (EF = C% ÷ 100 × 44/12 when measured)
  product:   E = Q × EF                           (coke, gas sold: EF = NCV × CC × 44/12 by default)
  enterprise = Σ fuels + Σ materials − Σ products; intensity = enterprise ÷ crude steel
  process    = Σ inputs × EF − Σ outputs × EF
"""

from __future__ import annotations

from decimal import Decimal as D

import steel_helpers as h

from cets_desktop.core.calc import explain_all, rounded_values

K = D(44) / D(12)
# Defaults (tables in forms/reference), written out here so a changed table shows up as a failure.
COKE = D("28.435") * D("0.02942")  # tC/t    焦炭 NCV × CC
COG = D("173.854") * D("0.01210")  # tC/万Nm³ 焦炉煤气
BFG = D("33.000") * D("0.07080")  # tC/万Nm³ 高炉煤气
LDG = D("84.000") * D("0.04960")  # tC/万Nm³ 转炉煤气
NG = D("389.31") * D("0.01532")  # tC/万Nm³ 天然气
EPS = D("1e-9")  # Decimal context noise only (44/12 is not exact); the guide's tolerance is 0.01 t


def same(a: D | None, b: D) -> bool:
    return a is not None and abs(a - b) < EPS


A2 = {
    "石灰石": D("0.440"),
    "白云石": D("0.476"),
    "废钢": D("0.037"),
    "锰硅合金": D("0.092"),
    "硅铁": D("0.007"),
    "粗钢": D("0.037"),
    "粗苯": D("3.382"),
    "煤焦油": D("2.699"),
    "生铁": D("0.172"),
}


def hand_enterprise() -> dict[str, D]:
    coal = (
        D("80000") + 9000 + D("155000") - D("80000") - 9000 - 1000
    ) + 1000  # purchases + opening − closing − sales
    assert coal == D("155000")
    fuels = {
        "洗精煤": coal * D("26.120") * D("0.02920") * K,
        "无烟煤": D("42000") * D("24.650") * D("0.02735") * K,
        "焦炭": D("15000") * COKE * K,
        "天然气": D("350") * NG * K,
    }
    materials = {
        m: q * A2[m]
        for m, q in (
            ("石灰石", D(28000)),
            ("白云石", D(12000)),
            ("废钢", D(45000)),
            ("锰硅合金", D(2500)),
            ("硅铁", D(1200)),
        )
    }
    products = {
        "粗钢": D(330000) * A2["粗钢"],
        "粗苯": D(1350) * A2["粗苯"],
        "煤焦油": D(5200) * A2["煤焦油"],
        "焦炉煤气": D(600) * COG * K,
    }
    combustion, process, deducted = sum(fuels.values()), sum(materials.values()), sum(products.values())
    return {
        **{f"fuel:{k}": v for k, v in fuels.items()},
        **{f"mat:{k}": v for k, v in materials.items()},
        **{f"prod:{k}": v for k, v in products.items()},
        "combustion": combustion,
        "process": process,
        "products": deducted,
        "total": combustion + process - deducted,
    }


def test_clean_month_has_no_findings() -> None:
    ev = h.run(h.document())
    assert ev.findings == []
    assert ev.exportable


def test_enterprise_level_matches_the_hand_calculation() -> None:
    v = h.run(h.document()).values
    hand = hand_enterprise()
    for row in v["fuels"]:
        assert same(row["emissions"], hand[f"fuel:{row['fuel_name']}"]), row["fuel_name"]
    assert v["fuels"][0]["consumption"] == D("155000.00") and v["fuels"][0]["of_used"] == D("100")
    for row in v["materials"]:
        assert same(row["emissions"], hand[f"mat:{row['material_name']}"]), row["material_name"]
    for row in v["products"]:
        assert same(row["co2"], hand[f"prod:{row['product_name']}"]), row["product_name"]
    assert same(v["ent_combustion"], hand["combustion"])
    assert v["ent_process"] == hand["process"] == D("19935.4")
    assert same(v["ent_products"], hand["products"])
    assert same(v["ent_total"], hand["total"])
    assert same(v["steel_intensity"], hand["total"] / D(330000))

    # Reported once, rounded half up to the template's decimals: 155000 × 26.12 × 0.0292 × 44/12
    # = 4,048,600 GJ × 0.0292 = 118,219.12 tC × 44/12 = 433,470.107 t; the month's total 575,455.12 t; 1.7438 t per tonne of crude steel.
    r = rounded_values(h.spec(), v)
    assert r["fuels"][0]["emissions"] == D("433470.11")
    assert r["ent_total"] == D("575455.12")
    assert r["steel_intensity"] == D("1.7438")


def test_process_level_and_summary_match_the_hand_calculation() -> None:
    v = h.run(h.document()).values
    coking = (D(155000) * D("26.120") * D("0.02920") + D(9000) * BFG) * K - (
        D(116000) * COKE * K + D(6665) * COG * K + D(1350) * A2["粗苯"] + D(5200) * A2["煤焦油"]
    )
    sinter = (
        D(18000) * D("27.200") * D("0.03000") * K
        + D(300) * COG * K
        + D(28000) * A2["石灰石"]
        + D(12000) * A2["白云石"]
    )
    iron = (D(110000) * COKE + D(42000) * D("24.650") * D("0.02735") + D(3000) * BFG) * K - (
        D(300000) * A2["生铁"] + D(42000) * BFG * K
    )  # hot metal at the purchased-pig-iron factor [G]
    steel = (
        D(300000) * A2["生铁"]
        + D(45000) * A2["废钢"]
        + D(2500) * A2["锰硅合金"]
        + D(1200) * A2["硅铁"]
        - (D(330000) * A2["粗钢"] + D(2400) * LDG * K)
    )
    power = (D(30000) * BFG + D(1800) * LDG + D(1200) * COG) * K
    got = {p["process_name"]: p["process_emissions"] for p in v["processes"]}
    want = {"1号焦炉": coking, "1号烧结机": sinter, "1号高炉": iron, "1号转炉": steel, "自备电厂": power}
    assert got.keys() == want.keys() and all(same(got[k], want[k]) for k in want), got
    assert same(v["processes"][4]["process_intensity"], power / D(260000))

    assert same(v["summary_enterprise"], hand_enterprise()["total"])
    assert same(v["summary_process"], coking + sinter + iron + steel)
    assert same(v["summary_power"], power)
    assert same(v["summary_parts"], coking + sinter + iron + steel + power + D("61200"))
    assert v["summary_gap"] == v["summary_parts"] - v["summary_enterprise"]
    r = rounded_values(h.spec(), v)
    assert r["summary_power"] == D("293758.23")
    assert r["processes"][0]["process_emissions"] == D("84745.64")


def test_oxidation_option_applies_the_default_rates_to_fuels_only() -> None:
    values = h.month_values()
    values["oxidation_option"] = "计入碳氧化率"
    for row in values["fuels"]:
        row["oxidation_route"] = "缺省值"
    ev = h.run_values(values)
    assert ev.errors == []
    v = ev.values
    hand = hand_enterprise()
    solid, gas = D("0.98"), D("0.99")
    combustion = (hand["fuel:洗精煤"] + hand["fuel:无烟煤"] + hand["fuel:焦炭"]) * solid + hand[
        "fuel:天然气"
    ] * gas
    assert v["fuels"][3]["of_used"] == D("99")
    assert same(v["ent_combustion"], combustion)
    # Materials and products are not oxidised: only the fuel line changes.
    assert same(v["ent_process"], hand["process"]) and same(v["ent_products"], hand["products"])
    assert same(v["ent_total"], combustion + hand["process"] - hand["products"])
    # About 2 % lower for a long-process month, as the review says.
    drop = (hand["total"] - v["ent_total"]) / hand["total"]
    assert D("0.015") < drop < D("0.025")
    # At the process level the power plant's gases are oxidised at 99 %.
    assert same(
        v["processes"][4]["process_emissions"], (D(30000) * BFG + D(1800) * LDG + D(1200) * COG) * K * gas
    )


def test_measured_material_and_product_factors_come_from_carbon_content() -> None:
    values = h.month_values()
    values["materials"][0].update(
        ef_route="实测值", carbon_content="11.80", factor_source="检测报告 JC-2026-1021"
    )
    values["products"][3].update(
        ef_route="实测值", ncv="175.200", cc="0.01190", factor_source="煤气热值检测报告"
    )
    v = h.run_values(values).values
    assert same(v["materials"][0]["ef_used"], D("11.80") / 100 * K)
    assert same(v["materials"][0]["emissions"], D(28000) * D("11.80") / 100 * K)
    assert same(v["products"][3]["co2"], D(600) * D("175.200") * D("0.01190") * K)


def test_every_computed_value_explains_itself_with_factor_certainty() -> None:
    ev = h.run(h.document())
    explanations = explain_all(h.spec(), ev.values, ev.env)
    # The purchased coke's default NCV: the table, the value and how sure it is (third party).
    coke = explanations["fuels[2].ncv_used"]
    assert coke.value == D("28.435")
    assert [(r.table, r.key, r.value, r.certainty) for r in coke.references] == [
        ("fuel_ncv_default", "焦炭", D("28.435"), "T")
    ]
    # A process input of the mill's own hot metal reads the purchased-pig-iron factor.
    hot_metal = explanations["processes[3].inputs[0].ef_default"]
    assert hot_metal.value == D("0.172")
    assert "生铁" in hot_metal.formula and "工程推断" in hot_metal.formula
    total = explanations["ent_total"]
    assert "含碳产品" in total.formula


def test_stock_take_consumption_is_purchases_plus_opening_minus_closing_minus_sales() -> None:
    values = h.month_values()
    row = values["fuels"][0]
    # consumption = purchases + opening − closing − sales = 150000 + 89000 − 84000 − 2500 = 152500
    row.update(
        purchases="150000.00",
        opening_stock="89000.00",
        closing_stock="84000.00",
        other_outflow="2500.00",
        consumption="152500.00",
    )
    ev = h.run_values(values)
    assert ev.errors == []
    assert same(ev.values["fuels"][0]["emissions"], D(152500) * D("26.120") * D("0.02920") * K)


def test_purchased_electricity_and_heat_are_reported_not_covered() -> None:
    ev = h.run(h.document())
    v = ev.values
    # 185,000 MWh × 0.5703 tCO2/MWh (2022-vintage factor shown as the reference) = 105,505.5 t
    assert v["grid_ef_reference"] == D("0.5703") and v["grid_ef"] == D("0.5703")
    assert v["electricity_emissions"] == D("185000.000") * D("0.5703") == D("105505.5")
    assert v["heat_emissions"] == 0
    assert same(v["ent_total"], hand_enterprise()["total"])  # not added to the covered total

    # A user who must use the MEE/NBS 2023 factor overrides it with its source.
    values = h.month_values()
    values.update(
        grid_ef_choice="另行填写",
        grid_ef_override="0.5306",
        grid_ef_override_source="生态环境部、国家统计局 2023年电力二氧化碳排放因子",
    )
    v = h.run_values(values).values
    assert v["electricity_emissions"] == D("185000.000") * D("0.5306")

    # Not confirmed for a 2024+ year: a warning asks the user to confirm the reference value.
    values = h.month_values()
    values.pop("grid_ef_choice")
    ev = h.run_values(values)
    assert [(f.code, f.severity) for f in ev.findings] == [("STL-M-EL-002", "warning")]


def test_carbon_per_heat_is_the_basis_when_none_is_chosen_and_of_defaults_when_no_route() -> None:
    # The steel certificate reports 单位热值含碳量: a row without 含碳量表示方式 uses it; under the
    # 计入碳氧化率 option a row without 碳氧化率获取方式 takes the default rate.
    values = h.month_values()
    for row in values["fuels"]:
        row.pop("carbon_basis")
    values["oxidation_option"] = "计入碳氧化率"
    ev = h.run_values(values)
    assert ev.errors == []
    coal = ev.values["fuels"][0]
    assert coal["c_ar"] == D("26.120") * D("0.02920") and coal["of_used"] == D("98")
    assert same(coal["emissions"], D(155000) * D("26.120") * D("0.02920") * D("0.98") * K)
