"""Real-looking filings for the Appendix 5 sub-tables 平板玻璃, 铜冶炼, 纸浆制造, 机制纸和纸板, 航空公司, 机场.

Fictional enterprises with plausible figures. Each builder returns values that raise no error-level
finding, so a test can seed one mistake and see its rule fire. Numbers are strings (exact decimals),
as the filing document carries them.
"""

from __future__ import annotations

import copy
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "forms"))
import builders as b  # noqa: E402

from cets_desktop.core.uscc import complete  # noqa: E402

YEAR = "2025"
"""The emission year: the 2026 notice asks for 2025 data."""
GRID_EF = Decimal("0.5703")
HEAT_DEFAULT = Decimal("0.11")
C = Decimal(44) / Decimal(12)

GLASS_ENTERPRISE = {"name": "沙河示范浮法玻璃有限公司", "uscc": complete("91130582MA0CTG8W3")}
COPPER_ENTERPRISE = {"name": "铜陵示范铜冶炼有限公司", "uscc": complete("91340700MA2T5QH61")}
PULP_ENTERPRISE = {"name": "广西示范浆业有限公司", "uscc": complete("91450800MA5KQ3R27")}
PAPER_ENTERPRISE = {"name": "东莞示范纸业有限公司", "uscc": complete("91441900MA4UMX5L9")}
AIRLINE_ENTERPRISE = {"name": "西部示范航空股份有限公司", "uscc": complete("91510100MA61R8K5X")}
AIRPORT_ENTERPRISE = {"name": "滨海示范国际机场有限公司", "uscc": complete("91350200MA8RD4PE1")}


def header(code: str) -> dict[str, Any]:
    return {
        "industry_code": code,
        "contact_person": "李晓红",
        "contact_phone": "0311-86123456",
        "energy_consumption": "",
        "guideline_emissions": "",
    }


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v != ""}


def electricity(
    grid: str, captive: str, nonfossil: str, wasteheat: str, ledger: str | None = None
) -> dict[str, Any]:
    out = {
        "grid_mwh": grid,
        "captive_mwh": captive,
        "nonfossil_mwh": nonfossil,
        "wasteheat_mwh": wasteheat,
        "electricity_source": "分厂计量",
    }
    if ledger is not None:
        out["electricity_ledger_total"] = ledger
    return out


def glass_values() -> dict[str, Any]:
    line1 = {
        "line_id": "1#浮法线",
        "melting_capacity": "900",
        "fuels": [
            {
                "fuel_name": "天然气",
                "fuel_unit": "万Nm3",
                "consumption": "6200",
                "ncv": "389.31",
                "cc": "0.0153",
                "oxidation": "99",
            },
            {
                "fuel_name": "重油",
                "fuel_unit": "t",
                "consumption": "1500",
                "ncv": "41.816",
                "cc": "0.0211",
                "oxidation": "98",
            },
        ],
        "carbonates": [
            {"carbonate": "石灰石（CaCO3）", "mass": "8200"},
            {"carbonate": "白云石（CaMg(CO3)2）", "mass": "52000", "calcination_pct": "98"},
            {"carbonate": "纯碱（Na2CO3）", "mass": "61000", "ef_measured": "0.4120"},
        ],
        "carbon_powder_t": "120",
        "carbon_powder_cc": "0.85",
        **electricity("42000", "0", "3500", "6800", ledger="52300"),
        "heat_sources": [{"source_type": "余热回收", "source_note": "熔窑余热锅炉", "heat_gj": "45000"}],
        "glass_output": "650",
        "output_source": "企业计量数据",
        "melt_output": "315000",
    }
    line2 = {
        "line_id": "2#浮法线",
        "melting_capacity": "600",
        "fuels": [
            {
                "fuel_name": "天然气",
                "fuel_unit": "万Nm3",
                "consumption": "4100",
                "ncv": "389.31",
                "cc": "0.0153",
                "oxidation": "99",
            },
        ],
        "carbonates": [
            {"carbonate": "白云石（CaMg(CO3)2）", "mass": "34000"},
            {"carbonate": "纯碱（Na2CO3）", "mass": "40000"},
        ],
        "carbon_powder_t": "0",
        **electricity("30500", "0", "0", "0"),
        "heat_sources": [
            {
                "source_type": "蒸汽锅炉",
                "source_note": "动力车间燃气锅炉",
                "heat_gj": "8000",
                "boiler_emissions": "2300",
                "boiler_heat_supply": "21000",
            },
            {
                "source_type": "外购或其他",
                "source_note": "园区蒸汽",
                "heat_gj": "1200",
                "ef_available": "不可得",
            },
        ],
        "glass_output": "420",
        "output_source": "企业计量数据",
    }
    return _strip(
        {
            **header("3041"),
            "grid_ef_choice": "采用参考值",
            "lines": [line1, line2],
            "energy_consumption": "9.85",
            "guideline_emissions": "27.40",
        }
    )


def enterprise_values(
    product_field: str,
    output: str,
    code: str,
    fuels: list[dict[str, Any]],
    elec: dict[str, Any],
    heat: list[dict[str, Any]],
) -> dict[str, Any]:
    return _strip(
        {
            **header(code),
            "grid_ef_choice": "采用参考值",
            "fuels": fuels,
            **elec,
            "heat_sources": heat,
            product_field: output,
            "output_source": "企业计量数据",
            "energy_consumption": "",
            "guideline_emissions": "",
        }
    )


