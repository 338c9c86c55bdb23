"""The power monthly definition against the research note (shared/reference/mandatory-sectors.md):
decimals (§4.5), evidence per monthly item (§2.1, §4.1), sources with tags, reference tables."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest


@pytest.fixture(scope="module")
def spec() -> Any:
    from cets_desktop.core.loader import default_registry

    registry = default_registry()
    assert not [e for e in registry.errors if "power" in str(e)]
    found = registry.get("power-monthly")
    assert found is not None
    return found


def test_reference_files_load_without_errors() -> None:
    """A YAML slip in forms/reference silently blanks every factor; catch it here."""
    from cets_desktop.core.reference import load_references

    refs = load_references()
    assert refs.errors == []
    for table in (
        "grid_emission_factor",
        "coal_cc_missing_default",
        "coal_cc_high_limit",
        "coal_cc_suspicious",
        "oxidation_rate_default",
        "fuel_ncv_default",
        "fuel_cc_default",
        "standard_coal_heat",
    ):
        assert table in refs.tables, table


@pytest.mark.parametrize(
    ("table", "year", "key", "value"),
    [
        ("coal_cc_missing_default", 2020, None, "0.03356"),
        ("coal_cc_missing_default", 2022, None, "0.03085"),
        ("coal_cc_missing_default", 2026, None, "0.03085"),
        ("grid_emission_factor", 2020, None, "0.6101"),
        ("grid_emission_factor", 2022, None, "0.5810"),
        ("grid_emission_factor", 2026, None, "0.5703"),
        ("fuel_ncv_default", 2026, "天然气", "389.31"),
        ("fuel_cc_default", 2026, "天然气", "0.01532"),
        ("fuel_ncv_default", 2026, "柴油", "42.652"),
        ("fuel_cc_default", 2026, "燃料油", "0.02110"),
        ("oxidation_rate_default", 2026, "固体", "99"),
        ("oxidation_rate_default", 2026, "液体", "98"),
        ("oxidation_rate_default", 2026, "气体", "99"),
    ],
)
def test_reference_values_by_year(table: str, year: int, key: str | None, value: str) -> None:
    from cets_desktop.core.reference import default_references

    entry = default_references().lookup(table, year, key)
    assert entry is not None and entry.value == Decimal(value)


# §4.5: fuel consumption 2 dp; NCV 3 dp; carbon per heat 5 dp; C_ar 4 dp (tC/t); emissions 2 dp; intensities 4 dp.
DECIMALS = {
    "units[].fuels[].consumption": 2,
    "units[].fuels[].ncv": 3,
    "units[].fuels[].ncv_used": 3,
    "units[].fuels[].carbon_per_heat": 5,
    "units[].fuels[].cc_effective": 5,
    "units[].fuels[].c_ar": 4,
    "units[].fuels[].carbon_content": 2,
    "units[].fuels[].emissions": 2,
    "units[].combustion_emissions": 2,
    "units[].electricity_emissions": 2,
    "units[].unit_emissions": 2,
    "total_emissions": 2,
    "units[].supply_intensity": 4,
    "units[].heat_intensity": 4,
    "units[].supply_coal_rate": 4,
    "units[].heat_coal_rate": 4,
}


@pytest.mark.parametrize(("path", "places"), sorted(DECIMALS.items()))
def test_decimals_follow_the_guides(spec: Any, path: str, places: int) -> None:
    assert spec.field(path).decimals == places


# §2.1: the monthly items that are uploaded with supporting material.
EVIDENCE = [
    "units[].fuels[].consumption",
    "units[].fuels[].ncv",
    "units[].fuels[].carbon_content",
    "units[].fuels[].carbon_per_heat",
    "units[].purchased_electricity",
    "units[].generation",
    "units[].net_supply",
    "units[].heat_supplied",
    "units[].operating_hours",
    "units[].load_factor",
    "units[].aux_params[].param_value",
]


@pytest.mark.parametrize("path", EVIDENCE)
def test_every_monthly_item_names_its_evidence(spec: Any, path: str) -> None:
    evidence = spec.field(path).evidence
    assert evidence is not None and evidence.required and evidence.kinds and evidence.description
    assert spec.resolve_source(evidence.source) is not None


def test_every_input_number_has_a_unit_and_decimals(spec: Any) -> None:
    for f in spec.all_fields():
        if f.type == "decimal" and not f.calculation and f.name != "param_value":
            assert f.unit and f.decimals is not None, f.path


def test_every_field_and_rule_cites_a_known_source(spec: Any) -> None:
    from cets_desktop.core.binding import bound

    for f in spec.all_fields():
        if f.type not in ("group", "note"):
            assert spec.resolve_source(f.source) is not None, f.path
    for bc in bound(spec).checks:
        source = bc.check.source or (bc.field_spec.source if bc.field_spec else None)
        assert spec.resolve_source(source) is not None, bc.check.code


def test_missing_carbon_sources_carry_their_tags(spec: Any) -> None:
    assert spec.sources["missing_c_2021"].certainty == "V"
    assert spec.sources["missing_c_2022"].certainty == "V" and "229号" in spec.sources["missing_c_2022"].doc
    assert spec.sources["missing_c"].certainty == "R"
    assert spec.sources["defaults_a"].certainty == "T"


def test_unit_attributes_follow_the_2018_sheet(spec: Any) -> None:
    def values(name: str) -> list[str]:
        return [c.value for c in spec.choices[name]]

    assert values("fuel_category") == ["燃煤", "燃油", "燃气"]
    assert values("pressure_class") == ["中压", "高压", "超高压", "亚临界", "超临界", "超超临界"]
    assert values("gas_unit_class") == ["B级", "E级", "F级", "H级", "分布式"]
    assert {"循环流化床", "IGCC"} <= set(values("boiler_special"))
    assert values("route") == ["实测值", "缺省值", "计算值", "其他"]
    assert values("turbine_type") == ["纯凝", "抽凝", "背压"]


def test_evidence_is_asked_only_where_there_is_something_to_prove() -> None:
    from power_helpers import changed, demo, evaluate_doc

    ev = evaluate_doc(demo(10))
    missing = {f.path for f in ev.findings if f.code == "GEN-006"}
    assert "units[0].heat_supplied" in missing
    assert "units[1].heat_supplied" not in missing  # pure condensing unit, 0 GJ: no heat meter to show
    assert "units[0].fuels[1].ncv" not in missing  # diesel on defaults
    assert not any(p.endswith("oxidation_rate") for p in missing)  # default oxidation rate
    measured = evaluate_doc(
        changed(
            demo(10),
            **{"units.0.fuels.0.oxidation_route": "实测值", "units.0.fuels.0.oxidation_rate": "98.6"},
        )
    )
    assert "units[0].fuels[0].oxidation_rate" in {f.path for f in measured.findings if f.code == "GEN-006"}
