"""Gas and oil units end to end with Appendix A defaults (mandatory-sectors.md §3.1, §3.7).

天然气 in 万Nm³: NCV 389.31 GJ/万Nm³, CC 0.01532 tC/GJ, OF 99 %; 燃料油: 41.816 GJ/t, 0.02110, OF 98 %;
柴油: 42.652 GJ/t, 0.02020, OF 98 %.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from power_helpers import changed, evaluate_doc, findings_of, gas_oil_document, run_cli, write_json

K = Decimal(44) / Decimal(12)


def r2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_gas_unit_with_defaults_computes_by_the_formula() -> None:
    ev = evaluate_doc(gas_oil_document())
    gas_unit = ev.values["units"][0]
    gas, diesel = gas_unit["fuels"]
    assert gas["fuel_phase"] == "气体" and gas["consumption_unit"] == "万Nm³"
    assert gas["ncv_used"] == Decimal("389.31") and gas["of_used"] == Decimal("99")
    assert gas["cc_effective"] == Decimal("0.01532")
    expected_gas = Decimal("5200.00") * Decimal("389.31") * Decimal("0.01532") * Decimal("0.99") * K
    assert r2(gas["emissions"]) == r2(expected_gas) == Decimal("112580.79")
    expected_diesel = Decimal("12.50") * Decimal("42.652") * Decimal("0.02020") * Decimal("0.98") * K
    assert r2(diesel["emissions"]) == r2(expected_diesel) == Decimal("38.70")
    assert diesel["fuel_phase"] == "液体" and diesel["consumption_unit"] == "t"
    assert gas_unit["electricity_emissions"] == Decimal("80.000") * Decimal("0.5703")
    # A gas unit's supply intensity sits in the gas range (0.33–0.50), so no plausibility warning.
    assert Decimal("0.33") <= gas_unit["supply_intensity"] <= Decimal("0.50")


def test_oil_unit_with_defaults_uses_liquid_oxidation_rate() -> None:
    ev = evaluate_doc(gas_oil_document())
    oil = ev.values["units"][1]["fuels"][0]
    assert oil["fuel_phase"] == "液体" and oil["of_used"] == Decimal("98")
    assert oil["c_ar"] == Decimal("41.816") * Decimal("0.02110")
    expected = Decimal("1480.00") * Decimal("41.816") * Decimal("0.02110") * Decimal("0.98") * K
    assert r2(oil["emissions"]) == r2(expected) == Decimal("4692.28")
    assert ev.values["units"][1]["heat_intensity"] is None  # no heat supplied: no heat intensity


def test_gas_and_oil_document_is_clean_apart_from_evidence() -> None:
    ev = evaluate_doc(gas_oil_document())
    assert ev.errors == []
    others = [f for f in ev.findings if f.severity == "warning" and f.code != "GEN-006"]
    assert others == []
    # No coal-only rule applies to gas or oil fuels.
    assert not [f for f in ev.findings if f.code in ("PWR-M-124", "PWR-M-111", "PWR-M-121", "PWR-M-122")]


def test_liquefied_natural_gas_is_weighed_in_tonnes_with_its_own_defaults() -> None:
    doc = changed(
        gas_oil_document(),
        **{"units.0.fuels.0.fuel_name": "液化天然气", "units.0.fuels.0.consumption": "3800.00"},
    )
    fuel = evaluate_doc(doc).values["units"][0]["fuels"][0]
    assert fuel["consumption_unit"] == "t" and fuel["of_used"] == Decimal("98")
    assert fuel["c_ar"] == Decimal("51.498") * Decimal("0.01720")


def test_measured_gas_heating_value_and_carbon_per_heat() -> None:
    doc = changed(
        gas_oil_document(),
        **{
            "units.0.fuels.0.ncv_route": "实测值",
            "units.0.fuels.0.ncv": "356.420",
            "units.0.fuels.0.carbon_route": "实测值",
            "units.0.fuels.0.carbon_basis": "单位热值含碳量",
            "units.0.fuels.0.carbon_per_heat": "0.01541",
        },
    )
    ev = evaluate_doc(doc)
    gas = ev.values["units"][0]["fuels"][0]
    expected = Decimal("5200.00") * Decimal("356.420") * Decimal("0.01541") * Decimal("0.99") * K
    assert r2(gas["emissions"]) == r2(expected)
    assert ev.errors == []


def test_gas_heating_value_typed_in_mj_per_nm3_is_an_error_with_the_conversion() -> None:
    doc = changed(
        gas_oil_document(), **{"units.0.fuels.0.ncv_route": "实测值", "units.0.fuels.0.ncv": "35.642"}
    )
    found = findings_of(evaluate_doc(doc), "PWR-M-112")
    assert [(f.path, f.severity) for f in found] == [("units[0].fuels[0].ncv", "error")]
    assert "356.42" in found[0].message  # × 10 = GJ/万Nm³


def test_gas_carbon_as_mass_percent_is_refused() -> None:
    doc = changed(
        gas_oil_document(),
        **{
            "units.0.fuels.0.carbon_route": "实测值",
            "units.0.fuels.0.carbon_basis": "元素碳含量",
            "units.0.fuels.0.carbon_content": "74.50",
        },
    )
    found = findings_of(evaluate_doc(doc), "PWR-M-126")
    assert [(f.path, f.severity) for f in found] == [("units[0].fuels[0].carbon_basis", "error")]


def test_cli_calc_json_for_gas_and_oil(tmp_path: Path) -> None:
    path = write_json(tmp_path / "gas-oil-2026-10.json", gas_oil_document())
    result = run_cli("calc", str(path), "--json")
    assert result.returncode == 0, result.stderr
    values = result.json()["values"]
    assert Decimal(values["units"][0]["fuels"][0]["emissions"]) == Decimal("112580.79")
    assert Decimal(values["units"][1]["fuels"][0]["emissions"]) == Decimal("4692.28")
    total = Decimal("112580.79") + Decimal("38.70") + Decimal("4692.28")
    assert abs(Decimal(values["total_combustion_emissions"]) - total) <= Decimal("0.01")