def copper_values() -> dict[str, Any]:
    return enterprise_values(
        "copper_output",
        "185000",
        "3211",
        [
            {
                "fuel_name": "天然气",
                "fuel_unit": "万Nm3",
                "consumption": "2850",
                "ncv": "389.31",
                "cc": "0.0153",
                "oxidation": "99",
            },
            {
                "fuel_name": "柴油",
                "fuel_unit": "t",
                "consumption": "620",
                "ncv": "42.652",
                "cc": "0.0202",
                "oxidation": "98",
            },
            {
                "fuel_name": "焦炭",
                "fuel_unit": "t",
                "consumption": "9800",
                "ncv": "28.447",
                "cc": "0.0295",
                "oxidation": "93",
            },
        ],
        electricity("128000", "21000", "0", "9600", ledger="158600"),
        [
            {"source_type": "余热回收", "heat_gj": "310000"},
            {"source_type": "自备电厂", "heat_gj": "52000", "captive_heat_intensity": "0.1123"},
        ],
    )


def pulp_values() -> dict[str, Any]:
    return enterprise_values(
        "pulp_output",
        "420000",
        "2211",
        [
            {
                "fuel_name": "烟煤",
                "fuel_unit": "t",
                "consumption": "96000",
                "ncv": "19.570",
                "cc": "0.02618",
                "oxidation": "93",
            },
            {
                "fuel_name": "天然气",
                "fuel_unit": "万Nm3",
                "consumption": "1250",
                "ncv": "389.31",
                "cc": "0.0153",
                "oxidation": "99",
            },
        ],
        electricity("96000", "182000", "0", "0"),
        [{"source_type": "自备电厂", "heat_gj": "2650000", "captive_heat_intensity": "0.1050"}],
    )


def paper_values() -> dict[str, Any]:
    return enterprise_values(
        "paper_output",
        "560000",
        "2221",
        [
            {
                "fuel_name": "烟煤",
                "fuel_unit": "t",
                "consumption": "132000",
                "ncv": "20.908",
                "cc": "0.02618",
                "oxidation": "93",
            },
            {
                "fuel_name": "天然气",
                "fuel_unit": "万Nm3",
                "consumption": "860",
                "ncv": "389.31",
                "cc": "0.0153",
                "oxidation": "99",
            },
        ],
        electricity("210000", "95000", "12000", "0", ledger="317000"),
        [
            {"source_type": "自备电厂", "heat_gj": "3100000", "captive_heat_intensity": "0.1180"},
            {
                "source_type": "蒸汽锅炉",
                "heat_gj": "150000",
                "boiler_emissions": "21500",
                "boiler_heat_supply": "180000",
            },
        ],
    )


AIRLINE_CATEGORIES = ["第一类", "第二类", "第三类", "第四类", "第五类", "第六类", "新舟60"]


def airline_values() -> dict[str, Any]:
    rows = {c: {"category": c, "types": [], "fuel_t": "0", "turnover": "0"} for c in AIRLINE_CATEGORIES}
    rows["第一类"].update(
        types=[{"aircraft_type": "A330"}, {"aircraft_type": "B787"}],
        fuel_t="186500",
        turnover="61200",
        fuel_source="企业计量数据",
        turnover_source="企业计量数据",
    )
    rows["第二类"].update(
        types=[{"aircraft_type": "A320"}, {"aircraft_type": "A321"}, {"aircraft_type": "B737"}],
        fuel_t="842300",
        turnover="268900",
        fuel_source="企业计量数据",
        turnover_source="报送民航局数据",
    )
    rows["第六类"].update(
        types=[{"aircraft_type": "ARJ21"}],
        fuel_t="12400",
        turnover="3150",
        fuel_source="企业计量数据",
        turnover_source="企业计量数据",
    )
    return _strip({**header("5611"), "categories": [rows[c] for c in AIRLINE_CATEGORIES]})


def airport_values() -> dict[str, Any]:
    return _strip(
        {
            **header("5631"),
            "grid_ef_choice": "采用参考值",
            "commissioning_date": "1996-10-28",
            "existing_or_new": "既有",
            "fuels": [
                {
                    "fuel_name": "柴油",
                    "fuel_unit": "t",
                    "consumption": "410",
                    "ncv": "42.652",
                    "cc": "0.0202",
                    "oxidation": "98",
                },
                {
                    "fuel_name": "天然气",
                    "fuel_unit": "万Nm3",
                    "consumption": "380",
                    "ncv": "389.31",
                    "cc": "0.0153",
                    "oxidation": "99",
                },
            ],
            **electricity("118000", "0", "2400", "0"),
            "heat_sources": [
                {
                    "source_type": "外购或其他",
                    "source_note": "市政热网",
                    "heat_gj": "62000",
                    "ef_available": "不可得",
                }
            ],
            "throughput": "386000",
            "throughput_source": "报送民航局数据",
            "terminals": [
                {"building_id": "T3航站楼", "area": "23.6", "in_service": "2014-12-20"},
                {"building_id": "T4航站楼", "area": "12.8", "in_service": "2022-06-30"},
            ],
            "offices": [{"building_id": "1#办公楼", "area": "2.45", "in_service": "2009-03-15"}],
        }
    )


FORMS = {
    "a5-glass": (GLASS_ENTERPRISE, glass_values),
    "a5-copper": (COPPER_ENTERPRISE, copper_values),
    "a5-pulp": (PULP_ENTERPRISE, pulp_values),
    "a5-paper": (PAPER_ENTERPRISE, paper_values),
    "a5-airline": (AIRLINE_ENTERPRISE, airline_values),
    "a5-airport": (AIRPORT_ENTERPRISE, airport_values),
}


def doc(form: str, values: dict[str, Any] | None = None, period: str = YEAR) -> Any:
    enterprise, build = FORMS[form]
    return b.document(form, enterprise, period, values if values is not None else build())


def run(form: str, values: dict[str, Any] | None = None, period: str = YEAR) -> Any:
    return b.run(doc(form, values, period))


def fresh(form: str) -> dict[str, Any]:
    return copy.deepcopy(FORMS[form][1]())
