"""Appendix 5 — 电石 supplementary data table (2023 "20XX年" version) after the 2026-12 review: loads,
starts from the template's rows, computes formulas (8), (13) and (14) exactly as a hand calculation
does, and every rule fires on its mistake and stays quiet on clean data. The review's findings are
proven here: a negative carbon balance is an error that blocks the final package, row 2 must equal
the 电石 output of 1.1.3, a CO volume % typed as furnace-gas carbon content is an error, the printed
per-source lines recompute, the grid factor is confirmed or overridden with a source, and periods
before 2023 are refused."""

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
GRID_EF = Decimal(
    "0.5703"
)  # 2022年度全国电网平均排放因子, the reference value for 2025 data (confirmed by the filer)
Values = dict[str, Any]
Mutation = Callable[[Values], None]


def values_of(mutate: Mutation | None = None) -> Values:
    values = b.carbide_values()
    values["grid_ef_choice"] = "采用参考值"  # the filer confirms the reference factor
    if mutate:
        mutate(values)
    return values


def evaluate(mutate: Mutation | None = None, period: str = b.CARBIDE_YEAR) -> Any:
    return b.run(b.document(FORM, b.CARBIDE_ENTERPRISE, period, values_of(mutate)))


def test_definition_loads_as_a_partially_verified_supplementary_table() -> None:
    spec = b.spec_of(FORM)
    assert (spec.filing_type, spec.period_kind, spec.sector, spec.template_year) == (
        "supplementary",
        "year",
        "chemical",
        2026,
    )
    assert spec.certainty == "P" and spec.valid_from == "2023"
    rows = {
        f.row: f.label
        for f in spec.all_fields()
        if f.row and f.scope == ("workshops",) or (f.row and len(f.scope) == 2)
    }
    assert rows == {
        "1": "二氧化碳排放量",
        "1.1": "能源作为原材料产生的排放量",
        "1.1.1": "投入量",
        "1.1.2": "含碳量",
        "1.1.3": "产量",
        "1.1.4": "含碳量",
        "1.2": "消耗电力对应的排放量",
        "1.2.1": "消耗电量",
        "1.2.1.1": "电网电量",
        "1.2.1.2": "自备电厂电量",
        "1.2.1.3": "非化石能源电量",
        "1.2.1.4": "纯余热余压发电电量",
        "1.2.2": "对应的排放因子",
        "1.3": "消耗热力对应的排放量",
        "1.3.1": "消耗热量",
        "1.3.2": "对应的排放因子",
        "2": "电石产量",
    }
    # Every numbered row carries the template's 计算方法或填写要求 as its hint.
    assert all(f.hint for f in spec.all_fields() if f.row and f.scope)
    assert all(spec.resolve_source(f.source) for f in spec.all_fields() if f.type != "repeat")
    assert spec.resolve_source(spec.field("workshops[].carbide_output").source).certainty == "G"
    assert spec.resolve_source(spec.field("workshops[].electricity_ef").source).certainty == "V"
    # The header block and the 数据汇总表 come from the shared part.
    assert (
        spec.field("industry_code")
        and spec.field("supplementary_emissions").calculation == "total_co2 / 10000"
    )


def test_nothing_a_user_reads_names_an_internal_file_or_a_bare_tag() -> None:
    spec = b.spec_of(FORM)
    texts = [spec.title, spec.description or ""]
    texts += [s.doc + (s.section or "") + (s.note or "") for s in spec.sources.values()]
    texts += [f.label + (f.hint or "") + (f.explain or "") for f in spec.all_fields()]
    texts += [c.message for c in spec.checks]
    for f in spec.all_fields():
        texts += [c.message for c in f.checks] + [f.constraint_message or ""]
    for text in texts:
        assert ".md" not in text and "§" not in text, text
        assert not any(f"[{tag}]" in text for tag in "VRTGPM"), text


