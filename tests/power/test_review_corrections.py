"""Power monthly: the corrections of the 2026-12 review (P-3, P-7, P-8, P-10, P-13).

- same-sample air-dried results (C_ad, M_ad) so a carbon content on the wrong basis is caught by
  arithmetic, not only by the 0.03356 ceiling;
- the carbon sample type;
- 发电厂用电量 as an input, checked against 供电量 = 发电量 − 发电厂用电量;
- plausibility warnings stay quiet when their inputs already carry an error;
- ``calc --json`` numbers written with the template's decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from power_helpers import changed, demo, evaluate_doc, findings_of, run_cli, write_json

FUEL = "units.0.fuels.0."
# 1号机组 coal in the demo October: C_ar 56.20 %, total moisture M_t 12.40 %. With M_ad 2.10 % the
# same sample's air-dried carbon is C_ad = C_ar × (100 − M_ad) ÷ (100 − M_t) = 56.20 × 97.90 ÷ 87.60
# = 62.8075 → reported 62.81; back to as-received: 62.81 × 87.60 ÷ 97.90 = 5502.156 ÷ 97.90 = 56.2018 %.
C_AD, M_AD = "62.81", "2.10"


def with_air_dried(**extra: str) -> dict:
    return changed(
        demo(10),
        **{
            FUEL + "sample_c_ad": C_AD,
            FUEL + "sample_m_ad": M_AD,
            FUEL + "sample_type": "入炉煤月度缩分样",
            **extra,
        },
    )


def test_air_dried_results_convert_to_the_reported_as_received_carbon() -> None:
    ev = evaluate_doc(with_air_dried())
    fuel = ev.values["units"][0]["fuels"][0]
    assert fuel["c_ar_from_ad"] == Decimal(C_AD) * (100 - Decimal("12.40")) / (100 - Decimal(M_AD))
    assert fuel["c_ar_from_ad"].quantize(Decimal("0.0001"), ROUND_HALF_UP) == Decimal("56.2018")
    assert ev.errors == []
    assert not findings_of(ev, "PWR-M-162") and not findings_of(ev, "PWR-M-163")
    assert fuel["sample_type"] == "入炉煤月度缩分样"
    # The emissions still use the reported as-received value.
    assert fuel["c_ar"] == Decimal("0.5620")


def test_air_dried_carbon_typed_as_as_received_is_caught_by_arithmetic() -> None:
    # C_ad 62.81 % typed into 收到基元素碳含量: C_ar ÷ NCV = 0.6281 ÷ 21.5 = 0.02921 tC/GJ stays
    # below the 0.03356 ceiling (PWR-M-122 is silent), only the basis conversion shows it.
    ev = evaluate_doc(with_air_dried(**{FUEL + "carbon_content": C_AD}))
    hits = findings_of(ev, "PWR-M-162")
    assert [(f.path, f.severity) for f in hits] == [("units[0].fuels[0].carbon_content", "error")]
    assert "疑似未换算为收到基" in hits[0].message and "56.20" in hits[0].message
    assert not findings_of(ev, "PWR-M-122")


def test_air_dried_moisture_above_total_moisture_is_questioned() -> None:
    ev = evaluate_doc(with_air_dried(**{FUEL + "sample_m_ad": "14.00", FUEL + "sample_c_ad": "57.48"}))
    assert [f.path for f in findings_of(ev, "PWR-M-163")] == ["units[0].fuels[0].sample_m_ad"]


def test_station_service_is_checked_against_generation_and_net_supply() -> None:
    # Demo October, 1号机组: 发电量 346,500.000 MWh, 供电量 325,000.000 MWh → 厂用电 21,500.000 MWh.
    ok = evaluate_doc(changed(demo(10), **{"units.0.station_service": "21500.000"}))
    assert not findings_of(ok, "PWR-M-164")
    bad = evaluate_doc(changed(demo(10), **{"units.0.station_service": "20500.000"}))
    hits = findings_of(bad, "PWR-M-164")
    assert [(f.path, f.severity) for f in hits] == [("units[0].station_service", "warning")]
    assert "326,000" in hits[0].message or "326000" in hits[0].message
    negative = evaluate_doc(changed(demo(10), **{"units.0.station_service": "-1"}))
    assert [f.path for f in findings_of(negative, "PWR-M-065")] == ["units[0].station_service"]


def test_plausibility_is_quiet_when_the_ncv_is_in_kcal_per_kg() -> None:
    # 5135 kcal/kg typed as NCV: emissions and intensities explode; one error, no echo warnings.
    ev = evaluate_doc(changed(demo(10), **{FUEL + "ncv": "5135", FUEL + "sample_ncv": "5135"}))
    codes = {f.code for f in ev.findings}
    assert "PWR-M-110" in codes
    assert not codes & {"PWR-M-140", "PWR-M-142", "PWR-M-111"}
    # An error in 1号机组 does not silence 2号机组's own plausibility rules: 供电量 158,500 of
    # 159,250 MWh is a station-service rate of 0.47 %, below the coal range 3–10 %.
    both = evaluate_doc(
        changed(
            demo(10),
            **{FUEL + "ncv": "5135", FUEL + "sample_ncv": "5135", "units.1.net_supply": "158500.000"},
        )
    )
    assert [f.path for f in findings_of(both, "PWR-M-143")] == ["units[1].net_supply"]


def test_calc_json_numbers_have_the_template_decimals(tmp_path: Path) -> None:
    path = write_json(tmp_path / "2026-10.json", demo(10))
    result = run_cli("calc", str(path), "--json")
    assert result.returncode == 0, result.stderr
    values = result.json()["values"]
    assert values["total_emissions"] == "469997.90"
    unit = values["units"][0]
    for name, places in (
        ("supply_intensity", 4),
        ("load_factor_calc", 2),
        ("unit_emissions", 2),
        ("standard_coal", 2),
    ):
        assert len(unit[name].split(".")[1]) == places, (name, unit[name])
    assert (
        unit["fuels"][0]["consumption"].endswith(".50")
        or len(unit["fuels"][0]["consumption"].split(".")[1]) == 2
    )
