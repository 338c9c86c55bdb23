"""Aluminium month: anode consumption E = NC × P × (1 − S − A) × 44/12, anode-effect PFCs by the
slope method and by the defaults under both GWP sets, fuels through the shared part with the
aluminium Appendix A defaults, carbonates, AC power per tonne — each against a hand calculation."""

from __future__ import annotations

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import aluminium_helpers as h  # noqa: E402

from cets_desktop.core.calc import explain_all, rounded_values  # noqa: E402

D = Decimal
K = D(44) / D(12)
P = D("32480.50")  # t liquid aluminium


def q2(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


NC, S, A = D("0.4150"), D("1.85"), D("0.4")  # t/tAl; measured sulphur %; default ash %


def anode_hand() -> Decimal:
    # E阳极 = NC (t/tAl) × P (t) × (1 − S% − A%) × 44/12
    return NC * P * (1 - S / 100 - A / 100) * K


def pfc_hand(ef_cf4: Decimal, ef_c2f6: Decimal, gwp_cf4: Decimal, gwp_c2f6: Decimal) -> Decimal:
    # E_PFC = P × (EF_CF4 × GWP_CF4 + EF_C2F6 × GWP_C2F6) ÷ 1000  (EF in kg per t Al)
    return P * (ef_cf4 * gwp_cf4 + ef_c2f6 * gwp_c2f6) / 1000


def fuels_hand() -> Decimal:
    gas = D("85.60") * D("389.31") * D("0.01532") * D("0.99") * K  # 万Nm³ × GJ/万Nm³ × tC/GJ × OF × 44/12
    diesel = D("18.20") * D("42.652") * D("0.02020") * D("0.98") * K
    return gas + diesel


def test_clean_month_has_no_findings() -> None:
    ev = h.run()
    assert [(f.code, f.path) for f in ev.findings] == []
    assert ev.exportable


def test_anode_emissions_use_nc_times_p() -> None:
    s = h.run().values["series"][0]
    hand = anode_hand()
    assert s["anode_emissions"] == hand
    assert q2(hand) == D("48312.44")
    assert s["sulphur_used"] == D("1.85") and s["ash_used"] == D("0.4")  # ash at the Appendix A default


def test_slope_method_with_ar5() -> None:
    s = h.run().values["series"][0]
    ef_cf4 = D("0.143") * D("0.03")  # slope × AEM = 0.00429 kg/tAl
    ef_c2f6 = D("0.1") * ef_cf4  # C2F6 = 0.1 × CF4 under the slope method
    assert s["ef_cf4"] == ef_cf4 and s["ef_c2f6"] == ef_c2f6
    assert s["aem_check"] == D("260.40") / D("8680.00") == D("0.03")
    hand = pfc_hand(ef_cf4, ef_c2f6, D(6630), D(11100))
    assert s["pfc_emissions"] == hand
    assert q2(hand) == D("1078.50")
    assert s["series_emissions"] == anode_hand() + hand


def test_sar_set_changes_only_the_pfc_result() -> None:
    vals = h.values()
    vals["gwp_set"] = "SAR"
    v = h.run(vals).values
    assert (v["gwp_cf4_used"], v["gwp_c2f6_used"]) == (D(6500), D(9200))
    ef_cf4 = D("0.143") * D("0.03")
    assert v["series"][0]["pfc_emissions"] == pfc_hand(ef_cf4, ef_cf4 / 10, D(6500), D(9200))
    assert v["series"][0]["anode_emissions"] == anode_hand()


def test_default_factors_when_anode_effects_are_not_monitored() -> None:
    vals = h.values()
    s = vals["series"][0]
    s["pfc_method"] = "缺省值"
    for k in ("aem", "aem_route", "ae_total_minutes", "cell_days"):
        s.pop(k)
    ev = h.run(vals)
    assert ev.errors == []
    assert [f.code for f in ev.findings] == ["ALU-M-324"]  # info: prefer the slope method
    row = ev.values["series"][0]
    assert (row["ef_cf4"], row["ef_c2f6"]) == (D("0.034"), D("0.0034"))
    assert row["pfc_emissions"] == pfc_hand(D("0.034"), D("0.0034"), D(6630), D(11100))


def test_enterprise_level_adds_fuels_and_carbonates_and_leaves_electricity_out() -> None:
    v = h.run().values
    ef_cf4 = D("0.143") * D("0.03")
    process = anode_hand() + pfc_hand(ef_cf4, ef_cf4 / 10, D(6630), D(11100))
    carbonate = D("420.00") * D("0.440")  # limestone, stoichiometric 44/100
    assert v["process_level_emissions"] == process
    assert v["total_fuel_emissions"] == fuels_hand()
    assert v["total_carbonate_emissions"] == carbonate
    assert v["enterprise_emissions"] == process + fuels_hand() + carbonate
    assert v["enterprise_intensity"] == (process + fuels_hand() + carbonate) / P
    assert v["electricity_emissions"] == D("452600.000") * D("0.5703")  # reported only
    # AC power per tonne: 437,000 MWh × 1000 ÷ 32,480.50 t
    assert v["series"][0]["ac_power_per_tonne"] == D("437000.000") * 1000 / P
    rounded = rounded_values(h.b.spec_of(h.FORM), v)
    assert rounded["enterprise_emissions"] == q2(process + fuels_hand() + carbonate) == D("51485.34")
    assert rounded["series"][0]["ac_power_per_tonne"] == D("13454.23")


def test_measured_ash_and_two_series_add_up() -> None:
    vals = h.values()
    second = dict(h.series_one())
    second.update(
        series_name="二期400kA系列",
        cell_count="200",
        al_output="18000.00",
        net_anode_consumption="0.4300",
        anode_sulphur="2.20",
        anode_ash="0.35",
        anode_ash_route="实测值",
        aem="0.05",
        ae_total_minutes="300.00",
        cell_days="6000.00",
        ac_electricity="243000.000",
    )
    vals["series"].append(second)
    ev = h.run(vals)
    assert ev.errors == []
    two = ev.values["series"][1]
    anode2 = D("0.4300") * D("18000.00") * (1 - D("2.20") / 100 - D("0.35") / 100) * K
    ef = D("0.143") * D("0.05")
    pfc2 = D("18000.00") * (ef * 6630 + ef / 10 * 11100) / 1000
    assert two["anode_emissions"] == anode2 and two["pfc_emissions"] == pfc2
    assert ev.values["total_al_output"] == P + D("18000.00")
    assert ev.values["process_level_emissions"] == ev.values["series"][0]["series_emissions"] + anode2 + pfc2


def test_gwp_set_is_explained_with_its_source() -> None:
    ev = h.run()
    ex = explain_all(h.b.spec_of(h.FORM), ev.values, ev.env)
    gwp = ex["gwp_cf4_used"]
    assert {(r.table, r.key, r.value, r.certainty) for r in gwp.references} == {
        ("gwp_cf4", "AR5", D(6630), "T")
    }
    assert "AR5" in gwp.references[0].source and ".md" not in gwp.references[0].source
