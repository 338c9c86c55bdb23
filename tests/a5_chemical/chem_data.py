"""Realistic Appendix 5 filings for the 石化 and 化工 sub-tables (tests only).

Fictional enterprises with real-looking data (a coal-based ammonia plant co-producing methanol, a
gas-based ammonia line, a coal-to-methanol plant, a urea plant, a soda-ash works, a refinery and an
ethylene cracker). Each builder returns values whose filing has no error-level finding, so a test
can seed one mistake and see one rule fire.
"""

from __future__ import annotations

import copy
from typing import Any

from cets_desktop.core.document import FilingDocument
from cets_desktop.core.uscc import complete

YEAR = "2025"  # the 2026 notice asks for 2025 data: the period is the emission year


def enterprise(name: str, body: str) -> dict[str, Any]:
    return {"name": name, "uscc": complete(body)}


AMMONIA_ENTERPRISE = enterprise("河南豫北化工股份有限公司", "91410800MA3X7K2P5")
METHANOL_ENTERPRISE = enterprise("内蒙古鄂尔多斯蒙西煤化有限公司", "91150600MA0Q4R8T2")
UREA_ENTERPRISE = enterprise("山西晋南化肥有限责任公司", "91140800MA0L6W3N9")
SODA_ENTERPRISE = enterprise("青海柴达木碱业有限公司", "91632800MA7526C1X")
REFINING_ENTERPRISE = enterprise("山东东营滨海石化有限公司", "91370500MA3C8H1K4")
ETHYLENE_ENTERPRISE = enterprise("浙江宁波甬江乙烯有限公司", "91330200MA2H5L7D6")


def header(industry_code: str) -> dict[str, Any]:
    return {
        "industry_code": industry_code,
        "contact_person": "王建华",
        "contact_phone": "0373-5551234",
        "energy_consumption": "85.20",
        "guideline_emissions": "210.50",
        "grid_ef_choice": "采用参考值",
    }


def ammonia_values() -> dict[str, Any]:
    return {
        **header("2621"),
        "workshops": [
            {
                "workshop_id": "一分厂（煤制，联产甲醇）",
                "co_production": "是",
                "methanol_output": "80000",
                "inputs": [
                    {"material": "无烟煤", "input_unit": "t", "quantity": "420000", "carbon_content": "0.72"},
                    {"material": "烟煤", "input_unit": "t", "quantity": "60000", "carbon_content": "0.62"},
                ],
                "outputs": [
                    {
                        "product": "驰放气",
                        "output_unit": "万Nm3",
                        "output": "3500",
                        "carbon_content": "1.20",
                        "allocation": "共用",
                    },
                    {
                        "product": "液体二氧化碳",
                        "output_unit": "t",
                        "output": "30000",
                        "carbon_content": "0.2727",
                        "allocation": "专属",
                    },
                ],
                "grid_mwh": "250000",
                "captive_mwh": "150000",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "20000",
                "electricity_source": "分厂计量",
                "electricity_ledger_total": "420100",
                "heat_sources": [
                    {"source_type": "余热回收", "source_note": "变换工段余热锅炉", "heat_gj": "900000"},
                    {
                        "source_type": "蒸汽锅炉",
                        "source_note": "动力车间 3×75 t/h 燃煤锅炉",
                        "heat_gj": "600000",
                        "boiler_emissions": "70000",
                        "boiler_heat_supply": "800000",
                    },
                ],
                "ammonia_output": "300000",
                "output_data_source": "企业计量",
            },
            {
                "workshop_id": "二分厂（天然气制）",
                "co_production": "否",
                "inputs": [
                    {
                        "material": "天然气",
                        "input_unit": "万Nm3",
                        "quantity": "20500",
                        "carbon_content": "5.80",
                    },
                ],
                "outputs": [
                    {"product": "驰放气", "output_unit": "万Nm3", "output": "600", "carbon_content": "0.90"},
                ],
                "grid_mwh": "30000",
                "captive_mwh": "0",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "0",
                "electricity_source": "按全厂比例拆分",
                "split_basis": "二分厂未单独计量，按全厂关口电量扣除一分厂计量电量后的余量计。",
                "heat_sources": [
                    {
                        "source_type": "自备电厂",
                        "source_note": "自备电厂 2号机组抽汽",
                        "heat_gj": "400000",
                        "captive_heat_intensity": "0.105",
                    },
                ],
                "ammonia_output": "200000",
                "output_data_source": "企业计量",
            },
        ],
    }