def test_initial_rows_give_the_template_blank() -> None:
    spec = b.spec_of(FORM)
    values = b.initial_values(spec)
    workshop = values["workshops"][0]
    assert [r["material"] for r in workshop["inputs"]] == ["焦炭", "电极糊"]
    assert [(r["product"], r["output_unit"]) for r in workshop["outputs"]] == [
        ("电石", "t"),
        ("电石炉气", "万Nm3"),
    ]
    evaluation = b.run(b.document(FORM, b.CARBIDE_ENTERPRISE, b.CARBIDE_YEAR, values))
    # "please fill in", and "please confirm the grid factor" (2025 is a year whose factor is not established)
    assert b.codes(evaluation) == {"GEN-003", "A5-CAC-EL-002"}
    assert evaluation.values["workshops"][0]["co2_emissions"] is None  # blank stays blank, not 0


def test_realistic_filing_has_no_errors() -> None:
    evaluation = evaluate()
    assert evaluation.errors == []
    assert evaluation.exportable
    # The one finding: the confirmed reference factor, with the published alternative for comparison.
    assert [(f.code, f.severity) for f in evaluation.findings] == [("A5-CAC-041", "info")]
    assert "0.5306" in evaluation.findings[0].message


def test_emissions_match_a_hand_calculation() -> None:
    ws = evaluate().values["workshops"]

    # 一分厂 — formula (8): E = (Σ 投入量 × 含碳量 − Σ 产出量 × 含碳量) × 44/12
    carbon_in = (
        Decimal("110000") * Decimal("0.84")
        + Decimal("58000") * Decimal("0.80")
        + Decimal("7500") * Decimal("0.86")
    )
    carbon_out = Decimal("300000") * Decimal("0.30") + Decimal("12000") * Decimal("4.44")
    assert carbon_in == Decimal("145250") and carbon_out == Decimal("143280")
    e_raw = (carbon_in - carbon_out) * 44 / 12  # 1970 tC → 7223.33 tCO2
    # formula (13): grid and captive power at the grid factor, waste-heat power at 0
    e_grid = Decimal("600000") * GRID_EF  # 342,180 tCO2
    e_captive = Decimal("300000") * GRID_EF  # 171,090 tCO2
    e_elec = e_grid + e_captive + Decimal("75000") * 0
    ef_elec = (Decimal("600000") + Decimal("300000")) * GRID_EF / Decimal("975000")
    # formula (14): waste-heat recovery 0; steam boiler 12,000 tCO2 ÷ 100,000 GJ = 0.12 tCO2/GJ
    e_heat = Decimal("80000") * 0 + Decimal("20000") * (Decimal("12000") / Decimal("100000"))  # 2,400 tCO2
    one = ws[0]
    assert one["raw_material_emissions"] == e_raw
    assert one["electricity_total"] == Decimal("975000")
    assert one["electricity_ef"] == ef_elec
    assert (one["grid_emissions"], one["captive_emissions"]) == (e_grid, e_captive)
    assert one["electricity_emissions"] == e_elec == Decimal("513270")
    assert one["heat_total"] == Decimal("100000") and one["heat_ef"] == Decimal("0.024")
    assert one["heat_emissions"] == e_heat == Decimal("2400")
    assert one["co2_emissions"] == e_raw + e_elec + e_heat

    # 二分厂 — all grid power; heat from the captive plant at its 供热碳排放强度 0.125 tCO2/GJ
    e_raw2 = (
        (
            Decimal("84000") * Decimal("0.85")
            + Decimal("3900") * Decimal("0.85")
            - Decimal("150000") * Decimal("0.31")
            - Decimal("6100") * Decimal("4.30")
        )
        * 44
        / 12
    )
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


