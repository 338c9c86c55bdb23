"""A realistic month of an integrated BF-BOF mill for the steel monthly certification tests.

冀东示范钢铁有限公司 (same enterprise as the steel plan fixtures): one coke-oven battery, one sinter
strand, one blast furnace, one converter shop and a captive power plant burning the mill's own
blast-furnace, converter and coke-oven gas. Coking coal comes through the purchase–stock ledger
(库存推算), the other fuels are metered. Every builder returns fresh data that produces no
error-level finding, so a test can seed exactly one mistake.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cets_desktop.core.document import EvidenceRef, FilingDocument, parse_document
from cets_desktop.core.loader import default_registry
from cets_desktop.core.rules import Evaluation, evaluate
from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.core.uscc import complete

ROOT = Path(__file__).resolve().parents[2]
FORM = "steel-monthly"

ENTERPRISE: dict[str, Any] = {"name": "冀东示范钢铁有限公司", "uscc": complete("91130200MA0CJ8K5X")}


def spec() -> FormSpec:
    s = default_registry().get(FORM)
    assert s is not None, "steel-monthly did not load"
    return s


def coal_closing(month: int) -> Decimal:
    """Coking-coal stock at the end of ``month`` (month 0 = end of the previous year), t."""
    return Decimal(80000 + 1000 * month)


def fuel(
    name: str, source: str, ncv_route: str = "缺省值", carbon_route: str = "缺省值", **values: str
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "fuel_name": name,
        "consumption_source": source,
        "consumption_route": "实测值",
        "consumption_data_source": "能源管理部能源购进、消费与库存表",
        "ncv_route": ncv_route,
        "carbon_route": carbon_route,
        "carbon_basis": "单位热值含碳量",
    }
    if "实测值" in (ncv_route, carbon_route):
        row["factor_source"] = "唐山市煤炭质量检验中心（CMA、CNAS），月度检测报告"
    row.update(values)
    return row


def material(name: str, quantity: str, route: str = "缺省值", **values: str) -> dict[str, Any]:
    return {
        "material_name": name,
        "quantity": quantity,
        "quantity_route": "实测值",
        "quantity_source": "原料部原料消耗台账（汽车衡计量）",
        "ef_route": route,
        **values,
    }


def product(name: str, quantity: str, route: str = "缺省值", **values: str) -> dict[str, Any]:
    return {
        "product_name": name,
        "quantity": quantity,
        "quantity_route": "实测值",
        "quantity_source": "生产管理部生产月报、销售结算单",
        "ef_route": route,
        **values,
    }


def flow(name: str, quantity: str, route: str = "缺省值", **values: str) -> dict[str, Any]:
    return {
        "flow_name": name,
        "quantity": quantity,
        "quantity_route": "实测值",
        "quantity_source": "工序能源物料台账",
        "factor_route": route,
        **values,
    }


def process(
    name: str,
    kind: str,
    output: str,
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "process_name": name,
        "process_type": kind,
        "process_output": output,
        "process_output_route": "实测值",
        "process_output_source": "工序生产台账",
        "inputs": inputs,
        "outputs": outputs or [],
    }


def month_values(month: int = 10) -> dict[str, Any]:
    opening, closing = coal_closing(month - 1), coal_closing(month)
    coal_use = Decimal("155000.00")
    return {
        "preparer": "孙海燕",
        "preparer_phone": "0315-8123456",
        "fill_date": f"2026-{month:02d}-28" if month < 12 else "2026-12-28",
        "production_route": "长流程",
        "oxidation_option": "不计碳氧化率",
        "fuels": [
            fuel(
                "洗精煤",
                "购销存台账",
                ncv_route="实测值",
                carbon_route="实测值",
                consumption=f"{coal_use:.2f}",
                purchases=f"{coal_use + closing - opening:.2f}",
                opening_stock=f"{opening:.2f}",
                closing_stock=f"{closing:.2f}",
                other_outflow="0.00",
                ncv="26.120",
                carbon_per_heat="0.02920",
            ),
            fuel(
                "无烟煤",
                "生产计量",
                ncv_route="实测值",
                carbon_route="实测值",
                consumption="42000.00",
                ncv="24.650",
                carbon_per_heat="0.02735",
            ),
            fuel("焦炭", "生产计量", consumption="15000.00"),
            fuel("天然气", "生产计量", consumption="350.00"),
        ],
        "materials": [
            material("石灰石", "28000.00"),
            material("白云石", "12000.00"),
            material("废钢", "45000.00"),
            material("锰硅合金", "2500.00"),
            material("硅铁", "1200.00"),
        ],
        "products": [
            product("粗钢", "330000.00"),
            product("粗苯", "1350.00"),
            product("煤焦油", "5200.00"),
            product("焦炉煤气", "600.00"),
        ],
        "crude_steel_output": "330000.00",
        "crude_steel_route": "实测值",
        "crude_steel_source": "炼钢厂连铸坯称重汇总（生产月报）",
        "processes": [
            process(
                "1号焦炉",
                "焦化",
                "116000.00",
                [
                    flow("洗精煤", "155000.00", "实测值", ncv="26.120", cc="0.02920"),
                    flow("高炉煤气", "9000.00"),
                ],
                [
                    flow("焦炭", "116000.00"),
                    flow("焦炉煤气", "6665.00"),
                    flow("粗苯", "1350.00"),
                    flow("煤焦油", "5200.00"),
                ],
            ),
            process(
                "1号烧结机",
                "烧结",
                "480000.00",
                [
                    flow("焦粉", "18000.00", "实测值", ncv="27.200", cc="0.03000"),
                    flow("焦炉煤气", "300.00"),
                    flow("石灰石", "28000.00"),
                    flow("白云石", "12000.00"),
                ],
            ),
            process(
                "1号高炉",
                "炼铁",
                "300000.00",
                [
                    flow("焦炭", "110000.00"),
                    flow("无烟煤", "42000.00", "实测值", ncv="24.650", cc="0.02735"),
                    flow("高炉煤气", "3000.00"),
                ],
                [flow("铁水", "300000.00"), flow("高炉煤气", "42000.00")],
            ),
            process(
                "1号转炉",
                "炼钢",
                "330000.00",
                [
                    flow("铁水", "300000.00"),
                    flow("废钢", "45000.00"),
                    flow("锰硅合金", "2500.00"),
                    flow("硅铁", "1200.00"),
                ],
                [flow("粗钢", "330000.00"), flow("转炉煤气", "2400.00")],
            ),
            process(
                "自备电厂",
                "自备电厂",
                "260000.00",
                [flow("高炉煤气", "30000.00"), flow("转炉煤气", "1800.00"), flow("焦炉煤气", "1200.00")],
            ),
        ],
        "other_emissions": "61200.00",
        "grid_ef_choice": "采用参考值",
        "purchased_electricity": "185000.000",
        "purchased_heat": "0.00",
    }


def evidence_paths(s: FormSpec, values: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(fields: list[FieldSpec], data: dict[str, Any], prefix: str) -> None:
        for f in fields:
            value = data.get(f.name)
            if f.evidence is not None and f.evidence.required and value not in (None, "", []):
                out.append(prefix + f.name)
            if f.type == "repeat" and isinstance(value, list):
                for i, row in enumerate(value):
                    walk(f.data_fields(), row, f"{prefix}{f.name}[{i}].")

    walk(s.top_fields(), values, "")
    return out


def document(
    month: int = 10, values: dict[str, Any] | None = None, with_evidence: bool = True
) -> FilingDocument:
    vals = copy.deepcopy(values) if values is not None else month_values(month)
    evidence = []
    if with_evidence:
        for path in evidence_paths(spec(), vals):
            digest = hashlib.sha256(f"2026-{month:02d} {path}".encode()).hexdigest()
            evidence.append(
                EvidenceRef(path=path, sha256=digest, name=f"{path}.pdf", size=102400, kind="盖章扫描件")
            )
    s = spec()
    return FilingDocument(
        form=s.id,
        form_version=s.version,
        enterprise=copy.deepcopy(ENTERPRISE),
        period=f"2026-{month:02d}",
        values=vals,
        evidence=evidence,
    )


def run(doc: FilingDocument, previous: FilingDocument | None = None) -> Evaluation:
    return evaluate(spec(), doc, previous=previous)


def run_values(values: dict[str, Any], month: int = 10, previous: FilingDocument | None = None) -> Evaluation:
    return run(document(month, values), previous)


def codes(ev: Evaluation) -> set[str]:
    return {f.code for f in ev.findings}


def found(ev: Evaluation, code: str) -> list[Any]:
    return [f for f in ev.findings if f.code == code]


def as_json(doc: FilingDocument) -> dict[str, Any]:
    return json.loads(doc.to_json_text())


def reparse(data: dict[str, Any]) -> FilingDocument:
    return parse_document(data)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "tests")
    result = subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        cwd=cwd,
        env=env,
    )
    return Run(result.returncode, result.stdout, result.stderr)