def methanol_values() -> dict[str, Any]:
    return {
        **header("2614"),
        "workshops": [
            {
                "workshop_id": "一分厂（煤制甲醇）",
                "co_production": "否",
                "inputs": [
                    {"material": "烟煤", "input_unit": "t", "quantity": "1400000", "carbon_content": "0.60"}
                ],
                "outputs": [
                    {"product": "甲醇", "output_unit": "t", "output": "600000", "carbon_content": "0.375"},
                    {"product": "驰放气", "output_unit": "万Nm3", "output": "8000", "carbon_content": "2.10"},
                ],
                "grid_mwh": "300000",
                "captive_mwh": "200000",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "0",
                "electricity_source": "分厂计量",
                "heat_sources": [
                    {"source_type": "余热回收", "source_note": "合成塔副产蒸汽", "heat_gj": "2000000"},
                    {
                        "source_type": "蒸汽锅炉",
                        "source_note": "热电车间 4×130 t/h 煤粉锅炉",
                        "heat_gj": "1500000",
                        "boiler_emissions": "150000",
                        "boiler_heat_supply": "1600000",
                    },
                ],
                "methanol_output": "600000",
                "output_data_source": "企业计量",
            },
            {
                "workshop_id": "二分厂（焦炉煤气制甲醇，联产合成氨）",
                "co_production": "是",
                "ammonia_output": "50000",
                "inputs": [
                    {
                        "material": "焦炉煤气",
                        "input_unit": "万Nm3",
                        "quantity": "42000",
                        "carbon_content": "2.30",
                    }
                ],
                "outputs": [
                    {"product": "甲醇", "output_unit": "t", "output": "200000", "carbon_content": "0.375"},
                    {
                        "product": "驰放气",
                        "output_unit": "万Nm3",
                        "output": "3000",
                        "carbon_content": "1.00",
                        "allocation": "共用",
                    },
                ],
                "grid_mwh": "120000",
                "captive_mwh": "0",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "0",
                "electricity_source": "分厂计量",
                "heat_sources": [
                    {
                        "source_type": "外购或其他",
                        "source_note": "园区集中供热",
                        "heat_gj": "300000",
                        "supplier_ef": "0.098",
                    },
                ],
                "methanol_output": "200000",
                "output_data_source": "报送统计局",
            },
        ],
    }


def urea_values() -> dict[str, Any]:
    return {
        **header("2621"),
        "workshops": [
            {
                "workshop_id": "一车间",
                "grid_mwh": "60000",
                "captive_mwh": "0",
                "nonfossil_mwh": "5000",
                "wasteheat_mwh": "0",
                "electricity_source": "分厂计量",
                "electricity_ledger_total": "65000",
                "heat_sources": [
                    {
                        "source_type": "蒸汽锅炉",
                        "source_note": "动力车间 2×130 t/h 循环流化床锅炉",
                        "heat_gj": "1800000",
                        "boiler_emissions": "180000",
                        "boiler_heat_supply": "2000000",
                    },
                    {"source_type": "余热回收", "source_note": "合成氨装置副产蒸汽", "heat_gj": "400000"},
                ],
                "urea_output": "520000",
                "output_data_source": "企业计量",
            },
            {
                "workshop_id": "二车间",
                "grid_mwh": "30000",
                "captive_mwh": "10000",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "0",
                "electricity_source": "按全厂比例拆分",
                "split_basis": "二车间未单独计量，按尿素产量占全厂比例拆分全厂关口电量。",
                "heat_sources": [
                    {
                        "source_type": "自备电厂",
                        "source_note": "自备电厂 1号机组抽汽",
                        "heat_gj": "900000",
                        "captive_heat_intensity": "0.115",
                    },
                ],
                "urea_output": "260000",
                "output_data_source": "企业计量",
            },
        ],
    }