def test_the_printed_sheet_recomputes_from_printed_numbers() -> None:
    spec = b.spec_of(FORM)
    values = evaluate().values
    printed = rounded_values(spec, values)
    one = printed["workshops"][0]
    # A verifier multiplies the printed factor by the printed electricity of each source line …
    assert one["grid_emissions"] == Decimal("600000") * printed["grid_ef"]
    assert one["captive_emissions"] == Decimal("300000") * printed["grid_ef"]
    # … and adds the lines to get the printed 1.2 (to the cent).
    assert one["grid_emissions"] + one["captive_emissions"] == one["electricity_emissions"]
    # 1.2.2 is printed with six decimals: 975,000 MWh × 0.526431 is within 0.5 t of 1.2.
    assert abs(one["electricity_total"] * one["electricity_ef"] - one["electricity_emissions"]) < Decimal(
        "0.5"
    )


def test_grid_factor_explains_itself_with_its_certainty() -> None:
    evaluation = evaluate()
    explanations = explain_all(b.spec_of(FORM), evaluation.values, evaluation.env)
    ref = explanations["grid_ef_reference"]
    assert {(r.table, r.value, r.certainty) for r in ref.references} == {("a5_grid_factor", GRID_EF, "G")}
    ef = explanations["workshops[0].electricity_ef"]
    assert "非化石能源" in ef.formula
    assert explanations["workshops[0].heat_sources[1].source_ef"].value == Decimal("0.12")


def test_grid_factor_override_needs_its_source_and_is_used() -> None:
    def override(v: Values) -> None:
        v.update(
            grid_ef_choice="另行填写",
            grid_ef_override="0.5306",
            grid_ef_override_source="生态环境部、国家统计局《2023年电力二氧化碳排放因子》",
        )

    evaluation = evaluate(override)
    two = evaluation.values["workshops"][1]
    assert evaluation.values["grid_ef"] == Decimal("0.5306")
    assert two["electricity_emissions"] == Decimal("495000") * Decimal("0.5306")  # 262,647 tCO2
    assert evaluation.errors == []

    def no_source(v: Values) -> None:
        override(v)
        v.pop("grid_ef_override_source")

    assert any(
        f.code == "GEN-003" and f.path == "grid_ef_override_source" for f in evaluate(no_source).errors
    )


def test_periods_before_2023_are_refused_not_computed_with_other_factors() -> None:
    evaluation = evaluate(period="2022")
    finding = next(f for f in evaluation.errors if f.code == "A5-CAC-040")
    assert "2023" in finding.message and "2022" in finding.message
    assert evaluation.values["grid_ef"] is None
    assert evaluation.values["workshops"][0]["electricity_emissions"] is None
    assert evaluation.values["total_co2"] is None
    assert not evaluation.exportable


def test_heat_without_data_uses_the_default_factor() -> None:
    def unavailable(v: Values) -> None:
        v["workshops"][1]["heat_sources"] = [
            {"source_type": "自备电厂", "ef_available": "不可得", "heat_gj": "15000"}
        ]

    two = evaluate(unavailable).values["workshops"][1]
    assert two["heat_ef"] == Decimal("0.11")
    assert two["heat_emissions"] == Decimal("1650")  # 15,000 GJ × 0.11


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


def _extra_output(v: Values) -> None:
    v["workshops"][0]["outputs"].append(
        {"product": "尾气", "output_unit": "万Nm3", "output": "10", "carbon_content": "6.0"}
    )


