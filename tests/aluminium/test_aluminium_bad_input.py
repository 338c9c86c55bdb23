"""Aluminium month: the seeded mistakes of issue 9 — AEM per month instead of per day, NC as total
tonnes, S and A as fractions, factors in kg/t, negative figures — each an error at the field that
says what to type instead; plausibility rules stay quiet on values that already carry an error."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import aluminium_helpers as h  # noqa: E402

from cets_desktop.core.rules import evaluate  # noqa: E402

Values = dict[str, Any]


def seeded(change: Callable[[Values], None]) -> Any:
    vals = h.values()
    change(vals)
    return h.run(vals)


def series(v: Values) -> dict[str, Any]:
    return v["series"][0]


def problems(ev: Any) -> list[tuple[str, str, str]]:
    return [(f.severity, f.code, f.path) for f in ev.findings if f.severity in ("error", "warning")]


def test_aem_per_month_instead_of_per_day() -> None:
    # 0.03 min/(cell·day) × 31 days = 0.93 typed; with 2.79 the check of the cell-controller total agrees too
    def monthly(v: Values) -> None:
        series(v).update(aem="1.36")
        for k in ("ae_total_minutes", "cell_days"):
            series(v).pop(k)

    ev = seeded(monthly)
    assert problems(ev) == [("error", "ALU-M-320", "series[0].aem")]
    assert "0.0439" in ev.findings[0].message  # 1.36 ÷ 31 days


def test_aem_that_disagrees_with_the_cell_controller_total() -> None:
    # 0.93 = 0.03 × 31 passes the ≤ 1 limit, but 260.40 min ÷ 8,680 cell-days = 0.03
    ev = seeded(lambda v: series(v).update(aem="0.93"))
    codes = problems(ev)
    assert ("error", "ALU-M-322", "series[0].aem") in codes
    # the "high AEM" plausibility warning (321) is not needed on top of the error on the same value
    assert "0.03" in next(f.message for f in ev.findings if f.code == "ALU-M-322")


def test_net_anode_consumption_typed_as_total_tonnes() -> None:
    # 0.415 t/tAl × 32,480.50 t = 13,479.41 t typed into the t/tAl field
    ev = seeded(lambda v: series(v).update(net_anode_consumption="13479.41"))
    assert problems(ev) == [("error", "ALU-M-310", "series[0].net_anode_consumption")]
    assert "0.415" in ev.findings[0].message
    assert "ALU-M-311" not in {f.code for f in ev.findings} and "ALU-M-340" not in {
        f.code for f in ev.findings
    }


def test_sulphur_as_a_fraction() -> None:
    ev = seeded(lambda v: series(v).update(anode_sulphur="0.0185"))
    assert problems(ev) == [("error", "ALU-M-312", "series[0].anode_sulphur")]
    assert "1.85" in ev.findings[0].message


def test_ash_as_a_fraction() -> None:
    ev = seeded(lambda v: series(v).update(anode_ash="0.004", anode_ash_route="实测值"))
    assert problems(ev) == [("error", "ALU-M-313", "series[0].anode_ash")]
    assert "0.4" in ev.findings[0].message


def test_both_as_fractions_are_two_findings_and_nothing_is_lost() -> None:
    vals = h.values()
    series(vals).update(anode_sulphur="0.0185", anode_ash="0.004", anode_ash_route="实测值")
    ev = h.run(copy.deepcopy(vals))
    assert sorted(problems(ev)) == [
        ("error", "ALU-M-312", "series[0].anode_sulphur"),
        ("error", "ALU-M-313", "series[0].anode_ash"),
    ]
    assert ev.values["series"][0]["anode_sulphur"] == Decimal("0.0185")
    assert ev.values["series"][0]["al_output"] == Decimal("32480.50")


def test_default_route_with_a_different_typed_value() -> None:
    ev = seeded(lambda v: series(v).update(anode_ash="0.50"))
    assert problems(ev) == [("error", "ALU-M-317", "series[0].anode_ash")]


def test_carbonate_factor_in_kg_per_tonne() -> None:
    ev = seeded(lambda v: v["carbonates"][0].update(carbonate_ef="440", carbonate_ef_route="实测值"))
    assert problems(ev) == [("error", "ALU-M-350", "carbonates[0].carbonate_ef")]


def test_carbonate_without_a_default() -> None:
    ev = seeded(
        lambda v: v["carbonates"].append(
            {
                "carbonate": "其他",
                "carbonate_other": "菱镁矿",
                "consumption": "12.00",
                "consumption_route": "实测值",
                "consumption_source": "汽车衡",
                "carbonate_ef_route": "缺省值",
            }
        )
    )
    assert problems(ev) == [("error", "ALU-M-352", "carbonates[1].carbonate_ef_route")]


def test_ac_electricity_in_kwh() -> None:
    ev = seeded(lambda v: series(v).update(ac_electricity="437000000.000"))
    assert problems(ev) == [("error", "ALU-M-330", "series[0].ac_electricity")]
    assert "ALU-M-331" not in {f.code for f in ev.findings}


def test_negative_output_is_an_error_at_the_field() -> None:
    ev = seeded(lambda v: series(v).update(al_output="-32480.50"))
    assert ("error", "ALU-M-210", "series[0].al_output") in problems(ev)


def test_month_on_month_checks_use_the_previous_month() -> None:
    october = h.document()
    nov = h.values()
    series(nov).update(
        al_output="24000.00",
        net_anode_consumption="0.4700",
        ae_total_minutes="252.00",
        cell_days="8400.00",
        ac_electricity="322000.000",
    )
    nov["gwp_set"] = "SAR"
    ev = evaluate(h.b.spec_of(h.FORM), h.document(nov, period="2026-11"), previous=october)
    assert sorted(problems(ev)) == [
        ("warning", "ALU-M-301", "series[0].al_output"),
        ("warning", "ALU-M-318", "series[0].net_anode_consumption"),
        ("warning", "ALU-M-373", "gwp_set"),
    ]


def test_an_unstated_gwp_set_is_computed_with_ar5_and_asks_for_confirmation() -> None:
    ev = seeded(lambda v: v.pop("gwp_set"))
    assert problems(ev) == [("warning", "ALU-M-374", "gwp_set")]
    assert "AR5" in ev.findings[0].message and "SAR" in ev.findings[0].message
    s = ev.values["series"][0]
    assert (
        s["pfc_emissions"]
        == Decimal("32480.50") * (Decimal("0.00429") * 6630 + Decimal("0.000429") * 11100) / 1000
    )


def test_messages_name_no_internal_files_and_no_bare_tags() -> None:
    vals = h.values()
    series(vals).update(aem="1.5", net_anode_consumption="13479.41", anode_sulphur="0.02")
    vals["carbonates"][0].update(carbonate_ef="440")
    ev = h.run(vals)
    assert len(ev.findings) >= 4
    for f in ev.findings:
        assert ".md" not in f.message + f.source and ".yaml" not in f.message + f.source
        assert not any(tag in f.message for tag in ("[V]", "[R]", "[T]", "[G]"))
