"""Every rule of the aluminium month that is its own (the fuel-combustion part's rules are proven on
the cement month) fires on its mistake at a filing path and stays quiet on clean data; the part
rules that matter for gas and oil fire here too."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import aluminium_helpers as h  # noqa: E402

from cets_desktop.core.rules import evaluate  # noqa: E402

V = dict[str, Any]
PART_CODES = {
    f"ALU-M-{n:03d}"
    for n in (
        10,
        11,
        12,
        13,
        14,
        20,
        30,
        31,
        40,
        41,
        42,
        43,
        44,
        50,
        110,
        111,
        112,
        113,
        114,
        120,
        121,
        125,
        126,
        130,
        131,
        132,
        133,
        136,
    )
} | {"ALU-M-EL-001", "ALU-M-EL-002"}


def s0(v: V) -> dict[str, Any]:
    return v["series"][0]


def unchecked(v: V) -> dict[str, Any]:
    s0(v).pop("ae_total_minutes")
    s0(v).pop("cell_days")
    return s0(v)


COAL = {
    "fuel_name": "烟煤",
    "fuel_use": "铸造保温炉",
    "consumption": "10.00",
    "consumption_route": "实测值",
    "consumption_source": "入炉煤计量",
    "ncv": "23.000",
    "ncv_route": "实测值",
    "carbon_route": "缺省值",
    "oxidation_route": "缺省值",
}

CASES: dict[str, tuple[Callable[[V], Any], bool]] = {
    "ALU-M-090": (lambda v: v.update(preparer_phone="无"), False),
    "ALU-M-201": (lambda v: s0(v).update(cell_count="5000"), False),
    "ALU-M-210": (lambda v: s0(v).update(al_output="-1"), False),
    "ALU-M-220": (lambda v: s0(v).update(net_anode_consumption="0"), False),
    "ALU-M-221": (lambda v: s0(v).update(anode_sulphur="150"), False),
    "ALU-M-222": (lambda v: s0(v).update(anode_ash="150", anode_ash_route="实测值"), False),
    "ALU-M-230": (lambda v: s0(v).update(aem="-0.1"), False),
    "ALU-M-231": (lambda v: s0(v).update(ae_total_minutes="-1"), False),
    "ALU-M-232": (lambda v: s0(v).update(cell_days="0"), False),
    "ALU-M-240": (lambda v: s0(v).update(ac_electricity="-1"), False),
    "ALU-M-250": (lambda v: v["carbonates"][0].update(consumption="-1"), False),
    "ALU-M-251": (
        lambda v: v["carbonates"][0].update(carbonate_ef="-0.1", carbonate_ef_route="实测值"),
        False,
    ),
    "ALU-M-260": (lambda v: v.update(purchased_electricity="-1"), False),
    "ALU-M-262": (lambda v: v.update(purchased_heat="-1"), False),
    "ALU-M-300": (lambda v: s0(v).update(al_output="3000.00"), False),
    "ALU-M-301": (lambda v: s0(v).update(al_output="24000.00"), True),
    "ALU-M-310": (lambda v: s0(v).update(net_anode_consumption="13479.41"), False),
    "ALU-M-311": (lambda v: s0(v).update(net_anode_consumption="0.7000"), False),
    "ALU-M-312": (lambda v: s0(v).update(anode_sulphur="0.0185"), False),
    "ALU-M-313": (lambda v: s0(v).update(anode_ash="0.004", anode_ash_route="实测值"), False),
    "ALU-M-314": (lambda v: s0(v).update(anode_sulphur="5.00"), False),
    "ALU-M-315": (lambda v: s0(v).update(anode_ash="2.00", anode_ash_route="实测值"), False),
    "ALU-M-316": (lambda v: s0(v).update(anode_sulphur_route="缺省值"), False),
    "ALU-M-317": (lambda v: s0(v).update(anode_ash="0.50"), False),
    "ALU-M-318": (lambda v: s0(v).update(net_anode_consumption="0.4700"), True),
    "ALU-M-320": (lambda v: unchecked(v).update(aem="1.36"), False),
    "ALU-M-321": (lambda v: unchecked(v).update(aem="0.50"), False),
    "ALU-M-322": (lambda v: s0(v).update(aem="0.05"), False),
    "ALU-M-323": (lambda v: s0(v).update(cell_days="9000.00"), False),
    "ALU-M-324": (lambda v: unchecked(v).update(pfc_method="缺省值", aem=None), False),
    "ALU-M-330": (lambda v: s0(v).update(ac_electricity="437000000.000"), False),
    "ALU-M-331": (lambda v: s0(v).update(ac_electricity="500000.000"), False),
    "ALU-M-340": (lambda v: s0(v).update(net_anode_consumption="0.6200"), False),
    "ALU-M-350": (
        lambda v: v["carbonates"][0].update(carbonate_ef="440", carbonate_ef_route="实测值"),
        False,
    ),
    "ALU-M-351": (lambda v: v["carbonates"][0].update(carbonate_ef="0.430"), False),
    "ALU-M-352": (
        lambda v: v["carbonates"].append(
            {
                "carbonate": "其他",
                "carbonate_other": "菱镁矿",
                "consumption": "5",
                "consumption_route": "实测值",
                "consumption_source": "汽车衡",
                "carbonate_ef_route": "缺省值",
            }
        ),
        False,
    ),
    "ALU-M-360": (lambda v: v["fuels"].append(dict(COAL)), False),
    "ALU-M-371": (lambda v: v.update(purchased_electricity="400000.000"), False),
    "ALU-M-372": (lambda v: v["series"].append(h.series_one()), False),
    "ALU-M-373": (lambda v: v.update(gwp_set="SAR"), True),
    "ALU-M-374": (lambda v: v.pop("gwp_set"), False),
    # part rules on the aluminium fuels (natural gas, diesel)
    "ALU-M-010": (lambda v: v["fuels"][0].update(consumption="-1"), False),
    "ALU-M-112": (lambda v: v["fuels"][0].update(ncv="38.9", ncv_route="实测值"), False),
    "ALU-M-114": (lambda v: v["fuels"].append({**COAL, "ncv_route": "缺省值"}), False),
    "ALU-M-126": (
        lambda v: v["fuels"][0].update(carbon_route="实测值", carbon_basis="元素碳含量", carbon_content="60"),
        False,
    ),
    "ALU-M-EL-002": (lambda v: v.pop("grid_ef_choice"), False),
}


def own_codes() -> set[str]:
    spec = h.b.spec_of(h.FORM)
    codes = {c.code for c in spec.checks}
    for f in spec.all_fields():
        codes |= {c.code for c in f.checks} | ({f.constraint_code} if f.constraint_code else set())
    return codes - PART_CODES


def run(mutate: Callable[[V], Any] | None, against_previous: bool) -> Any:
    vals = h.november() if against_previous else h.values()
    if mutate:
        mutate(vals)
    if against_previous:
        return evaluate(h.b.spec_of(h.FORM), h.document(vals, period="2026-11"), previous=h.document())
    return h.run(vals)


def test_every_own_rule_has_a_case() -> None:
    assert own_codes() <= set(CASES), sorted(own_codes() - set(CASES))


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_its_mistake(code: str) -> None:
    mutate, prev = CASES[code]
    found = [f for f in run(mutate, prev).findings if f.code == code]
    assert found
    top = {fs.name for fs in h.b.spec_of(h.FORM).top_fields()}
    for f in found:
        assert re.search(r"[\u4e00-\u9fff]", f.message) and "{" not in f.message and ".md" not in f.message
        assert f.path.split("[")[0].split(".")[0] in top, f.path


def test_rules_are_quiet_on_clean_months() -> None:
    assert {f.code for f in run(None, False).findings} == set()
    assert {f.code for f in run(None, True).findings} == set()