FIRES: dict[str, Mutation] = {
    "A5-CAC-001": _input(0, quantity="-110000"),
    "A5-CAC-002": _output(0, output="-300000"),
    "A5-CAC-003": _input(0, carbon_content="84"),  # a percentage typed into tC/t
    "A5-CAC-004": _input(0, carbon_content="0.28"),  # plausible fraction, implausible for coke
    "A5-CAC-005": _output(0, carbon_content="30"),  # percentage typed into tC/t
    "A5-CAC-006": _extra_output,  # an unknown gas above the one-carbon limit
    "A5-CAC-007": _output(0, carbon_content="0.45"),  # more than pure CaC2 holds
    "A5-CAC-008": _output(1, carbon_content="5.00"),  # more carbon out than in
    "A5-CAC-010": _ws(0, electricity_ledger_total="1025000"),
    "A5-CAC-012": _output(0, product="碳化钙产品"),
    "A5-CAC-016": _heat(0, 1, heat_gj="200000"),
    "A5-CAC-017": _ws(1, grid_mwh="900000"),  # 6 MWh/t: possible, implausible
    "A5-CAC-018": _heat(1, 0, heat_gj="2000000"),  # 3.6 tCO2/t: possible, implausible
    "A5-CAC-019": _heat(1, 0, ef_available="不可得"),
    "A5-CAC-020": _ws(1, carbide_output="-150000"),
    "A5-CAC-021": _ws(1, carbide_output="140000"),  # row 2 ≠ 电石 in 1.1.3 (150,000 t)
    "A5-CAC-022": _output(1, carbon_content="83"),  # CO volume % typed into tC/万Nm³
    "A5-CAC-023": _ws(1, grid_mwh="495000000"),  # kWh typed as MWh
    "A5-CAC-040": lambda v: None,  # (period 2022, see PERIODS)
    "A5-CAC-041": lambda v: None,  # the confirmed reference factor (info)
    "A5-CAC-042": lambda v: None,  # (period 2026, see PERIODS)
    "A5-CAC-EL-001": lambda v: v.update(
        grid_ef_choice="另行填写", grid_ef_override="530.6", grid_ef_override_source="某文件"
    ),
    "A5-CAC-EL-002": lambda v: v.pop("grid_ef_choice"),
    "A5-CAC-EL-010": _ws(0, grid_mwh="-600000"),
    "A5-CAC-EL-011": _ws(0, captive_mwh="-300000"),
    "A5-CAC-EL-012": _ws(0, nonfossil_mwh="-1"),
    "A5-CAC-EL-013": _ws(0, wasteheat_mwh="-75000"),
    "A5-CAC-HT-010": _heat(0, 0, heat_gj="-80000"),
    "A5-CAC-HT-020": _heat(0, 1, boiler_emissions="120000"),  # 1.2 tCO2/GJ: kg/t mixed up
    "A5-CAC-901": lambda v: v.update(industry_code="化工"),
    "A5-CAC-902": lambda v: v.update(
        other_products=[{"product_name": "石灰", "product_unit": "t", "product_output": "-5"}]
    ),
    "A5-CAC-903": lambda v: v.update(energy_consumption="-1"),
    "A5-CAC-904": lambda v: v.update(energy_consumption="427500"),  # tce typed for 万吨标煤
    "A5-CAC-905": lambda v: v.update(guideline_emissions="-1"),
    "A5-CAC-906": lambda v: v.update(guideline_emissions="856300"),  # t typed for 万吨
}
PERIODS = {"A5-CAC-040": "2022", "A5-CAC-042": "2026"}


QUIET: dict[str, Mutation] = {
    "A5-CAC-041": lambda v: v.update(
        grid_ef_choice="另行填写",
        grid_ef_override="0.5306",
        grid_ef_override_source="生态环境部、国家统计局《2023年电力二氧化碳排放因子》",
    ),
}


def test_every_rule_has_a_case() -> None:
    spec = b.spec_of(FORM)
    written = {c.code for c in spec.checks}
    for f in spec.all_fields():
        written |= {c.code for c in f.checks} | ({f.constraint_code} if f.constraint_code else set())
    assert written == set(FIRES)


@pytest.mark.parametrize("code", FIRES)
def test_rule_fires_on_its_mistake(code: str) -> None:
    assert code in b.codes(evaluate(FIRES[code], PERIODS.get(code, b.CARBIDE_YEAR)))


@pytest.mark.parametrize("code", FIRES)
def test_rule_is_quiet_on_clean_data(code: str) -> None:
    assert code not in b.codes(evaluate(QUIET.get(code)))


