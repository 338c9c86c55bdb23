"""Every rule of the 石化 / 化工 Appendix 5 tables (their own and those their shared parts bring) fires on
its mistake, at the right path, and stays quiet on the clean filing; the bad inputs the issue names
(no product output, sources that do not add up, kWh for MWh, t vs 万Nm³) give clear messages."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import chem_data as c  # noqa: E402

from cets_desktop.core.loader import default_registry  # noqa: E402

Values = dict[str, Any]
Mutation = Callable[[Values], None]
FACILITY = {
    "a5-ammonia": "workshops",
    "a5-methanol": "workshops",
    "a5-urea": "workshops",
    "a5-soda-ash": "workshops",
    "a5-refining": "refineries",
    "a5-ethylene": "plants",
}
OUTPUT = {
    "a5-ammonia": "ammonia_output",
    "a5-methanol": "methanol_output",
    "a5-urea": "urea_output",
    "a5-soda-ash": "soda_output",
    "a5-refining": "crude_throughput",
    "a5-ethylene": "ethylene_output",
}
LOW_OUTPUT = {
    "a5-ammonia": "41000",
    "a5-methanol": "260000",
    "a5-urea": "65000",
    "a5-soda-ash": "325000",
    "a5-refining": "2200000",
    "a5-ethylene": "260000",
}
BOILER_ROW = {
    "source_type": "蒸汽锅炉",
    "heat_gj": "200",
    "boiler_emissions": "10",
    "boiler_heat_supply": "100",
}


def at(form: str, index: int, **changes: Any) -> Mutation:
    return lambda v: v[FACILITY[form]][index].update(changes)


def row(form: str, index: int, repeat: str, r: int, **changes: Any) -> Mutation:
    return lambda v: v[FACILITY[form]][index][repeat][r].update(changes)


def add(form: str, index: int, repeat: str, item: Values) -> Mutation:
    return lambda v: v[FACILITY[form]][index][repeat].append(dict(item))


def dup_fuel(form: str) -> Mutation:
    return lambda v: v[FACILITY[form]][0]["fuels"].append(dict(v[FACILITY[form]][0]["fuels"][0]))


def _override(value: str) -> Mutation:
    return lambda v: v.update(
        grid_ef_choice="另行填写",
        grid_ef_override=value,
        grid_ef_override_source="生态环境部、国家统计局《2023年电力二氧化碳排放因子》",
    )


def common(form: str, grid_017: str) -> dict[str, Mutation]:
    """Rules every table has: electricity, heat, output, period, grid factor, header and summary."""
    p = default_registry().get(form).code_prefix
    grid0 = c.FORMS[form][1]()[FACILITY[form]][0]["grid_mwh"]
    return {
        f"{p}-010": at(form, 0, electricity_ledger_total="1000"),
        f"{p}-016": add(form, 0, "heat_sources", BOILER_ROW),
        f"{p}-017": at(form, 0, grid_mwh=grid_017),
        f"{p}-018": at(form, 0, grid_mwh=grid0 + "000"),  # kWh typed as MWh
        f"{p}-019": add(
            form, 0, "heat_sources", {"source_type": "外购或其他", "ef_available": "不可得", "heat_gj": "100"}
        ),
        f"{p}-020": at(form, 0, **{OUTPUT[form]: "-1"}),
        f"{p}-022": at(form, 0, **{OUTPUT[form]: "0"}),
        # about twice the upper bound of tCO2/t, with the electricity per tonne still possible (an error
        # upstream — kWh, a negative balance — would rightly quiet this plausibility warning)
        f"{p}-023": at(form, 1 if form == "a5-ammonia" else 0, **{OUTPUT[form]: LOW_OUTPUT[form]}),
        f"{p}-040": lambda v: None,  # period 2022 (PERIOD)
        f"{p}-041": lambda v: None,  # the confirmed reference factor, an info on the clean filing
        f"{p}-042": lambda v: None,  # period 2026 (PERIOD)
        f"{p}-EL-001": _override("530.6"),
        f"{p}-EL-002": lambda v: v.pop("grid_ef_choice"),
        f"{p}-EL-010": at(form, 0, grid_mwh="-1"),
        f"{p}-EL-011": at(form, 0, captive_mwh="-1"),
        f"{p}-EL-012": at(form, 0, nonfossil_mwh="-1"),
        f"{p}-EL-013": at(form, 0, wasteheat_mwh="-1"),
        f"{p}-HT-010": row(form, 0, "heat_sources", 0, heat_gj="-1"),
        f"{p}-HT-020": add(
            form, 0, "heat_sources", {**BOILER_ROW, "heat_gj": "50", "boiler_emissions": "120"}
        ),
        f"{p}-901": lambda v: v.update(industry_code="化工"),
        f"{p}-902": lambda v: v.update(
            other_products=[{"product_name": "液氨", "product_unit": "t", "product_output": "-5"}]
        ),
        f"{p}-903": lambda v: v.update(energy_consumption="-1"),
        f"{p}-904": lambda v: v.update(energy_consumption="852000"),  # tce typed for 万吨标煤
        f"{p}-905": lambda v: v.update(guideline_emissions="-1"),
        f"{p}-906": lambda v: v.update(guideline_emissions="2105000000"),  # t typed for 万吨
    }


def raw_material(form: str) -> dict[str, Mutation]:
    p = default_registry().get(form).code_prefix
    return {
        f"{p}-001": row(form, 0, "inputs", 0, quantity="-1"),
        f"{p}-002": row(form, 0, "outputs", 0, output="-1"),
        f"{p}-003": row(form, 0, "inputs", 0, carbon_content="72"),  # % typed into tC/t
        f"{p}-004": row(form, 0, "inputs", 0, carbon_content="0.2"),
        f"{p}-006": add(
            form,
            0,
            "outputs",
            {"product": "尾气", "output_unit": "万Nm3", "output": "10", "carbon_content": "6.0"},
        ),
        f"{p}-024": row(form, 0, "inputs", 0, input_unit="万Nm3"),  # coal in 万Nm³
    }


def fuel_rows(form: str, solid_row: int, solid_name: str) -> dict[str, Mutation]:
    p = default_registry().get(form).code_prefix
    return {
        f"{p}-001": row(form, 0, "fuels", 0, consumption="-1"),
        f"{p}-002": row(form, 0, "fuels", 0, ncv="0"),
        f"{p}-003": row(form, 0, "fuels", 0, ncv="389.31"),  # GJ/万Nm³ value with unit t
        f"{p}-004": row(form, 0, "fuels", 0, fuel_unit="万Nm3", ncv="10"),
        f"{p}-005": row(form, 0, "fuels", 0, cc="18.2"),  # tC/TJ typed for tC/GJ
        f"{p}-006": row(form, 0, "fuels", 0, oxidation="120"),
        f"{p}-007": row(form, 0, "fuels", 0, oxidation="0.99"),  # a fraction for a percentage
        f"{p}-008": dup_fuel(form),
        f"{p}-009": row(form, 0, "fuels", 1 if form == "a5-refining" else 2, fuel_unit="t"),  # 天然气 in t
        f"{p}-030": row(form, 0, "fuels", solid_row, fuel_name=solid_name, fuel_unit="万Nm3", ncv="32.5"),
    }


FIRES: dict[str, dict[str, Mutation]] = {
    "a5-ammonia": {
        **common("a5-ammonia", "1300000"),
        **raw_material("a5-ammonia"),
        "A5-NH3-005": row("a5-ammonia", 0, "outputs", 1, carbon_content="27.27"),
        "A5-NH3-007": row("a5-ammonia", 0, "outputs", 0, carbon_content="22"),  # 22 % (CO+CO2+CH4) typed
        "A5-NH3-008": row("a5-ammonia", 0, "outputs", 1, output="3000000"),  # more carbon out than in
        "A5-NH3-012": row("a5-ammonia", 1, "inputs", 0, input_unit="t"),  # natural gas in t
        "A5-NH3-021": at("a5-ammonia", 0, methanol_output="-1"),
        "A5-NH3-025": add(
            "a5-ammonia",
            0,
            "outputs",
            {"product": "甲醇", "output_unit": "t", "output": "80000", "carbon_content": "0.375"},
        ),
        "A5-NH3-027": at("a5-ammonia", 0, methanol_output="0"),
    },
    "a5-methanol": {
        **common("a5-methanol", "2000000"),
        **raw_material("a5-methanol"),
        "A5-MEOH-005": row("a5-methanol", 0, "outputs", 0, carbon_content="37.5"),
        "A5-MEOH-007": row("a5-methanol", 0, "outputs", 1, carbon_content="40"),
        "A5-MEOH-008": row("a5-methanol", 0, "inputs", 0, carbon_content="0.10"),
        "A5-MEOH-012": row("a5-methanol", 0, "outputs", 0, product="粗醇"),
        "A5-MEOH-021": at("a5-methanol", 1, ammonia_output="-1"),
        "A5-MEOH-025": at("a5-methanol", 0, methanol_output="590000"),  # row 2 ≠ 甲醇 in 1.1.3
        "A5-MEOH-026": row("a5-methanol", 0, "outputs", 0, carbon_content="0.45"),
        "A5-MEOH-027": at("a5-methanol", 1, ammonia_output="0"),
        "A5-MEOH-028": row("a5-methanol", 1, "inputs", 0, input_unit="t"),  # coke-oven gas in t
        # (row 2 must equal 1.1.3 here, so raise the emissions instead of lowering the output)
        "A5-MEOH-023": row("a5-methanol", 0, "heat_sources", 1, heat_gj="15000000"),
    },
    "a5-urea": common("a5-urea", "2000000"),
    "a5-soda-ash": {
        **common("a5-soda-ash", "2000000"),
        "A5-SODA-031": at("a5-soda-ash", 0, process="天然碱法"),
    },
    "a5-refining": {**common("a5-refining", "9000000"), **fuel_rows("a5-refining", 2, "石油焦")},
    "a5-ethylene": {**common("a5-ethylene", "3000000"), **fuel_rows("a5-ethylene", 0, "燃料油")},
}
PERIOD = {"040": "2022", "042": "2026"}
CASES = [(form, code) for form, rules in FIRES.items() for code in rules]


def evaluate(form: str, mutate: Mutation | None = None, period: str = c.YEAR) -> Any:
    values = c.FORMS[form][1]()
    if mutate:
        mutate(values)
    return c.run(form, values, period)


def codes(evaluation: Any) -> set[str]:
    return {f.code for f in evaluation.findings}


@pytest.mark.parametrize("form", FIRES)
def test_every_rule_of_the_table_has_a_case(form: str) -> None:
    spec = default_registry().get(form)
    written = {ch.code for ch in spec.checks}
    for f in spec.all_fields():
        written |= {ch.code for ch in f.checks} | ({f.constraint_code} if f.constraint_code else set())
    assert written == set(FIRES[form])


@pytest.mark.parametrize("form", FIRES)
def test_the_clean_filing_has_only_the_grid_factor_note(form: str) -> None:
    evaluation = evaluate(form)
    assert [(f.code.rsplit("-", 1)[1], f.severity) for f in evaluation.findings] == [("041", "info")]
    assert evaluation.exportable


@pytest.mark.parametrize(("form", "code"), CASES)
def test_rule_fires_on_its_mistake(form: str, code: str) -> None:
    period = PERIOD.get(code.rsplit("-", 1)[1], c.YEAR)
    assert code in codes(evaluate(form, FIRES[form][code], period))


@pytest.mark.parametrize(("form", "code"), CASES)
def test_rule_is_quiet_on_clean_data(form: str, code: str) -> None:
    quiet = _override("0.5306") if code.endswith("-041") else None
    assert code not in codes(evaluate(form, quiet))


def test_no_product_output_says_intensity_is_undefined_instead_of_dividing_by_zero() -> None:
    evaluation = evaluate("a5-urea", FIRES["a5-urea"]["A5-UREA-022"])
    one = evaluation.values["workshops"][0]
    assert one["co2_intensity"] is None and one["electricity_intensity"] is None
    assert one["co2_emissions"] is not None  # the emissions are still computed and kept
    finding = next(f for f in evaluation.findings if f.code == "A5-UREA-022")
    assert finding.path == "workshops[0].urea_output" and "无法计算" in finding.message


def test_sources_that_do_not_add_up_to_the_ledger_total_are_named() -> None:
    finding = next(
        f
        for f in evaluate("a5-urea", at("a5-urea", 0, electricity_ledger_total="70000")).findings
        if f.code == "A5-UREA-010"
    )
    assert finding.path == "workshops[0].electricity_ledger_total"
    assert "65" in finding.message and "70" in finding.message and "一车间" in finding.message


def test_kwh_for_mwh_is_an_error_at_the_electricity_field_and_blocks_export() -> None:
    evaluation = evaluate("a5-soda-ash", FIRES["a5-soda-ash"]["A5-SODA-018"])
    finding = next(f for f in evaluation.errors if f.code == "A5-SODA-018")
    assert finding.path == "workshops[0].grid_mwh" and "kWh" in finding.message
    assert "A5-SODA-017" not in codes(evaluation) and not evaluation.exportable


def test_mixed_units_t_and_wan_nm3_are_caught_at_the_unit_field() -> None:
    coal_by_volume = evaluate("a5-ammonia", FIRES["a5-ammonia"]["A5-NH3-024"])
    finding = next(f for f in coal_by_volume.errors if f.code == "A5-NH3-024")
    assert finding.path == "workshops[0].inputs[0].input_unit" and "无烟煤" in finding.message
    gas_by_mass = evaluate("a5-ammonia", FIRES["a5-ammonia"]["A5-NH3-012"])
    assert next(f for f in gas_by_mass.findings if f.code == "A5-NH3-012").severity == "warning"
    coke_by_volume = evaluate("a5-refining", FIRES["a5-refining"]["A5-REF-030"])
    assert (
        next(f for f in coke_by_volume.errors if f.code == "A5-REF-030").path
        == "refineries[0].fuels[2].fuel_unit"
    )


def test_negative_carbon_balance_is_an_error_and_keeps_the_package_draft_only() -> None:
    evaluation = evaluate("a5-ammonia", FIRES["a5-ammonia"]["A5-NH3-008"])
    finding = next(f for f in evaluation.errors if f.code == "A5-NH3-008")
    assert finding.path == "workshops[0].raw_material_emissions"
    assert evaluation.values["workshops"][0]["raw_material_emissions"] < 0
    assert not evaluation.exportable


def test_periods_before_2023_are_refused_for_every_table() -> None:
    for form in FIRES:
        evaluation = evaluate(form, None, "2021")
        prefix = default_registry().get(form).code_prefix
        assert any(f.code == f"{prefix}-040" for f in evaluation.errors), form
        assert evaluation.values["total_co2"] is None, form
