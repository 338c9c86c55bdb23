"""Seeded mistakes in the Appendix 5 other tables: each rule fires with its code at the field, and stays
quiet on the clean filing. Covers the issue's bad input: a facility with no output (intensity undefined,
no division by zero), electricity sources that do not add up, kWh typed for MWh, t mixed with 万Nm³, an
aircraft type under the wrong category."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.core.binding import bound

sys.path.insert(0, str(Path(__file__).parent))
import a5_data as d  # noqa: E402
from a5_data import b  # noqa: E402

Values = dict[str, Any]
Case = tuple[Callable[[Values], None], str]  # mutation, path of the finding


def at(path: list[Any], **changes: Any) -> Callable[[Values], None]:
    def mutate(v: Values) -> None:
        node: Any = v
        for p in path:
            node = node[p]
        node.update(changes)

    return mutate


def top(**changes: Any) -> Callable[[Values], None]:
    return at([], **changes)


L0 = ["lines", 0]
GLASS: dict[str, Case] = {
    "A5-GLS-001": (at(L0 + ["fuels", 1], consumption="-1500"), "lines[0].fuels[1].consumption"),
    "A5-GLS-002": (at(L0 + ["fuels", 1], ncv="0"), "lines[0].fuels[1].ncv"),
    "A5-GLS-003": (
        at(L0 + ["fuels", 0], fuel_unit="t"),
        "lines[0].fuels[0].ncv",
    ),  # 389 GJ/t: 万Nm³ data under t
    "A5-GLS-004": (at(L0 + ["fuels", 0], ncv="0.038931"), "lines[0].fuels[0].ncv"),  # GJ/Nm³ typed
    "A5-GLS-005": (at(L0 + ["fuels", 0], cc="15.3"), "lines[0].fuels[0].cc"),  # tC/TJ typed
    "A5-GLS-006": (at(L0 + ["fuels", 1], oxidation="980"), "lines[0].fuels[1].oxidation"),
    "A5-GLS-007": (
        at(L0 + ["fuels", 1], oxidation="0.98"),
        "lines[0].fuels[1].oxidation",
    ),  # fraction typed for %
    "A5-GLS-008": (
        lambda v: v["lines"][0]["fuels"].append(dict(v["lines"][0]["fuels"][1])),
        "lines[0].fuels",
    ),
    "A5-GLS-009": (
        lambda v: v["lines"][0]["fuels"].append(
            {
                "fuel_name": "焦炉煤气",
                "fuel_unit": "t",
                "consumption": "10",
                "ncv": "17.9",
                "cc": "0.01358",
                "oxidation": "99",
            }
        ),
        "lines[0].fuels[2].fuel_unit",
    ),
    "A5-GLS-014": (at(L0, electricity_ledger_total="60000"), "lines[0].electricity_ledger_total"),
    "A5-GLS-024": (at(["lines", 1, "heat_sources", 0], heat_gj="25000"), "lines[1].heat_sources[0].heat_gj"),
    "A5-GLS-025": (lambda v: None, "lines[1].heat_sources[1].ef_available"),
    "A5-GLS-031": (lambda v: None, "grid_ef_choice"),
    "A5-GLS-041": (at(L0 + ["carbonates", 0], mass="-8200"), "lines[0].carbonates[0].mass"),
    "A5-GLS-042": (at(L0 + ["carbonates", 2], ef_measured="41.2"), "lines[0].carbonates[2].ef_measured"),
    "A5-GLS-043": (
        at(L0 + ["carbonates", 1], calcination_pct="120"),
        "lines[0].carbonates[1].calcination_pct",
    ),
    "A5-GLS-044": (
        at(L0 + ["carbonates", 1], calcination_pct="0.98"),
        "lines[0].carbonates[1].calcination_pct",
    ),
    "A5-GLS-045": (at(L0, carbon_powder_t="-120"), "lines[0].carbon_powder_t"),
    "A5-GLS-046": (at(L0, carbon_powder_cc="85"), "lines[0].carbon_powder_cc"),
    "A5-GLS-047": (at(L0, melting_capacity="0"), "lines[0].melting_capacity"),
    "A5-GLS-048": (at(L0, glass_output="-650"), "lines[0].glass_output"),
    "A5-GLS-049": (at(L0, melt_output="-315000"), "lines[0].melt_output"),
    "A5-GLS-050": (at(["lines", 1], glass_output="0"), "lines[1].glass_output"),
    "A5-GLS-051": (
        at(L0, grid_mwh="42000000", electricity_ledger_total="52258000"),
        "lines[0].grid_mwh",
    ),  # kWh typed
    "A5-GLS-052": (at(L0, glass_output="6500000"), "lines[0].glass_output"),  # 重量箱 typed for 万重量箱
    "A5-GLS-053": (
        lambda v: v["lines"][0]["carbonates"].append({"carbonate": "石灰石（CaCO3）", "mass": "100"}),
        "lines[0].carbonates",
    ),
    "A5-GLS-056": (lambda v: None, "total_co2_energy_only"),
    "A5-GLS-057": (at(L0 + ["carbonates", 2], ef_measured=None, mass="-900000"), "lines[0].co2_emissions"),
    "A5-GLS-901": (top(industry_code="玻璃"), "industry_code"),
    "A5-GLS-902": (
        lambda v: v.update(
            other_products=[{"product_name": "超白玻璃", "product_unit": "万重量箱", "product_output": "-5"}]
        ),
        "other_products[0].product_output",
    ),
    "A5-GLS-903": (top(energy_consumption="-9.85"), "energy_consumption"),
    "A5-GLS-904": (top(energy_consumption="98500"), "energy_consumption"),  # tce typed for 万吨标煤
    "A5-GLS-905": (top(guideline_emissions="-27.4"), "guideline_emissions"),
    "A5-GLS-906": (top(guideline_emissions="274000"), "guideline_emissions"),  # t typed for 万吨
    "A5-GLS-EL-001": (
        top(
            grid_ef_choice="另行填写",
            grid_ef_override="530.6",
            grid_ef_override_source="2023年电力二氧化碳排放因子",
        ),
        "grid_ef_override",
    ),
    "A5-GLS-EL-002": (lambda v: v.pop("grid_ef_choice"), "grid_ef_choice"),
    "A5-GLS-EL-010": (at(L0, grid_mwh="-42000", electricity_ledger_total=None), "lines[0].grid_mwh"),
    "A5-GLS-EL-011": (at(L0, captive_mwh="-1", electricity_ledger_total=None), "lines[0].captive_mwh"),
    "A5-GLS-EL-012": (at(L0, nonfossil_mwh="-3500", electricity_ledger_total=None), "lines[0].nonfossil_mwh"),
    "A5-GLS-EL-013": (at(L0, wasteheat_mwh="-6800", electricity_ledger_total=None), "lines[0].wasteheat_mwh"),
    "A5-GLS-HT-010": (at(L0 + ["heat_sources", 0], heat_gj="-45000"), "lines[0].heat_sources[0].heat_gj"),
    "A5-GLS-HT-020": (
        at(["lines", 1, "heat_sources", 0], boiler_emissions="2300000"),
        "lines[1].heat_sources[0].source_ef",
    ),
}
ALWAYS_ON = {"A5-GLS-025", "A5-GLS-031", "A5-GLS-056"}  # info findings the clean filing carries on purpose

CATS = {c: i for i, c in enumerate(d.AIRLINE_CATEGORIES)}
AIRLINE: dict[str, Case] = {
    "A5-AIR-001": (top(jet_ncv_input="44100"), "jet_ncv_input"),
    "A5-AIR-002": (top(jet_cc_input="19.5"), "jet_cc_input"),
    "A5-AIR-003": (top(jet_of_input="0.99"), "jet_of_input"),
    # B777 (第一类) listed under 第二类: an error at that type row
    "A5-AIR-010": (
        lambda v: v["categories"][CATS["第二类"]]["types"].append({"aircraft_type": "B777"}),
        "categories[1].types[3].aircraft_type",
    ),
    "A5-AIR-011": (at(["categories", 0], fuel_t="-186500"), "categories[0].fuel_t"),
    "A5-AIR-012": (at(["categories", 0], turnover="-61200"), "categories[0].turnover"),
    "A5-AIR-013": (at(["categories", 0], types=[]), "categories[0].types"),
    "A5-AIR-014": (at(["categories", 5], turnover="0"), "categories[5].turnover"),
    "A5-AIR-015": (at(["categories", 1], fuel_t="842300000"), "categories[1].fuel_t"),  # kg typed for t
    "A5-AIR-016": (
        lambda v: v["categories"][1]["types"].append({"aircraft_type": "A320"}),
        "categories[1].types",
    ),
    "A5-AIR-017": (lambda v: v["categories"].pop(), "categories"),
    "A5-AIR-018": (lambda v: None, "total_co2"),
    "A5-AIR-019": (lambda v: None, "jet_ncv_input"),
    "A5-AIR-901": (top(industry_code="5611民航"), "industry_code"),
    "A5-AIR-902": (
        lambda v: v.update(
            other_products=[{"product_name": "货邮运输量", "product_unit": "t", "product_output": "-1"}]
        ),
        "other_products[0].product_output",
    ),
    "A5-AIR-903": (top(energy_consumption="-40"), "energy_consumption"),
    "A5-AIR-904": (top(energy_consumption="1400000"), "energy_consumption"),
    "A5-AIR-905": (top(guideline_emissions="-328"), "guideline_emissions"),
    "A5-AIR-906": (top(guideline_emissions="3283059"), "guideline_emissions"),
}
AIRLINE_ALWAYS = {"A5-AIR-018", "A5-AIR-019"}

AIRPORT: dict[str, Case] = {
    "A5-APT-014": (top(electricity_ledger_total="121400"), "electricity_ledger_total"),
    "A5-APT-040": (top(throughput="-386000"), "throughput"),
    "A5-APT-041": (at(["terminals", 0], area="0"), "terminals[0].area"),
    "A5-APT-042": (at(["terminals", 0], area="236000"), "terminals[0].area"),  # m² typed for 万m²
    "A5-APT-043": (at(["offices", 0], area="-2.45"), "offices[0].area"),
    "A5-APT-044": (at(["offices", 0], area="24500"), "offices[0].area"),
    "A5-APT-045": (top(existing_or_new="新增"), "existing_or_new"),
    "A5-APT-046": (top(throughput="0"), "throughput"),
    "A5-APT-047": (top(terminals=[]), "terminals"),
    "A5-APT-050": (top(grid_mwh="118000000"), "grid_mwh"),  # kWh typed
}
COPPER: dict[str, Case] = {
    "A5-CU-014": (
        top(electricity_ledger_total="168600"),
        "electricity_ledger_total",
    ),  # sources do not add up
    "A5-CU-040": (top(copper_output="-185000"), "copper_output"),
    "A5-CU-041": (top(copper_output="0"), "copper_output"),
    "A5-CU-042": (top(grid_mwh="128000000", electricity_ledger_total=None), "grid_mwh"),  # kWh typed for MWh
    "A5-CU-043": (top(copper_output="185"), "copper_output"),  # kt typed
    "A5-CU-046": (lambda v: None, "total_co2"),
}
COPPER_ALWAYS = {"A5-CU-031", "A5-CU-046"}


def _run(form: str, mutate: Callable[[Values], None]) -> Any:
    values = d.fresh(form)
    mutate(values)
    return values, d.run(form, values)


def _cases() -> list[tuple[str, str, Callable[[Values], None], str]]:
    out = []
    for form, table in (
        ("a5-glass", GLASS),
        ("a5-airline", AIRLINE),
        ("a5-airport", AIRPORT),
        ("a5-copper", COPPER),
    ):
        out += [(form, code, m, path) for code, (m, path) in table.items()]
    return out


@pytest.mark.parametrize(("form", "code", "mutate", "path"), _cases(), ids=[c[1] for c in _cases()])
def test_rule_fires_at_its_field(form: str, code: str, mutate: Callable[[Values], None], path: str) -> None:
    _values, evaluation = _run(form, mutate)
    hits = [f for f in evaluation.findings if f.code == code]
    assert hits, f"{code} did not fire; got {sorted({f.code for f in evaluation.findings})}"
    assert path in {f.path for f in hits}
    for f in hits:
        assert f.message and "None" not in f.message and "Decimal(" not in f.message


def test_every_glass_and_airline_rule_has_a_case() -> None:
    for form, table in (("a5-glass", GLASS), ("a5-airline", AIRLINE)):
        written = {bc.check.code for bc in bound(b.spec_of(form)).checks}
        assert written == set(table), written ^ set(table)


@pytest.mark.parametrize(
    ("form", "always"),
    [
        ("a5-glass", ALWAYS_ON),
        ("a5-airline", AIRLINE_ALWAYS),
        ("a5-copper", COPPER_ALWAYS),
        ("a5-airport", {"A5-APT-025", "A5-APT-031"}),
    ],
)
def test_clean_filing_carries_only_the_intended_infos(form: str, always: set[str]) -> None:
    evaluation = d.run(form)
    assert {f.code for f in evaluation.findings} == always
    assert {f.severity for f in evaluation.findings} == {"info"}


def test_aircraft_type_under_the_wrong_category_names_the_right_one() -> None:
    _values, evaluation = _run(
        "a5-airline", lambda v: v["categories"][CATS["第五类"]]["types"].append({"aircraft_type": "A321"})
    )
    (finding,) = [f for f in evaluation.findings if f.code == "A5-AIR-010"]
    assert finding.severity == "error"
    assert finding.path == "categories[4].types[0].aircraft_type"
    assert "A321" in finding.message and "第二类" in finding.message and "第五类" in finding.message
    assert not evaluation.exportable


def test_facility_without_output_has_no_intensity_and_says_so() -> None:
    _values, evaluation = _run("a5-glass", at(["lines", 1], glass_output="0"))
    line = evaluation.values["lines"][1]
    assert line["co2_intensity"] is None and line["co2_intensity_energy"] is None  # never a division by zero
    assert line["co2_emissions"] is not None
    (finding,) = [f for f in evaluation.findings if f.code == "A5-GLS-050"]
    assert "无法计算" in finding.message


def test_mixed_units_t_for_a_gas_is_an_error_at_the_ncv() -> None:
    # 天然气 typed with its 万Nm³ figures but the unit left at t: the 389 GJ "per tonne" is impossible
    _values, evaluation = _run("a5-copper", at(["fuels", 0], fuel_unit="t"))
    codes = {(f.code, f.severity, f.path) for f in evaluation.findings}
    assert ("A5-CU-003", "error", "fuels[0].ncv") in codes
    assert ("A5-CU-009", "warning", "fuels[0].fuel_unit") in codes


def test_electricity_sources_not_adding_up_block_the_package() -> None:
    _values, evaluation = _run("a5-paper", top(electricity_ledger_total="330000"))
    (finding,) = [f for f in evaluation.findings if f.code == "A5-PPR-014"]
    assert finding.severity == "error" and finding.path == "electricity_ledger_total"
    assert "317" in finding.message and "330" in finding.message
    assert not evaluation.exportable
