"""Every PWR-M rule: it fires on a realistic seeded mistake, at the right field and severity, and it
stays quiet on the twelve clean demo months (each validated against the month before it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from power_helpers import changed, clean_year, demo, evaluate_doc, findings_of, gas_oil_document, ledger_month

Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    code: str
    severity: str
    path: str
    build: Callable[[], Doc]
    previous: Callable[[], Doc] | None = None
    why: str = ""


def oct_(**paths: Any) -> Callable[[], Doc]:
    return lambda: changed(demo(10), **paths)


def ledger_(**paths: Any) -> Callable[[], Doc]:
    return lambda: changed(ledger_month(10), **paths)


def gas_(**paths: Any) -> Callable[[], Doc]:
    return lambda: changed(gas_oil_document(), **paths)


U0C = "units.0.fuels.0."  # 1号机组 烟煤 (measured carbon)
U1C = "units.1.fuels.0."  # 2号机组 烟煤 (default carbon)
G0 = "units.0.fuels.0."  # 3号燃机 天然气

CASES = [
    Case(
        "PWR-M-001",
        "error",
        "units[0].capacity_mw",
        oct_(**{"units.0.capacity_mw": "660000.00"}),
        why="capacity typed in kW",
    ),
    Case("PWR-M-010", "error", "units[0].fuels[0].consumption", oct_(**{U0C + "consumption": "-152340.50"})),
    Case(
        "PWR-M-011",
        "error",
        "units[1].fuels[0].opening_stock",
        ledger_(**{U1C + "opening_stock": "-49000.00"}),
    ),
    Case("PWR-M-012", "error", "units[1].fuels[0].purchases", ledger_(**{U1C + "purchases": "-69000.00"})),
    Case(
        "PWR-M-013", "error", "units[1].fuels[0].other_outflow", ledger_(**{U1C + "other_outflow": "-120.00"})
    ),
    Case(
        "PWR-M-014",
        "error",
        "units[1].fuels[0].closing_stock",
        ledger_(**{U1C + "closing_stock": "-50000.00"}),
    ),
    Case("PWR-M-020", "error", "units[0].fuels[0].ncv", oct_(**{U0C + "ncv": "-21.500"})),
    Case(
        "PWR-M-030", "error", "units[0].fuels[0].carbon_content", oct_(**{U0C + "carbon_content": "156.20"})
    ),
    Case(
        "PWR-M-031",
        "error",
        "units[0].fuels[0].carbon_per_heat",
        oct_(
            **{
                U0C + "carbon_basis": "单位热值含碳量",
                U0C + "carbon_content": None,
                U0C + "carbon_per_heat": "26.14",
            }
        ),
        why="carbon per heat typed in kgC/GJ",
    ),
    Case(
        "PWR-M-040", "error", "units[0].fuels[0].lab_accreditation", oct_(**{U0C + "lab_accreditation": "无"})
    ),
    Case(
        "PWR-M-041", "warning", "units[0].fuels[0].report_date", oct_(**{U0C + "report_date": "2027-03-01"})
    ),
    Case(
        "PWR-M-042",
        "warning",
        "units[0].fuels[0].sample_hydrogen",
        oct_(**{U0C + "sample_hydrogen": "36.20"}),
    ),
    Case(
        "PWR-M-043", "warning", "units[0].fuels[0].sample_sulphur", oct_(**{U0C + "sample_sulphur": "5.80"})
    ),
    Case(
        "PWR-M-044", "warning", "units[0].fuels[0].sample_moisture", oct_(**{U0C + "sample_moisture": "0.12"})
    ),
    Case(
        "PWR-M-050",
        "error",
        "units[0].fuels[0].oxidation_rate",
        oct_(**{U0C + "oxidation_route": "实测值", U0C + "oxidation_rate": "0.99"}),
        why="fraction instead of percent",
    ),
    Case(
        "PWR-M-060",
        "error",
        "units[1].purchased_electricity",
        oct_(**{"units.1.purchased_electricity": "-1250.000"}),
    ),
    Case("PWR-M-061", "error", "units[0].generation", oct_(**{"units.0.generation": "-346500.000"})),
    Case("PWR-M-062", "error", "units[0].net_supply", oct_(**{"units.0.net_supply": "-325000.000"})),
    Case("PWR-M-063", "error", "units[0].heat_supplied", oct_(**{"units.0.heat_supplied": "-180000.00"})),
    Case("PWR-M-064", "error", "units[0].operating_hours", oct_(**{"units.0.operating_hours": "-700.00"})),
    Case("PWR-M-090", "error", "preparer_phone", oct_(preparer_phone="李晓燕")),
    Case("PWR-M-100", "error", "units[1].net_supply", oct_(**{"units.1.net_supply": "169500.000"})),
    Case(
        "PWR-M-101",
        "error",
        "units[1].operating_hours",
        oct_(**{"units.1.operating_hours": "7450.00"}),
        why="cumulative hours typed; October has 744 h",
    ),
    Case("PWR-M-102", "warning", "units[1].load_factor", oct_(**{"units.1.load_factor": "85.00"})),
    Case(
        "PWR-M-103",
        "warning",
        "units[1].load_factor",
        oct_(**{"units.1.operating_hours": "200.00"}),
        why="load factor above 105 % although the month could hold the generation",
    ),
    Case(
        "PWR-M-170",
        "error",
        "units[1].generation",
        oct_(**{"units.1.generation": "1695000.000"}),
        why="ten times the possible output of a 350 MW unit in October (kWh/10 typed): an error, not only warnings",
    ),
    Case(
        "PWR-M-104",
        "error",
        "units[0].heat_ratio",
        oct_(**{"units.0.heat_ratio": "6.11"}),
        why="percent typed",
    ),
    Case("PWR-M-105", "error", "units[1].heat_ratio", oct_(**{"units.1.heat_supplied": "5000.00"})),
    Case("PWR-M-106", "warning", "units[0].heat_ratio", oct_(**{"units.0.heat_ratio": "0.0000"})),
    Case("PWR-M-107", "warning", "units[1].generation", oct_(**{"units.1.operating_hours": "0.00"})),
    Case("PWR-M-108", "warning", "units[1].operating_hours", oct_(**{U1C + "consumption": "0.00"})),
    Case("PWR-M-109", "warning", "units[0].heat_ratio", oct_(**{"units.0.heat_ratio": "0.0300"})),
    Case("PWR-M-110", "error", "units[0].fuels[0].ncv", oct_(**{U0C + "ncv": "5135.000"}), why="kcal/kg"),
    Case("PWR-M-111", "warning", "units[0].fuels[0].ncv", oct_(**{U0C + "ncv": "35.000"})),
    Case(
        "PWR-M-112",
        "error",
        "units[0].fuels[0].ncv",
        gas_(**{G0 + "ncv_route": "实测值", G0 + "ncv": "35.642"}),
        why="MJ/Nm³ typed",
    ),
    Case(
        "PWR-M-113",
        "warning",
        "units[0].fuels[0].ncv",
        gas_(**{G0 + "ncv_route": "实测值", G0 + "ncv": "452.000"}),
    ),
    Case("PWR-M-114", "error", "units[1].fuels[0].ncv_route", oct_(**{U1C + "ncv_route": "缺省值"})),
    Case(
        "PWR-M-115",
        "warning",
        "units[1].fuels[0].ncv_route",
        oct_(**{U1C + "fuel_name": "褐煤", U1C + "ncv_route": "缺省值", U1C + "ncv": None}),
    ),
    Case(
        "PWR-M-120", "error", "units[0].fuels[0].carbon_content", oct_(**{U0C + "carbon_content": "0.5620"})
    ),
    Case(
        "PWR-M-121", "warning", "units[0].fuels[0].carbon_content", oct_(**{U0C + "carbon_content": "25.00"})
    ),
    Case(
        "PWR-M-122",
        "error",
        "units[0].fuels[0].carbon_content",
        oct_(**{U0C + "carbon_content": "75.00"}),
        why="C_ad/NCV_ar basis mix: 0.75/21.5 = 0.0349 ≥ 0.03356",
    ),
    Case(
        "PWR-M-123", "warning", "units[0].fuels[0].carbon_content", oct_(**{U0C + "carbon_content": "67.50"})
    ),
    Case("PWR-M-124", "info", "units[1].fuels[0].carbon_route", lambda: demo(10)),
    Case("PWR-M-125", "warning", "units[0].fuels[0].carbon_content", oct_(**{U0C + "sample_ncv": "23.000"})),
    Case(
        "PWR-M-126",
        "error",
        "units[0].fuels[0].carbon_basis",
        gas_(
            **{
                G0 + "carbon_route": "实测值",
                G0 + "carbon_basis": "元素碳含量",
                G0 + "carbon_content": "74.50",
            }
        ),
    ),
    Case(
        "PWR-M-127",
        "error",
        "units[0].fuels[0].carbon_per_heat",
        oct_(
            **{
                U0C + "carbon_basis": "单位热值含碳量",
                U0C + "carbon_content": None,
                U0C + "carbon_per_heat": "0.03400",
            }
        ),
    ),
    Case(
        "PWR-M-128",
        "warning",
        "units[0].fuels[0].carbon_per_heat",
        oct_(
            **{
                U0C + "carbon_basis": "单位热值含碳量",
                U0C + "carbon_content": None,
                U0C + "carbon_per_heat": "0.03200",
            }
        ),
    ),
    Case(
        "PWR-M-130",
        "warning",
        "units[0].fuels[0].ncv",
        oct_(**{U0C + "ncv": "24.000", U0C + "sample_ncv": "24.050"}),
        previous=lambda: demo(9),
        why="21.45 → 24.00 GJ/t (+11.9 %)",
    ),
    Case(
        "PWR-M-131",
        "warning",
        "units[0].fuels[0].carbon_content",
        oct_(**{U0C + "carbon_content": "62.50"}),
        previous=lambda: demo(9),
        why="56.15 % → 62.50 %",
    ),
    Case(
        "PWR-M-132",
        "warning",
        "units[1].fuels[0].opening_stock",
        ledger_(**{U1C + "opening_stock": "48000.00", U1C + "purchases": "70000.00"}),
        previous=lambda: ledger_month(9),
        why="September closed at 49000 t",
    ),
    Case("PWR-M-133", "error", "units[1].fuels[0].consumption", ledger_(**{U1C + "purchases": "69500.00"})),
    Case(
        "PWR-M-134", "warning", "units[0].fuels[1].fuel_name", gas_(**{"units.0.fuels.1.fuel_name": "烟煤"})
    ),
    Case(
        "PWR-M-135",
        "warning",
        "units[0].fuels[0].consumption_source",
        oct_(**{U0C + "consumption_source": "供应商结算", U0C + "consumption_source_reason": "皮带秤故障"}),
        previous=lambda: demo(9),
    ),
    Case(
        "PWR-M-136",
        "warning",
        "units[0].fuels[0].carbon_per_heat",
        oct_(
            **{
                U0C + "carbon_basis": "单位热值含碳量",
                U0C + "carbon_content": None,
                U0C + "carbon_per_heat": "0.02950",
            }
        ),
        previous=lambda: changed(
            demo(9),
            **{
                U0C + "carbon_basis": "单位热值含碳量",
                U0C + "carbon_content": None,
                U0C + "carbon_per_heat": "0.02618",
            },
        ),
    ),
    Case("PWR-M-140", "warning", "units[1].supply_intensity", oct_(**{"units.1.net_supply": "100000.000"})),
    Case("PWR-M-141", "warning", "units[0].supply_intensity", gas_(**{"units.0.net_supply": "150000.000"})),
    Case("PWR-M-142", "warning", "units[0].heat_intensity", oct_(**{"units.0.heat_supplied": "18000.00"})),
    Case("PWR-M-143", "warning", "units[0].net_supply", oct_(**{"units.0.net_supply": "345000.000"})),
    Case("PWR-M-150", "info", "units[1].purchased_electricity", lambda: demo(10)),
    # review 2026-12: same-sample air-dried bases and station service (test_review_corrections.py)
    Case("PWR-M-065", "error", "units[0].station_service", oct_(**{"units.0.station_service": "-21500.000"})),
    Case("PWR-M-160", "error", "units[0].fuels[0].sample_c_ad", oct_(**{U0C + "sample_c_ad": "628.1"})),
    Case("PWR-M-161", "error", "units[0].fuels[0].sample_m_ad", oct_(**{U0C + "sample_m_ad": "210"})),
    Case(
        "PWR-M-162",
        "error",
        "units[0].fuels[0].carbon_content",
        oct_(**{U0C + "carbon_content": "62.81", U0C + "sample_c_ad": "62.81", U0C + "sample_m_ad": "2.10"}),
        why="air-dried carbon typed as as-received",
    ),
    Case(
        "PWR-M-163",
        "warning",
        "units[0].fuels[0].sample_m_ad",
        oct_(**{U0C + "sample_c_ad": "57.48", U0C + "sample_m_ad": "14.00"}),
        why="M_ad and M_t swapped",
    ),
    Case(
        "PWR-M-164", "warning", "units[0].station_service", oct_(**{"units.0.station_service": "20500.000"})
    ),
]

# Info rules that describe the clean plant itself (2号机组 has no measured carbon and buys power).
EXPECTED_ON_CLEAN = {
    "PWR-M-124": "units[1].fuels[0].carbon_route",
    "PWR-M-150": "units[1].purchased_electricity",
}


def power_codes() -> set[str]:
    from cets_desktop.core.binding import bound
    from cets_desktop.core.loader import default_registry

    spec = default_registry().get("power-monthly")
    return {bc.check.code for bc in bound(spec).checks}


def test_every_rule_of_the_definition_has_a_seeded_case() -> None:
    assert {c.code for c in CASES} == power_codes()
    assert len({c.code for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_rule_fires_on_seeded_error_and_stays_quiet_on_clean_months(case: Case) -> None:
    ev = evaluate_doc(case.build(), case.previous() if case.previous else None)
    found = findings_of(ev, case.code)
    assert [(f.path, f.severity) for f in found] == [(case.path, case.severity)], (case.why, found)
    assert found[0].source, "every finding cites its source"
    assert "（空）" not in found[0].message, found[0].message
    for month, clean in enumerate(clean_year(), start=1):
        on_clean = [f.path for f in findings_of(clean, case.code)]
        expected = [EXPECTED_ON_CLEAN[case.code]] if case.code in EXPECTED_ON_CLEAN else []
        assert on_clean == expected, f"{case.code} on clean month {month}: {on_clean}"


def test_clean_months_have_no_errors_and_no_plausibility_warnings() -> None:
    for month, ev in enumerate(clean_year(), start=1):
        assert ev.errors == [], month
        assert not [
            f for f in ev.findings if f.kind in ("plausibility", "cross_period") and f.severity != "info"
        ], month
        pwr = {f.code for f in ev.findings if f.code.startswith("PWR-M")}
        assert pwr == set(EXPECTED_ON_CLEAN), (month, pwr)


def test_clean_ledger_months_keep_stock_continuity() -> None:
    previous = None
    for month in range(1, 13):
        doc = ledger_month(month)
        ev = evaluate_doc(doc, previous)
        assert ev.errors == [], month
        assert not findings_of(ev, "PWR-M-132") and not findings_of(ev, "PWR-M-135"), month
        previous = doc


def test_stock_arithmetic_message_gives_the_ledger_value() -> None:
    ev = evaluate_doc(changed(ledger_month(10), **{U1C + "purchases": "69500.00"}))
    (finding,) = findings_of(ev, "PWR-M-133")
    assert "68,500" in finding.message and "68,000.00" in finding.message


def test_kcal_message_offers_the_converted_value() -> None:
    ev = evaluate_doc(changed(demo(10), **{U0C + "ncv": "5135.000"}))
    (finding,) = findings_of(ev, "PWR-M-110")
    assert "21.499" in finding.message  # 5135 kcal/kg × 0.0041868 = 21.4992 GJ/t
