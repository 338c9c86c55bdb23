"""Plan ↔ month for aluminium: the 2027 scheme (tests/forms/builders.py) against the October month;
a month that follows it is quiet, each departure is found at the month's field; and the plan
corrections of the review (guide title 铝冶炼行业, NC in t/tAl with P in the formula, 炭阳极 labels)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import aluminium_helpers as h  # noqa: E402

from cets_desktop.core.plan_coherence import coherence_findings  # noqa: E402


def month_following_the_plan() -> dict[str, Any]:
    vals = h.values()
    vals["fuels"] = vals["fuels"][:1]  # the plan declares natural gas only
    vals.pop("carbonates")  # and no carbonate
    return vals


def check(vals: dict[str, Any]) -> list[tuple[str, str]]:
    plan = h.b.aluminium_plan()
    month = h.document(vals, period=f"{plan.period}-01")
    spec = h.b.spec_of(h.FORM)
    for ev in month.evidence:  # typed as the user picks the kind in the evidence panel
        ev.kind = spec.field(re.sub(r"\[\d+\]", "[]", ev.path)).evidence.kinds[0]
    findings = coherence_findings(h.b.spec_of("aluminium-plan"), plan, spec, month)
    return sorted((f.code, f.path) for f in findings)


def test_a_month_that_follows_the_plan_is_quiet() -> None:
    assert check(month_following_the_plan()) == []


def test_a_default_where_the_plan_measures_is_found() -> None:
    vals = month_following_the_plan()
    s = vals["series"][0]
    s["anode_sulphur_route"] = "缺省值"
    s.pop("anode_sulphur")
    assert check(vals) == [("PLAN-LINK-001", "series[0].anode_sulphur")]


def test_undeclared_fuel_and_carbonate_are_found() -> None:
    assert check(h.values()) == [
        ("PLAN-LINK-003", "carbonates[0].carbonate"),
        ("PLAN-LINK-003", "fuels[1].fuel_name"),
    ]


def test_plan_names_the_issued_guide_and_writes_the_anode_formula_with_p() -> None:
    spec = h.b.spec_of("aluminium-plan")
    assert "铝冶炼行业" in spec.sources["alu_guide"].doc and "铝冶炼行业" in spec.description
    assert (
        "NC × P × (1 − S − A) × 44/12" in spec.sources["anode_t"].doc
        and "t/tAl" in spec.sources["anode_t"].doc
    )
    labels = {c.value: c.text for c in spec.choices["alu_parameter"]}
    assert labels["阳极净耗量"] == "吨铝炭阳极净耗" and labels["阳极平均含硫量"] == "炭阳极平均含硫量"
    empty = h.b.initial_values(spec)
    assert next(r for r in empty["parameters"] if r["parameter"] == "阳极净耗量")["param_unit"] == "t/tAl"
    assert {link.form for link in spec.monthly_links} == {"aluminium-monthly"}