def test_percentage_message_suggests_the_fraction() -> None:
    finding = next(f for f in evaluate(FIRES["A5-CAC-003"]).findings if f.code == "A5-CAC-003")
    assert finding.severity == "error"
    assert "0.84" in finding.message and "焦炭" in finding.message
    assert finding.path == "workshops[0].inputs[0].carbon_content"


def test_negative_carbon_balance_is_an_error_that_blocks_the_final_package() -> None:
    evaluation = evaluate(FIRES["A5-CAC-008"])
    finding = next(f for f in evaluation.findings if f.code == "A5-CAC-008")
    assert finding.severity == "error" and finding.path == "workshops[0].raw_material_emissions"
    assert evaluation.values["workshops"][0]["raw_material_emissions"] < 0
    assert not evaluation.exportable
    # A message for people: the balance in tonnes, no 28-digit numbers.
    assert "150000" in finding.message.replace(",", "") and "145250" in finding.message.replace(",", "")
    assert len(max(finding.message.replace(",", "").split(), key=len)) < 60


def test_furnace_gas_co_percent_is_an_error_for_that_product() -> None:
    evaluation = evaluate(FIRES["A5-CAC-022"])
    finding = next(f for f in evaluation.errors if f.code == "A5-CAC-022")
    assert finding.path == "workshops[0].outputs[1].carbon_content"
    assert "4.45" in finding.message  # 83 % CO → 0.83 × 5.36 = 4.4488 ≈ 4.45 tC/万Nm³
    assert "A5-CAC-006" not in b.codes(evaluation)  # the warning is for unknown gases only


def test_row_2_must_equal_the_carbide_output_of_1_1_3() -> None:
    finding = next(f for f in evaluate(FIRES["A5-CAC-021"]).errors if f.code == "A5-CAC-021")
    assert finding.path == "workshops[1].carbide_output"
    assert "140000" in finding.message.replace(",", "") and "150000" in finding.message.replace(",", "")


def test_kwh_typed_for_mwh_is_an_error_at_the_field() -> None:
    evaluation = evaluate(FIRES["A5-CAC-023"])
    finding = next(f for f in evaluation.errors if f.code == "A5-CAC-023")
    assert finding.path == "workshops[1].grid_mwh" and "kWh" in finding.message
    assert "A5-CAC-017" not in b.codes(evaluation)  # one finding for one mistake


def test_split_electricity_needs_its_basis() -> None:
    def no_basis(v: Values) -> None:
        v["workshops"][1].pop("split_basis")

    evaluation = evaluate(no_basis)
    assert any(f.code == "GEN-003" and f.path == "workshops[1].split_basis" for f in evaluation.errors)


def test_a_filing_saved_with_the_old_heat_source_choice_still_computes() -> None:
    # The first 2026 definition offered "数据不可得" as a heat-source type; such filings keep the 0.11 default.
    def legacy(v: Values) -> None:
        v["workshops"][1]["heat_sources"] = [{"source_type": "数据不可得", "heat_gj": "15000"}]

    evaluation = evaluate(legacy)
    two = evaluation.values["workshops"][1]
    assert two["heat_emissions"] == Decimal("15000") * Decimal("0.11")
    assert "A5-CAC-019" in b.codes(evaluation) and evaluation.errors == []


def test_an_unconfirmed_grid_factor_still_computes_with_the_reference_and_asks_to_confirm() -> None:
    evaluation = b.run(b.carbide_document())  # the filer has not chosen yet
    assert evaluation.values["grid_ef"] == GRID_EF
    assert rounded_values(b.spec_of(FORM), evaluation.values)["total_co2"] == Decimal("814345.17")
    finding = next(f for f in evaluation.findings if f.code == "A5-CAC-EL-002")
    assert finding.severity == "warning" and finding.path == "grid_ef_choice"