def soda_values() -> dict[str, Any]:
    return {
        **header("2612"),
        "workshops": [
            {
                "workshop_id": "一分厂（氨碱法）",
                "process": "氨碱法",
                "grid_mwh": "40000",
                "captive_mwh": "60000",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "8000",
                "electricity_source": "分厂计量",
                "heat_sources": [
                    {
                        "source_type": "自备电厂",
                        "source_note": "热电车间 3号机组",
                        "heat_gj": "9000000",
                        "captive_heat_intensity": "0.102",
                    },
                ],
                "soda_output": "800000",
                "output_data_source": "企业计量",
            },
            {
                "workshop_id": "二分厂（联碱法）",
                "process": "联碱法",
                "grid_mwh": "55000",
                "captive_mwh": "0",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "0",
                "electricity_source": "分厂计量",
                "heat_sources": [
                    {
                        "source_type": "蒸汽锅炉",
                        "source_note": "动力车间燃煤锅炉",
                        "heat_gj": "3000000",
                        "boiler_emissions": "330000",
                        "boiler_heat_supply": "3300000",
                    },
                ],
                "soda_output": "400000",
                "output_data_source": "企业计量",
            },
        ],
    }


def refining_values() -> dict[str, Any]:
    return {
        **header("2511"),
        "refineries": [
            {
                "refinery_id": "一号炼厂（1000万吨/年）",
                "fuels": [
                    {
                        "fuel_name": "炼厂干气",
                        "fuel_unit": "t",
                        "consumption": "380000",
                        "ncv": "45.998",
                        "cc": "0.0182",
                        "oxidation": "99",
                    },
                    {
                        "fuel_name": "天然气",
                        "fuel_unit": "万Nm3",
                        "consumption": "12000",
                        "ncv": "389.31",
                        "cc": "0.0153",
                        "oxidation": "99",
                    },
                    {
                        "fuel_name": "石油焦",
                        "fuel_unit": "t",
                        "consumption": "150000",
                        "ncv": "32.5",
                        "cc": "0.0275",
                        "oxidation": "98",
                    },
                ],
                "grid_mwh": "900000",
                "captive_mwh": "300000",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "50000",
                "electricity_source": "分厂计量",
                "heat_sources": [
                    {"source_type": "余热回收", "source_note": "催化裂化余热锅炉", "heat_gj": "3000000"},
                    {
                        "source_type": "外购或其他",
                        "source_note": "园区热电厂蒸汽",
                        "heat_gj": "1000000",
                        "supplier_ef": "0.095",
                    },
                ],
                "crude_throughput": "10000000",
                "output_data_source": "企业计量",
            },
            {
                "refinery_id": "二号炼厂（350万吨/年）",
                "fuels": [
                    {
                        "fuel_name": "炼厂干气",
                        "fuel_unit": "t",
                        "consumption": "120000",
                        "ncv": "46.5",
                        "cc": "0.0180",
                        "oxidation": "99",
                    },
                    {
                        "fuel_name": "燃料油",
                        "fuel_unit": "t",
                        "consumption": "20000",
                        "ncv": "41.816",
                        "cc": "0.0211",
                        "oxidation": "98",
                    },
                ],
                "grid_mwh": "350000",
                "captive_mwh": "0",
                "nonfossil_mwh": "0",
                "wasteheat_mwh": "0",
                "electricity_source": "按全厂比例拆分",
                "split_basis": "二号炼厂未单独计量，按全厂关口电量扣除一号炼厂计量电量后的余量计。",
                "heat_sources": [
                    {
                        "source_type": "自备电厂",
                        "source_note": "动力中心 2号机组",
                        "heat_gj": "800000",
                        "captive_heat_intensity": "0.108",
                    },
                ],
                "crude_throughput": "3500000",
                "output_data_source": "企业计量",
            },
        ],
    }


