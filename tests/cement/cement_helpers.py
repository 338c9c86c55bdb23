"""A realistic cement month (tests only): 皖江示范水泥有限公司, two clinker lines.

1号熟料线 (5000 t/d) makes 硅酸盐水泥熟料 with two substitute raw materials (电石渣, 钢渣), kiln coal with
measured carbon, ignition diesel at the Appendix A defaults and waste tyres as an alternative fuel.
2号熟料线 (2500 t/d) makes 硫（铁）铝酸盐水泥熟料, buys some clinker in, burns anthracite with a measured
heat-based carbon content and natural gas for drying. Every builder returns values that give no
error-level finding, so a test can seed one mistake and see one rule fire.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forms"))
import builders as b  # noqa: E402

FORM = "cement-monthly"
PERIOD = "2026-10"
ENTERPRISE: dict[str, Any] = {"name": b.CEMENT_ENTERPRISE["name"], "uscc": b.CEMENT_ENTERPRISE["uscc"]}


def lab(report_no: str, sample_ncv: str) -> dict[str, Any]:
    """The same-sample CMA/CNAS report of the month's kiln-coal composite."""
    return {
        "lab_name": "安徽省建材产品质量监督检验站",
        "lab_accreditation": "CMA和CNAS",
        "report_no": report_no,
        "report_date": "2026-11-08",
        "sample_hydrogen": "3.62",
        "sample_sulphur": "0.85",
        "sample_moisture": "9.80",
        "sample_ncv": sample_ncv,
    }


def line_one() -> dict[str, Any]:
    return {
        "line_name": "1号熟料线",
        "design_capacity": "5000",
        "kiln_days": "31.00",
        "clinkers": [
            {
                "clinker_type": "硅酸盐水泥熟料",
                "clinker_variety": "通用",
                "opening_stock": "32400.00",
                "purchased_clinker": "0.00",
                "clinker_to_mill": "142380.50",
                "clinker_sold": "6000.00",
                "closing_stock": "32669.50",
                "clinker_output": "148650.00",
                "clinker_output_route": "计算值",
                "clinker_output_source": "月末熟料库盘库 + 入磨皮带秤计量",
                "clinker_ef_route": "缺省值",
            }
        ],
        "raw_materials": [
            {
                "material": "电石渣",
                "consumption": "8200.00",
                "consumption_route": "实测值",
                "consumption_source": "生料配料皮带秤",
                "deduction_route": "缺省值",
            },
            {
                "material": "钢渣",
                "consumption": "3100.00",
                "consumption_route": "实测值",
                "consumption_source": "生料配料皮带秤",
                "deduction_route": "缺省值",
            },
        ],
        "fuels": [
            {
                "fuel_name": "烟煤",
                "fuel_position": "窑头和窑尾",
                "consumption": "19850.00",
                "consumption_route": "实测值",
                "consumption_source": "入炉煤计量",
                "ncv": "23.150",
                "ncv_route": "实测值",
                "carbon_basis": "元素碳含量",
                "carbon_content": "60.12",
                "carbon_route": "实测值",
                **lab("WJ-2026-10-C01", "23.180"),
                "oxidation_route": "缺省值",
            },
            {
                "fuel_name": "柴油",
                "fuel_position": "其他非窑炉",
                "consumption": "12.50",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            },
        ],
        "alt_fuels": [
            {
                "alt_fuel_name": "废轮胎",
                "consumption": "600.00",
                "consumption_route": "实测值",
                "consumption_source": "入厂过磅记录",
                "ncv": "31.400",
                "carbon_per_heat": "0.02600",
                "fossil_share": "75.00",
                "fossil_share_route": "实测值",
                "oxidation_rate": "98.0",
            },
        ],
    }


def line_two() -> dict[str, Any]:
    return {
        "line_name": "2号熟料线",
        "design_capacity": "2500",
        "kiln_days": "30.00",
        "clinkers": [
            {
                "clinker_type": "硫（铁）铝酸盐水泥熟料",
                "opening_stock": "10000.00",
                "purchased_clinker": "1500.00",
                "clinker_to_mill": "58000.00",
                "clinker_sold": "0.00",
                "closing_stock": "13500.00",
                "clinker_output": "60000.00",
                "clinker_output_route": "计算值",
                "clinker_output_source": "月末熟料库盘库 + 出库台账",
                "clinker_ef_route": "缺省值",
            }
        ],
        "fuels": [
            {
                "fuel_name": "无烟煤",
                "fuel_position": "窑头和窑尾",
                "consumption": "8400.00",
                "consumption_route": "实测值",
                "consumption_source": "入炉煤计量",
                "ncv": "24.800",
                "ncv_route": "实测值",
                "carbon_basis": "单位热值含碳量",
                "carbon_per_heat": "0.02650",
                "carbon_route": "实测值",
                **lab("WJ-2026-10-C02", "24.760"),
                "oxidation_rate": "97.5",
                "oxidation_route": "实测值",
            },
            {
                "fuel_name": "天然气",
                "fuel_position": "烘干",
                "consumption": "15.00",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            },
        ],
    }


def values() -> dict[str, Any]:
    return {
        "preparer": "陈丽华",
        "preparer_phone": "0555-6781234",
        "fill_date": "2026-11-12",
        "remarks": "10月两条线正常运行；2号线外购硫铝酸盐熟料 1500 t。",
        "lines": [line_one(), line_two()],
        "power_facility_emissions": "0.00",
        "other_facility_emissions": "0.00",
        "cement_output": "260000.00",
        "cement_output_route": "实测值",
        "cement_output_source": "包装机计量 + 散装过磅",
        "waste_heat_generation": "24500.000",
        "purchased_electricity": "18600.000",
        "grid_ef_choice": "采用参考值",
        "purchased_heat": "0.00",
    }


def document(vals: dict[str, Any] | None = None, period: str = PERIOD, with_evidence: bool = True) -> Any:
    return b.document(
        FORM,
        ENTERPRISE,
        period,
        copy.deepcopy(vals if vals is not None else values()),
        with_evidence=with_evidence,
    )


def run(vals: dict[str, Any] | None = None, **kw: Any) -> Any:
    return b.run(document(vals, **kw))


def november() -> dict[str, Any]:
    """A clean November that continues October's stock (opening = October's closing)."""
    nov = values()
    for line in nov["lines"]:
        line["kiln_days"] = "30.00"
    nov["lines"][0]["clinkers"][0].update(
        opening_stock="32669.50",
        clinker_output="150000.00",
        clinker_to_mill="143000.00",
        clinker_sold="6000.00",
        closing_stock="33669.50",
    )
    nov["lines"][1]["clinkers"][0].update(
        opening_stock="13500.00",
        purchased_clinker="0.00",
        clinker_to_mill="59000.00",
        closing_stock="14500.00",
    )
    return nov


def ledger(vals: dict[str, Any]) -> dict[str, Any]:
    """1号熟料线's coal taken from the purchase–stock ledger: 5,000 + 20,000 − 0 − 5,150 = 19,850 t."""
    coal = vals["lines"][0]["fuels"][0]
    coal.update(
        consumption_source="购销存台账",
        consumption_source_reason="煤粉转子秤检修，按入厂过磅和月末盘存计算",
        opening_stock="5000.00",
        purchases="20000.00",
        other_outflow="0.00",
        closing_stock="5150.00",
    )
    return vals
