"""Every rule of the cement month (its own and those it takes from the shared parts) fires on the
mistake it is written for, at a path of the filing, and stays quiet on a clean month and on a clean
continuation month; messages are Chinese and name no internal file."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import cement_helpers as h  # noqa: E402

from cets_desktop.core.rules import evaluate  # noqa: E402

V = dict[str, Any]


def l0(v: V) -> dict[str, Any]:
    return v["lines"][0]


def c0(v: V) -> dict[str, Any]:
    return v["lines"][0]["clinkers"][0]


def coal(v: V) -> dict[str, Any]:
    return v["lines"][0]["fuels"][0]


def gas(v: V) -> dict[str, Any]:
    return v["lines"][1]["fuels"][1]


def tyres(v: V) -> dict[str, Any]:
    return v["lines"][0]["alt_fuels"][0]


def add_material(v: V, **row: str) -> None:
    l0(v)["raw_materials"].append({"consumption_route": "实测值", "consumption_source": "配料皮带秤", **row})


def no_carbon_test(v: V) -> None:
    coal(v)["carbon_route"] = "缺省值"
    for k in (
        "carbon_basis",
        "carbon_content",
        "lab_name",
        "lab_accreditation",
        "report_no",
        "report_date",
        "sample_hydrogen",
        "sample_sulphur",
        "sample_moisture",
        "sample_ncv",
    ):
        coal(v).pop(k)


# code → (mutation of October, or of November judged against October when marked "prev")
CASES: dict[str, tuple[Callable[[V], Any], bool]] = {
    "CEM-M-010": (lambda v: coal(v).update(consumption="-1"), False),
    "CEM-M-011": (lambda v: h.ledger(v) and coal(v).update(opening_stock="-1"), False),
    "CEM-M-012": (lambda v: h.ledger(v) and coal(v).update(purchases="-1"), False),
    "CEM-M-013": (lambda v: h.ledger(v) and coal(v).update(other_outflow="-1"), False),
    "CEM-M-014": (lambda v: h.ledger(v) and coal(v).update(closing_stock="-1"), False),
    "CEM-M-020": (lambda v: coal(v).update(ncv="0"), False),
    "CEM-M-030": (lambda v: coal(v).update(carbon_content="150"), False),
    "CEM-M-031": (lambda v: v["lines"][1]["fuels"][0].update(carbon_per_heat="0.5"), False),
    "CEM-M-040": (lambda v: coal(v).update(lab_accreditation="无"), False),
    "CEM-M-041": (lambda v: coal(v).update(report_date="2027-06-01"), False),
    "CEM-M-042": (lambda v: coal(v).update(sample_hydrogen="8.00"), False),
    "CEM-M-043": (lambda v: coal(v).update(sample_sulphur="9.00"), False),
    "CEM-M-044": (lambda v: coal(v).update(sample_moisture="55.00"), False),
    "CEM-M-050": (lambda v: v["lines"][1]["fuels"][0].update(oxidation_rate="40"), False),
    "CEM-M-090": (lambda v: v.update(preparer_phone="电话待补"), False),
    "CEM-M-110": (lambda v: coal(v).update(ncv="5530"), False),
    "CEM-M-111": (lambda v: coal(v).update(ncv="35.000", sample_ncv="35.000"), False),
    "CEM-M-112": (lambda v: gas(v).update(ncv="38.9", ncv_route="实测值"), False),
    "CEM-M-113": (lambda v: gas(v).update(ncv="450", ncv_route="实测值"), False),
    "CEM-M-114": (lambda v: coal(v).update(ncv_route="缺省值"), False),
    "CEM-M-120": (lambda v: coal(v).update(carbon_content="0.6012"), False),
    "CEM-M-121": (lambda v: coal(v).update(carbon_content="85"), False),
    "CEM-M-125": (lambda v: coal(v).update(sample_ncv="26.000"), False),
    "CEM-M-126": (
        lambda v: gas(v).update(carbon_route="实测值", carbon_basis="元素碳含量", carbon_content="60"),
        False,
    ),
    "CEM-M-130": (lambda v: coal(v).update(ncv="26.000", sample_ncv="26.000"), True),
    "CEM-M-131": (lambda v: coal(v).update(carbon_content="67.00"), True),
    "CEM-M-132": (
        lambda v: h.ledger(v) and coal(v).update(opening_stock="5100.00", purchases="19900.00"),
        True,
    ),
    "CEM-M-133": (lambda v: h.ledger(v) and coal(v).update(closing_stock="4150.00"), False),
    "CEM-M-136": (lambda v: v["lines"][1]["fuels"][0].update(carbon_per_heat="0.03000"), True),
    "CEM-M-201": (lambda v: l0(v).update(design_capacity="50000"), False),
    "CEM-M-202": (lambda v: l0(v).update(kiln_days="40"), False),
    "CEM-M-210": (lambda v: c0(v).update(opening_stock="-1"), False),
    "CEM-M-211": (lambda v: c0(v).update(purchased_clinker="-1"), False),
    "CEM-M-212": (lambda v: c0(v).update(clinker_to_mill="-1"), False),
    "CEM-M-213": (lambda v: c0(v).update(clinker_sold="-1"), False),
    "CEM-M-214": (lambda v: c0(v).update(closing_stock="-1"), False),
    "CEM-M-215": (lambda v: c0(v).update(clinker_output="-1"), False),
    "CEM-M-220": (lambda v: c0(v).update(clinker_ef="0", clinker_ef_route="实测值"), False),
    "CEM-M-230": (lambda v: l0(v)["raw_materials"][0].update(consumption="-1"), False),
    "CEM-M-231": (
        lambda v: l0(v)["raw_materials"][0].update(deduction_factor="-0.1", deduction_route="实测值"),
        False,
    ),
    "CEM-M-250": (lambda v: tyres(v).update(consumption="-1"), False),
    "CEM-M-251": (lambda v: tyres(v).update(ncv="7500"), False),
    "CEM-M-252": (lambda v: tyres(v).update(carbon_per_heat="0.5"), False),
    "CEM-M-253": (lambda v: tyres(v).update(fossil_share="175"), False),
    "CEM-M-254": (lambda v: tyres(v).update(oxidation_rate="0.98"), False),
    "CEM-M-260": (lambda v: v.update(power_facility_emissions="-1"), False),
    "CEM-M-261": (lambda v: v.update(other_facility_emissions="-1"), False),
    "CEM-M-262": (lambda v: v.update(cement_output="-1"), False),
    "CEM-M-263": (lambda v: v.update(waste_heat_generation="-1"), False),
    "CEM-M-264": (lambda v: v.update(purchased_electricity="-1"), False),
    "CEM-M-266": (lambda v: v.update(purchased_heat="-1"), False),
    "CEM-M-300": (lambda v: c0(v).update(closing_stock="33669.50"), False),
    "CEM-M-301": (lambda v: c0(v).update(opening_stock="32000.00", closing_stock="33000.00"), True),
    "CEM-M-302": (lambda v: c0(v).update(clinker_output="60000.00", clinker_to_mill="53000.00"), True),
    "CEM-M-303": (lambda v: c0(v).update(clinker_output="200000.00", clinker_to_mill="193730.50"), False),
    "CEM-M-310": (lambda v: c0(v).update(clinker_ef="535"), False),
    "CEM-M-311": (lambda v: c0(v).update(clinker_ef="0.520"), False),
    "CEM-M-312": (lambda v: c0(v).update(clinker_ef="0.700", clinker_ef_route="实测值"), False),
    "CEM-M-320": (lambda v: l0(v)["raw_materials"][0].update(deduction_factor="480"), False),
    "CEM-M-321": (lambda v: l0(v)["raw_materials"][0].update(deduction_factor="0.400"), False),
    "CEM-M-322": (
        lambda v: add_material(
            v, material="其他", material_other="石灰石尾矿泥", consumption="900", deduction_route="缺省值"
        ),
        False,
    ),
    "CEM-M-323": (
        lambda v: l0(v)["raw_materials"][0].update(deduction_factor="0.700", deduction_route="实测值"),
        False,
    ),
    "CEM-M-324": (
        lambda v: add_material(v, material="熟石灰", consumption="200000", deduction_route="缺省值"),
        False,
    ),
    "CEM-M-325": (lambda v: l0(v)["raw_materials"][0].update(consumption="16400.00"), True),
    "CEM-M-330": (no_carbon_test, False),
    "CEM-M-331": (lambda v: coal(v).update(carbon_content="80.00"), False),
    "CEM-M-340": (lambda v: coal(v).update(consumption="60000.00"), False),
    "CEM-M-341": (lambda v: l0(v).update(fuels=[]), False),
    "CEM-M-342": (lambda v: l0(v)["clinkers"].append(dict(c0(v))), False),
    "CEM-M-351": (lambda v: v.update(cement_output="100000.00"), False),
    "CEM-M-352": (lambda v: v["lines"][1].update(line_name="1号熟料线"), False),
    "CEM-M-EL-001": (
        lambda v: v.update(
            grid_ef_choice="另行填写", grid_ef_override="570", grid_ef_override_source="某文件"
        ),
        False,
    ),
    "CEM-M-EL-002": (lambda v: v.pop("grid_ef_choice"), False),
}


def all_codes() -> set[str]:
    spec = h.b.spec_of(h.FORM)
    codes = {c.code for c in spec.checks}
    for f in spec.all_fields():
        codes |= {c.code for c in f.checks} | ({f.constraint_code} if f.constraint_code else set())
    return codes


def run(mutate: Callable[[V], Any] | None, against_previous: bool) -> Any:
    spec = h.b.spec_of(h.FORM)
    if against_previous:
        vals = h.november()
        if mutate:
            mutate(vals)
        previous = h.document()
        if mutate is CASES["CEM-M-132"][0]:  # stock continuity of a ledger fuel needs a ledger October
            previous = h.document(h.ledger(h.values()))
        return evaluate(spec, h.document(vals, period="2026-11"), previous=previous)
    vals = h.values()
    if mutate:
        mutate(vals)
    return h.run(vals)


def test_every_rule_has_a_case() -> None:
    assert all_codes() == set(CASES), (sorted(all_codes() - set(CASES)), sorted(set(CASES) - all_codes()))


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_its_mistake(code: str) -> None:
    mutate, prev = CASES[code]
    ev = run(mutate, prev)
    found = [f for f in ev.findings if f.code == code]
    assert found, sorted({f.code for f in ev.findings})
    for f in found:
        assert re.search(r"[\u4e00-\u9fff]", f.message)
        assert ".md" not in f.message and ".yaml" not in f.message and "{" not in f.message
        # the finding points at a field of the filing (the window jumps there)
        top = f.path.split("[")[0].split(".")[0]
        assert top in {fs.name for fs in h.b.spec_of(h.FORM).top_fields()}, f.path


def test_rules_are_quiet_on_clean_months() -> None:
    assert {f.code for f in run(None, False).findings} == set()
    assert {f.code for f in run(None, True).findings} == set()
