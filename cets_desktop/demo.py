"""A fictional power enterprise for the demo workspace, the docs and the tests.

华东示范热电有限公司 runs two coal units: a 660 MW ultra-supercritical CHP unit with measured
carbon content, and a 350 MW subcritical condensing unit whose carbon content is not measured
(so the conservative default applies). Figures are realistic in size, invented in detail.
"""

from __future__ import annotations

import copy
from typing import Any

from .core.uscc import complete

DEMO_USCC = complete("91310115MA1K3P7Q8")
DEMO_ENTERPRISE: dict[str, Any] = {
    "name": "华东示范热电有限公司",
    "uscc": DEMO_USCC,
    "industry_code": "4411",
    "province": "江苏省",
    "city": "南通市",
    "address": "江苏省南通市港闸区示范路1号",
    "legal_representative": "王建国",
    "contact_person": "李晓燕",
    "contact_phone": "0513-85551234",
}

# Per month: (unit 1 coal t, NCV, C%, gen MWh, net MWh, heat GJ, hours), (unit 2 coal t, NCV, gen, net, hours)
_MONTHLY = {
    1: ((168200.00, 21.350, 56.05, 381480.000, 357800.000, 265000.00, 744.00), (74100.00, 20.650, 172900.000, 162300.000, 706.00)),
    2: ((150300.00, 21.420, 56.31, 341220.000, 320100.000, 238000.00, 672.00), (66200.00, 20.780, 154600.000, 145100.000, 634.00)),
    3: ((149800.00, 21.600, 56.42, 340300.000, 319300.000, 190000.00, 700.00), (68900.00, 20.910, 160100.000, 150200.000, 655.00)),
    4: ((120500.00, 21.550, 56.20, 274500.000, 257400.000, 95000.00, 600.00), (60100.00, 20.700, 139700.000, 131100.000, 590.00)),
    5: ((118900.00, 21.480, 56.12, 271000.000, 254100.000, 60000.00, 590.00), (62400.00, 20.820, 145200.000, 136300.000, 610.00)),
    6: ((140200.00, 21.300, 55.98, 318800.000, 299000.000, 55000.00, 680.00), (70100.00, 20.760, 163000.000, 152900.000, 690.00)),
    7: ((160100.00, 21.250, 55.90, 363600.000, 341000.000, 52000.00, 744.00), (76800.00, 20.600, 178400.000, 167400.000, 740.00)),
    8: ((161500.00, 21.280, 55.95, 366900.000, 344100.000, 53000.00, 744.00), (77200.00, 20.650, 179300.000, 168200.000, 744.00)),
    9: ((142300.00, 21.450, 56.15, 323500.000, 303400.000, 90000.00, 690.00), (67500.00, 20.800, 157100.000, 147400.000, 660.00)),
    10: ((152340.50, 21.500, 56.20, 346500.000, 325000.000, 180000.00, 700.00), (68000.00, 20.800, 159250.000, 149500.000, 650.00)),
    11: ((160800.00, 21.380, 56.08, 365200.000, 342500.000, 240000.00, 720.00), (71900.00, 20.720, 167300.000, 157000.000, 690.00)),
    12: ((171000.00, 21.300, 56.00, 388500.000, 364400.000, 280000.00, 744.00), (75600.00, 20.680, 175800.000, 165000.000, 730.00)),
}


def _s(x: float, places: int) -> str:
    return f"{x:.{places}f}"


def power_month_values(month: int) -> dict[str, Any]:
    """Values of a clean monthly certification (no error-level findings) for ``month``."""
    (c1, n1, cc1, g1, s1, h1, t1), (c2, n2, g2, s2, t2) = _MONTHLY[month]
    lf1 = g1 / (660 * t1) * 100
    lf2 = g2 / (350 * t2) * 100
    heat_ratio = round(h1 / (c1 * n1 * 0.9) , 4)
    return {
        "preparer": "李晓燕",
        "preparer_phone": "0513-85551234",
        "units": [
            {
                "unit_name": "1号机组",
                "capacity_mw": "660.00",
                "fuel_category": "燃煤",
                "pressure_class": "超超临界",
                "boiler_special": "常规煤粉炉",
                "is_chp": True,
                "turbine_type": "抽凝",
                "cooling": "水冷-闭式循环",
                "fuels": [
                    {
                        "fuel_name": "烟煤",
                        "consumption": _s(c1, 2),
                        "consumption_route": "实测值",
                        "consumption_source": "入炉煤计量",
                        "ncv": _s(n1, 3),
                        "ncv_route": "实测值",
                        "carbon_basis": "元素碳含量",
                        "carbon_content": _s(cc1, 2),
                        "carbon_route": "实测值",
                        "lab_name": "江苏省煤炭产品质量监督检验中心",
                        "lab_accreditation": "CMA和CNAS",
                        "report_no": f"JSMT-2026-{month:02d}-0417",
                        "report_date": f"2026-{month % 12 + 1:02d}-12" if month < 12 else "2027-01-12",
                        "sample_hydrogen": "3.62",
                        "sample_sulphur": "0.58",
                        "sample_moisture": "12.40",
                        "sample_ncv": _s(n1 + 0.05, 3),
                        "oxidation_route": "缺省值",
                    },
                    {
                        "fuel_name": "柴油",
                        "consumption": "35.20",
                        "consumption_route": "实测值",
                        "ncv_route": "缺省值",
                        "carbon_route": "缺省值",
                        "oxidation_route": "缺省值",
                    },
                ],
                "purchased_electricity": "0.000",
                "generation": _s(g1, 3),
                "net_supply": _s(s1, 3),
                "heat_supplied": _s(h1, 2),
                "heat_ratio": _s(heat_ratio, 4),
                "operating_hours": _s(t1, 2),
                "load_factor": _s(lf1, 2),
            },
            {
                "unit_name": "2号机组",
                "capacity_mw": "350.00",
                "fuel_category": "燃煤",
                "pressure_class": "亚临界",
                "boiler_special": "常规煤粉炉",
                "is_chp": False,
                "turbine_type": "纯凝",
                "cooling": "空冷-直接空冷",
                "fuels": [
                    {
                        "fuel_name": "烟煤",
                        "consumption": _s(c2, 2),
                        "consumption_route": "实测值",
                        "consumption_source": "入炉煤计量",
                        "ncv": _s(n2, 3),
                        "ncv_route": "实测值",
                        "carbon_route": "缺省值",
                        "oxidation_route": "缺省值",
                    }
                ],
                "purchased_electricity": "1250.000",
                "generation": _s(g2, 3),
                "net_supply": _s(s2, 3),
                "heat_supplied": "0.00",
                "heat_ratio": "0.0000",
                "operating_hours": _s(t2, 2),
                "load_factor": _s(lf2, 2),
            },
        ],
    }


def power_month_document(month: int, year: int = 2026) -> dict[str, Any]:
    return {
        "format": "cets-filing/1",
        "form": "power-monthly",
        "form_version": "2026.1",
        "enterprise": copy.deepcopy(DEMO_ENTERPRISE),
        "period": f"{year}-{month:02d}",
        "values": power_month_values(month),
        "evidence": [],
        "acknowledgements": [],
        "meta": {},
    }
