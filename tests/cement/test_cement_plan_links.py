"""Plan ↔ month for cement: the 2027 scheme (tests/forms/builders.py) declares how each parameter of
1号熟料生产线 is determined; a month that follows it is quiet, and each departure — another route,
an undeclared line or fuel — is found on the month's field. Also the plan corrections of the review
(guide title, Appendix D, the Appendix B stock-take parameters)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import cement_helpers as h  # noqa: E402

from cets_desktop.core.plan_coherence import coherence_findings  # noqa: E402

LINE = "1号熟料生产线"  # the plan's line name


def month_following_the_plan() -> dict[str, Any]:
    vals = h.values()
    line = vals["lines"][0]
    line["line_name"] = LINE
    line["clinkers"][0]["clinker_output_route"] = "实测值"  # the plan measures clinker with a belt scale
    line.pop("alt_fuels")  # the plan declares no alternative fuel
    vals["lines"] = [line]
    return vals


def with_evidence_kinds(doc: Any) -> Any:
    """Each attached file typed with the first kind its field asks for (as a user picks it in the panel)."""
    spec = h.b.spec_of(h.FORM)
    for ev in doc.evidence:
        field = spec.field(_field_path(ev.path))
        ev.kind = field.evidence.kinds[0]
    return doc


def _field_path(instance: str) -> str:
    import re

    return re.sub(r"\[\d+\]", "[]", instance)


def check(vals: dict[str, Any]) -> list[tuple[str, str]]:
    plan = h.b.cement_plan()
    month = with_evidence_kinds(h.document(vals, period=f"{plan.period}-01"))
    findings = coherence_findings(h.b.spec_of("cement-plan"), plan, h.b.spec_of(h.FORM), month)
    return sorted((f.code, f.path) for f in findings)


def test_a_month_that_follows_the_plan_is_quiet() -> None:
    assert check(month_following_the_plan()) == []


def test_another_route_than_the_plan_is_found_at_the_field() -> None:
    vals = month_following_the_plan()
    vals["lines"][0]["clinkers"][0]["clinker_output_route"] = "计算值"
    assert check(vals) == [("PLAN-LINK-001", "lines[0].clinkers[0].clinker_output")]


def test_an_undeclared_line_and_an_undeclared_fuel_are_found() -> None:
    vals = month_following_the_plan()
    vals["lines"].append(h.line_two())
    vals["lines"][0]["alt_fuels"] = h.line_one()["alt_fuels"]
    assert check(vals) == [
        ("PLAN-LINK-003", "lines[0].alt_fuels[0].alt_fuel_name"),
        ("PLAN-LINK-003", "lines[1].line_name"),
    ]


def test_plan_cites_the_issued_guide_appendix_d_and_the_stocktake() -> None:
    spec = h.b.spec_of("cement-plan")
    assert "水泥行业" in spec.sources["cement_guide"].doc and "水泥行业" in spec.description
    assert "附录D" in spec.sources["scheme_g"].doc
    assert spec.title == "水泥企业数据质量控制方案" and spec.sector_label == "水泥"
    parameters = {c.value for c in spec.choices["cement_parameter"]}
    assert {"期初熟料库存", "期末熟料库存", "熟料出库量", "熟料外销量", "外购熟料量"} <= parameters
    empty = h.b.initial_values(spec)
    assert {r["parameter"] for r in empty["parameters"]} >= {"期初熟料库存", "期末熟料库存", "熟料出库量"}
    assert {link.parameter for link in spec.monthly_links} >= {
        "熟料产量",
        "期末熟料库存",
        "熟料过程排放因子",
        "替代原料扣减系数",
    }