def ethylene_values() -> dict[str, Any]:
    return {
        **header("2614"),
        "plants": [
            {
                "plant_id": "1#乙烯装置（100万吨/年）",
                "fuels": [
                    {
                        "fuel_name": "燃料气",
                        "fuel_unit": "t",
                        "consumption": "250000",
                        "ncv": "48.0",
                        "cc": "0.0165",
                        "oxidation": "99",
                    },
                    {
                        "fuel_name": "甲烷氢",
                        "fuel_unit": "t",
                        "consumption": "160000",
                        "ncv": "50.5",
                        "cc": "0.0120",
                        "oxidation": "99",
                    },
                    {
                        "fuel_name": "天然气",
                        "fuel_unit": "万Nm3",
                        "consumption": "1000",
                        "ncv": "389.31",
                        "cc": "0.0153",
                        "oxidation": "99",
                    },
                ],
                "grid_mwh": "500000",
                "captive_mwh": "0",
                "nonfossil_mwh": "20000",
                "wasteheat_mwh": "0",
                "electricity_source": "分厂计量",
                "heat_sources": [
                    {
                        "source_type": "余热回收",
                        "source_note": "裂解炉急冷锅炉超高压蒸汽",
                        "heat_gj": "6000000",
                    },
                    {
                        "source_type": "蒸汽锅炉",
                        "source_note": "动力站 3×410 t/h 锅炉",
                        "heat_gj": "2000000",
                        "boiler_emissions": "190000",
                        "boiler_heat_supply": "2000000",
                    },
                ],
                "ethylene_output": "1000000",
                "output_data_source": "企业计量",
            },
        ],
    }


FORMS: dict[str, tuple[dict[str, Any], Any]] = {
    "a5-ammonia": (AMMONIA_ENTERPRISE, ammonia_values),
    "a5-methanol": (METHANOL_ENTERPRISE, methanol_values),
    "a5-urea": (UREA_ENTERPRISE, urea_values),
    "a5-soda-ash": (SODA_ENTERPRISE, soda_values),
    "a5-refining": (REFINING_ENTERPRISE, refining_values),
    "a5-ethylene": (ETHYLENE_ENTERPRISE, ethylene_values),
}


def document(form: str, ent: dict[str, Any], values: dict[str, Any], period: str = YEAR) -> FilingDocument:
    from cets_desktop.core.loader import default_registry

    spec = default_registry().get(form)
    assert spec is not None, f"form {form} did not load"
    return FilingDocument(
        form=spec.id,
        form_version=spec.version,
        enterprise=copy.deepcopy(ent),
        period=period,
        values=copy.deepcopy(values),
    )


def evidence_paths(spec: Any, values: dict[str, Any]) -> list[str]:
    """Instance paths of every filled field whose definition asks for supporting material."""
    out: list[str] = []

    def walk(fields: list[Any], data: dict[str, Any], prefix: str) -> None:
        for f in fields:
            value = data.get(f.name)
            if f.evidence is not None and f.evidence.required and value not in (None, "", []):
                out.append(prefix + f.name)
            if f.type == "repeat" and isinstance(value, list):
                for i, row in enumerate(value):
                    walk(f.data_fields(), row, f"{prefix}{f.name}[{i}].")

    walk(spec.top_fields(), values, "")
    return out


def filing(
    form: str, values: dict[str, Any] | None = None, period: str = YEAR, with_evidence: bool = True
) -> FilingDocument:
    """The form's realistic filing (or ``values``), with a scanned document for every value that needs one."""
    import hashlib

    from cets_desktop.core.document import EvidenceRef
    from cets_desktop.core.loader import default_registry

    ent, build = FORMS[form]
    doc = document(form, ent, values if values is not None else build(), period)
    if with_evidence:
        spec = default_registry().get(form)
        doc.evidence = [
            EvidenceRef(
                path=p,
                sha256=hashlib.sha256(p.encode()).hexdigest(),
                name=f"{p}.pdf",
                size=102400,
                kind="扫描件",
            )
            for p in evidence_paths(spec, doc.values)
        ]
    return doc


def run(form: str, values: dict[str, Any] | None = None, period: str = YEAR) -> Any:
    from cets_desktop.core.loader import default_registry
    from cets_desktop.core.rules import evaluate

    return evaluate(default_registry().get(form), filing(form, values, period))
