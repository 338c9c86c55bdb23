"""Appendix 5 — 电石 supplementary data table (2023 "20XX年" version): loads, starts from the
template's rows, computes formulas (8), (13) and (14) exactly as a hand calculation does, and
every rule fires on its mistake and stays quiet on clean data."""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.core.calc import explain_all, rounded_values

sys.path.insert(0, str(Path(__file__).parent))  # tests run with --import-mode=importlib
import builders as b  # noqa: E402

FORM = "a5-carbide"
GRID_EF = Decimal("0.5703")  # 2022年度全国电网平均排放因子, used from 2023 data on [V]
Values = dict[str, Any]
Mutation = Callable[[Values], None]


def evaluate(mutate: Mutation | None = None) -> Any:
    values = b.carbide_values()
    if mutate:
        mutate(values)
    return b.run(b.document(FORM, b.CARBIDE_ENTERPRISE, b.CARBIDE_YEAR, values))


def test_definition_loads_as_a_partially_verified_supplementary_table() -> None:
    spec = b.spec_of(FORM)
    assert (spec.filing_type, spec.period_kind, spec.sector, spec.template_year) == ("supplementary", "year", "chemical", 2026)
    assert spec.certainty == "P"
    rows = {f.row: f.label for f in spec.all_fields() if f.row}
    assert rows == {
        "1": "二氧化碳排放量", "1.1": "能源作为原材料产生的排放量", "1.1.1": "投入量", "1.1.2": "含碳量",
        "1.1.3": "产量", "1.1.4": "含碳量", "1.2": "消耗电力对应的排放量", "1.2.1": "消耗电量",
        "1.2.1.1": "电网电量", "1.2.1.2": "自备电厂电量", "1.2.1.3": "非化石能源电量", "1.2.1.4": "纯余热余压发电电量",
        "1.2.2": "对应的排放因子", "1.3": "消耗热力对应的排放量", "1.3.1": "消耗热量", "1.3.2": "对应的排放因子",
        "2": "电石产量",
    }
    # Every numbered row carries the template's 计算方法或填写要求 as its hint.
    assert all(f.hint for f in spec.all_fields() if f.row)
    # Every field shows where it comes from; the rows after 1.3.2 and the plausibility aids are
    # guesses, so the weakest tag is [G] although the table as a whole is partially verified.
    assert all(spec.resolve_source(f.source) for f in spec.all_fields() if f.type != "repeat")
    assert spec.resolve_source(spec.field("workshops[].carbide_output").source).certainty == "G"
    assert spec.resolve_source(spec.field("workshops[].electricity_ef").source).certainty == "V"


def test_initial_rows_give_the_template_blank() -> None:
    spec = b.spec_of(FORM)
    values = b.initial_values(spec)
    workshop = values["workshops"][0]
    assert [r["material"] for r in workshop["inputs"]] == ["焦炭", "电极糊"]
    assert [(r["product"], r["output_unit"]) for r in workshop["outputs"]] == [("电石", "t"), ("电石炉气", "万Nm3")]
    evaluation = b.run(b.document(FORM, b.CARBIDE_ENTERPRISE, b.CARBIDE_YEAR, values))
    assert b.codes(evaluation) == {"GEN-003"}  # only "please fill in"
    assert evaluation.values["workshops"][0]["co2_emissions"] is None  # blank stays blank, not 0


def test_realistic_filing_has_no_errors() -> None:
    evaluation = evaluate()
    assert evaluation.errors == []
    assert evaluation.exportable
    # The one finding: 一分厂 counts 75,000 MWh of waste-heat power at factor 0 → evidence reminder.
    assert [(f.code, f.severity) for f in evaluation.findings] == [("A5-CAC-011", "info")]


def test_emissions_match_a_hand_calculation() -> None:
    ws = evaluate().values["workshops"]

    # 一分厂 — formula (8): E = (Σ 投入量 × 含碳量 − Σ 产出量 × 含碳量) × 44/12
    carbon_in = Decimal("110000") * Decimal("0.84") + Decimal("58000") * Decimal("0.80") + Decimal("7500") * Decimal("0.86")
    carbon_out = Decimal("300000") * Decimal("0.30") + Decimal("12000") * Decimal("4.44")
    assert carbon_in == Decimal("145250") and carbon_out == Decimal("143280")
    e_raw = (carbon_in - carbon_out) * 44 / 12  # 1970 tC → 7223.33 tCO2
    # formula (13): grid and captive power at the grid factor, waste-heat power at 0
    e_elec = (Decimal("600000") + Decimal("300000")) * GRID_EF + Decimal("75000") * 0  # 513,270 tCO2
    ef_elec = e_elec / Decimal("975000")
    # formula (14): waste-heat recovery 0; steam boiler 12,000 tCO2 ÷ 100,000 GJ = 0.12 tCO2/GJ
    e_heat = Decimal("80000") * 0 + Decimal("20000") * (Decimal("12000") / Decimal("100000"))  # 2,400 tCO2
    one = ws[0]
    assert one["raw_material_emissions"] == e_raw
    assert one["electricity_total"] == Decimal("975000")
    assert one["electricity_ef"] == ef_elec
    assert one["electricity_emissions"] == e_elec == Decimal("513270")
    assert one["heat_total"] == Decimal("100000") and one["heat_ef"] == Decimal("0.024")
    assert one["heat_emissions"] == e_heat == Decimal("2400")
    assert one["co2_emissions"] == e_raw + e_elec + e_heat

    # 二分厂 — all grid power; heat from the captive plant at its 供热碳排放强度 0.125 tCO2/GJ
    e_raw2 = (Decimal("84000") * Decimal("0.85") + Decimal("3900") * Decimal("0.85")
              - Decimal("150000") * Decimal("0.31") - Decimal("6100") * Decimal("4.30")) * 44 / 12
    e_elec2 = Decimal("495000") * GRID_EF
    e_heat2 = Decimal("15000") * Decimal("0.125")
    two = ws[1]
    assert two["co2_emissions"] == e_raw2 + e_elec2 + e_heat2
    assert two["electricity_ef"] == GRID_EF

    values = evaluate().values
    total = one["co2_emissions"] + two["co2_emissions"]
    assert values["total_co2"] == total
    assert values["total_output"] == Decimal("450000")
    assert values["supplementary_emissions"] == total / 10000

    # Reported once, rounded half up to the template's two decimals.
    rounded = rounded_values(b.spec_of(FORM), values)
    assert rounded["workshops"][0]["co2_emissions"] == Decimal("522893.33")
    assert rounded["workshops"][0]["raw_material_emissions"] == Decimal("7223.33")
    assert rounded["total_co2"] == Decimal("814345.17")
    assert rounded["supplementary_emissions"] == Decimal("81.43")


def test_zero_factor_rule_is_the_2023_one_and_the_grid_factor_explains_itself() -> None:
    evaluation = evaluate()
    explanations = explain_all(b.spec_of(FORM), evaluation.values, evaluation.env)
    ef = explanations["workshops[0].electricity_ef"]
    used = {(r.table, r.value, r.certainty) for r in ef.references}
    assert used == {("grid_emission_factor", GRID_EF, "V")}
    assert "非化石能源" in ef.formula
    heat = explanations["workshops[0].heat_sources[1].source_ef"]
    assert heat.value == Decimal("0.12")


def test_heat_without_data_uses_the_default_factor() -> None:
    def unavailable(v: Values) -> None:
        v["workshops"][1]["heat_sources"] = [{"source_type": "数据不可得", "heat_gj": "15000"}]

    two = evaluate(unavailable).values["workshops"][1]
    assert two["heat_ef"] == Decimal("0.11")
    assert two["heat_emissions"] == Decimal("1650")


def test_a_workshop_without_heat_or_zero_electricity_still_adds_up() -> None:
    def no_heat_no_power(v: Values) -> None:
        w = v["workshops"][1]
        w["heat_sources"] = []
        w.update(grid_mwh="0", captive_mwh="0", nonfossil_mwh="0", wasteheat_mwh="0")

    two = evaluate(no_heat_no_power).values["workshops"][1]
    assert two["heat_emissions"] == 0 and two["electricity_emissions"] == 0
    assert two["electricity_ef"] is None  # 0 ÷ 0: no factor to show
    assert two["co2_emissions"] == two["raw_material_emissions"]


def _ws(index: int, **changes: Any) -> Mutation:
    return lambda v: v["workshops"][index].update(changes)


def _input(index: int, **changes: Any) -> Mutation:
    return lambda v: v["workshops"][0]["inputs"][index].update(changes)


def _output(index: int, **changes: Any) -> Mutation:
    return lambda v: v["workshops"][0]["outputs"][index].update(changes)


def _heat(ws: int, index: int, **changes: Any) -> Mutation:
    return lambda v: v["workshops"][ws]["heat_sources"][index].update(changes)


FIRES: dict[str, Mutation] = {
    "A5-CAC-001": _input(0, quantity="-110000"),
    "A5-CAC-002": _output(0, output="-300000"),
    "A5-CAC-003": _input(0, carbon_content="84"),          # a percentage typed into tC/t
    "A5-CAC-004": _input(0, carbon_content="0.28"),        # plausible fraction, implausible for coke
    "A5-CAC-005": _output(0, carbon_content="30"),         # percentage typed into tC/t
    "A5-CAC-006": _output(1, carbon_content="83"),         # CO volume % typed into tC/万Nm³
    "A5-CAC-007": _output(0, carbon_content="0.45"),       # more than pure CaC2 holds
    "A5-CAC-008": _output(1, carbon_content="5.00"),       # more carbon out than in
    "A5-CAC-009": _ws(0, captive_mwh="-300000"),
    "A5-CAC-010": _ws(0, electricity_ledger_total="1025000"),
    "A5-CAC-011": lambda v: None,                          # 一分厂 has 75,000 MWh waste-heat power
    "A5-CAC-012": _output(0, product="碳化钙产品"),
    "A5-CAC-013": _heat(0, 0, heat_gj="-80000"),
    "A5-CAC-014": _heat(0, 1, boiler_emissions="120000"),  # 1.2 tCO2/GJ: kg/t mixed up
    "A5-CAC-015": _heat(1, 0, captive_heat_intensity="125"),
    "A5-CAC-016": _heat(0, 1, heat_gj="200000"),
    "A5-CAC-017": _ws(1, grid_mwh="495000000"),            # kWh typed as MWh
    "A5-CAC-018": _ws(1, carbide_output="75000"),
    "A5-CAC-019": _heat(1, 0, source_type="数据不可得"),
    "A5-CAC-020": _ws(1, carbide_output="-150000"),
    "A5-CAC-030": lambda v: v.update(industry_code="化工"),
}


def _no_zero_factor_power(v: Values) -> None:
    v["workshops"][0].update(captive_mwh="375000", wasteheat_mwh="0")


QUIET: dict[str, Mutation] = {"A5-CAC-011": _no_zero_factor_power}


def test_every_rule_has_a_case() -> None:
    spec = b.spec_of(FORM)
    written = {c.code for c in spec.checks}
    for f in spec.all_fields():
        written |= {c.code for c in f.checks} | ({f.constraint_code} if f.constraint_code else set())
    assert written == set(FIRES)


@pytest.mark.parametrize("code", FIRES)
def test_rule_fires_on_its_mistake(code: str) -> None:
    assert code in b.codes(evaluate(FIRES[code]))


@pytest.mark.parametrize("code", FIRES)
def test_rule_is_quiet_on_clean_data(code: str) -> None:
    assert code not in b.codes(evaluate(QUIET.get(code)))


def test_percentage_message_suggests_the_fraction() -> None:
    finding = next(f for f in evaluate(FIRES["A5-CAC-003"]).findings if f.code == "A5-CAC-003")
    assert finding.severity == "error"
    assert "0.84" in finding.message and "焦炭" in finding.message
    assert finding.path == "workshops[0].inputs[0].carbon_content"


def test_negative_process_emissions_warn_but_do_not_block() -> None:
    evaluation = evaluate(FIRES["A5-CAC-008"])
    finding = next(f for f in evaluation.findings if f.code == "A5-CAC-008")
    assert finding.severity == "warning"
    assert evaluation.values["workshops"][0]["raw_material_emissions"] < 0
    assert not any(f.code == "A5-CAC-008" for f in evaluation.errors)


def test_split_electricity_needs_its_basis() -> None:
    def no_basis(v: Values) -> None:
        v["workshops"][1].pop("split_basis")

    evaluation = evaluate(no_basis)
    assert any(f.code == "GEN-003" and f.path == "workshops[1].split_basis" for f in evaluation.errors)

